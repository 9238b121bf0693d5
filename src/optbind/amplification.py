"""Directional amplification and recoil noise in equidistant particle chains.

Companion code to Sec. V B of the paper from Eq. (96) on (chapter
"Chains: long-range coupling and directional amplification").  The chain
couplings (corrected Eq. 97), the susceptibility solver (Eq. 100/101) and the
stability analysis live in :mod:`optbind.chain` and :mod:`optbind.response`;
this module adds what the chapter needs on top of them:

* :func:`chain_diffusion_matrix` -- the correlated recoil-diffusion matrix of
  the chain (Eqs. 87a, 87b in the order of :mod:`optbind.conventions`, with the
  coupling rate ``g`` of Eq. 98);
* :func:`printed_eq101_susceptibility` -- the susceptibility with the sign of
  ``omega^2 - omega0^2`` as printed in Eq. (101), kept only as evidence for the
  erratum;
* :func:`corner_susceptibilities` -- the two transmission elements
  ``chi[0, N-1]`` (direction N -> 1) and ``chi[N-1, 0]`` (direction 1 -> N);
* :func:`signal_to_recoil_noise` -- the signal-to-recoil-noise ratio of a
  force signal on one particle read out at another, relative to a single
  particle;
* :func:`directional_gain` -- peak gain and direction contrast of a set of
  curves;
* :func:`refine_peak` and :func:`mode_roots` -- locating resonances that are
  narrower than the frequency grid (near the stability threshold).

Sign and index conventions are those of :mod:`optbind.conventions`.
Frequencies may be
given in any common unit (the chapter uses units of ``gamma_g``); the
functions only require that ``omega``, ``omega0``, ``gamma`` share that unit
and that ``coupling_over_m`` is in its square.
"""
from __future__ import annotations

import numbers

import numpy as np

from .conventions import HBAR

from .response import susceptibility

__all__ = [
    "onsite_diffusion_ratio",
    "chain_diffusion_matrix",
    "printed_eq101_susceptibility",
    "corner_susceptibilities",
    "signal_to_recoil_noise",
    "directional_gain",
    "refine_peak",
    "mode_roots",
]


# ----------------------------------------------------------------------------
# input checks
# ----------------------------------------------------------------------------
def _positive_int(value, name: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}")
    return int(value)


def _positive_float(value, name: str, allow_inf: bool = False) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a positive number; got {value!r}") from None
    if not (x > 0) or (np.isinf(x) and not allow_inf) or np.isnan(x):
        raise ValueError(f"{name} must be a positive{'' if allow_inf else ', finite'} number; got {value!r}")
    return x


def _finite_float(value, name: str) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a finite real number; got {value!r}") from None
    if not np.isfinite(x):
        raise ValueError(f"{name} must be a finite real number; got {value!r}")
    return x


def _omega_grid(omega) -> np.ndarray:
    w = np.atleast_1d(np.asarray(omega, dtype=float))
    if w.ndim != 1 or w.size == 0 or not np.all(np.isfinite(w)):
        raise ValueError("omega must be a non-empty 1D array of finite frequencies")
    return w


def _coupling(coupling_over_m) -> np.ndarray:
    c = np.asarray(coupling_over_m)
    if c.ndim != 2 or c.shape[0] != c.shape[1] or c.shape[0] == 0:
        raise ValueError(f"coupling_over_m must be a square (N, N) matrix; got shape {c.shape}")
    if not np.all(np.isfinite(c)):
        raise ValueError("coupling_over_m must be finite")
    return c


# ----------------------------------------------------------------------------
# recoil diffusion of the chain
# ----------------------------------------------------------------------------
def onsite_diffusion_ratio(kd_abs: float, kzR: float = np.inf) -> float:
    """Recoil diffusion of one particle, ``D_jj``, in units of ``hbar m omega0 g``.

    Dividing Eq. (87a) by the prefactor ``hbar m omega0 g`` of the pair terms
    (``g`` from Eq. 98, all particles and tweezers identical) gives

    .. math:: \\frac{D_{jj}}{\\hbar m \\omega_0 g} = \\frac{2}{15}\\,k_L d_{\\rm next}
              \\Big[5 + \\frac{2}{(1 - 1/(k_L z_R))^2}\\Big],

    which depends on the absolute distance ``k_L d_next`` (not only on it modulo
    ``2 pi``) because ``g`` falls off as ``1/d_next`` while the local recoil
    heating does not.

    Parameters
    ----------
    kd_abs : float
        ``k_L d_next`` including the ``2 pi n`` (dimensionless, > 0).
    kzR : float, optional
        ``k_L z_R`` with ``z_R`` the Rayleigh range of the tweezers
        (dimensionless, > 1).  ``inf`` (default) drops the Gouy-phase correction.

    Returns
    -------
    float
        ``D_jj / (hbar m omega0 g)`` (dimensionless).
    """
    kd_abs = _positive_float(kd_abs, "kd_abs")
    kzR = _positive_float(kzR, "kzR", allow_inf=True)
    if kzR <= 1.0:
        raise ValueError(f"kzR must exceed 1 (the tweezer wave number k_L - 1/z_R must stay positive); got {kzR!r}")
    return 2.0 / 15.0 * kd_abs * (5.0 + 2.0 / (1.0 - 1.0 / kzR) ** 2)


