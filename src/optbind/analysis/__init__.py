"""Layer 5, analyses built on the layers below.

* :mod:`~optbind.analysis.amplification` -- stability, dispersion and amplification of chains;
* :mod:`~optbind.analysis.maps` -- sweeps over distance and phase for two particles;
* :mod:`~optbind.analysis.errata` -- the printed formulas that need correcting, with evidence;
* :mod:`~optbind.analysis.approximations` -- sizes of the approximations of Sec. III;
* :mod:`~optbind.analysis.pt_symmetry` -- PT symmetry and exceptional points of a pair;
* :mod:`~optbind.analysis.limit_cycles` -- limit cycles of a pair: averaging, Floquet, phase noise;
* :mod:`~optbind.analysis.linearisation` -- Lamb-Dicke parameters, thermal amplitudes;
* :mod:`~optbind.analysis.euler_lagrange` -- Eqs. (21), (28): forces and torques by two routes;
* :mod:`~optbind.analysis.recoil` -- recoil diffusion (87a, 87b) and Ehrenfest forces;
* :mod:`~optbind.analysis.stationary` -- one stationary state by three engines;
* :mod:`~optbind.analysis.validity` -- up to which sphere size the point-dipole numbers hold;
* :mod:`~optbind.analysis.chain_dynamics` -- what the unstable chain does: saturation,
  attractors, Lyapunov exponents, driven response.
* :mod:`~optbind.analysis.quantum_regime` -- Eq. (72) against Eq. (82) at enlarged Lamb-Dicke
  parameters.
"""

from .._lazy import submodule_getattr

_MODULES = ('amplification', 'maps', 'errata', 'approximations', 'pt_symmetry',
            'linearisation', 'appendix_c', 'measurement', 'amplifier',
            'euler_lagrange', 'recoil', 'stationary', 'validity', 'limit_cycles',
            'chain_dynamics', 'quantum_regime')
__all__ = list(_MODULES)
__getattr__ = submodule_getattr(__name__, _MODULES)
