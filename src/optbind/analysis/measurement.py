"""What a sideband-resolved measurement of two bound particles reveals (layer 5).

Built on :mod:`optbind.dynamics.spectra` (spectra of the linearised model) and
:mod:`optbind.analysis.maps` (the two-particle models and their "what if"
variants).  Conventions: ``S_ab(omega) = int dtau e^{i omega tau}
<z_a(tau) z_b(0)>`` (two-sided, m^2/Hz); positive frequencies are the Stokes,
negative ones the anti-Stokes sideband of heterodyne detection (see
:mod:`optbind.dynamics.spectra`).

Signatures of the noise of optical binding
------------------------------------------
For two particles the cross-diffusion ``D_12`` (corrected Eq. 87b) enters the
spectra in two distinct ways (:func:`optbind.dynamics.spectra.noise_contributions`):

* ``Re D_12`` (correlated recoil) is symmetric noise: it adds
  ``2 Re D_12 [chi_a1 conj(chi_b2) + chi_a2 conj(chi_b1)]`` to every spectrum
  and is visible in the **symmetrised** cross-spectrum ``Sbar_12``.  Relative
  to the coupling-mediated part of ``Sbar_12`` it is ``~ gamma/(4 Gamma)``
  (``Gamma`` the recoil rate), i.e. comparable near the ground state.
* ``Im D_12`` is antisymmetric noise (``2 i Im D^T``): it cancels from every
  symmetrised spectrum and changes only the **sideband difference**
  ``Delta_ab(omega) = S_ab(omega) - S_ba(-omega)``, by
  ``Im D_12 G_ab(omega)`` with the template
  ``G_ab = 4 i [chi_a2 conj(chi_b1) - chi_a1 conj(chi_b2)]``
  (:func:`im_cross_template`).  With ``Im D_12 = hbar (C_12 - C_21)/4`` it
  restores the Kubo relation ``Delta = -i hbar (chi - chi^dag)``.

The variant ``"no_cross_noise"`` of :func:`optbind.analysis.maps.pair_model`
keeps the nonreciprocal couplings but drops ``D_12``.  Its spectra are still
positive (``H Q H^dag`` with ``Q >= 0``) and its symmetrised spectra are
exactly those of a *consistent* model (``D_12 = i Im D_12``, here
``"no_re_cross_noise"``), so no symmetrised measurement can expose it.  The
violation appears only in the sidebands: ``Delta`` disagrees with the
response (Kubo), the f-sum rule ``(m_a/hbar) int omega Delta_ab d omega/2 pi =
delta_ab`` fails (:func:`model_f_sum_rule`, :func:`f_sum_rule`), because
the stationary commutators are no longer canonical.

Measuring ``Im D_12``
---------------------
The cross-sideband difference ``Delta_12(omega) = S_12(omega) - conj(S_12(-omega))``
is first order in ``Im D_12``: at resonance the ``Im D_12`` part is as large
as the whole Kubo value (for the unidirectional pair ``Delta_12`` doubles
without it), whereas in a single particle's own sideband imbalance it enters
only at second order in ``g/gamma``.  :func:`estimate_im_cross_diffusion`
fits ``Im D_12`` to a measured ``Delta_12`` by weighted least squares with
all other model parameters known; :func:`im_cross_sensitivity` gives its
statistical error for a record of length ``T`` (the Whittle, i.e.
large-``T``, limit ``sigma^-2 = T int_0^inf df |G|^2/v``) and the record
length at which the signal reaches a given number of standard deviations.

Assumptions of the error model: two heterodyne (sideband-resolving) records
of duration ``T``, one per particle, calibrated in displacement and phase;
stationary Gaussian statistics (the linear model); white detection
imprecision ``S_imp`` (two-sided, m^2/Hz) on each record, uncorrelated
between the detectors; Fourier amplitudes at different frequencies and at
``+omega``/``-omega`` independent.

All quantities SI unless stated.
"""

from __future__ import annotations

import numpy as np
import scipy.integrate as si
import scipy.optimize as so

from .. import validation as _v
from ..conventions import HBAR
from ..dynamics import moments as _mo
from ..dynamics import spectra as _sp
from ..forces.gas import recoil_phonon_rate
from ..linear.model import ArrayModel
from ..parameters import as_parameter_set
from .maps import pair_model

