"""The directionally amplifying chain as a force amplifier: gain, isolation, noise.

Set-up (Sec. V B, Eqs. 96-101; conventions of :mod:`optbind.conventions`): a
chain of identical particles (couplings :func:`optbind.chain.chain_couplings`,
recoil noise :func:`optbind.chain.chain_diffusion_matrix`), Brownian gas
damping ``gamma`` (Eq. 96) with bath occupation ``n_th``, in the stable
regime ``g < g_c(N)`` (:func:`optbind.analysis.amplification.critical_coupling`).
A weak force acts on the **input** particle ``s`` and the position of the
**output** particle ``d`` is read out.  For ``kd_next = phi_next = pi/4`` the
signal runs from particle ``N`` to particle 1, so ``s = N - 1``, ``d = 0``
(0-based; the mirror image ``phi_next -> -phi_next`` runs from 1 to ``N``).
The transmission is the normalised susceptibility ``chi_ds`` of
:func:`optbind.response.susceptibility` (``|chi_single(omega0)| = 1``).
Frequencies and rates may be in any common unit (the book uses ``gamma``).

Noise in quanta, referred to the input
--------------------------------------
All noises are forces (two-sided symmetrised spectral densities, white over
the band ``|omega - omega0| << omega0``):

* the damping bath of particle ``b``: ``2 m hbar omega0 gamma (n_th + 1/2)``;
* recoil (Eq. 89): the matrix ``2 Re D``.

The output displacement noise is ``sum_bc chi_db N_bc conj(chi_dc)``; dividing
by the signal transmission ``|chi_ds|^2`` refers it to the input, and dividing
by ``2 m hbar omega0 gamma`` expresses it in **quanta of the input
oscillator**: a force noise of ``n`` quanta heats the undamped-by-coupling
input particle to ``n`` phonons above its zero point, and the bath of the
input particle itself contributes ``n_th + 1/2`` (its zero-point half quantum
is the vacuum noise that accompanies any input signal).  Hence

.. math:: \\mathcal N(\\omega) = \\sum_{bc} r_b\\,\\mathcal N_{bc}\\,r_c^*,
          \\quad r_b = \\chi_{db}/\\chi_{ds},
          \\quad \\mathcal N_{bc} = \\frac{g}{\\gamma}\\,\\mathrm{Re}\\,d_{bc}
          + (n_{\\rm th} + \\tfrac12)\\delta_{bc},

with ``d = D/(hbar m omega0 g)`` and a detection-noise term
``s_imp/|chi_ds(omega)|^2`` for a white imprecision ``s_imp`` in units of
the single-particle zero-point peak ``2 hbar/(m gamma omega0)``.  The
**added noise** is ``N - (n_th + 1/2)``, i.e. everything but the input's
own bath: the recoil of all particles (including the input's, which the
tweezer light causes) and the baths of the other particles.

Quantum limit.  With the power gain ``G(omega) = |chi_ds/chi_single|^2``
relative to reading out the input particle itself, a phase-preserving linear
amplifier adds at least ``|1 - 1/G|/2`` quanta (Caves 1982), ``-> 1/2`` at
large gain; a single particle (``G = 1``) need add nothing, yet adds its
recoil ``Gamma/gamma = (g/gamma) d_jj``.  The couplings fix ``Im D``
(``C - C^T = 4 Im D/hbar``) and ``D >= 0`` then demands a real part with
``Re D >= +-i Im D``; the choice ``Re D = |i Im D|`` (the matrix modulus,
``D = |M| + M >= 0`` with ``M = i Im D``) is a quantum-limited reference
of this kind (not the unique minimum in the matrix order), available as
``recoil="minimal"``.
"""

from __future__ import annotations

import numpy as np
import scipy.optimize as so

from .. import validation as _v
from ..dynamics.response import susceptibility
from ..linear.chain import chain_couplings, chain_diffusion_matrix
from .amplification import critical_coupling, refine_peak

__all__ = [
    "RECOIL_MODELS",
    "chain_noise_quanta",
    "chain_amplifier",
    "coupling_for_gain",
    "force_noise_scan",
]

