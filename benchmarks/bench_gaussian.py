"""Benchmark: Gaussian (Lyapunov) steady state vs QuTiP steady state.

1. Two particles in the unidirectional configuration (Eqs. 91-93) with
   damping (n ~ 0.08 phonons): QuTiP steadystate at increasing Fock
   truncation until every second moment agrees with the Lyapunov solution to
   1e-4 (relative to sqrt(S_aa S_bb)); time ratio at that truncation.
2. Largest chain (corrected Eq. 97, with recoil noise and gas damping) whose
   Gaussian steady state finishes within 10 s here.

Run:  .venv/bin/python benchmarks/bench_gaussian.py
"""
import resource
import time
import tracemalloc

import numpy as np

from optbind import gaussian, quantum
from optbind.chain import chain_couplings
from optbind.model import ArrayModel

C = 0.1
pair = ArrayModel.dimensionless([1.0, 1.0], [[0, C], [0, 0]],
                                [[0.06, (1 + 1j) * C / 4], [(1 - 1j) * C / 4, 0.06]],
                                gamma=0.8, n_th=0.02)
tracemalloc.start()
t0 = time.perf_counter()
for _ in range(20):
    ref = gaussian.steady_state(pair, source="master")
t_gauss = (time.perf_counter() - t0) / 20
_, peak_g = tracemalloc.get_traced_memory()
tracemalloc.stop()
d = np.sqrt(np.abs(np.diag(ref.S)))
print(f"two particles: Gaussian steady state {t_gauss * 1e3:.2f} ms, peak traced memory {peak_g / 2**10:.0f} KiB")
for n_max in range(4, 10):
    tracemalloc.start()
    t0 = time.perf_counter()
    rho = quantum.steady_state(pair, n_max=n_max)
    t_q = time.perf_counter() - t0
    _, peak_q = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    got = quantum.moments(pair, quantum.operators(pair, n_max=n_max), rho)
    err = np.max(np.abs(got.S - ref.S) / np.outer(d, d))
    print(f"  QuTiP n_max = {n_max}: {t_q:.2f} s, max rel. error {err:.2e}, "
          f"peak traced memory {peak_q / 2**20:.1f} MiB, time ratio QuTiP/Gaussian {t_q / t_gauss:.0f}")
    if err < 1e-4:
        print(f"  -> 1e-4 reached at n_max = {n_max}: Gaussian is {t_q / t_gauss:.0f}x faster")
        break


def chain_model(N):
    Cm = chain_couplings(N, 1.0, 0.01, np.pi / 4, np.pi / 4)       # g = 0.01 omega0
    j = np.arange(N)
    l = j[:, None] - j[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        Doff = np.where(l == 0, 0, 0.01 * np.sin(np.pi / 4 * np.abs(l)) / np.abs(l) * np.exp(-1j * np.pi / 4 * l))
    Dd = 1.05 * max(0.0, -np.linalg.eigvalsh(Doff).min()) + 1e-3
    return ArrayModel.dimensionless(np.ones(N), Cm, Doff + Dd * np.eye(N), gamma=0.05, n_th=1.0)


largest = None
for N in (25, 50, 100, 200, 300, 400, 600, 800):
    mod = chain_model(N)
    tracemalloc.start()
    t0 = time.perf_counter()
    st = gaussian.steady_state(mod)
    t = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"chain N = {N}: Gaussian steady state {t:.2f} s, peak traced memory {peak / 2**20:.1f} MiB, "
          f"mean occupation {gaussian.phonon_occupation(mod, st).mean():.2f}")
    if t > 10:
        break
    largest = N
print(f"largest N tried that finishes within 10 s: {largest}")
print(f"process max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
