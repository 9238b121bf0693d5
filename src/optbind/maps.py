"""Sweeps over distance and tweezer phase for two optically bound particles.

Helpers for the book chapters on the linearised array (Sec. V A) and on
unidirectional coupling (Sec. V B) of Rudolph et al., Phys. Rev. A 110,
063507 (2024).  Nothing here re-derives the physics: the couplings and the
diffusion matrix come from :class:`optbind.array.LinearArray` (Eqs. 84-87,
corrected Eq. 87b), the dynamics from :mod:`optbind.gaussian` (moment
equations of Eqs. 82, 88, 89) and :mod:`optbind.quantum`.  This module only
organises parameter scans, builds the deliberately modified ("what if")
models the chapters compare with, and contains a minimal stochastic
(Langevin) integrator.

Two-particle geometry (as in :mod:`optbind.unidirectional`): tweezers on the
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

from . import gaussian as ga
from .conventions import HBAR
from .model import ArrayModel, NoSteadyStateError
from .parameters import as_parameter_set
from .unidirectional import tweezer_separation, two_particle_array, unidirectional_coupling

__all__ = [
    "coupling_map",
    "unidirectionality",
    "coupling_route_deviation",
    "zero_coupling_separation",
    "heating_to_coupling_ratio",
    "pair_model",
    "VARIANTS",
    "normalized_correlation",
    "correlation_scan",
    "partial_transpose_margin",
    "negativity_map",
    "commutator_history",
    "ou_trajectories",
    "langevin_moments",
    "max_negativity_over_damping",
]

#: Model variants understood by :func:`pair_model`.
VARIANTS = ("physical", "no_coupling", "no_cross_noise", "no_im_cross_noise")


# ------------------------------------------------------------------ helpers
def _grid(name, values):
    arr = np.atleast_1d(np.asarray(values, dtype=float))
    if arr.ndim != 1 or arr.size == 0 or not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be a non-empty 1-D array of finite numbers")
    return arr


def _kd_grid(kd, p):
    kd = _grid("kd", kd)
    kmin = p.k * p.diameter
    if np.any(kd <= kmin):
        raise ValueError(f"kd must exceed k * diameter = {kmin:.3f} (particles would overlap)")
    return kd


def _nonneg(name, value):
    value = float(value)
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be finite and >= 0; got {value!r}")
    return value


# ------------------------------------------------------------ coupling maps
def coupling_map(kd, phi, params=None, theta1=0.0, theta2=0.0):
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
    phi = _grid("phi", phi)
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
    a, b = np.abs(np.asarray(C12, float)), np.abs(np.asarray(C21, float))
    with np.errstate(invalid="ignore", divide="ignore"):
        return (a - b) / (a + b)


def coupling_route_deviation(kd, phi, params=None, green="full"):
    """Closed-form Eq. (85) against finite differences of the general forces.

    For every ``kd`` the two-particle array is built, its couplings are
    computed once in closed form (:attr:`LinearArray.C`) and once as
    ``dF_j/dz_j'`` from the non-linearised binding forces of Eq. (C10b) with
    the exact tweezer field (:meth:`LinearArray.numerical_C`).

    Parameters
    ----------
    kd : array_like, shape (M,)
        Separations ``k_L d``.
    phi : float
        Relative tweezer phase (rad).
    params : ParameterSet or str, optional
        Parameter set (default ``"rieser2022"``).
    green : {"full", "far", "focal"}
        Green tensor of the numerical route (see :meth:`LinearArray.numerical_C`).

    Returns
    -------
    ndarray, shape (M,)
        ``max_jj' |C_num - C_closed| / P(d)`` (dimensionless), with ``P`` the
        coupling amplitude of Eq. (92) at that separation.  Expected to be
        ``O(1/kd)`` for ``green="full"``.
    """
    p = as_parameter_set(params)
    kd = _kd_grid(kd, p)
    phi = float(_grid("phi", phi)[0])
    if green not in ("full", "far", "focal"):
        raise ValueError(f"green must be 'full', 'far' or 'focal'; got {green!r}")
    out = np.empty(kd.size)
    for j, x in enumerate(kd):
        d = x / p.k
        arr = two_particle_array(d=d, phi=phi, params=p)
        amp = unidirectional_coupling(d=d, params=p)
        out[j] = np.max(np.abs(arr.numerical_C(green) - arr.C)) / amp
    return out


def zero_coupling_separation(k, n=0):
    """Separation ``d = (pi/2 + 2 pi n)/k`` (m) where ``C_12 = C_21 = 0`` at ``phi = 0``.

    Both cosines ``cos(kd -+ phi)`` vanish only for ``kd = pi/2 (mod pi)``
    with ``phi = 0 (mod pi)`` (or ``kd = 0 (mod pi)`` with ``phi = pi/2``, where
    also ``D_12 = 0``).  At ``kd = pi/2 + 2 pi n``, ``phi = 0`` the
    cross-diffusion is real and maximal, ``D_12 = hbar P/2``.

    Parameters
    ----------
    k : float
        Wave number in 1/m (> 0).
    n : int
        Non-negative integer.
    """
    return tweezer_separation(k, n, np.pi / 2)


def heating_to_coupling_ratio(kd, params=None):
    """Recoil heating rate over the maximal coupling rate, ``Gamma/g = 2 D_jj/(hbar P)``.

    ``Gamma = D_jj l^2/hbar^2 = D_jj/(hbar m omega)`` is the phonon heating
    rate of Eq. (87a) and ``g = P/(2 m omega)`` the coupling rate of
    Eqs. (92)/(98); their ratio does not depend on mass, frequency or power:

    ``Gamma/g = (2/15) kd (5 + 2 k^2/kappa^2)``, with ``kappa = k - 1/z_R``.

    Parameters
    ----------
    kd : array_like
        Separations ``k_L d``.
    params : ParameterSet or str, optional
        Supplies ``k`` and ``z_R``.

    Returns
    -------
    ndarray
        Dimensionless ratio.
    """
    p = as_parameter_set(params)
    kd = np.asarray(kd, dtype=float)
    if not np.all(np.isfinite(kd)) or np.any(kd <= 0):
        raise ValueError("kd must be finite and > 0")
    kappa = p.k - 1.0 / p.z_R
    return 2.0 / 15.0 * kd * (5.0 + 2.0 * p.k**2 / kappa**2)


# ------------------------------------------------------------------ models
def pair_model(kd, phi, params=None, gamma=0.0, n_th=0.0, variant="physical",
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
    """
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {VARIANTS}; got {variant!r}")
    p = as_parameter_set(params)
    kd = float(_kd_grid(kd, p)[0])
    phi = float(_grid("phi", phi)[0])
    gamma = _nonneg("gamma", gamma)
    n_th = _nonneg("n_th", n_th)
    arr = two_particle_array(d=kd / p.k, phi=phi, theta1=theta1, theta2=theta2, params=p)
    model = arr.to_model(gamma, n_th).replace(F=np.zeros(2))
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
    V = np.asarray(moments.S).real
    if V.shape != (4, 4):
        raise ValueError("moments must be single-time moments of two particles (S of shape (4, 4))")
    return float(V[0, 1] / np.sqrt(V[0, 0] * V[1, 1]))


