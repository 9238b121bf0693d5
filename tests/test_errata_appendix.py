"""The errata appendix (book/errata.md) stays in step with optbind.errata.REGISTRY.

The physics of each erratum is tested in tests/test_errata.py; this file only
checks that the book lists every entry, uses the same tolerances, and that the
evidence it shows separates the corrected from the printed form.
"""
import ast
import importlib.util
import re
from pathlib import Path

import pytest

from optbind.analysis import errata

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book" / "errata.md"


def _tolerances():
    """``TOL`` of tests/test_errata.py (loaded under a private name, not re-collected)."""
    spec = importlib.util.spec_from_file_location("_errata_tolerances",
                                                  ROOT / "tests" / "test_errata.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.TOL


TOL = _tolerances()


@pytest.fixture(scope="module")
def text():
    return BOOK.read_text(encoding="utf-8")


def _book_tolerances(text):
    """The ``TOL = {...}`` literal of the appendix's code cell."""
    m = re.search(r"^TOL = (\{.*?^\})", text, flags=re.S | re.M)
    assert m, "book/errata.md must define TOL = {...} in a code cell"
    return ast.literal_eval(m.group(1))


@pytest.mark.parametrize("entry", errata.REGISTRY, ids=lambda e: e.id)
def test_every_erratum_is_in_the_book(entry, text):
    # a subsection heading naming the id, and a code cell running its evidence
    assert re.search(rf"^### .*\(`{re.escape(entry.id)}`\)\s*$", text, flags=re.M), entry.id
    assert f'show("{entry.id}")' in text, entry.id
    assert f"test_printed_fails_corrected_passes[{entry.id}]" in text, entry.id


def test_book_tolerances_match_test_suite(text):
    assert _book_tolerances(text) == TOL
    assert set(TOL) == {e.id for e in errata.REGISTRY}


def test_book_structure(text):
    lines = text.splitlines()
    title = next(i for i, ln in enumerate(lines) if ln.startswith("# "))
    assert lines[title].startswith("# Errata")
    assert lines[title - 1] == "(errata)="
    in_code, h1 = False, 0
    for ln in lines:
        if ln.startswith("```"):
            in_code = not in_code  # fenced blocks (code cells, directives) are not nested here
        elif not in_code and ln.startswith("# "):
            h1 += 1
    assert h1 == 1
    # the conventions live on the notation page; the appendix links to them
    assert "## Conventions of this book" not in text
    assert "<conventions>`" in text
    notation = (ROOT / "book" / "notation.md").read_text(encoding="utf-8").splitlines()
    assert "(conventions)=" in notation
    assert ":tags: [parameters]" in text
    assert "\\tag" not in text and "\\label" not in text