__all__ = [
    "recoil_rate",
    "cold_damping_rate",
    "heterodyne_imprecision",
    "pair_variants",
    "cross_spectrum_signatures",
    "model_f_sum_rule",
    "f_sum_rule",
    "sideband_difference",
    "split_sidebands",
    "im_cross_template",
    "estimate_im_cross_diffusion",
    "im_cross_sensitivity",
    "simulate_sideband_records",
    "sideband_spectra",
]


# ------------------------------------------------------------------ checks
def _check_model(model):
    if not isinstance(model, ArrayModel):
        raise TypeError(
            f"model must be an optbind.model.ArrayModel; got {type(model).__name__}"
        )
    return model


def _index(model, value, name):
    n = model.n_particles
    return _v.integer(value, name, minimum=-n, maximum=n - 1) % n


def _index_pair(model, value, name, *, distinct):
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(
            f"{name} must be a pair (a, b) of particle indices; got {value!r}"
        )
    a, b = (_index(model, v, name) for v in value)
    if distinct and a == b:
        raise ValueError(f"{name} must name two different particles; got {value!r}")
    return a, b


def _positive_omega(omega):
    w = np.atleast_1d(_v.real_array(omega, "omega", "rad/s", positive=True))
    if w.ndim != 1:
        raise ValueError(f"omega must be 1-dimensional (rad/s); got shape {w.shape}")
    return w


# ------------------------------------------------------- noise and damping
def recoil_rate(model: ArrayModel, particle: int = 0) -> float:
    """Recoil heating ``Gamma_j = D_jj/(m_j hbar omega_eff_j)``, phonons/s (Eq. 87a)."""
    j = _index(_check_model(model), particle, "particle")
    return float(
        recoil_phonon_rate(model.D[j, j].real, model.masses[j], model.omega_eff[j])
    )


def cold_damping_rate(model: ArrayModel, occupation: float, *, particle: int = 0,
                      n_th: float = 0.0, damping: str = "lindblad") -> float:
    """Damping rate (1/s) that holds ``particle`` at a given steady-state occupation.

    Models feedback (cold) damping as a bath of occupation ``n_th`` at rate
    ``gamma`` (Lindblad damping of :mod:`optbind.gaussian`); without
    couplings ``n = n_th + Gamma/gamma`` up to ``O(gamma/omega)``.  Solved by
    Brent's method on ``log gamma`` with the full steady state
    (:func:`optbind.gaussian.phonon_occupation`).

    Parameters
    ----------
    model : ArrayModel
        Array (its own ``gamma`` and ``n_th`` are replaced).
    occupation : float
        Target ``<a^dag a>`` of ``particle``, > ``n_th``.
    particle : int
        Particle index.
    n_th : float
        Bath occupation of the cold damping (0: ideal feedback).
    damping : {"lindblad", "brownian"}
        Damping model.

    Returns
    -------
    float
        ``gamma`` in 1/s.
    """
    j = _index(_check_model(model), particle, "particle")
    n_th = _v.real_scalar(n_th, "n_th", "phonons", nonnegative=True)
    occ = _v.real_scalar(
        occupation, "occupation", "phonons", minimum=n_th, strict_min=True
    )
    w = float(model.omega_eff[j])

    def excess(log_g):
        m = model.replace(gamma=float(np.exp(log_g)) * w, n_th=n_th)
        st = _mo.steady_state(m, damping=damping)
        return float(_mo.phonon_occupation(m, st)[j]) - occ

    # bracket around the uncoupled estimate gamma = Gamma/(n - n_th), widened
    # by factors of 4 (at most 1e-4 ... 1e3 omega_eff)
    guess = np.log(max(recoil_rate(model, j), 1e-300) / (occ - n_th) / w)
    guess = float(np.clip(guess, np.log(1e-4), np.log(1e3)))
    lo = hi = guess
    try:
        f_lo = f_hi = excess(guess)
        while f_lo <= 0 and lo > np.log(1e-4):
            lo = max(lo - np.log(4.0), np.log(1e-4))
            f_lo = excess(lo)
        while f_hi >= 0 and hi < np.log(1e3):
            hi = min(hi + np.log(4.0), np.log(1e3))
            f_hi = excess(hi)
    except ValueError as exc:
        raise ValueError(
            f"no steady state in the damping range searched: {exc}"
        ) from None
    if not (f_lo > 0 > f_hi):
        raise ValueError(
            f"occupation {occ:g} is not reachable with gamma in [1e-4, 1e3] omega_eff"
        )
    return float(np.exp(so.brentq(excess, lo, hi, xtol=1e-12, rtol=1e-12)) * w)


