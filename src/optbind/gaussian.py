"""Stable import path ``optbind.gaussian``: the module :mod:`optbind.dynamics.moments` itself."""
import sys as _sys

from .dynamics import moments as _module

_sys.modules[__name__] = _module
