"""Stable import path ``optbind.response``: the module :mod:`optbind.dynamics.response` itself."""
import sys as _sys

from .dynamics import response as _module

_sys.modules[__name__] = _module
