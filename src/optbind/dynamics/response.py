"""Mechanical susceptibility of a linearly coupled array (Eqs. 100, 101).

With the conventions of :mod:`optbind.conventions` the susceptibility matrix
is (corrected Eq. 101)

.. math::
    [\\chi^{-1}]_{jj'}(\\omega) = \\frac{i}{\\omega_0\\gamma}
    \\big[(\\omega_0^2 - \\omega^2 - i\\gamma\\omega)\\delta_{jj'} - C_{jj'}/m\\big],

so ``chi = -i omega0 gamma (s 1 + M0)^{-1}`` with
``s = omega0^2 - omega^2 - i gamma omega`` and ``M0 = -C/m``.  A single
particle has ``chi_11(omega0) = 1``.  ``chi[a, b]`` is the response of particle
``a`` to a force on particle ``b``.

Units: ``omega``, ``omega0`` and ``gamma`` may be in any common unit (rad/s for
SI; the chapters use units of ``gamma_g``), with ``coupling_over_m`` in its
square; ``chi`` is dimensionless.

Fast solver
-----------
Coupling matrices of non-reciprocal chains are non-normal: their
eigenvectors are ill-conditioned (for chains with only short-range couplings
the condition number grows exponentially with ``N``; for the long-range chain
of Eq. 97 it grows more slowly but is still large and erratic, and for
``N = 2`` at ``k d = phi = pi/4`` the matrix is a Jordan block with no
eigenbasis at all), so diagonalising ``M0`` is not an option.  :func:`susceptibility` instead computes one complex Schur form
``M0 = Z T Z^H`` (unitary ``Z``, upper-triangular ``T``; backward stable,
``O(N^3)`` once) and then, for every frequency and requested column ``b``,
solves the shifted triangular system ``(T + s 1) y = Z^H e_b`` by a
recursively blocked back substitution that is vectorised over all
(frequency, column) pairs: small diagonal blocks are solved row by row, the
off-diagonal updates are matrix products.  That is ``O(N^2)`` work per frequency and column.  Optional
iterative refinement with the residual of the original matrix (one matrix
product over all frequencies) pushes tiny elements, many orders below the
peak, to ~1e-13 relative accuracy.

:func:`dense_susceptibility` is the plain per-frequency
:func:`numpy.linalg.solve` baseline.
"""
from __future__ import annotations

import numpy as np
import scipy.linalg as sla

from .. import validation as _v

__all__ = ["susceptibility", "dense_susceptibility", "inverse_susceptibility"]


def _check_inputs(omega, coupling_over_m, omega0, gamma, elements):
    omega = np.atleast_1d(_v.real_array(omega, "omega", "rad/s"))
    if omega.ndim != 1:
        raise ValueError(f"omega must be 1-dimensional (rad/s); got shape {omega.shape}")
    B = _v.square_matrix(coupling_over_m, "coupling_over_m", "rad^2/s^2",
                         real=not np.iscomplexobj(coupling_over_m))
    omega0 = _v.real_scalar(omega0, "omega0", "rad/s", positive=True)
    gamma = _v.real_scalar(gamma, "gamma", "1/s, it sets the normalisation", positive=True)
    N = B.shape[0]
    if elements is not None:
        el = np.asarray(elements)
        if el.ndim != 2 or el.shape[1] != 2 or el.shape[0] < 1:
            raise ValueError("elements must be a non-empty list of (row, col) pairs")
        if el.dtype == bool or not np.issubdtype(el.dtype, np.integer):
            raise TypeError("elements must be integer (row, col) pairs")
        if np.any(el < 0) or np.any(el >= N):
            raise ValueError(f"elements must be integer (row, col) pairs in [0, {N - 1}]")
        elements = el
    return omega, B, omega0, gamma, elements


