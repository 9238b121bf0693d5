"""Stable import path ``optbind.langevin``: the module :mod:`optbind.dynamics.langevin` itself."""
import sys as _sys

from .dynamics import langevin as _module

_sys.modules[__name__] = _module
