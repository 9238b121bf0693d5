"""The package namespace: lazy top level, stable alias modules, documented modules."""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys

import pytest

import optbind

#: The stable short import paths and the module each one *is* (api_changes.md).
ALIASES = {
    "green": "optbind.electrodynamics.green",
    "particles": "optbind.electrodynamics.particles",
    "fields": "optbind.electrodynamics.fields",
    "array": "optbind.linear.array",
    "model": "optbind.linear.model",
    "chain": "optbind.linear.chain",
    "gaussian": "optbind.dynamics.moments",
    "quantum": "optbind.dynamics.quantum",
    "langevin": "optbind.dynamics.langevin",
    "response": "optbind.dynamics.response",
}

#: Book tooling that still lives inside the package (issue 9, item 2 moves it out);
#: it is not part of the physics API and is left out of the __all__ check below.

HEAVY = ("scipy", "matplotlib", "qutip")


def _fresh_python(code: str) -> str:
    """Run ``code`` in a new interpreter (warnings are errors) and return its stdout."""
    proc = subprocess.run(
        [sys.executable, "-W", "error", "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_import_is_lazy_and_warning_free():
    out = _fresh_python(
        "import sys, json, optbind\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('optbind'))))\n"
    )
    heavy, loaded = (json.loads(line) for line in out.splitlines())
    assert heavy == [], f"import optbind imported {heavy}"
    # only the package and its stdlib-only lazy loader
    assert loaded == ["optbind", "optbind._lazy"], f"import optbind imported {loaded}"


def test_lazy_attribute_access_imports_on_demand():
    # the namespace is lazy, not empty: the first attribute access imports the module
    out = _fresh_python(
        "import sys, optbind\n"
        "before = 'optbind.electrodynamics.green' in sys.modules\n"
        "g = optbind.green\n"
        "print(before, g.__name__, 'optbind.electrodynamics.green' in sys.modules)\n"
    )
    assert out.split() == ["False", "optbind.electrodynamics.green", "True"]


@pytest.mark.parametrize("alias, target", sorted(ALIASES.items()))
def test_alias_is_the_module_itself(alias, target):
    mod = importlib.import_module(target)
    assert importlib.import_module(f"optbind.{alias}") is mod
    assert getattr(optbind, alias) is mod
    # a function defined in the target is reachable through the alias (the same object)
    name = mod.__all__[0]
    assert getattr(importlib.import_module(f"optbind.{alias}"), name) is getattr(
        mod, name
    )


def test_alias_import_in_fresh_interpreter():
    # ``from optbind.green import x`` must work as the first import of a session too
    code = (
        "\n".join(
            f"import optbind.{a} as m; import {t} as t; assert m is t, '{a}'"
            for a, t in ALIASES.items()
        )
        + "\nprint('ok')"
    )
    assert _fresh_python(code).strip() == "ok"


def test_top_level_names_are_registered():
    found = {
        m.name
        for m in pkgutil.iter_modules(optbind.__path__)
        if not m.name.startswith("_")
    }
    registered = (
        set(optbind._SUBPACKAGES) | set(optbind._MODULES) | set(optbind._ALIASES)
    )
    assert found == registered, found ^ registered
    assert set(optbind._ALIASES) == set(ALIASES)
    with pytest.raises(AttributeError, match="no attribute"):
        optbind.classical  # noqa: B018 -- removed in 0.2 (api_changes.md)


def _physics_modules():
    for info in pkgutil.walk_packages(optbind.__path__, "optbind."):
        if info.name.split(".")[1] in ALIASES:
            continue
        yield info.name


@pytest.mark.parametrize("name", sorted(_physics_modules()))
def test_every_module_is_documented_with_all(name):
    mod = importlib.import_module(name)
    assert mod.__name__ == name
    assert mod.__doc__ and len(mod.__doc__.strip()) > 40, (
        f"{name} has no module docstring"
    )
    assert isinstance(getattr(mod, "__all__", None), list), f"{name} has no __all__"
    missing = [n for n in mod.__all__ if not hasattr(mod, n)]
    assert not missing, f"{name}.__all__ lists undefined names {missing}"


@pytest.mark.parametrize(
    "name",
    [
        "conventions",
        "validation",
        "numerics",
        "parameters",
        "electrodynamics",
        "forces",
        "linear",
        "dynamics",
        "analysis",
    ],
)
def test_namespace_modules(name):
    assert getattr(optbind, name) is importlib.import_module(f"optbind.{name}")
    assert name in dir(optbind)