def heterodyne_imprecision(
    model: ArrayModel, particle: int = 0, *, efficiency: float
) -> float:
    """Imprecision of heterodyne position detection, ``hbar^2/(4 eta D_jj)`` in m^2/Hz.

    Assumptions: the recoil force noise ``S_FF = 2 D_jj`` (two-sided,
    Eq. 89) is the back-action of the measurement by the scattered light; an
    ideal homodyne detection of all of it reaches the Heisenberg bound
    ``S_imp S_FF = hbar^2/4`` (two-sided symmetrised densities); detecting a
    fraction ``eta`` of the information divides the rate by ``eta``, and
    heterodyne detection (both quadratures, sidebands resolved) doubles the
    imprecision.  In units of :func:`optbind.dynamics.spectra.zero_point_spectrum`
    (``~ 2 l^2/gamma``) this is ``gamma/(8 eta Gamma)``.

    Parameters
    ----------
    model : ArrayModel
        Array.
    particle : int
        Particle index.
    efficiency : float
        Detection efficiency ``eta`` in (0, 1].

    Returns
    -------
    float
        Two-sided white imprecision ``S_imp`` (m^2/Hz) added to both sidebands.
    """
    j = _index(_check_model(model), particle, "particle")
    eta = _v.real_scalar(
        efficiency,
        "efficiency",
        "dimensionless",
        minimum=0.0,
        maximum=1.0,
        strict_min=True,
    )
    d = float(model.D[j, j].real)
    if d <= 0:
        raise ValueError(
            "model must have recoil diffusion D_jj > 0 for particle "
            f"{j} (it sets the measurement back-action)"
        )
    return HBAR**2 / (4.0 * eta * d)


# ------------------------------------------------------ pair signatures
def pair_variants(
    kd, phi, *, params=None, gamma=0.0, n_th=0.0, theta1=0.0, theta2=0.0
) -> dict:
    """The two-particle model and the variants compared in the spectra.

    ``"physical"``, ``"no_cross_noise"`` (``D_12 = 0``, inconsistent),
    ``"no_im_cross_noise"`` (``Im D_12 = 0``, inconsistent) from
    :func:`optbind.analysis.maps.pair_model`, plus ``"no_re_cross_noise"``
    (``D_12 = i Im D_12``: correlated recoil removed, commutators still
    canonical; positive semidefinite while ``D_11 D_22 >= (Im D_12)^2``).

    Returns
    -------
    dict of ArrayModel
    """
    p = as_parameter_set(params)
    kw = dict(params=p, gamma=gamma, n_th=n_th, theta1=theta1, theta2=theta2)
    out = {
        v: pair_model(kd, phi, variant=v, **kw)
        for v in ("physical", "no_cross_noise", "no_im_cross_noise")
    }
    D = out["physical"].D.copy()
    off = ~np.eye(2, dtype=bool)
    D[off] = 1j * D[off].imag
    out["no_re_cross_noise"] = out["physical"].replace(D=D)
    return out


def model_f_sum_rule(
    model: ArrayModel, *, damping: str = "lindblad", source: str = "langevin"
) -> np.ndarray:
    """``(m_a/hbar) int omega Delta_ab d omega/(2 pi)`` from the model (dimensionless).

    ``int (-i omega)[S(omega) - S(-omega)^T] d omega/(2 pi) = A (S - S^T)``
    (``d/dt <x(tau) x(0)>`` at ``tau = 0``), so the matrix is
    ``i m_a <[dz_a/dt, z_b]>/hbar`` with the velocity of the drift.  For
    canonical operators (``[z_a, z_b] = 0``, ``[z_b, p_a] = i hbar delta``) it
    is the identity: the f-sum rule.  Only position spectra enter the
    left-hand side, so an experiment can test it (:func:`f_sum_rule`); a
    model whose noise does not conserve the commutators violates it.

    Returns
    -------
    ndarray, shape (N, N), real
    """
    _check_model(model)
    eqs = _mo.moment_equations(model, damping=damping, source=source)
    st = _mo.steady_state(model, damping=damping, source=source)
    n = model.n_particles
    M = 1j * (eqs.A @ st.commutator)[:n, :n] * model.masses[:, None] / HBAR
    return M.real