#: Recoil models of :func:`chain_noise_quanta`.
RECOIL_MODELS = ("full", "minimal", "none")


def _geometry(kd_next, phi_next, n_wavelengths, kzR):
    kd_next = _v.real_scalar(kd_next, "kd_next", "rad")
    phi_next = _v.real_scalar(phi_next, "phi_next", "rad")
    n_w = _v.integer(n_wavelengths, "n_wavelengths", minimum=0)
    kzR = _v.real_scalar(
        kzR, "kzR", "dimensionless", minimum=1.0, strict_min=True, allow_inf=True
    )
    return kd_next, phi_next, n_w, kzR


def chain_noise_quanta(n_particles: int, omega0: float, g: float, gamma: float, *,
                       kd_next: float = np.pi / 4, phi_next: float = np.pi / 4,
                       n_wavelengths: int = 6, kzR: float = np.inf, n_th: float = 0.0,
                       recoil: str = "full") -> np.ndarray:
    """Force-noise matrix of the chain in quanta of the input oscillator.

    ``N_bc = Re D_bc/(m hbar omega0 gamma) + (n_th + 1/2) delta_bc`` (module
    docstring), with ``D`` from :func:`optbind.chain.chain_diffusion_matrix`
    (``k_L d_next = 2 pi n_wavelengths + kd_next``).

    Parameters
    ----------
    n_particles : int
        Chain length (>= 1).
    omega0, g, gamma : float
        Trap frequency, coupling rate (Eq. 98) and damping rate (common unit).
    kd_next, phi_next : float
        Geometry (rad).
    n_wavelengths : int
        Whole wavelengths in the spacing (sets the on-site recoil).
    kzR : float
        ``k_L z_R`` of the tweezers (> 1, ``inf`` allowed).
    n_th : float
        Bath occupation of the damping (0: zero temperature / ideal cold damping).
    recoil : {"full", "minimal", "none"}
        ``"full"``: Eqs. (87a)-(87b); ``"minimal"``: ``Re D = |i Im D|``, a
        least-noise completion of the ``Im D`` the couplings require;
        ``"none"``: no recoil (violates the commutation relations for
        nonreciprocal couplings).

    Returns
    -------
    ndarray, shape (N, N), real symmetric
    """
    n = _v.integer(n_particles, "n_particles", minimum=1)
    omega0 = _v.real_scalar(omega0, "omega0", "frequency", positive=True)
    g = _v.real_scalar(g, "g", "frequency", nonnegative=True)
    gamma = _v.real_scalar(gamma, "gamma", "frequency", positive=True)
    kd_next, phi_next, n_w, kzR = _geometry(kd_next, phi_next, n_wavelengths, kzR)
    n_th = _v.real_scalar(n_th, "n_th", "phonons", nonnegative=True)
    _v.choice(recoil, "recoil", RECOIL_MODELS)
    bath = (n_th + 0.5) * np.eye(n)
    if recoil == "none" or g == 0.0:
        return bath
    # D in units of hbar m omega0 g (mass = hbar = 1, omega0 = g = 1 in the call)
    d = chain_diffusion_matrix(
        n, 1.0, 1.0, kd_next, phi_next, n_w, kzR=kzR, mass=1.0, hbar=1.0
    )
    if recoil == "minimal":
        M = 1j * d.imag
        lam, V = np.linalg.eigh(M)
        d = ((V * np.abs(lam)) @ V.conj().T).real + 1j * d.imag
    return (g / gamma) * d.real + bath


def _single(omega, omega0, gamma):
    return -1j * omega0 * gamma / (omega0**2 - omega**2 - 1j * gamma * omega)


def _indices(n, source, detector):
    s = _v.integer(source, "source", minimum=-n, maximum=n - 1) % n
    d = _v.integer(detector, "detector", minimum=-n, maximum=n - 1) % n
    return s, d


