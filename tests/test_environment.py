"""The pinned environment is consistent: environment.yml, constraints.txt, pyproject.toml."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


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


def _direct_dependencies() -> set[str]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(meta["dependencies"])
    for extra in meta["optional-dependencies"].values():
        reqs += extra
    return {_norm(re.split(r"[<>=!~\[; ]", r, maxsplit=1)[0]) for r in reqs}


def test_constraints_pin_everything_exactly():
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            assert re.fullmatch(r"[A-Za-z0-9_.\-]+==[A-Za-z0-9_.+\-]+", line), f"not an exact pin: {line!r}"


def test_every_direct_dependency_is_pinned():
    pins = _constraints()
    missing = sorted(_direct_dependencies() - set(pins))
    assert not missing, f"pyproject.toml dependencies missing from constraints.txt: {missing}"


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
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    pins = _constraints()
    listed = {}
    for item in pip_section:
        if item.startswith("-"):
            continue
        name, version = item.split("==")
        listed[_norm(name)] = version
    for name, version in listed.items():
        assert pins.get(name) == version, f"environment.yml pins {name}=={version}, constraints.txt {pins.get(name)}"
    assert set(listed) == _direct_dependencies(), "environment.yml must list exactly the direct dependencies"
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python="))
    assert python == "python=3.11"