def f_sum_rule(omega, delta, masses) -> np.ndarray:
    """The f-sum rule evaluated on sampled sideband differences (data version).

    ``Delta_ab(-omega) = -conj(Delta_ab(omega))``, so
    ``(m_a/hbar) int omega Delta_ab d omega/(2 pi)
    = (m_a/(pi hbar)) int_0^inf omega Re Delta_ab(omega) d omega``,
    computed with the trapezoidal rule (the integrand must have decayed at the
    ends of the grid; imprecision noise does not contribute to ``Delta``).

    Parameters
    ----------
    omega : array_like, shape (F,)
        Increasing positive angular frequencies (rad/s).
    delta : array_like, shape (F, N, N)
        ``Delta_ab(omega)`` in m^2/Hz (:func:`sideband_difference`).
    masses : array_like, shape (N,)
        Masses in kg.

    Returns
    -------
    ndarray, shape (N, N)
        Dimensionless; the identity for canonical operators.
    """
    w = _positive_omega(omega)
    if np.any(np.diff(w) <= 0):
        raise ValueError("omega must be increasing (rad/s)")
    d = _v.complex_array(delta, "delta", "m^2/Hz")
    if d.ndim != 3 or d.shape[0] != w.size or d.shape[1] != d.shape[2]:
        raise ValueError(f"delta must have shape ({w.size}, N, N); got {d.shape}")
    m = _v.same_length(masses, "masses", d.shape[1], "kg", positive=True)
    integral = np.trapezoid(w[:, None, None] * d.real, w, axis=0)
    return m[:, None] * integral / (np.pi * HBAR)


def sideband_difference(P_plus, P_minus) -> np.ndarray:
    """``Delta_ab(omega) = P_ab(omega) - P_ba(-omega)`` from the two sidebands.

    Parameters
    ----------
    P_plus, P_minus : array_like, shape (F, N, N)
        Spectral matrices (estimates or model) at ``+omega`` and ``-omega``.

    Returns
    -------
    ndarray, shape (F, N, N), complex
    """
    a = _v.complex_array(P_plus, "P_plus")
    b = _v.complex_array(P_minus, "P_minus")
    if a.shape != b.shape or a.ndim != 3 or a.shape[1] != a.shape[2]:
        raise ValueError(
            f"P_plus and P_minus must have equal shapes (F, N, N); got "
            f"{a.shape} and {b.shape}"
        )
    return a - np.swapaxes(b, 1, 2)


def cross_spectrum_signatures(
    model: ArrayModel, omega, *, damping: str = "lindblad", source: str = "langevin"
) -> dict:
    """Everything the two-particle chapter plots for one model, on ``omega > 0``.

    Returns
    -------
    dict
        ``"sbar"``: symmetrised position spectra (F, N, N);
        ``"correlated_recoil"``: the ``Re D`` (off-diagonal) part of ``sbar``;
        ``"delta"``: sideband differences ``S_ab(w) - S_ba(-w)`` (F, N, N);
        ``"kubo"``: what ``delta`` must be for canonical operators;
        ``"im_cross"``: the ``Im D`` (off-diagonal) part of ``delta``;
        ``"commutators"``: stationary ``<[z_a, p_b]>/(i hbar)`` (N, N);
        ``"f_sum_rule"``: :func:`model_f_sum_rule`;
        ``"sidebands"``: :func:`optbind.dynamics.spectra.sideband_asymmetry`
        of every particle (list of dicts).
    """
    _check_model(model)
    w = _positive_omega(omega)
    n = model.n_particles
    kw = dict(damping=damping, source=source)
    parts = _sp.noise_contributions(model, w, **kw)
    st = _mo.steady_state(model, **kw)
    return {
        "sbar": _sp.position_spectra(model, w, ordering="symmetrised", **kw),
        "correlated_recoil": parts["correlated_recoil"][:, :n, :n],
        "delta": _sp.commutator_spectrum(model, w, **kw)[:, :n, :n],
        "kubo": _sp.kubo_commutator_spectrum(model, w, **kw)[:, :n, :n],
        "im_cross": 2.0 * parts["im_cross"][:, :n, :n],
        "commutators": (st.commutator[:n, n:] / (1j * HBAR)).real,
        "f_sum_rule": model_f_sum_rule(model, **kw),
        "sidebands": [_sp.sideband_asymmetry(model, j, **kw) for j in range(n)],
    }


