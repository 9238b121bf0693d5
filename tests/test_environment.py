"""The declared environment is consistent: pyproject.toml, constraints.txt,
environment.yml.

* ``constraints.txt`` pins every installed package exactly and every direct dependency;
* ``environment.yml`` (conda) pins exactly the direct dependencies to the same versions;
* the core dependencies are numpy and scipy only, the extras ``quantum``, ``book`` and
  ``test`` (issue 9, item 5), and the lower bounds admit the pinned versions;
* what the source imports is declared: the physics modules import only the standard
  library, numpy and scipy, with qutip (extra ``quantum``) in ``dynamics.quantum``
  alone.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "optbind"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
#: Book tooling still inside the package (issue 9, item 2 moves it to its own package).
TOOLING = ROOT / "src" / "optbind_book"


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _constraints() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            pins[_norm(name)] = version
    return pins


def _requirements(group: str | None = None) -> list[Requirement]:
    meta = PYPROJECT["project"]
    if group is None:
        return [Requirement(r) for r in meta["dependencies"]]
    return [Requirement(r) for r in meta["optional-dependencies"][group]]


def _direct_dependencies() -> set[str]:
    groups = [None, *PYPROJECT["project"]["optional-dependencies"]]
    return {_norm(r.name) for g in groups for r in _requirements(g)}


def test_constraints_pin_everything_exactly():
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            assert re.fullmatch(r"[A-Za-z0-9_.\-]+==[A-Za-z0-9_.+\-]+", line), (
                f"not an exact pin: {line!r}"
            )


def test_core_dependencies_and_extras():
    assert {_norm(r.name) for r in _requirements()} == {"numpy", "scipy"}
    assert set(PYPROJECT["project"]["optional-dependencies"]) == {
        "quantum",
        "parallel",
        "series",
        "book",
        "test",
    }
    assert "qutip" in {_norm(r.name) for r in _requirements("quantum")}
    assert "dask" in {_norm(r.name) for r in _requirements("parallel")}


def test_every_direct_dependency_is_pinned_within_its_bounds():
    pins = _constraints()
    groups = [None, *PYPROJECT["project"]["optional-dependencies"]]
    for group in groups:
        for req in _requirements(group):
            name = _norm(req.name)
            assert name in pins, (
                f"{req.name} ({group or 'core'}) missing from constraints.txt"
            )
            assert Version(pins[name]) in req.specifier, (
                f"constraints.txt pins {name}=={pins[name]}, outside {req}"
            )


def test_book_tooling_dependencies_are_pinned():
    """The separate tooling package (src/optbind_book) is installed from the same pins."""
    meta = tomllib.loads((ROOT / "src" / "optbind_book" / "pyproject.toml").read_text())
    names = {_norm(re.split(r"[<>=!~\[; ]", r, maxsplit=1)[0])
             for r in meta["project"]["dependencies"]}
    missing = sorted(names - set(_constraints()))
    assert not missing, f"optbind_book dependencies missing from constraints.txt: {missing}"
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    assert "-e src/optbind_book" in pip_section, "environment.yml must install the tooling"


def test_environment_yml_matches_constraints():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(
        d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d
    )
    pins = _constraints()
    listed = {}
    for item in pip_section:
        if item.startswith("-"):
            continue
        name, version = item.split("==")
        listed[_norm(name)] = version
    for name, version in listed.items():
        assert pins.get(name) == version, (
            f"environment.yml pins {name}=={version}, constraints.txt {pins.get(name)}"
        )
    missing = sorted(_direct_dependencies() - set(listed))
    extra = sorted(set(listed) - _direct_dependencies())
    assert not missing and not extra, (
        f"environment.yml must list exactly the direct dependencies; "
        f"missing {missing}, "
        f"not declared in pyproject.toml {extra}"
    )
    assert "-e ." in pip_section
    python = next(
        d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python=")
    )
    # the conda Python satisfies requires-python
    from packaging.specifiers import SpecifierSet

    assert Version(python.split("=", 1)[1]) in SpecifierSet(
        PYPROJECT["project"]["requires-python"]
    )


def test_build_system_supports_the_spdx_licence():
    # license = "MIT" (an SPDX string) with license-files needs setuptools >= 77
    req = Requirement(PYPROJECT["build-system"]["requires"][0])
    assert _norm(req.name) == "setuptools"
    assert not req.specifier.contains("76.9") and req.specifier.contains("77.0")
    assert isinstance(PYPROJECT["project"]["license"], str)
    assert (ROOT / "LICENSE").is_file()


def _third_party_imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n != "optbind"}


#: modules allowed one optional import each, and why
OPTIONAL_IMPORTS = {
    "dynamics/quantum.py": {"qutip"},            # extra "quantum"
    "dynamics/nonlinear_quantum.py": {"qutip"},  # extra "quantum", solvers only
    "dynamics/sweeps.py": {"dask", "distributed"},  # extra "parallel", only with a client
    "dynamics/records.py": {"xarray"},           # to_xarray() only, if the user has it
    "electrodynamics/mie.py": {"mpmath"},        # extra "series", exact ka expansions
}


def test_physics_modules_import_only_declared_core_dependencies():
    allowed = {"numpy", "scipy"}
    for path in sorted(SRC.rglob("*.py")):
        extra = _third_party_imports(path) - allowed
        rel = path.relative_to(SRC).as_posix()
        extra -= OPTIONAL_IMPORTS.get(rel, set())
        assert not extra, f"{path.relative_to(ROOT)} imports undeclared {sorted(extra)}"


def test_tooling_imports_are_pinned():
    """Every import of the book tooling comes from a distribution pinned in
    constraints.txt."""
    dists = importlib.metadata.packages_distributions()
    pins = _constraints()
    for path in sorted(TOOLING.glob("*.py")):
        for mod in _third_party_imports(path) - {"optbind_book"}:
            owners = {_norm(d) for d in dists.get(mod, [])}
            assert owners & set(pins), (
                f"{path.relative_to(ROOT)}: {mod} is not from a pinned package"
            )
