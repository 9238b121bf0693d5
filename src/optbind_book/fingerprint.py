"""What a chapter's executed outputs depend on, as a dictionary of digests.

A chapter's fingerprint has one entry per input:

* ``source <path>``: the bytes of the chapter's ``.md`` file;
* ``module <path>``: every module of the physics package ``optbind`` that the
  chapter imports, directly or through the package's own imports, found
  statically (no import is executed).  A module is hashed by its syntax tree
  without line numbers, so editing a comment or blank lines changes nothing,
  while any change of code (docstrings included) does;
* ``package-data <path>``: every non-Python file of the physics package;
* ``data <path>``: every file of the repository's ``data/``;
* ``pins constraints.txt``: the pinned environment;
* ``python``: the interpreter's implementation and version;
* ``packages``: name and version of every installed distribution.

The tooling itself (this package, ``optbind-book``) is deliberately not an
input: editing the runner does not re-execute any chapter.

When the static analysis cannot tell which module a name refers to (a star
import, or a name served by a package's module-level ``__getattr__`` that is
neither a module file nor listed in a string table of that package), the whole
package below that point is included: the fingerprint may then be too wide,
never too narrow.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import platform
import re
from importlib import metadata
from pathlib import Path

__all__ = [
    "PHYSICS_PACKAGE",
    "TOOLING_DISTRIBUTION",
    "chapter_inputs",
    "combine",
    "describe_changes",
    "imported_modules",
    "module_digest",
    "physics_package_dir",
]

PHYSICS_PACKAGE = "optbind"
TOOLING_DISTRIBUTION = "optbind-book"
_MAGIC = re.compile(r"^\s*[%!]")


def physics_package_dir(root: Path) -> Path | None:
    """The folder of ``optbind``: ``<root>/src/optbind`` or where it is installed."""
    local = Path(root) / "src" / PHYSICS_PACKAGE
    if (local / "__init__.py").is_file():
        return local.resolve()
    try:
        spec = importlib.util.find_spec(PHYSICS_PACKAGE)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0]).resolve()


def _parse(text: str) -> ast.Module | None:
    try:
        return ast.parse(text)
    except SyntaxError:
        # IPython magics and shell escapes are not Python
        cleaned = "\n".join("" if _MAGIC.match(ln) else ln for ln in text.splitlines())
        try:
            return ast.parse(cleaned)
        except SyntaxError:
            return None


def module_digest(path: Path) -> str:
    """SHA-256 of a module's syntax tree (no line numbers, no comments)."""
    tree = _parse(path.read_text(encoding="utf-8"))
    text = ast.dump(tree, include_attributes=False) if tree else path.read_text("utf-8")
    return hashlib.sha256(text.encode()).hexdigest()


