"""Equidistant particle chains: couplings, bulk dispersion and stability (Eqs. 96-99).

Couplings (corrected Eq. 97, see :mod:`optbind.conventions`)::

    C[j, jp] = 2 m omega0 g / |j - jp| * cos(kd_next |j - jp| + phi_next (j - jp))

With ``kd_next = phi_next = pi/4``, ``C[j, j+l] = 2 m omega0 g/l > 0`` for all
``l > 0`` (particle ``j+l`` drives ``j``), while ``C[j+l, j]`` is
``2 m omega0 g cos(pi l/2)/l``: zero for odd ``l``, ``+-1/l`` for even ``l``.

Bulk dispersion
---------------
Inserting ``z_j = exp(i(kappa j - omega t))`` into Eq. (96) without damping
gives, with ``l = j - j'``,

.. math::
    \\omega_\\kappa^2 = \\omega_0^2 - \\sum_{l \\ne 0} \\frac{C(l)}{m} e^{-i\\kappa l}
    = \\omega_0^2 - 2 g\\omega_0 \\sum_{n\\ge1}\\Big[\\frac{e^{+i\\kappa n}}{n}
      + \\frac{(-1)^n}{2n} e^{-2i\\kappa n}\\Big]

for ``kd_next = phi_next = pi/4``.  The printed Eq. (99) has ``kappa -> -kappa``,
which is what the printed (sign-flipped) Eq. (97) would give; with the
corrected Eq. (97) the signs of the exponents are reversed.  The series is
not absolutely convergent; :func:`dispersion_partial_sums` evaluates it under
two orderings of the terms.

Stability with gas damping
--------------------------
With ``mu`` an eigenvalue of ``C/m``, the modes of Eq. (96) have
``lambda = -gamma/2 +- sqrt(gamma^2/4 - omega0^2 + mu)`` and one of them grows
iff ``Re(mu) + Im(mu)^2/gamma^2 > omega0^2``.  For the chain,
``C/m = 2 omega0 g B`` with a fixed pattern ``B``, which yields the critical
coupling of :func:`critical_coupling` in closed form per eigenvalue of ``B``.
"""
from __future__ import annotations

import numpy as np

from .conventions import chain_phase_argument

__all__ = [
    "chain_couplings",
    "chain_dynamical_matrix",
    "chain_growth_rate",
    "critical_coupling",
    "bulk_dispersion",
    "dispersion_partial_sums",
    "printed_eq99_partial_sums",
]


def _int(value, name, minimum):
    if not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}")
    return int(value)


def _float(value, name, *, positive=False, nonneg=False):
    v = float(value)
    if not np.isfinite(v) or (positive and v <= 0) or (nonneg and v < 0):
        rng = "> 0" if positive else (">= 0" if nonneg else "finite")
        raise ValueError(f"{name} must be a finite number {rng}; got {value!r}")
    return v


def chain_couplings(N: int, omega0: float, g: float, kd_next: float, phi_next: float,
                    m: float = 1.0) -> np.ndarray:
    """Coupling matrix of an equidistant chain (corrected Eq. 97).

    Parameters
    ----------
    N : int
        Number of particles (>= 1).
    omega0 : float
        Renormalised trap frequency in rad/s (> 0).
    g : float
        Coupling rate of Eq. (98) in rad/s (>= 0).
    kd_next : float
        ``k_L d_next`` (only its value modulo ``2 pi`` matters), radians.
    phi_next : float
        Next-neighbour tweezer phase difference ``phi_j - phi_{j+1}``, radians.
    m : float
        Particle mass in kg (default 1: then the result is ``C/m`` in rad^2/s^2).

    Returns
    -------
    ndarray, shape (N, N)
        ``C[j, jp]`` in N/m (force on ``j`` per displacement of ``jp``), zero
        diagonal.
    """
    N = _int(N, "N", 1)
    omega0 = _float(omega0, "omega0", positive=True)
    g = _float(g, "g", nonneg=True)
    kd_next = _float(kd_next, "kd_next")
    phi_next = _float(phi_next, "phi_next")
    m = _float(m, "m", positive=True)
    j = np.arange(N)
    l = j[:, None] - j[None, :]
    dist = np.where(l == 0, 1, np.abs(l))
    cos = np.cos(chain_phase_argument(j[:, None], j[None, :], kd_next, phi_next))
    # cos(pi/2) etc. evaluate to ~6e-17: snap such round-off to exact zeros so
    # that a unidirectional pair is exactly nilpotent (eigenvalues of nearly
    # nilpotent matrices are ~sqrt(eps), see chain_growth_rate)
    cos[np.abs(cos) < 4 * np.finfo(float).eps] = 0.0
    C = 2.0 * m * omega0 * g / dist * cos
    C[l == 0] = 0.0
    return C