def chain_diffusion_matrix(
    N: int,
    omega0: float,
    g: float,
    kd_next: float,
    phi_next: float,
    n: int,
    kzR: float = np.inf,
    m: float = 1.0,
    hbar: float = HBAR,
) -> np.ndarray:
    """Correlated recoil-diffusion matrix of an equidistant chain (Eqs. 87a, 87b, 98).

    For identical particles, equal field strengths ``|E_0|``, tweezer phases
    ``phi_j = -j phi_next`` and polarisations orthogonal to the chain, the
    corrected Eq. (87b) (order of :mod:`optbind.conventions`, proportional to
    ``E_{j'}^* . E_j``) combined with Eq. (98) gives, for ``l = j - j' != 0``,

    .. math:: D_{jj'} = \\hbar m\\omega_0 g\\,\\frac{\\sin(k_L d_{\\rm next}|l|)}{|l|}\\,
              e^{-i\\varphi_{\\rm next} l},

    and the diagonal is :func:`onsite_diffusion_ratio` times ``hbar m omega0 g``.
    The result obeys ``C_jj' - C_j'j = 4 Im(D_jj')/hbar`` with the couplings of
    the corrected Eq. (97) and reduces to Eq. (93), ``D_12 = (1+i) hbar C/4``,
    for two particles with ``k d = phi = pi/4``.

    Parameters
    ----------
    N : int
        Number of particles (>= 1).
    omega0 : float
        Trap frequency ``omega_0`` (rad/s, or the chapter's unit ``gamma_g``).
    g : float
        Coupling rate of Eq. (98), same unit as ``omega0``.
    kd_next : float
        ``k_L d_next`` modulo ``2 pi`` (radians); only this enters the
        off-diagonal elements.
    phi_next : float
        Next-neighbour tweezer phase difference ``phi_j - phi_{j+1}`` (radians).
    n : int
        Number of extra wavelengths in the spacing,
        ``k_L d_next = 2 pi n + (kd_next mod 2 pi)``; sets the diagonal.
    kzR : float, optional
        ``k_L z_R`` of the tweezers (> 1); ``inf`` by default.
    m : float, optional
        Particle mass (kg); 1 by default (dimensionless use).
    hbar : float, optional
        Reduced Planck constant; SI value by default, pass 1 for
        dimensionless use.

    Returns
    -------
    ndarray, shape (N, N), complex
        Hermitian ``D`` in units of ``hbar * m * omega0 * g`` (i.e. SI,
        kg^2 m^2 s^-3, for SI inputs).
    """
    N = _positive_int(N, "N")
    omega0 = _positive_float(omega0, "omega0")
    g = _finite_float(g, "g")
    if g < 0:
        raise ValueError(f"g must be >= 0; got {g!r}")
    kd_next = _finite_float(kd_next, "kd_next")
    phi_next = _finite_float(phi_next, "phi_next")
    n = _positive_int(n, "n", minimum=0)
    m = _positive_float(m, "m")
    hbar = _positive_float(hbar, "hbar")
    kd_abs = 2.0 * np.pi * n + np.mod(kd_next, 2.0 * np.pi)
    if kd_abs <= 0:
        raise ValueError("k_L d_next = 2 pi n + (kd_next mod 2 pi) must be positive; increase n")
    j = np.arange(N)
    l = j[:, None] - j[None, :]
    dist = np.abs(l)
    with np.errstate(divide="ignore", invalid="ignore"):
        off = np.sin(kd_next * dist) / dist * np.exp(-1j * phi_next * l)
    d = np.where(l == 0, onsite_diffusion_ratio(kd_abs, kzR), off)
    return hbar * m * omega0 * g * d


