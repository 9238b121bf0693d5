"""Execute the book's chapters with papermill and build the website.

Command line (run from anywhere inside the repository)::

    python -m optbind.book list
    python -m optbind.book run chain -p N 80 -p phi_next 0.5
    python -m optbind.book execute            # every chapter of _toc.yml
    python -m optbind.book build              # execute + render the site

Every chapter is a MyST-Markdown notebook in ``book/`` listed in ``_toc.yml``.
It is executed once, by papermill, from its ``.md`` source (read with
jupytext); the executed notebook goes to ``_build/executed/<chapter>.ipynb`` and
the figures and their CSV data to ``_build/figures/<chapter>/``.  The build
then seeds jupyter-book's execution cache with those outputs, so that Sphinx
renders the executed notebooks without running them a second time.

A re-execution with other parameters (``run``) writes to its own folder
``_build/runs/<chapter>/<parameters>/`` and never touches the sources or the
book's own outputs.  Chapters find their output folder through the
environment variable ``OPTBIND_OUTPUT_DIR`` (see :class:`FigureOutput`).
"""
from __future__ import annotations

import argparse
import ast
import csv
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "Chapter",
    "ChapterError",
    "FigureOutput",
    "build_site",
    "chapters",
    "execute_chapter",
    "find_root",
    "main",
    "seed_cache",
]

OUTPUT_ENV = "OPTBIND_OUTPUT_DIR"
BUILD_ROOT_ENV = "OPTBIND_BUILD_ROOT"
BUILD = "_build"


class ChapterError(RuntimeError):
    """A chapter could not be executed (unknown name or parameter, failing cell)."""


# ----------------------------------------------------------------------------
# repository layout
# ----------------------------------------------------------------------------
def find_root(start: Path | None = None) -> Path:
    """Return the repository root: the first parent holding ``_toc.yml``."""
    here = Path(start or Path.cwd()).resolve()
    for p in (here, *here.parents):
        if (p / "_toc.yml").is_file() and (p / "_config.yml").is_file():
            return p
    # fall back to the location of this file (editable install: src/optbind/book.py)
    p = Path(__file__).resolve().parents[2]
    if (p / "_toc.yml").is_file():
        return p
    raise ChapterError("cannot find the repository root (a folder with _toc.yml and _config.yml)")


def build_dir(root: Path) -> Path:
    """The build folder: ``<root>/_build``, or ``$OPTBIND_BUILD_ROOT/_build`` if set.

    Everything generated (executed notebooks, figures, CSV data, the jupyter
    cache and the HTML site) lives below it; sources are never written.
    """
    base = os.environ.get(BUILD_ROOT_ENV)
    return (Path(base).resolve() if base else Path(root)) / BUILD


@dataclass(frozen=True)
class Chapter:
    """One entry of ``_toc.yml``."""

    name: str  #: short name, the file stem, e.g. ``classical_binding``
    source: Path  #: absolute path of the MyST ``.md`` file
    docname: str  #: path relative to the root without suffix, e.g. ``book/intro``

    def parameters(self) -> dict[str, object]:
        """Names and default values of the cell tagged ``parameters``."""
        return _parameters_of(self.source)

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
        out.append(Chapter(name=path.stem, source=path, docname=str(Path(f).with_suffix(""))))
    return out


def _chapter_by_name(name: str, root: Path) -> Chapter:
    nbs = [c for c in chapters(root) if c.is_notebook]
    for c in nbs:
        if name in (c.name, c.docname, str(c.source.relative_to(root))):
            return c
    valid = ", ".join(c.name for c in nbs)
    raise ChapterError(f"unknown chapter {name!r}; valid chapters: {valid}")


def _parameters_of(path: Path) -> dict[str, object]:
    import jupytext

    nb = jupytext.read(path, fmt="md:myst")
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            params = {}
            for node in ast.parse(cell.source).body:
                if isinstance(node, ast.Assign) and len(node.targets) == 1:
                    t = node.targets[0]
                    if isinstance(t, ast.Name):
                        try:
                            params[t.id] = ast.literal_eval(node.value)
                        except ValueError:
                            params[t.id] = ast.unparse(node.value)
            return params
    return {}


