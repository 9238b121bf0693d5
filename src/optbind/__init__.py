"""optbind: optical binding between levitated nanoparticles.

A companion package to H. Rudolph, U. Delic, K. Hornberger and B. A. Stickler,
"Quantum theory of non-Hermitian optical binding between nanoparticles",
Phys. Rev. A 110, 063507 (2024).  Equation numbers in docstrings refer to
that paper.  All quantities are in SI units unless a docstring says otherwise.

Submodules are imported lazily, so ``import optbind`` is cheap and
``optbind.green`` etc. work after it.  The sign and index conventions used
throughout are fixed in :mod:`optbind.conventions`.
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

_SUBMODULES = (
    "amplification",
    "array",
    "book",
    "chain",
    "classical",
    "conventions",
    "electrodynamics",
    "errata",
    "fields",
    "gaussian",
    "green",
    "interactions",
    "lagrangian",
    "langevin",
    "maps",
    "model",
    "parameters",
    "particles",
    "quantum",
    "response",
    "unidirectional",
    "vacuum",
)


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_SUBMODULES))