def _default_grid(B, omega0, gamma):
    """``omega0 +- 10 gamma`` (4001 points) plus the undamped mode frequencies."""
    w = np.linspace(omega0 - 10 * gamma, omega0 + 10 * gamma, 4001)
    mu = np.linalg.eigvals(B) if B.shape[0] > 1 else np.zeros(1)
    modes = np.sqrt(np.clip((omega0**2 - mu).real, 0, None))
    return np.unique(np.concatenate([w, modes[(modes > w[0]) & (modes < w[-1])]]))


def _forward_power(omega, B, omega0, gamma, s, d):
    """``|chi_ds(omega)|^2`` (one element of the susceptibility)."""
    return np.abs(susceptibility(omega, B, omega0, gamma, elements=[(d, s)])[:, 0]) ** 2


def _response(omega, B, omega0, gamma, s, d):
    """Row ``d`` of chi (all columns) and the backward element ``chi_sd``."""
    n = B.shape[0]
    elements = [(d, b) for b in range(n)] + [(s, d)]
    out = susceptibility(omega, B, omega0, gamma, elements=elements)
    return out[:, :n], out[:, n]


def chain_amplifier(n_particles: int, omega0: float, g: float, gamma: float, *,
                    kd_next: float = np.pi / 4, phi_next: float = np.pi / 4,
                    n_wavelengths: int = 6, kzR: float = np.inf, n_th: float = 0.0,
                    recoil: str = "full", imprecision: float = 0.0, source: int = -1,
                    detector: int = 0, omega=None, refine_rounds: int = 6) -> dict:
    """Gain, bandwidth, isolation and input-referred noise of a chain amplifier.

    Parameters
    ----------
    n_particles : int
        Chain length (>= 1; for 1 the "chain" is the input particle itself).
    omega0, g, gamma : float
        Trap frequency, coupling rate, damping rate (common unit); ``g`` below
        the critical coupling.
    kd_next, phi_next, n_wavelengths, kzR, n_th, recoil
        As in :func:`chain_noise_quanta`.
    imprecision : float
        White detection imprecision of the output particle in units of the
        single-particle zero-point peak ``2 hbar/(m gamma omega0)`` (>= 0).
    source, detector : int
        Input and output particles (0-based, negative from the end); default
        ``N - 1 -> 0``, the amplified direction for ``phi_next = pi/4``.
    omega : array_like, optional
        Frequency grid (default ``omega0 +- 10 gamma``, 4001 points, plus the
        mode frequencies).
    refine_rounds : int
        Zoom steps of :func:`optbind.analysis.amplification.refine_peak` for
        the gain peak.

    Returns
    -------
    dict
        On the grid: ``"omega"``, ``"forward"`` (``chi_ds``), ``"backward"``
        (``chi_sd``), ``"gain"`` ``G(omega)``, ``"noise"`` (total
        input-referred quanta including detection), ``"added"`` (recoil and
        other baths), ``"recoil"`` (recoil part of ``"added"``),
        ``"detection"``, ``"quantum_limit"`` ``|1 - 1/G|/2``.  Scalars:
        ``"peak_gain"`` (max ``|chi_ds|^2``, single particle = 1),
        ``"omega_peak"``, ``"gain_at_peak"`` (``G`` there), ``"bandwidth"``
        (full width at half maximum of ``|chi_ds|^2``), ``"isolation"``
        (``|chi_sd|^2/|chi_ds|^2`` at the peak), ``"added_at_peak"``,
        ``"quantum_limit_at_peak"``, ``"omega_best"`` and ``"noise_best"``
        (minimum of ``"noise"`` over the grid), ``"input_noise"`` (``n_th + 1/2``).
    """
    n = _v.integer(n_particles, "n_particles", minimum=1)
    omega0 = _v.real_scalar(omega0, "omega0", "frequency", positive=True)
    gamma = _v.real_scalar(gamma, "gamma", "frequency", positive=True)
    g = _v.real_scalar(g, "g", "frequency", nonnegative=True)
    s_imp = _v.real_scalar(
        imprecision, "imprecision", "zero-point units", nonnegative=True
    )
    s, d = _indices(n, source, detector)
    if n > 1 and s == d:
        raise ValueError("source and detector must differ for a chain")
    geo = dict(kd_next=kd_next, phi_next=phi_next, n_wavelengths=n_wavelengths, kzR=kzR)
    if n > 1:
        gc = critical_coupling(n, omega0 / gamma, kd_next=kd_next, phi_next=phi_next)
        if g >= gc * gamma:
            raise ValueError(
                f"g must be below the critical coupling g_c = {gc * gamma:.4g} "
                f"for N = {n} (the chain is unstable); got {g:g}"
            )
    Nq = chain_noise_quanta(n, omega0, g, gamma, n_th=n_th, recoil=recoil, **geo)
    Nr = Nq - (n_th + 0.5) * np.eye(n)
    B = chain_couplings(n, omega0, g, kd_next, phi_next)
    if omega is None:
        w = _default_grid(B, omega0, gamma)
    else:
        w = np.atleast_1d(_v.real_array(omega, "omega", "frequency"))
        if w.ndim != 1 or w.size < 3 or np.any(np.diff(w) <= 0):
            raise ValueError("omega must be an increasing 1-D grid with >= 3 points")
    row, back = _response(w, B, omega0, gamma, s, d)
    fwd = row[:, s]
    r = row / fwd[:, None]
    total_nodet = np.einsum("fb,bc,fc->f", r, Nq, r.conj()).real
    recoil_part = np.einsum("fb,bc,fc->f", r, Nr, r.conj()).real
    single = _single(w, omega0, gamma)
    G = np.abs(fwd) ** 2 / np.abs(single) ** 2
    det = s_imp / np.abs(fwd) ** 2
    added = total_nodet - (n_th + 0.5)
    noise = total_nodet + det
    ql = 0.5 * np.abs(1.0 - 1.0 / G)

    def gain_curve(x):
        return _forward_power(np.asarray(x, float), B, omega0, gamma, s, d)

    w_pk, peak = refine_peak(gain_curve, w, rounds=refine_rounds)
    half = 0.5 * peak
    fw = np.abs(fwd) ** 2
    edges = []
    for direction in (-1, 1):
        idx = np.searchsorted(w, w_pk)
        rng = range(idx, -1, -1) if direction < 0 else range(idx, w.size)
        prev = None
        edge = np.nan
        for i in rng:
            if fw[i] < half:
                if prev is not None:
                    a, b = sorted((w[prev], w[i]))
                    edge = so.brentq(
                        lambda x: gain_curve([x])[0] - half, a, b, xtol=1e-12 * omega0
                    )
                break
            prev = i
        edges.append(edge)
    row_pk, back_pk = _response(np.array([w_pk]), B, omega0, gamma, s, d)
    r_pk = row_pk[0] / row_pk[0, s]
    added_pk = float(np.einsum("b,bc,c->", r_pk, Nq, r_pk.conj()).real - (n_th + 0.5))
    G_pk = float(np.abs(row_pk[0, s]) ** 2 / np.abs(_single(w_pk, omega0, gamma)) ** 2)
    ibest = int(np.argmin(noise))
    return {
        "omega": w,
        "forward": fwd,
        "backward": back,
        "gain": G,
        "noise": noise,
        "added": added,
        "recoil": recoil_part,
        "detection": det,
        "quantum_limit": ql,
        "peak_gain": float(peak),
        "omega_peak": float(w_pk),
        "gain_at_peak": G_pk,
        "bandwidth": float(edges[1] - edges[0]),
        "isolation": float(np.abs(back_pk[0]) ** 2 / np.abs(row_pk[0, s]) ** 2)
        if n > 1
        else np.nan,
        "added_at_peak": added_pk,
        "quantum_limit_at_peak": 0.5 * abs(1.0 - 1.0 / G_pk),
        "omega_best": float(w[ibest]),
        "noise_best": float(noise[ibest]),
        "input_noise": n_th + 0.5,
    }


