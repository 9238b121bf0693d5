"""Every module of the package is importable through the lazy namespace and documented."""
from __future__ import annotations

import importlib
import pkgutil

import optbind


def test_every_module_is_registered_and_importable():
    found = {m.name for m in pkgutil.iter_modules(optbind.__path__) if not m.name.startswith("_")}
    found.discard("sphinxext")  # a Sphinx extension, not part of the physics API
    assert found <= set(optbind._SUBMODULES), f"not registered in optbind._SUBMODULES: {found - set(optbind._SUBMODULES)}"
    for name in optbind._SUBMODULES:
        mod = getattr(optbind, name)
        assert mod is importlib.import_module(f"optbind.{name}")
        assert mod.__doc__ and len(mod.__doc__.strip()) > 40, f"optbind.{name} has no module docstring"
