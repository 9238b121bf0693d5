"""Stable import path ``optbind.green``: the module :mod:`optbind.electrodynamics.green` itself."""
import sys as _sys

from .electrodynamics import green as _module

_sys.modules[__name__] = _module