def correlation_scan(kd, phi, params=None, gamma=0.0, n_th=0.0, variant="physical"):
    """Steady-state normalised position correlation along a line of ``kd``.

    Parameters
    ----------
    kd : array_like, shape (M,)
        Separations ``k_L d``.
    phi : float
        Relative tweezer phase (rad).
    params, gamma, n_th, variant
        As in :func:`pair_model`; ``gamma > 0`` is needed for a steady state.

    Returns
    -------
    ndarray, shape (M,)
        :func:`normalized_correlation` of the Lyapunov steady state
        (:func:`optbind.gaussian.steady_state`); NaN where there is none.
    """
    p = as_parameter_set(params)
    kd = _kd_grid(kd, p)
    if _nonneg("gamma", gamma) == 0.0:
        raise ValueError("gamma must be > 0: without damping the recoil heating has no steady state")
    out = np.full(kd.size, np.nan)
    for j, x in enumerate(kd):
        try:
            s = ga.steady_state(pair_model(x, phi, p, gamma, n_th, variant))
        except NoSteadyStateError:
            continue
        out[j] = normalized_correlation(s)
    return out


# ----------------------------------------------------------- entanglement
def partial_transpose_margin(model, moments, i=0, j=1):
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


def negativity_map(kd, phi, params=None, gamma=0.0, n_th=0.0, variant="physical"):
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
    phi = _grid("phi", phi)
    if _nonneg("gamma", gamma) == 0.0:
        raise ValueError("gamma must be > 0: without damping the recoil heating has no steady state")
    out = {key: np.full((phi.size, kd.size), np.nan) for key in ("E_N", "margin", "nu_state", "n_mean")}
    for a, ph in enumerate(phi):
        for b, x in enumerate(kd):
            model = pair_model(x, ph, p, gamma, n_th, variant)
            try:
                s = ga.steady_state(model)
            except NoSteadyStateError:
                continue
            out["E_N"][a, b] = ga.log_negativity(model, s, 0, 1)
            out["margin"][a, b], out["nu_state"][a, b] = partial_transpose_margin(model, s)
            out["n_mean"][a, b] = float(np.mean(ga.phonon_occupation(model, s)))
    return out