def chain_dynamical_matrix(coupling_over_m, omega0: float, gamma: float) -> np.ndarray:
    """First-order matrix of Eq. (96) for the state ``(z, dz/dt)``.

    Parameters
    ----------
    coupling_over_m : array_like, shape (N, N)
        ``C/m`` in rad^2/s^2.
    omega0 : float
        Renormalised trap frequency in rad/s (> 0).
    gamma : float
        Gas damping rate in 1/s (>= 0).

    Returns
    -------
    ndarray, shape (2N, 2N)
        ``[[0, 1], [-omega0^2 + C/m, -gamma]]`` (1/s); the motion grows iff an
        eigenvalue has positive real part.
    """
    B = np.asarray(coupling_over_m, dtype=float)
    if B.ndim != 2 or B.shape[0] != B.shape[1]:
        raise ValueError(f"coupling_over_m must be a square matrix; got shape {B.shape}")
    omega0 = _float(omega0, "omega0", positive=True)
    gamma = _float(gamma, "gamma", nonneg=True)
    N = B.shape[0]
    A = np.zeros((2 * N, 2 * N))
    A[:N, N:] = np.eye(N)
    A[N:, :N] = -omega0**2 * np.eye(N) + B
    A[N:, N:] = -gamma * np.eye(N)
    return A


def chain_growth_rate(coupling_over_m, omega0: float, gamma: float) -> float:
    """Largest real part of the mode frequencies of Eq. (96), in 1/s.

    Uses the eigenvalues ``mu`` of ``C/m`` and
    ``lambda = -gamma/2 +- sqrt(gamma^2/4 - omega0^2 + mu)`` (module
    docstring).  Eigenvalues of strongly non-normal matrices are sensitive to
    rounding; for chains beyond a few tens of particles treat the result as
    the value for a matrix within ``~eps ||C/m||`` of the input.

    Parameters
    ----------
    coupling_over_m : array_like, shape (N, N)
        ``C/m`` in rad^2/s^2.
    omega0 : float
        Renormalised trap frequency (rad/s, > 0).
    gamma : float
        Gas damping rate (1/s, >= 0).

    Returns
    -------
    float
        ``max Re(lambda)``; positive means some mode grows.
    """
    B = np.asarray(coupling_over_m, dtype=float)
    omega0 = _float(omega0, "omega0", positive=True)
    gamma = _float(gamma, "gamma", nonneg=True)
    mu = np.linalg.eigvals(B)
    root = np.sqrt(gamma**2 / 4 - omega0**2 + mu.astype(complex))
    return float(np.max(-gamma / 2 + np.abs(root.real)))


def critical_coupling(N: int, omega0_over_gamma: float, kd_next: float = np.pi / 4,
                      phi_next: float = np.pi / 4) -> float:
    """Smallest ``g/gamma`` for which a mode of the damped chain grows (Eqs. 96, 97).

    With ``C/m = 2 omega0 g B`` and ``beta`` an eigenvalue of ``B``, a mode
    grows iff ``2 (g/omega0) Re(beta) + 4 (g/gamma)^2 Im(beta)^2 > 1``.  For
    each ``beta`` this is a quadratic in ``x = g/gamma`` whose positive root is
    ``x = 2/(b + sqrt(b^2 + 4a))`` with ``a = 4 Im(beta)^2`` and
    ``b = 2 Re(beta) gamma/omega0``; the critical coupling is the minimum over
    ``beta``.

    Parameters
    ----------
    N : int
        Number of particles (>= 1).
    omega0_over_gamma : float
        ``omega0/gamma`` (> 0).
    kd_next, phi_next : float
        Chain geometry (radians); default ``pi/4`` as in Fig. 2(b).

    Returns
    -------
    float
        Critical ``g/gamma`` (``inf`` if no coupling strength destabilises the
        chain, e.g. for ``N <= 2`` at ``pi/4, pi/4`` where ``B`` is nilpotent).
    """
    N = _int(N, "N", 1)
    w0 = _float(omega0_over_gamma, "omega0_over_gamma", positive=True)
    B = chain_couplings(N, 1.0, 0.5, kd_next, phi_next)
    beta = np.linalg.eigvals(B)
    # A nilpotent B (N = 2 at pi/4, pi/4 is a 2x2 Jordan block) has exact
    # eigenvalues 0, but rounding splits a Jordan block of size k into
    # eigenvalues of size ~ eps^(1/k) ||B|| (1e-8 for k = 2), which would give
    # a huge but finite threshold.  Eigenvalues below that scale are zero.
    beta = np.where(np.abs(beta) < 1e-6 * max(1.0, np.linalg.norm(B, 2)), 0.0, beta)
    a = 4 * beta.imag**2
    b = 2 * beta.real / w0
    disc = b**2 + 4 * a
    with np.errstate(divide="ignore", invalid="ignore"):
        x = np.where((a > 0) | (b > 0), 2.0 / (b + np.sqrt(np.maximum(disc, 0.0))), np.inf)
    x = np.where(np.isfinite(x) & (x > 0), x, np.inf)
    return float(np.min(x))