def inverse_susceptibility(omega, coupling_over_m, omega0: float, gamma: float) -> np.ndarray:
    """The matrices ``chi^{-1}(omega)`` of the corrected Eq. (101).

    Parameters
    ----------
    omega : array_like, shape (F,)
        Angular frequencies in rad/s.
    coupling_over_m : array_like, shape (N, N)
        ``C/m`` in rad^2/s^2 (zero diagonal for the chain).
    omega0 : float
        Renormalised trap frequency in rad/s (> 0).
    gamma : float
        Gas damping rate in 1/s (> 0).

    Returns
    -------
    ndarray, shape (F, N, N), complex
        Dimensionless ``chi^{-1}``.
    """
    omega, B, omega0, gamma, _ = _check_inputs(omega, coupling_over_m, omega0, gamma, None)
    s = omega0**2 - omega**2 - 1j * gamma * omega
    N = B.shape[0]
    return (1j / (omega0 * gamma)) * (s[:, None, None] * np.eye(N) - B[None])


def dense_susceptibility(omega, coupling_over_m, omega0: float, gamma: float, *,
                         elements=None) -> np.ndarray:
    """Susceptibility by a dense LU solve per frequency (baseline, corrected Eq. 101).

    Parameters
    ----------
    omega, coupling_over_m, omega0, gamma
        As in :func:`susceptibility`.
    elements : sequence of (int, int), optional
        ``(row, col)`` pairs; ``None`` returns the full matrix.

    Returns
    -------
    ndarray, shape (F, N, N) or (F, K), complex
        ``chi[a, b]`` = response of particle ``a`` to a force on ``b``.
    """
    omega, B, omega0, gamma, elements = _check_inputs(omega, coupling_over_m, omega0, gamma, elements)
    N = B.shape[0]
    cols = np.arange(N) if elements is None else np.unique(elements[:, 1])
    rhs = np.zeros((N, cols.size), complex)
    rhs[cols, np.arange(cols.size)] = 1.0
    out = np.empty((omega.size, N, N) if elements is None else (omega.size, len(elements)), complex)
    pos = {c: k for k, c in enumerate(cols)}
    for f, w in enumerate(omega):
        s = omega0**2 - w**2 - 1j * gamma * w
        X = np.linalg.solve(s * np.eye(N) - B, rhs) * (-1j * omega0 * gamma)
        if elements is None:
            out[f] = X
        else:
            out[f] = [X[a, pos[b]] for a, b in elements]
    return out


def _shifted_triangular_solve(T, shifts, Y, leaf=16):
    """Solve ``(T + shifts[k] 1) y_k = Y[:, k]`` in place for every column k.

    ``T`` is upper triangular (N, N); ``shifts`` has shape (K,); ``Y`` (N, K)
    is overwritten with the solutions.  Recursive blocked back substitution:
    the lower half of the unknowns is solved first, the upper half of the
    right-hand side is updated with one matrix product, then the upper half
    is solved; blocks of at most ``leaf`` rows are solved row by row
    (vectorised over the K columns).  All but ``O(N leaf K)`` of the
    ``N^2 K/2`` multiply-adds are matrix products.
    """
    d = np.diagonal(T)

    def solve(lo, hi):
        if hi - lo <= leaf:
            for i in range(hi - 1, lo - 1, -1):
                if i + 1 < hi:
                    Y[i] -= T[i, i + 1:hi] @ Y[i + 1:hi]
                Y[i] /= d[i] + shifts
            return
        mid = (lo + hi) // 2
        solve(mid, hi)
        Y[lo:mid] -= T[lo:mid, mid:hi] @ Y[mid:hi]
        solve(lo, mid)

    solve(0, T.shape[0])
    return Y


