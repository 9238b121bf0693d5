"""Stable import path ``optbind.model``: the module :mod:`optbind.linear.model` itself."""
import sys as _sys

from .linear import model as _module

_sys.modules[__name__] = _module
