"""Benchmark: the nonlinear engine (optbind.dynamics.nonlinear) and sweeps on dask.

1. Force kernel: optbind.forces.dipoles.total_forces (analytic contraction of the Green
   tensor gradient, one field evaluation) against the plain full-tensor evaluation of
   Eq. (C10b) with dyadic_green_gradient (the previous implementation), same batch.
2. Engine vectorised over trajectories against a straightforward per-trajectory loop
   (the same engine called with n_traj = 1 for each trajectory), N = 2 and N = 10;
   throughput in particle-steps per second.
3. Weak order of BAOAB: errors of <z^2>, <p^2> at a fixed time against the exact
   moments (optbind.gaussian.evolve) for a nonreciprocal, damped, noisy pair of
   harmonic oscillators, n_traj = 4e6; fitted slopes.
4. A parameter sweep (optbind.dynamics.sweeps.pair_limit_cycle_task, 8 grid points)
   serially and on a local dask.distributed cluster with two worker processes
   (needs the extra 'parallel'); speed-up and equality of the results.

Run:  .venv/bin/python benchmarks/bench_nonlinear.py [--quick]
"""

import os
import resource
import sys
import time

import numpy as np

from optbind import gaussian
from optbind.conventions import BOLTZMANN, EPSILON_0, HBAR
from optbind.dynamics.nonlinear import TweezerArrayDynamics, baoab
from optbind.dynamics.sweeps import pair_limit_cycle_task, run_sweep
from optbind.electrodynamics.green import dyadic_green, dyadic_green_gradient
from optbind.forces.dipoles import (
    gradient_forces,
    radiation_pressure_forces,
    total_forces,
)
from optbind.linear.chain import chain_array
from optbind.linear.model import ArrayModel

QUICK = "--quick" in sys.argv


def best_of(fun, repeat=3):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fun()
        times.append(time.perf_counter() - t0)
    return min(times)


def plain_total_forces(pos, vol, chi, chi_t, field):
    """Eq. (C10b) with the (..., 3, 3, 3) Green-gradient tensor (the previous code)."""
    n = pos.shape[-2]
    e, de = field.field(pos), field.gradient(pos)
    a = vol[:, None] * chi * e
    j, jp = np.nonzero(~np.eye(n, dtype=bool))
    r = pos[..., j, :] - pos[..., jp, :]
    g, dg = dyadic_green(r, field.k), dyadic_green_gradient(r, field.k)
    src = a[..., jp, :]
    t1 = np.einsum("...pab,...pbc,...pc->...pa", de[..., j, :, :].conj() * chi, g, src)
    t2 = np.einsum("...pb,...pabc,...pc->...pa", chi * e[..., j, :].conj(), dg, src)
    contrib = 0.5 * EPSILON_0 * vol[j][:, None] * np.real(t1 + t2)
    onehot = np.zeros((j.size, n))
    onehot[np.arange(j.size), j] = 1.0
    return (
        gradient_forces(pos, vol, chi_t, field)
        + radiation_pressure_forces(pos, vol, chi, field)
        + np.einsum("pn,...pa->...na", onehot, contrib)
    )


