"""The chapter runner (python -m optbind.book) on a small throw-away book.

These tests build a two-file book in a temporary folder, so they exercise the
real command line (papermill, jupytext, parameter injection, output folders,
error reporting) without depending on the physics chapters.
"""
from __future__ import annotations

import csv
import hashlib
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

CHAPTER = textwrap.dedent(
    '''\
    ---
    jupytext:
      text_representation:
        extension: .md
        format_name: myst
    kernelspec:
      display_name: Python 3
      language: python
      name: python3
    ---

    # Toy chapter

    ```{code-cell} ipython3
    :tags: [parameters]
    amplitude = 1.0
    n_points = 4
    fail = False
    ```

    ```{code-cell} ipython3
    import matplotlib
    matplotlib.use("agg")
    import matplotlib.pyplot as plt
    from optbind.book import FigureOutput
    out = FigureOutput("toy")
    fig, ax = plt.subplots()
    xs = list(range(n_points))
    ax.plot(xs, [amplitude * x for x in xs])
    out.save(fig, "line", data={"x": xs, "y": [amplitude * x for x in xs]})
    ```

    ```{code-cell} ipython3
    if fail:
        raise ValueError("boom from the toy chapter")
    ```
    '''
)


@pytest.fixture()
def toybook(tmp_path):
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "intro.md").write_text("# Intro\n\nText only.\n")
    (tmp_path / "book" / "toy.md").write_text(CHAPTER)
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: book/intro\nchapters:\n  - file: book/toy\n")
    (tmp_path / "_config.yml").write_text("title: toy\n")
    return tmp_path


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(folder)).encode() + p.read_bytes())
    return h.hexdigest()


def _run(root: Path, *args: str):
    return subprocess.run(
        [sys.executable, "-m", "optbind.book", *args], cwd=root, capture_output=True, text=True, timeout=300
    )


def test_list_shows_parameters(toybook):
    proc = _run(toybook, "list")
    assert proc.returncode == 0, proc.stderr
    assert "toy" in proc.stdout and "amplitude=1.0" in proc.stdout and "n_points=4" in proc.stdout


def test_unknown_chapter_lists_valid_ones(toybook):
    proc = _run(toybook, "run", "nonexistent")
    assert proc.returncode != 0
    assert "unknown chapter 'nonexistent'" in proc.stderr and "valid chapters: toy" in proc.stderr


def test_unknown_parameter_lists_valid_ones(toybook):
    proc = _run(toybook, "run", "toy", "-p", "amplitdue", "2")
    assert proc.returncode != 0
    assert "'amplitdue'" in proc.stderr
    for name in ("amplitude (default 1.0)", "n_points (default 4)", "fail (default False)"):
        assert name in proc.stderr


def test_parameters_reach_the_chapter_and_sources_stay_untouched(toybook):
    before = _digest(toybook / "book")
    proc = _run(toybook, "run", "toy", "-p", "amplitude", "2.5", "-p", "n_points", "3")
    assert proc.returncode == 0, proc.stderr
    assert _digest(toybook / "book") == before, "the run modified the sources"
    runs = list((toybook / "_build" / "runs" / "toy").iterdir())
    assert len(runs) == 1
    rows = list(csv.DictReader((runs[0] / "figures" / "line.csv").open()))
    assert [float(r["x"]) for r in rows] == [0.0, 1.0, 2.0]
    assert [float(r["y"]) for r in rows] == [0.0, 2.5, 5.0]
    assert (runs[0] / "figures" / "line.png").stat().st_size > 0
    assert (runs[0] / "toy.ipynb").is_file()
    # the book's own figures folder is not written by a parameter run
    assert not (toybook / "_build" / "figures").exists()


def test_failing_cell_is_reported_with_chapter_cell_and_exception(toybook):
    proc = _run(toybook, "run", "toy", "-p", "fail", "True")
    assert proc.returncode != 0
    msg = proc.stderr
    assert "chapter 'toy'" in msg
    assert "code cell 3 of toy.md" in msg
    assert "ValueError: boom from the toy chapter" in msg


def test_output_into_sources_is_refused(toybook):
    proc = _run(toybook, "run", "toy", "-o", str(toybook / "book" / "out"))
    assert proc.returncode != 0
    assert "refusing to write into a source folder" in proc.stderr
    assert not (toybook / "book" / "out").exists()


def test_execute_skips_unchanged_chapters(toybook):
    first = _run(toybook, "execute")
    assert first.returncode == 0, first.stderr
    assert "executing book/toy.md" in first.stdout
    second = _run(toybook, "execute")
    assert second.returncode == 0, second.stderr
    assert "up to date" in second.stdout and "executing" not in second.stdout
    (toybook / "book" / "toy.md").write_text(CHAPTER.replace("n_points = 4", "n_points = 5"))
    third = _run(toybook, "execute")
    assert "executing book/toy.md" in third.stdout