def coupling_for_gain(n_particles: int, omega0: float, gamma: float, gain: float, *,
                      kd_next: float = np.pi / 4, phi_next: float = np.pi / 4,
                      source: int = -1, detector: int = 0) -> float:
    """Coupling rate ``g < g_c`` at which the peak of ``|chi_ds|^2`` equals ``gain``.

    Brent's method on ``log g`` between ``1e-6 gamma`` and ``(1 - 1e-9) g_c``
    (``100 gamma`` for chains that never go unstable).
    """
    n = _v.integer(n_particles, "n_particles", minimum=2)
    omega0 = _v.real_scalar(omega0, "omega0", "frequency", positive=True)
    gamma = _v.real_scalar(gamma, "gamma", "frequency", positive=True)
    target = _v.real_scalar(gain, "gain", "dimensionless", positive=True)
    gc = critical_coupling(n, omega0 / gamma, kd_next=kd_next, phi_next=phi_next)
    hi = (1 - 1e-9) * gc * gamma if np.isfinite(gc) else 100.0 * gamma

    s, d = _indices(n, source, detector)

    def excess(log_g):
        B = chain_couplings(n, omega0, float(np.exp(log_g)), kd_next, phi_next)
        _, peak = refine_peak(
            lambda x: _forward_power(x, B, omega0, gamma, s, d),
            _default_grid(B, omega0, gamma),
            rounds=6,
        )
        return np.log(peak / target)

    lo = np.log(1e-6 * gamma)
    f_lo, f_hi = excess(lo), excess(np.log(hi))
    if not (f_lo < 0 < f_hi):
        raise ValueError(
            f"gain {target:g} is not reached below the critical coupling "
            f"(peak gains {np.exp(f_lo) * target:.3g} .. "
            f"{np.exp(f_hi) * target:.3g})"
        )
    return float(np.exp(so.brentq(excess, lo, np.log(hi), xtol=1e-10)))


