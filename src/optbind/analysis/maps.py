"""Sweeps over distance and tweezer phase for two optically bound particles.

Helpers for the book chapters on the linearised array (Sec. V A) and on
unidirectional coupling (Sec. V B) of Rudolph et al., Phys. Rev. A 110,
063507 (2024).  Nothing here re-derives the physics: the couplings and the
diffusion matrix come from :class:`optbind.array.LinearArray` (Eqs. 84-87,
corrected Eq. 87b), the dynamics from :mod:`optbind.gaussian` (moment
equations of Eqs. 82, 88, 89).  This module only organises parameter
scans and builds the deliberately modified ("what if") models the chapters
compare with.

Two-particle geometry (as in :mod:`optbind.linear.pair`): tweezers on the
``e_x`` axis at distance ``d``, relative phase ``phi = phi_1 - phi_2``,
polarisations ``(sin Theta_j, cos Theta_j, 0)``.  With
``P(d) = eps0 chi^2 V^2 k^2 kappa^2 |E_0|^2 cos Theta_1 cos Theta_2/(8 pi d)``
(Eq. 92 with ``kappa = k - 1/z_R``) the closed forms are

* ``C_12 = P cos(kd - phi)``, ``C_21 = P cos(kd + phi)`` (Eq. 85),
* ``D_12 = (hbar P/2) sin(kd) e^{i phi}`` (corrected Eq. 87b),

so that ``C_12 - C_21 = 2 P sin(kd) sin(phi) = 4 Im(D_12)/hbar``.

Units are SI unless a function says otherwise.
"""
from __future__ import annotations

import numpy as np
from scipy.optimize import brentq

from .. import validation as _v
from ..conventions import HBAR
from ..dynamics import moments as ga
from ..linear.model import ArrayModel, NoSteadyStateError
from ..linear.pair import tweezer_separation, two_particle_array, unidirectional_coupling
from ..parameters import as_parameter_set

__all__ = [
    "coupling_map",
    "unidirectionality",
    "coupling_route_deviation",
    "zero_coupling_separation",
    "pair_model",
    "VARIANTS",
    "normalized_correlation",
    "correlation_scan",
    "partial_transpose_margin",
    "negativity_map",
    "commutator_history",
    "max_negativity_over_damping",
    "benchmark_entanglement_threshold",
]

#: Model variants understood by :func:`pair_model`.
VARIANTS = ("physical", "no_coupling", "no_cross_noise", "no_im_cross_noise")


# ------------------------------------------------------------------ helpers
def _grid(name, values, unit=""):
    arr = np.atleast_1d(_v.real_array(values, name, unit))
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D grid; got shape {arr.shape}")
    return arr


def _kd_grid(kd, p):
    kd = _grid("kd", kd, "dimensionless")
    kmin = p.k * p.diameter
    if np.any(kd <= kmin):
        raise ValueError(f"kd must exceed k * diameter = {kmin:.3f} (particles would overlap)")
    return kd


def _nonneg(name, value, unit=""):
    return _v.real_scalar(value, name, unit, nonnegative=True)


# ------------------------------------------------------------ coupling maps
def coupling_map(kd, phi, *, params=None, theta1=0.0, theta2=0.0):
    """Closed-form couplings ``C_12`` and ``C_21`` (Eq. 85) on a grid.

    Parameters
    ----------
    kd : array_like, shape (M,)
        Dimensionless tweezer separations ``k_L d`` (> ``k_L`` times the diameter).
    phi : array_like, shape (L,)
        Relative tweezer phases ``phi_1 - phi_2`` in rad.
    params : ParameterSet or str, optional
        Parameter set (default ``"rieser2022"``).
    theta1, theta2 : float
        Polarisation angles ``Theta_j`` (rad); ``0`` is orthogonal to the
        connecting axis.

    Returns
    -------
    C12, C21 : ndarray, shape (L, M)
        In N/m.  ``C12[l, m]`` is the force on particle 1 per displacement
        of particle 2 at ``phi[l]``, ``kd[m]``.
    """
    p = as_parameter_set(params)
    kd = _kd_grid(kd, p)
    phi = _grid("phi", phi, "rad")
    c12 = np.empty((phi.size, kd.size))
    c21 = np.empty_like(c12)
    for i, ph in enumerate(phi):
        for j, x in enumerate(kd):
            C = two_particle_array(d=x / p.k, phi=ph, theta1=theta1, theta2=theta2, params=p).C
            c12[i, j], c21[i, j] = C[0, 1], C[1, 0]
    return c12, c21


