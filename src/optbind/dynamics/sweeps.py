"""Parameter sweeps of stochastic ensembles, serial or on a dask.distributed cluster.

:func:`run_sweep` evaluates a *task* on every point of a Cartesian parameter
grid and returns a :class:`~optbind.dynamics.records.LabelledResult` whose
dimensions are the grid parameters (plus any axes of the task's outputs).
Every grid point gets its own random generator, spawned from one
:class:`numpy.random.SeedSequence`, so the result depends on ``seed`` only,
not on where or in which order the points run: a sweep on a cluster equals
the serial sweep bit for bit.

Parallel runs need the optional extra ``parallel`` (``dask[distributed]``)::

    from distributed import Client, LocalCluster
    with LocalCluster(n_workers=2, threads_per_worker=1) as cluster, \\
            Client(cluster) as client:
        result = run_sweep(task, grid, seed=1, client=client, units=...)

The task must be picklable (a module-level function) when a client is used.

:func:`pair_limit_cycle_task` is a ready task: the late-time amplitude of a
detuned, nonreciprocally bound pair simulated with
:mod:`optbind.dynamics.nonlinear` (above the Hopf threshold the ensemble
settles on a limit cycle; below it stays at the thermal amplitude).
"""

from __future__ import annotations

import itertools

import numpy as np

from .. import validation as _v
from ..linear.pair import detuned_pair_array, tweezer_separation
from ..parameters import as_parameter_set
from .nonlinear import TweezerArrayDynamics
from .records import LabelledResult

__all__ = ["run_sweep", "pair_limit_cycle_task"]


def _evaluate(task, params, seed_sequence, task_kwargs):
    """One grid point (module level so that dask can pickle it)."""
    rng = np.random.default_rng(seed_sequence)
    out = task(**params, seed=rng, **task_kwargs)
    if not isinstance(out, dict):
        raise TypeError(
            f"the task must return a dict of arrays; got {type(out).__name__}"
        )
    return {k: np.asarray(v, dtype=float) for k, v in out.items()}


def run_sweep(task, grid, *, seed=None, client=None, task_kwargs=None, units=None,
              dims=None, coords=None, attrs=None):
    """Run ``task`` on every point of a Cartesian grid; serial, or on a dask cluster.

    Parameters
    ----------
    task : callable
        ``task(**point, seed=numpy.random.Generator, **task_kwargs) -> dict``
        of arrays with the same shapes at every point.
    grid : dict of str -> 1-D array_like
        Parameter names and values; the points are their Cartesian product
        in the order given.
    seed : int or None
        Root of the :class:`numpy.random.SeedSequence` from which every grid
        point's generator is spawned (``None``: fresh entropy).
    client : distributed.Client, optional
        Run the points as dask futures on this client (``client.map`` and
        ``client.gather``); ``None`` (default) runs them serially here.
    task_kwargs : dict, optional
        Fixed keyword arguments of the task.
    units : dict of str -> str
        Units of every grid parameter and every task output (and of extra
        coordinates in ``coords``).
    dims : dict of str -> tuple of str, optional
        Names of the extra axes of array-valued outputs (default
        ``"<name>_dim<i>"``).
    coords : dict of str -> 1-D array_like, optional
        Coordinates of extra axes (default ``0, 1, ...`` with unit ``"1"``).
    attrs : dict, optional
        Extra scalar attributes stored with the result.

    Returns
    -------
    LabelledResult
        Variables of dimensions ``(*grid, *extra)``; ``attrs`` holds
        ``seed`` and ``backend`` (``"serial"`` or ``"dask"``).
    """
    if not callable(task):
        raise TypeError("task must be callable")
    if not isinstance(grid, dict) or not grid:
        raise TypeError("grid must be a non-empty dict of parameter name -> values")
    names = list(grid)
    values = []
    for name in names:
        arr = np.atleast_1d(np.asarray(grid[name]))
        if arr.ndim != 1 or arr.size == 0:
            raise ValueError(f"grid[{name!r}] must be a non-empty 1-D array")
        values.append(arr)
    if seed is not None:
        seed = _v.integer(seed, "seed", minimum=0)
    task_kwargs = {} if task_kwargs is None else dict(task_kwargs)
    units = {} if units is None else dict(units)
    points = [
        dict(zip(names, (v.item() for v in combo)))
        for combo in itertools.product(*values)
    ]
    children = np.random.SeedSequence(seed).spawn(len(points))
    if client is None:
        results = [
            _evaluate(task, pt, ss, task_kwargs) for pt, ss in zip(points, children)
        ]
        backend = "serial"
    else:
        if not (hasattr(client, "map") and hasattr(client, "gather")):
            raise TypeError("client must be a distributed.Client (with map and gather)")
        futures = client.map(
            _evaluate,
            [task] * len(points),
            points,
            children,
            [task_kwargs] * len(points),
            pure=False,
        )
        results = client.gather(futures)
        backend = "dask"
    shape = tuple(v.size for v in values)
    data, all_dims, all_coords = {}, {}, {n: v for n, v in zip(names, values)}
    dims = {} if dims is None else dict(dims)
    coords = {} if coords is None else {k: np.asarray(v) for k, v in coords.items()}
    for var in results[0]:
        stack = np.stack([r[var] for r in results]).reshape(
            shape + results[0][var].shape
        )
        extra = tuple(
            dims.get(var, tuple(f"{var}_dim{i}" for i in range(results[0][var].ndim)))
        )
        for i, dim in enumerate(extra):
            if dim not in all_coords:
                all_coords[dim] = coords.get(dim, np.arange(results[0][var].shape[i]))
                units.setdefault(dim, "1")
        data[var] = stack
        all_dims[var] = tuple(names) + extra
    meta = {"seed": seed, "backend": backend}
    meta.update(attrs or {})
    return LabelledResult(
        data=data, dims=all_dims, coords=all_coords, units=units, attrs=meta
    )


