"""optbind: optical binding between levitated nanoparticles.

A companion package to H. Rudolph, U. Delic, K. Hornberger and B. A. Stickler,
"Quantum theory of non-Hermitian optical binding between nanoparticles",
Phys. Rev. A 110, 063507 (2024).  Equation numbers in docstrings refer to
that paper.  All quantities are in SI units unless a name or docstring says
otherwise.  The sign and index conventions used throughout are fixed in
:mod:`optbind.conventions`.

The package is layered; a module imports only from layers below it:

=====  =====================================  ==========================================
layer  subpackage                             what
=====  =====================================  ==========================================
0      ``conventions``, ``validation``,       constants and conventions, input checks,
       ``numerics``                           finite differences
1      ``electrodynamics``, ``parameters``    Green tensors, fields, particles; named
                                              experimental parameter sets
2      ``forces``                             general forces and noise of N particles
3      ``linear``                             the linearised array (C, K, F, D)
4      ``dynamics``                           engines: moments, master equation,
                                              Langevin trajectories, response
5      ``analysis``                           chains, pair maps, errata, estimates
=====  =====================================  ==========================================

Short aliases keep the most used modules one import away:
``optbind.green``, ``optbind.particles``, ``optbind.fields`` (layer 1),
``optbind.array``, ``optbind.model``, ``optbind.chain`` (layer 3) and
``optbind.gaussian``, ``optbind.quantum``, ``optbind.langevin``,
``optbind.response`` (layer 4).  Submodules are imported lazily, so
``import optbind`` is cheap and imports neither scipy nor matplotlib nor
QuTiP.

Examples
--------
>>> import optbind
>>> arr = optbind.linear.pair.two_particle_array()   # Eqs. (91)-(93)
>>> arr.n_particles
2
"""
from __future__ import annotations

from ._lazy import submodule_getattr

__version__ = "0.2.0"

_SUBPACKAGES = ("electrodynamics", "forces", "linear", "dynamics", "analysis")
_MODULES = ("conventions", "validation", "numerics", "parameters")
_ALIASES = ("green", "particles", "fields", "array", "model", "chain", "gaussian",
            "quantum", "langevin", "response")

__all__ = ["__version__", *_SUBPACKAGES, *_MODULES]


__getattr__ = submodule_getattr(__name__, (*_SUBPACKAGES, *_MODULES, *_ALIASES))


def __dir__():
    return sorted(set(globals()) | set(__all__))