def force_noise_scan(n_values, g_values, omega0: float, gamma: float, *,
                     imprecision: float, kd_next: float = np.pi / 4,
                     phi_next: float = np.pi / 4, n_wavelengths: int = 6,
                     kzR: float = np.inf, n_th: float = 0.0,
                     recoil: str = "full") -> dict:
    """Best input-referred force noise (quanta) over chain lengths and couplings.

    For every ``N`` and ``g`` the minimum over frequency of ``"noise"`` from
    :func:`chain_amplifier` (recoil + baths + detection, referred to the
    input); ``N = 1`` is the input particle read out directly, with the
    recoil of a tweezer of the same power (``Gamma = d_jj g``).  Unstable
    combinations (``g >= g_c(N)``) give NaN.

    Returns
    -------
    dict
        ``"noise"`` (len(n_values), len(g_values)) in quanta, ``"omega"`` (the
        best frequencies), ``"best_n"`` (per ``g``, the ``N`` with the lowest
        noise).
    """
    ns = [int(_v.integer(x, "n_values", minimum=1)) for x in np.atleast_1d(n_values)]
    gs = np.atleast_1d(_v.real_array(g_values, "g_values", "frequency", positive=True))
    out = np.full((len(ns), gs.size), np.nan)
    wbest = np.full_like(out, np.nan)
    for i, n in enumerate(ns):
        for k, g in enumerate(gs):
            if n > 1:
                gc = critical_coupling(
                    n, omega0 / gamma, kd_next=kd_next, phi_next=phi_next
                )
                if g >= gc * gamma:
                    continue
            res = chain_amplifier(
                n,
                omega0,
                float(g),
                gamma,
                kd_next=kd_next,
                phi_next=phi_next,
                n_wavelengths=n_wavelengths,
                kzR=kzR,
                n_th=n_th,
                recoil=recoil,
                imprecision=imprecision,
                refine_rounds=0,
            )
            out[i, k], wbest[i, k] = res["noise_best"], res["omega_best"]
    best = np.array(
        [
            ns[int(np.nanargmin(out[:, k]))] if np.any(np.isfinite(out[:, k])) else -1
            for k in range(gs.size)
        ]
    )
    return {"noise": out, "omega": wbest, "best_n": best}
