"""Fig. 2(b) against the committed reference data/fig2b_reference.csv.

The reference was written by scripts/make_fig2b_reference.py with an
independent method: the couplings of the corrected Eq. (97) typed in again and
a dense LU solve (numpy.linalg.solve) of Eq. (100) per frequency, normalised
as in the corrected Eq. (101).  Here the same curves are recomputed with the
package (optbind.chain.chain_couplings + optbind.response.susceptibility).

Tolerance.  Both routes are backward stable, so each computed element carries
a relative error of about cond(M) * eps * ||chi|| / |chi_ab|.  A 30-digit
mpmath solve (test_reference_against_mpmath) puts the reference's error at
4.8e-13 at the frequencies checked, including the suppressed elements
|chi_N1|^2 ~ 1e-10; the package reproduces the reference to 4.8e-13 (worst
column, |chi_1N|^2 for N = 40; the built chapter's CSV agrees equally).  RTOL is
10 x that: it still catches any change of sign, index order or normalisation,
which moves the curves by O(1), and any loss of accuracy of the fast solver
beyond a decade.

Test (b) is marked ``site``: it needs the book built first and fails (does not
skip) if the chapter's CSV is missing.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import mpmath as mp
import numpy as np
import pytest

from optbind.chain import chain_couplings
from optbind.response import susceptibility

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "data" / "fig2b_reference.csv"
RTOL = 5e-12

# the parameters of Fig. 2(b), in units of gamma_g (caption of Fig. 2)
OMEGA0, GAMMA, G = 20.0, 1.0, 1.0
KD_NEXT = PHI_NEXT = np.pi / 4
NS = (10, 20, 40)


def _read(path: Path) -> dict[str, np.ndarray]:
    with path.open(newline="") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], np.array(rows[1:], dtype=float)
    return {name: body[:, i] for i, name in enumerate(header)}


def _recompute(omega: np.ndarray) -> dict[str, np.ndarray]:
    out = {"omega_over_gamma": omega / GAMMA}
    for n in NS:
        cm = chain_couplings(n, OMEGA0, G, KD_NEXT, PHI_NEXT)  # m = 1: C/m in gamma_g^2
        chi = susceptibility(
            omega, cm, OMEGA0, GAMMA, elements=[(0, n - 1), (n - 1, 0)]
        )
        out[f"abs2_chi_1N_N{n}"] = np.abs(chi[:, 0]) ** 2
        out[f"abs2_chi_N1_N{n}"] = np.abs(chi[:, 1]) ** 2
    single = susceptibility(omega, np.zeros((1, 1)), OMEGA0, GAMMA, elements=[(0, 0)])
    out["abs2_chi_11_single"] = np.abs(single[:, 0]) ** 2
    return out


@pytest.fixture(scope="module")
def reference():
    if not REFERENCE.is_file():
        pytest.fail(f"{REFERENCE} is missing: run scripts/make_fig2b_reference.py")
    return _read(REFERENCE)


def _compare(ours: dict, ref: dict, what: str):
    assert list(ours) == list(ref), (
        f"{what}: columns {list(ours)} != reference {list(ref)}"
    )
    np.testing.assert_allclose(
        ours["omega_over_gamma"],
        ref["omega_over_gamma"],
        rtol=1e-15,
        atol=0,
        err_msg=f"{what}: frequency grids differ",
    )
    for name in list(ref)[1:]:
        np.testing.assert_allclose(
            ours[name], ref[name], rtol=RTOL, atol=0, err_msg=f"{what}: column {name}"
        )


def test_reference_layout(reference):
    omega = reference["omega_over_gamma"]
    assert omega.size == 2001
    assert omega[0] == pytest.approx(OMEGA0 - 10.0, rel=1e-15, abs=0)
    assert omega[-1] == pytest.approx(OMEGA0 + 10.0, rel=1e-15, abs=0)
    # single particle: chi_11(omega0) = 1 (normalisation of Eq. 101)
    i0 = int(np.argmin(np.abs(omega - OMEGA0)))
    assert reference["abs2_chi_11_single"][i0] == pytest.approx(1.0, rel=1e-12, abs=0)
    # the direction N -> 1 is the enhanced one for every N
    for n in NS:
        assert (
            reference[f"abs2_chi_1N_N{n}"].max()
            > 100 * reference[f"abs2_chi_N1_N{n}"].max()
        )


def test_package_reproduces_reference(reference):
    """(a) optbind.response + optbind.chain versus the independent dense solve."""
    _compare(_recompute(reference["omega_over_gamma"] * GAMMA), reference, "package")


def test_reference_against_mpmath(reference):
    """Spot check of the reference itself with a 30-digit LU solve (N = 10 and 20)."""
    with mp.workdps(30):
        omega = reference["omega_over_gamma"]
        worst = 0.0
        for n in (10, 20):
            for idx in (0, 820, 950, 1000, 1030, 2000):
                w = mp.mpf(omega[idx])
                mat = mp.matrix(n, n)
                for j in range(n):
                    for jp in range(n):
                        # exact couplings: cos(pi/4 |l| + pi/4 l) in mpmath
                        lval = j - jp
                        cjj = (
                            0
                            if lval == 0
                            else 2
                            * OMEGA0
                            * G
                            / abs(lval)
                            * mp.cos(mp.pi / 4 * (abs(lval) + lval))
                        )
                        diag = (OMEGA0**2 - w**2 - 1j * GAMMA * w) if lval == 0 else 0
                        mat[j, jp] = 1j / (OMEGA0 * GAMMA) * (diag - cjj)
                e_first, e_last = mp.matrix(n, 1), mp.matrix(n, 1)
                e_first[0], e_last[n - 1] = 1, 1
                col_first, col_last = (
                    mp.lu_solve(mat, e_first),
                    mp.lu_solve(mat, e_last),
                )
                for exact, name in (
                    (abs(col_last[0]) ** 2, f"abs2_chi_1N_N{n}"),
                    (abs(col_first[n - 1]) ** 2, f"abs2_chi_N1_N{n}"),
                ):
                    worst = max(
                        worst, abs(float(exact) - reference[name][idx]) / float(exact)
                    )
    # measured 4.8e-13, margin 10
    assert worst < 5e-12, f"reference deviates from the 30-digit solve by {worst:.2e}"


def _build_csv() -> Path:
    base = os.environ.get("OPTBIND_BUILD_ROOT")
    build = (Path(base) if base else ROOT) / "_build"
    return build / "figures" / "chain_amplification" / "fig2b.csv"


@pytest.mark.site
def test_book_csv_matches_reference(reference):
    """(b) the CSV written by the built chapter (default parameters) equals the
    reference."""
    path = _build_csv()
    if not path.is_file():
        pytest.fail(
            f"{path} is missing: build the book first (python -m optbind_book build, or "
            "python -m optbind_book execute chain_amplification) so that the chapter "
            "chain_amplification writes its Fig. 2(b) data"
        )
    _compare(_read(path), reference, f"book CSV {path}")