# ----------------------------------------------------------------------------
# susceptibilities
# ----------------------------------------------------------------------------
def printed_eq101_susceptibility(omega, coupling_over_m, omega0: float, gamma: float, elements=None):
    """Susceptibility with ``omega^2 - omega0^2`` as *printed* in Eq. (101).

    Inverts ``(i/(omega0 gamma)) [(omega^2 - omega0^2 - i gamma omega) 1 - C/m]``
    by dense LU per frequency.  This is *not* the response of Eq. (100); it is
    provided only to show what the misprint changes.  Exactly,
    ``chi_printed(C) = conj(chi(-C))`` with ``chi`` the correct
    susceptibility, so the moduli equal those of the correct formula with the
    couplings' sign reversed.

    Parameters
    ----------
    omega : array_like, shape (F,)
        Frequencies (same unit as ``omega0``).
    coupling_over_m : array_like, shape (N, N)
        ``C/m`` (unit of frequency squared).
    omega0, gamma : float
        Trap frequency and damping rate (> 0).
    elements : sequence of (int, int), optional
        Return only these ``(row, col)`` elements.

    Returns
    -------
    ndarray
        Shape (F, N, N), or (F, K) for K requested elements; dimensionless.
    """
    w = _omega_grid(omega)
    c = _coupling(coupling_over_m)
    omega0 = _positive_float(omega0, "omega0")
    gamma = _positive_float(gamma, "gamma")
    N = c.shape[0]
    diag = w**2 - omega0**2 - 1j * gamma * w
    mats = (1j / (omega0 * gamma)) * (diag[:, None, None] * np.eye(N) - c[None, :, :])
    chi = np.linalg.inv(mats)
    if elements is None:
        return chi
    rows, cols = _elements(elements, N)
    return chi[:, rows, cols]


def _elements(elements, N: int):
    try:
        pairs = np.asarray(list(elements), dtype=int)
    except (TypeError, ValueError):
        raise ValueError("elements must be a sequence of (row, col) integer pairs") from None
    if pairs.ndim != 2 or pairs.shape[1] != 2:
        raise ValueError(f"elements must be a sequence of (row, col) pairs; got shape {pairs.shape}")
    if np.any(pairs < 0) or np.any(pairs >= N):
        raise ValueError(f"elements must lie in 0 ... {N - 1}")
    return pairs[:, 0], pairs[:, 1]


def corner_susceptibilities(omega, coupling_over_m, omega0: float, gamma: float):
    """The two end-to-end transmission elements of a chain.

    Uses :func:`optbind.response.susceptibility` (normalisation of the
    corrected Eq. 101).

    Parameters
    ----------
    omega : array_like, shape (F,)
        Frequencies (same unit as ``omega0``).
    coupling_over_m : array_like, shape (N, N)
        ``C/m`` with ``N >= 2``.
    omega0, gamma : float
        Trap frequency and damping rate.

    Returns
    -------
    chi_1N : ndarray, shape (F,), complex
        ``chi[0, N-1]``: response of particle 1 to a force on particle N
        (transmission N -> 1; the paper's "chi_1N" in the index order of Eq. 100).
    chi_N1 : ndarray, shape (F,), complex
        ``chi[N-1, 0]``: response of particle N to a force on particle 1
        (transmission 1 -> N).
    """
    c = _coupling(coupling_over_m)
    N = c.shape[0]
    if N < 2:
        raise ValueError(f"coupling_over_m must describe at least 2 particles; got N = {N}")
    out = susceptibility(_omega_grid(omega), c, omega0, gamma, elements=[(0, N - 1), (N - 1, 0)])
    return out[:, 0], out[:, 1]