# ------------------------------------------------------ Im D_12 estimator
def im_cross_template(model: ArrayModel, omega, *, element=(0, 1), pair=(0, 1),
                      damping: str = "lindblad",
                      source: str = "langevin") -> np.ndarray:
    """``G_ab(omega) = d Delta_ab(omega)/d Im D_jk`` in (m^2/Hz)/(N^2 s).

    ``Im D_jk = -Im D_kj = theta`` adds ``2 i theta (e_k e_j^T - e_j e_k^T)`` to
    the momentum noise ``Q_pp = 2 D^T``, hence
    ``G_ab = 4 i [chi_ak conj(chi_bj) - chi_aj conj(chi_bk)]`` with the
    susceptibility of :func:`optbind.dynamics.spectra.susceptibility_matrix`
    (independent of the noise, so the same for every variant).

    Parameters
    ----------
    model : ArrayModel
        Stable array (its drift sets ``chi``).
    omega : array_like, shape (F,)
        Positive angular frequencies (rad/s).
    element : (int, int)
        Which sideband difference ``Delta_ab``.
    pair : (int, int)
        Which cross-diffusion ``Im D_jk`` (``j != k``).
    damping, source : str
        As in :func:`optbind.gaussian.moment_equations`.

    Returns
    -------
    ndarray, shape (F,), complex
    """
    _check_model(model)
    w = _positive_omega(omega)
    a, b = _index_pair(model, element, "element", distinct=False)
    j, k = _index_pair(model, pair, "pair", distinct=True)
    chi = _sp.susceptibility_matrix(model, w, damping=damping, source=source)
    return 4j * (
        chi[:, a, k] * np.conj(chi[:, b, j]) - chi[:, a, j] * np.conj(chi[:, b, k])
    )


def _error_model(model, w, a, b, imprecision, kw):
    """Template, baseline and single-average projected variance on ``w > 0``."""
    n = model.n_particles
    S_p = _sp.position_spectra(model, w, **kw)
    S_m = _sp.position_spectra(model, -w, **kw)
    Sig_p = S_p + imprecision * np.eye(n)
    Sig_m = S_m + imprecision * np.eye(n)
    abs2 = Sig_p[:, a, a] * Sig_p[:, b, b] + Sig_m[:, b, b] * Sig_m[:, a, a]
    sq = Sig_p[:, a, b] ** 2 + Sig_m[:, b, a] ** 2
    return S_p, S_m, abs2.real, sq


def _projected(G, abs2, sq):
    u = G / np.abs(G)
    return 0.5 * (abs2 + np.real(np.conj(u) ** 2 * sq))


def split_sidebands(omega, P):
    """Pair every positive frequency of a two-sided grid with its negative partner.

    Parameters
    ----------
    omega : array_like, shape (F,)
        Increasing two-sided grid (rad/s), e.g. from :func:`sideband_spectra`.
    P : array_like, shape (F, N, N)
        Spectral matrices on that grid.

    Returns
    -------
    omega_pos : ndarray, shape (K,)
        The positive frequencies whose negatives are on the grid.
    P_plus, P_minus : ndarray, shape (K, N, N)
        ``P`` at ``+omega_pos`` and ``-omega_pos``.
    """
    w = np.atleast_1d(_v.real_array(omega, "omega", "rad/s"))
    if w.ndim != 1 or np.any(np.diff(w) <= 0):
        raise ValueError("omega must be an increasing 1-D grid (rad/s)")
    Pm = _v.complex_array(P, "P", "m^2/Hz")
    if Pm.ndim != 3 or Pm.shape[0] != w.size:
        raise ValueError(f"P must have shape ({w.size}, N, N); got {Pm.shape}")
    pos = np.flatnonzero(w > 0)
    scale = float(np.max(np.abs(w)))
    idx = np.searchsorted(w, -w[pos])
    idx = np.clip(idx, 0, w.size - 1)
    ok = np.abs(w[idx] + w[pos]) <= 1e-9 * scale
    pos, idx = pos[ok], idx[ok]
    if pos.size == 0:
        raise ValueError("omega has no pair of frequencies +w, -w")
    return w[pos], Pm[pos], Pm[idx]


