"""Where things are: the repository root, the build folder and the chapters.

Also the chapters' ``parameters`` cells (names, defaults, units and meaning,
read from the trailing comments), the type check of command-line parameter
values, and the rule for ``run -o``.  Only the standard library is imported at
module level, so ``from optbind_book import FigureOutput`` stays cheap.
"""

from __future__ import annotations

import ast
import io
import json
import os
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "BUILD",
    "BUILD_ROOT_ENV",
    "Chapter",
    "ChapterError",
    "Parameter",
    "RESERVED_BUILD_FOLDERS",
    "RUN_MARKER",
    "build_dir",
    "chapter_by_name",
    "chapters",
    "check_output_dir",
    "coerce_parameters",
    "find_root",
    "parameters_of",
]

BUILD_ROOT_ENV = "OPTBIND_BUILD_ROOT"
BUILD = "_build"
#: Written into every folder made by ``run``; an existing folder at the top of
#: the build folder is accepted by ``run -o`` only if it carries this file.
RUN_MARKER = ".optbind-run.json"
#: Folders (and files) of the book's own build, never a target of ``run -o``.
RESERVED_BUILD_FOLDERS = frozenset(
    {
        "executed",
        "figures",
        "html",
        "jupyter_execute",
        ".jupyter_cache",
        ".doctrees",
        "_page",
        "screenshots",
        "wheel",
        "sphinx.log",
    }
)


class ChapterError(RuntimeError):
    """A chapter could not be run, executed or published (the message says why)."""


# ----------------------------------------------------------------------------
# repository layout
# ----------------------------------------------------------------------------
def find_root(start: Path | None = None) -> Path:
    """Return the repository root: the first parent holding ``_toc.yml``.

    The search starts at ``start`` (default: the working directory); if it
    finds nothing it tries the folder two levels above this file (the
    repository of an editable install, ``src/optbind_book/``).
    """
    here = Path(start or Path.cwd()).resolve()
    for p in (here, *here.parents):
        if (p / "_toc.yml").is_file() and (p / "_config.yml").is_file():
            return p
    p = Path(__file__).resolve().parents[2]
    if (p / "_toc.yml").is_file() and (p / "_config.yml").is_file():
        return p
    raise ChapterError(
        "cannot find the repository root (a folder with _toc.yml and _config.yml)"
    )


def build_dir(root: Path) -> Path:
    """The build folder: ``<root>/_build``, or ``$OPTBIND_BUILD_ROOT/_build`` if set.

    Everything generated (executed notebooks, figures, CSV data, the jupyter
    cache and the HTML site) lives below it; sources are never written.
    """
    base = os.environ.get(BUILD_ROOT_ENV)
    return (Path(base).resolve() if base else Path(root).resolve()) / BUILD


@dataclass(frozen=True)
class Parameter:
    """One assignment of a chapter's ``parameters`` cell."""

    name: str
    default: object  #: the value (a literal), or the source text of an expression
    literal: bool  #: False if the default is an expression (its type is unknown)
    unit: str = ""  #: from a unit-like parenthesis in the trailing comment
    meaning: str = ""  #: the trailing comment without the unit
    section: str = ""  #: the comment line(s) above a group of parameters
    text: str = ""  #: the default as written in the cell, e.g. ``1550e-9``

    @property
    def default_text(self) -> str:
        if self.text:
            return self.text
        return repr(self.default) if self.literal else str(self.default)


@dataclass(frozen=True)
class Chapter:
    """One entry of ``_toc.yml``."""

    name: str  #: short name, the file stem, e.g. ``classical_binding``
    source: Path  #: absolute path of the MyST ``.md`` file
    docname: str  #: path relative to the root without suffix, e.g. ``book/intro``

    def parameters(self) -> dict[str, object]:
        """Names and default values of the cell tagged ``parameters``."""
        return {p.name: p.default for p in parameters_of(self.source)}

    def parameter_table(self) -> list[Parameter]:
        """The parameters with default, unit and meaning (see :class:`Parameter`)."""
        return parameters_of(self.source)

    @property
    def is_notebook(self) -> bool:
        """True if the source is a MyST notebook (has a code cell)."""
        return "```{code-cell}" in self.source.read_text(encoding="utf-8")


