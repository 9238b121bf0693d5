"""The unstable chain: saturation, attractors, driven response (beyond the paper).

At the parameters of Fig. 2(b) (``g = gamma_g``, ``omega0 = 20 gamma_g``,
``k d = phi = pi/4``) every chain with ``N >= 3`` is linearly unstable
(:mod:`optbind.analysis.amplification`).  This module runs the chains of
:func:`optbind.linear.chain.chain_array` with the nonlinear engine
:class:`optbind.dynamics.nonlinear.TweezerArrayDynamics` (full Gaussian-beam
trap, full-Green-tensor binding, radiation pressure compensated at the foci)
and provides the tools to say what the saturated motion is:

* :func:`chain_engine`: the chain and its engine, deterministic or with recoil
  and gas noise;
* :func:`site_amplitudes`, :func:`mode_shape`, :func:`unstable_mode`,
  :func:`mode_overlap`: amplitudes per site and the final mode shape against
  the linear unstable eigenvector;
* :func:`spectral_lines`, :func:`poincare_returns`, :func:`return_spread`:
  line spectrum and Poincaré return of a record (periodic or not);
* :func:`lyapunov_exponent`: the largest Lyapunov exponent by the method of
  Benettin et al. (a reference and a nearby partner trajectory, renormalised
  after every segment);
* :func:`classify_attractor`: fixed point, limit cycle, quasi-periodic or
  chaotic from these numbers;
* :func:`resonant_drive`, :func:`lock_in`, :func:`measured_gain`,
  :func:`compression_point`: a weak harmonic force on one particle and the
  end-to-end gain measured like :func:`optbind.dynamics.response.susceptibility`
  defines it, and its 1 dB compression;
* :func:`engine_critical_coupling`: the threshold ``g_c`` of the engine's own
  linearisation (it differs from the chain model's
  :func:`optbind.analysis.amplification.critical_coupling` by ``O(1/kd)``).

Dimensionless phase space
-------------------------
Distances between states use ``X = (kappa z, kappa p/(m omega0))`` with the
Gouy-corrected wavenumber ``kappa`` of the array (the scale on which the
binding force changes its phase) and the mean renormalised trap frequency
``omega0``: one unit is a displacement of ``1/kappa`` or the momentum of an
oscillation of that amplitude.

Units: SI (m, s, kg, N) unless a name says otherwise; frequencies in rad/s.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.optimize import brentq

from .. import validation as _v
from ..dynamics.nonlinear import Trajectories, TweezerArrayDynamics, baoab
from ..linear.chain import ChainArray, chain_array

__all__ = [
    "ChainEngine",
    "chain_engine",
    "engine_critical_coupling",
    "site_amplitudes",
    "mode_shape",
    "unstable_mode",
    "mode_overlap",
    "spectral_lines",
    "poincare_returns",
    "return_spread",
    "return_distances",
    "lyapunov_exponent",
    "classify_attractor",
    "resonant_drive",
    "lock_in",
    "measured_gain",
    "compression_point",
]

_AXES = {"z": (2,), "xyz": (0, 1, 2)}


class ChainEngine(NamedTuple):
    """A chain of :func:`~optbind.linear.chain.chain_array` and its nonlinear engine.

    Attributes
    ----------
    chain : ChainArray
        The physical chain (``gamma``, ``omega0``, ``g`` in SI).
    engine : TweezerArrayDynamics
        Its engine, radiation pressure and binding compensated at the foci.
    """

    chain: ChainArray
    engine: TweezerArrayDynamics


def chain_engine(n_particles, g_over_gamma=1.0, *, noise=False, temperature=295.0,
                 omega0_over_gamma=20.0):
    """The chain of Fig. 2(b) (or another coupling) with its nonlinear engine.

    Parameters
    ----------
    n_particles : int
        Number of particles (>= 2).
    g_over_gamma : float
        ``g/gamma_g`` (> 0); Fig. 2(b) has 1.
    noise : bool
        False: deterministic (no recoil, no gas noise; the damping stays).
        True: recoil noise with ``D`` at the foci and gas noise at
        ``temperature``.
    temperature : float
        Gas temperature in K (>= 0), used if ``noise``.
    omega0_over_gamma : float
        ``omega0/gamma_g`` (> 0); Fig. 2(b) has 20.

    Returns
    -------
    ChainEngine

    Examples
    --------
    >>> ce = chain_engine(3)
    >>> rate = ce.engine.linear_rates()[0].real / ce.chain.gamma
    >>> round(float(rate), 3)       # the chain model's 0.292, -1 % (k d = 57)
    0.289
    """
    noise = _v.boolean(noise, "noise")
    temperature = _v.real_scalar(temperature, "temperature", "K", nonnegative=True)
    ch = chain_array(n_particles, g_over_gamma, omega0_over_gamma=omega0_over_gamma)
    eng = TweezerArrayDynamics(
        ch.array, gamma=ch.gamma, temperature=temperature if noise else 0.0,
        recoil="foci" if noise else "off", static_force="compensate")
    return ChainEngine(ch, eng)


def engine_critical_coupling(n_particles, *, bracket=(0.05, 1.0),
                             omega0_over_gamma=20.0, xtol=1e-6):
    """Coupling ``g_c/gamma_g`` where the engine's fastest mode stops decaying.

    Root of ``max Re lambda(g)``
    (:meth:`~optbind.dynamics.nonlinear.TweezerArrayDynamics.linear_rates`
    of :func:`chain_engine`) by Brent's method; the chain model's closed form
    is :func:`optbind.analysis.amplification.critical_coupling`.

    Parameters
    ----------
    n_particles : int
        Number of particles (>= 3 for a finite threshold at ``pi/4, pi/4``).
    bracket : (float, float)
        ``g/gamma_g`` interval with a sign change of the growth rate.
    omega0_over_gamma : float
        ``omega0/gamma_g`` (> 0).
    xtol : float
        Absolute tolerance on ``g/gamma_g`` (> 0).

    Returns
    -------
    float
        ``g_c/gamma_g`` (dimensionless).
    """
    lo, hi = (_v.real_scalar(b, "bracket", "dimensionless", positive=True)
              for b in bracket)
    xtol = _v.real_scalar(xtol, "xtol", "dimensionless", positive=True)

    def rate(x):
        ce = chain_engine(n_particles, x, omega0_over_gamma=omega0_over_gamma)
        return float(ce.engine.linear_rates()[0].real / ce.chain.gamma)

    r_lo, r_hi = rate(lo), rate(hi)
    if not r_lo < 0 < r_hi:
        raise ValueError(
            f"bracket must contain the threshold: growth rates {r_lo:+.3g} and "
            f"{r_hi:+.3g} gamma at g/gamma = {lo:g}, {hi:g}")
    return float(brentq(rate, lo, hi, xtol=xtol))


# --------------------------------------------------------------- records
def _records(traj, t_min, name="trajectories"):
    if not isinstance(traj, Trajectories):
        raise TypeError(f"{name} must be Trajectories; got {type(traj).__name__}")
    t = traj.times
    lo = t[0] if t_min is None else _v.real_scalar(t_min, "t_min", "s")
    sel = t >= lo
    if sel.sum() < 8:
        raise ValueError("the window t >= t_min must contain at least 8 records")
    return t[sel], traj.displacements[sel][..., 0], sel


def site_amplitudes(trajectories, *, t_min=None):
    """Oscillation amplitude of every particle, ``sqrt(2 <z_j^2>)``, in m.

    Time average over ``t >= t_min`` of the first moving axis (the optical
    axis for ``axes="z"``); for a harmonic motion ``z = a cos(w t)`` it is ``a``.

    Parameters
    ----------
    trajectories : Trajectories
    t_min : float, optional
        Start of the window in s (default: all records).

    Returns
    -------
    ndarray, shape (n_traj, N)
    """
    _, z, _ = _records(trajectories, t_min)
    return np.sqrt(2.0 * np.mean(z**2, axis=0))


def _dominant_frequency(t, z):
    """Frequency (rad/s) of the largest periodogram line of ``z`` (T, ...), refined."""
    dt = t[1] - t[0]
    x = z - z.mean(axis=0)
    win = np.hanning(t.size).reshape((-1,) + (1,) * (z.ndim - 1))
    pw = np.abs(np.fft.rfft(x * win, axis=0)) ** 2
    pw = pw.reshape(pw.shape[0], -1).sum(axis=1)
    k = int(np.argmax(pw[1:-1])) + 1
    a, b, c = np.log(pw[k - 1 : k + 2])
    shift = 0.5 * (a - c) / (a - 2 * b + c) if (a - 2 * b + c) != 0 else 0.0
    return 2 * np.pi * (k + shift) / (t.size * dt)


def lock_in(times, x, frequency, *, t_min=None, window="rect"):
    """Complex amplitude ``A`` of ``x(t) = Re[A e^{-i w t}] + ...`` at frequency ``w``.

    ``A = 2 int x(t) W(t) e^{i w t} dt / int W dt`` (trapezoid sums) over the
    longest window ``t >= t_min`` holding a whole number of periods.  With
    ``W = 1`` (``"rect"``) other frequencies ``w'`` leak in as
    ``~1/(|w - w'| T)``; the Hann weight ``W = sin^2(pi (t - t_0)/T)``
    (``"hann"``) suppresses them as ``~(|w - w'| T)^{-3}``, for a weak line
    next to strong ones (a drive next to a self-oscillation).  Sign
    convention ``exp(-i omega t)`` of :mod:`optbind.conventions`.

    Parameters
    ----------
    times : array_like, shape (T,)
        Equidistant times in s.
    x : array_like, shape (T, ...)
        Record (any unit).
    frequency : float
        Angular frequency in rad/s (> 0).
    t_min : float, optional
        Start of the window in s.
    window : {"rect", "hann"}
        Weight ``W`` of the average.

    Returns
    -------
    ndarray, shape (...), complex
        In the unit of ``x``.

    Examples
    --------
    >>> t = np.linspace(0, 10, 10001)
    >>> a = lock_in(t, 2 * np.cos(3 * t + 0.5), 3.0)   # = Re[2 e^{-0.5i} e^{-3it}]
    >>> bool(abs(a - 2 * np.exp(-0.5j)) < 1e-3)
    True
    """
    t = _v.real_array(times, "times", "s")
    x = _v.real_array(x, "x")
    w = _v.real_scalar(frequency, "frequency", "rad/s", positive=True)
    window = _v.choice(window, "window", ("rect", "hann"))
    if t.ndim != 1 or x.shape[:1] != t.shape:
        raise ValueError(f"x must have shape (T, ...) with T = len(times); got "
                         f"{x.shape} and {t.shape}")
    lo = t[0] if t_min is None else _v.real_scalar(t_min, "t_min", "s")
    sel = np.flatnonzero(t >= lo)
    if sel.size < 3:
        raise ValueError("the window t >= t_min must contain at least 3 records")
    periods = np.floor((t[sel[-1]] - t[sel[0]]) * w / (2 * np.pi))
    if periods < 1:
        raise ValueError("the window must contain at least one period 2 pi/frequency")
    end = t[sel[0]] + periods * 2 * np.pi / w
    sel = sel[t[sel] <= end + 1e-12 * abs(end)]
    ts, xs = t[sel], x[sel]
    weight = (np.ones(ts.size) if window == "rect"
              else np.sin(np.pi * (ts - ts[0]) / (ts[-1] - ts[0])) ** 2)
    ph = (weight * np.exp(1j * w * ts)).reshape((-1,) + (1,) * (x.ndim - 1))
    return 2.0 * np.trapezoid(xs * ph, ts, axis=0) / np.trapezoid(weight, ts)


def mode_shape(trajectories, *, t_min=None, frequency=None):
    """Complex amplitudes of the particles at the dominant frequency of the record.

    The frequency is the largest line of the periodogram of all particles
    (refined by a parabola through the log power) unless given; the
    amplitudes are :func:`lock_in` at it.

    Parameters
    ----------
    trajectories : Trajectories
    t_min : float, optional
        Start of the window in s.
    frequency : float, optional
        Angular frequency in rad/s.

    Returns
    -------
    frequency : float
        rad/s.
    amplitudes : ndarray, shape (n_traj, N), complex
        ``A_j`` in m, ``z_j ~ Re[A_j e^{-i w t}]``.
    """
    t, z, _ = _records(trajectories, t_min)
    w = (_dominant_frequency(t, z) if frequency is None
         else _v.real_scalar(frequency, "frequency", "rad/s", positive=True))
    return w, lock_in(t, z, w)


def unstable_mode(engine):
    """Fastest linear mode of the engine at the foci: eigenvalue and mode shape.

    Eigenvector of
    :meth:`~optbind.dynamics.nonlinear.TweezerArrayDynamics.drift_matrix` for the
    eigenvalue with the largest real part and positive frequency; its position part is
    the complex amplitude ``A_j`` of ``z_j = Re[A_j e^{lambda t}]``.

    Parameters
    ----------
    engine : TweezerArrayDynamics

    Returns
    -------
    eigenvalue : complex
        ``lambda`` in 1/s (``Im lambda < 0`` is the frequency ``+omega`` in the
        ``exp(-i omega t)`` convention of :func:`lock_in`).
    shape : ndarray, shape (n_dof,), complex
        Normalised to unit 2-norm.
    """
    if not isinstance(engine, TweezerArrayDynamics):
        raise TypeError(f"engine must be TweezerArrayDynamics; got "
                        f"{type(engine).__name__}")
    a = engine.drift_matrix()
    n = engine.n_dof
    w = float(np.sqrt(np.mean(-np.diag(a[n:, :n]) / engine._dof_masses)))
    scale = np.concatenate([np.ones(n), engine._dof_masses * w])
    lam, vec = np.linalg.eig(a * scale[None, :] / scale[:, None] / w)
    pick = np.flatnonzero(lam.imag < 0)
    k = pick[np.argmax(lam[pick].real)]
    v = vec[:n, k]
    return complex(lam[k] * w), v / np.linalg.norm(v)


def mode_overlap(a, b):
    """``|a^H b|/(|a| |b|)`` of two complex mode shapes (1 = the same mode).

    Parameters
    ----------
    a, b : array_like, shape (..., N)

    Returns
    -------
    ndarray, shape (...)

    Examples
    --------
    >>> round(float(mode_overlap([1, 1j], [2j, -2])), 12)
    1.0
    """
    a = _v.complex_array(a, "a")
    b = _v.complex_array(b, "b")
    if a.shape[-1] != b.shape[-1]:
        raise ValueError(f"a and b must have the same last dimension; got {a.shape} "
                         f"and {b.shape}")
    num = np.abs(np.sum(a.conj() * b, axis=-1))
    return num / (np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1))


def spectral_lines(times, x, *, threshold=1e-4, band=None):
    """Lines of the Hann-windowed periodogram of a record, strongest first.

    A line is a local maximum over +-3 bins with at least ``threshold`` times
    the largest power.  A limit cycle shows one line per harmonic, a
    quasi-periodic motion lines at combinations of incommensurate
    frequencies, chaos a broad band.

    Parameters
    ----------
    times : array_like, shape (T,)
        Equidistant times in s.
    x : array_like, shape (T,)
        Record.
    threshold : float
        Relative power of the weakest reported line (0 < threshold < 1).
    band : (float, float), optional
        Angular-frequency interval in rad/s (default: all).

    Returns
    -------
    frequencies : ndarray
        rad/s (bin frequencies).
    powers : ndarray
        Relative to the largest line in the band.
    """
    t = _v.real_array(times, "times", "s")
    x = _v.real_array(x, "x")
    threshold = _v.real_scalar(threshold, "threshold", "dimensionless", positive=True,
                               maximum=1.0, strict_max=True)
    if t.ndim != 1 or x.shape != t.shape or t.size < 16:
        raise ValueError("times and x must be 1-D of the same length >= 16")
    dt = t[1] - t[0]
    pw = np.abs(np.fft.rfft((x - x.mean()) * np.hanning(t.size))) ** 2
    w = 2 * np.pi * np.fft.rfftfreq(t.size, dt)
    if band is not None:
        lo, hi = (float(b) for b in band)
        inside = (w >= lo) & (w <= hi)
    else:
        inside = np.ones(w.size, bool)
    pad = np.pad(pw, 3, constant_values=-np.inf)
    local = np.all([pw >= pad[3 + s : 3 + s + pw.size] for s in range(-3, 4) if s],
                   axis=0)
    top = pw[inside].max()
    keep = np.flatnonzero(local & inside & (pw >= threshold * top))
    keep = keep[np.argsort(-pw[keep])]
    return w[keep], pw[keep] / top


def poincare_returns(trajectories, *, t_min=None, site=0, trajectory=0):
    """States at the upward zero crossings of ``z_site``: the Poincaré section.

    The section ``z_site = 0, dz_site/dt > 0``.  Between two records the
    displacements are interpolated by cubic Hermite polynomials with the
    recorded velocities ``p/m`` (error ``O((w h)^4)`` for a record spacing
    ``h``), and the crossing time is the root of that cubic for ``z_site``.

    Parameters
    ----------
    trajectories : Trajectories
    t_min : float, optional
        Start of the window in s.
    site : int
        Particle whose zero crossings define the section (0-based).
    trajectory : int
        Which trajectory of the batch.

    Returns
    -------
    times : ndarray, shape (R,)
        Crossing times in s.
    states : ndarray, shape (R, N)
        Displacements (m) at the crossings.
    """
    t, z, sel = _records(trajectories, t_min)
    n_traj, n = z.shape[1], z.shape[2]
    site = _v.integer(site, "site", minimum=0, maximum=n - 1)
    trajectory = _v.integer(trajectory, "trajectory", minimum=0, maximum=n_traj - 1)
    zz = z[:, trajectory, :]
    vv = (trajectories.momenta[sel][:, trajectory, :, 0]
          / trajectories.data["mass"][None, :])
    s = zz[:, site]
    idx = np.flatnonzero((s[:-1] < 0) & (s[1:] >= 0))
    h = t[idx + 1] - t[idx]

    def hermite(x0, x1, v0, v1, u, hh):
        h00, h10 = 2 * u**3 - 3 * u**2 + 1, u**3 - 2 * u**2 + u
        h01, h11 = -2 * u**3 + 3 * u**2, u**3 - u**2
        return h00 * x0 + h10 * hh * v0 + h01 * x1 + h11 * hh * v1

    u = -s[idx] / (s[idx + 1] - s[idx])        # linear guess, then Newton steps
    a0, a1 = s[idx], s[idx + 1]
    b0, b1 = vv[idx, site], vv[idx + 1, site]
    for _ in range(8):
        f = hermite(a0, a1, b0, b1, u, h)
        df = ((6 * u**2 - 6 * u) * a0 + (3 * u**2 - 4 * u + 1) * h * b0
              + (-6 * u**2 + 6 * u) * a1 + (3 * u**2 - 2 * u) * h * b1)
        u = np.clip(u - f / df, 0.0, 1.0)
    times = t[idx] + u * h
    states = hermite(zz[idx], zz[idx + 1], vv[idx], vv[idx + 1], u[:, None],
                     h[:, None])
    return times, states


def return_spread(states, scale):
    """Scatter of Poincaré return points relative to the motion's scale.

    ``sqrt(mean_r |X_r - <X>|^2) / scale`` of the return states: zero for an
    exactly periodic motion with one crossing per period (up to sampling),
    of order one for quasi-periodic or chaotic motion.

    Parameters
    ----------
    states : array_like, shape (R, N)
        From :func:`poincare_returns` (m).
    scale : float
        Typical amplitude in m (> 0), e.g. the rms of :func:`site_amplitudes`.

    Returns
    -------
    float
    """
    x = _v.real_array(states, "states", "m")
    scale = _v.real_scalar(scale, "scale", "m", positive=True)
    if x.ndim != 2 or x.shape[0] < 2:
        raise ValueError("states must have shape (R, N) with at least 2 returns")
    dev = x - x.mean(axis=0)
    return float(np.sqrt(np.mean(np.sum(dev**2, axis=1))) / scale)


def return_distances(states, scale, max_lag):
    """RMS distance of Poincaré return points ``k`` returns apart, ``k = 1..max_lag``.

    ``d_k = sqrt(mean_r |X_{r+k} - X_r|^2) / scale``.  A limit cycle crossing
    the section once per period has ``d_1 ~ 0``; a cycle that closes after
    ``K`` crossings has ``d_K ~ 0``; on a two-frequency torus ``d_k`` dips
    near the multiples of the modulation period without reaching zero, and
    the dips grow linearly with the multiple (the points drift round the
    torus).

    Parameters
    ----------
    states : array_like, shape (R, N)
        From :func:`poincare_returns` (m).
    scale : float
        Typical amplitude in m (> 0).
    max_lag : int
        Largest lag (1 <= max_lag < R).

    Returns
    -------
    ndarray, shape (max_lag,)
    """
    x = _v.real_array(states, "states", "m")
    scale = _v.real_scalar(scale, "scale", "m", positive=True)
    if x.ndim != 2 or x.shape[0] < 2:
        raise ValueError("states must have shape (R, N) with at least 2 returns")
    max_lag = _v.integer(max_lag, "max_lag", minimum=1, maximum=x.shape[0] - 1)
    return np.array([np.sqrt(np.mean(np.sum((x[k:] - x[:-k]) ** 2, axis=1)))
                     for k in range(1, max_lag + 1)]) / scale


# ---------------------------------------------------------------- Lyapunov
def _force_function(engine):
    ax = list(_AXES[engine.axes])
    foci, n = engine.foci, engine.n_particles

    def force(q):
        pos = np.broadcast_to(foci, q.shape[:-1] + foci.shape).copy()
        pos[..., ax] += q.reshape(q.shape[:-1] + (n, len(ax)))
        f = engine.forces(pos)[..., ax]
        return f.reshape(f.shape[:-2] + (-1,))

    return force


def lyapunov_exponent(engine, initial_displacements, initial_momenta=None, *, dt,
                      n_segments, segment_steps, discard=0, separation=1e-6,
                      n_blocks=8, seed=0, record_every=None):
    """Largest Lyapunov exponent by the two-trajectory method of Benettin et al.

    Every reference trajectory gets a partner displaced by ``separation`` (in
    the dimensionless phase space of the module docstring) along a random
    direction.  Both are integrated with :func:`~optbind.dynamics.nonlinear.baoab`
    for ``segment_steps`` steps, the distance ``d`` is measured, the partner is
    pulled back to distance ``separation`` along the current difference, and
    ``log(d/separation)`` is accumulated.  The exponent is the sum over the
    segments after the first ``discard`` divided by their duration; the
    error is the standard error of ``n_blocks`` block averages.

    On a limit cycle the exponent is zero (the phase is neutral); at small
    amplitude (linear regime) it is the largest real part of the linear
    eigenvalues; a positive exponent beyond its error means chaos.

    Parameters
    ----------
    engine : TweezerArrayDynamics
        Deterministic: ``recoil="off"`` and no gas noise (``temperature = 0`` or
        ``gamma = 0``).
    initial_displacements : array_like, shape (R, N, A) or (N, A)
        Reference states (m), e.g. the last record of a saturated run.
    initial_momenta : array_like, optional
        Same shape (kg m/s); default zero.
    dt : float
        Time step in s (> 0).
    n_segments : int
        Number of renormalisation segments (> ``discard``).
    segment_steps : int
        Steps per segment (>= 1).
    discard : int
        Initial segments left out of the estimate (the partner aligns with
        the most unstable direction during them).
    separation : float
        Distance of the partner (dimensionless, > 0); small enough that the
        pair stays in its linear regime over a segment.
    n_blocks : int
        Blocks of the error estimate (>= 2, <= number of counted segments).
    seed : int or numpy.random.Generator
        Directions of the initial separations.
    record_every : int, optional
        Record the reference trajectories every this many steps (a divisor of
        ``segment_steps``); default: no records.  The references are never
        renormalised, so this is also the saturation run itself.

    Returns
    -------
    dict
        ``exponent`` (R,) in 1/s, ``error`` (R,) in 1/s, ``logs`` (n_segments, R)
        the log stretch per segment, ``segment_time`` in s, the final
        reference ``displacements``/``momenta`` of shape (R, N, A) and
        ``trajectories`` (:class:`~optbind.dynamics.nonlinear.Trajectories` of
        the references, or None).

    Examples
    --------
    Without binding every particle is a damped oscillator, whose separations
    decay at ``gamma/2`` (the chain at its foci: ``tests/test_chain_dynamics.py``):

    >>> from optbind.linear.chain import chain_array
    >>> c = chain_array(2)
    >>> eng = TweezerArrayDynamics(c.array, gamma=c.gamma, temperature=0.0,
    ...                            recoil="off", binding=False,
    ...                            static_force="compensate")
    >>> r = lyapunov_exponent(eng, np.zeros((2, 1)), dt=0.2 / c.omega0, n_segments=3,
    ...                       segment_steps=50, n_blocks=2)
    >>> round(float(r["exponent"][0] / c.gamma), 2)
    -0.5
    """
    if not isinstance(engine, TweezerArrayDynamics):
        raise TypeError(f"engine must be TweezerArrayDynamics; got "
                        f"{type(engine).__name__}")
    if engine.recoil != "off" or (engine.temperature > 0 and engine.gamma > 0):
        raise ValueError("lyapunov_exponent needs a deterministic engine "
                         "(recoil='off' and temperature = 0)")
    n_segments = _v.integer(n_segments, "n_segments", minimum=2)
    segment_steps = _v.integer(segment_steps, "segment_steps", minimum=1)
    discard = _v.integer(discard, "discard", minimum=0, maximum=n_segments - 2)
    separation = _v.real_scalar(separation, "separation", "dimensionless",
                                positive=True)
    n_blocks = _v.integer(n_blocks, "n_blocks", minimum=2,
                          maximum=n_segments - discard)
    dt = _v.real_scalar(dt, "dt", "s", positive=True)
    rng = _v.random_generator(seed)
    n_ax = len(_AXES[engine.axes])
    shape1 = (engine.n_particles, n_ax)
    q0 = _v.real_array(initial_displacements, "initial_displacements", "m")
    if q0.shape == shape1:
        q0 = q0[None]
    if q0.ndim != 3 or q0.shape[1:] != shape1:
        raise ValueError(f"initial_displacements must have shape {shape1} or "
                         f"(R,) + {shape1}; got {q0.shape}")
    p0 = (np.zeros(q0.shape) if initial_momenta is None
          else _v.real_array(initial_momenta, "initial_momenta", "kg m/s"))
    if p0.shape != q0.shape:
        raise ValueError(f"initial_momenta must have the shape {q0.shape} of the "
                         f"displacements; got {p0.shape}")
    r, m_dof = q0.shape[0], engine.n_dof
    masses = engine._dof_masses
    kappa = engine.array.kappa
    w0 = float(np.sqrt(np.mean(-np.diag(engine.stiffness()) / masses)))
    # dimensionless coordinates X = (kappa q, kappa p/(m w0))
    sq = np.full(m_dof, kappa)
    sp = kappa / (masses * w0)
    q_ref, p_ref = q0.reshape(r, m_dof), p0.reshape(r, m_dof)
    u = rng.standard_normal((r, 2 * m_dof))
    u *= separation / np.linalg.norm(u, axis=1, keepdims=True)
    q = np.concatenate([q_ref, q_ref + u[:, :m_dof] / sq])
    p = np.concatenate([p_ref, p_ref + u[:, m_dof:] / sp])
    rec = segment_steps if record_every is None else _v.integer(
        record_every, "record_every", minimum=1, maximum=segment_steps)
    if segment_steps % rec:
        raise ValueError(f"record_every = {rec} must divide segment_steps = "
                         f"{segment_steps}")
    force = _force_function(engine)
    logs = np.empty((n_segments, r))
    q_rec, p_rec = [q_ref[None]], [p_ref[None]]
    for s in range(n_segments):
        _, qs, ps = baoab(force, q, p, masses, dt=dt, n_steps=segment_steps,
                          gamma=engine.gamma, record_every=rec)
        q, p = qs[-1], ps[-1]
        if record_every is not None:
            q_rec.append(qs[1:, :r])
            p_rec.append(ps[1:, :r])
        dx = np.concatenate([(q[r:] - q[:r]) * sq, (p[r:] - p[:r]) * sp], axis=1)
        d = np.linalg.norm(dx, axis=1)
        logs[s] = np.log(d / separation)
        dx *= (separation / d)[:, None]
        q = np.concatenate([q[:r], q[:r] + dx[:, :m_dof] / sq])
        p = np.concatenate([p[:r], p[:r] + dx[:, m_dof:] / sp])
    t_seg = segment_steps * dt
    used = logs[discard:]
    exponent = used.mean(axis=0) / t_seg
    blocks = np.array_split(used, n_blocks, axis=0)
    rates = np.array([b.mean(axis=0) / t_seg for b in blocks])
    error = rates.std(axis=0, ddof=1) / np.sqrt(n_blocks)
    traj = None
    if record_every is not None:
        # the schema (masses, stiffness, coordinates, units) of the engine's records
        tpl = engine.simulate(dt=dt, n_steps=0, n_traj=r)
        qq = np.concatenate(q_rec).reshape((-1,) + q0.shape)
        pp = np.concatenate(p_rec).reshape((-1,) + q0.shape)
        traj = Trajectories(
            data={**tpl.data, "displacement": qq, "momentum": pp},
            dims=tpl.dims,
            coords={**tpl.coords, "time": np.arange(qq.shape[0]) * rec * dt},
            units=tpl.units,
            attrs={**tpl.attrs, "n_steps": n_segments * segment_steps})
    return {"exponent": exponent, "error": error, "logs": logs,
            "segment_time": t_seg,
            "displacements": q[:r].reshape(q0.shape),
            "momenta": p[:r].reshape(q0.shape), "trajectories": traj}


def classify_attractor(amplitude, lyapunov, lyapunov_error, spread, *,
                       amplitude_floor, spread_tol=0.05, n_sigma=3.0):
    """Name the late-time state: fixed point, limit cycle, quasi-periodic or chaotic.

    * ``amplitude < amplitude_floor``: ``"fixed point"`` (the motion decayed);
    * ``lyapunov > n_sigma * lyapunov_error`` and ``> 0``: ``"chaotic"``;
    * Poincaré return ``spread < spread_tol``: ``"limit cycle"``;
    * otherwise ``"quasi-periodic"`` (bounded, not periodic, no positive
      exponent).

    Parameters
    ----------
    amplitude : float
        Typical late-time amplitude (any unit, same as ``amplitude_floor``).
    lyapunov, lyapunov_error : float
        Largest exponent and its error (same unit, e.g. 1/s).
    spread : float
        :func:`return_spread` (dimensionless).
    amplitude_floor : float
        Amplitude below which the state counts as a fixed point (> 0).
    spread_tol : float
        Largest return spread of a periodic orbit (> 0).
    n_sigma : float
        Significance asked of a positive exponent (> 0).

    Returns
    -------
    str

    Examples
    --------
    >>> classify_attractor(1.4, 0.001, 0.002, 1e-4, amplitude_floor=1e-3)
    'limit cycle'
    """
    amplitude = _v.real_scalar(amplitude, "amplitude", nonnegative=True)
    lyapunov = _v.real_scalar(lyapunov, "lyapunov", "1/s")
    lyapunov_error = _v.real_scalar(lyapunov_error, "lyapunov_error", "1/s",
                                    nonnegative=True)
    spread = _v.real_scalar(spread, "spread", "dimensionless", nonnegative=True)
    floor = _v.real_scalar(amplitude_floor, "amplitude_floor", positive=True)
    spread_tol = _v.real_scalar(spread_tol, "spread_tol", "dimensionless",
                                positive=True)
    n_sigma = _v.real_scalar(n_sigma, "n_sigma", "dimensionless", positive=True)
    if amplitude < floor:
        return "fixed point"
    if lyapunov > 0 and lyapunov > n_sigma * lyapunov_error:
        return "chaotic"
    if spread < spread_tol:
        return "limit cycle"
    return "quasi-periodic"


# ------------------------------------------------------------ driven chain
def resonant_drive(amplitudes, frequency):
    """Harmonic force ``F_j(t) = F_j cos(w t)`` for ``TweezerArrayDynamics.simulate``.

    Parameters
    ----------
    amplitudes : array_like, shape (n_traj, N, A) or (N, A)
        Force amplitudes in N (one row per trajectory, e.g. a drive scan).
    frequency : float
        Angular frequency in rad/s (> 0).

    Returns
    -------
    callable
        ``drive(t) -> amplitudes * cos(frequency t)``.

    Examples
    --------
    >>> f = resonant_drive([[1.0], [0.0]], 2.0)
    >>> f(0.0).tolist()
    [[1.0], [0.0]]
    """
    f = _v.real_array(amplitudes, "amplitudes", "N")
    if f.ndim not in (2, 3):
        raise ValueError(f"amplitudes must have shape (N, A) or (n_traj, N, A); got "
                         f"{f.shape}")
    w = _v.real_scalar(frequency, "frequency", "rad/s", positive=True)

    def drive(t):
        return f * np.cos(w * t)

    return drive


def measured_gain(output_amplitude, force, mass, omega0, gamma):
    """End-to-end power gain ``|chi|^2`` from a measured output amplitude.

    With the normalisation of :func:`optbind.dynamics.response.susceptibility`
    a force amplitude ``F`` on one particle gives ``|z_out| = |chi| F/(m omega0
    gamma)``, so ``|chi|^2 = (|z_out| m omega0 gamma/F)^2`` (one particle on
    resonance: 1).

    Parameters
    ----------
    output_amplitude : array_like
        ``|A|`` of :func:`lock_in` at the output particle, in m.
    force : array_like
        Force amplitude in N (> 0).
    mass : float
        Particle mass in kg (> 0).
    omega0, gamma : float
        Renormalised trap frequency (rad/s) and damping rate (1/s), > 0.

    Returns
    -------
    ndarray
        Dimensionless.

    Examples
    --------
    >>> float(measured_gain(2.0, 1.0, 1.0, 1.0, 0.5))
    1.0
    """
    a = np.abs(_v.complex_array(output_amplitude, "output_amplitude", "m"))
    f = _v.real_array(force, "force", "N", positive=True)
    mass = _v.real_scalar(mass, "mass", "kg", positive=True)
    omega0 = _v.real_scalar(omega0, "omega0", "rad/s", positive=True)
    gamma = _v.real_scalar(gamma, "gamma", "1/s", positive=True)
    return (a * mass * omega0 * gamma / f) ** 2


def compression_point(forces, gains, outputs, *, drop_db=1.0):
    """Drive and output amplitude where the gain has fallen by ``drop_db`` decibels.

    The small-signal gain is ``gains[0]`` (the weakest drive); the crossing of
    ``10 log10(G/G_0) = -drop_db`` is interpolated linearly in ``log F``
    between the two bracketing drives, and the output amplitude likewise.

    Parameters
    ----------
    forces : array_like, shape (K,)
        Increasing drive amplitudes (N, > 0).
    gains : array_like, shape (K,)
        Measured gains (> 0, dimensionless).
    outputs : array_like, shape (K,)
        Output amplitudes (m).
    drop_db : float
        Compression in dB (> 0).

    Returns
    -------
    dict
        ``force`` (N) and ``output`` (m) at the compression point (NaN if the
        gain never drops that far), ``small_signal_gain``.

    Examples
    --------
    >>> f = np.logspace(0, 2, 21)
    >>> g = 10.0 / (1 + (f / 50.0) ** 2)
    >>> r = compression_point(f, g, np.sqrt(g) * f)
    >>> bool(abs(r["force"] / 25.4 - 1) < 0.02)    # 1 + x^2 = 10^0.1: x = 0.509
    True
    """
    f = _v.real_array(forces, "forces", "N", positive=True)
    g = _v.real_array(gains, "gains", "dimensionless", positive=True)
    out = _v.real_array(outputs, "outputs", "m")
    drop_db = _v.real_scalar(drop_db, "drop_db", "dB", positive=True)
    if f.ndim != 1 or g.shape != f.shape or out.shape != f.shape or f.size < 2:
        raise ValueError("forces, gains and outputs must be 1-D of one length >= 2")
    if np.any(np.diff(f) <= 0):
        raise ValueError("forces must be strictly increasing (N)")
    db = 10 * np.log10(g / g[0])
    below = np.flatnonzero(db <= -drop_db)
    res = {"force": np.nan, "output": np.nan, "small_signal_gain": float(g[0])}
    if below.size == 0 or below[0] == 0:
        return res
    k = below[0]
    x0, x1 = np.log(f[k - 1]), np.log(f[k])
    frac = (-drop_db - db[k - 1]) / (db[k] - db[k - 1])
    res["force"] = float(np.exp(x0 + frac * (x1 - x0)))
    res["output"] = float(out[k - 1] + frac * (out[k] - out[k - 1]))
    return res
