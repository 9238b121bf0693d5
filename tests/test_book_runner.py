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
