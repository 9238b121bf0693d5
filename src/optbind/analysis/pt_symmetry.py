"""Two nonreciprocally coupled oscillators: PT-symmetry breaking and exceptional points.

For two particles moving along the optical axis, the linearised equations of
motion (Eqs. 88, 96) are

.. math:: \\ddot z_1 = -\\omega_1^2 z_1 + c_{12} z_2 - \\gamma\\dot z_1,\\qquad
          \\ddot z_2 = -\\omega_2^2 z_2 + c_{21} z_1 - \\gamma\\dot z_2,

with the *renormalised* frequencies ``omega_j^2 = omega_j,bare^2 + K_j/m_j``
(Eqs. 79, 84) and ``c_jj' = C_jj'/m_j`` (Eq. 85).  With ``z ~ e^{lambda t}`` and
``mu = lambda^2 + gamma lambda`` the characteristic equation is
``(mu + omega_1^2)(mu + omega_2^2) = c_12 c_21``, so

.. math:: \\mu_\\pm = -\\bar\\omega^2 \\pm \\sqrt{\\Delta^2 + c_{12}c_{21}},\\qquad
          \\bar\\omega^2 = \\frac{\\omega_1^2+\\omega_2^2}{2},\\quad
          \\Delta = \\frac{\\omega_1^2-\\omega_2^2}{2},

and ``lambda = -gamma/2 +- sqrt(gamma^2/4 + mu)``.  The discriminant
``Delta^2 + c_12 c_21`` decides the phase:

* ``> 0``: two real ``mu`` -- both normal modes oscillate and decay at the
  same rate ``gamma/2`` (PT-unbroken phase);
* ``< 0`` (possible only for ``c_12 c_21 < 0``): ``mu`` form a complex
  conjugate pair -- one mode is amplified, the other damped (PT-broken);
* ``= 0``: an exceptional point (EP2), where the modes and their eigenvectors
  coalesce, at the detuning ``|Delta_EP| = sqrt(-c_12 c_21)``.  The
  unidirectional pair of Eq. (91) (``c_21 = 0``, ``Delta = 0``) sits exactly
  on an EP: its coupling matrix is a Jordan block.

With damping a mode grows (Hopf bifurcation of the nonlinear dynamics) iff
``Re nu + (Im nu)^2/gamma^2 > omega_bar^2`` for ``nu = sqrt(Delta^2 + c_12 c_21)``;
in the broken phase (``nu`` imaginary) the threshold is
``-c_12 c_21 = Delta^2 + gamma^2 omega_bar^2`` and the mode at threshold
oscillates at exactly ``omega_bar``.

Tweezer parameters
------------------
For two tweezers (:mod:`optbind.linear.pair`),
``C_12 = P cos(kd - phi)`` and ``C_21 = P cos(kd + phi)``, so
``c_12 c_21 = p^2 (cos^2 kd - sin^2 phi)`` with ``p = P/m`` and the
renormalisation alone detunes the pair by ``(c_12 - c_21)/2 = p sin kd sin phi``.
At equal powers the discriminant is therefore
``p^2 cos^2(kd) cos^2(phi) >= 0``: an equal-power pair is never PT-broken
and touches an EP only on the lines ``cos kd = 0`` or ``cos phi = 0``.  A
power imbalance (:func:`optbind.linear.pair.detuned_pair_array`,
``omega_{1,2}^2 = omega^2 r^{+-1/2}`` at fixed couplings) moves ``Delta``
through the broken window
``|Delta| < sqrt(-c_12 c_21)``; :func:`exceptional_power_ratios` gives its
edges in closed form.

Frequencies may be in any consistent unit (rad/s for SI).
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import brentq

from .. import validation as _v
from ..dynamics.moments import drift_matrix
from ..dynamics.records import LabelledResult
from ..linear.array import LinearArray
from ..linear.pair import detuned_pair_array, tweezer_separation
from ..numerics import eigenvalues
from ..parameters import as_parameter_set

__all__ = [
    "linear_stiffness",
    "pair_parameters",
    "pair_discriminant",
    "pair_eigenvalues",
    "pair_drift_eigenvalues",
    "exceptional_detuning",
    "hopf_detuning",
    "exceptional_power_ratios",
    "find_exceptional_point",
    "pair_spectrum_scan",
]


def linear_stiffness(array):
    """Closed-form stiffness ``S = C - diag(m omega^2 + K)`` of a LinearArray, in N/m.

    ``S[j, jp] = dF_j/dz_jp`` of the linearised forces (Eqs. 79, 84, 85); the
    nonlinear engine's numerical counterpart is
    :meth:`optbind.dynamics.nonlinear.TweezerArrayDynamics.stiffness`.
    """
    if not isinstance(array, LinearArray):
        raise TypeError(f"array must be a LinearArray; got {type(array).__name__}")
    return array.C - np.diag(array.masses * array.omega**2 + array.K)


def pair_parameters(stiffness, masses):
    """Pair parameters ``omega_j^2, c_12, c_21, Delta, omega_bar^2`` from ``S``.

    Parameters
    ----------
    stiffness : array_like, shape (2, 2)
        ``S[j, jp] = dF_j/dz_jp`` in N/m (e.g. :func:`linear_stiffness`).
    masses : array_like, shape (2,) or float
        Masses in kg.

    Returns
    -------
    dict
        ``omega1_sq``, ``omega2_sq`` (renormalised, rad^2/s^2), ``c12``,
        ``c21`` (``C/m``, rad^2/s^2), ``delta`` ``= (omega1_sq - omega2_sq)/2``
        and ``omega_bar_sq``.
    """
    s = _v.square_matrix(stiffness, "stiffness", "N/m", n=2)
    m = _v.same_length(masses, "masses", 2, "kg", positive=True)
    w1, w2 = -s[0, 0] / m[0], -s[1, 1] / m[1]
    return {
        "omega1_sq": w1,
        "omega2_sq": w2,
        "c12": s[0, 1] / m[0],
        "c21": s[1, 0] / m[1],
        "delta": 0.5 * (w1 - w2),
        "omega_bar_sq": 0.5 * (w1 + w2),
    }


def pair_discriminant(delta, c12, c21):
    """``Delta^2 + c_12 c_21`` (rad^4/s^4): > 0 unbroken, < 0 PT-broken, 0 at an EP."""
    delta = _v.real_array(delta, "delta", "rad^2/s^2")
    c12 = _v.real_array(c12, "c12", "rad^2/s^2")
    c21 = _v.real_array(c21, "c21", "rad^2/s^2")
    return delta**2 + c12 * c21


def pair_eigenvalues(omega1_sq, omega2_sq, c12, c21, gamma):
    """The four eigenvalues ``lambda`` of the damped pair in closed form (module doc).

    Parameters
    ----------
    omega1_sq, omega2_sq : array_like
        Renormalised squared frequencies (rad^2/s^2, > 0).
    c12, c21 : array_like
        Couplings ``C/m`` (rad^2/s^2).
    gamma : float
        Momentum damping rate (1/s, >= 0).

    Returns
    -------
    ndarray, shape (..., 4), complex
        ``lambda`` in 1/s, ordered ``(mu_+, +), (mu_+, -), (mu_-, +), (mu_-, -)``
        for ``lambda = -gamma/2 +- sqrt(gamma^2/4 + mu)``.
    """
    w1 = _v.real_array(omega1_sq, "omega1_sq", "rad^2/s^2", positive=True)
    w2 = _v.real_array(omega2_sq, "omega2_sq", "rad^2/s^2", positive=True)
    c12 = _v.real_array(c12, "c12", "rad^2/s^2")
    c21 = _v.real_array(c21, "c21", "rad^2/s^2")
    gamma = _v.real_scalar(gamma, "gamma", "1/s", nonnegative=True)
    wbar = 0.5 * (w1 + w2)
    nu = np.sqrt((0.5 * (w1 - w2)) ** 2 + c12 * c21 + 0j)
    out = []
    for mu in (-wbar + nu, -wbar - nu):
        root = np.sqrt(0.25 * gamma**2 + mu)
        out += [-0.5 * gamma + root, -0.5 * gamma - root]
    return np.stack(out, axis=-1)


def pair_drift_eigenvalues(stiffness, masses, gamma):
    """Eigenvalues of the 4x4 drift of Eqs. (88), (96), diagonalised numerically (1/s).

    :func:`optbind.gaussian.drift_matrix` (Brownian damping) made
    dimensionless with the mean frequency, then
    :func:`optbind.numerics.eigenvalues`; an independent check of
    :func:`pair_eigenvalues`.
    """
    s = _v.square_matrix(stiffness, "stiffness", "N/m", n=2)
    m = _v.same_length(masses, "masses", 2, "kg", positive=True)
    gamma = _v.real_scalar(gamma, "gamma", "1/s", nonnegative=True)
    w = float(np.sqrt(np.mean(-np.diag(s) / m)))
    sd = s / (m[:, None] * w**2)
    a = drift_matrix(
        np.ones(2),
        -np.diag(sd),
        sd - np.diag(np.diag(sd)),
        gamma=gamma / w,
        damping="brownian",
    )
    ev = eigenvalues(a) * w
    return ev[np.argsort(-ev.real, kind="stable")]


def exceptional_detuning(c12, c21):
    """``|Delta_EP| = sqrt(-c_12 c_21)`` (rad^2/s^2); NaN if ``c_12 c_21 > 0``."""
    c12 = _v.real_array(c12, "c12", "rad^2/s^2")
    c21 = _v.real_array(c21, "c21", "rad^2/s^2")
    prod = c12 * c21
    with np.errstate(invalid="ignore"):
        return np.where(prod <= 0, np.sqrt(np.abs(prod)), np.nan)


def hopf_detuning(c12, c21, omega_bar_sq, gamma):
    """Hopf detuning ``|Delta_H| = sqrt(-c_12 c_21 - gamma^2 omega_bar^2)``, rad^2/s^2.

    A mode grows for ``|Delta| < |Delta_H|``.

    NaN where the damping ``gamma`` suppresses the instability at every
    detuning (``-c_12 c_21 < gamma^2 omega_bar^2``).
    """
    c12 = _v.real_array(c12, "c12", "rad^2/s^2")
    c21 = _v.real_array(c21, "c21", "rad^2/s^2")
    wb = _v.real_array(omega_bar_sq, "omega_bar_sq", "rad^2/s^2", positive=True)
    gamma = _v.real_scalar(gamma, "gamma", "1/s", nonnegative=True)
    x = -c12 * c21 - gamma**2 * wb
    with np.errstate(invalid="ignore"):
        return np.where(x >= 0, np.sqrt(np.abs(x)), np.nan)


def exceptional_power_ratios(omega_sq, c12, c21, *, gamma=0.0):
    """Power ratios ``P_1/P_2`` at the two edges of the PT-broken (or unstable) window.

    For :func:`optbind.linear.pair.detuned_pair_array`, ``omega_{1,2}^2 =
    omega^2 r^{+-1/2} + c_{12,21}`` with fixed couplings, so
    ``Delta(r) = omega^2 (x - 1/x)/2 + (c_12 - c_21)/2`` with ``x = sqrt(r)``.
    Setting ``Delta = -+ D`` (``D = |Delta_EP|``, or ``|Delta_H|`` when
    ``gamma > 0``) gives ``x - 1/x = 2 b`` with
    ``b = (-+D - (c_12 - c_21)/2)/omega^2`` and ``x = b + sqrt(b^2 + 1)``.

    Parameters
    ----------
    omega_sq : float
        Bare trap frequency squared at equal powers (rad^2/s^2, > 0).
    c12, c21 : float
        Couplings ``C/m`` (rad^2/s^2), independent of the power ratio.
    gamma : float
        Damping (1/s); 0 gives the exceptional points, > 0 the Hopf points
        (``omega_bar^2`` depends on ``r``: solved by fixed-point iteration).

    Returns
    -------
    (float, float)
        ``(r_low, r_high)``; NaN if there is no such window.
    """
    w2 = _v.real_scalar(omega_sq, "omega_sq", "rad^2/s^2", positive=True)
    c12 = _v.real_scalar(c12, "c12", "rad^2/s^2")
    c21 = _v.real_scalar(c21, "c21", "rad^2/s^2")
    gamma = _v.real_scalar(gamma, "gamma", "1/s", nonnegative=True)

    def ratio(half, sign):
        b = (sign * half - 0.5 * (c12 - c21)) / w2
        return (b + np.sqrt(b * b + 1.0)) ** 2

    out = []
    for sign in (-1.0, 1.0):
        if gamma == 0:
            half = float(exceptional_detuning(c12, c21))
            out.append(ratio(half, sign) if np.isfinite(half) else np.nan)
            continue
        r = 1.0
        for _ in range(100):
            x = np.sqrt(r)
            wbar = 0.5 * w2 * (x + 1.0 / x) + 0.5 * (c12 + c21)
            half = float(hopf_detuning(c12, c21, wbar, gamma))
            if not np.isfinite(half):
                r = np.nan
                break
            r_new = ratio(half, sign)
            if abs(r_new - r) <= 1e-15 * r_new:
                r = r_new
                break
            r = r_new
        out.append(r)
    return tuple(out)


def find_exceptional_point(stiffness_at, bracket, *, xtol=1e-12):
    """Locate an exceptional point numerically: a sign change of the discriminant.

    The discriminant is computed from the eigenvalues ``mu_{1,2}`` of the
    2x2 matrix ``-S/m`` (no closed form used): ``((mu_1 - mu_2)/2)^2`` is real,
    positive in the unbroken phase and negative in the broken one.

    Parameters
    ----------
    stiffness_at : callable
        ``stiffness_at(x) -> (S, masses)`` for the control parameter ``x``
        (e.g. the power ratio), ``S`` in N/m.
    bracket : (float, float)
        Values of ``x`` on either side of the EP.
    xtol : float
        Absolute tolerance on ``x``.

    Returns
    -------
    float
        ``x`` at the EP.
    """
    if not callable(stiffness_at):
        raise TypeError("stiffness_at must be callable: x -> (S, masses)")
    lo, hi = (_v.real_scalar(b, "bracket", "") for b in bracket)

    def disc(x):
        s, m = stiffness_at(x)
        s = _v.square_matrix(s, "stiffness", "N/m", n=2)
        m = _v.same_length(m, "masses", 2, "kg", positive=True)
        mu = np.linalg.eigvals(-s / m[:, None])
        scale = float(np.mean(np.abs(mu))) ** 2
        return float((0.25 * (mu[0] - mu[1]) ** 2).real) / scale

    f_lo, f_hi = disc(lo), disc(hi)
    if f_lo * f_hi > 0:
        raise ValueError(
            "bracket must enclose a sign change of the discriminant (one side "
            "PT-broken, the other unbroken)"
        )
    return float(brentq(disc, lo, hi, xtol=xtol, rtol=4 * np.finfo(float).eps))


def pair_spectrum_scan(power_ratios, phis, *, kd_mod=np.pi / 2, n=None,
                       params="delic2020", gamma_over_omega=0.0):
    """Mode frequencies and growth rates of the tweezer pair over power ratio and phase.

    For every ``(P_1/P_2, phi)`` the closed-form linearisation of
    :func:`optbind.linear.pair.detuned_pair_array` (``k d = kd_mod + 2 pi n``) gives
    :func:`pair_parameters` and the closed-form :func:`pair_eigenvalues`.

    Parameters
    ----------
    power_ratios : array_like, shape (R,)
        ``P_1/P_2`` (> 0).
    phis : array_like, shape (F,)
        Tweezer phase differences ``phi_1 - phi_2`` in rad.
    kd_mod : float
        ``k d`` modulo ``2 pi`` (rad).
    n : int, optional
        Whole wavelengths in ``d`` (default: closest to the set's separation).
    params : ParameterSet or str
        Spheres and tweezers.
    gamma_over_omega : float
        Damping in units of the equal-power trap frequency ``omega`` (>= 0).

    Returns
    -------
    LabelledResult
        Dimensions ``(power_ratio, phi)`` and ``mode`` (the two modes, ordered by
        growth rate): ``growth_rate`` and ``frequency`` (rad/s; real and positive
        imaginary part of ``lambda``), ``discriminant`` ``Delta^2 + c_12 c_21``
        (rad^4/s^4; < 0 PT-broken) and ``exceptional_detuning`` ``sqrt(-c_12 c_21)``
        (rad^2/s^2, NaN where there is no EP); ``attrs`` hold ``omega``, ``gamma``
        and ``kd``.
    """
    ratios = np.atleast_1d(
        _v.real_array(power_ratios, "power_ratios", "1", positive=True)
    )
    phis = np.atleast_1d(_v.real_array(phis, "phis", "rad"))
    if ratios.ndim != 1 or phis.ndim != 1:
        raise ValueError("power_ratios and phis must be 1-D")
    p = as_parameter_set(params)
    kd_mod = _v.real_scalar(kd_mod, "kd_mod", "rad")
    if n is None:
        n = max(0, int(round((p.k * p.separation - kd_mod) / (2 * np.pi))))
    d = tweezer_separation(p.k, n, kd_mod)
    omega = float(p.omega)
    gamma = (
        _v.real_scalar(gamma_over_omega, "gamma_over_omega", "1", nonnegative=True)
        * omega
    )
    shape = (ratios.size, phis.size)
    rate, freq = np.empty(shape + (2,)), np.empty(shape + (2,))
    disc, dep = np.empty(shape), np.empty(shape)
    for i, r in enumerate(ratios):
        for j, phi in enumerate(phis):
            arr = detuned_pair_array(power_ratio=r, d=d, phi=phi, params=p)
            q = pair_parameters(linear_stiffness(arr), arr.masses)
            lam = pair_eigenvalues(
                q["omega1_sq"], q["omega2_sq"], q["c12"], q["c21"], gamma
            )
            lam = lam[lam.imag >= 0][:2] if np.sum(lam.imag >= 0) >= 2 else lam[:2]
            lam = lam[np.argsort(-lam.real, kind="stable")]
            rate[i, j], freq[i, j] = lam.real, lam.imag
            disc[i, j] = pair_discriminant(q["delta"], q["c12"], q["c21"])
            dep[i, j] = exceptional_detuning(q["c12"], q["c21"])
    dims2 = ("power_ratio", "phi")
    return LabelledResult(
        data={
            "growth_rate": rate,
            "frequency": freq,
            "discriminant": disc,
            "exceptional_detuning": dep,
        },
        dims={
            "growth_rate": dims2 + ("mode",),
            "frequency": dims2 + ("mode",),
            "discriminant": dims2,
            "exceptional_detuning": dims2,
        },
        coords={"power_ratio": ratios, "phi": phis, "mode": np.arange(2)},
        units={
            "growth_rate": "1/s",
            "frequency": "rad/s",
            "discriminant": "rad^4/s^4",
            "exceptional_detuning": "rad^2/s^2",
            "power_ratio": "1",
            "phi": "rad",
            "mode": "1",
        },
        attrs={"omega": omega, "gamma": gamma, "kd": float(p.k * d)},
    )
