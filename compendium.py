#!/usr/bin/env python3
"""Set up, build and test the compendium with nothing but Python installed.

    python3 compendium.py book     # venv + pinned deps, execute every chapter, render the site
    python3 compendium.py test     # the same set-up and book build, then the whole test suite

Both commands create (or refresh) the virtual environment ``.venv`` from
``constraints.txt`` and ``pyproject.toml``; a stamp file makes the install a
no-op when neither changed.  ``test`` also makes sure Debian's headless
``chromium`` and ``chromium-driver`` are present for the browser tests
(installing them with apt-get when run as root).  Extra arguments after
``test`` are passed to pytest, e.g. ``python3 compendium.py test -k green``.

Only the standard library is used here.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PY = VENV / "bin" / "python"
STAMP = VENV / ".optbind-install-stamp"
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
    for name in ("constraints.txt", "pyproject.toml"):
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
    say("installing optbind and the pinned dependencies (constraints.txt) ...")
    run([PY, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "-c", ROOT / "constraints.txt", "-e", f"{ROOT}[quantum,parallel,book,test]"])
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


def build_book() -> None:
    t0 = time.perf_counter()
    say("building the book: every chapter through papermill, then the site")
    run([PY, "-m", "optbind.book", "build"], cwd=ROOT)
    say(f"book ready in {time.perf_counter() - t0:.0f} s: open _build/html/index.html")


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("book", "test"):
        print(__doc__)
        return 2
    t0 = time.perf_counter()
    ensure_venv()
    if argv[0] == "book":
        build_book()
    else:
        ensure_browser()
        build_book()
        say("running the test suite")
        cmd = [PY, "-m", "pytest", *argv[1:]]
        proc = subprocess.run([str(c) for c in cmd], cwd=ROOT)
        say(f"finished in {time.perf_counter() - t0:.0f} s")
        return proc.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
