"""Stable import path ``optbind.particles``: the module :mod:`optbind.electrodynamics.particles` itself."""
import sys as _sys

from .electrodynamics import particles as _module

_sys.modules[__name__] = _module
