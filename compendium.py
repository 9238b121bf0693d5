#!/usr/bin/env python3
"""Set up, build and test the compendium with nothing but Python installed.

    python3 compendium.py book     # venv + pinned deps, execute every chapter, render the
                                   # site, the student edition and (with Chromium) the PDF
    python3 compendium.py test     # the same set-up and book build, then the whole test suite

Both commands create (or refresh) the virtual environment ``.venv`` from
``constraints.txt``: the physics package ``optbind`` with its ``book`` and
``test`` extras (``pyproject.toml``) and, separately, the book tooling
``optbind_book`` (``src/optbind_book/pyproject.toml``), both editable; a stamp
file makes the install a no-op when none of these files changed.  ``test`` also
makes sure Debian's headless ``chromium`` and ``chromium-driver`` are present
for the browser tests and the PDF (installing them with apt-get when run as
root), builds the book with its student edition and PDF, runs pytest, and then tests the physics wheel: it builds it (``pip wheel --no-deps``),
checks that it holds the physics package only, installs it without extras into
a fresh virtual environment under the build folder and runs
``tests/wheel_smoke.py`` there from a temporary folder outside the repository.
Extra arguments after ``test`` are passed to pytest, e.g.
``python3 compendium.py test -k green``.

Only the standard library is used here.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import venv
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PY = VENV / "bin" / "python"
STAMP = VENV / ".optbind-install-stamp"
TOOLING = ROOT / "src" / "optbind_book"
INSTALL_INPUTS = (
    "constraints.txt", "pyproject.toml", "src/optbind_book/pyproject.toml")
BROWSER = Path("/usr/bin/chromium")
DRIVER = Path("/usr/bin/chromedriver")


def say(msg: str) -> None:
    print(f"==> {msg}", flush=True)


def run(cmd, **kw) -> None:
    proc = subprocess.run([str(c) for c in cmd], **kw)
    if proc.returncode != 0:
        sys.exit(proc.returncode)


def install_fingerprint() -> str:
    h = hashlib.sha256()
    for name in INSTALL_INPUTS:
        h.update((ROOT / name).read_bytes())
    h.update(sys.version.encode())
    return h.hexdigest()


def ensure_venv() -> None:
    t0 = time.perf_counter()
    if not PY.exists():
        say(f"creating the virtual environment {VENV.relative_to(ROOT)}")
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    want = install_fingerprint()
    if STAMP.exists() and STAMP.read_text().strip() == want:
        say("virtual environment up to date")
        return
    say("installing optbind, the book tooling and the pinned dependencies "
        "(constraints.txt) ...")
    run([PY, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "-c", ROOT / "constraints.txt", "-e", f"{ROOT}[quantum,parallel,series,book,test]",
         "-e", TOOLING])
    STAMP.write_text(want)
    say(f"installed in {time.perf_counter() - t0:.0f} s")


def ensure_browser() -> None:
    if BROWSER.exists() and DRIVER.exists():
        return
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        sys.exit(
            "error: the browser tests need Debian's chromium and chromium-driver "
            f"({BROWSER}, {DRIVER}); install them with: apt-get install chromium chromium-driver"
        )
    say("installing Debian's chromium and chromium-driver for the browser tests ...")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run(["apt-get", "update", "-qq"], env=env)
    run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium", "chromium-driver"], env=env)


def build_book(*, pdf: bool) -> None:
    """Execute and render the book, its student edition and, if asked, the PDF."""
    t0 = time.perf_counter()
    say("building the book: every chapter through papermill, then the site")
    run([PY, "-m", "optbind_book", "build"], cwd=ROOT)
    say("rendering the student edition (no solutions): _build/student/html")
    run([PY, "-m", "optbind_book", "student"], cwd=ROOT)
    if pdf:
        say("printing the PDF with headless Chromium: _build/pdf/optbind-book.pdf")
        run([PY, "-m", "optbind_book", "pdf"], cwd=ROOT)
    else:
        say("no PDF: it is printed by Debian's chromium and chromium-driver "
            f"({BROWSER}, {DRIVER}), which are not installed; "
            "'python3 compendium.py test' installs them")
    say(f"book ready in {time.perf_counter() - t0:.0f} s: open _build/html/index.html")


def build_folder() -> Path:
    """``_build`` of the repository, or of ``$OPTBIND_BUILD_ROOT`` (as the runner)."""
    base = os.environ.get("OPTBIND_BUILD_ROOT")
    return (Path(base).resolve() if base else ROOT) / "_build"


def _copy_project(dest: Path) -> None:
    """The files a wheel is built from: top-level files and ``src/``, nothing built.

    Building from a copy keeps setuptools' ``build/`` and ``*.egg-info`` out of
    the repository and stale files of an earlier build out of the wheel.
    """
    dest.mkdir(parents=True)
    for p in ROOT.iterdir():
        if p.is_file():
            shutil.copy2(p, dest / p.name)
    shutil.copytree(ROOT / "src", dest / "src", ignore=shutil.ignore_patterns(
        "__pycache__", "*.pyc", "*.egg-info", "build"))


def wheel_test() -> int:
    """Build the physics wheel, install it without extras, run the smoke test."""
    t0 = time.perf_counter()
    work = build_folder() / "wheel"
    shutil.rmtree(work, ignore_errors=True)
    say("building the physics wheel (pip wheel --no-deps) ...")
    _copy_project(work / "project")
    run([PY, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check",
         "--no-deps", "-w", work / "dist", work / "project"])
    wheels = sorted((work / "dist").glob("optbind-*.whl"))
    if len(wheels) != 1:
        sys.exit(f"error: expected one optbind wheel in {work / 'dist'}, "
                 f"found {wheels}")
    wheel = wheels[0]
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
    tops = sorted({n.split("/")[0] for n in names})
    foreign = [t for t in tops if t != "optbind" and not (
        t.startswith("optbind-") and t.endswith(".dist-info"))]
    tooling = [n for n in names if n.startswith("optbind/")
               and n.rsplit("/", 1)[-1] in ("book.py", "sphinxext.py")]
    if foreign or tooling:
        sys.exit(f"error: the wheel {wheel.name} holds more than the physics package: "
                 f"{foreign + tooling}")
    say(f"{wheel.name}: {len(names)} files, top level {tops}")
    env_dir = work / "venv"
    say(f"installing it without extras into a fresh environment {env_dir} ...")
    venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    vpy = env_dir / "bin" / "python"
    run([vpy, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "-c", ROOT / "constraints.txt", wheel])
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "OPTBIND_", "VIRTUAL_ENV"))}
    with tempfile.TemporaryDirectory(prefix="optbind-wheel-smoke-") as tmp:
        if Path(tmp).resolve().is_relative_to(ROOT):
            sys.exit(f"error: the temporary folder {tmp} is inside the repository")
        say(f"smoke test and doctests of the installed wheel, from {tmp}")
        # -I: isolated mode, so neither tests/ nor the working folder is on sys.path
        proc = subprocess.run([str(vpy), "-I", str(ROOT / "tests" / "wheel_smoke.py")],
                              cwd=tmp, env=env)
    verdict = "passed" if proc.returncode == 0 else f"FAILED (exit {proc.returncode})"
    say(f"wheel test {verdict} in {time.perf_counter() - t0:.0f} s")
    return proc.returncode


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("book", "test"):
        print(__doc__)
        return 2
    t0 = time.perf_counter()
    ensure_venv()
    if argv[0] == "book":
        build_book(pdf=BROWSER.exists() and DRIVER.exists())
    else:
        ensure_browser()
        build_book(pdf=True)
        say("running the test suite")
        cmd = [PY, "-m", "pytest", *argv[1:]]
        proc = subprocess.run([str(c) for c in cmd], cwd=ROOT)
        wheel = wheel_test()
        say(f"finished in {time.perf_counter() - t0:.0f} s: pytest "
            f"{'passed' if proc.returncode == 0 else 'FAILED'}, wheel test "
            f"{'passed' if wheel == 0 else 'FAILED'}")
        return proc.returncode or wheel
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