class _Package:
    """Static view of the physics package's files."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._trees: dict[Path, ast.Module | None] = {}

    def file(self, module: str) -> Path | None:
        parts = module.split(".")
        if parts[0] != PHYSICS_PACKAGE:
            return None
        base = self.folder.joinpath(*parts[1:])
        for cand in (base / "__init__.py", base.with_suffix(".py")):
            if cand.is_file():
                return cand
        return None

    def is_package(self, module: str) -> bool:
        f = self.file(module)
        return f is not None and f.name == "__init__.py"

    def tree(self, path: Path) -> ast.Module | None:
        if path not in self._trees:
            self._trees[path] = _parse(path.read_text(encoding="utf-8"))
        return self._trees[path]

    def subtree(self, module: str) -> set[str]:
        """``module`` and every module below it."""
        f = self.file(module)
        if f is None:
            return set()
        if f.name != "__init__.py":
            return {module}
        out = set()
        for p in f.parent.rglob("*.py"):
            if "__pycache__" in p.parts:
                continue
            rel = p.relative_to(self.folder).with_suffix("")
            parts = [PHYSICS_PACKAGE, *rel.parts]
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out.add(".".join(parts))
        return out

    def resolve_name(self, package: str, name: str) -> set[str]:
        """Modules that ``from package import name`` (or ``package.name``) loads."""
        direct = f"{package}.{name}"
        if self.file(direct):
            return {direct}
        init = self.file(package)
        if init is None or init.name != "__init__.py":
            return set()
        tree = self.tree(init)
        if tree is None:
            return self.subtree(package)
        # a static name of __init__ (a function, a re-export): __init__ suffices
        for node in tree.body:
            targets = []
            if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
                targets = [node.name]
            elif isinstance(node, ast.Assign):
                targets = [t.id for t in node.targets if isinstance(t, ast.Name)]
            elif isinstance(node, (ast.ImportFrom, ast.Import)):
                targets = [(a.asname or a.name).split(".")[0] for a in node.names]
            if name in targets:
                return set()
        # a lazy alias: look for a table mapping the name to a module path
        for node in ast.walk(tree):
            if isinstance(node, ast.Dict):
                for k, v in zip(node.keys, node.values, strict=True):
                    if (
                        isinstance(k, ast.Constant)
                        and k.value == name
                        and isinstance(v, ast.Constant)
                        and isinstance(v.value, str)
                    ):
                        for cand in (f"{package}.{v.value.lstrip('.')}", v.value):
                            if self.file(cand):
                                return {cand}
        has_getattr = any(
            isinstance(n, ast.FunctionDef) and n.name == "__getattr__"
            for n in tree.body
        )
        return self.subtree(package) if has_getattr else set()

    def imports_of(self, tree: ast.Module, module: str | None) -> set[str]:
        """Physics modules imported by ``tree`` (code of ``module``, or a chapter)."""
        found: set[str] = set()
        bound: dict[str, str] = {}  # local name -> module it is bound to
        if module is None:
            package = ""
        elif self.is_package(module):
            package = module
        else:
            package = module.rpartition(".")[0]
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] != PHYSICS_PACKAGE:
                        continue
                    found.add(alias.name)
                    if alias.asname:
                        bound[alias.asname] = alias.name
                    else:
                        bound[PHYSICS_PACKAGE] = PHYSICS_PACKAGE
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    if not package:
                        continue
                    parts = package.split(".")
                    if node.level - 1 >= len(parts):
                        continue
                    base = ".".join(parts[: len(parts) - (node.level - 1)])
                    full = f"{base}.{node.module}" if node.module else base
                else:
                    full = node.module or ""
                if full.split(".")[0] != PHYSICS_PACKAGE:
                    continue
                found.add(full)
                for alias in node.names:
                    if alias.name == "*":
                        found |= self.subtree(full)
                        continue
                    hit = self.resolve_name(full, alias.name)
                    found |= hit
                    if len(hit) == 1:
                        bound[alias.asname or alias.name] = next(iter(hit))
        # attribute access on bound modules: optbind.green.dyadic_green, ga.steady_state
        for node in ast.walk(tree):
            if not isinstance(node, ast.Attribute):
                continue
            chain, cur = [], node
            while isinstance(cur, ast.Attribute):
                chain.append(cur.attr)
                cur = cur.value
            if not isinstance(cur, ast.Name) or cur.id not in bound:
                continue
            mod = bound[cur.id]
            for attr in reversed(chain):
                if not self.is_package(mod):
                    break
                hit = self.resolve_name(mod, attr)
                found |= hit
                if len(hit) != 1:
                    break
                mod = next(iter(hit))
        return found

    def closure(self, start: set[str]) -> set[str]:
        """``start``, the packages containing them, and everything they import."""
        todo, seen = list(start), set()
        while todo:
            mod = todo.pop()
            parts = mod.split(".")
            for i in range(1, len(parts) + 1):
                parent = ".".join(parts[:i])
                if parent in seen:
                    continue
                seen.add(parent)
                f = self.file(parent)
                tree = self.tree(f) if f else None
                if tree is not None:
                    todo.extend(self.imports_of(tree, parent) - seen)
        return {m for m in seen if self.file(m)}


def imported_modules(code_cells: list[str], package_dir: Path) -> list[Path]:
    """Files of the physics package that the chapter's code loads (transitively)."""
    pkg = _Package(package_dir)
    start: set[str] = set()
    for code in code_cells:
        tree = _parse(code)
        if tree is None:  # not Python even without magics: take everything
            return sorted(pkg.file(m) for m in pkg.subtree(PHYSICS_PACKAGE))
        start |= pkg.imports_of(tree, None)
    return sorted(pkg.file(m) for m in pkg.closure(start))