def susceptibility(omega, coupling_over_m, omega0: float, gamma: float, *, elements=None,
                   refine: int = 1, chunk: int = 4096) -> np.ndarray:
    """Susceptibility matrix of the corrected Eq. (101), fast and backward stable.

    Parameters
    ----------
    omega : array_like, shape (F,)
        Angular frequencies in rad/s.
    coupling_over_m : array_like, shape (N, N)
        ``C/m`` in rad^2/s^2, ``C[j, jp]`` = force on ``j`` per displacement
        of ``jp`` (Eq. 85); e.g. :func:`optbind.chain.chain_couplings` divided
        by ``m``.
    omega0 : float
        Renormalised trap frequency ``omega_0`` in rad/s (> 0).
    gamma : float
        Gas damping rate ``gamma_g`` in 1/s (> 0).
    elements : sequence of (int, int), optional
        ``(row, col)`` pairs (0-based) to return; ``None`` returns all.
    refine : int
        Steps of iterative refinement against the original matrix (>= 0).
        The unrefined solution already agrees with a dense LU solve to
        ~1e-8 relative on elements 1e-15 below the peak (chains up to
        N = 1000); one step brings this to ~1e-11 or better at about twice
        the cost of the per-frequency work.
    chunk : int
        Maximum number of (frequency, column) systems solved at once (memory
        ``~ 16 N chunk`` bytes per work array).

    Returns
    -------
    ndarray, shape (F, N, N) or (F, K), complex
        Dimensionless ``chi[a, b]``: response of particle ``a`` to a force on
        particle ``b``, normalised so that one particle has
        ``chi_11(omega0) = 1``.

    Notes
    -----
    Cost: one complex Schur decomposition (``O(N^3)``) plus ``O(N^2)`` per
    frequency and distinct requested column.

    Examples
    --------
    A single particle on resonance has ``chi_11(omega0) = 1`` (Eq. 101):

    >>> complex(susceptibility([1.0], [[0.0]], 1.0, 0.1)[0, 0, 0])
    (1+0j)
    """
    omega, B, omega0, gamma, elements = _check_inputs(omega, coupling_over_m, omega0, gamma, elements)
    refine = _v.integer(refine, "refine", minimum=0)
    chunk = _v.integer(chunk, "chunk", minimum=1)
    N = B.shape[0]
    M0 = -B
    if np.iscomplexobj(M0):
        T, Z = sla.schur(M0, output="complex")
    else:
        # real Schur + conversion is ~2-4x faster than a complex Schur of M0
        T, Z = sla.rsf2csf(*sla.schur(M0, output="real"))
    cols = np.arange(N) if elements is None else np.unique(elements[:, 1])
    rows = np.arange(N) if elements is None else np.unique(elements[:, 0])
    F = omega.size
    s_all = omega0**2 - omega**2 - 1j * gamma * omega
    # all (frequency, column) pairs, frequency-major
    pair_f = np.repeat(np.arange(F), cols.size)
    pair_c = np.tile(np.arange(cols.size), F)
    P = pair_f.size
    result_rows = np.empty((rows.size, P), complex)
    ZH = Z.conj().T
    for lo in range(0, P, chunk):
        hi = min(P, lo + chunk)
        shifts = s_all[pair_f[lo:hi]]
        cidx = cols[pair_c[lo:hi]]
        Yt = ZH[:, cidx].copy()                 # Z^H e_b
        _shifted_triangular_solve(T, shifts, Yt)
        if refine == 0:
            result_rows[:, lo:hi] = Z[rows] @ Yt     # only the requested rows
            continue
        X = Z @ Yt                              # solution of (s 1 + M0) x = e_b
        for it in range(refine):
            if np.isrealobj(M0):
                # real x complex product as ONE real GEMM: a C-contiguous complex
                # (N, K) array viewed as float is (N, 2K) with interleaved real
                # and imaginary parts, so no copies or temporaries are needed
                R = (M0 @ np.ascontiguousarray(X).view(np.float64)).view(np.complex128)
            else:
                R = M0 @ X
            R += shifts[None, :] * X
            np.negative(R, out=R)
            R[cidx, np.arange(hi - lo)] += 1.0  # residual e_b - (s 1 + M0) x
            Yr = ZH @ R
            _shifted_triangular_solve(T, shifts, Yr)
            if it == refine - 1:                # last step: requested rows only
                X = X[rows] + Z[rows] @ Yr
            else:
                X += Z @ Yr
        result_rows[:, lo:hi] = X
    result_rows *= -1j * omega0 * gamma
    # result_rows[r, f * ncols + c] = chi[rows[r], cols[c]](omega_f)
    R3 = result_rows.reshape(rows.size, F, cols.size)
    if elements is None:
        return np.transpose(R3, (1, 0, 2)).copy()
    rpos = np.searchsorted(rows, elements[:, 0])
    cpos = np.searchsorted(cols, elements[:, 1])
    return R3[rpos, :, cpos].T.copy()
