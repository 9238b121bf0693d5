"""Benchmark: chain susceptibility, fast Schur solver vs per-frequency dense solve.

N = 1000 particles (corrected Eq. 97, kd = phi = pi/4, omega0 = 20 gamma,
g = gamma), 2000 frequencies, elements chi[0, N-1] and chi[N-1, 0].
The dense baseline (numpy.linalg.solve per frequency) is timed on a subset of
40 frequencies and extrapolated linearly to all 2000; accuracy is compared on
that subset.  The machine is shared, so every timing is the minimum of
interleaved repeats.

Run:  .venv/bin/python benchmarks/bench_response.py
"""
import resource
import time
import tracemalloc

import numpy as np

from optbind.chain import chain_couplings
from optbind.response import dense_susceptibility, susceptibility

N, F, N_SUB, REPEATS = 1000, 2000, 40, 2
W0, GAM = 20.0, 1.0
B = chain_couplings(N, W0, 1.0, np.pi / 4, np.pi / 4)
omega = np.linspace(W0 - 10, W0 + 10, F)
el = [(0, N - 1), (N - 1, 0)]
sub = np.linspace(0, F - 1, N_SUB).astype(int)


def timed(fn):
    tracemalloc.start()
    t0 = time.perf_counter()
    out = fn()
    t = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return out, t, peak


t_fast, t_fast0, t_sub = [], [], []
for _ in range(REPEATS):
    fast, t, peak_fast = timed(lambda: susceptibility(omega, B, W0, GAM, elements=el))
    t_fast.append(t)
    dense, t, peak_dense = timed(lambda: dense_susceptibility(omega[sub], B, W0, GAM, elements=el))
    t_sub.append(t)
    fast0, t, peak_fast0 = timed(lambda: susceptibility(omega, B, W0, GAM, elements=el, refine=0))
    t_fast0.append(t)
t_fast, t_fast0, t_sub = min(t_fast), min(t_fast0), min(t_sub)
t_dense = t_sub * F / N_SUB

rel = np.abs(fast[sub] - dense) / np.abs(dense)
rel0 = np.abs(fast0[sub] - dense) / np.abs(dense)
print(f"N = {N}, {F} frequencies, elements chi[0,N-1] and chi[N-1,0]; min of {REPEATS} interleaved repeats")
print(f"fast, default (real Schur + recursive blocked shifted back substitution + 1 refinement step): "
      f"{t_fast:.2f} s, peak traced memory {peak_fast / 2**20:.1f} MiB")
print(f"dense numpy.linalg.solve on {N_SUB} frequencies: {t_sub:.2f} s -> "
      f"EXTRAPOLATED linearly to {F}: {t_dense:.1f} s, peak traced memory {peak_dense / 2**20:.1f} MiB")
print(f"speed-up (extrapolated dense / fast default): {t_dense / t_fast:.1f}x")
print(f"max relative difference on the {N_SUB} compared frequencies: "
      f"chi[0,N-1] {rel[:, 0].max():.2e}, chi[N-1,0] {rel[:, 1].max():.2e}")
print(f"without refinement (refine=0): {t_fast0:.2f} s ({t_dense / t_fast0:.1f}x), peak traced memory "
      f"{peak_fast0 / 2**20:.1f} MiB, max relative difference "
      f"chi[0,N-1] {rel0[:, 0].max():.2e}, chi[N-1,0] {rel0[:, 1].max():.2e}")
print(f"|chi[0,N-1]|^2 range {np.abs(fast[:, 0]).min()**2:.2e} .. {np.abs(fast[:, 0]).max()**2:.2e}; "
      f"|chi[N-1,0]|^2 range {np.abs(fast[:, 1]).min()**2:.2e} .. {np.abs(fast[:, 1]).max()**2:.2e}")
print(f"process max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