def main():
    print("1. force kernel (total_forces, batch of configurations)")
    for n, batch in ((2, 1000), (10, 1000)):
        ch = chain_array(n)
        arr = ch.array
        pos = np.broadcast_to(arr.foci, (batch, n, 3)).copy()
        pos[..., 2] += 1e-8 * np.random.default_rng(0).standard_normal((batch, n))
        chi = float(arr.chi)
        new = total_forces(pos, arr.volumes, chi, arr.field, chi_tilde=arr.chi_tilde)
        old = plain_total_forces(pos, arr.volumes, chi, arr.chi_tilde, arr.field)
        t_new = best_of(
            lambda: total_forces(
                pos, arr.volumes, chi, arr.field, chi_tilde=arr.chi_tilde
            )
        )
        t_old = best_of(
            lambda: plain_total_forces(pos, arr.volumes, chi, arr.chi_tilde, arr.field)
        )
        print(
            f"   N = {n:2d}, {batch} configurations: contracted {t_new * 1e3:.1f} ms, "
            f"full tensor "
            f"{t_old * 1e3:.1f} ms, speed-up {t_old / t_new:.1f}x, max rel. difference "
            f"{np.max(np.abs(new - old)) / np.max(np.abs(old)):.1e}"
        )

    print("2. engine: vectorised over trajectories vs a per-trajectory loop")
    for n, n_traj, n_steps in ((2, 256, 200), (10, 64, 100)):
        ch = chain_array(n, g_over_gamma=0.3)
        eng = TweezerArrayDynamics(
            ch.array, gamma=ch.gamma, temperature=1e-3, static_force="compensate"
        )
        eng.diffusion()  # recoil D at the foci, computed once
        dt = 0.1 / ch.omega0
        n_loop = n_traj if not QUICK else 8
        t_vec = best_of(
            lambda: eng.simulate(dt=dt, n_steps=n_steps, n_traj=n_traj, seed=1),
            repeat=2,
        )

        def loop():
            for s in range(n_loop):
                eng.simulate(dt=dt, n_steps=n_steps, n_traj=1, seed=s)

        t_loop = best_of(loop, repeat=1) * n_traj / n_loop
        ps = n * n_traj * n_steps
        print(
            f"   N = {n:2d}, {n_traj} trajectories x {n_steps} steps: "
            f"vectorised {t_vec:.2f} s "
            f"({ps / t_vec:.3g} particle-steps/s), loop {t_loop:.2f} s "
            f"({ps / t_loop:.3g} particle-steps/s)"
            f"{' (extrapolated from 8)' if QUICK else ''}, "
            f"speed-up {t_loop / t_vec:.0f}x"
        )
        for nt in (16, 64, 256, 1024):
            t = best_of(
                lambda: eng.simulate(dt=dt, n_steps=20, n_traj=nt, seed=1), repeat=2
            )
            print(f"      batch {nt:5d}: {n * nt * 20 / t:.3g} particle-steps/s")

    print("3. weak order of BAOAB (harmonic pair, exact moments from gaussian.evolve)")
    m = np.array([1e-18, 1.5e-18])
    w = np.array([1e5, 1.2e5])
    gam, temp = 0.4e5, 1.0
    c = np.array([[0.0, 0.3], [0.05, 0.0]]) * 1e-8
    d = np.array([[1.0, 0.4], [0.4, 0.8]]) * m.mean() * gam * BOLTZMANN * temp
    model = ArrayModel(
        masses=m,
        omega=w,
        C=c,
        D=d + np.diag(m * gam * (BOLTZMANN * temp - 0.5 * HBAR * w)),
        K=np.zeros(2),
        gamma=gam,
        n_th=0.0,
    )
    sz, sp = np.sqrt(BOLTZMANN * temp / (m * w**2)), np.sqrt(m * BOLTZMANN * temp)
    z0, p0 = np.array([1.0, -0.5]) * sz, np.array([0.0, 0.5]) * sp
    t_end = 3e-5
    exact = gaussian.second_moments(
        gaussian.evolve(
            model,
            gaussian.GaussianMoments(np.concatenate([z0, p0]), np.zeros((4, 4))),
            [t_end],
            damping="brownian",
        )
    )[0].real
    ct = np.ascontiguousarray(c.T)
    n_traj, reps = (400_000, 1) if QUICK else (1_000_000, 4)
    rows = []
    for n in (5, 7, 10, 14, 20, 28):
        dt = t_end / n
        acc = np.zeros((4, 4))
        acc2 = np.zeros(4)
        for r in range(reps):
            _, q, p = baoab(
                lambda x: -x * m * w**2 + x @ ct,
                np.broadcast_to(z0, (n_traj, 2)),
                np.broadcast_to(p0, (n_traj, 2)),
                m,
                dt=dt,
                n_steps=n,
                gamma=gam,
                temperature=temp,
                diffusion=d,
                seed=100 * n + r,
                record_every=n,
            )
            x = np.concatenate([q[-1], p[-1]], axis=1)
            acc += x.T @ x / n_traj
            acc2 += np.var(x**2, axis=0) / n_traj
        est = acc / reps
        err = np.diag(est - exact) / np.diag(exact)
        sem = np.sqrt(acc2 / reps / reps) / np.diag(exact)
        rows.append((1e5 * dt, err, sem))
        print(
            f"   omega_1 dt = {1e5 * dt:.3f}: relative errors <z1^2> {err[0]:+.2e}, "
            f"<z2^2> "
            f"{err[1]:+.2e}, <p1^2> {err[2]:+.2e}, <p2^2> {err[3]:+.2e} "
            f"(standard error {sem.max():.1e})"
        )
    dts = np.array([r[0] for r in rows])
    errs = np.array([r[1] for r in rows])
    sems = np.array([r[2] for r in rows])
    for i, name in ((1, "<z2^2>"), (2, "<p1^2>"), (3, "<p2^2>")):
        ok = np.abs(errs[:, i]) > 4 * sems[:, i]
        slope = np.polyfit(np.log(dts[ok]), np.log(np.abs(errs[ok, i])), 1)[0]
        print(
            f"   weak order from {name}: {slope:.2f} "
            f"({ok.sum()} step sizes with error > 4 s.e.)"
        )

    print("4. sweep of pair_limit_cycle_task: serial vs dask.distributed (2 workers)")
    print(
        f"   cores: {os.cpu_count()}, load average before: "
        f"{', '.join(f'{x:.2f}' for x in os.getloadavg())} "
        f"(other processes share the cores)"
    )
    grid = {"power_ratio": [0.75, 0.85, 0.95, 1.05], "phi": [np.pi / 2, 1.2]}
    kw = dict(n_traj=16, n_periods=40.0 if QUICK else 120.0, steps_per_period=60)
    units = {
        "power_ratio": "1",
        "phi": "rad",
        "rms_kappa_z": "1",
        "energy": "J",
        "particle": "1",
    }
    t0, c0 = time.perf_counter(), time.process_time()
    serial = run_sweep(
        pair_limit_cycle_task,
        grid,
        seed=1,
        task_kwargs=kw,
        units=units,
        dims={"rms_kappa_z": ("particle",)},
    )
    t_serial, c_serial = time.perf_counter() - t0, time.process_time() - c0
    print(
        f"   serial: {t_serial:.1f} s wall, {c_serial:.1f} s CPU for 8 points "
        f"(CPU/wall = {c_serial / t_serial:.2f}: the share of a core this process got)"
    )
    try:
        import distributed
    except ImportError:
        print("   dask.distributed not installed (extra 'parallel'): skipped")
    else:
        with (
            distributed.LocalCluster(
                n_workers=2,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            ) as cluster,
            distributed.Client(cluster) as client,
        ):
            client.run(
                lambda: __import__("optbind.dynamics.sweeps")
            )  # warm the workers
            cpu0 = client.run(time.process_time)
            t0 = time.perf_counter()
            par = run_sweep(
                pair_limit_cycle_task,
                grid,
                seed=1,
                task_kwargs=kw,
                units=units,
                dims={"rms_kappa_z": ("particle",)},
                client=client,
            )
            t_dask = time.perf_counter() - t0
            cpu1 = client.run(time.process_time)
        c_dask = sum(cpu1[w] - cpu0[w] for w in cpu0)
        same = all(np.array_equal(par[k], serial[k]) for k in serial.variables)
        print(
            f"   dask, 2 workers: {t_dask:.1f} s wall, {c_dask:.1f} s CPU in the "
            f"workers (CPU/wall = {c_dask / t_dask:.2f} cores); speed-up "
            f"{t_serial / t_dask:.2f}x; results identical: {same}; load average "
            f"after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}"
        )
    print("   late-time rms kappa z (particle 1) [power_ratio x phi]:")
    print(np.array2string(serial["rms_kappa_z"][..., 0], precision=3))
    print(
        f"process max RSS "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )


if __name__ == "__main__":  # dask worker processes re-import this file
    main()
