"""Chains of optically bound particles: stability, bulk dispersion and directional amplification.

Companion code to Sec. V B of the paper from Eq. (96) on.  The chain's
couplings and noise come from :mod:`optbind.linear.chain`, the drift of its
equations of motion from :func:`optbind.gaussian.drift_matrix`, and the
response from :func:`optbind.response.susceptibility`.  This module adds:

* stability: :func:`chain_growth_rate`, :func:`critical_coupling`,
  :func:`mode_roots`;
* the bulk dispersion series, Eq. (99): :func:`bulk_dispersion`,
  :func:`dispersion_partial_sums`;
* transmission and noise: :func:`corner_susceptibilities`,
  :func:`signal_to_recoil_noise`, :func:`directional_gain`;
* :func:`refine_peak` for resonances narrower than the frequency grid, and
  :func:`transmission_peak` that uses it on the end-to-end transmission;
* for the chain chapters of the book: :func:`lattice_sum` (the dispersion sum
  felt by one particle of a finite chain), :func:`truncated_couplings`,
  :func:`eigenvector_condition` and :func:`eigenmode_susceptibility`
  (non-normality), :func:`propagator_norm` (free motion in time).

Stability with gas damping
--------------------------
With ``mu`` an eigenvalue of ``C/m``, the modes of Eq. (96) have
``lambda = -gamma/2 +- sqrt(gamma^2/4 - omega0^2 + mu)`` and one of them grows
iff ``Re(mu) + Im(mu)^2/gamma^2 > omega0^2``.  For the chain,
``C/m = 2 omega0 g B`` with a fixed pattern ``B``, which yields the critical
coupling of :func:`critical_coupling` in closed form per eigenvalue of ``B``.

Bulk dispersion
---------------
Inserting ``z_j = exp(i(kappa j - omega t))`` into Eq. (96) without damping
gives, with ``l = j - j'``,

.. math::
    \\omega_\\kappa^2 = \\omega_0^2 - \\sum_{l \\ne 0} \\frac{C(l)}{m} e^{-i\\kappa l}
    = \\omega_0^2 - 2 g\\omega_0 \\sum_{n\\ge1}\\Big[\\frac{e^{+i\\kappa n}}{n}
      + \\frac{(-1)^n}{2n} e^{-2i\\kappa n}\\Big]

for ``kd_next = phi_next = pi/4``.  The printed Eq. (99) has ``kappa -> -kappa``
(erratum ``eq99-mirror``).  The series is not absolutely convergent;
:func:`dispersion_partial_sums` evaluates it under two orderings.

Units: frequencies in any common unit (the chapters use ``gamma_g``), with
``coupling_over_m`` in its square; all returned quantities are in that unit
or dimensionless.  Sign and index conventions are those of
:mod:`optbind.conventions`.
"""
from __future__ import annotations

import numpy as np

from .. import validation as _v
from ..conventions import chain_phase_argument
from ..dynamics.moments import drift_matrix
from ..dynamics.response import susceptibility
from ..linear.chain import chain_couplings
from ..numerics import eigenvalues

__all__ = [
    "chain_drift_matrix",
    "chain_growth_rate",
    "critical_coupling",
    "mode_roots",
    "bulk_dispersion",
    "dispersion_partial_sums",
    "corner_susceptibilities",
    "signal_to_recoil_noise",
    "directional_gain",
    "refine_peak",
    "lattice_sum",
    "truncated_couplings",
    "eigenvector_condition",
    "eigenmode_susceptibility",
    "transmission_peak",
    "propagator_norm",
]


def _coupling(coupling_over_m):
    return _v.square_matrix(coupling_over_m, "coupling_over_m", "frequency^2")


def _omega_grid(omega):
    w = np.atleast_1d(_v.real_array(omega, "omega", "frequency"))
    if w.ndim != 1:
        raise ValueError(f"omega must be 1-dimensional; got shape {w.shape}")
    return w