def _parse_value(text: str):
    """Interpret a command-line parameter value as a Python literal if possible."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


# ----------------------------------------------------------------------------
# figures written by chapters
# ----------------------------------------------------------------------------
class FigureOutput:
    """Where a chapter writes its figures (PNG) and their numeric data (CSV).

    The folder is ``$OPTBIND_OUTPUT_DIR`` when the chapter is executed by
    :mod:`optbind.book`, otherwise ``<repo>/_build/figures/<chapter>`` so that an
    interactive run never writes next to the sources.

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
        """Save ``fig`` as ``<name>.png`` and ``data`` (equal-length columns) as ``<name>.csv``.

        Returns the path of the PNG file.
        """
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", name):
            raise ValueError(f"name must be a plain file stem (letters, digits, _ . -); got {name!r}")
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
            raise ValueError(f"data columns must have equal lengths; got { {k: len(v) for k, v in cols.items()} }")
        path = self.folder / f"{name}.csv"
        with path.open("w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(list(cols))
            for row in zip(*cols.values()):
                w.writerow([repr(float(x)) if np.isrealobj(x) else repr(complex(x)) for x in row])
        return path


# ----------------------------------------------------------------------------
# execution
# ----------------------------------------------------------------------------
def _slug(params: dict) -> str:
    if not params:
        return "defaults"
    text = "_".join(f"{k}={params[k]}" for k in sorted(params))
    safe = re.sub(r"[^A-Za-z0-9=._-]+", "-", text)[:80]
    digest = hashlib.sha1(repr(sorted(params.items())).encode()).hexdigest()[:8]
    return f"{safe}-{digest}"


def check_parameters(chapter: Chapter, parameters: dict) -> None:
    """Raise :class:`ChapterError` listing the valid names if a parameter is unknown."""
    known = chapter.parameters()
    unknown = sorted(set(parameters) - set(known))
    if unknown:
        valid = ", ".join(f"{k} (default {v!r})" for k, v in known.items()) or "none"
        raise ChapterError(
            f"chapter {chapter.name!r} has no parameter {', '.join(map(repr, unknown))}; "
            f"valid parameters: {valid}"
        )


def execute_chapter(
    chapter: Chapter,
    output_notebook: Path,
    figure_dir: Path,
    parameters: dict | None = None,
    timeout: int = 1800,
    progress: bool = True,
):
    """Execute one chapter through papermill.

    Parameters
    ----------
    chapter : Chapter
        The chapter to run.
    output_notebook : Path
        Where the executed ``.ipynb`` is written.
    figure_dir : Path
        Folder for figures and CSV data (passed as ``OPTBIND_OUTPUT_DIR``).
    parameters : dict, optional
        Papermill parameters; every name must appear in the chapter's cell
        tagged ``parameters``.

    Returns
    -------
    nbformat.NotebookNode
        The executed notebook.

    Raises
    ------
    ChapterError
        For an unknown parameter, or when a cell raises; the message names the
        chapter, the cell number and the exception.
    """
    import jupytext
    import papermill as pm

    parameters = dict(parameters or {})
    check_parameters(chapter, parameters)
    nb = jupytext.read(chapter.source, fmt="md:myst")
    output_notebook.parent.mkdir(parents=True, exist_ok=True)
    figure_dir.mkdir(parents=True, exist_ok=True)
    saved = {k: os.environ.get(k) for k in (OUTPUT_ENV, "MPLBACKEND")}
    os.environ[OUTPUT_ENV] = str(figure_dir)
    # the kernel inherits the environment: make plt.show() display inline
    # figures even if the caller (e.g. a headless CI shell) set MPLBACKEND=agg
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    try:
        executed = pm.execute_notebook(
            nb,
            str(output_notebook),
            parameters=parameters,
            cwd=str(chapter.source.parent),
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
            execution_timeout=timeout,
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
        )
    except pm.PapermillExecutionError as exc:
        number, first_line = _source_cell_number(output_notebook, exc.cell_index)
        raise ChapterError(
            f"chapter {chapter.name!r} failed in code cell {number} of "
            f"{chapter.source.name} (starting {first_line!r}): {exc.ename}: {exc.evalue}"
        ) from None
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return executed


def _source_cell_number(executed_path: Path, cell_index: int) -> tuple[int, str]:
    """Number (from 1) of a failing cell among the code cells of the ``.md`` source."""
    import nbformat

    try:
        cells = [
            c
            for c in nbformat.read(executed_path, as_version=4).cells
            if "papermill-error-cell-tag" not in c.metadata.get("tags", [])
        ][: cell_index + 1]
    except (OSError, ValueError):
        return cell_index, ""
    code = [c for c in cells if c.cell_type == "code" and "injected-parameters" not in c.metadata.get("tags", [])]
    first = code[-1].source.strip().splitlines()[0] if code and code[-1].source.strip() else ""
    return len(code), first


def _read_like_myst_nb(path: Path, root: Path):
    """Read a MyST notebook exactly as myst-nb does during the Sphinx build."""
    from myst_nb.core.config import NbParserConfig
    from myst_nb.core.read import read_myst_markdown_notebook
    from myst_parser.config.main import MdParserConfig

    md_config = MdParserConfig(enable_extensions={"dollarmath", "amsmath", "colon_fence"})
    return read_myst_markdown_notebook(path.read_text(encoding="utf-8"), md_config, add_source_map=True, path=path)


def seed_cache(chapter: Chapter, executed, root: Path) -> None:
    """Store the outputs of a papermill run in jupyter-book's execution cache.

    The cache key is the notebook as myst-nb reads it from the ``.md`` source;
    the outputs are copied, cell by cell, from the papermill result.
    """
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    nb = _read_like_myst_nb(chapter.source, root)
    code = [c for c in nb.cells if c.cell_type == "code"]
    done = [
        c
        for c in executed.cells
        if c.cell_type == "code" and "injected-parameters" not in c.metadata.get("tags", [])
    ]
    if len(code) != len(done):
        raise ChapterError(
            f"chapter {chapter.name!r}: myst-nb reads {len(code)} code cells but papermill ran {len(done)}"
        )
    for i, (a, b) in enumerate(zip(code, done)):
        if a.source.strip() != b.source.strip():
            raise ChapterError(f"chapter {chapter.name!r}: code cell {i} differs between myst-nb and jupytext")
        a.outputs = b.outputs
        a.execution_count = b.execution_count
    cache = get_cache(str(build_dir(root) / ".jupyter_cache"))
    runtime = executed.metadata.get("papermill", {}).get("duration")
    cache.cache_notebook_bundle(
        CacheBundleIn(nb, str(chapter.source), data={"execution_seconds": runtime}),
        check_validity=False,
        overwrite=True,
    )


def input_fingerprint(chapter: Chapter, root: Path) -> str:
    """Hash of everything a chapter's outputs depend on.

    The chapter source, every file of the package (jupyter-cache alone would
    not notice a change in ``src/``), ``data/`` and the pinned environment.
    """
    h = hashlib.sha256()
    files = [chapter.source, root / "constraints.txt"]
    for folder in (root / "src" / "optbind", root / "data"):
        if folder.is_dir():
            files += sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for f in files:
        if f.is_file():
            h.update(str(f.relative_to(root)).encode())
            h.update(f.read_bytes())
    return h.hexdigest()


def execute_all(
    root: Path | None = None, only: list[str] | None = None, force: bool = False
) -> list[tuple[Chapter, float]]:
    """Execute every notebook chapter of ``_toc.yml`` and seed the build cache.

    A chapter whose inputs (see :func:`input_fingerprint`) are unchanged since
    its last successful execution is not executed again unless ``force``.
    """
    import nbformat

    root = find_root(root)
    nbs = [c for c in chapters(root) if c.is_notebook]
    if only:
        nbs = [_chapter_by_name(n, root) for n in only]
    timings = []
    for i, ch in enumerate(nbs, 1):
        t0 = time.perf_counter()
        nb_path = build_dir(root) / "executed" / f"{ch.name}.ipynb"
        stamp = nb_path.with_suffix(".fingerprint")
        fingerprint = input_fingerprint(ch, root)
        if not force and nb_path.is_file() and stamp.is_file() and stamp.read_text() == fingerprint:
            print(f"[{i}/{len(nbs)}] {ch.name}: up to date (inputs unchanged), not re-executed", flush=True)
            executed = nbformat.read(nb_path, as_version=4)
        else:
            print(f"[{i}/{len(nbs)}] executing {ch.source.relative_to(root)} with papermill ...", flush=True)
            stamp.unlink(missing_ok=True)
            executed = execute_chapter(ch, nb_path, build_dir(root) / "figures" / ch.name)
            stamp.write_text(fingerprint)
            print(f"[{i}/{len(nbs)}] {ch.name}: done in {time.perf_counter() - t0:.1f} s", flush=True)
        seed_cache(ch, executed, root)
        timings.append((ch, time.perf_counter() - t0))
    return timings


def build_site(root: Path | None = None) -> Path:
    """Render the HTML site from the seeded cache with warnings as errors."""
    root = find_root(root)
    print("rendering the site with jupyter-book (Sphinx, warnings are errors) ...", flush=True)
    t0 = time.perf_counter()
    jb = Path(sys.executable).with_name("jupyter-book")
    if not jb.is_file():
        raise ChapterError(f"jupyter-book is not installed next to {sys.executable}")
    out = build_dir(root)
    # --all: a fresh Sphinx environment every time.  Rendering takes seconds, and
    # an incremental build would neither re-read a page whose .md is unchanged
    # but whose outputs were re-executed, nor repeat its warnings under -W.
    cmd = [str(jb), "build", str(root), "--path-output", str(out.parent), "--all", "-W", "-n", "--keep-going"]
    env = dict(os.environ)
    proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True)
    log = proc.stdout + proc.stderr
    out.mkdir(parents=True, exist_ok=True)
    (out / "sphinx.log").write_text(log, encoding="utf-8")
    if proc.returncode != 0:
        sys.stdout.write(log[-8000:])
        raise ChapterError(f"the site build failed (exit {proc.returncode}); full log in {out / 'sphinx.log'}")
    if "Executing notebook" in log:
        raise ChapterError(
            "Sphinx executed a notebook although every chapter was executed by papermill "
            f"(cache miss); see {out / 'sphinx.log'}"
        )
    index = out / "html" / "index.html"
    print(f"site rendered in {time.perf_counter() - t0:.1f} s: {index}", flush=True)
    return index