def unidirectionality(C12, C21):
    """``U = (|C_12| - |C_21|)/(|C_12| + |C_21|)``, dimensionless, in [-1, 1].

    ``U = +1``: only particle 2 drives particle 1; ``U = -1``: only 1 drives 2;
    ``U = 0``: equal magnitudes (reciprocal, or antireciprocal ``C_12 = -C_21``).
    It is a monotonic function of the ratio, ``U = (1 - |r|)/(1 + |r|)`` with
    ``r = C_21/C_12``.  NaN where both couplings vanish.
    """
    a = np.abs(_v.real_array(C12, "C12", "N/m"))
    b = np.abs(_v.real_array(C21, "C21", "N/m"))
    a, b = _v.broadcast(C12=a, C21=b)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (a - b) / (a + b)


def coupling_route_deviation(kd, phi, *, params=None, green="full"):
    """Closed-form Eq. (85) against finite differences of the general forces.

    For every ``kd`` the two-particle array is built, its couplings are
    computed once in closed form (:attr:`~optbind.linear.array.LinearArray.C`) and once as
    ``dF_j/dz_j'`` from the non-linearised binding forces of Eq. (C10b) with
    the exact tweezer field (:meth:`~optbind.linear.array.LinearArray.numerical_C`).

    Parameters
    ----------
    kd : array_like, shape (M,)
        Separations ``k_L d``.
    phi : float
        Relative tweezer phase (rad).
    params : ParameterSet or str, optional
        Parameter set (default ``"rieser2022"``).
    green : {"full", "far", "focal"}
        Green tensor of the numerical route (see :meth:`~optbind.linear.array.LinearArray.numerical_C`).

    Returns
    -------
    ndarray, shape (M,)
        ``max_jj' |C_num - C_closed| / P(d)`` (dimensionless), with ``P`` the
        coupling amplitude of Eq. (92) at that separation.  Expected to be
        ``O(1/kd)`` for ``green="full"``.
    """
    p = as_parameter_set(params)
    kd = _kd_grid(kd, p)
    phi = _v.real_scalar(phi, "phi", "rad")
    _v.choice(green, "green", ("full", "far", "focal"))
    out = np.empty(kd.size)
    for j, x in enumerate(kd):
        d = x / p.k
        arr = two_particle_array(d=d, phi=phi, params=p)
        amp = unidirectional_coupling(d=d, params=p)
        out[j] = np.max(np.abs(arr.numerical_C(green=green) - arr.C)) / amp
    return out


def zero_coupling_separation(k, n=0):
    """Separation ``d = (pi/2 + 2 pi n)/k`` (m) where ``C_12 = C_21 = 0`` at ``phi = 0``.

    Both cosines ``cos(kd -+ phi)`` vanish only for ``kd = pi/2 (mod pi)``
    with ``phi = 0 (mod pi)`` (or ``kd = 0 (mod pi)`` with ``phi = pi/2``, where
    also ``D_12 = 0``).  At ``kd = pi/2 + 2 pi n``, ``phi = 0`` the
    cross-diffusion is real and maximal, ``D_12 = hbar P/2``.  ``k`` (1/m) and
    ``n`` as in :func:`optbind.linear.pair.tweezer_separation`.
    """
    return tweezer_separation(k, n, np.pi / 2)