def _toc_files(toc: dict) -> list[str]:
    files = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                files.append(node["file"])
            for key in ("parts", "chapters", "sections"):
                for child in node.get(key, []) or []:
                    walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk({k: v for k, v in toc.items() if k != "root"})
    return files


def chapters(root: Path | None = None) -> list[Chapter]:
    """All documents listed in ``_toc.yml``, in order."""
    import yaml

    root = find_root(root)
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    out = []
    for f in _toc_files(toc):
        path = root / f
        if path.suffix == "":
            path = path.with_suffix(".md")
        if not path.is_file():
            raise ChapterError(f"_toc.yml lists {f!r} but {path} does not exist")
        docname = str(Path(f).with_suffix(""))
        out.append(Chapter(name=path.stem, source=path, docname=docname))
    return out


def chapter_by_name(name: str, root: Path) -> Chapter:
    """The notebook chapter called ``name`` (stem, docname or relative path)."""
    nbs = [c for c in chapters(root) if c.is_notebook]
    for c in nbs:
        if name in (c.name, c.docname, str(c.source.relative_to(root))):
            return c
    valid = ", ".join(c.name for c in nbs)
    raise ChapterError(f"unknown chapter {name!r}; valid chapters: {valid}")


# ----------------------------------------------------------------------------
# the parameters cell
# ----------------------------------------------------------------------------
_UNIT_WORDS = {
    "m",
    "km",
    "cm",
    "mm",
    "um",
    "µm",
    "nm",
    "pm",
    "s",
    "ms",
    "us",
    "µs",
    "ns",
    "ps",
    "kg",
    "g",
    "mg",
    "W",
    "mW",
    "uW",
    "J",
    "eV",
    "meV",
    "N",
    "Pa",
    "bar",
    "mbar",
    "K",
    "mK",
    "uK",
    "Hz",
    "kHz",
    "MHz",
    "GHz",
    "THz",
    "rad",
    "mrad",
    "deg",
    "sr",
    "V",
    "A",
    "C",
    "F",
    "T",
    "Ohm",
    "u",
    "mol",
    "1",
}


def _is_unit(text: str) -> bool:
    """True for unit-like text: ``m``, ``kg/m^3``, ``1/s``, ``rad s^-1``."""
    parts = [p for p in re.split(r"[\s/*·^()]+", text.strip()) if p]
    if not parts or len(text) > 24 or not any(p in _UNIT_WORDS - {"1"} for p in parts):
        return False
    return all(p in _UNIT_WORDS or re.fullmatch(r"[-+]?\d+(\.\d+)?", p) for p in parts)


def split_unit(comment: str) -> tuple[str, str]:
    """Split a trailing comment into ``(unit, meaning)``.

    The unit is the first parenthesis whose content is unit-like (``(m)``,
    ``(kg/m^3)``, ``(1/s)``) or says ``(units ...)``; usually it trails the
    comment or its first clause.  Other parentheses stay in the meaning:
    ``(pi/4)``, ``(N2)``, ``(silica at 1550 nm)``, ``Eq. (90)``.

    >>> split_unit("laser wavelength (m)")
    ('m', 'laser wavelength')
    >>> split_unit("power per tweezer (W); sets the field amplitude |E|")
    ('W', 'power per tweezer; sets the field amplitude |E|')
    >>> split_unit("C_12 (units m omega_1^2)")
    ('m omega_1^2', 'C_12')
    >>> split_unit("coupling as a fraction of g_c(N)")
    ('', 'coupling as a fraction of g_c(N)')
    >>> split_unit("k*d grid points of the map")
    ('', 'k*d grid points of the map')
    """
    comment = comment.strip()
    # "(m)" after a space or at the start; "g_c(N)" is a function, not newtons
    for m in re.finditer(r"(?:^|\s+)\(([^()]*)\)", comment):
        inner = m.group(1).strip()
        unit = ""
        if re.match(r"units?\s+", inner):
            unit = re.sub(r"^units?\s+(of\s+)?", "", inner)
        elif _is_unit(inner):
            unit = inner
        if unit:
            rest = comment[m.end() :]
            glue = "" if not rest or rest[0] in ";:,." else " "
            meaning = (comment[: m.start()] + glue + rest.lstrip()).strip()
            return unit, meaning
    return "", comment


