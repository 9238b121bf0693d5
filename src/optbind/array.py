"""Stable import path ``optbind.array``: the module :mod:`optbind.linear.array` itself."""
import sys as _sys

from .linear import array as _module

_sys.modules[__name__] = _module
