"""Stable import path ``optbind.chain``: the module :mod:`optbind.linear.chain` itself."""
import sys as _sys

from .linear import chain as _module

_sys.modules[__name__] = _module
