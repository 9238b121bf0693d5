"""The docstring examples of the package run, and say what they claim.

Every canonical module (not the ten alias files, which are the same module
objects) is run through :mod:`doctest`; the main entry points of every layer
carry examples (``tests/wheel_smoke.py`` runs them again from an installed
wheel, outside the repository).
"""
from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import optbind

ALIASES = {f"optbind.{a}" for a in optbind._ALIASES}
MODULES = sorted(
    m.name for m in pkgutil.walk_packages(optbind.__path__, "optbind.")
    if m.name not in ALIASES and not m.name.endswith((".book", ".sphinxext"))
)
#: entry points that must have an example (issue 9, item 6)
MAIN_ENTRY_POINTS = [
    "optbind.electrodynamics.green.dyadic_green",
    "optbind.electrodynamics.fields.TweezerField",
    "optbind.electrodynamics.particles.depolarization_factors",
    "optbind.electrodynamics.particles.susceptibility_tensor",
    "optbind.parameters.load",
    "optbind.forces.dipoles.binding_forces",
    "optbind.forces.scattering.diffusion_matrix",
    "optbind.linear.array.LinearArray",
    "optbind.linear.model.ArrayModel",
    "optbind.linear.chain.chain_couplings",
    "optbind.dynamics.moments.steady_state",
    "optbind.dynamics.quantum.steady_state",
    "optbind.dynamics.langevin.simulate",
    "optbind.dynamics.response.susceptibility",
    "optbind.analysis.amplification.critical_coupling",
    "optbind.analysis.maps.pair_model",
    "optbind.analysis.errata.get",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
                             report=True)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"


@pytest.mark.parametrize("path", MAIN_ENTRY_POINTS)
def test_main_entry_points_have_examples(path):
    module, name = path.rsplit(".", 1)
    obj = getattr(importlib.import_module(module), name)
    tests = doctest.DocTestFinder(recurse=False).find(obj, name)
    assert tests and tests[0].examples, f"{path} has no docstring example"


def test_api_reference_documents_every_module():
    """book/api lists every canonical module once (automodule), so autodoc covers them."""
    import re
    from pathlib import Path

    api = Path(__file__).resolve().parents[1] / "book" / "api"
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(api.glob("*.md")))
    documented = re.findall(r"^\.\. automodule:: (\S+)\n   :members:", text, flags=re.M)
    assert len(documented) == len(set(documented))
    packages = {"optbind", "optbind._lazy"} | {
        f"optbind.{p}" for p in optbind._SUBPACKAGES}  # documented without members
    assert set(documented) == set(MODULES) - packages
