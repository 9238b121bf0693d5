"""Size limits of the point dipole (optbind.analysis.validity) against mie directly."""

import numpy as np
import pytest

from optbind.analysis import validity as va
from optbind.electrodynamics import mie

LAM = 1550e-9
EPS = 2.085
K = 2 * np.pi / LAM


@pytest.fixture(scope="module")
def trap():
    return va.TrapComparison(LAM, EPS, 1e-6)


def test_trap_deviations_equal_point_dipole_deviation(trap):
    d = np.array([100e-9, 300e-9])
    for q in va.TRAP_QUANTITIES:
        ref = mie.point_dipole_deviation(
            q, d, wavelength=LAM, permittivity=EPS, waist=1e-6
        )
        got = [trap.deviation(q, di) for di in d]
        # same beam quadrature and formulas: measured difference 0 (rounding)
        assert np.allclose(got, ref, rtol=1e-12, atol=1e-15)


def test_curves_reuse_the_memoised_exact_stiffness(trap):
    d = [150e-9, 250e-9]
    before = len(trap._exact)
    curves = va.deviation_curves(
        d, wavelength=LAM, permittivity=EPS, waist=1e-6, trap=trap
    )
    assert len(trap._exact) == before + 2  # one exact solve per diameter, 3 quantities
    assert set(curves) == set(va.QUANTITIES)
    assert trap.exact_stiffness(75e-9) == trap.exact_stiffness(75e-9)


def test_small_sphere_trap_deviation_is_o_x2(trap):
    """Exact dipole in the exact beam: kappa ratio 1 - 0.146 x^2 (w = 1 um)."""
    d = 20e-9
    x = K * d / 2
    dev = trap.deviation("trap_frequency_exact_dipole", d)
    # sqrt(1 - 0.1462 x^2) - 1 = -0.0731 x^2 (test_mie measured -0.1462)
    assert dev / x**2 == pytest.approx(-0.0731, abs=0.002)


def test_cheap_crossings_equal_mie_crossing_diameter():
    tab = va.crossing_diameters(
        wavelength=LAM,
        permittivity=EPS,
        levels=(0.01,),
        quantities=("polarizability_corrected", "recoil_heating"),
    )
    for q, (d1,) in tab.items():
        ref = mie.crossing_diameter(q, 0.01, wavelength=LAM, permittivity=EPS)
        assert d1 == pytest.approx(ref, rel=2e-6)  # both brentq to rtol 1e-6


@pytest.mark.slow
def test_trap_crossing_equals_mie_crossing_diameter(trap):
    d1 = trap.crossing("trap_frequency", 0.01)
    ref = mie.crossing_diameter(
        "trap_frequency", 0.01, wavelength=LAM, permittivity=EPS, waist=1e-6
    )
    assert d1 == pytest.approx(ref, rel=2e-6)  # measured 260.7 nm both ways


def test_binding_is_the_square_of_the_polarisability_ratio():
    d = np.array([50e-9, 400e-9])
    dev = mie.point_dipole_deviation(
        "polarizability_quasistatic", d, wavelength=LAM, permittivity=EPS
    )
    got = va.deviation_curves(
        d, wavelength=LAM, permittivity=EPS, quantities=("binding",)
    )["binding"]
    assert np.allclose(got, (1 + dev) ** 2 - 1, rtol=1e-14, atol=0)


def test_far_field_at_90_degrees_is_the_a1_field():
    """S_1(pi/2) = (3/2) a_1 [1 + O(x^4)]: why 'binding' uses a_1 alone."""
    rel = []
    for x in (0.2, 0.4):
        s1, _ = mie.amplitude_functions(x, np.sqrt(EPS), [np.pi / 2])
        a, _ = mie.mie_coefficients(x, np.sqrt(EPS))
        rel.append(abs(s1[0] / (1.5 * a[0]) - 1))
    # measured 1.18e-5 and 1.87e-4: ratio 15.9 ~ 2^4, coefficient 0.0073 x^4
    assert rel[1] / rel[0] == pytest.approx(16.0, rel=0.05)
    assert rel[1] < 0.01 * 0.4**4


def test_bad_inputs():
    with pytest.raises(ValueError, match="quantity"):
        va.deviation_curves([1e-7], wavelength=LAM, permittivity=EPS, quantities=["x"])
    with pytest.raises(ValueError, match="d_max"):
        va.crossing_diameters(
            wavelength=LAM, permittivity=EPS, quantities=["binding"], d_max=1e-9
        )
    with pytest.raises(ValueError, match="level"):
        va.crossing_diameters(wavelength=LAM, permittivity=EPS, levels=(-0.1,))
    with pytest.raises(ValueError, match="waist"):
        va.TrapComparison(LAM, EPS, -1e-6)
    with pytest.raises(ValueError, match="another wavelength"):
        va.deviation_curves(
            [1e-7],
            wavelength=1064e-9,
            permittivity=EPS,
            waist=1e-6,
            trap=va.TrapComparison(LAM, EPS, 1e-6, n_angular=16),
        )
    with pytest.raises(TypeError, match="TrapComparison"):
        va.deviation_curves([1e-7], wavelength=LAM, permittivity=EPS, trap="beam")
    with pytest.raises(ValueError, match="already"):
        va.crossing_diameters(
            wavelength=LAM, permittivity=EPS, quantities=["binding"], d_min=1e-6
        )


def test_no_trap_frequency_beyond_the_dipole_resonance():
    """Re alpha_1 < 0 above the first dipole resonance: nan, not a complex root."""
    trap = va.TrapComparison(1064e-9, 2.1014, 1e-6, n_angular=16)
    k = 2 * np.pi / 1064e-9
    assert mie.mie_polarizability(0.75e-6, 2.1014, k).real < 0
    assert np.isnan(trap.deviation("trap_frequency_exact_dipole", 1.5e-6))
    assert np.isfinite(trap.deviation("trap_frequency", 1.5e-6))
