"""Where a chapter writes its figures (PNG) and their numeric data (CSV)."""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path

from .layout import ChapterError, build_dir, find_root

__all__ = ["OUTPUT_ENV", "FigureOutput"]

#: Set by the runner to the folder of the chapter being executed.
OUTPUT_ENV = "OPTBIND_OUTPUT_DIR"


class FigureOutput:
    """Where a chapter writes its figures (PNG) and their numeric data (CSV).

    The folder is ``$OPTBIND_OUTPUT_DIR`` when the chapter is executed by
    ``python -m optbind_book``, otherwise ``<repo>/_build/figures/<chapter>`` so
    that an interactive run never writes next to the sources.

    Parameters
    ----------
    chapter : str
        The chapter's short name (its file stem).
    """

    def __init__(self, chapter: str):
        env = os.environ.get(OUTPUT_ENV)
        if env:
            self.folder = Path(env)
        else:
            try:
                root = find_root()
            except ChapterError:
                root = Path.cwd()
            self.folder = build_dir(root) / "figures" / chapter
        self.folder.mkdir(parents=True, exist_ok=True)
        self.chapter = chapter

    def save(self, fig, name: str, data: dict | None = None, dpi: int = 150) -> Path:
        """Save ``fig`` as ``<name>.png`` and ``data`` (equal-length columns) as CSV.

        Returns the path of the PNG file.
        """
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", name):
            raise ValueError(
                f"name must be a plain file stem (letters, digits, _ . -); got {name!r}"
            )
        png = self.folder / f"{name}.png"
        fig.savefig(png, dpi=dpi, bbox_inches="tight")
        if data is not None:
            self.save_data(name, data)
        return png

    def save_data(self, name: str, data: dict) -> Path:
        """Write the columns of ``data`` to ``<name>.csv`` (header = keys)."""
        import numpy as np

        cols = {k: np.ravel(np.asarray(v)) for k, v in data.items()}
        lengths = {len(v) for v in cols.values()}
        if len(lengths) != 1:
            sizes = {k: len(v) for k, v in cols.items()}
            raise ValueError(f"data columns must have equal lengths; got {sizes}")
        path = self.folder / f"{name}.csv"
        with path.open("w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(list(cols))
            for row in zip(*cols.values(), strict=True):
                w.writerow(
                    [
                        repr(float(x)) if np.isrealobj(x) else repr(complex(x))
                        for x in row
                    ]
                )
        return path