def estimate_im_cross_diffusion(model: ArrayModel, omega, delta, *,
                                record_length: float, imprecision: float,
                                element=(0, 1), pair=(0, 1), damping: str = "lindblad",
                                source: str = "langevin") -> dict:
    """Weighted least-squares estimate of ``Im D_jk`` from sideband differences.

    Model: ``Delta_ab(omega) = Delta0_ab(omega) + theta G_ab(omega)`` where
    ``G`` is :func:`im_cross_template` and ``Delta0`` everything else (drift,
    damping and the other noise taken from ``model``, i.e. known from the
    response and the symmetrised spectra).  With the projection
    ``y = Re[conj(u)(Delta_hat - Delta0)]``, ``u = G/|G|``, and the
    single-average variance ``v_1`` of ``y`` for complex-Gaussian spectral
    estimates (:func:`im_cross_sensitivity`),
    ``theta_hat = sum(|G| y/v_1)/sum(|G|^2/v_1)``.  The reported error is the
    Whittle value ``sigma^-2 = T df sum(|G|^2/v_1)`` on the uniform grid of
    spacing ``df``; a Hann-windowed Welch estimate is close to it (measured
    in ``tests/test_measurement.py``).

    Parameters
    ----------
    model : ArrayModel
        The model the data are compared with (its own ``Im D_jk`` is only
        removed from the baseline).
    omega : array_like, shape (F,)
        Uniform grid of positive analysis frequencies (rad/s), e.g. the Welch
        bins from :func:`split_sidebands`.
    delta : array_like, shape (F,) or (F, N, N)
        Measured ``Delta_ab`` (or the whole matrix, :func:`sideband_difference`).
    record_length : float
        Duration ``T`` of the records (s).
    imprecision : float
        White two-sided detection imprecision (m^2/Hz) of every record, >= 0.
    element, pair : (int, int)
        As in :func:`im_cross_template`.
    damping, source : str
        As in :func:`optbind.gaussian.moment_equations`.

    Returns
    -------
    dict
        ``"theta"`` (N^2 s), ``"sigma"`` (its standard error), ``"theta_model"``
        (``Im D_jk`` of ``model``).
    """
    _check_model(model)
    w = _positive_omega(omega)
    steps = np.diff(w)
    if w.size < 2 or np.any(np.abs(steps - steps.mean()) > 1e-6 * steps.mean()):
        raise ValueError("omega must be a uniform increasing grid with >= 2 points")
    a, b = _index_pair(model, element, "element", distinct=False)
    j, k = _index_pair(model, pair, "pair", distinct=True)
    T = _v.real_scalar(record_length, "record_length", "s", positive=True)
    s_imp = _v.real_scalar(imprecision, "imprecision", "m^2/Hz", nonnegative=True)
    d = _v.complex_array(delta, "delta", "m^2/Hz")
    if d.ndim == 3:
        if d.shape[0] != w.size:
            raise ValueError(
                f"delta must have {w.size} frequencies; got shape {d.shape}"
            )
        d = d[:, a, b]
    if d.shape != w.shape:
        raise ValueError(
            f"delta must have shape ({w.size},) or ({w.size}, N, N); got "
            f"{np.shape(delta)}"
        )
    kw = dict(damping=damping, source=source)
    G = im_cross_template(model, w, element=(a, b), pair=(j, k), **kw)
    theta_model = float(model.D[j, k].imag)
    S_p, S_m, abs2, sq = _error_model(model, w, a, b, s_imp, kw)
    baseline = S_p[:, a, b] - S_m[:, b, a] - theta_model * G
    v1 = _projected(G, abs2, sq)
    u = G / np.abs(G)
    y = np.real(np.conj(u) * (d - baseline))
    info = np.sum(np.abs(G) ** 2 / v1)
    theta = float(np.sum(np.abs(G) * y / v1) / info)
    df = float(steps.mean()) / (2 * np.pi)
    return {
        "theta": theta,
        "sigma": float(1.0 / np.sqrt(T * df * info)),
        "theta_model": theta_model,
    }


