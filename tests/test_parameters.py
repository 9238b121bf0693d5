"""Parameter sets (data/parameters.toml) and derived quantities."""
import numpy as np
import pytest

from optbind.conventions import EPSILON_0, SPEED_OF_LIGHT
from optbind.parameters import DATA_DIR, ParameterSet, available, load


def test_available_and_sources():
    names = available()
    assert "rieser2022" in names
    for name in names:
        p = load(name)
        assert set(p.sources) == {"wavelength", "permittivity", "density", "diameter", "waist", "power", "separation"}
        assert all(len(s) > 10 for s in p.sources.values())


def test_rieser2022_values_and_derived_quantities():
    p = load("rieser2022")
    assert p.wavelength == pytest.approx(1550e-9)
    assert 2.0 < p.permittivity < 2.2  # silica near 1550 nm, n ~ 1.44
    assert 1800 <= p.density <= 2200
    assert 100e-9 <= p.diameter <= 250e-9
    assert p.k == pytest.approx(2 * np.pi / 1550e-9)
    assert p.z_R == pytest.approx(p.k * p.waist**2 / 2)
    assert p.mass == pytest.approx(p.density * np.pi * p.diameter**3 / 6)
    # peak intensity 2P/(pi w^2) = c eps0 |E0|^2 / 2
    assert 0.5 * SPEED_OF_LIGHT * EPSILON_0 * p.field_amplitude**2 == pytest.approx(2 * p.power / (np.pi * p.waist**2))
    assert p.chi == pytest.approx(3 * (p.permittivity - 1) / (p.permittivity + 2))
    assert 0 < p.delta_chi < 0.05 * p.chi  # ka ~ 0.4: small radiation correction
    # realistic axial trap frequency: 10 kHz .. 1 MHz
    assert 2 * np.pi * 1e4 < p.omega < 2 * np.pi * 1e6
    # far-field regime for the nominal separation
    assert p.k * p.separation > 20


def test_errors(tmp_path):
    with pytest.raises(KeyError, match="unknown parameter set"):
        load("nope")
    with pytest.raises(FileNotFoundError, match="parameters.toml|not found"):
        load("rieser2022", path=tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    text = (DATA_DIR / "parameters.toml").read_text().replace("value = 2.085", "value = 0.9")
    bad.write_text(text)
    with pytest.raises(ValueError, match="eps"):
        load("rieser2022", path=bad)
    with pytest.raises(ValueError, match="diameter"):
        ParameterSet("x", "", 1.55e-6, 2.0, 1850.0, -1.0, 1e-6, 0.1, 1e-5)
