"""The downloadable notebook of a chapter: executed, with outputs, standalone.

:func:`standalone_notebook` turns the runner's executed notebook into the one
offered for download on the chapter's page:

* the set-up cell's ``from optbind_book.chapter import ...`` is removed and a
  hidden cell holding the source of :mod:`optbind_book.chapter` (standard
  library, matplotlib and IPython only) is inserted before it, so that the
  notebook runs wherever ``optbind`` and matplotlib are installed;
* the figures and tables that the book places with ``{glue:figure}`` and
  ``{glue:md}`` are hidden outputs (glue's ``application/papermill.record/``
  prefix); they are made visible where they were computed, so that the
  downloaded notebook shows them;
* papermill's run metadata (paths of the build machine) is dropped.
"""

from __future__ import annotations

import ast
import copy
import re
from pathlib import Path

__all__ = ["KIT_MODULE", "kit_source", "standalone_notebook", "strip_solutions"]

KIT_MODULE = "optbind_book.chapter"
_GLUE_PREFIX = "application/papermill.record/"
_SHOWN = ("image/png", "image/svg+xml", "text/html", "text/markdown")
_MARK = "# optbind_book.chapter, inlined"


_SOLUTION = re.compile(
    r"^(?P<fence>`{3,}|:{3,})\{solution\}[^\n]*\n.*?^(?P=fence)[ \t]*$\n?",
    re.MULTILINE | re.DOTALL,
)


def strip_solutions(text: str) -> str:
    """MyST text without its ``{solution}`` blocks (for the student edition).

    A block starts with a fence of backticks or colons followed by
    ``{solution}`` and ends at the next line holding the same fence; code
    fences inside it must be shorter, as MyST requires anyway.
    """
    return _SOLUTION.sub("", text)


def kit_source() -> str:
    """The source of :mod:`optbind_book.chapter` as shipped in the downloads."""
    return (Path(__file__).with_name("chapter.py")).read_text(encoding="utf-8")


def _strip_kit_import(source: str) -> tuple[str, bool]:
    """Remove ``from optbind_book.chapter import ...`` statements from a cell."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source, False
    lines = source.splitlines(keepends=True)
    drop = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == KIT_MODULE:
            drop.update(range(node.lineno - 1, node.end_lineno))
        elif isinstance(node, ast.Import) and any(
            a.name == KIT_MODULE for a in node.names
        ):
            raise ValueError(
                f"use 'from {KIT_MODULE} import ...' (a plain 'import {KIT_MODULE}' "
                "cannot be inlined)"
            )
    if not drop:
        return source, False
    kept = "".join(line for i, line in enumerate(lines) if i not in drop)
    return kept, True


def _reveal(output: dict) -> dict:
    """A glued (hidden) figure or table output, made visible; else unchanged."""
    data = output.get("data", {})
    hidden = {
        k[len(_GLUE_PREFIX) :]: v for k, v in data.items() if k.startswith(_GLUE_PREFIX)
    }
    if not hidden or not any(m in hidden for m in _SHOWN):
        return output
    shown = {k: v for k, v in hidden.items() if k in _SHOWN or k == "text/plain"}
    meta = {
        k.removeprefix(_GLUE_PREFIX): v
        for k, v in output.get("metadata", {}).items()
        if k != "scrapbook"
    }
    out = copy.deepcopy(output)
    out["data"] = shown
    out["metadata"] = meta
    return out


def standalone_notebook(nb, *, kit: str | None = None, solutions: bool = True):
    """The download version of an executed chapter notebook (a new object).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The executed notebook (as written by the runner).
    kit : str, optional
        Source to inline for :mod:`optbind_book.chapter` (default: this
        package's copy).
    solutions : bool
        Keep the ``{solution}`` blocks of the Markdown cells (``False`` for
        the student edition).

    Raises
    ------
    ValueError
        If the kit is imported with a plain ``import`` statement.
    """
    import nbformat

    nb = copy.deepcopy(nb)
    kit = kit_source() if kit is None else kit
    cells, inlined = [], False
    for cell in nb.cells:
        if cell.cell_type == "markdown" and not solutions:
            cell.source = strip_solutions(cell.source)
        if cell.cell_type == "code":
            source, had = _strip_kit_import(cell.source)
            if had and not inlined:
                kit_cell = nbformat.v4.new_code_cell(
                    f"{_MARK} so that this notebook runs without the book's tooling\n"
                    + kit,
                    metadata={"tags": ["hide-input"]},
                )
                if nb.nbformat_minor >= 5:
                    kit_cell["id"] = "optbind-kit"
                else:
                    kit_cell.pop("id", None)
                cells.append(kit_cell)
                inlined = True
            if had:
                cell.source = source
            cell.outputs = [_reveal(o) for o in cell.get("outputs", [])]
        cells.append(cell)
    nb.cells = cells
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    nbformat.validate(nb)
    return nb