def bulk_dispersion(kappa, omega0: float, g: float) -> np.ndarray:
    """Closed form of the conditionally convergent bulk dispersion (kd = phi = pi/4).

    Using ``sum_n e^{i theta n}/n = -ln(1 - e^{i theta})`` (Abel summation,
    valid for ``theta`` not a multiple of ``2 pi``),

    .. math:: \\omega_\\kappa^2 = \\omega_0^2 + 2 g\\omega_0\\big[\\ln(1 - e^{i\\kappa})
              + \\tfrac12 \\ln(1 + e^{-2i\\kappa})\\big].

    This is the limit of :func:`dispersion_partial_sums` with
    ``ordering="distance"``; it diverges at ``kappa = 0`` and ``+-pi/2``.

    Parameters
    ----------
    kappa : array_like
        Wave numbers (radians per lattice site).
    omega0, g : float
        Trap frequency and coupling rate (rad/s).

    Returns
    -------
    ndarray, complex
        ``omega_kappa^2`` in rad^2/s^2.
    """
    kappa = np.asarray(kappa, dtype=float)
    return omega0**2 + 2 * g * omega0 * (np.log(1 - np.exp(1j * kappa))
                                         + 0.5 * np.log(1 + np.exp(-2j * kappa)))


def dispersion_partial_sums(kappa: float, n_terms: int, omega0: float, g: float,
                            kd_next: float = np.pi / 4, phi_next: float = np.pi / 4,
                            ordering: str = "distance") -> np.ndarray:
    """Partial sums of the bulk dispersion series (our version of Eq. 99).

    ``omega^2 = omega0^2 - sum_{l != 0} (C(l)/m) exp(-i kappa l)`` with ``C(l)``
    from the corrected Eq. (97) and ``l = j - j'``, summed in one of two
    orders:

    ``"distance"``
        step ``n`` adds the pair ``l = +n, -n`` (a particle in the middle of
        a growing chain).
    ``"sign-sorted"``
        a rearrangement of the same terms: the ``1/n`` tail of the
        left-neighbour series (``l < 0``) is split by the sign of
        ``cos(kappa n)``; each step takes two terms with ``cos >= 0`` and one
        with ``cos < 0`` (Riemann's rearrangement), while the ``l > 0`` terms
        are added in distance order.  For ``kappa`` not a multiple of
        ``pi/2`` the real part converges to a different value, showing that
        the series is only conditionally convergent.

    Parameters
    ----------
    kappa : float
        Wave number (radians per site).
    n_terms : int
        Number of steps (>= 1).
    omega0, g : float
        Trap frequency and coupling rate (rad/s).
    kd_next, phi_next : float
        Chain geometry (radians).
    ordering : {"distance", "sign-sorted"}
        Order of summation.

    Returns
    -------
    ndarray, shape (n_terms,), complex
        Partial sums of ``omega_kappa^2`` (rad^2/s^2).
    """
    n_terms = _int(n_terms, "n_terms", 1)
    kappa = _float(kappa, "kappa")
    omega0 = _float(omega0, "omega0", positive=True)
    g = _float(g, "g", nonneg=True)
    if ordering not in ("distance", "sign-sorted"):
        raise ValueError(f"ordering must be 'distance' or 'sign-sorted'; got {ordering!r}")

    def term(l):
        l = np.asarray(l)
        return (2 * omega0 * g / np.abs(l) * np.cos(chain_phase_argument(l, 0, kd_next, phi_next))
                * np.exp(-1j * kappa * l))

    n = np.arange(1, n_terms + 1)
    right = term(n)                             # l = +n
    if ordering == "distance":
        left = term(-n)                         # l = -n
        return omega0**2 - np.cumsum(right + left)
    # rearranged left series: two "cos >= 0" terms, then one "cos < 0" term
    pool = np.arange(1, 4 * n_terms + 8)
    c = np.cos(kappa * pool)
    pos, neg = pool[c >= 0], pool[c < 0]
    seq, ip, ineg = [], 0, 0
    while len(seq) < n_terms:
        for _ in range(2):
            if ip < pos.size:
                seq.append(pos[ip])
                ip += 1
        if ineg < neg.size:
            seq.append(neg[ineg])
            ineg += 1
    seq = np.array(seq[:n_terms])
    left = term(-seq)
    return omega0**2 - np.cumsum(right + left)


def printed_eq99_partial_sums(kappa: float, n_terms: int, omega0: float, g: float) -> np.ndarray:
    """Partial sums of Eq. (99) exactly as printed (for comparison only).

    ``omega0^2 - 2 g omega0 sum_{j<=n} [e^{-i kappa j}/j + (-1)^j e^{2 i kappa j}/(2j)]``.
    Its limit is :func:`bulk_dispersion` at ``-kappa``: the printed formula
    is the mirror image of the corrected one.  Its partial sums pair the
    neighbour at distance ``j`` on one side with the one at ``2j`` on the
    other (yet another ordering of the terms).

    Parameters
    ----------
    kappa : float
        Wave number (radians per site).
    n_terms : int
        Number of terms (>= 1).
    omega0, g : float
        Trap frequency and coupling rate (rad/s).

    Returns
    -------
    ndarray, shape (n_terms,), complex
    """
    n_terms = _int(n_terms, "n_terms", 1)
    j = np.arange(1, n_terms + 1)
    t = np.exp(-1j * kappa * j) / j + (-1.0) ** j / (2 * j) * np.exp(2j * kappa * j)
    return omega0**2 - 2 * g * omega0 * np.cumsum(t)
