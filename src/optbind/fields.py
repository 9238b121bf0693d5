"""Stable import path ``optbind.fields``: the module :mod:`optbind.electrodynamics.fields` itself."""
import sys as _sys

from .electrodynamics import fields as _module

_sys.modules[__name__] = _module