def max_negativity_over_damping(g, ratios, gammas):
    """Largest steady-state ``E_N`` of a reciprocal pair versus heating/coupling ratio.

    Natural units (``hbar = m = omega = 1``, :meth:`ArrayModel.dimensionless`):
    two resonant oscillators, reciprocal coupling ``C_12 = C_21 = 2 g``
    (coupling rate ``g``), uncorrelated recoil heating ``Gamma = ratio * g``
    phonons per unit time (``D_jj = Gamma/2``) and zero-temperature (cold)
    damping at rate ``gamma``.  This is the most favourable situation for
    entanglement compatible with a given ``Gamma/g``.

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
    g = float(g)
    if not np.isfinite(g) or not 0 < g < 0.5:
        raise ValueError(f"g must be in (0, 0.5) (units of the trap frequency); got {g!r}")
    ratios = _grid("ratios", ratios)
    gammas = _grid("gammas", gammas)
    if np.any(ratios < 0):
        raise ValueError("ratios must be >= 0")
    if np.any(gammas <= 0):
        raise ValueError("gammas must be > 0")
    C = np.array([[0.0, 2 * g], [2 * g, 0.0]])
    out = np.zeros(ratios.size)
    for a, r in enumerate(ratios):
        D = np.eye(2, dtype=complex) * r * g / 2
        for gm in gammas:
            model = ArrayModel.dimensionless(omega_eff=1.0, C=C, D=D, gamma=gm, n_th=0.0)
            try:
                s = ga.steady_state(model)
            except NoSteadyStateError:
                continue
            out[a] = max(out[a], ga.log_negativity(model, s, 0, 1))
    return out


# --------------------------------------------------------------- dynamics
def commutator_history(model, times, source="langevin"):
    """Equal-time commutators ``[z_j, p_j'](t)/(i hbar)`` from the Gaussian engine.

    Starts from the vacuum-like uncorrelated state of
    :func:`optbind.gaussian.thermal_moments` and evolves the non-symmetrised
    second moments exactly (:func:`optbind.gaussian.evolve`).

    Parameters
    ----------
    model : ArrayModel
        Array (consistent or not, see :meth:`ArrayModel.is_consistent`).
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
        raise ValueError("model must be an optbind.model.ArrayModel")
    times = _grid("times", times)
    if np.any(times < 0):
        raise ValueError("times must be >= 0 (s)")
    init = ga.thermal_moments(model, 0.0)
    ev = ga.evolve(model, init, times, source=source)
    comm = ev.commutator
    N = model.N
    zp = comm[:, :N, N:] / (1j * HBAR)
    s = ga.moment_equations(model).scale
    pp = comm[:, N:, N:] / np.outer(s[N:], s[N:]) / 1j
    return {"zp": zp, "pp": pp}


def ou_trajectories(model, n_traj, n_steps, dt, seed=None, burn_steps=0, x0=None):
    """Sample the linear Langevin equations (88)-(89) with an exact OU update.

    A minimal stand-alone integrator, kept as a fallback and cross-check of
    :func:`optbind.langevin.simulate` (the package's general engine).  Each step applies the exact
    propagator of :func:`optbind.gaussian.ou_propagator`:
    ``x -> Phi x + c + L w`` with ``L L^T = Re Sigma`` and ``w`` standard
    normal.  Only the symmetrised noise ``Re Q`` enters, so the samples
    reproduce the symmetrised covariance ``V = Re S`` (classical stochastic
    unravelling of the Gaussian dynamics); there is no time-step error.

    Parameters
    ----------
    model : ArrayModel
        Array in SI units.
    n_traj : int
        Number of independent trajectories (>= 1).
    n_steps : int
        Number of recorded steps per trajectory (>= 1).
    dt : float
        Step in s (> 0).
    seed : int or None
        Seed of :func:`numpy.random.default_rng`.
    burn_steps : int
        Steps discarded before recording (>= 0).
    x0 : array_like, shape (2N,), optional
        Initial point (SI); default zero.

    Returns
    -------
    ndarray, shape (n_traj, n_steps, 2N)
        Samples of ``(z_1..z_N, p_1..p_N)`` in SI units.
    """
    if not isinstance(model, ArrayModel):
        raise ValueError("model must be an optbind.model.ArrayModel")
    for name, v, lo in (("n_traj", n_traj, 1), ("n_steps", n_steps, 1), ("burn_steps", burn_steps, 0)):
        if not isinstance(v, (int, np.integer)) or v < lo:
            raise ValueError(f"{name} must be an integer >= {lo}; got {v!r}")
    dt = float(dt)
    if not np.isfinite(dt) or dt <= 0:
        raise ValueError(f"dt must be a finite time step > 0 (s); got {dt!r}")
    eqs = ga.moment_equations(model)
    A, Q, b = eqs.scaled()
    Phi, c, Sig = ga.ou_propagator(A, Q.real, b, dt)
    Sig = 0.5 * (Sig.real + Sig.real.T)
    w_, U = np.linalg.eigh(Sig)
    L = U * np.sqrt(np.clip(w_, 0.0, None))
    n = A.shape[0]
    rng = np.random.default_rng(seed)
    x = np.zeros((n_traj, n)) if x0 is None else np.tile(np.asarray(x0, float) / eqs.scale, (n_traj, 1))
    for _ in range(burn_steps):
        x = x @ Phi.T + c + rng.standard_normal((n_traj, n)) @ L.T
    out = np.empty((n_traj, n_steps, n))
    for t in range(n_steps):
        x = x @ Phi.T + c + rng.standard_normal((n_traj, n)) @ L.T
        out[:, t] = x
    return out * eqs.scale


def langevin_moments(model, n_traj, n_steps, dt, seed=None, burn_steps=0):
    """Steady-state symmetrised covariance from stochastic trajectories, with error bars.

    The trajectories come from the package's Langevin engine,
    :func:`optbind.langevin.simulate` (exact Ornstein-Uhlenbeck steps, with the
    Lindblad gas damping used by :mod:`optbind.gaussian` and
    :mod:`optbind.quantum`), or from :func:`ou_trajectories` if that engine is
    not installed.  Every trajectory gives a time-averaged covariance; the
    estimate is the mean over trajectories and the error bar the standard
    error of that mean (trajectories are independent, so this accounts for
    the time correlations within each trajectory).

    Parameters
    ----------
    model : ArrayModel
        Array in SI units (stable).
    n_traj, n_steps : int
        Trajectories (>= 2 for an error bar) and recorded steps per trajectory.
    dt : float
        Step in s.
    seed : int or None
        Seed of :func:`numpy.random.default_rng`.
    burn_steps : int
        Steps discarded before recording (relaxation from the origin).

    Returns
    -------
    V, err : ndarray, shape (2N, 2N)
        Covariance estimate and its standard error (SI).
    """
    for name, v, lo in (("n_traj", n_traj, 1), ("n_steps", n_steps, 1), ("burn_steps", burn_steps, 0)):
        if not isinstance(v, (int, np.integer)) or v < lo:
            raise ValueError(f"{name} must be an integer >= {lo}; got {v!r}")
    dt = float(dt)
    if not np.isfinite(dt) or dt <= 0:
        raise ValueError(f"dt must be a finite time step > 0 (s); got {dt!r}")
    try:
        from .langevin import simulate
    except ImportError:  # pragma: no cover - engine absent
        x = ou_trajectories(model, n_traj, n_steps, dt, seed, burn_steps)
    else:
        times = np.arange(burn_steps + n_steps + 1) * dt
        traj = simulate(model, times, n_traj, np.random.default_rng(seed), damping="lindblad")
        x = np.swapaxes(traj[burn_steps + 1:], 0, 1)
    xc = x - x.mean(axis=(0, 1))
    per = np.einsum("tsa,tsb->tab", xc, xc) / n_steps
    V = per.mean(axis=0)
    err = per.std(axis=0, ddof=1) / np.sqrt(n_traj) if n_traj > 1 else np.full_like(V, np.nan)
    return V, err
