"""Smoke test of an installed optbind wheel, run outside the repository.

``python3 compendium.py test`` builds the wheel, installs it without extras into
a fresh virtual environment and runs this script with that environment's
interpreter in isolated mode (``python -I``) from a temporary folder.  It checks
that

* ``import optbind`` emits no warning and imports no heavy dependency;
* the package is the installed one (inside the environment, not ``src/``);
* ``optbind.parameters.available()`` and ``load()`` work (package data);
* every module of the installed package imports, or raises an ImportError
  naming the extra it needs (``pip install optbind[quantum]``);
* the docstring examples (doctest) of every importable module pass, or stop
  at an ImportError naming the extra they need (then they are listed as such).

It prints a short summary and exits non-zero on any failure.  It is not a
pytest module (pytest collects ``test_*.py`` only).
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import re
import sys
import traceback
import warnings
from pathlib import Path

HEAVY = ("scipy", "matplotlib", "qutip", "dask", "pandas", "sympy", "numba", "tqdm")
EXTRA_HINT = re.compile(r"pip install ['\"]?optbind\[(?P<extra>[\w,-]+)\]")
REPO = Path(__file__).resolve().parents[1]


def _fail(failures: list[str], what: str) -> None:
    failures.append(what)
    print(f"FAIL {what}", flush=True)


def _check_import(failures: list[str]):
    before = set(sys.modules)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        import optbind
    for w in caught:
        _fail(failures, f"import optbind warned: {w.category.__name__}: {w.message}")
    new = {m.split(".")[0] for m in set(sys.modules) - before}
    heavy = sorted(new & set(HEAVY))
    if heavy:
        _fail(
            failures, f"import optbind imported heavy dependencies by itself: {heavy}"
        )
    where = Path(optbind.__file__).resolve()
    prefix = Path(sys.prefix).resolve()
    if not where.is_relative_to(prefix) or where.is_relative_to(REPO / "src"):
        _fail(
            failures,
            f"optbind was imported from {where}, not from the environment {prefix}",
        )
    print(
        f"import optbind: {where.parent} (new top-level modules: "
        f"{', '.join(sorted(new)) or 'none'})",
        flush=True,
    )
    return optbind


def _check_parameters(failures: list[str]) -> None:
    try:
        from optbind import parameters

        names = parameters.available()
        if not names:
            _fail(failures, "optbind.parameters.available() is empty")
            return
        default = parameters.load()
        for name in names:
            parameters.load(name)
        print(
            f"parameters: available() = {names}; load() gives {type(default).__name__}",
            flush=True,
        )
    except Exception as exc:  # noqa: BLE001 - reported, then the script fails
        _fail(
            failures,
            "optbind.parameters: "
            + traceback.format_exception_only(type(exc), exc)[-1].strip(),
        )


def _modules(package) -> list[str]:
    """Every module below ``package`` that can be found by walking imports."""
    names, todo = [], [package]
    while todo:
        pkg = todo.pop()
        for info in pkgutil.iter_modules(pkg.__path__, pkg.__name__ + "."):
            if info.name.rsplit(".", 1)[-1].startswith("_"):
                continue
            names.append(info.name)
            if info.ispkg:
                try:
                    todo.append(importlib.import_module(info.name))
                except ImportError:
                    pass  # reported when the module itself is imported
    return sorted(names)


class _Runner(doctest.DocTestRunner):
    """A doctest runner that notes when an example stops at an ImportError naming
    the extra to install (``pip install optbind[...]``): such a docstring needs
    that extra and is not a failure of the core wheel."""

    def run(self, test, *args, **kwargs):
        self.needs_extra = None
        return super().run(test, *args, **kwargs)

    def report_unexpected_exception(self, out, test, example, exc_info):
        hint = EXTRA_HINT.search(str(exc_info[1]))
        if isinstance(exc_info[1], ImportError) and hint and self.needs_extra is None:
            self.needs_extra = hint.group("extra")
        if self.needs_extra is None:
            super().report_unexpected_exception(out, test, example, exc_info)

    def report_failure(self, out, test, example, got):
        if self.needs_extra is None:  # later examples of a docstring that needs an extra
            super().report_failure(out, test, example, got)


def main() -> int:
    failures: list[str] = []
    optbind = _check_import(failures)
    _check_parameters(failures)
    imported, extras = [], {}
    attempted = failed = docstrings = 0
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    for name in _modules(optbind):
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            hint = EXTRA_HINT.search(str(exc))
            if hint:
                extras[name] = hint.group("extra")
                print(f"needs extra: {name} [{hint.group('extra')}]", flush=True)
            else:
                _fail(
                    failures,
                    f"import {name}: ImportError without an extra to install: {exc}",
                )
            continue
        except Exception as exc:  # noqa: BLE001
            _fail(
                failures,
                f"import {name}: "
                + traceback.format_exception_only(type(exc), exc)[-1].strip(),
            )
            continue
        imported.append(name)
        finder = doctest.DocTestFinder(exclude_empty=True)
        runner = _Runner(optionflags=flags)
        for test in finder.find(module, name):
            if not test.examples:
                continue
            docstrings += 1
            result = runner.run(test)
            if runner.needs_extra is not None:
                extras[test.name] = runner.needs_extra
                print(f"needs extra: example {test.name} [{runner.needs_extra}]",
                      flush=True)
                continue
            attempted += result.attempted
            failed += result.failed
            if result.failed:
                _fail(
                    failures,
                    f"doctest {test.name}: {result.failed} of "
                    f"{result.attempted} examples failed",
                )
    print(
        f"summary: {len(imported)} modules imported, {len(extras)} need an extra "
        f"({', '.join(f'{m} [{e}]' for m, e in sorted(extras.items())) or 'none'}); "
        f"doctests: {attempted} examples in {docstrings} docstrings, "
        f"{attempted - failed} passed, {failed} failed",
        flush=True,
    )
    if failures:
        print(f"wheel smoke test FAILED ({len(failures)} problem(s)):", flush=True)
        for f in failures:
            print(f"  - {f}", flush=True)
        return 1
    print("wheel smoke test passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