# ----------------------------------------------------------------------------
# command line
# ----------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m optbind.book",
        description="Execute the book's chapters with papermill and render the site.",
    )
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("list", help="list the chapters and their parameters")
    p_run = sub.add_parser("run", help="re-execute one chapter with other parameters")
    p_run.add_argument("chapter", help="chapter name (file stem), see 'list'")
    p_run.add_argument(
        "-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
        help="papermill parameter (value read as a Python literal); repeatable",
    )
    p_run.add_argument("-o", "--output", type=Path, default=None, help="output folder (default: _build/runs/<chapter>/<parameters>)")
    p_ex = sub.add_parser("execute", help="execute every chapter and seed the build cache")
    p_ex.add_argument("chapters", nargs="*", help="only these chapters")
    p_ex.add_argument("--force", action="store_true", help="execute even if the inputs are unchanged")
    p_build = sub.add_parser("build", help="execute every chapter, then render the site")
    p_build.add_argument("--force", action="store_true", help="execute even if the inputs are unchanged")
    sub.add_parser("site", help="render the site from already executed chapters")
    args = parser.parse_args(argv)
    try:
        root = find_root()
        if args.cmd == "list":
            for ch in chapters(root):
                if not ch.is_notebook:
                    print(f"{ch.name:28s} (text page)")
                    continue
                params = ch.parameters()
                text = ", ".join(f"{k}={v!r}" for k, v in params.items()) or "no parameters"
                print(f"{ch.name:28s} {text}")
        elif args.cmd == "run":
            ch = _chapter_by_name(args.chapter, root)
            params = {k: _parse_value(v) for k, v in args.parameter}
            check_parameters(ch, params)
            out = args.output or (build_dir(root) / "runs" / ch.name / _slug(params))
            out = out.resolve()
            if out == root or out in [p.resolve() for p in (root / "book", root / "src", root / "data", root / "tests")] \
                    or any(out.is_relative_to(root / d) for d in ("book", "src", "data", "tests")):
                raise ChapterError(f"refusing to write into a source folder: {out}")
            t0 = time.perf_counter()
            print(f"executing {ch.name} with {params or 'default parameters'} ...", flush=True)
            execute_chapter(ch, out / f"{ch.name}.ipynb", out / "figures", params)
            print(f"done in {time.perf_counter() - t0:.1f} s; notebook and figures in {out}", flush=True)
        elif args.cmd == "execute":
            execute_all(root, args.chapters or None, force=args.force)
        elif args.cmd == "site":
            build_site(root)
        elif args.cmd == "build":
            t0 = time.perf_counter()
            execute_all(root, force=args.force)
            build_site(root)
            print(f"book built in {time.perf_counter() - t0:.1f} s", flush=True)
    except ChapterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
