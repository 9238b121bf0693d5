"""Layer 5, analyses built on the layers below.

* :mod:`~optbind.analysis.amplification` -- stability, dispersion and amplification of chains;
* :mod:`~optbind.analysis.maps` -- sweeps over distance and phase for two particles;
* :mod:`~optbind.analysis.errata` -- the printed formulas that need correcting, with evidence;
* :mod:`~optbind.analysis.approximations` -- sizes of the approximations of Sec. III;
* :mod:`~optbind.analysis.pt_symmetry` -- PT symmetry and exceptional points of a pair;
* :mod:`~optbind.analysis.linearisation` -- Lamb-Dicke parameters, thermal amplitudes.
"""

import importlib as _importlib

_MODULES = ('amplification', 'maps', 'errata', 'approximations', 'pt_symmetry',
            'linearisation')
__all__ = list(_MODULES)


def __getattr__(name):
    if name in _MODULES:
        return _importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
