"""The chapter runner (python -m optbind_book) on a small throw-away book.

These tests build a two-file book in a temporary folder, so they exercise the
real command line (papermill, jupytext, parameter injection, output folders,
error reporting, the publishing checks) without the physics chapters.  Tests
that start a kernel take a few seconds each and are marked ``slow``.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from html import unescape
from pathlib import Path

import nbformat
import pytest

from optbind_book.fingerprint import chapter_inputs, combine, describe_changes
from optbind_book.layout import (
    Chapter,
    ChapterError,
    check_output_dir,
    coerce_parameters,
    parse_parameter_cell,
    split_unit,
)

CHAPTER = textwrap.dedent(
    """\
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

    Some maths, $E = m c^2$, and a link to the [intro](intro.md).

    ```{code-cell} ipython3
    :tags: [parameters]
    amplitude = 1.0   # slope of the line (m)
    n_points = 4      # points of the line
    fail = False      # raise in the last cell
    # a section header
    labels = ["a", "b"]   # names, unused
    ```

    ```{code-cell} ipython3
    import os
    import time
    import matplotlib
    matplotlib.use("agg")
    import matplotlib.pyplot as plt
    from optbind_book import FigureOutput
    out = FigureOutput("toy")
    fig, ax = plt.subplots()
    xs = list(range(n_points))
    ax.plot(xs, [amplitude * x for x in xs])
    out.save(fig, "line", data={"x": xs, "y": [amplitude * x for x in xs]})
    time.sleep(float(os.environ.get("TOY_SLEEP", "0")))
    ```

    ```{code-cell} ipython3
    if fail:
        raise ValueError("boom from the toy chapter")
    ```
    """
)


@pytest.fixture()
def toybook(tmp_path):
    root = tmp_path / "repo"
    (root / "book").mkdir(parents=True)
    (root / "book" / "intro.md").write_text("# Intro\n\nText only.\n")
    (root / "book" / "toy.md").write_text(CHAPTER)
    (root / "_toc.yml").write_text(
        "format: jb-book\nroot: book/intro\nchapters:\n  - file: book/toy\n"
    )
    (root / "_config.yml").write_text("title: toy\n")
    for folder in ("scripts", "benchmarks", "src", "data", "tests", ".git"):
        (root / folder).mkdir()
    return root


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(folder)).encode() + p.read_bytes())
    return h.hexdigest()


def _env(**extra):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("OPTBIND_BUILD_ROOT", "OPTBIND_OUTPUT_DIR")
    }
    env.update(extra)
    return env


def _run(root: Path, *args: str, **env):
    return subprocess.run(
        [sys.executable, "-m", "optbind_book", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        env=_env(**env),
    )


def _chapter(root: Path) -> Chapter:
    return Chapter("toy", root / "book" / "toy.md", "book/toy")


# ----------------------------------------------------------------------------
# list: parameters with default, unit and meaning (item 6)
# ----------------------------------------------------------------------------
def test_units_and_meaning_from_trailing_comments():
    cell = textwrap.dedent("""\
        n_kd = 240   # k*d grid points of the map
        wavelength = 1550e-9   # laser wavelength (m)
        # gas
        pressure = 1e-6   # residual-gas pressure (mbar); sets the damping
        ratio = 0.5   # coupling as a fraction of g_c(N)
        rate = 2.0   # cold damping rate (1/s)
        kd = 0.785   # k d modulo 2 pi (pi/4)
        """)
    table = {p.name: p for p in parse_parameter_cell(cell)}
    got = {n: (p.default, p.unit, p.meaning) for n, p in table.items()}
    assert got == {
        "n_kd": (240, "", "k*d grid points of the map"),
        "wavelength": (1550e-9, "m", "laser wavelength"),
        "pressure": (1e-6, "mbar", "residual-gas pressure; sets the damping"),
        "ratio": (0.5, "", "coupling as a fraction of g_c(N)"),
        "rate": (2.0, "1/s", "cold damping rate"),
        "kd": (0.785, "", "k d modulo 2 pi (pi/4)"),
    }
    assert table["wavelength"].default_text == "1550e-9"  # as written
    assert table["pressure"].section == "gas" and table["n_kd"].section == ""
    assert split_unit("D_11 (units hbar m omega^2): noise") == (
        "hbar m omega^2",
        "D_11: noise",
    )


def test_list_shows_default_unit_and_meaning(toybook):
    proc = _run(toybook, "list")
    assert proc.returncode == 0, proc.stderr
    rows = {
        line.split()[0]: line.split(maxsplit=3)
        for line in proc.stdout.splitlines()
        if line.startswith("    ") and not line.strip().startswith("#")
    }
    assert rows["amplitude"] == ["amplitude", "1.0", "m", "slope of the line"]
    assert rows["n_points"] == ["n_points", "4", "-", "points of the line"]
    assert rows["labels"][:2] == ["labels", '["a",']
    assert "# a section header" in proc.stdout
    assert "intro  (text page)" in proc.stdout


# ----------------------------------------------------------------------------
# names and types of -p values, checked before any kernel starts (item 3)
# ----------------------------------------------------------------------------
def test_unknown_chapter_lists_valid_ones(toybook):
    proc = _run(toybook, "run", "nonexistent")
    assert proc.returncode != 0
    assert (
        "unknown chapter 'nonexistent'" in proc.stderr
        and "valid chapters: toy" in proc.stderr
    )


def test_unknown_parameter_lists_valid_ones(toybook):
    proc = _run(toybook, "run", "toy", "-p", "amplitdue", "2")
    assert proc.returncode != 0
    assert "'amplitdue'" in proc.stderr
    for name in (
        "amplitude (default 1.0)",
        "n_points (default 4)",
        "fail (default False)",
    ):
        assert name in proc.stderr


@pytest.mark.parametrize(
    "name, text, value",
    [
        ("amplitude", "2", 2.0),  # an int for a float: accepted, as a float
        ("amplitude", "2.5", 2.5),
        ("amplitude", "-1e-3", -1e-3),
        ("n_points", "7", 7),
        ("fail", "True", True),
        ("fail", "False", False),
        ("labels", "['x', 'y', 'z']", ["x", "y", "z"]),
        ("labels", "[]", []),
    ],
)
def test_parameter_values_of_the_right_type_are_accepted(toybook, name, text, value):
    got = coerce_parameters(_chapter(toybook), [(name, text)])[name]
    assert got == value and type(got) is type(value)


@pytest.mark.parametrize(
    "name, text, expected",
    [
        ("amplitude", "big", "a float"),
        ("amplitude", "True", "a float"),  # a bool is not a number here
        ("amplitude", "[1.0]", "a float"),
        ("n_points", "four", "an int"),
        ("n_points", "4.0", "an int"),
        ("n_points", "False", "an int"),
        ("fail", "1", "True or False"),
        ("fail", "yes", "True or False"),
        ("labels", "'a'", "a list"),
        ("labels", "('a', 'b')", "a list"),
        ("labels", "['a', 2]", "a list of strings"),
    ],
)
def test_parameter_values_of_the_wrong_type_are_refused(toybook, name, text, expected):
    with pytest.raises(ChapterError) as info:
        coerce_parameters(_chapter(toybook), [(name, text)])
    msg = str(info.value)
    assert (
        f"parameter {name!r}" in msg
        and repr(text) in msg
        and f"expects {expected}" in msg
    )


def test_a_string_for_a_number_is_refused_before_a_kernel_starts(toybook):
    t0 = time.perf_counter()
    proc = _run(toybook, "run", "toy", "-p", "n_points", "many")
    assert proc.returncode != 0
    assert "parameter 'n_points' of chapter 'toy' expects an int" in proc.stderr
    assert "got 'many', which is a string" in proc.stderr
    assert not (toybook / "_build").exists(), "something was executed or written"
    assert time.perf_counter() - t0 < 20  # a kernel start alone takes seconds


# ----------------------------------------------------------------------------
# where run -o may write (item 1)
# ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "target, why",
    [
        ("_build", "the build folder itself"),
        ("_build/executed", "belongs to the book's own build"),
        ("_build/figures/toy", "belongs to the book's own build"),
        ("_build/html", "belongs to the book's own build"),
        ("_build/.jupyter_cache", "belongs to the book's own build"),
        ("_build/jupyter_execute", "belongs to the book's own build"),
        ("scripts", "inside the repository (scripts/)"),
        ("benchmarks/run", "inside the repository (benchmarks/)"),
        (".git", "inside the repository (.git/)"),
        ("book", "inside the repository (book/)"),
        ("book/out", "inside the repository (book/)"),
        ("src", "inside the repository (src/)"),
        ("data", "inside the repository (data/)"),
        ("tests/x", "inside the repository (tests/)"),
        ("notes/new", "inside the repository (notes/)"),
        (".", "contains the repository"),
        ("..", "contains the repository"),
    ],
)
def test_output_folder_outside_runs_is_refused(toybook, target, why):
    with pytest.raises(ChapterError) as info:
        check_output_dir(toybook / target, toybook)
    assert why in str(info.value) and "refusing to write the run into" in str(
        info.value
    )


def test_output_folders_that_are_allowed(toybook, tmp_path):
    build = toybook / "_build"
    for target in (
        build / "runs" / "mine",
        build / "new-folder" / "a",
        tmp_path / "elsewhere",
    ):
        assert check_output_dir(target, toybook) == target.resolve()
    # an existing folder under _build is accepted only if a run made it
    (build / "someone-elses").mkdir(parents=True)
    with pytest.raises(ChapterError, match="exists and was not made by a run"):
        check_output_dir(build / "someone-elses", toybook)
    (build / "runfolder").mkdir()
    (build / "runfolder" / ".optbind-run.json").write_text("{}")
    assert (
        check_output_dir(build / "runfolder", toybook)
        == (build / "runfolder").resolve()
    )
    # a file is not a folder
    (tmp_path / "afile").write_text("x")
    with pytest.raises(ChapterError, match="existing file"):
        check_output_dir(tmp_path / "afile", toybook)


def test_output_rules_follow_the_build_root(toybook, tmp_path, monkeypatch):
    monkeypatch.setenv("OPTBIND_BUILD_ROOT", str(tmp_path / "elsewhere"))
    build = tmp_path / "elsewhere" / "_build"
    with pytest.raises(ChapterError, match="book's own build"):
        check_output_dir(build / "executed", toybook)
    assert (
        check_output_dir(build / "runs" / "x", toybook)
        == (build / "runs" / "x").resolve()
    )
    with pytest.raises(ChapterError, match="inside the repository"):
        check_output_dir(toybook / "_build" / "runs", toybook)


def test_reported_overwrite_of_the_executed_notebook_is_refused(toybook):
    """``run errata -p N_OMEGA 11 -o _build/executed`` overwrote the book's notebook."""
    (toybook / "_build" / "executed").mkdir(parents=True)
    (toybook / "_build" / "executed" / "toy.ipynb").write_text("{}")
    before = _digest(toybook)
    proc = _run(toybook, "run", "toy", "-p", "n_points", "11", "-o", "_build/executed")
    assert proc.returncode != 0
    assert "refusing to write the run into" in proc.stderr
    assert "_build/executed belongs to the book's own build" in proc.stderr
    assert _digest(toybook) == before, "the refused run wrote something"


