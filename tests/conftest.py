"""Shared pytest configuration.

* One BLAS thread.  The machines this suite runs on have two cores; OpenBLAS's
  default of one thread per core makes small dense solves inside QuTiP's
  steady-state solver (SuperLU) and the N = 200 response test 10-30x slower
  under load (measured: 2.5 s -> 16-86 s), with identical results.  The
  variables must be set before numpy is imported, which nothing does before
  this file.
* Hypothesis runs derandomised everywhere (the same examples on every run and
  machine, no example database), so a property test either always passes or
  always fails.  Tests may still pass their own ``@settings(...)``; this
  profile is the default.
"""
import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

from hypothesis import settings  # noqa: E402

settings.register_profile("optbind", derandomize=True, deadline=None, database=None)
settings.load_profile("optbind")
