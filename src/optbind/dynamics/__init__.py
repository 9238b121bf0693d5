"""Layer 4, dynamics engines for an :class:`~optbind.linear.model.ArrayModel`.

* :mod:`~optbind.dynamics.moments` -- Gaussian moment equations (exact, fast);
* :mod:`~optbind.dynamics.quantum` -- the master equation (82) with QuTiP (extra ``quantum``);
* :mod:`~optbind.dynamics.langevin` -- stochastic trajectories of Eqs. (88), (89), (96);
* :mod:`~optbind.dynamics.response` -- mechanical susceptibilities, Eqs. (100), (101).

All engines share one calling convention: the model first, options keyword-only,
``damping="lindblad"`` by default, randomness through ``seed``.
"""

from .._lazy import submodule_getattr

_MODULES = ('moments', 'quantum', 'langevin', 'response')
__all__ = list(_MODULES)
__getattr__ = submodule_getattr(__name__, _MODULES)
