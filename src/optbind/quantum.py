"""Stable import path ``optbind.quantum``: the module :mod:`optbind.dynamics.quantum` itself."""
import sys as _sys

from .dynamics import quantum as _module

_sys.modules[__name__] = _module