# ----------------------------------------------------------------------------
# signal to recoil noise
# ----------------------------------------------------------------------------
def signal_to_recoil_noise(
    omega,
    coupling_over_m,
    diffusion,
    omega0: float,
    gamma: float,
    source: int = -1,
    detector: int = 0,
    ordering: str = "symmetric",
):
    """Signal-to-recoil-noise ratio of a chain, relative to one particle.

    A force signal with white spectrum acts on particle ``source``; the
    position of particle ``detector`` is read out.  Its recoil noise is the
    shot noise of all particles, with the correlations of ``diffusion``
    (Eq. 89: ``<xi_j'(t') xi_j(t)> = 2 D_jj' delta(t - t')``), propagated
    through ``chi``.  The noise spectrum of the detector is

    .. math:: S_{\\rm noise}(\\omega) \\propto \\sum_{b b'} \\chi_{db}(\\omega)\\,
              \\mathcal D_{bb'}\\, \\chi_{db'}(\\omega)^*

    with ``calD = Re D`` for the symmetrised spectrum (default), ``D`` or
    ``D^T`` for the two operator orderings.  The signal spectrum is
    ``|chi_ds|^2`` times the force spectrum.  For one particle both go through
    the same ``chi`` and the ratio is ``S_F / (2 D_ss)`` at every frequency;
    the returned value is the chain's ratio divided by that:

    .. math:: R(\\omega) = \\frac{|\\chi_{ds}(\\omega)|^2 D_{ss}}
              {[\\chi\\,\\mathcal D\\,\\chi^\\dagger]_{dd}} .

    All normalisation constants of ``chi`` cancel.

    Parameters
    ----------
    omega : array_like, shape (F,)
        Frequencies (same unit as ``omega0``).
    coupling_over_m : array_like, shape (N, N)
        ``C/m`` (unit of frequency squared).
    diffusion : array_like, shape (N, N)
        Hermitian diffusion matrix ``D`` (any unit; only ratios enter), e.g.
        from :func:`chain_diffusion_matrix`.
    omega0, gamma : float
        Trap frequency and damping rate.
    source, detector : int, optional
        Particle indices (0-based, negative counts from the end); defaults:
        force on the last particle, read-out of the first (direction N -> 1).
    ordering : {"symmetric", "normal", "antinormal"}
        Which noise spectrum: symmetrised (``Re D``), ``D`` or ``D^T``.

    Returns
    -------
    ndarray, shape (F,)
        ``R(omega)`` (dimensionless); ``R = 1`` means as good as one particle.
    """
    w = _omega_grid(omega)
    c = _coupling(coupling_over_m)
    N = c.shape[0]
    d = np.asarray(diffusion)
    if d.shape != (N, N):
        raise ValueError(f"diffusion must have shape {(N, N)}; got {d.shape}")
    if not np.allclose(d, d.conj().T, rtol=1e-12, atol=1e-14 * np.max(np.abs(d))):
        raise ValueError("diffusion must be Hermitian")
    for name, idx in (("source", source), ("detector", detector)):
        if isinstance(idx, bool) or not isinstance(idx, numbers.Integral) or not -N <= idx < N:
            raise ValueError(f"{name} must be an integer particle index in [-{N}, {N - 1}]; got {idx!r}")
    s = int(source) % N
    det = int(detector) % N
    if ordering == "symmetric":
        noise = d.real
    elif ordering == "normal":
        noise = d
    elif ordering == "antinormal":
        noise = d.T
    else:
        raise ValueError(f"ordering must be 'symmetric', 'normal' or 'antinormal'; got {ordering!r}")
    # row `det` of chi = column `det` of chi for the transposed couplings (M(C^T) = M(C)^T):
    # one right-hand side instead of N
    row = susceptibility(w, c.T, omega0, gamma, elements=[(b, det) for b in range(N)])  # (F, N)
    noise_psd = np.einsum("fb,bc,fc->f", row, noise, row.conj()).real
    signal = np.abs(row[:, s]) ** 2
    return signal * d[s, s].real / noise_psd


def directional_gain(omega, forward, backward, single) -> dict:
    """Peak gain and direction contrast of two transmission curves.

    Parameters
    ----------
    omega : array_like, shape (F,)
        Frequency grid.
    forward, backward : array_like, shape (F,)
        ``|chi|^2`` of the amplified (e.g. N -> 1) and the opposite direction.
    single : array_like, shape (F,)
        ``|chi_11|^2`` of one particle on the same grid.

    Returns
    -------
    dict
        ``gain`` = max(forward)/max(single); ``omega_peak`` where forward
        peaks; ``contrast_at_peak`` = forward/backward there;
        ``contrast_of_peaks`` = max(forward)/max(backward).
    """
    w = _omega_grid(omega)
    f, b, s = (np.asarray(x, dtype=float) for x in (forward, backward, single))
    if not (f.shape == b.shape == s.shape == w.shape):
        raise ValueError("omega, forward, backward and single must have equal shapes")
    i = int(np.argmax(f))
    return {
        "gain": float(f[i] / s.max()),
        "omega_peak": float(w[i]),
        "contrast_at_peak": float(f[i] / b[i]),
        "contrast_of_peaks": float(f.max() / b.max()),
    }


