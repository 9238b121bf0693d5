"""Layer 2, forces and noise of N particles, general (not linearised).

* :mod:`~optbind.forces.dipoles` -- potentials, forces and torques of induced dipoles (Eqs. 1, 5-7, 17, 40, 73, 75, C10b);
* :mod:`~optbind.forces.scattering` -- Lindblad amplitudes, scattering rates, recoil diffusion (Eqs. 72, 76, C9);
* :mod:`~optbind.forces.two_tweezers` -- the two-tweezer model of Sec. II in closed form;
* :mod:`~optbind.forces.gas` -- residual-gas damping and heating.
"""

from .._lazy import submodule_getattr

_MODULES = ('dipoles', 'scattering', 'two_tweezers', 'gas')
__all__ = list(_MODULES)
__getattr__ = submodule_getattr(__name__, _MODULES)
