"""The package's layers: no module imports from a layer above its own.

Layers (README, *Architecture*): 0 conventions/validation/numerics,
1 electrodynamics and parameters, 2 forces, 3 linear, 4 dynamics, 5 analysis.
Imports are read from the source with :mod:`ast` (module-level and
function-level), so the test also catches lazy imports inside functions.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "optbind"

LAYER = {
    "conventions": 0, "validation": 0, "numerics": 0, "_lazy": 0,
    "electrodynamics": 1, "parameters": 1,
    "forces": 2,
    "linear": 3,
    "dynamics": 4,
    "analysis": 5,
}
ALIASES = {"green", "particles", "fields", "array", "model", "chain", "gaussian",
           "quantum", "langevin", "response"}


def _top(module: str) -> str:
    """First component below ``optbind`` of a dotted module name."""
    return module.split(".")[1] if module.startswith("optbind.") else module


def _modules():
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC.parent).with_suffix("")
        name = ".".join(rel.parts)
        if name.endswith(".__init__"):
            name = name[: -len(".__init__")]
        yield path, name


def _imports(path: Path, name: str):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("optbind"):
                    yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if not mod.startswith("optbind"):
                continue
            if mod == "optbind" or (node.module is None):
                for alias in node.names:
                    yield f"{mod}.{alias.name}"
            else:
                yield mod


def _layered():
    out = []
    for path, name in _modules():
        if name == "optbind" or name.count(".") == 0:
            continue
        top = _top(name)
        if top in ALIASES:
            continue
        out.append((path, name, top))
    return out


@pytest.mark.parametrize("path,name,top", _layered(), ids=[n for _, n, _ in _layered()])
def test_no_import_from_a_higher_layer(path, name, top):
    assert top in LAYER, f"{name}: module is not assigned to a layer"
    mine = LAYER[top]
    for mod in _imports(path, name):
        other = _top(mod)
        assert other not in ALIASES, (
            f"{name} imports the alias optbind.{other}; inside the package use the long name")
        if other in LAYER:
            assert LAYER[other] <= mine, (
                f"{name} (layer {mine}) imports {mod} (layer {LAYER[other]})")


def test_every_subpackage_module_is_listed_in_its_init():
    """Lazy access (``optbind.forces.dipoles``) works for every module of a subpackage."""
    import importlib

    for sub in ("electrodynamics", "forces", "linear", "dynamics", "analysis"):
        pkg = importlib.import_module(f"optbind.{sub}")
        files = {p.stem for p in (SRC / sub).glob("*.py") if p.stem != "__init__"}
        assert files == set(pkg._MODULES), f"optbind.{sub}._MODULES != files {sorted(files)}"