def chain_drift_matrix(coupling_over_m, omega0, gamma):
    """First-order matrix of Eq. (96) for the state ``(z, dz/dt)``.

    ``[[0, 1], [-omega0^2 + C/m, -gamma]]``: :func:`optbind.gaussian.drift_matrix`
    for unit masses with Brownian (momentum) damping; a mode grows iff an
    eigenvalue has a positive real part.

    Parameters
    ----------
    coupling_over_m : array_like, shape (N, N)
        ``C/m`` (frequency squared).
    omega0 : float
        Renormalised trap frequency (> 0).
    gamma : float
        Gas damping rate (>= 0).

    Returns
    -------
    ndarray, shape (2N, 2N)
    """
    B = _coupling(coupling_over_m)
    omega0 = _v.real_scalar(omega0, "omega0", "frequency", positive=True)
    n = B.shape[0]
    return drift_matrix(np.ones(n), np.full(n, omega0**2), B, gamma=gamma, damping="brownian")


def chain_growth_rate(coupling_over_m, omega0: float, gamma: float) -> float:
    """Largest real part of the mode frequencies of Eq. (96), in 1/s.

    The largest real part of :func:`mode_roots`.  Eigenvalues of strongly
    non-normal matrices are sensitive to rounding; for chains beyond a few
    tens of particles treat the result as the value for a matrix within
    ``~eps ||C/m||`` of the input.

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
    return float(np.max(mode_roots(coupling_over_m, omega0, gamma).real))


def critical_coupling(n_particles: int, omega0_over_gamma: float, *,
                      kd_next: float = np.pi / 4, phi_next: float = np.pi / 4) -> float:
    """Smallest ``g/gamma`` for which a mode of the damped chain grows (Eqs. 96, 97).

    With ``C/m = 2 omega0 g B`` and ``beta`` an eigenvalue of ``B``, a mode
    grows iff ``2 (g/omega0) Re(beta) + 4 (g/gamma)^2 Im(beta)^2 > 1``.  For
    each ``beta`` this is a quadratic in ``x = g/gamma`` whose positive root is
    ``x = 2/(b + sqrt(b^2 + 4a))`` with ``a = 4 Im(beta)^2`` and
    ``b = 2 Re(beta) gamma/omega0``; the critical coupling is the minimum over
    ``beta``.

    Parameters
    ----------
    n_particles : int
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

    Examples
    --------
    >>> round(critical_coupling(10, 20.0), 3)      # g_c/gamma at omega0 = 20 gamma
    0.327
    >>> critical_coupling(2, 20.0)                 # the one-way pair never grows
    inf
    """
    n = _v.integer(n_particles, "n_particles", minimum=1)
    w0 = _v.real_scalar(omega0_over_gamma, "omega0_over_gamma", "dimensionless",
                        positive=True)
    # a nilpotent B (N = 2 at pi/4, pi/4 is a 2x2 Jordan block) has exact
    # eigenvalues 0 that rounding splits; numerics.eigenvalues merges them
    beta = eigenvalues(chain_couplings(n, 1.0, 0.5, kd_next, phi_next))
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
    kappa = _v.real_array(kappa, "kappa", "rad")
    omega0 = _v.real_scalar(omega0, "omega0", "frequency", positive=True)
    g = _v.real_scalar(g, "g", "frequency", nonnegative=True)
    return omega0**2 + 2 * g * omega0 * (np.log(1 - np.exp(1j * kappa))
                                         + 0.5 * np.log(1 + np.exp(-2j * kappa)))


def dispersion_partial_sums(kappa: float, n_terms: int, omega0: float, g: float, *,
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
    n_terms = _v.integer(n_terms, "n_terms", minimum=1)
    kappa = _v.real_scalar(kappa, "kappa", "rad")
    omega0 = _v.real_scalar(omega0, "omega0", "frequency", positive=True)
    g = _v.real_scalar(g, "g", "frequency", nonnegative=True)
    kd_next = _v.real_scalar(kd_next, "kd_next", "rad")
    phi_next = _v.real_scalar(phi_next, "phi_next", "rad")
    _v.choice(ordering, "ordering", ("distance", "sign-sorted"))

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
    out = susceptibility(_omega_grid(omega), c, omega0, gamma,
                         elements=[(0, N - 1), (N - 1, 0)])
    return out[:, 0], out[:, 1]


# ----------------------------------------------------------------------------
# signal to recoil noise
# ----------------------------------------------------------------------------
def signal_to_recoil_noise(omega, coupling_over_m, diffusion, omega0: float, gamma: float,
                           *, source: int = -1, detector: int = 0,
                           ordering: str = "symmetric"):
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
        from :func:`~optbind.linear.chain.chain_diffusion_matrix`.
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
    d = _v.hermitian_psd(diffusion, "diffusion", n=N, rtol=1e-12)
    s = _v.integer(source, "source", minimum=-N, maximum=N - 1) % N
    det = _v.integer(detector, "detector", minimum=-N, maximum=N - 1) % N
    _v.choice(ordering, "ordering", ("symmetric", "normal", "antinormal"))
    noise = {"symmetric": d.real, "normal": d, "antinormal": d.T}[ordering]
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
    f, b, s = (_v.real_array(x, name, nonnegative=True) for x, name in
               ((forward, "forward"), (backward, "backward"), (single, "single")))
    if not (f.shape == b.shape == s.shape == w.shape):
        raise ValueError("omega, forward, backward and single must have equal shapes")
    i = int(np.argmax(f))
    return {
        "gain": float(f[i] / s.max()),
        "omega_peak": float(w[i]),
        "contrast_at_peak": float(f[i] / b[i]),
        "contrast_of_peaks": float(f.max() / b.max()),
    }


def refine_peak(func, omega, *, rounds: int = 4, points: int = 41, extra=None):
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
    if not callable(func):
        raise TypeError("func must be callable: func(omega_array) -> values")
    rounds = _v.integer(rounds, "rounds", minimum=0)
    points = _v.integer(points, "points", minimum=3)
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


def mode_roots(coupling_over_m, omega0: float, gamma: float):
    """Complex roots ``s`` of ``s^2 + gamma s + omega0^2 - mu = 0`` for all eigenvalues ``mu`` of ``C/m``.

    The drift of Eq. (96), :func:`chain_drift_matrix`, has blocks that commute
    with ``C/m``, so its eigenvalues are these roots.  A free motion behaves as
    ``exp(s t)``: ``Re s`` is its growth rate (the largest one is
    :func:`chain_growth_rate`) and ``-Im s`` its angular frequency
    (``s = -i omega``, :mod:`optbind.conventions`).  The eigenvalues ``mu``
    come from :func:`optbind.numerics.eigenvalues` (a defective pair, e.g. the
    one-way dimer, split by rounding into ``~sqrt(eps)``, is merged back).

    Parameters
    ----------
    coupling_over_m : array_like, shape (N, N)
        ``C/m`` (frequency squared).
    omega0, gamma : float
        Trap frequency (> 0) and damping rate (>= 0), same unit.

    Returns
    -------
    ndarray, shape (2N,), complex
        Same unit as ``gamma``.
    """
    omega0 = _v.real_scalar(omega0, "omega0", "frequency", positive=True)
    gamma = _v.real_scalar(gamma, "gamma", "frequency", nonnegative=True)
    mu = eigenvalues(_coupling(coupling_over_m))
    root = np.sqrt(gamma**2 - 4.0 * (omega0**2 - mu) + 0j)
    return np.concatenate([(-gamma + root) / 2.0, (-gamma - root) / 2.0])


# ----------------------------------------------------------------------------
# the chain chapters: lattice sums, non-normality, peaks, free motion
# ----------------------------------------------------------------------------
def lattice_sum(kappa, n_particles: int, *, site: int | None = None,
                kd_next: float = np.pi / 4, phi_next: float = np.pi / 4) -> np.ndarray:
    """Dispersion sum ``S(kappa)`` felt by one particle of a finite chain (Eq. 99').

    The couplings of particle ``j = site`` to all others (corrected Eq. 97),
    Fourier transformed in the distance ``l = j - j'``:

    .. math:: S_j(\\kappa) = \\sum_{j' \\ne j} \\frac{C_{jj'}}{2 m\\omega_0 g}\\,
              e^{-i\\kappa (j - j')} ,

    so that a Bloch wave of a long chain has ``omega^2 = omega0^2 - 2 g omega0 S``.
    For the middle particle this is the ``"distance"`` ordering of
    :func:`dispersion_partial_sums`; for a particle off the middle it adds
    more neighbours on one side than on the other.  Dimensionless.

    Parameters
    ----------
    kappa : array_like
        Bloch wave numbers (radians per site).
    n_particles : int
        Chain length (>= 1).
    site : int, optional
        0-based index of the particle (default: the middle one,
        ``n_particles // 2``).
    kd_next, phi_next : float
        Chain geometry (radians).

    Returns
    -------
    ndarray, complex, shape of ``kappa``
        ``S_j(kappa)`` (dimensionless).

    Examples
    --------
    >>> s = lattice_sum(np.pi, 2001)             # converges slowly to -3/2 ln 2
    >>> round(float(s.real), 2), round(float(-1.5 * np.log(2)), 2)
    (-1.04, -1.04)
    """
    kappa = _v.real_array(kappa, "kappa", "rad")
    n = _v.integer(n_particles, "n_particles", minimum=1)
    j = n // 2 if site is None else _v.integer(site, "site", minimum=0, maximum=n - 1)
    row = chain_couplings(n, 1.0, 0.5, kd_next, phi_next)[j]   # C / (2 m omega0 g)
    dist = j - np.arange(n)
    return np.exp(-1j * np.multiply.outer(kappa, dist)) @ row


def truncated_couplings(coupling_over_m, max_distance: int) -> np.ndarray:
    """The couplings with every entry beyond ``|j - j'| > max_distance`` set to zero.

    A model of the chain with short-range couplings only (for comparison with
    the long-range chain of Eq. 97).

    Parameters
    ----------
    coupling_over_m : array_like, shape (N, N)
        Couplings (any unit).
    max_distance : int
        Largest distance kept (>= 0).

    Returns
    -------
    ndarray, shape (N, N)
    """
    c = _coupling(coupling_over_m)
    lmax = _v.integer(max_distance, "max_distance", minimum=0)
    j = np.arange(c.shape[0])
    return np.where(np.abs(j[:, None] - j[None, :]) <= lmax, c, 0.0)


def eigenvector_condition(matrix, *, limit: float = 1e15) -> float:
    """Condition number ``kappa(V)`` of the eigenvectors (a measure of non-normality).

    ``V`` holds the unit-norm eigenvectors returned by :func:`numpy.linalg.eig`;
    ``kappa(V) = 1`` for a normal matrix.  A defective matrix (a Jordan block,
    e.g. the one-way dimer) has no eigenbasis: rounding then returns either
    ``inf`` or a number of order ``1/sqrt(eps)`` or larger; values above
    ``limit`` are reported as ``inf``.  Dimensionless.

    Parameters
    ----------
    matrix : array_like, shape (N, N)
        Real or complex square matrix.
    limit : float
        Values above it count as infinite (> 1, default ``1e15``).

    Returns
    -------
    float
        ``kappa(V)`` in the 2-norm, ``>= 1``, or ``inf``.

    Examples
    --------
    >>> eigenvector_condition([[1.0, 0.0], [0.0, 2.0]])
    1.0
    """
    m = _v.square_matrix(matrix, "matrix", real=not np.iscomplexobj(matrix))
    limit = _v.real_scalar(limit, "limit", minimum=1.0, strict_min=True, allow_inf=True)
    _, vecs = np.linalg.eig(m)
    with np.errstate(all="ignore"):
        c = float(np.linalg.cond(vecs))
    return c if np.isfinite(c) and c < limit else np.inf


def eigenmode_susceptibility(omega, coupling_over_m, omega0: float,
                             gamma: float) -> np.ndarray:
    """The susceptibility of Eq. (101') expanded in the eigenmodes of ``C/m``.

    ``chi = V diag(omega0 gamma / (i (omega0^2 - omega^2 - i gamma omega - mu))) V^-1``
    with ``C/m = V diag(mu) V^-1``.  Exact in exact arithmetic for a
    diagonalisable matrix, but it loses about ``log10 kappa(V)`` digits
    (:func:`eigenvector_condition`); it exists to show that loss next to the
    backward-stable :func:`optbind.response.susceptibility`, not to be used.

    Parameters
    ----------
    omega : array_like, shape (F,)
        Frequencies (same unit as ``omega0``).
    coupling_over_m : array_like, shape (N, N)
        ``C/m`` (frequency squared).
    omega0, gamma : float
        Trap frequency and damping rate (> 0).

    Returns
    -------
    ndarray, shape (F, N, N), complex
        Dimensionless; not finite, or ``numpy.linalg.LinAlgError`` raised,
        when the eigenvector matrix is singular.
    """
    w = _omega_grid(omega)
    c = _coupling(coupling_over_m)
    omega0 = _v.real_scalar(omega0, "omega0", "frequency", positive=True)
    gamma = _v.real_scalar(gamma, "gamma", "frequency", positive=True)
    mu, vecs = np.linalg.eig(c)
    inv_vecs = np.linalg.inv(vecs)
    shift = omega0**2 - w**2 - 1j * gamma * w                  # (F,)
    modal = omega0 * gamma / (1j * (shift[:, None] - mu[None, :]))
    return np.einsum("an,fn,nb->fab", vecs, modal, inv_vecs)


def transmission_peak(omega, coupling_over_m, omega0: float, gamma: float, *,
                      rounds: int = 5, points: int = 41) -> dict:
    """Peak of the end-to-end transmission ``|chi_1N|^2``, finer than the grid spacing.

    Near the stability threshold a mode is only weakly damped and its
    resonance is narrower than any affordable grid.  The grid ``omega`` is
    therefore augmented by 41 points within ``+-8 |Re s|`` of the frequency
    ``-Im s`` of every mode with ``Re s > -0.3 gamma`` (:func:`mode_roots`),
    and the maximum is then refined by :func:`refine_peak`.

    Parameters
    ----------
    omega : array_like, shape (F,)
        Increasing starting grid (same unit as ``omega0``).
    coupling_over_m : array_like, shape (N, N)
        ``C/m`` with ``N >= 2``.
    omega0, gamma : float
        Trap frequency and damping rate (> 0).
    rounds, points : int
        Passed to :func:`refine_peak`.

    Returns
    -------
    dict
        ``omega_peak`` (frequency of the maximum), ``forward`` (``|chi_1N|^2``
        there, direction N -> 1), ``backward`` (``|chi_N1|^2`` at the same
        frequency, direction 1 -> N); the last two dimensionless.
    """
    c = _coupling(coupling_over_m)
    gamma = _v.real_scalar(gamma, "gamma", "frequency", positive=True)
    s = mode_roots(c, omega0, gamma)
    s = s[(s.real > -0.3 * gamma) & (-s.imag > 0)]
    grid = 8 * np.linspace(-1.0, 1.0, 41)
    extra = np.concatenate([-z.imag + z.real * grid for z in s]) if s.size else None

    def forward(w):
        return np.abs(corner_susceptibilities(w, c, omega0, gamma)[0]) ** 2

    w_peak, value = refine_peak(forward, omega, rounds=rounds, points=points,
                                extra=extra)
    back = corner_susceptibilities([w_peak], c, omega0, gamma)[1][0]
    return {"omega_peak": w_peak, "forward": value,
            "backward": float(np.abs(back) ** 2)}


def propagator_norm(coupling_over_m, omega0: float, gamma: float, times) -> np.ndarray:
    """Largest amplification of a free motion, ``||exp(A t)||_2``, of Eq. (96).

    ``A`` is :func:`chain_drift_matrix`.  At long times the norm grows or decays
    as ``exp(r t)`` with ``r`` the growth rate of :func:`chain_growth_rate`;
    for a non-normal chain it can grow transiently even when ``r < 0``.
    Dimensionless.

    Parameters
    ----------
    coupling_over_m : array_like, shape (N, N)
        ``C/m`` (frequency squared).
    omega0, gamma : float
        Trap frequency (> 0) and damping rate (>= 0).
    times : array_like, shape (T,)
        Equally spaced, increasing times ``>= 0`` (inverse frequency unit).

    Returns
    -------
    ndarray, shape (T,)
        Spectral norm of the propagator at each time (1 at ``t = 0``).
    """
    import scipy.linalg as sla

    A = chain_drift_matrix(coupling_over_m, omega0, gamma)
    t = _v.times(times, "times", strictly=True, nonnegative=True)
    if t.size > 1 and not np.allclose(np.diff(t), t[1] - t[0], rtol=1e-9, atol=0):
        raise ValueError("times must be equally spaced")
    prop = sla.expm(A * t[0])
    step = sla.expm(A * (t[1] - t[0])) if t.size > 1 else None
    out = np.empty(t.size)
    for i in range(t.size):
        out[i] = np.linalg.norm(prop, 2)
        if step is not None:
            prop = step @ prop
    return out