def pair_limit_cycle_task(*, power_ratio, phi, seed=None, kd_mod=np.pi / 2, n=None,
                          params="delic2020", gamma_over_omega=0.02, temperature=1e-3,
                          n_traj=16, n_periods=200.0, steps_per_period=60,
                          record_every=10, recoil="foci"):
    """Late-time amplitude of a detuned, nonreciprocally bound pair (a sweep task).

    Two spheres of ``params`` in tweezers at ``k d = kd_mod + 2 pi n`` with
    relative phase ``phi`` and power ratio ``power_ratio``
    (:func:`optbind.linear.pair.detuned_pair_array`), static forces
    compensated, gas damping ``gamma = gamma_over_omega * omega`` at
    ``temperature`` and recoil noise; all trajectories start at the foci.

    Parameters
    ----------
    power_ratio, phi : float
        ``P_1/P_2`` (> 0) and the tweezer phase difference (rad).
    seed : int, None or numpy.random.Generator
        Randomness.
    kd_mod : float
        ``k d`` modulo ``2 pi`` (rad); ``pi/2`` gives ``C_12 = -C_21`` (any ``phi``).
    n : int, optional
        Whole wavelengths in ``d`` (default: closest to the set's separation).
    params : ParameterSet or str
        Particles and tweezers.
    gamma_over_omega : float
        Damping in units of the equal-power trap frequency.
    temperature : float
        Gas temperature in K.
    n_traj : int
        Trajectories.
    n_periods : float
        Simulated time in trap periods.
    steps_per_period : int
        Time steps per trap period.
    record_every : int
        Record every this many steps.
    recoil : {"foci", "positions", "off"}
        Recoil noise model.

    Returns
    -------
    dict
        ``"rms_kappa_z"`` (per particle, dimensionless): rms of
        ``kappa z_j`` over the last quarter of the run and all trajectories;
        ``"energy"`` (J): mean mechanical energy over the same window.
    """
    p = as_parameter_set(params)
    if n is None:
        n = max(0, int(round((p.k * p.separation - kd_mod) / (2 * np.pi))))
    d = tweezer_separation(p.k, n, kd_mod)
    arr = detuned_pair_array(power_ratio=power_ratio, d=d, phi=phi, params=p)
    omega = float(p.omega)
    gamma = (
        _v.real_scalar(
            gamma_over_omega, "gamma_over_omega", "dimensionless", positive=True
        )
        * omega
    )
    eng = TweezerArrayDynamics(
        arr,
        gamma=gamma,
        temperature=temperature,
        recoil=recoil,
        static_force="compensate",
    )
    steps_per_period = _v.integer(steps_per_period, "steps_per_period", minimum=4)
    dt = 2 * np.pi / omega / steps_per_period
    n_steps = int(
        round(
            _v.real_scalar(n_periods, "n_periods", "periods", positive=True)
            * steps_per_period
        )
    )
    traj = eng.simulate(
        dt=dt, n_steps=n_steps, n_traj=n_traj, seed=seed, record_every=record_every
    )
    late = traj.times >= 0.75 * traj.times[-1]
    q = traj.displacements[late][..., 0]  # (T, n_traj, 2)
    return {
        "rms_kappa_z": arr.kappa * np.sqrt(np.mean(q**2, axis=(0, 1))),
        "energy": float(np.mean(traj.energy()[late])),
    }
