"""Execute chapters with papermill, atomically, and know when a result is valid.

A chapter is executed in a child process (:mod:`optbind_book._worker`) into
``<name>.partial.ipynb`` and ``<figures>.partial/``; only when every cell ran
are they renamed to ``<name>.ipynb`` and ``<figures>/``.  A failed execution
leaves ``<name>.failed.ipynb`` (and ``<figures>.failed/``), an interrupted one
``<name>.interrupted.ipynb``: a notebook under its plain name is always
complete.

The book's executed notebook ``_build/executed/<name>.ipynb`` comes with a
stamp ``<name>.fingerprint.json`` holding the chapter's inputs (see
:mod:`optbind_book.fingerprint`) and the SHA-256 of the notebook file.  A
chapter is valid (up to date, and publishable) only if the stamp's inputs equal
the current ones, the notebook is byte-identical to the one the stamp was
written for, and it has no error output.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .figures import OUTPUT_ENV
from .fingerprint import chapter_inputs, combine, describe_changes
from .layout import (
    Chapter,
    ChapterError,
    build_dir,
    chapters,
    chapter_by_name,
    coerce_parameters,
    find_root,
)

__all__ = [
    "Interrupted",
    "chapter_fingerprint",
    "code_cells",
    "execute_all",
    "execute_chapter",
    "executed_notebook",
    "input_fingerprint",
    "publish_problem",
    "seed_cache",
]

STAMP_FORMAT = 1
_STOP_GRACE = 20.0  # seconds the worker gets to shut its kernel down


class Interrupted(Exception):
    """Ctrl-C (or SIGTERM) stopped an execution; the message says what is left."""


def _marked(path: Path, mark: str) -> Path:
    """``x.ipynb`` -> ``x.<mark>.ipynb``; ``figures`` -> ``figures.<mark>``."""
    if path.suffix == ".ipynb":
        return path.with_name(f"{path.stem}.{mark}.ipynb")
    return path.with_name(f"{path.name}.{mark}")


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def _source_cell_number(notebook: Path, cell_index: int | None) -> tuple[int, str]:
    """Number (from 1) of a cell among the code cells of the ``.md`` source."""
    import nbformat

    if cell_index is None:
        return 0, ""
    try:
        cells = [
            c
            for c in nbformat.read(notebook, as_version=4).cells
            if "papermill-error-cell-tag" not in c.metadata.get("tags", [])
        ][: cell_index + 1]
    except (OSError, ValueError):
        return cell_index, ""
    code = [
        c
        for c in cells
        if c.cell_type == "code"
        and "injected-parameters" not in c.metadata.get("tags", [])
    ]
    last = code[-1].source.strip() if code else ""
    return len(code), last.splitlines()[0] if last else ""


def _stop(proc: subprocess.Popen) -> None:
    """Stop the worker: SIGINT (it shuts its kernel down), then SIGKILL."""
    try:
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(timeout=_STOP_GRACE)
    except (subprocess.TimeoutExpired, KeyboardInterrupt, ProcessLookupError):
        pass
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()


def execute_chapter(
    chapter: Chapter,
    output_notebook: Path,
    figure_dir: Path,
    parameters: dict | None = None,
    timeout: int = 1800,
):
    """Execute one chapter through papermill.

    Parameters
    ----------
    chapter : Chapter
        The chapter to run.
    output_notebook : Path
        Where the executed ``.ipynb`` is written (only if every cell ran).
    figure_dir : Path
        Folder for figures and CSV data (passed as ``OPTBIND_OUTPUT_DIR``).
    parameters : dict, optional
        Papermill parameters; names and types are checked against the
        chapter's ``parameters`` cell before the kernel starts.
    timeout : int
        Seconds a single cell may run.

    Returns
    -------
    nbformat.NotebookNode
        The executed notebook.

    Raises
    ------
    ChapterError
        For a bad parameter, or when a cell raises: the message names the
        chapter, the cell number and the exception, and the path of the
        partial notebook ``<name>.failed.ipynb``.
    Interrupted
        On Ctrl-C; the partial notebook is kept as ``<name>.interrupted.ipynb``.
    """
    import nbformat

    parameters = coerce_parameters(chapter, dict(parameters or {}))
    output_notebook = Path(output_notebook)
    figure_dir = Path(figure_dir)
    partial, fig_partial = (
        _marked(output_notebook, "partial"),
        _marked(figure_dir, "partial"),
    )
    for path in (output_notebook, figure_dir, partial, fig_partial):
        _remove(path)
    for mark in ("failed", "interrupted"):
        _remove(_marked(output_notebook, mark))
        _remove(_marked(figure_dir, mark))
    output_notebook.parent.mkdir(parents=True, exist_ok=True)
    fig_partial.mkdir(parents=True)
    env = dict(os.environ)
    env[OUTPUT_ENV] = str(fig_partial)
    # the kernel inherits the environment: make plt.show() display inline
    # figures even if the caller (e.g. a headless CI shell) set MPLBACKEND=agg
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    with tempfile.TemporaryDirectory(prefix="optbind-book-") as tmp:
        spec_path, result_path = Path(tmp) / "spec.json", Path(tmp) / "result.json"
        log_path = Path(tmp) / "worker.log"
        spec_path.write_text(
            json.dumps(
                {
                    "source": str(chapter.source),
                    "output": str(partial),
                    "cwd": str(chapter.source.parent),
                    "parameters": parameters,
                    "timeout": timeout,
                    "result": str(result_path),
                }
            ),
            encoding="utf-8",
        )
        with log_path.open("w") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "optbind_book._worker", str(spec_path)],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
            try:
                code = proc.wait()
            except BaseException:
                _stop(proc)
                kept = _keep_partial(partial, fig_partial, "interrupted")
                raise Interrupted(
                    f"interrupted: chapter {chapter.name!r} was not completed; "
                    + (
                        f"its partial notebook is {kept}"
                        if kept
                        else "no notebook was written"
                    )
                ) from None
        result = {}
        if result_path.is_file():
            result = json.loads(result_path.read_text(encoding="utf-8"))
        worker_log = log_path.read_text(errors="replace")
    if code == 0 and result.get("ok") and partial.is_file():
        fig_partial.rename(figure_dir)
        os.replace(partial, output_notebook)
        return nbformat.read(output_notebook, as_version=4)
    kept = _keep_partial(partial, fig_partial, "failed")
    where = f"\n  its notebook, executed up to the failure: {kept}" if kept else ""
    if "cell_index" in result:
        number, first = _source_cell_number(kept or partial, result["cell_index"])
        evalue = result.get("evalue")
        raise ChapterError(
            f"chapter {chapter.name!r} failed in code cell {number} of "
            f"{chapter.source.name} (starting {first!r}): "
            f"{result['ename']}{': ' + evalue if evalue else ''}{where}"
        )
    detail = (
        result.get("evalue") or (worker_log.strip().splitlines() or ["no output"])[-1]
    )
    raise ChapterError(
        f"chapter {chapter.name!r} could not be executed (worker exit {code}): "
        f"{detail}{where}"
    )


def _keep_partial(partial: Path, fig_partial: Path, mark: str) -> Path | None:
    """Rename partial outputs so that they cannot be taken for a complete run."""
    if fig_partial.exists():
        target = _marked(
            fig_partial.with_name(fig_partial.name[: -len(".partial")]), mark
        )
        _remove(target)
        fig_partial.rename(target)
    if partial.is_file():
        stem = partial.name[: -len(".partial.ipynb")]
        target = partial.with_name(f"{stem}.{mark}.ipynb")
        os.replace(partial, target)
        return target
    return None


# ----------------------------------------------------------------------------
# the book's executed notebooks and their stamps
# ----------------------------------------------------------------------------
def executed_notebook(chapter: Chapter, root: Path) -> Path:
    """``<build>/executed/<chapter>.ipynb``."""
    return build_dir(root) / "executed" / f"{chapter.name}.ipynb"


def _stamp_path(notebook: Path) -> Path:
    return notebook.with_suffix(".fingerprint.json")


def code_cells(chapter: Chapter) -> list[str]:
    """Sources of the chapter's code cells."""
    import jupytext

    nb = jupytext.read(chapter.source, fmt="md:myst")
    return [c.source for c in nb.cells if c.cell_type == "code"]


