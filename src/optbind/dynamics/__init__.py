"""Layer 4, dynamics engines for an :class:`~optbind.linear.model.ArrayModel`.

* :mod:`~optbind.dynamics.moments` -- Gaussian moment equations (exact, fast);
* :mod:`~optbind.dynamics.quantum` -- the master equation (82) with QuTiP (extra ``quantum``);
* :mod:`~optbind.dynamics.langevin` -- stochastic trajectories of Eqs. (88), (89), (96);
* :mod:`~optbind.dynamics.response` -- mechanical susceptibilities, Eqs. (100), (101);
* :mod:`~optbind.dynamics.nonlinear` -- nonlinear Langevin dynamics with the full forces
  (Eqs. 72, 76-78, C10b) of a :class:`~optbind.linear.array.LinearArray`;
* :mod:`~optbind.dynamics.records` -- labelled results saved with coordinates and units;
* :mod:`~optbind.dynamics.sweeps` -- sweeps of stochastic ensembles, serial or on dask;
* :mod:`~optbind.dynamics.spectra` -- motional spectra (symmetrised, sideband-resolved);
* :mod:`~optbind.dynamics.nonlinear_quantum` -- the master equation (72) without
  linearisation for axial motion (extra ``quantum``).

The linear engines share one calling convention: the model first, options keyword-only,
``damping="lindblad"`` by default, randomness through ``seed``.
"""

from .._lazy import submodule_getattr

_MODULES = ('moments', 'quantum', 'langevin', 'response', 'nonlinear', 'records',
            'sweeps', 'spectra', 'nonlinear_quantum')
__all__ = list(_MODULES)
__getattr__ = submodule_getattr(__name__, _MODULES)
