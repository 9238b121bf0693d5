"""Lazy access to the modules of a package (layer 0, used by every ``__init__``)."""
from __future__ import annotations

import importlib

__all__ = ["submodule_getattr"]


def submodule_getattr(package: str, modules):
    """A module-level ``__getattr__`` importing ``package.<name>`` on first access.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    modules : iterable of str
        Names of the submodules that may be loaded this way.

    Returns
    -------
    callable
        ``__getattr__(name)`` raising :class:`AttributeError` for other names.
    """
    names = frozenset(modules)

    def __getattr__(name):
        if name in names:
            return importlib.import_module(f"{package}.{name}")
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__
