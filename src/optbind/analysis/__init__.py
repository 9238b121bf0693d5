"""Layer 5, analyses built on the layers below.

* :mod:`~optbind.analysis.amplification` -- stability, dispersion and amplification of chains;
* :mod:`~optbind.analysis.maps` -- sweeps over distance and phase for two particles;
* :mod:`~optbind.analysis.errata` -- the printed formulas that need correcting, with evidence;
* :mod:`~optbind.analysis.approximations` -- sizes of the approximations of Sec. III;
* :mod:`~optbind.analysis.measurement` -- sideband-resolved spectra of two particles, Im D_12;
* :mod:`~optbind.analysis.amplifier` -- the chain as a force amplifier: gain, added noise.
"""

import importlib as _importlib

_MODULES = ('amplification', 'maps', 'errata', 'approximations', 'measurement',
            'amplifier')
__all__ = list(_MODULES)


def __getattr__(name):
    if name in _MODULES:
        return _importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
