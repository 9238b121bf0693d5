"""optbind_book: the chapter runner and Sphinx extension of the optbind book.

This is tooling, installed separately from the physics package ``optbind``
(``pip install -e src/optbind_book``), so that the physics wheel holds physics
only and editing the runner never invalidates a chapter's results.

Command line (run from anywhere inside the repository)::

    python -m optbind_book list
    python -m optbind_book run chain_amplification -p N 80 -p phi_next 0.5 --html
    python -m optbind_book execute            # every chapter of _toc.yml
    python -m optbind_book build              # execute what is needed + render the site
    python -m optbind_book student            # the student edition, without solutions
    python -m optbind_book pdf                # the whole book as one PDF (Chromium)

Every chapter is a MyST-Markdown notebook in ``book/`` listed in ``_toc.yml``.
It is executed by papermill from its ``.md`` source; the executed notebook goes
to ``_build/executed/<chapter>.ipynb`` (with a fingerprint stamp, see
:mod:`optbind_book.execute`) and the figures and their CSV data to
``_build/figures/<chapter>/``.  The site build publishes a chapter only if its
executed notebook is the one the runner wrote for the current inputs and has no
error output.  A re-execution with other parameters (``run``) writes to its own
folder ``_build/runs/<chapter>/<parameters>/``.  Chapters find their output
folder through :class:`FigureOutput`.
"""

from __future__ import annotations

import importlib

from .figures import OUTPUT_ENV, FigureOutput
from .layout import (
    BUILD_ROOT_ENV,
    Chapter,
    ChapterError,
    Parameter,
    build_dir,
    chapters,
    check_output_dir,
    find_root,
)

__version__ = "0.1.0"

_LAZY = {
    "Interrupted": "execute",
    "execute_all": "execute",
    "execute_chapter": "execute",
    "input_fingerprint": "execute",
    "publish_problem": "execute",
    "seed_cache": "execute",
    "build_site": "site",
    "build_student": "site",
    "build_pdf": "pdf",
    "render_page": "site",
    "main": "cli",
}

__all__ = [
    "BUILD_ROOT_ENV",
    "Chapter",
    "ChapterError",
    "FigureOutput",
    "Interrupted",
    "OUTPUT_ENV",
    "Parameter",
    "build_dir",
    "build_pdf",
    "build_site",
    "build_student",
    "chapters",
    "check_output_dir",
    "execute_all",
    "execute_chapter",
    "find_root",
    "input_fingerprint",
    "main",
    "publish_problem",
    "render_page",
    "seed_cache",
]


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