# ------------------------------------------------------------------ models
def pair_model(kd, phi, *, params=None, gamma=0.0, n_th=0.0, variant="physical",
               theta1=0.0, theta2=0.0):
    """Two-particle :class:`~optbind.model.ArrayModel` at ``(kd, phi)``, with variants.

    The constant forces ``F_j`` (Eq. 86) are set to zero: they only shift the
    equilibrium positions (as noted below Eq. 96) and would otherwise dominate
    occupations computed from raw second moments.

    Parameters
    ----------
    kd : float
        Separation ``k_L d``.
    phi : float
        Relative tweezer phase (rad).
    params : ParameterSet or str, optional
        Parameter set (default ``"rieser2022"``).
    gamma : float
        Gas (or cold-damping) rate in 1/s, >= 0 (Lindblad damping of
        :mod:`optbind.gaussian`).
    n_th : float
        Bath occupation, >= 0.
    variant : str
        ``"physical"``: Eqs. (83)-(87) as they are.
        ``"no_coupling"``: ``C = K = 0`` and ``Im D_12 = 0`` set by hand; the
        correlated recoil ``Re D_12`` is kept (a consistent model).
        ``"no_cross_noise"``: ``D_12 = 0``; inconsistent with the
        nonreciprocal part of ``C`` (unphysical unless ``C_12 = C_21``).
        ``"no_im_cross_noise"``: ``Im D_12 = 0`` only; inconsistent likewise.
    theta1, theta2 : float
        Polarisation angles (rad).

    Returns
    -------
    ArrayModel

    Examples
    --------
    >>> import numpy as np
    >>> m = pair_model(np.pi / 4 + 10 * np.pi, np.pi / 4, gamma=1e3)
    >>> bool(abs(m.C[1, 0]) < 1e-12 * abs(m.C[0, 1]))   # particle 2 drives 1 only
    True
    """
    _v.choice(variant, "variant", VARIANTS)
    p = as_parameter_set(params)
    kd = _v.real_scalar(kd, "kd", "dimensionless")
    _kd_grid(kd, p)
    phi = _v.real_scalar(phi, "phi", "rad")
    arr = two_particle_array(d=kd / p.k, phi=phi, theta1=theta1, theta2=theta2, params=p)
    model = arr.to_model(gamma=gamma, n_th=n_th).replace(F=np.zeros(2))
    D = model.D.copy()
    off = ~np.eye(2, dtype=bool)
    if variant == "no_coupling":
        D[off] = D[off].real
        return model.replace(C=np.zeros((2, 2)), K=np.zeros(2), D=D)
    if variant == "no_cross_noise":
        D[off] = 0.0
        return model.replace(D=D)
    if variant == "no_im_cross_noise":
        D[off] = D[off].real
        return model.replace(D=D)
    return model


def normalized_correlation(moments):
    """``<z_1 z_2>/sqrt(<z_1^2><z_2^2>)`` of the fluctuations (symmetrised), dimensionless.

    Parameters
    ----------
    moments : optbind.gaussian.GaussianMoments
        Single-time moments of a two-particle array.
    """
    if not isinstance(moments, ga.GaussianMoments):
        raise TypeError(f"moments must be GaussianMoments; got {type(moments).__name__}")
    V = np.asarray(moments.S).real
    if V.shape != (4, 4):
        raise ValueError("moments must be single-time moments of two particles (S of shape (4, 4))")
    return float(V[0, 1] / np.sqrt(V[0, 0] * V[1, 1]))


def correlation_scan(kd, phi, *, params=None, gamma=0.0, n_th=0.0, variant="physical"):
    """Steady-state normalised position correlation along a line of ``kd``.

    Parameters
    ----------
    kd : array_like, shape (M,)
        Separations ``k_L d``.
    phi, params, gamma, n_th, variant
        As in :func:`pair_model`; ``gamma > 0`` is needed for a steady state.

    Returns
    -------
    ndarray, shape (M,)
        :func:`normalized_correlation` of the Lyapunov steady state
        (:func:`optbind.gaussian.steady_state`); NaN where there is none.
    """
    p = as_parameter_set(params)
    kd = _kd_grid(kd, p)
    gamma = _v.real_scalar(gamma, "gamma", "1/s (> 0: without damping the recoil heating "
                           "has no steady state)", positive=True)
    out = np.full(kd.size, np.nan)
    for j, x in enumerate(kd):
        try:
            s = ga.steady_state(pair_model(x, phi, params=p, gamma=gamma, n_th=n_th,
                                           variant=variant))
        except NoSteadyStateError:
            continue
        out[j] = normalized_correlation(s)
    return out


# ----------------------------------------------------------- entanglement
def partial_transpose_margin(model, moments, *, i=0, j=1):
    """``ln(2 nu_-)`` of the partially transposed two-mode covariance, and ``nu`` of the state.

    ``nu_-`` is the smallest symplectic eigenvalue of the partial transpose
    (vacuum = 1/2).  The logarithmic negativity is
    ``E_N = max(0, -ln(2 nu_-))`` (as :func:`optbind.gaussian.log_negativity`),
    so a positive margin says by how much the state misses entanglement.
    The smallest symplectic eigenvalue ``nu_state`` of the covariance itself must
    be >= 1/2 for a physical state (uncertainty principle).

    Returns
    -------
    margin : float
        ``ln(2 nu_-)`` (dimensionless); negative means entangled.
    nu_state : float
        Smallest symplectic eigenvalue of the (unpartially-transposed) covariance.
    """
    nu, nu_pt = ga.pair_symplectic_eigenvalues(model, moments, i, j)
    return float(np.log(2 * nu_pt)), nu


