"""One stationary state by three engines: master equation, moment equations, Langevin.

The linearised master equation (82)-(83) with gas damping, the moment
equations of the Langevin equations (88)-(89) and a stochastic simulation of
those equations must have the same stationary second moments.
:func:`stationary_moments_three_ways` computes them with

* QuTiP: the steady state of the Liouvillian in a truncated Fock basis
  (:func:`optbind.quantum.steady_state`), at ``n_max`` and ``n_max - 1`` quanta
  per particle, so that the truncation error can be seen to decrease;
* the Lyapunov equation of the moment equations
  (:func:`optbind.gaussian.steady_state`);
* time averages over independent Langevin trajectories with their standard
  errors (:func:`optbind.langevin.stationary_covariance`; exact
  Ornstein-Uhlenbeck steps, so no time-step error).

All second moments are returned in the dimensionless quadratures
``X = z / l``, ``Y = p l / hbar`` (``l`` the scales of
:func:`optbind.gaussian.moment_equations`).
"""
from __future__ import annotations

import time

import numpy as np

from .. import validation as _v
from ..dynamics import moments as _moments
from ..dynamics.langevin import stationary_covariance
from ..linear.model import ArrayModel

__all__ = ["stationary_moments_three_ways"]


def stationary_moments_three_ways(model, *, n_max, n_traj, n_steps, steps_per_period=8,
                                  burn_periods=20, seed=None):
    """Stationary second moments from QuTiP, the Lyapunov equation and trajectories.

    Parameters
    ----------
    model : ArrayModel
        A stable, consistent array (Eq. 90'), Lindblad gas damping; QuTiP needs
        low occupations (fractions of a phonon) for a small ``n_max``.
    n_max : int
        Highest Fock state per particle kept by QuTiP (>= 2).
    n_traj : int
        Number of Langevin trajectories (>= 2, for the error bars).
    n_steps : int
        Recorded steps per trajectory.
    steps_per_period : int
        Langevin steps per period ``2 pi / omega_1`` of the first particle.
    burn_periods : int
        Periods discarded before recording.
    seed : int, None or numpy.random.Generator
        Randomness of the trajectories.

    Returns
    -------
    dict
        ``(2N, 2N)`` real arrays of symmetrised moments ``<{X_a, X_b}>/2`` in the
        order ``(X_1..X_N, Y_1..Y_N)``: ``"gaussian"``, ``"qutip"``,
        ``"qutip_lower"`` (at ``n_max - 1``), ``"langevin"`` and its standard
        error ``"langevin_error"``.  Floats: ``"error_qutip"`` and
        ``"error_qutip_lower"`` (largest deviation of the full, non-symmetrised
        QuTiP moments from the Gaussian ones over the largest Gaussian moment),
        ``"z_max"`` (largest ``|langevin - gaussian| / error`` over the
        independent entries), ``"seconds_qutip"``, ``"seconds_langevin"``; and
        ``"occupation"``, the Gaussian phonon numbers, shape (N,).
    """
    if not isinstance(model, ArrayModel):
        raise TypeError(f"model must be an optbind.model.ArrayModel; got "
                        f"{type(model).__name__}")
    n_max = _v.integer(n_max, "n_max", minimum=2)
    n_traj = _v.integer(n_traj, "n_traj", minimum=2)
    n_steps = _v.integer(n_steps, "n_steps", minimum=1)
    steps_per_period = _v.integer(steps_per_period, "steps_per_period", minimum=1)
    burn_periods = _v.integer(burn_periods, "burn_periods", minimum=0)
    from ..dynamics import quantum as _quantum  # needs QuTiP (optional dependency)

    gauss = _moments.steady_state(model)
    t0 = time.perf_counter()
    full = {}
    for n in (n_max, n_max - 1):
        rho = _quantum.steady_state(model, n_max=n)
        full[n] = _quantum.moments(model, _quantum.operators(model, n_max=n), rho).S
    t_qutip = time.perf_counter() - t0
    t0 = time.perf_counter()
    period = 2 * np.pi / model.omega_eff[0]
    V, err = stationary_covariance(model, n_traj=n_traj, n_steps=n_steps,
                                   dt=period / steps_per_period, seed=seed,
                                   burn_steps=burn_periods * steps_per_period,
                                   damping="lindblad")
    t_lan = time.perf_counter() - t0
    scale = _moments.moment_equations(model).scale
    norm = np.outer(scale, scale)
    ref = gauss.S / norm
    largest = np.max(np.abs(ref.real))
    iu = np.triu_indices(ref.shape[0])
    z = np.abs(V / norm - ref.real)[iu] / (err / norm)[iu]
    return {
        "gaussian": ref.real,
        "qutip": full[n_max].real / norm,
        "qutip_lower": full[n_max - 1].real / norm,
        "langevin": V / norm,
        "langevin_error": err / norm,
        "error_qutip": float(np.max(np.abs(full[n_max] / norm - ref)) / largest),
        "error_qutip_lower": float(
            np.max(np.abs(full[n_max - 1] / norm - ref)) / largest),
        "z_max": float(np.max(z)),
        "seconds_qutip": t_qutip,
        "seconds_langevin": t_lan,
        "occupation": _moments.phonon_occupation(model, gauss),
    }