def _comments_by_line(source: str) -> dict[int, str]:
    out = {}
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                out[tok.start[0]] = tok.string.lstrip("#").strip()
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return out


def parse_parameter_cell(source: str) -> list[Parameter]:
    """The assignments of a ``parameters`` cell with their trailing comments."""
    comments = _comments_by_line(source)
    lines = source.splitlines()
    body = ast.parse(source).body
    params, section, last_end = [], "", 0
    for node in body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if not isinstance(target, ast.Name):
            continue
        # comment-only lines between the previous assignment and this one
        header = [
            comments[i]
            for i in range(last_end + 1, node.lineno)
            if i in comments and lines[i - 1].lstrip().startswith("#")
        ]
        if header:
            section = " ".join(header)
        trailing = " ".join(
            comments[i]
            for i in range(node.lineno, node.end_lineno + 1)
            if i in comments
        )
        unit, meaning = split_unit(trailing)
        try:
            default, literal = ast.literal_eval(value), True
        except (ValueError, SyntaxError, TypeError):
            default, literal = ast.unparse(value), False
        text = ast.get_source_segment(source, value) or ""
        text = " ".join(text.split())
        params.append(
            Parameter(target.id, default, literal, unit, meaning, section, text)
        )
        last_end = node.end_lineno
    return params


def parameters_of(path: Path) -> list[Parameter]:
    """The parameters of the cell tagged ``parameters`` of a MyST notebook."""
    import jupytext

    nb = jupytext.read(path, fmt="md:myst")
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            return parse_parameter_cell(cell.source)
    return []