def im_cross_sensitivity(model: ArrayModel, *, imprecision: float,
                         record_length: float | None = None, element=(0, 1),
                         pair=(0, 1), significance: float = 3.0, omega_max=None,
                         n_omega: int = 20001, damping: str = "lindblad",
                         source: str = "langevin") -> dict:
    """Statistical error of the ``Im D_jk`` estimate and the record length it needs.

    Whittle (large-``T``) limit of :func:`estimate_im_cross_diffusion`:
    ``sigma(T)^-2 = T I`` with ``I = int_0^inf df |G(2 pi f)|^2/v_1(2 pi f)``
    (``v_1`` the single-average projected variance), evaluated with Simpson's
    rule on ``n_omega`` frequencies up to ``omega_max``.

    Parameters
    ----------
    model : ArrayModel
        Stable array whose ``Im D_jk`` is the signal.
    imprecision : float
        White two-sided detection imprecision (m^2/Hz) of every record, >= 0.
    record_length : float, optional
        ``T`` in s for ``"sigma"`` and ``"snr"``.
    element, pair : (int, int)
        As in :func:`im_cross_template`.
    significance : float
        Number of standard deviations for ``"record_length_needed"`` (> 0).
    omega_max : float, optional
        Upper end of the integral (rad/s); default ``4 max(omega_eff)`` plus
        ``40 gamma``.
    n_omega : int
        Quadrature points (odd, >= 101).
    damping, source : str
        As in :func:`optbind.gaussian.moment_equations`.

    Returns
    -------
    dict
        ``"theta"`` (``Im D_jk``, N^2 s), ``"fisher_rate"`` ``I`` (1/(s (N^2 s)^2)),
        ``"record_length_needed"`` ``(significance/theta)^2/I`` (s), and, when
        ``record_length`` is given, ``"sigma"`` and ``"snr"`` (``|theta|/sigma``).
    """
    _check_model(model)
    a, b = _index_pair(model, element, "element", distinct=False)
    j, k = _index_pair(model, pair, "pair", distinct=True)
    s_imp = _v.real_scalar(imprecision, "imprecision", "m^2/Hz", nonnegative=True)
    z = _v.real_scalar(significance, "significance", positive=True)
    n_omega = _v.integer(n_omega, "n_omega", minimum=101)
    if omega_max is None:
        omega_max = 4.0 * float(np.max(model.omega_eff)) + 40.0 * model.gamma
    omega_max = _v.real_scalar(omega_max, "omega_max", "rad/s", positive=True)
    w = np.linspace(0.0, omega_max, n_omega | 1)[1:]
    kw = dict(damping=damping, source=source)
    G = im_cross_template(model, w, element=(a, b), pair=(j, k), **kw)
    _, _, abs2, sq = _error_model(model, w, a, b, s_imp, kw)
    dens = np.abs(G) ** 2 / _projected(G, abs2, sq)
    info = float(si.simpson(dens, x=w / (2 * np.pi)))
    theta = float(model.D[j, k].imag)
    out = {
        "theta": theta,
        "fisher_rate": info,
        "record_length_needed": (z / theta) ** 2 / info if theta != 0 else np.inf,
    }
    if record_length is not None:
        T = _v.real_scalar(record_length, "record_length", "s", positive=True)
        sigma = 1.0 / np.sqrt(T * info)
        out.update(sigma=float(sigma), snr=float(abs(theta) / sigma))
    return out