def negativity_map(kd, phi, *, params=None, gamma=0.0, n_th=0.0, variant="physical"):
    """Steady-state entanglement of the two particles over ``(phi, kd)``.

    Parameters
    ----------
    kd : array_like, shape (M,)
        Separations ``k_L d``.
    phi : array_like, shape (L,)
        Relative tweezer phases (rad).
    params, gamma, n_th, variant
        As in :func:`pair_model` (``gamma > 0``).

    Returns
    -------
    dict of ndarray, shape (L, M)
        ``"E_N"`` (:func:`optbind.gaussian.log_negativity`, nats),
        ``"margin"`` and ``"nu_state"`` (:func:`partial_transpose_margin`),
        ``"n_mean"`` (mean phonon number of the fluctuations).  NaN where the
        drift is unstable.
    """
    p = as_parameter_set(params)
    kd = _kd_grid(kd, p)
    phi = _grid("phi", phi, "rad")
    gamma = _v.real_scalar(gamma, "gamma", "1/s (> 0: without damping the recoil heating "
                           "has no steady state)", positive=True)
    out = {key: np.full((phi.size, kd.size), np.nan) for key in ("E_N", "margin", "nu_state", "n_mean")}
    for a, ph in enumerate(phi):
        for b, x in enumerate(kd):
            model = pair_model(x, ph, params=p, gamma=gamma, n_th=n_th, variant=variant)
            try:
                s = ga.steady_state(model)
            except NoSteadyStateError:
                continue
            out["E_N"][a, b] = ga.log_negativity(model, s, 0, 1)
            out["margin"][a, b], out["nu_state"][a, b] = partial_transpose_margin(model, s)
            out["n_mean"][a, b] = float(np.mean(ga.phonon_occupation(model, s)))
    return out


def _benchmark_g(g):
    return _v.real_scalar(g, "g", "units of the trap frequency", minimum=0.0, maximum=0.5,
                          strict_min=True, strict_max=True)


def _benchmark_gammas(gammas):
    return np.atleast_1d(_v.real_array(gammas, "gammas", "units of the trap frequency",
                                       positive=True))


def _benchmark_pair(g, ratio, gamma):
    """The benchmark pair of :func:`max_negativity_over_damping` (natural units)."""
    C = np.array([[0.0, 2 * g], [2 * g, 0.0]])
    D = np.eye(2, dtype=complex) * ratio * g
    return ArrayModel.dimensionless(omega_eff=1.0, C=C, D=D, gamma=gamma, n_th=0.0)


def max_negativity_over_damping(g, ratios, gammas):
    """Largest steady-state ``E_N`` of a reciprocal pair versus heating/coupling ratio.

    Natural units (``hbar = m = omega = 1``, :meth:`~optbind.linear.model.ArrayModel.dimensionless`):
    two resonant oscillators, reciprocal coupling ``C_12 = C_21 = 2 g``
    (coupling rate ``g``), uncorrelated recoil heating ``Gamma = ratio * g``
    phonons per unit time (``D_jj = Gamma``: ``dn/dt = D_jj`` in these units) and
    zero-temperature (cold) damping at rate ``gamma``.  This is the most
    favourable situation for entanglement compatible with a given ``Gamma/g``.
    :func:`benchmark_entanglement_threshold` locates the ratio at which the
    result drops to zero for a given ``gamma``.

    Parameters
    ----------
    g : float
        Coupling rate in units of the trap frequency (0 < g < 0.5).
    ratios : array_like, shape (R,)
        Heating-to-coupling ratios ``Gamma/g`` (>= 0).
    gammas : array_like, shape (G,)
        Damping rates (units of the trap frequency, > 0) to optimise over.

    Returns
    -------
    ndarray, shape (R,)
        ``max_gamma E_N`` (nats).
    """
    g = _benchmark_g(g)
    ratios = np.atleast_1d(_v.real_array(ratios, "ratios", "dimensionless",
                                         nonnegative=True))
    gammas = _benchmark_gammas(gammas)
    out = np.zeros(ratios.size)
    for a, r in enumerate(ratios):
        for gm in gammas:
            model = _benchmark_pair(g, r, gm)
            try:
                s = ga.steady_state(model)
            except NoSteadyStateError:
                continue
            out[a] = max(out[a], ga.log_negativity(model, s, 0, 1))
    return out