def chapter_fingerprint(chapter: Chapter, root: Path) -> dict[str, object]:
    """The chapter's inputs (see :mod:`optbind_book.fingerprint`)."""
    return chapter_inputs(chapter.source, code_cells(chapter), find_root(root))


def input_fingerprint(chapter: Chapter, root: Path) -> str:
    """One digest of :func:`chapter_fingerprint`."""
    return combine(chapter_fingerprint(chapter, root))


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_stamp(chapter: Chapter, notebook: Path, inputs: dict) -> None:
    stamp = {
        "format": STAMP_FORMAT,
        "chapter": chapter.name,
        "parameters": {},
        "notebook_sha256": _sha256(notebook),
        "fingerprint": combine(inputs),
        "inputs": inputs,
    }
    _stamp_path(notebook).write_text(
        json.dumps(stamp, indent=1) + "\n", encoding="utf-8"
    )


def _error_output(notebook) -> str | None:
    """Describe the first error output of an executed notebook, if any."""
    number = 0
    if notebook.metadata.get("papermill", {}).get("exception"):
        return "papermill recorded an exception during its execution"
    for cell in notebook.cells:
        tags = cell.metadata.get("tags", [])
        if "papermill-error-cell-tag" in tags:
            return "it carries papermill's error marker"
        if cell.cell_type != "code" or "injected-parameters" in tags:
            continue
        number += 1
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                return (
                    f"code cell {number} has an error output "
                    f"({out.get('ename')}: {out.get('evalue')})"
                )
    return None