# --------------------------------------------------- synthetic records
def simulate_sideband_records(model: ArrayModel, *, dt: float, n_samples: int,
                              imprecision: float = 0.0, n_records: int = 1, seed=None,
                              damping: str = "lindblad",
                              source: str = "langevin") -> np.ndarray:
    """Synthetic sideband-resolved (heterodyne) records with the model's spectra.

    Complex Gaussian records ``zeta_a(t)`` (periodic, exact by circulant
    embedding) with ``E[zeta_a(t + tau) conj(zeta_b(t))] = int d omega/(2 pi)
    e^{-i omega tau} [S_ab(omega) + S_imp delta_ab]``, i.e. the correlation
    ``<z_a(tau) z_b(0)>`` of the non-symmetrised spectra plus white detection
    noise, band-limited to the Nyquist range ``|omega| < pi/dt``.  They stand
    for calibrated heterodyne records; the physics is in the spectra, not in
    the time traces.

    Parameters
    ----------
    model : ArrayModel
        Stable array.
    dt : float
        Sampling step (s); ``pi/dt`` should exceed the motional frequencies.
    n_samples : int
        Samples per record (>= 16).
    imprecision : float
        White two-sided detection imprecision (m^2/Hz), >= 0.
    n_records : int
        Independent records (>= 1).
    seed : int, None or numpy.random.Generator
        Randomness.
    damping, source : str
        As in :func:`optbind.gaussian.moment_equations`.

    Returns
    -------
    ndarray, shape (n_records, n_samples, N), complex
        Displacements in m.
    """
    _check_model(model)
    dt = _v.real_scalar(dt, "dt", "s", positive=True)
    M = _v.integer(n_samples, "n_samples", minimum=16)
    R = _v.integer(n_records, "n_records", minimum=1)
    s_imp = _v.real_scalar(imprecision, "imprecision", "m^2/Hz", nonnegative=True)
    rng = _v.random_generator(seed)
    n = model.n_particles
    w = 2 * np.pi * np.fft.fftfreq(M, dt)
    Sig = _sp.position_spectra(model, w, damping=damping, source=source)
    Sig = 0.5 * (Sig + np.conj(np.swapaxes(Sig, 1, 2))) + s_imp * np.eye(n)
    lam, V = np.linalg.eigh(Sig)
    root = V * np.sqrt(np.clip(lam, 0.0, None))[:, None, :]  # root root^dag = Sig
    xi = (
        rng.standard_normal((R, M, n)) + 1j * rng.standard_normal((R, M, n))
    ) / np.sqrt(2)
    c = np.einsum("kab,rkb->rka", root, xi) / np.sqrt(M * dt)
    return np.fft.fft(c, axis=1)  # sum_k c_k e^{-i w_k t}


def sideband_spectra(records, dt: float, *, nperseg: int, window: str = "hann"):
    """Sideband-resolved spectral matrix ``P_ab(omega)`` estimating ``S_ab(omega)``.

    For complex records ``zeta`` with ``E[zeta_a(t+tau) conj(zeta_b(t))] =
    <z_a(tau) z_b(0)>``, NumPy's ``e^{-i omega t}`` transform evaluated at
    ``f = -omega/(2 pi)`` is the ``e^{+i omega t}`` transform of this package,
    so ``P_ab(omega) = csd(zeta_b, zeta_a)(f = -omega/2 pi)``
    (:func:`scipy.signal.csd`, two-sided, Hann window, 50 % overlap, no
    detrending), averaged over records.

    Parameters
    ----------
    records : array_like, shape (R, M, N) or (M, N), complex
        Records on a uniform grid (e.g. :func:`simulate_sideband_records`).
    dt : float
        Sampling step (s).
    nperseg : int
        Welch segment length (>= 8, <= M).
    window : str
        Window name.

    Returns
    -------
    omega : ndarray, shape (nperseg,)
        Increasing angular frequencies (rad/s).
    P : ndarray, shape (nperseg, N, N), complex
        Estimate of ``S_ab(omega)`` (m^2/Hz).
    """
    dt = _v.real_scalar(dt, "dt", "s", positive=True)
    z = _v.complex_array(records, "records", "m")
    if z.ndim == 2:
        z = z[None]
    if z.ndim != 3:
        raise ValueError(f"records must have shape (R, M, N) or (M, N); got {z.shape}")
    # C[f, r, a, b] = csd(z_a, z_b) = <conj(Z_a) Z_b>; the estimate is its transpose
    f, C = _sp.welch_cross_spectra(z, dt, nperseg=nperseg, window=window, axis=1)
    P = np.swapaxes(C, -1, -2).mean(axis=1)
    w = -2 * np.pi * f
    order = np.argsort(w)
    return w[order], P[order]