# ----------------------------------------------------------------------------
# execution, failures, interrupts (items 4 and 5)
# ----------------------------------------------------------------------------
@pytest.mark.slow
def test_parameters_reach_the_chapter_and_sources_stay_untouched(toybook):
    before = _digest(toybook / "book")
    proc = _run(toybook, "run", "toy", "-p", "amplitude", "2", "-p", "n_points", "3")
    assert proc.returncode == 0, proc.stderr
    assert _digest(toybook / "book") == before, "the run modified the sources"
    runs = list((toybook / "_build" / "runs" / "toy").iterdir())
    assert len(runs) == 1
    rows = list(csv.DictReader((runs[0] / "figures" / "line.csv").open()))
    assert [float(r["x"]) for r in rows] == [0.0, 1.0, 2.0]
    assert [float(r["y"]) for r in rows] == [0.0, 2.0, 4.0]
    assert (runs[0] / "figures" / "line.png").stat().st_size > 0
    nb = nbformat.read(runs[0] / "toy.ipynb", as_version=4)
    injected = [
        c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])
    ]
    assert "amplitude = 2.0" in injected[0].source  # the int was passed as a float
    assert sorted(p.name for p in runs[0].iterdir()) == [
        ".optbind-run.json",
        "figures",
        "toy.ipynb",
    ]
    # the book's own figures folder is not written by a parameter run
    assert not (toybook / "_build" / "figures").exists()


