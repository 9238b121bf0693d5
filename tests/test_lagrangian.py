"""Physics tests of optbind.lagrangian (Sec. III, App. A, B of Rudolph et al. 2024)."""
from __future__ import annotations

import numpy as np
import pytest

from optbind import lagrangian as lg
from optbind import particles as pt
from optbind.fields import TweezerField

K = 2 * np.pi / 1550e-9
E0 = 1e7


def _setup(sep=2e-6, phase=0.7):
    pol1 = np.array([np.sin(0.4), np.cos(0.4), 0.0])
    pol2 = np.array([np.cos(0.4), np.sin(0.4), 0.0])
    foci = np.array([[0.0, 0.0, 0.0], [sep, 0.0, 0.0]])
    field = TweezerField(foci, np.array([pol1 * np.exp(1j * phase), pol2]) * E0, K, 1e-6)
    pos = foci + np.array([[40e-9, -25e-9, 55e-9], [-30e-9, 20e-9, -45e-9]])
    vols = np.full(2, np.pi * (200e-9) ** 3 / 6)
    return field, pos, vols


def test_spheroid_closed_form_matches_carlson():
    # Two independent evaluations of Eq. (33): Carlson R_D and textbook spheroid formulas.
    q = np.geomspace(1e-3, 1e3, 61)
    assert np.allclose(lg.depolarization_curve(q), lg.spheroid_depolarization(q), atol=1e-12)


@pytest.mark.parametrize("q, expected", [(1.0, [1 / 3] * 3), (1e7, [0.5, 0.5, 0.0]),
                                         (1e-7, [0.0, 0.0, 1.0])])
def test_depolarization_limits(q, expected):
    # sphere, needle and disk limits; corrections ~ ln(q)/q^2 and ~ q respectively
    assert np.allclose(lg.spheroid_depolarization(q), expected, atol=1e-6)


def test_near_sphere_series_is_continuous():
    # the series branch (|q - 1| < 1e-4) must join the closed forms to O(delta^2)
    for q in (1 - 2e-4, 1 - 5e-5, 1 + 5e-5, 1 + 2e-4):
        assert np.allclose(lg.spheroid_depolarization(q), lg.depolarization_curve([q])[0], atol=1e-7)


def test_sphere_radiation_correction_quad_matches_closed_form():
    # Eq. (68) by distance-distribution quadrature vs (4/15) chi^2 (ka)^2
    for a in (20e-9, 100e-9, 170e-9):
        assert lg.sphere_radiation_correction_quad(2.085, a, K) == pytest.approx(
            pt.radiation_correction_sphere(2.085, a, K), rel=1e-12)


def test_ball_distance_pdf_normalised():
    from scipy.integrate import quad

    assert quad(lambda s: lg.ball_distance_pdf(s, 1.3), 0, 2.6)[0] == pytest.approx(1.0, rel=1e-12)


@pytest.mark.parametrize("green", ["static", "real"])
def test_force_is_minus_gradient_of_external_potential(green):
    # Eq. (21) vs Eq. (17a), point dipoles, interaction part only (single-particle parts removed).
    field, pos, vols = _setup()
    chi = 0.8

    def pair_energy(p):
        return (lg.external_potential(p, vols, chi, field, green)
                - sum(lg.external_potential(p[[j]], vols[[j]], chi, field, green) for j in range(2)))

    f_dip = lg.dipole_forces(pos, vols, chi, field, green) - np.array(
        [lg.dipole_forces(pos[[j]], vols[[j]], chi, field, green)[0] for j in range(2)])
    for j in range(2):
        f_pot = -lg.potential_gradient(pair_energy, pos, j, 1e-4 / K)
        # central differences: relative error ~ (k h)^2 + eps |V| /(h |F_int|) << 1e-5
        assert np.allclose(f_pot, f_dip[j], rtol=0, atol=1e-5 * np.abs(f_dip[j]).max())


def test_dipole_force_reciprocal_for_static_coupling_without_gradients():
    # In a uniform field the static (G0) pair forces obey actio = reactio.
    class Uniform:
        k = K

        def field(self, r):
            return np.broadcast_to(np.array([0.3, 1.0, 0.2j]) * E0, np.shape(r)).astype(complex)

        def gradient(self, r):
            return np.zeros(np.shape(r)[:-1] + (3, 3), complex)

    pos = np.array([[0.0, 0.0, 0.0], [0.7e-6, 0.4e-6, -0.2e-6]])
    f = lg.dipole_forces(pos, [1e-21, 2e-21], [0.8, 0.6], Uniform(), "static")
    assert np.allclose(f[0], -f[1], rtol=1e-12, atol=1e-30)


@pytest.mark.parametrize("green", ["static", "real"])
def test_torque_equals_minus_euler_derivative(green):
    # Eq. (28): -dV/dmu = n_mu . N for all three Euler angles (triaxial particle).
    field, pos, _ = _setup()
    semi = np.array([100e-9, 60e-9, 35e-9])
    chi_body = pt.susceptibility_tensor(2.085, *semi)
    vols = np.array([pt.volume(*semi), np.pi * (200e-9) ** 3 / 6])
    others = (0.8 * np.eye(3))[None]
    eu = np.array([0.3, 1.1, -0.4])
    dv = lg.euler_derivatives(
        lambda e: lg.orientation_potential(e, chi_body, pos, vols, others, field, green), eu, 1e-4)
    tq = lg.dipole_torque(eu, chi_body, pos, vols, others, field, green)
    assert np.allclose(-dv, lg.euler_rotation_axes(*eu) @ tq, rtol=0,
                       atol=1e-6 * np.abs(tq).max())


def test_euler_axes_generate_rotation_derivative():
    # dR/dmu = [n_mu]_x R  (text above Eq. 27)
    eu = np.array([0.7, -0.5, 1.3])
    h = 1e-6
    for m, n in enumerate(lg.euler_rotation_axes(*eu)):
        ep, em = eu.copy(), eu.copy()
        ep[m] += h
        em[m] -= h
        d_r = (pt.rotation_matrix(*ep) - pt.rotation_matrix(*em)) / (2 * h)
        cross = np.array([[0, -n[2], n[1]], [n[2], 0, -n[0]], [-n[1], n[0], 0]])
        assert np.allclose(d_r, cross @ pt.rotation_matrix(*eu), atol=1e-9)


def test_approximation_ratios_realistic_values():
    r = lg.approximation_ratios(200e-9, 1550e-9, 2.085, 1850.0, 9e-6, 0.2, 1e-6)
    assert r["ka"] == pytest.approx(np.pi * 200e-9 / 1550e-9)
    assert 1e-11 < r["v_over_c"] < 1e-9
    assert r["scattered_over_laser_pair"] < 1e-3
    assert r["delta_chi_over_chi"] == pytest.approx(4 / 15 * pt.sphere_susceptibility(2.085) * r["ka"] ** 2)


def test_bad_inputs_name_the_parameter():
    with pytest.raises(ValueError, match="aspect"):
        lg.spheroid_depolarization(-1.0)
    with pytest.raises(ValueError, match="green"):
        field, pos, vols = _setup()
        lg.external_potential(pos, vols, 0.8, field, green="bogus")
    with pytest.raises(ValueError, match="step"):
        lg.potential_gradient(lambda p: 0.0, np.zeros((1, 3)), 0, 0.0)
    with pytest.raises(ValueError, match="diameter"):
        lg.approximation_ratios(-1, 1550e-9, 2.085, 1850.0, 9e-6, 0.2, 1e-6)
