"""Parameter sets (package data optbind/data/parameters.toml) and derived quantities."""

import tomllib

import numpy as np
import pytest

from optbind.conventions import EPSILON_0, SPEED_OF_LIGHT
from optbind.fields import TweezerField
from optbind.forces.dipoles import optical_potential
from optbind.numerics import central_difference
from optbind.parameters import (
    ParameterSet,
    as_parameter_set,
    available,
    load,
    parameter_file_text,
)
from optbind.particles import radiation_correction_sphere_quadrature

FIELDS = {
    "wavelength",
    "permittivity",
    "density",
    "diameter",
    "waist",
    "power",
    "separation",
}


def test_available_and_sources():
    names = available()
    assert "rieser2022" in names
    assert names == sorted(tomllib.loads(parameter_file_text()))
    for name in names:
        p = load(name)
        assert p.name == name
        assert set(p.sources) == FIELDS
        assert all(len(s) > 10 for s in p.sources.values())


@pytest.mark.parametrize("name", available())
def test_derived_quantities(name):
    p = load(name)
    tight = dict(rel=2e-15, abs=0)  # measured deviations <= 2.2e-16; rounding
    assert p.k == pytest.approx(2 * np.pi / p.wavelength, **tight)
    assert p.z_R == pytest.approx(p.k * p.waist**2 / 2, **tight)
    assert p.radius == p.diameter / 2
    assert p.mass == pytest.approx(p.density * 4 * np.pi * p.radius**3 / 3, **tight)
    # peak intensity 2P/(pi w^2) = c eps0 |E0|^2 / 2
    assert 0.5 * SPEED_OF_LIGHT * EPSILON_0 * p.field_amplitude**2 == pytest.approx(
        2 * p.power / (np.pi * p.waist**2), **tight
    )
    assert p.chi == pytest.approx(
        3 * (p.permittivity - 1) / (p.permittivity + 2), **tight
    )
    # radiation correction (Eq. 68) against the distance-distribution quadrature
    dchi = radiation_correction_sphere_quadrature(p.permittivity, p.radius, p.k)
    assert p.delta_chi == pytest.approx(dchi, rel=2e-15, abs=0)  # measured 3.4e-16
    assert p.chi_tilde == p.chi + p.delta_chi


@pytest.mark.parametrize("name", available())
def test_trap_frequency_is_the_curvature_of_the_optical_potential(name):
    """m omega^2 = d^2 V_L/dz^2 of Eq. (73) in the tweezer of Eqs. (77)-(78), chi~ of
    Eq. (74)."""
    p = load(name)
    field = TweezerField([[0, 0, 0]], [[0, p.field_amplitude, 0]], p.k, p.waist)
    h = 1e-3 * p.z_R
    curv = central_difference(
        lambda z: optical_potential([[0, 0, z[0]]], p.volume, p.chi_tilde, field),
        np.array([0.0]),
        h,
        order=2,
    )[0]
    # FD error -(h/z_R)^2/2 = 5e-7: measured 5.0e-7; margin 4
    assert np.sqrt(curv / p.mass) == pytest.approx(p.omega, rel=2e-6, abs=0)


def test_realistic_values():
    """The default set describes the experiment class of the paper (physical ranges)."""
    p = load("rieser2022")
    assert p.wavelength == 1550e-9
    assert 2.0 < p.permittivity < 2.2  # silica near 1550 nm, n ~ 1.44
    assert 1800 <= p.density <= 2200
    assert 100e-9 <= p.diameter <= 250e-9
    assert 0 < p.delta_chi < 0.05 * p.chi  # ka ~ 0.4: small radiation correction
    assert 2 * np.pi * 1e4 < p.omega < 2 * np.pi * 1e6  # measured 2 pi x 34 kHz
    assert p.k * p.separation > 20  # far field (measured 36)


def test_as_parameter_set():
    p = load("rieser2022")
    assert as_parameter_set(None) == p
    assert as_parameter_set("rieser2022") == p
    assert as_parameter_set(p) is p
    with pytest.raises(TypeError, match="params"):
        as_parameter_set(3)


def test_errors(tmp_path):
    with pytest.raises(
        KeyError, match="rieser2022"
    ):  # the message lists the valid names
        load("nope")
    with pytest.raises(FileNotFoundError, match="not found"):
        load("rieser2022", path=tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    text = parameter_file_text()
    assert "value = 2.085" in text
    bad.write_text(text.replace("value = 2.085", "value = 0.9"))
    with pytest.raises(ValueError, match="permittivity"):
        load("rieser2022", path=bad)
    # the edited copy is read, the packaged file is untouched
    ok = tmp_path / "ok.toml"
    ok.write_text(text.replace("value = 2.085", "value = 2.1"))
    assert load("rieser2022", path=ok).permittivity == 2.1
    assert load("rieser2022").permittivity == 2.085
    with pytest.raises(ValueError, match="diameter"):
        ParameterSet("x", "", 1.55e-6, 2.0, 1850.0, -1.0, 1e-6, 0.1, 1e-5)
    with pytest.raises(TypeError, match="path"):
        available(path=3)