def publish_problem(
    chapter: Chapter, root: Path, inputs: dict | None = None
) -> str | None:
    """Why the book's executed notebook of ``chapter`` may not be used, or None.

    Checks, in order: the notebook exists, has a readable stamp, is the very
    file the stamp was written for, was executed with the default parameters,
    has inputs equal to the current ones and holds no error output.
    """
    import nbformat

    nb_path = executed_notebook(chapter, root)
    rel = nb_path.relative_to(root) if nb_path.is_relative_to(root) else nb_path
    if not nb_path.is_file():
        failed = _marked(nb_path, "failed")
        extra = f" (its last execution failed: {failed})" if failed.is_file() else ""
        return f"it has no executed notebook {rel}{extra}"
    stamp_file = _stamp_path(nb_path)
    try:
        stamp = json.loads(stamp_file.read_text(encoding="utf-8"))
        assert stamp.get("format") == STAMP_FORMAT
    except (OSError, ValueError, AssertionError):
        return f"its executed notebook {rel} has no valid stamp {stamp_file.name}"
    if stamp.get("notebook_sha256") != _sha256(nb_path):
        return (
            f"its executed notebook {rel} was modified after its execution: "
            "it is not the notebook the runner wrote"
        )
    if stamp.get("parameters"):
        return f"{rel} was executed with non-default parameters {stamp['parameters']}"
    inputs = chapter_fingerprint(chapter, root) if inputs is None else inputs
    if stamp.get("fingerprint") != combine(inputs):
        changes = describe_changes(stamp.get("inputs", {}), inputs)
        changes = changes or "fingerprint differs"
        return f"its inputs changed since its execution ({changes})"
    try:
        nb = nbformat.read(nb_path, as_version=4)
    except (OSError, ValueError) as exc:
        return f"its executed notebook {rel} cannot be read ({exc})"
    error = _error_output(nb)
    if error:
        return f"its executed notebook {rel}: {error}"
    return None