@pytest.mark.slow
def test_failing_cell_is_reported_with_its_notebook(toybook, tmp_path):
    out = tmp_path / "outside"
    proc = _run(toybook, "run", "toy", "-p", "fail", "True", "-o", str(out))
    assert proc.returncode != 0
    msg = proc.stderr
    assert "chapter 'toy' failed in code cell 3 of toy.md" in msg
    assert "ValueError: boom from the toy chapter" in msg
    failed = out / "toy.failed.ipynb"
    assert f"its notebook, executed up to the failure: {failed}" in msg
    assert failed.is_file() and not (out / "toy.ipynb").exists()
    assert (out / "figures.failed" / "line.csv").is_file() and not (
        out / "figures"
    ).exists()
    nb = nbformat.read(failed, as_version=4)
    assert any(
        o.get("ename") == "ValueError" for c in nb.cells for o in c.get("outputs", [])
    )


def _interrupt(root: Path, args: list[str], wait_for: Path):
    """Start the runner like a terminal would, wait for ``wait_for``, press Ctrl-C."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "optbind_book", *args],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(TOY_SLEEP="120"),
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while not wait_for.exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.1)
    time.sleep(3.0)  # the kernel is now inside the sleeping cell
    t0 = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C does: the whole process group
    out, err = proc.communicate(timeout=60)
    return proc.returncode, out, err, time.monotonic() - t0


@pytest.mark.slow
def test_ctrl_c_during_run_ends_with_one_line_and_marks_the_partial_notebook(toybook):
    out = toybook / "_build" / "runs" / "interrupted"
    code, _, err, took = _interrupt(
        toybook, ["run", "toy", "-o", str(out)], out / "toy.partial.ipynb"
    )
    assert code == 130
    assert err.strip().count("\n") == 0 and "Traceback" not in err, err
    assert err.startswith("interrupted: chapter 'toy' was not completed")
    assert str(out / "toy.interrupted.ipynb") in err
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        ".optbind-run.json",
        "figures.interrupted",
        "toy.interrupted.ipynb",
    ]
    assert took < 30  # measured 4 s: the worker shuts its kernel down, then exits


@pytest.mark.slow
def test_ctrl_c_during_build_leaves_nothing_that_can_be_published(toybook):
    executed = toybook / "_build" / "executed"
    code, _, err, _ = _interrupt(toybook, ["build"], executed / "toy.partial.ipynb")
    assert code == 130
    assert err.strip().count("\n") == 0 and "Traceback" not in err, err
    assert not (executed / "toy.ipynb").exists()
    assert not (executed / "toy.fingerprint.json").exists()
    assert (executed / "toy.interrupted.ipynb").is_file()
    site = _run(toybook, "site")
    assert site.returncode != 0 and "refusing to publish chapter 'toy'" in site.stderr


# ----------------------------------------------------------------------------
# the site publishes only valid chapters (item 2)
# ----------------------------------------------------------------------------
@pytest.fixture()
def executed_toybook(toybook):
    proc = _run(toybook, "execute")
    assert proc.returncode == 0, proc.stderr
    assert "executing book/toy.md" in proc.stdout
    return toybook


def _refusal(root: Path) -> str:
    proc = _run(root, "site")
    assert proc.returncode != 0, "the site build accepted an invalid chapter"
    assert not (root / "_build" / "html").exists(), "something was rendered"
    lines = [ln for ln in proc.stderr.splitlines() if "refusing to publish" in ln]
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: refusing to publish chapter 'toy': ")
    return lines[0]


@pytest.mark.slow
def test_execute_skips_valid_chapters_and_reruns_edited_ones(executed_toybook):
    root = executed_toybook
    second = _run(root, "execute")
    assert second.returncode == 0, second.stderr
    assert "up to date" in second.stdout and "executing" not in second.stdout
    (root / "book" / "toy.md").write_text(
        CHAPTER.replace("n_points = 4", "n_points = 5")
    )
    line = _refusal(root)
    assert "its inputs changed since its execution (source book/toy.md changed)" in line
    third = _run(root, "execute")
    assert (
        "executing book/toy.md" in third.stdout
        and "source book/toy.md changed" in third.stdout
    )


@pytest.mark.slow
def test_overwritten_executed_notebook_is_neither_up_to_date_nor_published(
    executed_toybook,
):
    """The reported failure, second half: a foreign notebook in ``_build/executed``."""
    root = executed_toybook
    failed_run = root / "_build" / "runs" / "failed"
    proc = _run(root, "run", "toy", "-p", "fail", "True", "-o", str(failed_run))
    assert proc.returncode != 0
    executed = root / "_build" / "executed" / "toy.ipynb"
    executed.write_bytes((failed_run / "toy.failed.ipynb").read_bytes())
    assert "was modified after its execution" in _refusal(root)
    again = _run(root, "execute")
    assert again.returncode == 0, again.stderr
    assert "up to date" not in again.stdout and "executing book/toy.md" in again.stdout
    assert not any(
        o.get("output_type") == "error"
        for c in nbformat.read(executed, as_version=4).cells
        for o in c.get("outputs", [])
    )


@pytest.mark.slow
def test_error_output_is_never_published(executed_toybook):
    """Even with a stamp that matches the notebook, an error output is refused."""
    root = executed_toybook
    executed = root / "_build" / "executed" / "toy.ipynb"
    nb = nbformat.read(executed, as_version=4)
    code = [
        c
        for c in nb.cells
        if c.cell_type == "code"
        and "injected-parameters" not in c.metadata.get("tags", [])
    ]
    code[1].outputs.append(
        nbformat.v4.new_output("error", ename="AssertionError", evalue="", traceback=[])
    )
    nbformat.write(nb, executed)
    stamp_file = executed.with_suffix(".fingerprint.json")
    stamp = json.loads(stamp_file.read_text())
    stamp["notebook_sha256"] = hashlib.sha256(executed.read_bytes()).hexdigest()
    stamp_file.write_text(json.dumps(stamp))
    line = _refusal(root)
    assert "code cell 2 has an error output (AssertionError: )" in line


@pytest.mark.slow
def test_python_and_package_versions_are_inputs(executed_toybook):
    root = executed_toybook
    stamp_file = root / "_build" / "executed" / "toy.fingerprint.json"
    original = stamp_file.read_text()
    for key, fake, expect in (
        ("python", "CPython 3.0.0", "python CPython 3.0.0 -> "),
        ("packages", {"numpy": "0.0.1"}, "packages numpy 0.0.1 -> "),
    ):
        stamp = json.loads(original)
        if key == "packages":
            stamp["inputs"]["packages"] = dict(stamp["inputs"]["packages"], **fake)
        else:
            stamp["inputs"][key] = fake
        stamp["fingerprint"] = combine(stamp["inputs"])
        stamp_file.write_text(json.dumps(stamp))
        assert expect in _refusal(root)


def test_missing_executed_notebook_is_refused(toybook):
    assert "it has no executed notebook" in _refusal(toybook)


# ----------------------------------------------------------------------------
# the fingerprint covers the physics modules a chapter imports (item 8)
# ----------------------------------------------------------------------------
TOY_PACKAGE = {
    "__init__.py": '"""toy physics"""\n_ALIASES = {"green": "electrodynamics.green"}\n'
    "def __getattr__(name):\n    raise AttributeError(name)\n",
    "a.py": "from .b import g  # a comment\n\ndef f(x):\n    return g(x) + 1\n",
    "b.py": "def g(x):\n    # square it\n    return x * x\n",
    "c.py": "def unrelated():\n    return 3\n",
    "d.py": "def h():\n    return 4\n",
    "electrodynamics/__init__.py": "",
    "electrodynamics/green.py": "from ..conventions import SIGN\nK = 2 * SIGN\n",
    "conventions.py": "SIGN = -1\n",
}


@pytest.fixture()
def physics(toybook):
    pkg = toybook / "src" / "optbind"
    for rel, text in TOY_PACKAGE.items():
        (pkg / rel).parent.mkdir(parents=True, exist_ok=True)
        (pkg / rel).write_text(text)
    (pkg / "table.toml").write_text("x = 1\n")
    (toybook / "data" / "ref.csv").write_text("1,2\n")
    (toybook / "constraints.txt").write_text("numpy==2.4.0\n")
    cells = [
        "import optbind\nfrom optbind.a import f\nfrom optbind import green\n"
        "%matplotlib inline\nprint(f(2), optbind.d.h(), green.K)\n"
    ]
    return toybook, pkg, cells


def _inputs(root, cells):
    return chapter_inputs(root / "book" / "toy.md", cells, root)


def test_fingerprint_lists_what_the_chapter_imports(physics):
    root, _, cells = physics
    inputs = _inputs(root, cells)
    modules = sorted(k.split(" ", 1)[1] for k in inputs if k.startswith("module "))
    assert modules == [
        "optbind/__init__.py",
        "optbind/a.py",
        "optbind/b.py",
        "optbind/conventions.py",
        "optbind/d.py",
        "optbind/electrodynamics/__init__.py",
        "optbind/electrodynamics/green.py",
    ]  # not c.py, which nothing imports
    assert {
        "source book/toy.md",
        "package-data optbind/table.toml",
        "data data/ref.csv",
        "pins constraints.txt",
        "python",
        "packages",
    } <= set(inputs)
    assert not any("optbind_book" in k for k in inputs), "the tooling is not an input"
    assert "optbind-book" not in inputs["packages"]


def test_comment_edit_keeps_and_code_edit_changes_the_fingerprint(physics):
    root, pkg, cells = physics
    before = _inputs(root, cells)
    b = pkg / "b.py"
    b.write_text(
        "\n# a new header comment\ndef g(x):   # trailing\n\n    return x * x\n"
    )
    assert combine(_inputs(root, cells)) == combine(before), "a comment edit counts"
    (pkg / "c.py").write_text("def unrelated():\n    return 4\n")
    assert combine(_inputs(root, cells)) == combine(before), (
        "an unimported module counts"
    )
    b.write_text("def g(x):\n    return x * x * x\n")
    after = _inputs(root, cells)
    assert combine(after) != combine(before)
    assert describe_changes(before, after) == "module optbind/b.py changed"
    (pkg / "conventions.py").write_text(
        "SIGN = +1\n"
    )  # reached through the alias table
    assert "module optbind/conventions.py changed" in describe_changes(
        after, _inputs(root, cells)
    )


def test_an_unresolvable_name_takes_the_whole_package(physics):
    root, _, _ = physics
    inputs = _inputs(root, ["from optbind import lazily_served_name\n"])
    assert "module optbind/c.py" in inputs  # too wide, never too narrow


def test_the_tooling_source_is_not_an_input(physics, tmp_path):
    root, _, cells = physics
    before = combine(_inputs(root, cells))
    fake_tooling = root / "src" / "optbind_book"
    fake_tooling.mkdir()
    (fake_tooling / "cli.py").write_text("print('edited runner')\n")
    assert combine(_inputs(root, cells)) == before


# ----------------------------------------------------------------------------
# run --html: the re-executed chapter as a page of its own (item 7)
# ----------------------------------------------------------------------------
@pytest.mark.slow
def test_run_html_renders_an_offline_page(toybook):
    proc = _run(toybook, "run", "toy", "-p", "amplitude", "3.5", "--html")
    assert proc.returncode == 0, proc.stderr + proc.stdout
    (run,) = (toybook / "_build" / "runs" / "toy").iterdir()
    page = run / "html" / "book" / "toy.html"
    assert "html page rendered in" in proc.stdout and str(page) in proc.stdout
    html = page.read_text()
    text = unescape(re.sub(r"<[^>]+>", "", html))
    assert "# Parameters\namplitude = 3.5" in text  # the injected parameters are shown
    assert "Toy chapter" in text and "re-executed with amplitude=3.5" in text
    # offline: MathJax and every script and stylesheet come from the page's folder
    assert "_static/mathjax/tex-chtml-full.js" in html
    assert (run / "html" / "_static" / "mathjax" / "tex-chtml-full.js").is_file()
    for url in re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html):
        assert not url.startswith(("http:", "https:", "//")), url
    assert "E = m c^2" in text and "a link to the intro." in text  # plain text now
    assert not (run / ".html-project").exists()


def test_docstring_examples_of_the_runner():
    import doctest

    import optbind_book.layout

    result = doctest.testmod(optbind_book.layout)
    assert result.failed == 0 and result.attempted >= 5


# ----------------------------------------------------------------------------
# the chapter kit (optbind_book.chapter) and the downloadable notebook
# ----------------------------------------------------------------------------
@pytest.fixture()
def kit(tmp_path, monkeypatch):
    """A Chapter writing to a temporary folder; glued outputs are collected."""
    import matplotlib

    matplotlib.use("agg")
    import IPython.display

    from optbind_book import chapter as kit_module

    shown = []
    monkeypatch.setattr(
        IPython.display, "display", lambda obj, **kw: shown.append((obj, kw))
    )
    monkeypatch.setenv("OPTBIND_OUTPUT_DIR", str(tmp_path / "figs"))
    ch = kit_module.Chapter("toy")
    ch.shown = shown
    yield ch
    matplotlib.pyplot.close("all")


def _good_figure(ch):
    import numpy as np

    x = np.linspace(0.0, 10.0, 200)
    fig, ax = ch.subplots()
    ax.plot(x, np.sin(x), label="sin")
    ax.plot(x, np.cos(x), label="cos")
    ax.set(xlabel="x (m)", ylabel="y (N)")
    ch.legend(ax)
    return fig, x


def test_kit_figure_writes_png_csv_and_glues_a_hidden_image(kit):
    from PIL import Image

    from optbind_book.chapter import CSS_PX_PER_IN, CSV_DIGITS, DPI, FULL_WIDTH_IN

    fig, x = _good_figure(kit)
    assert kit.figure(fig, "line", data={"x": x, "y": 2 * x}, alt="A line against x") is None
    png = kit.figures["line"]
    rows = list(csv.DictReader((png.parent / "line.csv").open()))
    # CSV_DIGITS significant digits by default, the shortest exact text on request
    assert len(rows) == x.size and rows[7]["y"] == f"{2 * x[7]:.{CSV_DIGITS}g}"
    assert float(rows[7]["y"]) != 2 * x[7]  # 0.7035175879... is really rounded
    fig, x = _good_figure(kit)
    kit.figure(fig, "exact", data={"x": x, "y": 2 * x}, alt="A line against x", digits=None)
    rows = list(csv.DictReader((png.parent / "exact.csv").open()))
    assert float(rows[7]["y"]) == 2 * x[7]  # exact repr
    with Image.open(png) as im:
        # the figure's exact size at DPI: 2x its largest displayed size
        assert im.size[0] == round(FULL_WIDTH_IN * DPI)
        assert im.size[0] >= 2 * FULL_WIDTH_IN * CSS_PX_PER_IN
        assert im.text["Description"] == "A line against x"
        assert float(im.text["optbind:min_font_pt"]) >= 12.6
        assert im.convert("RGBA").getpixel((2, 2)) == (255, 255, 255, 255)  # white
    (bundle, kw), _ = kit.shown  # "line", then "exact"
    prefix = "application/papermill.record/"
    assert set(bundle) == {prefix + "image/png", prefix + "text/plain"}
    assert kw["metadata"]["scrapbook"] == {"name": "fig-line", "mime_prefix": prefix}
    assert kw["metadata"][prefix + "image/png"]["width"] == 576


@pytest.mark.parametrize(
    "spoil, message",
    [
        # 7.5 pt is 10 px at the true size of a narrow figure: 6 pt is not
        (lambda fig, ax: ax.tick_params(labelsize=6), "is 6.0 pt"),
        (lambda fig, ax: ax.set_xticks(range(0, 11)), "overlap"),
        (lambda fig, ax: ax.legend(loc="center left"), "legend covers data"),
        (lambda fig, ax: ax.set_ylabel(""), "no y label"),
        (lambda fig, ax: ax.set_xlabel("x " * 60), "cut off"),
        (lambda fig, ax: fig.colorbar(ax.pcolormesh([[0, 1], [1, 0]]), ax=ax),
         "colorbar has no label"),
    ],
)
def test_kit_refuses_figures_that_break_the_rules(kit, spoil, message):
    import numpy as np

    from optbind_book.chapter import FigureCheckError

    fig, ax = kit.subplots(width="half")
    x = np.linspace(0.0, 10.0, 200)
    ax.plot(x, np.sin(x) + 0.2 * x, label="a rising curve")
    ax.set(xlabel="x (m)", ylabel="y (N)")
    ax.set_xticks([0, 5, 10]) if message != "overlap" else None
    spoil(fig, ax)
    if message == "overlap":  # 11 tick labels of 13 pt on a 3.5 in figure
        ax.set_xticklabels([f"{v:.3f}" for v in range(0, 11)])
    with pytest.raises(FigureCheckError, match=message):
        kit.figure(fig, "bad", data={"x": x}, alt="A figure that breaks a rule")


def test_kit_polar_panels_with_colliding_labels_are_refused(kit):
    import numpy as np

    from optbind_book.chapter import check_figure

    fig, axs = kit.subplots(1, 2, subplot_kw={"projection": "polar"}, layout="none")
    for ax in axs:
        ax.plot(np.linspace(0, 6.3, 50), np.ones(50))
        ax.set_rticks([0.5, 1.0])
    fig.subplots_adjust(wspace=0.3)  # the discs nearly touch: 0 and 180 deg collide
    assert "texts '0°' and '180°' overlap" in check_figure(fig)
    fig.subplots_adjust(wspace=0.8)  # apart: nothing collides
    assert check_figure(fig) == []


def test_kit_glue_table_and_check(kit, capsys):
    from optbind_book.chapter import sci

    assert kit.glue("kd", 0.123456, fmt="{:.3g}") is None  # nothing is echoed
    assert kit.glued["kd"] == "0.123"
    assert sci(2)(8.1e-33) == "8.1 \u00d7 10\u207b\u00b3\u00b3"
    assert sci(3)(-0.25) == "\u22120.25"
    kit.table("errs", [("a", 1e-3), ("b|c", 2.0)], columns=["name", "err"],
              fmt={"err": "{:.1e}"})
    md = kit.glued["tab-errs"]
    assert md.splitlines() == ["| name | err |", "| --- | --- |",
                               "| a | 1.0e-03 |", "| b\\|c | 2.0e+00 |"]
    kit.check(True, "a true claim", detail="error 1e-16")
    assert capsys.readouterr().out == "check: a true claim - passed (error 1e-16)\n"
    with pytest.raises(AssertionError, match="check failed: a false claim"):
        kit.check(False, "a false claim")
    with pytest.raises(ValueError, match="used twice"):
        kit.glue("kd", 1.0)
    with pytest.raises(TypeError, match="one truth value"):
        import numpy as np

        kit.check(np.array([True, False]), "an array is not a claim")


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"data": {}, "alt": "long enough text"}, "non-empty dict"),
        ({"data": {"x": [1, 2], "y": [1]}, "alt": "long enough text"}, "equal"),
        ({"data": {"x": [1]}, "alt": "short"}, "alt"),
        ({"data": {"x": ["a"]}, "alt": "long enough text"}, "not numeric"),
        ({"data": {"x": [1]}, "alt": "long enough text", "digits": 0}, "digits"),
    ],
)
def test_kit_figure_input_is_checked(kit, kwargs, error):
    fig, _ = _good_figure(kit)
    with pytest.raises((ValueError, TypeError), match=error):
        kit.figure(fig, "bad", **kwargs)


def test_kit_names_widths_and_folders_are_checked(kit, tmp_path, monkeypatch):
    from optbind_book.chapter import Chapter

    for bad in ("", "a b", "../x", True):
        with pytest.raises(ValueError, match="name"):
            Chapter(bad)
    for width in ("wide", 0.5, 7.0, True):
        with pytest.raises(ValueError, match="width"):
            kit.subplots(width=width)
    with pytest.raises(ValueError, match="nrows"):
        kit.subplots(0)
    monkeypatch.delenv("OPTBIND_OUTPUT_DIR")
    monkeypatch.chdir(tmp_path)
    assert Chapter("here").folder == tmp_path / "_figures" / "here"


def test_downloaded_notebook_is_standalone_and_shows_its_figures(kit, tmp_path):
    """The kit is inlined, the glued figure becomes visible, and the notebook's
    code runs in a fresh interpreter that cannot import optbind_book."""
    from optbind_book.download import standalone_notebook

    fig, x = _good_figure(kit)
    kit.figure(fig, "line", data={"x": x}, alt="A line against x")
    (bundle, kw), = kit.shown
    nb = nbformat.v4.new_notebook()
    setup = "import numpy as np\nfrom optbind_book.chapter import (\n    Chapter,\n)\n"
    nb.cells = [
        nbformat.v4.new_code_cell(setup + "ch = Chapter('toy')\n"),
        nbformat.v4.new_code_cell(
            "fig, ax = ch.subplots()\nax.plot([0, 1], [0, 1])\n"
            "ax.set(xlabel='x (m)', ylabel='y (m)')\n"
            "ch.figure(fig, 'line', data={'x': [0, 1]}, alt='A line from 0 to 1')\n"
            "print('ran')\n",
            outputs=[nbformat.v4.new_output("display_data", data=bundle,
                                            metadata=kw["metadata"])],
        ),
    ]
    nb.metadata["papermill"] = {"input_path": "/somewhere/on/the/build/machine"}
    out = standalone_notebook(nb)
    assert len(out.cells) == 3 and "hide-input" in out.cells[0].metadata["tags"]
    assert "optbind_book" not in out.cells[1].source
    assert "papermill" not in out.metadata
    shown = out.cells[2].outputs[0]
    assert "image/png" in shown["data"] and "scrapbook" not in shown["metadata"]
    assert nb.cells[1].outputs[0]["data"] == bundle  # the input is not modified
    script = tmp_path / "nb.py"
    script.write_text("\n".join(c.source for c in out.cells))
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPTBIND_")}
    env["MPLBACKEND"] = "agg"
    # -I: isolated (no site-packages path hacks, no cwd); site-packages give
    # matplotlib and IPython, but optbind_book must not be needed: block it
    blocker = tmp_path / "block" / "optbind_book"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('not standalone')\n")
    env["PYTHONPATH"] = str(blocker.parent)
    proc = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "ran" in proc.stdout
    assert (tmp_path / "_figures" / "toy" / "line.csv").is_file()


def test_author_year_labels_are_disambiguated():
    from pybtex.database import parse_string
    from pybtex.plugin import find_plugin

    from optbind_book.bibstyle import register

    register()
    bib = parse_string(
        """
        @article{b, author={Rudolph, H. and Deli{\\'c}, U. and Hornberger, K.},
                 title={B second}, journal={J}, year={2024}, doi={10.1/b}}
        @article{a, author={Rudolph, H. and Deli{\\'c}, U. and Stickler, B.},
                 title={A first}, journal={J}, year={2024}}
        @article{c, author={Dholakia, K. and Zem{\\'a}nek, P.}, title={C},
                 journal={J}, year={2010}}
        """,
        "bibtex",
    )
    style = find_plugin("pybtex.style.formatting", "optbind")()
    labels = {e.key: e.label for e in style.format_entries(bib.entries.values())}
    # sorted by the full author list: Rudolph, Delic, Hornberger comes first
    assert labels == {"b": "Rudolph et al., 2024a", "a": "Rudolph et al., 2024b",
                      "c": "Dholakia and Zemánek, 2010"}
    text = {e.key: e.text.render_as("text") for e in
            style.format_entries(bib.entries.values())}
    assert "doi:10.1/b" in text["b"]