def benchmark_entanglement_threshold(g, gammas, *, xtol=1e-12):
    """Heating/coupling ratio ``Gamma/g`` above which the benchmark pair is separable.

    The pair is that of :func:`max_negativity_over_damping` (natural units,
    reciprocal coupling rate ``g``, heating ``D_jj = Gamma``, cold damping at
    rate ``gamma``).  For each ``gamma`` the threshold is the root in
    ``Gamma/g`` of the steady-state margin ``ln(2 nu_-)`` of
    :func:`partial_transpose_margin`, found with :func:`scipy.optimize.brentq`.
    The root is unique: the covariance is affine in ``Gamma`` with a positive
    semidefinite slope (a Lyapunov solution), the partial transpose keeps that
    slope positive semidefinite, and symplectic eigenvalues grow with the
    covariance, so the margin is non-decreasing in ``Gamma`` and ``E_N > 0``
    exactly below the threshold.

    In the overdamped limit ``gamma >> omega`` the steady state approaches the
    vacuum and, to first order in ``1/gamma``, the margin is
    ``2 g (Gamma/g - 1)/gamma``: the threshold tends to ``Gamma = g``, i.e.
    ``D_jj = hbar C/2`` in SI units (the same value as the bound that the real
    diffusion matrix of the cascaded form, Eq. (94), sets for a unidirectional
    pair with coupling ``C``).

    Parameters
    ----------
    g : float
        Coupling rate in units of the trap frequency (0 < g < 0.5).
    gammas : array_like, shape (G,)
        Cold-damping rates (units of the trap frequency, > 0).
    xtol : float, optional
        Absolute tolerance of the root in ``Gamma/g`` (> 0).

    Returns
    -------
    ndarray, shape (G,)
        Threshold ``Gamma/g`` (dimensionless) for each damping rate; 0 where the
        pair is not entangled even without heating.

    Examples
    --------
    >>> r = benchmark_entanglement_threshold(0.05, [1.0, 1e4])
    >>> bool(r[0] < r[1] < 1.0)
    True
    """
    g = _benchmark_g(g)
    gammas = _benchmark_gammas(gammas)
    xtol = _v.real_scalar(xtol, "xtol", "dimensionless", positive=True)

    def margin(ratio, gm):
        model = _benchmark_pair(g, ratio, gm)
        return partial_transpose_margin(model, ga.steady_state(model))[0]

    out = np.zeros(gammas.size)
    for a, gm in enumerate(gammas):
        if margin(0.0, gm) >= 0.0:
            continue
        hi = 1.0
        while margin(hi, gm) <= 0.0:
            hi *= 2.0
            if hi > 1e6:
                raise RuntimeError(f"no threshold below Gamma/g = 1e6 at gamma = {gm}")
        out[a] = brentq(margin, 0.0, hi, args=(gm,), xtol=xtol)
    return out


# --------------------------------------------------------------- dynamics
def commutator_history(model, times, *, source="langevin"):
    """Equal-time commutators ``[z_j, p_j'](t)/(i hbar)`` from the Gaussian engine.

    Starts from the vacuum-like uncorrelated state of
    :func:`optbind.gaussian.thermal_moments` and evolves the non-symmetrised
    second moments exactly (:func:`optbind.gaussian.evolve`).

    Parameters
    ----------
    model : ArrayModel
        Array (consistent or not, see :meth:`~optbind.linear.model.ArrayModel.is_consistent`).
    times : array_like, shape (T,)
        Times in s (>= 0).
    source : {"langevin", "master"}
        Drift taken from Eq. (88b) or from the master equation.

    Returns
    -------
    dict
        ``"zp"``: shape (T, N, N), ``[z_j, p_j']/(i hbar)`` (the identity
        for canonical operators); ``"pp"``: shape (T, N, N), the momentum
        commutators in the dimensionless quadratures, ``[Y_j, Y_j']/i`` with
        ``Y = p l/hbar`` (zero for canonical operators).
    """
    if not isinstance(model, ArrayModel):
        raise TypeError("model must be an optbind.model.ArrayModel")
    times = _v.times(times, "times", nonnegative=True)
    init = ga.thermal_moments(model)
    ev = ga.evolve(model, init, times, source=source)
    comm = ev.commutator
    N = model.n_particles
    zp = comm[:, :N, N:] / (1j * HBAR)
    s = ga.moment_equations(model).scale
    pp = comm[:, N:, N:] / np.outer(s[N:], s[N:]) / 1j
    return {"zp": zp, "pp": pp}
