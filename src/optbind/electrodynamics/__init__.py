"""Layer 1, electrodynamics: Green tensors, laser fields and the particles' response.

* :mod:`~optbind.electrodynamics.green` -- dipole Green tensors (Eqs. 2-4, 9, 59-64);
* :mod:`~optbind.electrodynamics.fields` -- tweezer and plane-wave fields (Eqs. 77-79);
* :mod:`~optbind.electrodynamics.particles` -- small dielectric ellipsoids (Eqs. 32, 33, 68).
"""

import importlib as _importlib

_MODULES = ('green', 'fields', 'particles')
__all__ = list(_MODULES)


def __getattr__(name):
    if name in _MODULES:
        return _importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
