"""Stochastic (classical-limit) Langevin trajectories of the array (Eqs. 88, 89, 96).

The linear stochastic differential equation

.. math:: dx = (A x + b)\\,dt + dW, \\qquad \\langle dW dW^T\\rangle = \\mathrm{Re}(Q)\\,dt,

with ``A``, ``b``, ``Q`` from :func:`optbind.gaussian.moment_equations`
(default ``damping="lindblad"`` as in the other engines; ``"brownian"`` is
Eq. 96 with thermal momentum noise; plus the correlated recoil noise
``2 Re D`` of Eq. 89), is an Ornstein-Uhlenbeck
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

from .. import validation as _v
from ..linear.model import ArrayModel
from .moments import GaussianMoments, check_moments, moment_equations, ou_propagator

__all__ = ["simulate", "stationary_covariance", "power_spectral_density"]


def _psd_sqrt(Sigma):
    """A square root ``L L^T = Sigma`` of a propagator covariance (round-off clipped)."""
    lam, V = np.linalg.eigh(Sigma)
    lam = np.clip(lam, 0.0, None)
    return V * np.sqrt(lam)[None, :]


def simulate(model: ArrayModel, times, *, n_traj: int = 1, seed=None,
             initial: GaussianMoments | None = None, damping: str = "lindblad",
             source: str = "langevin") -> np.ndarray:
    """Sample trajectories of the linear Langevin equations exactly.

    Parameters
    ----------
    model : ArrayModel
        Array in SI units.
    times : array_like, shape (T,)
        Non-decreasing output times in s; the first one is the initial time.
    n_traj : int
        Number of independent trajectories (>= 1), simulated together.
    seed : int, None or numpy.random.Generator
        Randomness (:func:`numpy.random.default_rng`); an int makes the run
        reproducible.
    initial : GaussianMoments, optional
        Initial mean and covariance (SI; the symmetrised covariance ``Re S``
        must be positive semidefinite).  Default: every trajectory starts at
        the origin.
    damping : {"lindblad", "brownian"}
        Gas-damping model (see :mod:`optbind.gaussian`).
    source : {"langevin", "master"}
        Origin of the drift (see :func:`optbind.gaussian.moment_equations`).

    Returns
    -------
    ndarray, shape (T, n_traj, 2N)
        Trajectories ``(z_1..z_N, p_1..p_N)`` in m and kg m/s.

    Examples
    --------
    >>> from optbind.model import ArrayModel
    >>> m = ArrayModel.dimensionless(omega_eff=1.0, C=[[0.0]], D=[[0.5]], gamma=0.2)
    >>> x = simulate(m, [0.0, 1e-6, 2e-6], n_traj=3, seed=1)
    >>> x.shape
    (3, 3, 2)
    """
    if not isinstance(model, ArrayModel):
        raise TypeError(f"model must be an optbind.model.ArrayModel; got {type(model).__name__}")
    n_traj = _v.integer(n_traj, "n_traj", minimum=1)
    rng = _v.random_generator(seed)
    times = _v.times(times, "times")
    eqs = moment_equations(model, damping=damping, source=source)
    A, Q, b = eqs.scaled()
    Q = Q.real
    n = A.shape[0]
    s = eqs.scale
    x = np.zeros((n_traj, n))
    if initial is not None:
        mean, S = check_moments(initial, model.n_particles)
        x += mean / s
        x += rng.standard_normal((n_traj, n)) @ _psd_sqrt(S.real / np.outer(s, s)).T
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


def stationary_covariance(model: ArrayModel, *, n_traj: int, n_steps: int, dt: float,
                          seed=None, burn_steps: int = 0, damping: str = "lindblad"):
    """Steady-state symmetrised covariance from trajectories, with error bars.

    Every trajectory of :func:`simulate` gives a time-averaged covariance over
    ``n_steps`` samples after ``burn_steps`` discarded ones; the estimate is
    the mean over trajectories and the error bar the standard error of that
    mean (trajectories are independent, so this accounts for the time
    correlations within each trajectory).

    Parameters
    ----------
    model : ArrayModel
        Array in SI units (stable).
    n_traj, n_steps : int
        Trajectories (>= 2 for an error bar) and recorded steps per trajectory.
    dt : float
        Step in s (> 0).
    seed : int, None or numpy.random.Generator
        Randomness.
    burn_steps : int
        Steps discarded before recording (relaxation from the origin).
    damping : {"lindblad", "brownian"}
        Gas-damping model.

    Returns
    -------
    V, err : ndarray, shape (2N, 2N)
        Covariance estimate and its standard error (SI); ``err`` is NaN for
        one trajectory.
    """
    n_traj = _v.integer(n_traj, "n_traj", minimum=1)
    n_steps = _v.integer(n_steps, "n_steps", minimum=1)
    burn_steps = _v.integer(burn_steps, "burn_steps", minimum=0)
    dt = _v.real_scalar(dt, "dt", "s", positive=True)
    times = np.arange(burn_steps + n_steps + 1) * dt
    traj = simulate(model, times, n_traj=n_traj, seed=seed, damping=damping)
    x = np.swapaxes(traj[burn_steps + 1:], 0, 1)
    xc = x - x.mean(axis=(0, 1))
    per = np.einsum("tsa,tsb->tab", xc, xc) / n_steps
    V = per.mean(axis=0)
    err = per.std(axis=0, ddof=1) / np.sqrt(n_traj) if n_traj > 1 else np.full_like(V, np.nan)
    return V, err


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
    dt = _v.real_scalar(dt, "dt", "s", positive=True)
    x = _v.real_array(x, "x")
    axis = _v.integer(axis, "axis", minimum=-x.ndim, maximum=x.ndim - 1)
    T = x.shape[axis]
    nperseg = min(T, 256) if nperseg is None else _v.integer(nperseg, "nperseg", minimum=2,
                                                             maximum=T)
    if average_axis is not None:
        average_axis = _v.integer(average_axis, "average_axis", minimum=-x.ndim,
                                  maximum=x.ndim - 1)
    f, S = scipy.signal.welch(x, fs=1.0 / dt, nperseg=nperseg, axis=axis,
                              return_onesided=True, scaling="density", detrend=False)
    if average_axis is not None:
        S = S.mean(axis=average_axis)
    return f, S