# ----------------------------------------------------------------------------
# command-line values, checked against the type of the default
# ----------------------------------------------------------------------------
def _parse_value(text: str):
    """Interpret a command-line value as a Python literal if possible."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return text


def _scalar_kind(value) -> str | None:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, complex):
        return "complex"
    if isinstance(value, str):
        return "str"
    return None


_DESCRIPTION = {
    "bool": "True or False",
    "int": "an int",
    "float": "a float (an int is accepted)",
    "complex": "a complex number (int and float are accepted)",
    "str": "a string",
}


_PLURAL = {
    "bool": "bools",
    "int": "ints",
    "float": "floats (ints accepted)",
    "complex": "complex numbers",
    "str": "strings",
}


def _conform_scalar(kind: str, value):
    """``(ok, converted)`` for a value that should be of ``kind``."""
    if kind == "bool":
        return isinstance(value, bool), value
    if isinstance(value, bool):
        return False, value
    if kind == "int":
        return isinstance(value, int), value
    if kind == "float":
        ok = isinstance(value, (int, float))
        return ok, float(value) if ok else value
    if kind == "complex":
        ok = isinstance(value, (int, float, complex))
        return ok, complex(value) if ok else value
    if kind == "str":
        return isinstance(value, str), value
    return True, value


def _element_kind(items) -> str | None:
    kinds = {_scalar_kind(x) for x in items}
    if len(kinds) == 1:
        return kinds.pop()
    if kinds and kinds <= {"int", "float"}:
        return "float"
    return None


def _type_name(value) -> str:
    kind = _scalar_kind(value)
    if kind == "str":
        return "a string"
    return {"bool": "a bool", "int": "an int", "float": "a float"}.get(
        kind, f"a {type(value).__name__}"
    )


def coerce_value(param: Parameter, text: str, chapter: str = "?"):
    """The value of ``-p NAME TEXT`` for ``param``, checked against its default.

    Raises
    ------
    ChapterError
        Naming the parameter, the given value and the expected type.
    """
    if not param.literal or param.default is None:
        return _parse_value(text)  # an expression default: its type is unknown
    default = param.default
    if isinstance(default, str):
        value = _parse_value(text)
        return value if isinstance(value, str) else text
    value = _parse_value(text)
    detail = ""
    kind = _scalar_kind(default)
    if kind is not None:
        ok, converted = _conform_scalar(kind, value)
        expected = _DESCRIPTION[kind]
    elif isinstance(default, (list, tuple, dict)):
        container = type(default).__name__
        ok, converted = isinstance(value, type(default)), value
        expected = f"a {container}"
        elem = _element_kind(default) if not isinstance(default, dict) else None
        if elem is not None:
            expected = f"a {container} of {_PLURAL[elem]}"
            if ok:
                pairs = [_conform_scalar(elem, x) for x in value]
                bad = [x for x, p in zip(value, pairs, strict=True) if not p[0]]
                ok = not bad
                converted = type(default)(p[1] for p in pairs)
                if bad:
                    detail = f" whose element {bad[0]!r} is {_type_name(bad[0])}"
    else:
        ok, converted, expected = (
            isinstance(value, type(default)),
            value,
            (f"a {type(default).__name__}"),
        )
    if not ok:
        raise ChapterError(
            f"parameter {param.name!r} of chapter {chapter!r} expects {expected} "
            f"(default {default!r}); got {text!r}, which is {_type_name(value)}{detail}"
        )
    return converted


def coerce_parameters(chapter: Chapter, given: list[tuple[str, str]] | dict) -> dict:
    """Check names and types of command-line parameters before any kernel starts.

    ``given`` holds ``(name, text)`` pairs as typed after ``-p`` (or a dict of
    already parsed values, which are checked the same way via their ``repr``).
    """
    table = {p.name: p for p in chapter.parameter_table()}
    pairs = list(given.items()) if isinstance(given, dict) else list(given)
    unknown = sorted({k for k, _ in pairs} - set(table))
    if unknown:
        valid = ", ".join(
            f"{p.name} (default {p.default_text})" for p in table.values()
        )
        raise ChapterError(
            f"chapter {chapter.name!r} has no parameter "
            f"{', '.join(map(repr, unknown))}; valid parameters: {valid or 'none'}"
        )
    out = {}
    for name, text in pairs:
        if not isinstance(text, str):
            text = repr(text)
        out[name] = coerce_value(table[name], text, chapter.name)
    return out


# ----------------------------------------------------------------------------
# where `run -o` may write
# ----------------------------------------------------------------------------
def check_output_dir(out: Path, root: Path) -> Path:
    """Resolve ``run -o DIR`` and refuse anything but a run folder.

    Allowed: ``<build>/runs/...``; a new folder under the build folder (or one
    made by an earlier run, marked by :data:`RUN_MARKER`); a folder outside the
    repository.  Refused: the book's own build folders (``executed/``,
    ``figures/``, ``html/``, ``.jupyter_cache/``, ...), the build folder itself,
    every other place inside the repository (sources, ``.git/``, ``scripts/``,
    ...), an existing file, and a folder that contains the repository.
    """
    root = Path(root).resolve()
    build = build_dir(root)
    out = Path(out).expanduser().resolve()
    allowed = (
        f"allowed: a folder under {build / 'runs'}, a new folder under {build}, "
        "or a folder outside the repository"
    )

    def refuse(why: str):
        raise ChapterError(f"refusing to write the run into {out}: {why}; {allowed}")

    if out.exists() and not out.is_dir():
        refuse("it is an existing file")
    if out == build:
        refuse("it is the build folder itself")
    if out.is_relative_to(build):
        top = out.relative_to(build).parts[0]
        if top == "runs":
            return out
        if top in RESERVED_BUILD_FOLDERS or top.startswith("."):
            refuse(f"{build.name}/{top} belongs to the book's own build")
        existing = build / top
        if existing.exists() and not (existing / RUN_MARKER).is_file():
            refuse(f"{build.name}/{top} exists and was not made by a run")
        return out
    if root.is_relative_to(out) or build.is_relative_to(out):
        refuse("it contains the repository or the build folder")
    if out.is_relative_to(root):
        where = out.relative_to(root).parts[0]
        refuse(f"it is inside the repository ({where}/)")
    return out


def write_run_marker(folder: Path, chapter: Chapter, parameters: dict) -> None:
    """Mark ``folder`` as made by ``run`` (see :func:`check_output_dir`)."""
    folder.mkdir(parents=True, exist_ok=True)
    text = json.dumps(
        {
            "chapter": chapter.name,
            "parameters": {k: repr(v) for k, v in parameters.items()},
        },
        indent=1,
    )
    (folder / RUN_MARKER).write_text(text + "\n", encoding="utf-8")
