"""Layer 4, dynamics engines for an :class:`~optbind.linear.model.ArrayModel`.

* :mod:`~optbind.dynamics.moments` -- Gaussian moment equations (exact, fast);
* :mod:`~optbind.dynamics.quantum` -- the master equation (82) with QuTiP (extra ``quantum``);
* :mod:`~optbind.dynamics.langevin` -- stochastic trajectories of Eqs. (88), (89), (96);
* :mod:`~optbind.dynamics.response` -- mechanical susceptibilities, Eqs. (100), (101);
* :mod:`~optbind.dynamics.spectra` -- motional spectra (symmetrised, sideband-resolved).

All engines share one calling convention: the model first, options keyword-only,
``damping="lindblad"`` by default, randomness through ``seed``.
"""

import importlib as _importlib

_MODULES = ('moments', 'quantum', 'langevin', 'response', 'spectra')
__all__ = list(_MODULES)


def __getattr__(name):
    if name in _MODULES:
        return _importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