def execute_all(
    root: Path | None = None, only: list[str] | None = None, force: bool = False
) -> list[tuple[Chapter, float]]:
    """Execute every notebook chapter of ``_toc.yml`` whose result is not valid.

    A chapter is skipped if :func:`publish_problem` finds nothing wrong with its
    executed notebook (unless ``force``); otherwise the old notebook and stamp
    are removed first and the chapter is executed again.
    """
    root = find_root(root)
    nbs = [c for c in chapters(root) if c.is_notebook]
    if only:
        nbs = [chapter_by_name(n, root) for n in only]
    timings = []
    for i, ch in enumerate(nbs, 1):
        t0 = time.perf_counter()
        nb_path = executed_notebook(ch, root)
        inputs = chapter_fingerprint(ch, root)
        problem = "--force" if force else publish_problem(ch, root, inputs)
        if problem is None:
            print(
                f"[{i}/{len(nbs)}] {ch.name}: up to date (inputs unchanged), "
                "not re-executed",
                flush=True,
            )
        else:
            fresh = problem.startswith("it has no executed") and "failed" not in problem
            why = "" if fresh else f" ({problem})"
            print(
                f"[{i}/{len(nbs)}] executing {ch.source.relative_to(root)} with "
                f"papermill{why} ...",
                flush=True,
            )
            _remove(_stamp_path(nb_path))
            _remove(nb_path)
            execute_chapter(ch, nb_path, build_dir(root) / "figures" / ch.name)
            _write_stamp(ch, nb_path, inputs)
            print(
                f"[{i}/{len(nbs)}] {ch.name}: done in {time.perf_counter() - t0:.1f} s",
                flush=True,
            )
        timings.append((ch, time.perf_counter() - t0))
    return timings


# ----------------------------------------------------------------------------
# jupyter-book's execution cache
# ----------------------------------------------------------------------------
def _read_like_myst_nb(path: Path):
    """Read a MyST notebook exactly as myst-nb does during the Sphinx build."""
    from myst_nb.core.read import read_myst_markdown_notebook
    from myst_parser.config.main import MdParserConfig

    md_config = MdParserConfig(
        enable_extensions={"dollarmath", "amsmath", "colon_fence"}
    )
    return read_myst_markdown_notebook(
        path.read_text(encoding="utf-8"), md_config, add_source_map=True, path=path
    )


def seed_cache(chapter: Chapter, executed, root: Path) -> None:
    """Store the outputs of a papermill run in jupyter-book's execution cache.

    The cache key is the notebook as myst-nb reads it from the ``.md`` source;
    the outputs are copied, cell by cell, from the papermill result.
    """
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    nb = _read_like_myst_nb(chapter.source)
    code = [c for c in nb.cells if c.cell_type == "code"]
    done = [
        c
        for c in executed.cells
        if c.cell_type == "code"
        and "injected-parameters" not in c.metadata.get("tags", [])
    ]
    if len(code) != len(done):
        raise ChapterError(
            f"chapter {chapter.name!r}: myst-nb reads {len(code)} code cells "
            f"but papermill ran {len(done)}"
        )
    for i, (a, b) in enumerate(zip(code, done, strict=True)):
        if a.source.strip() != b.source.strip():
            raise ChapterError(
                f"chapter {chapter.name!r}: code cell {i} differs between myst-nb "
                "and jupytext"
            )
        a.outputs = b.outputs
        a.execution_count = b.execution_count
    cache = get_cache(str(build_dir(root) / ".jupyter_cache"))
    runtime = executed.metadata.get("papermill", {}).get("duration")
    cache.cache_notebook_bundle(
        CacheBundleIn(nb, str(chapter.source), data={"execution_seconds": runtime}),
        check_validity=False,
        overwrite=True,
    )
