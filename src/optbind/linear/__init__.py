"""Layer 3, the linearised array (Sec. V): couplings C, stiffness K, forces F, diffusion D.

* :mod:`~optbind.linear.array` -- :class:`~optbind.linear.array.LinearArray`, Eqs. (79)-(87);
* :mod:`~optbind.linear.model` -- :class:`~optbind.linear.model.ArrayModel`, the input of every engine;
* :mod:`~optbind.linear.pair` -- the unidirectional pair, Eqs. (91)-(93);
* :mod:`~optbind.linear.chain` -- equidistant chains, Eqs. (96)-(98).
"""

from .._lazy import submodule_getattr

_MODULES = ('array', 'model', 'pair', 'chain')
__all__ = list(_MODULES)
__getattr__ = submodule_getattr(__name__, _MODULES)
