"""Stochastic (classical-limit) Langevin trajectories of the array (Eqs. 88, 89, 96).

The linear stochastic differential equation

.. math:: dx = (A x + b)\\,dt + dW, \\qquad \\langle dW dW^T\\rangle = \\mathrm{Re}(Q)\\,dt,

with ``A``, ``b``, ``Q`` from :func:`optbind.gaussian.moment_equations`
(default ``damping="brownian"``, i.e. Eq. 96 with thermal momentum noise, and
the correlated recoil noise ``2 Re D`` of Eq. 89), is an Ornstein-Uhlenbeck
process.  Its transition over a step ``dt`` is Gaussian with mean
``exp(A dt) x + c`` and covariance ``Sigma(dt)`` (Van Loan,
:func:`optbind.gaussian.ou_propagator`), so :func:`simulate` draws each step
*exactly in distribution*: there is no time-step error, whatever ``dt``.

The sampled process is the classical stochastic process whose mean and
covariance equal the symmetrised quantum moments (equivalently, the Wigner
function of the Gaussian state evolves by a Fokker-Planck equation with drift
``A`` and diffusion ``Re Q``).  Non-commuting parts of the noise (``Im D``) have
no classical counterpart and are dropped.
"""
from __future__ import annotations

import numpy as np
import scipy.signal

from .gaussian import moment_equations, ou_propagator
from .model import ArrayModel

__all__ = ["simulate", "power_spectral_density"]


def _psd_sqrt(Sigma):
    lam, V = np.linalg.eigh(Sigma)
    lam = np.clip(lam, 0.0, None)
    return V * np.sqrt(lam)[None, :]


def simulate(model: ArrayModel, times, n_traj: int, rng: np.random.Generator, *,
             x0=None, cov0=None, damping: str = "brownian", source: str = "langevin") -> np.ndarray:
    """Sample trajectories of the linear Langevin equations exactly.

    Parameters
    ----------
    model : ArrayModel
        Array in SI units.
    times : array_like, shape (T,)
        Increasing output times in s; the first one is the initial time.
    n_traj : int
        Number of independent trajectories (>= 1), simulated together.
    rng : numpy.random.Generator
        Source of randomness (seed it for reproducibility).
    x0 : array_like, shape (2N,), optional
        Initial mean ``(z, p)`` in SI (default zeros).
    cov0 : array_like, shape (2N, 2N), optional
        Initial covariance in SI (default: deterministic start).
    damping : {"brownian", "lindblad"}
        Gas-damping model (see :mod:`optbind.gaussian`).
    source : {"langevin", "master"}
        Origin of the drift (see :func:`optbind.gaussian.moment_equations`).

    Returns
    -------
    ndarray, shape (T, n_traj, 2N)
        Trajectories ``(z_1..z_N, p_1..p_N)`` in m and kg m/s.
    """
    if not isinstance(rng, np.random.Generator):
        raise ValueError("rng must be a numpy.random.Generator (e.g. numpy.random.default_rng(seed))")
    if not isinstance(n_traj, (int, np.integer)) or n_traj < 1:
        raise ValueError(f"n_traj must be an integer >= 1; got {n_traj!r}")
    times = np.atleast_1d(np.asarray(times, dtype=float))
    if times.ndim != 1 or not np.all(np.isfinite(times)) or np.any(np.diff(times) < 0):
        raise ValueError("times must be a 1-D non-decreasing array of finite times (s)")
    eqs = moment_equations(model, damping, source)
    A, Q, b = eqs.scaled()
    Q = Q.real
    n = A.shape[0]
    s = eqs.scale
    x = np.zeros((n_traj, n))
    if x0 is not None:
        x0 = np.asarray(x0, dtype=float)
        if x0.shape != (n,):
            raise ValueError(f"x0 must have shape ({n},)")
        x += x0 / s
    if cov0 is not None:
        cov0 = np.asarray(cov0, dtype=float)
        if cov0.shape != (n, n):
            raise ValueError(f"cov0 must have shape ({n}, {n})")
        x += rng.standard_normal((n_traj, n)) @ _psd_sqrt(cov0 / np.outer(s, s)).T
    out = np.empty((times.size, n_traj, n))
    out[0] = x
    cache = {}
    for k in range(1, times.size):
        dt = times[k] - times[k - 1]
        key = float(f"{dt:.10e}")     # steps equal to ~1e-10 relative share a propagator
        if key not in cache:
            Phi, c, Sig = ou_propagator(A, Q, b, dt)
            cache[key] = (Phi, c, _psd_sqrt(Sig.real))
        Phi, c, L = cache[key]
        x = x @ Phi.T + c + rng.standard_normal((n_traj, n)) @ L.T
        out[k] = x
    return out * s


def power_spectral_density(x, dt: float, *, nperseg: int | None = None, axis: int = 0,
                           average_axis: int | None = 1):
    """One-sided power spectral density by Welch's method (:func:`scipy.signal.welch`).

    Convention: one-sided, in units of ``x^2``/Hz, such that
    ``int_0^{f_Nyquist} S(f) df`` equals the variance of ``x``; for a
    stationary process ``S(f) = 2 S_xx(omega = 2 pi f)`` with the two-sided
    ``S_xx`` of :func:`optbind.gaussian.spectral_density` (``f > 0``).

    Parameters
    ----------
    x : array_like
        Samples on a uniform time grid along ``axis`` (e.g. the output of
        :func:`simulate`, shape (T, n_traj, 2N)).
    dt : float
        Sampling interval in s (> 0).
    nperseg : int, optional
        Welch segment length (default ``min(T, 256)``).
    axis : int
        Time axis of ``x``.
    average_axis : int or None
        Axis (of ``x``) over which periodograms are averaged, e.g. the
        trajectory axis; ``None`` keeps it.

    Returns
    -------
    f : ndarray
        Frequencies in Hz.
    S : ndarray
        One-sided PSD (``x`` units squared per Hz), frequency on the former
        time axis.
    """
    dt = float(dt)
    if not (np.isfinite(dt) and dt > 0):
        raise ValueError(f"dt must be a finite sampling interval > 0 (s); got {dt!r}")
    x = np.asarray(x, dtype=float)
    T = x.shape[axis]
    nperseg = min(T, 256) if nperseg is None else int(nperseg)
    if not 2 <= nperseg <= T:
        raise ValueError(f"nperseg must be in [2, {T}]; got {nperseg!r}")
    f, S = scipy.signal.welch(x, fs=1.0 / dt, nperseg=nperseg, axis=axis,
                              return_onesided=True, scaling="density", detrend=False)
    if average_axis is not None:
        S = S.mean(axis=average_axis)
    return f, S
