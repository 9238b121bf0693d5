"""Write data/fig2b_reference.csv: the curves of Fig. 2(b), computed independently.

The reference is built from scratch here, on purpose without any function of
:mod:`optbind`: the chain couplings of the corrected Eq. (97) are typed in
again, the matrix of Eq. (100) with the normalisation of the corrected
Eq. (101) is assembled for every frequency, and the two wanted columns of its
inverse are obtained with a dense ``numpy.linalg.solve`` (LU with partial
pivoting, LAPACK ``gesv``).  ``tests/test_fig2b_reference.py`` compares these
numbers with the book's own solver (``optbind.response.susceptibility`` with
``optbind.chain.chain_couplings``) and with the CSV written by the built book.

Conventions (see ``optbind.conventions``): time dependence ``exp(-i omega t)``;
``C[j, jp]`` is the force on ``j`` per displacement of ``jp``;
``chi[a, b]`` is the response of particle ``a`` to a force on particle ``b``.

Units: frequencies in units of the gas damping rate ``gamma_g`` (set to 1).

Usage (from the repository root)::

    .venv/bin/python scripts/make_fig2b_reference.py
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np

# --- the parameters of Fig. 2(b) (paper, caption of Fig. 2) ----------------
GAMMA = 1.0              # gas damping gamma_g (unit of frequency)
OMEGA0 = 20.0 * GAMMA    # trap frequency omega_0 = 20 gamma_g
G = 1.0 * GAMMA          # coupling rate g = gamma_g
KD_NEXT = np.pi / 4      # k d_next mod 2 pi
PHI_NEXT = np.pi / 4     # phi_j - phi_{j+1}
NS = (10, 20, 40)        # chain lengths of the figure
# frequency grid, identical to the chapter's default parameters
HALF_WINDOW = 10.0       # omega in [omega0 - 10 gamma, omega0 + 10 gamma]
N_FREQ = 2001

OUT = Path(__file__).resolve().parents[1] / "data" / "fig2b_reference.csv"


def couplings_over_m(n: int) -> np.ndarray:
    """C/m of the corrected Eq. (97) in units of gamma_g^2 (zero diagonal)."""
    c = np.zeros((n, n))
    for j in range(n):
        for jp in range(n):
            if j != jp:
                dist = abs(j - jp)
                c[j, jp] = 2.0 * OMEGA0 * G / dist * np.cos(KD_NEXT * dist + PHI_NEXT * (j - jp))
    return c


def corner_elements(n: int, omega: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """|chi[0, n-1]|^2, |chi[n-1, 0]|^2 and |chi[0, 0]|^2 on the grid ``omega``.

    ``chi`` is the inverse of ``(i/(omega0 gamma)) [(omega0^2 - omega^2 - i gamma omega) 1 - C/m]``.
    """
    c = couplings_over_m(n)
    eye = np.eye(n)
    rhs = eye[:, [0, n - 1]]  # columns 0 and n-1 of the identity
    a = np.empty(omega.size)
    b = np.empty(omega.size)
    d = np.empty(omega.size)
    for i, w in enumerate(omega):
        m = 1j / (OMEGA0 * GAMMA) * ((OMEGA0**2 - w**2 - 1j * GAMMA * w) * eye - c)
        cols = np.linalg.solve(m, rhs)  # cols[:, 0] = chi[:, 0], cols[:, 1] = chi[:, n-1]
        a[i] = abs(cols[0, 1]) ** 2      # chi[0, n-1]: force on n, response of 1  (n -> 1)
        b[i] = abs(cols[n - 1, 0]) ** 2  # chi[n-1, 0]: force on 1, response of n  (1 -> n)
        d[i] = abs(cols[0, 0]) ** 2
    return a, b, d


def main() -> int:
    omega = np.linspace(OMEGA0 - HALF_WINDOW * GAMMA, OMEGA0 + HALF_WINDOW * GAMMA, N_FREQ)
    cols: dict[str, np.ndarray] = {"omega_over_gamma": omega / GAMMA}
    for n in NS:
        a, b, _ = corner_elements(n, omega)
        cols[f"abs2_chi_1N_N{n}"] = a
        cols[f"abs2_chi_N1_N{n}"] = b
    _, _, single = corner_elements(1, omega)
    cols["abs2_chi_11_single"] = single
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(list(cols))
        for row in zip(*cols.values()):
            w.writerow([repr(float(x)) for x in row])
    print(f"wrote {OUT} ({N_FREQ} rows, columns {', '.join(cols)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
