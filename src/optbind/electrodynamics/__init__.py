"""Layer 1, electrodynamics: Green tensors, laser fields and the particles' response.

* :mod:`~optbind.electrodynamics.green` -- dipole Green tensors (Eqs. 2-4, 9, 59-64);
* :mod:`~optbind.electrodynamics.fields` -- tweezer and plane-wave fields (Eqs. 77-79);
* :mod:`~optbind.electrodynamics.particles` -- small dielectric ellipsoids (Eqs. 32, 33, 68);
* :mod:`~optbind.electrodynamics.lorentz` -- Lorentz force and torque on a polarised volume (App. A);
* :mod:`~optbind.electrodynamics.identities` -- the time and Fourier identities of Eqs. (54), (59)-(64);
* :mod:`~optbind.electrodynamics.mie` -- exact Mie theory of a sphere, and where the point dipole fails;
* :mod:`~optbind.electrodynamics.dda` -- discrete dipoles for the small-particle kernels (Eqs. 13, 15, 30-36, 42).
"""

from .._lazy import submodule_getattr

_MODULES = ('green', 'fields', 'particles', 'lorentz', 'identities', 'mie', 'dda')
__all__ = list(_MODULES)
__getattr__ = submodule_getattr(__name__, _MODULES)
