"""Limit cycles of a nonreciprocally bound pair: averaging theory, Floquet, phase noise.

Beyond the paper.  Above the Hopf threshold of :mod:`.pt_symmetry` the
linearly amplified mode of a detuned pair grows until the nonlinearity of the
forces -- the phase ``kappa (z_1 - z_2)`` of the binding field (Eq. C10b with
the full Green tensor) and the Gaussian-beam trap of Eqs. (77)-(78) --
saturates it on a limit cycle.  This module gives three independent routes to
that cycle and its noise, all built on the *exact* axial forces of
:class:`optbind.dynamics.nonlinear.TweezerArrayDynamics`:

First-harmonic (averaging) theory
---------------------------------
With ``m_j z_j'' = F_j(z) - m_j gamma z_j' + xi_j`` and the ansatz
``z_j = Re[a_j e^{i w t}]``, ``z_j' = Re[i w a_j e^{i w t}]`` (slowly varying
complex amplitudes ``a_j``, reference frequency ``w``), variation of constants
gives exactly ``a_j' = -(i/w) e^{-i w t} g_j`` with
``g_j = F_j/m_j + w^2 z_j - gamma z_j' + xi_j/m_j``.  Averaging over one period
at fixed ``a`` (Krylov-Bogoliubov, first order in the slow rates over ``w``):

.. math:: \\dot a_j = -\\frac{i}{2w}\\Big[\\frac{\\hat F_j(a)}{m_j}
          + (w^2 - i w\\gamma) a_j\\Big] + \\eta_j(t),\\qquad
          \\hat F_j(a) = \\frac{1}{\\pi}\\int_0^{2\\pi} d\\theta\\,
          F_j\\big(\\mathrm{Re}[a e^{i\\theta}]\\big) e^{-i\\theta},

the describing function ``hat F`` of the exact force computed by quadrature
over the phase (:func:`first_harmonic_forces`; ``n_phase`` nodes integrate
harmonics below ``n_phase - 1`` exactly).  A limit cycle is a fixed point of
this slow flow in the frame rotating at its own frequency: harmonic balance
``hat F_j(a)/m_j + (w^2 - i w gamma) a_j = 0`` for ``a_1 > 0`` real, ``a_2``
complex and ``w`` (:func:`averaged_limit_cycle`).  The flow is invariant under
``a -> a e^{i phi}``, so its Jacobian at the cycle has one zero eigenvalue; the
others ``lambda_k`` predict the Floquet multipliers ``exp(lambda_k T)``.

Phase diffusion
---------------
The noise ``xi_j`` (gas ``2 m_j gamma k_B T`` and recoil ``2 Re D``, the
engine's momentum noise) enters the slow flow as complex white noise with
``<eta_j eta_k^*> = 2 Q_jk delta(t)/(w^2 m_j m_k)``, ``<eta eta> ~ 0``
(rotating terms averaged), ``Q = m gamma k_B T 1 + Re D``.  In the real
coordinates ``X = (Re a_1, Im a_1, Re a_2, Im a_2)`` the noise has covariance
rate ``B = Q/(w^2 m m) (x) 1_2``.  The phase is the coordinate along the
rotation ``v = dX/dphi``; the left null vector ``u`` of the Jacobian
(``u . v = 1``) projects the noise on it (this includes the amplitude-phase
coupling of a nonisochronous cycle).  Hence ``<Delta phi^2> = u^T B u t`` and
the line of ``z_j`` is a Lorentzian of full width
``Delta omega = u^T B u`` (:func:`phase_diffusion_linewidth`).

Floquet multipliers
-------------------
:func:`periodic_orbit` finds the deterministic periodic orbit by Newton
shooting (unknowns: initial state and period, phase condition orthogonal to
the flow), integrating the equations of motion and their variational
equations with fourth-order Runge-Kutta; the Jacobian of the exact forces is
taken by central differences inside every stage (one batched force call per
stage).  The eigenvalues of the monodromy matrix are the Floquet multipliers.

Units: SI (m, s, kg, N, rad/s); dimensionless where stated.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import root

from .. import validation as _v
from ..conventions import BOLTZMANN
from ..dynamics.nonlinear import Trajectories, TweezerArrayDynamics
from ..linear.array import LinearArray
from ..linear.pair import detuned_pair_array, tweezer_separation
from ..parameters import as_parameter_set

__all__ = [
    "pair_dynamics",
    "first_harmonic_forces",
    "closed_form_first_harmonic_forces",
    "slow_flow",
    "slow_flow_jacobian",
    "AveragedCycle",
    "averaged_limit_cycle",
    "averaged_branch",
    "phase_diffusion_linewidth",
    "phase_variance_theory",
    "PeriodicOrbit",
    "periodic_orbit",
    "floquet_linewidth",
    "harmonic_amplitudes",
    "hopf_threshold_fit",
    "phase_increment_variance",
    "fit_phase_diffusion",
]


# -------------------------------------------------------------- the pair
def pair_dynamics(power_ratio, *, phi=np.pi / 2, kd_mod=np.pi / 2, n=None,
                  params="delic2020", gamma_over_omega=0.02, temperature=0.0,
                  recoil="off"):
    """Engine of the pair of :func:`optbind.dynamics.sweeps.pair_limit_cycle_task`.

    Two spheres of ``params`` in tweezers at ``k d = kd_mod + 2 pi n`` with
    phase difference ``phi`` and power ratio ``P_1/P_2``
    (:func:`optbind.linear.pair.detuned_pair_array`), static forces
    compensated, axial motion, gas damping ``gamma = gamma_over_omega omega``
    (``omega`` the equal-power trap frequency).

    Parameters
    ----------
    power_ratio : float
        ``P_1/P_2`` (> 0).
    phi, kd_mod : float
        Tweezer phase difference and ``k d`` modulo ``2 pi`` (rad).
    n : int, optional
        Whole wavelengths in ``d`` (default: closest to the set's separation).
    params : ParameterSet or str
        Spheres and tweezers.
    gamma_over_omega : float
        Damping in units of ``omega`` (> 0).
    temperature : float
        Gas temperature in K (>= 0; 0 with ``recoil="off"`` is deterministic).
    recoil : {"foci", "positions", "off"}
        Recoil noise model of the engine.

    Returns
    -------
    TweezerArrayDynamics
    """
    p = as_parameter_set(params)
    kd_mod = _v.real_scalar(kd_mod, "kd_mod", "rad")
    if n is None:
        n = max(0, int(round((p.k * p.separation - kd_mod) / (2 * np.pi))))
    d = tweezer_separation(p.k, n, kd_mod)
    arr = detuned_pair_array(power_ratio=power_ratio, d=d,
                             phi=_v.real_scalar(phi, "phi", "rad"), params=p)
    g = _v.real_scalar(gamma_over_omega, "gamma_over_omega", "1", positive=True)
    return TweezerArrayDynamics(arr, gamma=g * float(p.omega), temperature=temperature,
                                recoil=recoil, static_force="compensate")


def _check_engine(engine):
    if not isinstance(engine, TweezerArrayDynamics):
        raise TypeError(
            f"engine must be a TweezerArrayDynamics; got {type(engine).__name__}"
        )
    if engine.axes != "z":
        raise ValueError("engine must move along the optical axis only (axes='z')")
    return engine


def _axial_forces(engine, z):
    """Exact axial forces (N) at axial displacements ``z`` (..., N) from the foci."""
    pos = np.broadcast_to(engine.foci, z.shape + (3,)).copy()
    pos[..., 2] += z
    return engine.forces(pos)[..., 2]


# ----------------------------------------------------- averaging theory
def first_harmonic_forces(engine, amplitudes, *, n_phase=32):
    """Describing function ``hat F_j(a) = (1/pi) int F_j(Re[a e^{i t}]) e^{-i t} dt``.

    Beyond the paper (module docstring).  The first Fourier coefficient of the
    exact axial force of every particle when the particles move on
    ``z_j = Re[a_j e^{i theta}]``, by the trapezoidal rule over ``n_phase``
    equidistant phases (exact for force harmonics below ``n_phase - 1``).

    Parameters
    ----------
    engine : TweezerArrayDynamics
        Axial engine (``axes="z"``).
    amplitudes : array_like, shape (..., N), complex
        Complex amplitudes ``a_j`` in m.
    n_phase : int
        Quadrature nodes (>= 8).

    Returns
    -------
    ndarray, shape (..., N), complex
        ``hat F`` in N; ``F_j ~ Re[hat F_j e^{i theta}]`` to first harmonic.

    Examples
    --------
    >>> import numpy as np
    >>> eng = pair_dynamics(0.8)
    >>> a = np.array([1e-9, 1e-9j])              # small: the linear forces
    >>> f = first_harmonic_forces(eng, a)
    >>> s = eng.stiffness()
    >>> bool(np.allclose(f, s @ a, rtol=1e-4))
    True
    """
    eng = _check_engine(engine)
    a = _v.complex_array(amplitudes, "amplitudes", "m")
    if a.ndim == 0 or a.shape[-1] != eng.n_particles:
        raise ValueError(
            f"amplitudes must have shape (..., {eng.n_particles}); got {a.shape}"
        )
    n_phase = _v.integer(n_phase, "n_phase", minimum=8)
    rot = np.exp(1j * 2 * np.pi * np.arange(n_phase) / n_phase)
    z = np.real(a[..., None, :] * rot[:, None])
    f = _axial_forces(eng, z)
    return 2.0 * np.mean(f * rot.conj()[:, None], axis=-2)


def closed_form_first_harmonic_forces(array, amplitudes):
    """Leading-order describing function of a tweezer pair in closed form, in N.

    Beyond the paper.  Near the foci the axial binding force on particle ``j``
    is ``(P/kappa) [sin(kappa (z_k - z_j) + theta_j) - sin theta_j]`` with
    ``theta_{1,2} = k d -+ phi`` (the phase ``kappa z`` of each tweezer field at
    its particle; its linear terms are ``C_jk = P cos theta_j`` of Eq. 85 and the
    renormalisation ``K_j = C_jk`` of Eq. 84), and the
    Gaussian-beam trap force is ``-m omega_j^2 z/(1 + z^2/z_R^2)^2``
    (Eqs. 77-79).  With ``z = Re[a e^{i theta}]``, ``sin(x cos psi)`` has the
    first harmonic ``2 J_1(x) cos psi`` and ``cos(x cos psi)`` none, so

    ``hat F_j = -m_j omega_j^2 (1 - 3 |a_j|^2/(2 z_R^2)) a_j
    + C_jk [2 J_1(x)/x] (a_k - a_j)``, ``x = kappa |a_k - a_j|``:

    the binding saturates through the Bessel factor, the trap softens at order
    ``(a/z_R)^2``.  Radiation-pressure and higher trap terms are even in ``z``
    or of higher order and are left out.

    Parameters
    ----------
    array : optbind.linear.array.LinearArray
        Two-particle array (closed-form ``C``, ``omega``, ``kappa``, ``z_R``).
    amplitudes : array_like, shape (..., 2), complex
        ``a_j`` in m.

    Returns
    -------
    ndarray, shape (..., 2), complex
    """
    from scipy.special import j1

    if not isinstance(array, LinearArray) or array.n_particles != 2:
        raise TypeError("array must be a two-particle LinearArray")
    a = _v.complex_array(amplitudes, "amplitudes", "m")
    if a.ndim == 0 or a.shape[-1] != 2:
        raise ValueError(f"amplitudes must have shape (..., 2); got {a.shape}")
    m, w, c = array.masses, array.omega, array.C
    b = a[..., ::-1] - a
    x = array.kappa * np.abs(b)
    with np.errstate(invalid="ignore", divide="ignore"):
        sat = np.where(x > 1e-8, 2 * j1(x) / np.where(x > 1e-8, x, 1.0), 1 - x**2 / 8)
    coupling = np.array([c[0, 1], c[1, 0]])
    trap = -m * w**2 * (1 - 1.5 * np.abs(a) ** 2 / array.z_R**2) * a
    return trap + coupling * sat * b


def _describing(eng, a, n_phase, model):
    if model == "exact":
        return first_harmonic_forces(eng, a, n_phase=n_phase)
    return closed_form_first_harmonic_forces(eng.array, a)


def slow_flow(engine, amplitudes, omega, *, n_phase=32, model="exact"):
    """Averaged equations ``da_j/dt`` of the complex amplitudes, in m/s.

    ``a_j' = -(i/2w) [hat F_j(a)/m_j + (w^2 - i w gamma) a_j]`` (module
    docstring; beyond the paper), in the frame rotating at ``w = omega``.

    Parameters
    ----------
    engine : TweezerArrayDynamics
    amplitudes : array_like, shape (..., N), complex
        ``a_j`` in m.
    omega : float
        Reference (oscillation) frequency in rad/s (> 0).
    n_phase : int
        Quadrature nodes of :func:`first_harmonic_forces`.
    model : {"exact", "closed_form"}
        Describing function: quadrature of the engine's exact force, or
        :func:`closed_form_first_harmonic_forces` (two particles).

    Returns
    -------
    ndarray, shape (..., N), complex
    """
    eng = _check_engine(engine)
    w = _v.real_scalar(omega, "omega", "rad/s", positive=True)
    model = _v.choice(model, "model", ("exact", "closed_form"))
    a = _v.complex_array(amplitudes, "amplitudes", "m")
    f = _describing(eng, a, n_phase, model)
    return -0.5j / w * (f / eng.masses + (w**2 - 1j * w * eng.gamma) * a)


def _to_real(a):
    return np.stack([a.real, a.imag], axis=-1).reshape(a.shape[:-1] + (-1,))


def _to_complex(x):
    x = x.reshape(x.shape[:-1] + (-1, 2))
    return x[..., 0] + 1j * x[..., 1]


def slow_flow_jacobian(engine, amplitudes, omega, *, n_phase=32, step=None,
                       model="exact"):
    """Jacobian of :func:`slow_flow` in ``X = (Re a_1, Im a_1, Re a_2, ...)``, 1/s.

    Central differences with step ``step`` (m; default ``1e-5/kappa``), all
    ``4N`` shifted amplitude sets in one batched force evaluation.
    """
    eng = _check_engine(engine)
    a = _v.complex_array(amplitudes, "amplitudes", "m", shape=(eng.n_particles,))
    h = (1e-5 / eng.array.kappa if step is None
         else _v.real_scalar(step, "step", "m", positive=True))
    x0 = _to_real(a)
    n = x0.size
    shifts = np.concatenate([np.eye(n), -np.eye(n)]) * h
    f = _to_real(slow_flow(eng, _to_complex(x0 + shifts), omega, n_phase=n_phase,
                           model=model))
    return ((f[:n] - f[n:]) / (2 * h)).T


@dataclass(frozen=True)
class AveragedCycle:
    """Limit cycle of the averaged (first-harmonic) theory.

    Attributes
    ----------
    amplitudes : ndarray, shape (N,), complex
        ``a_j`` in m, gauge ``a_1`` real positive (``z_j = Re[a_j e^{i w t}]``).
    omega : float
        Oscillation frequency ``w`` in rad/s.
    jacobian : ndarray, shape (2N, 2N)
        Slow-flow Jacobian at the cycle (1/s), :func:`slow_flow_jacobian`.
    eigenvalues : ndarray, shape (2N,), complex
        Its eigenvalues (1/s), the phase mode (closest to 0) first, then by
        decreasing real part.
    residual : float
        ``max |a'|/(w |a|)`` at the solution (dimensionless).
    """

    amplitudes: np.ndarray
    omega: float
    jacobian: np.ndarray
    eigenvalues: np.ndarray
    residual: float

    @property
    def period(self):
        """``2 pi/w`` in s."""
        return 2 * np.pi / self.omega

    def floquet_multipliers(self):
        """Predicted multipliers ``exp(lambda T)`` (same order as ``eigenvalues``)."""
        return np.exp(self.eigenvalues * self.period)


def averaged_limit_cycle(engine, *, guess=None, omega_guess=None, n_phase=32, tol=1e-12,
                         model="exact"):
    """Limit cycle by harmonic balance ``hat F_j/m_j + (w^2 - i w gamma) a_j = 0``.

    Beyond the paper.  Unknowns ``kappa a_1`` (real), ``kappa a_2`` (complex) and
    ``w/omega_0`` (``omega_0`` the largest linear frequency) are found with
    :func:`scipy.optimize.root`; the default guess is the growing linear mode
    of :meth:`~optbind.dynamics.nonlinear.TweezerArrayDynamics.drift_matrix`
    scaled to ``kappa |a| = 0.3, 0.6, 1, 1.5, 2`` in turn, until a non-trivial
    root is found.

    Parameters
    ----------
    engine : TweezerArrayDynamics
        Axial two-particle engine.
    guess : array_like, shape (2,), complex, optional
        Starting amplitudes in m (e.g. from a neighbouring parameter).
    omega_guess : float, optional
        Starting frequency in rad/s (default the growing mode's).
    n_phase : int
        Quadrature nodes of :func:`first_harmonic_forces`.
    tol : float
        Tolerance of the root finder (dimensionless).
    model : {"exact", "closed_form"}
        Describing function (see :func:`slow_flow`).

    Returns
    -------
    AveragedCycle

    Raises
    ------
    RuntimeError
        If no cycle with ``kappa |a_1| > 1e-3`` is found (e.g. below threshold).

    Examples
    --------
    >>> cyc = averaged_limit_cycle(pair_dynamics(0.8))
    >>> kappa = 5.5666e6
    >>> round(float(kappa * abs(cyc.amplitudes[0])), 2)
    0.93
    """
    eng = _check_engine(engine)
    if eng.n_particles != 2:
        raise ValueError("averaged_limit_cycle is written for two particles")
    kap = eng.array.kappa
    lin = eng.linear_rates()
    w0 = float(np.max(np.abs(lin.imag)))
    tol = _v.real_scalar(tol, "tol", "1", positive=True)
    model = _v.choice(model, "model", ("exact", "closed_form"))

    def res(x):
        a = np.array([x[0], x[1] + 1j * x[2]]) / kap
        w = x[3] * w0
        g = _describing(eng, a, n_phase, model) / eng.masses
        g = (g + (w**2 - 1j * w * eng.gamma) * a) * kap / w0**2
        return [g[0].real, g[0].imag, g[1].real, g[1].imag]

    starts = []
    if guess is not None:
        g0 = _v.complex_array(guess, "guess", "m", shape=(2,))
        if g0[0] == 0:
            raise ValueError("guess must have a_1 != 0 (m)")
        g0 = g0 * np.exp(-1j * np.angle(g0[0]))
        wg = (w0 if omega_guess is None
              else _v.real_scalar(omega_guess, "omega_guess", "rad/s", positive=True))
        starts.append([kap * g0[0].real, kap * g0[1].real, kap * g0[1].imag, wg / w0])
    else:
        a_mat = eng.drift_matrix()
        ev, vec = np.linalg.eig(a_mat)
        i = int(np.argmax(ev.real + 1e-9 * np.abs(ev.imag) * (ev.imag > 0)))
        v = vec[:2, i] / vec[0, i]
        wg = abs(ev[i].imag) if omega_guess is None else _v.real_scalar(
            omega_guess, "omega_guess", "rad/s", positive=True)
        for s in (0.3, 0.6, 1.0, 1.5, 2.0):
            starts.append([s, (s * v[1]).real, (s * v[1]).imag, wg / w0])
    for x0 in starts:
        sol = root(res, x0, tol=tol)
        if sol.success and sol.x[0] > 1e-3:
            a = np.array([sol.x[0], sol.x[1] + 1j * sol.x[2]]) / kap
            w = float(sol.x[3] * w0)
            jac = slow_flow_jacobian(eng, a, w, n_phase=n_phase, model=model)
            ev = np.linalg.eigvals(jac)
            i0 = int(np.argmin(np.abs(ev)))
            rest = np.delete(ev, i0)
            rest = rest[np.argsort(-rest.real, kind="stable")]
            flow = slow_flow(eng, a, w, n_phase=n_phase, model=model)
            return AveragedCycle(
                amplitudes=a, omega=w, jacobian=jac,
                eigenvalues=np.concatenate([[ev[i0]], rest]),
                residual=float(np.max(np.abs(flow)) / (w * np.max(np.abs(a)))),
            )
    raise RuntimeError(
        "averaged_limit_cycle: no limit cycle found (below the Hopf threshold, or "
        "give a better guess)"
    )


def averaged_branch(power_ratios, *, n_phase=32, model="exact", **pair_kwargs):
    """Averaged limit cycles along a list of power ratios, by continuation.

    Each solution starts from the previous one; the first from the linear
    mode.  Points where no cycle is found get NaN.

    Parameters
    ----------
    power_ratios : array_like, shape (R,)
        ``P_1/P_2`` in the order to follow (start inside the unstable window).
    n_phase : int
        Quadrature nodes.
    model : {"exact", "closed_form"}
        Describing function (see :func:`slow_flow`).
    **pair_kwargs
        Passed to :func:`pair_dynamics`.

    Returns
    -------
    dict
        ``power_ratio`` (R,), ``amplitudes`` (R, 2) complex (m), ``omega``
        (R,) rad/s, ``eigenvalues`` (R, 4) complex (1/s), ``kappa`` (1/m).
    """
    ratios = np.atleast_1d(_v.real_array(power_ratios, "power_ratios", "1",
                                         positive=True))
    if ratios.ndim != 1 or ratios.size == 0:
        raise ValueError("power_ratios must be a non-empty 1-D array (1)")
    amps = np.full((ratios.size, 2), np.nan + 0j)
    om = np.full(ratios.size, np.nan)
    evs = np.full((ratios.size, 4), np.nan + 0j)
    prev = None
    kappa = np.nan
    for i, r in enumerate(ratios):
        eng = pair_dynamics(r, **pair_kwargs)
        kappa = eng.array.kappa
        try:
            cyc = averaged_limit_cycle(
                eng, n_phase=n_phase, model=model,
                guess=None if prev is None else prev.amplitudes,
                omega_guess=None if prev is None else prev.omega,
            )
        except RuntimeError:
            prev = None
            continue
        amps[i], om[i], evs[i] = cyc.amplitudes, cyc.omega, cyc.eigenvalues
        prev = cyc
    return {"power_ratio": ratios, "amplitudes": amps, "omega": om,
            "eigenvalues": evs, "kappa": float(kappa)}


def phase_diffusion_linewidth(engine, cycle, *, temperature=None, recoil=None):
    """Full width ``Delta omega = u^T B u`` (rad/s) of the limit-cycle line.

    Beyond the paper (module docstring): ``B = Q/(w^2 m_j m_k) (x) 1_2`` with
    ``Q = m gamma k_B T 1 + Re D`` (gas and recoil momentum noise of the
    engine, ``D`` at the foci), ``u`` the left null vector of the slow-flow
    Jacobian normalised on the rotation ``v = dX/dphi``.  The phase then
    diffuses as ``<Delta phi^2> = Delta omega t``.

    Parameters
    ----------
    engine : TweezerArrayDynamics
        Supplies masses, ``gamma``, and (by default) ``temperature`` and
        the recoil diffusion.
    cycle : AveragedCycle
        From :func:`averaged_limit_cycle`.
    temperature : float, optional
        Gas temperature in K (default ``engine.temperature``).
    recoil : bool, optional
        Include the recoil diffusion (default: ``engine.recoil != "off"``).

    Returns
    -------
    dict
        ``linewidth`` (rad/s, FWHM), ``gas`` and ``recoil`` (its two parts,
        rad/s), ``isochronous`` (rad/s, the width without amplitude-phase
        coupling, ``u`` replaced by the pure rotation direction) and
        ``noise`` (the covariance rate ``B``, m^2/s).
    """
    eng = _check_engine(engine)
    if not isinstance(cycle, AveragedCycle):
        raise TypeError(f"cycle must be an AveragedCycle; got {type(cycle).__name__}")
    m = eng.masses
    w = cycle.omega
    gas, rec = _momentum_noise(eng, temperature, recoil)
    u, v = _phase_vectors(cycle)
    u_iso = v / (v @ v)
    out = {}
    for name, q in (("gas", gas), ("recoil", rec)):
        b = np.kron(q / (w**2 * np.outer(m, m)), np.eye(2))
        out[name] = float(u @ b @ u)
        out[name + "_iso"] = float(u_iso @ b @ u_iso)
        out["b_" + name] = b
    return {
        "linewidth": out["gas"] + out["recoil"],
        "gas": out["gas"],
        "recoil": out["recoil"],
        "isochronous": out["gas_iso"] + out["recoil_iso"],
        "noise": out["b_gas"] + out["b_recoil"],
    }


def _momentum_noise(eng, temperature, recoil):
    """Gas and recoil parts ``Q`` (N^2 s) of the momentum noise ``<xi xi> = 2 Q``."""
    t = (eng.temperature if temperature is None
         else _v.real_scalar(temperature, "temperature", "K", nonnegative=True))
    use_recoil = (eng.recoil != "off") if recoil is None else _v.boolean(recoil,
                                                                         "recoil")
    gas = np.diag(eng.masses * eng.gamma * BOLTZMANN * t)
    if use_recoil:
        rec = TweezerArrayDynamics(eng.array, gamma=eng.gamma, recoil="foci",
                                   static_force=None).diffusion()
    else:
        rec = np.zeros_like(gas)
    return gas, rec


def _phase_vectors(cycle):
    """Left null vector ``u`` (``u . v = 1``) and rotation ``v`` of the slow flow."""
    v = _to_real(1j * cycle.amplitudes)
    ev, left = np.linalg.eig(cycle.jacobian.T)
    u = left[:, int(np.argmin(np.abs(ev)))].real
    return u / (u @ v), v


def phase_variance_theory(cycle, noise, tau, *, particle=0, n_quad=200):
    """``<[phi_j(t + tau) - phi_j(t)]^2>`` of the linearised noisy slow flow, rad^2.

    Beyond the paper.  Around the cycle ``X = X* + v phi + Y``: the phase
    ``phi = u . X`` diffuses (``u^T B u`` per unit time) and ``Y`` (projected
    with ``Q = 1 - v u^T``) is a stationary Ornstein-Uhlenbeck process,
    ``J Sigma + Sigma J^T + Q B Q^T = 0``.  The measured phase
    ``arg a_j`` has gradient ``e`` (``e . v = 1``), so its increment variance is
    ``u^T B u tau + e^T (2 Sigma - e^{J tau} Sigma - Sigma e^{J^T tau}) e
    + 2 e^T [int_0^tau e^{J s} ds] Q B u``: linear at long lags with the
    slope of :func:`phase_diffusion_linewidth`, smaller at lags shorter than
    the amplitude relaxation.

    Parameters
    ----------
    cycle : AveragedCycle
    noise : ndarray, shape (2N, 2N)
        Covariance rate ``B`` (m^2/s), ``phase_diffusion_linewidth(...)["noise"]``.
    tau : array_like
        Lags in s (>= 0).
    particle : int
        Whose phase ``arg a_j``.
    n_quad : int
        Trapezoid nodes of the integral per lag.

    Returns
    -------
    ndarray
        rad^2, shape of ``tau``.
    """
    from scipy.linalg import expm, solve_continuous_lyapunov

    if not isinstance(cycle, AveragedCycle):
        raise TypeError(f"cycle must be an AveragedCycle; got {type(cycle).__name__}")
    n2 = cycle.jacobian.shape[0]
    b = _v.real_array(noise, "noise", "m^2/s", shape=(n2, n2))
    taus = _v.real_array(tau, "tau", "s", nonnegative=True)
    j = _v.integer(particle, "particle", minimum=0, maximum=n2 // 2 - 1)
    n_quad = _v.integer(n_quad, "n_quad", minimum=2)
    u, v = _phase_vectors(cycle)
    jac = cycle.jacobian
    q = np.eye(n2) - np.outer(v, u)
    # remove the zero mode exactly: J Q is stable on the range of Q
    jq = q @ jac @ q
    sigma = solve_continuous_lyapunov(jq - np.outer(v, u), -(q @ b @ q.T))
    a = cycle.amplitudes[j]
    e = np.zeros(n2)
    e[2 * j:2 * j + 2] = np.array([-a.imag, a.real]) / abs(a) ** 2
    diff = float(u @ b @ u)
    out = np.empty(taus.shape)
    for idx, t in np.ndenumerate(taus):
        prop = expm(jq * t)
        bounded = e @ (2 * sigma - prop @ sigma - sigma @ prop.T) @ e
        s = np.linspace(0.0, t, n_quad)
        ints = np.array([expm(jq * si) for si in s])
        integral = np.trapezoid(ints, s, axis=0) if t > 0 else np.zeros((n2, n2))
        out[idx] = diff * t + bounded + 2 * e @ integral @ q @ b @ u
    return out


# ------------------------------------------------------ Floquet theory
@dataclass(frozen=True)
class PeriodicOrbit:
    """Periodic orbit of the deterministic pair and its Floquet multipliers.

    Attributes
    ----------
    state : ndarray, shape (2N,)
        ``(z_1..z_N, v_1..v_N)`` at the point of the orbit found by
        shooting (m, m/s).
    period : float
        Period in s.
    monodromy : ndarray, shape (2N, 2N)
        Monodromy matrix (dimensionless, in ``(kappa z, kappa v/omega)``).
    multipliers : ndarray, shape (2N,), complex
        Its eigenvalues, the one closest to 1 first, then by decreasing modulus.
    closure : float
        ``|x(T) - x(0)|/|x(0)|`` after the last Newton step.
    iterations : int
        Newton steps taken.
    amplitudes : ndarray, shape (N,)
        First-harmonic amplitudes ``|a_j|`` of ``z_j`` over the period (m).
    times, states : ndarray, shapes (S + 1,) and (S + 1, 2N)
        The sampled orbit over one period (s; m and m/s).
    phase_response : ndarray, shape (S + 1, 2N)
        Gradient of the asymptotic phase (rad per m and per m/s) along the
        orbit: ``Z(t)^T = Z(0)^T Phi(t)^{-1}`` with ``Z(0)`` the left
        eigenvector of the monodromy for the multiplier 1, ``Z . f = 2 pi/T``.
    """

    state: np.ndarray
    period: float
    monodromy: np.ndarray
    multipliers: np.ndarray
    closure: float
    iterations: int
    amplitudes: np.ndarray
    times: np.ndarray
    states: np.ndarray
    phase_response: np.ndarray


def _rk4_variational(engine, x0, period, n_steps, h_fd, w0):
    """Integrate ``x' = f(x)`` and ``Phi' = Df(x) Phi`` over ``period`` (dimensionless).

    Coordinates ``y = (kappa z, kappa v/w0)``, time ``tau = w0 t``.
    """
    eng = engine
    n = eng.n_particles
    kap = eng.array.kappa
    m = eng.masses
    g = eng.gamma / w0
    stencil = np.concatenate([np.zeros((1, n)), h_fd * np.eye(n), -h_fd * np.eye(n)])

    def rhs(y, phi):
        z = y[:n]
        zs = (z[None, :] + stencil) / kap
        f = _axial_forces(eng, zs) * kap / (m * w0**2)
        acc = f[0]
        jac = ((f[1:n + 1] - f[n + 1:]) / (2 * h_fd)).T  # d acc_j / d z_l
        dy = np.concatenate([y[n:], acc - g * y[n:]])
        big = np.zeros((2 * n, 2 * n))
        big[:n, n:] = np.eye(n)
        big[n:, :n] = jac
        big[n:, n:] = -g * np.eye(n)
        return dy, big @ phi

    tau = period * w0
    dt = tau / n_steps
    y = x0.copy()
    phi = np.eye(2 * n)
    ys = [y.copy()]
    phis = [phi.copy()]
    for _ in range(n_steps):
        k1, p1 = rhs(y, phi)
        k2, p2 = rhs(y + 0.5 * dt * k1, phi + 0.5 * dt * p1)
        k3, p3 = rhs(y + 0.5 * dt * k2, phi + 0.5 * dt * p2)
        k4, p4 = rhs(y + dt * k3, phi + dt * p3)
        y = y + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        phi = phi + dt / 6 * (p1 + 2 * p2 + 2 * p3 + p4)
        ys.append(y.copy())
        phis.append(phi.copy())
    return y, phi, np.array(ys), rhs, np.array(phis)


def periodic_orbit(engine, cycle, *, steps_per_period=64, max_iter=8, tol=1e-10,
                   fd_step=1e-5):
    """Deterministic periodic orbit by Newton shooting, its monodromy and multipliers.

    Beyond the paper.  Starts from the averaged cycle
    (``z = Re a``, ``v = Re[i w a]``, ``T = 2 pi/w``) and solves
    ``x(T; x_0) = x_0`` with the phase condition ``f(x_0) . dx_0 = 0``; the
    equations of motion (exact forces, gas damping, no noise) and their
    variational equations are integrated together with RK4 (module docstring).

    Parameters
    ----------
    engine : TweezerArrayDynamics
        Axial engine; its noise is ignored.
    cycle : AveragedCycle
        Starting guess (:func:`averaged_limit_cycle`).
    steps_per_period : int
        RK4 steps per period (>= 16).
    max_iter : int
        Largest number of Newton steps.
    tol : float
        Stop when the closure ``|x(T) - x_0|/|x_0|`` is below ``tol``.
    fd_step : float
        Central-difference step of the force Jacobian in units of ``1/kappa``.

    Returns
    -------
    PeriodicOrbit
    """
    eng = _check_engine(engine)
    if not isinstance(cycle, AveragedCycle):
        raise TypeError(f"cycle must be an AveragedCycle; got {type(cycle).__name__}")
    steps = _v.integer(steps_per_period, "steps_per_period", minimum=16)
    max_iter = _v.integer(max_iter, "max_iter", minimum=1)
    tol = _v.real_scalar(tol, "tol", "1", positive=True)
    h_fd = _v.real_scalar(fd_step, "fd_step", "1/kappa", positive=True)
    n = eng.n_particles
    kap = eng.array.kappa
    w0 = cycle.omega
    a = cycle.amplitudes
    x = np.concatenate([kap * a.real, kap * (1j * cycle.omega * a).real / w0])
    period = cycle.period
    closure = np.inf
    it = 0
    for it in range(1, max_iter + 1):
        y, mono, _, rhs, _ = _rk4_variational(eng, x, period, steps, h_fd, w0)
        f0, _ = rhs(x, np.eye(2 * n))
        fT, _ = rhs(y, np.eye(2 * n))
        r = y - x
        closure = float(np.linalg.norm(r) / np.linalg.norm(x))
        if closure < tol:
            break
        mat = np.zeros((2 * n + 1, 2 * n + 1))
        mat[:2 * n, :2 * n] = mono - np.eye(2 * n)
        mat[:2 * n, -1] = fT  # d x(T)/d(w0 T) = f(x(T))
        mat[-1, :2 * n] = f0
        rhs_vec = np.concatenate([-r, [0.0]])
        sol = np.linalg.solve(mat, rhs_vec)
        x = x + sol[:2 * n]
        period = period + sol[-1] / w0
    y, mono, ys, rhs, phis = _rk4_variational(eng, x, period, steps, h_fd, w0)
    closure = float(np.linalg.norm(y - x) / np.linalg.norm(x))
    mu = np.linalg.eigvals(mono)
    i1 = int(np.argmin(np.abs(mu - 1)))
    rest = np.delete(mu, i1)
    rest = rest[np.argsort(-np.abs(rest), kind="stable")]
    t = np.linspace(0.0, period, steps + 1)
    zs = ys[:, :n] / kap
    w = 2 * np.pi / period
    # phase response: left eigenvector of M for mu = 1, Z(t)^T = Z(0)^T Phi(t)^-1,
    # normalised to dtheta/dt = w: Z . f = w/w0 (dimensionless coordinates)
    ev, left = np.linalg.eig(mono.T)
    z0 = left[:, int(np.argmin(np.abs(ev - 1)))].real
    f0, _ = rhs(x, np.eye(2 * n))
    z0 = z0 * (w / w0) / (z0 @ f0)
    zt = np.linalg.solve(np.swapaxes(phis, 1, 2),
                         np.broadcast_to(z0, (steps + 1, 2 * n))[..., None])[..., 0]
    scale = np.concatenate([np.full(n, kap), np.full(n, kap / w0)])  # d y / d x_SI
    amp = np.abs(2 * np.mean(zs[:-1] * np.exp(-1j * w * t[:-1])[:, None], axis=0))
    return PeriodicOrbit(
        state=np.concatenate([x[:n] / kap, x[n:] * w0 / kap]),
        period=float(period), monodromy=mono,
        multipliers=np.concatenate([[mu[i1]], rest]),
        closure=closure, iterations=it, amplitudes=amp, times=t,
        states=np.concatenate([zs, ys[:, n:] * w0 / kap], axis=1),
        phase_response=zt * scale,
    )


def floquet_linewidth(engine, orbit, *, temperature=None, recoil=None):
    """Phase-diffusion linewidth from the exact orbit's phase response, rad/s (FWHM).

    Beyond the paper.  Without averaging: the asymptotic phase of the noisy
    orbit diffuses with ``<Delta theta^2>/t = (1/T) int_0^T Z_v(t)^T
    (2 Q/m m) Z_v(t) dt`` (``Z_v`` the velocity part of the attribute
    ``phase_response`` of :class:`PeriodicOrbit`, ``2 Q`` the momentum-noise rate of
    gas and recoil), the standard linear-noise result for limit cycles; it is
    the Lorentzian full width of the line.  Independent of
    :func:`phase_diffusion_linewidth`, which it should equal up to the
    ``O(rate/omega)`` error of first-order averaging.

    Returns
    -------
    dict
        ``linewidth``, ``gas`` and ``recoil`` (rad/s).
    """
    eng = _check_engine(engine)
    if not isinstance(orbit, PeriodicOrbit):
        raise TypeError(f"orbit must be a PeriodicOrbit; got {type(orbit).__name__}")
    n = eng.n_particles
    m = eng.masses
    gas, rec = _momentum_noise(eng, temperature, recoil)
    zv = orbit.phase_response[:, n:]
    out = {}
    for name, q in (("gas", gas), ("recoil", rec)):
        b = 2 * q / np.outer(m, m)
        vals = np.einsum("ti,ij,tj->t", zv, b, zv)
        out[name] = float(np.mean(vals[:-1]))
    out["linewidth"] = out["gas"] + out["recoil"]
    return out


# --------------------------------------------------- simulation analysis
def harmonic_amplitudes(trajectories, *, t_min=None, particle_ref=0):
    """Frequency and first-harmonic amplitudes of recorded oscillations.

    The frequency is the mean period between upward zero crossings of the
    reference particle (linear interpolation) in ``t >= t_min``; the complex
    amplitudes ``a_j`` are the least-squares fit of
    ``z_j = c_j + Re[a_j e^{i w t}]`` over the whole periods in that window.

    Parameters
    ----------
    trajectories : Trajectories
        From :meth:`~optbind.dynamics.nonlinear.TweezerArrayDynamics.simulate`
        (axial engine).
    t_min : float, optional
        Start of the analysis window in s (default: the last quarter).
    particle_ref : int
        Particle whose zero crossings give the frequency.

    Returns
    -------
    omega : ndarray, shape (n_traj,)
        rad/s.
    amplitudes : ndarray, shape (n_traj, N), complex
        ``a_j`` in m (phase relative to the window's first crossing).
    """
    if not isinstance(trajectories, Trajectories):
        raise TypeError(
            f"trajectories must be Trajectories; got {type(trajectories).__name__}"
        )
    t = trajectories.times
    z = trajectories.displacements[..., 0]  # (T, n_traj, N)
    lo = 0.75 * t[-1] if t_min is None else _v.real_scalar(t_min, "t_min", "s")
    ref = _v.integer(particle_ref, "particle_ref", minimum=0, maximum=z.shape[-1] - 1)
    sel = t >= lo
    ts, zs = t[sel], z[sel]
    n_traj = zs.shape[1]
    omegas = np.full(n_traj, np.nan)
    amps = np.full((n_traj, zs.shape[2]), np.nan + 0j)
    for k in range(n_traj):
        x = zs[:, k, ref] - np.mean(zs[:, k, ref])
        idx = np.nonzero((x[:-1] < 0) & (x[1:] >= 0))[0]
        if idx.size < 3:
            raise ValueError(
                "harmonic_amplitudes: fewer than 3 zero crossings in the window; "
                "lengthen the run or lower t_min"
            )
        tc = ts[idx] - x[idx] * (ts[idx + 1] - ts[idx]) / (x[idx + 1] - x[idx])
        w = 2 * np.pi * (idx.size - 1) / (tc[-1] - tc[0])
        win = (ts >= tc[0]) & (ts <= tc[-1])
        tt = ts[win] - tc[0]
        design = np.stack([np.ones_like(tt), np.cos(w * tt), -np.sin(w * tt)], axis=1)
        coef, *_ = np.linalg.lstsq(design, zs[win, k, :], rcond=None)
        omegas[k] = w
        amps[k] = coef[1] + 1j * coef[2]
    return omegas, amps


def hopf_threshold_fit(control, amplitude_sq):
    """Threshold of a supercritical Hopf bifurcation: ``|a|^2`` linear in the control.

    Least-squares line ``|a|^2 = s (x - x_H)`` through the points; returns the
    root ``x_H`` (units of ``control``), the slope ``s`` and the largest
    relative residual of the line (a measure of the curvature neglected).

    Parameters
    ----------
    control : array_like, shape (K,)
        Control parameter (e.g. power ratio), K >= 2.
    amplitude_sq : array_like, shape (K,)
        Squared limit-cycle amplitudes (any unit, e.g. ``(kappa a)^2``).

    Returns
    -------
    dict
        ``threshold``, ``slope``, ``max_residual``.

    Examples
    --------
    >>> round(hopf_threshold_fit([1.0, 2.0, 3.0], [1.5, 2.0, 2.5])["threshold"], 9)
    -2.0
    """
    x = _v.real_array(control, "control", "", ndim=1)
    y = _v.real_array(amplitude_sq, "amplitude_sq", "", ndim=1, nonnegative=True)
    if x.size != y.size or x.size < 2:
        raise ValueError("control and amplitude_sq must be 1-D of equal length >= 2")
    s, c = np.polyfit(x, y, 1)
    if s == 0:
        raise ValueError("amplitude_sq must vary with control (zero slope)")
    res = np.max(np.abs(y - (s * x + c))) / np.max(np.abs(y))
    return {"threshold": float(-c / s), "slope": float(s), "max_residual": float(res)}


def _unwrapped_phase(trajectories, omega, particle):
    z = trajectories.displacements[..., particle, 0]
    v = trajectories.momenta[..., particle, 0] / trajectories.data["mass"][particle]
    return np.unwrap(np.angle(z - 1j * v / omega), axis=0)


def phase_increment_variance(trajectories, omega, lags, *, t_min=0.0, particle=0):
    """Variance of the phase increments ``phi(t + tau) - phi(t)`` of noisy oscillations.

    The phase is ``arg(z - i v/w)`` (unwrapped), ``v`` the velocity; for each lag
    the variance is taken over all start times ``t >= t_min`` and all
    trajectories after removing the mean increment (the deterministic drift).

    Parameters
    ----------
    trajectories : Trajectories
    omega : float
        Oscillation frequency in rad/s (> 0).
    lags : array_like of int
        Lags in records (>= 1).
    t_min : float
        Start of the stationary part in s.
    particle : int
        Particle whose phase is used.

    Returns
    -------
    tau : ndarray
        Lags in s.
    variance : ndarray
        rad^2.
    """
    if not isinstance(trajectories, Trajectories):
        raise TypeError(
            f"trajectories must be Trajectories; got {type(trajectories).__name__}"
        )
    w = _v.real_scalar(omega, "omega", "rad/s", positive=True)
    lags = np.atleast_1d(_v.integer_array(lags, "lags", minimum=1))
    t = trajectories.times
    t_min = _v.real_scalar(t_min, "t_min", "s", nonnegative=True)
    ph = _unwrapped_phase(trajectories, w, particle)[t >= t_min]
    if np.max(lags) >= ph.shape[0]:
        raise ValueError("lags must be shorter than the window after t_min (records)")
    var = np.array([np.var(ph[k:] - ph[:-k]) for k in lags])
    return lags * (t[1] - t[0]), var


def fit_phase_diffusion(tau, variance):
    """Slope of ``<Delta phi^2>(tau) = Delta omega tau + c``: the linewidth, rad/s.

    Least squares over the given lags (choose them beyond the amplitude
    relaxation time).  Returns ``(linewidth, offset)``.

    Examples
    --------
    >>> width, offset = fit_phase_diffusion([1.0, 2.0, 3.0], [0.3, 0.5, 0.7])
    >>> round(width, 6), round(offset, 6)
    (0.2, 0.1)
    """
    x = _v.real_array(tau, "tau", "s", ndim=1, positive=True)
    y = _v.real_array(variance, "variance", "rad^2", ndim=1, nonnegative=True)
    if x.size != y.size or x.size < 2:
        raise ValueError("tau and variance must be 1-D of equal length >= 2")
    s, c = np.polyfit(x, y, 1)
    return float(s), float(c)