def refine_peak(func, omega, rounds: int = 4, points: int = 41, extra=None):
    """Locate the maximum of a sampled curve more precisely than its grid.

    Near the stability threshold the resonances become narrower than any
    affordable uniform grid.  Starting from the largest sample of
    ``func(omega)``, the interval between the neighbouring grid points is
    resampled with ``points`` frequencies, ``rounds`` times.

    Parameters
    ----------
    func : callable
        ``func(omega_array) -> values`` (real, same shape), e.g. ``|chi_1N|^2``.
    omega : array_like, shape (F,)
        Increasing starting grid, ``F >= 3``.
    rounds : int, optional
        Number of zoom steps (>= 0).
    points : int, optional
        Samples per zoom step (>= 3).
    extra : array_like, optional
        Additional frequencies merged into the starting grid, e.g. dense
        points around the frequencies of weakly damped modes
        (see :func:`mode_roots`), so that a resonance narrower than the grid
        spacing is not missed.

    Returns
    -------
    omega_peak : float
        Frequency of the largest value found.
    value : float
        ``func`` there.
    """
    w = _omega_grid(omega)
    if w.size < 3 or np.any(np.diff(w) <= 0):
        raise ValueError("omega must be increasing with at least 3 points")
    if extra is not None:
        e = _omega_grid(extra)
        w = np.unique(np.concatenate([w, e[(e >= w[0]) & (e <= w[-1])]]))
    rounds = _positive_int(rounds, "rounds", minimum=0)
    points = _positive_int(points, "points", minimum=3)
    vals = np.asarray(func(w), dtype=float)
    if vals.shape != w.shape:
        raise ValueError(f"func must return an array of shape {w.shape}; got {vals.shape}")
    i = int(np.argmax(vals))
    best_w, best_v = float(w[i]), float(vals[i])
    lo, hi = w[max(i - 1, 0)], w[min(i + 1, w.size - 1)]
    for _ in range(rounds):
        grid = np.linspace(lo, hi, points)
        v = np.asarray(func(grid), dtype=float)
        k = int(np.argmax(v))
        if v[k] > best_v:
            best_w, best_v = float(grid[k]), float(v[k])
        lo, hi = grid[max(k - 1, 0)], grid[min(k + 1, points - 1)]
    return best_w, best_v


# ----------------------------------------------------------------------------
# free motions
# ----------------------------------------------------------------------------
def _coupling_spectrum(coupling_over_m, zero_tol):
    mu = np.linalg.eigvals(_coupling(coupling_over_m))
    scale = max(np.abs(mu).max(), np.abs(np.asarray(coupling_over_m)).max(), 1e-300)
    re = np.where(np.abs(mu.real) > zero_tol * scale, mu.real, 0.0)
    im = np.where(np.abs(mu.imag) > zero_tol * scale, mu.imag, 0.0)
    return re + 1j * im


def mode_roots(coupling_over_m, omega0: float, gamma: float, zero_tol: float = 1e-6):
    """Complex roots ``s`` of ``s^2 + gamma s + omega0^2 - mu = 0`` for all eigenvalues ``mu`` of ``C/m``.

    The dynamical matrix of Eq. (96), ``[[0, 1], [-omega0^2 + C/m, -gamma]]``
    (:func:`optbind.chain.chain_dynamical_matrix`), has blocks that commute
    with ``C/m``, so its eigenvalues are these roots.  A free motion behaves as
    ``exp(s t)``: ``Re s`` is its growth rate (the largest one is
    :func:`optbind.chain.chain_growth_rate`) and ``-Im s`` its angular
    frequency (``s = -i omega``, :mod:`optbind.conventions`).  The chapter uses
    the frequencies of weakly damped modes to place extra points for
    :func:`refine_peak`.

    Parameters
    ----------
    coupling_over_m : array_like, shape (N, N)
        ``C/m`` (frequency squared).
    omega0, gamma : float
        Trap frequency and damping rate (> 0, same unit).
    zero_tol : float, optional
        Eigenvalue parts below ``zero_tol`` times the coupling scale are set
        to zero (a defective pair, e.g. the one-way dimer, is split by
        rounding into ``~sqrt(eps)``).

    Returns
    -------
    ndarray, shape (2N,), complex
        Same unit as ``gamma``.
    """
    omega0 = _positive_float(omega0, "omega0")
    gamma = _positive_float(gamma, "gamma")
    mu = _coupling_spectrum(coupling_over_m, zero_tol)
    root = np.sqrt(gamma**2 - 4.0 * (omega0**2 - mu) + 0j)
    return np.concatenate([(-gamma + root) / 2.0, (-gamma - root) / 2.0])