def _installed_packages() -> dict[str, str]:
    out = {}
    for dist in metadata.distributions():
        name = (dist.metadata["Name"] or "").lower().replace("_", "-")
        if name and name != TOOLING_DISTRIBUTION:
            out[name] = dist.version
    return dict(sorted(out.items()))


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def chapter_inputs(
    source: Path, code_cells: list[str], root: Path
) -> dict[str, object]:
    """The inputs of one chapter (see the module docstring), as digests."""
    root = Path(root).resolve()
    inputs: dict[str, object] = {}

    def rel(p: Path) -> str:
        p = p.resolve()
        return str(p.relative_to(root)) if p.is_relative_to(root) else str(p)

    inputs[f"source {rel(source)}"] = _sha(source.read_bytes())
    pkg_dir = physics_package_dir(root)
    if pkg_dir is not None:
        for f in imported_modules(code_cells, pkg_dir):
            name = f"{PHYSICS_PACKAGE}/{f.relative_to(pkg_dir)}"
            inputs[f"module {name}"] = module_digest(f)
        for f in sorted(pkg_dir.rglob("*")):
            if (
                f.is_file()
                and f.suffix not in (".py", ".pyc")
                and ("__pycache__" not in f.parts)
            ):
                name = f"{PHYSICS_PACKAGE}/{f.relative_to(pkg_dir)}"
                inputs[f"package-data {name}"] = _sha(f.read_bytes())
    data = root / "data"
    if data.is_dir():
        for f in sorted(data.rglob("*")):
            if f.is_file():
                inputs[f"data {rel(f)}"] = _sha(f.read_bytes())
    pins = root / "constraints.txt"
    if pins.is_file():
        inputs["pins constraints.txt"] = _sha(pins.read_bytes())
    inputs["python"] = f"{platform.python_implementation()} {platform.python_version()}"
    inputs["packages"] = _installed_packages()
    return inputs


def combine(inputs: dict[str, object]) -> str:
    """One digest for a dictionary of inputs."""
    h = hashlib.sha256()
    for key in sorted(inputs):
        value = inputs[key]
        text = value if isinstance(value, str) else repr(sorted(value.items()))
        h.update(f"{key}\0{text}\0".encode())
    return h.hexdigest()


def describe_changes(old: dict, new: dict, limit: int = 4) -> str:
    """A short list of what differs between two input dictionaries."""
    changes = []
    for key in sorted(set(old) | set(new)):
        if key not in old:
            changes.append(f"new input {key}")
        elif key not in new:
            changes.append(f"{key} no longer an input")
        elif old[key] != new[key]:
            if key == "packages":
                a, b = old[key], new[key]
                diff = [
                    f"{n} {a.get(n, '-')} -> {b.get(n, '-')}"
                    for n in sorted(set(a) | set(b))
                    if a.get(n) != b.get(n)
                ]
                changes.append("packages " + ", ".join(diff[:limit]))
            elif key == "python":
                changes.append(f"python {old[key]} -> {new[key]}")
            else:
                changes.append(f"{key} changed")
    if len(changes) > limit:
        changes = changes[:limit] + [f"and {len(changes) - limit} more"]
    return "; ".join(changes)
