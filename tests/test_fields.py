"""Tests of the tweezer field, Eqs. (77)-(79)."""
import numpy as np
import pytest
from scipy.integrate import quad

from optbind.conventions import EPSILON_0, SPEED_OF_LIGHT
from optbind.fields import (
    TweezerField,
    field_amplitude_from_power,
    near_focus_field,
    rayleigh_range,
    trap_frequency,
    tweezer_envelope,
    tweezer_envelope_gradient,
    waist_from_rayleigh_range,
)
from optbind.interactions import optical_potential

K = 2 * np.pi / 1.55e-6
W = 1.0e-6
ZR = K * W**2 / 2


def _field():
    foci = [[0, 0, 0], [6e-6, 1e-6, 0]]
    amps = [[1e7, 2e6j, 0], [3e6 * np.exp(0.4j), -1e6, 0]]
    return TweezerField(foci, amps, K, W)


def test_rayleigh_range_roundtrip():
    assert rayleigh_range(K, W) == pytest.approx(K * W**2 / 2)
    assert waist_from_rayleigh_range(K, rayleigh_range(K, W)) == pytest.approx(W, rel=1e-15)


def test_envelope_focus_axis_and_gouy_phase():
    assert tweezer_envelope([0, 0, 0], W, ZR) == 1
    z = np.linspace(-3, 3, 13) * ZR
    pts = np.stack([0 * z, 0 * z, z], axis=1)
    f = tweezer_envelope(pts, W, ZR)
    # on axis: intensity Lorentzian, phase = -arctan(z/z_R) (Gouy)
    assert np.allclose(np.abs(f) ** 2, 1 / (1 + z**2 / ZR**2), rtol=1e-14)
    assert np.allclose(np.angle(f), -np.arctan(z / ZR), atol=1e-14)
    # radial profile in the focal plane is exp(-rho^2/w^2)
    rho = np.linspace(0, 3, 7) * W
    assert np.allclose(tweezer_envelope(np.stack([rho, 0 * rho, 0 * rho], 1), W, ZR), np.exp(-(rho**2) / W**2))


def test_paraxial_wave_equation():
    """f_tw solves the paraxial equation (d_x^2 + d_y^2) f + 2ik d_z f = 0 (FD check)."""
    r = np.array([0.4, -0.3, 0.7]) * np.array([W, W, ZR])
    h = 1e-3 * W
    lap = sum(
        (tweezer_envelope(r + h * e, W, ZR) - 2 * tweezer_envelope(r, W, ZR) + tweezer_envelope(r - h * e, W, ZR)) / h**2
        for e in np.eye(3)[:2]
    )
    dz = tweezer_envelope_gradient(r, W, ZR)[2]
    # second-difference error ~ (h/w)^2 = 1e-6 relative to the terms of size |f|/w^2
    assert abs(lap + 2j * K * dz) < 1e-5 * abs(tweezer_envelope(r, W, ZR)) / W**2


def test_field_gradients_match_finite_differences():
    fld = _field()
    pts = np.array([[0.3e-6, -0.2e-6, 0.5e-6], [5.5e-6, 1.4e-6, -1e-6]])
    grad = fld.gradient(pts)
    h = 1e-5 * W
    for a in range(3):
        dr = np.zeros(3)
        dr[a] = h
        fd = (fld.field(pts + dr) - fld.field(pts - dr)) / (2 * h)
        # central difference error ~ (k h)^2 ~ 4e-9 relative
        assert np.allclose(grad[:, a, :], fd, rtol=0, atol=1e-6 * np.abs(grad).max())
    fe = tweezer_envelope_gradient(pts, W, ZR)
    for a in range(3):
        dr = np.zeros(3)
        dr[a] = h
        fd = (tweezer_envelope(pts + dr, W, ZR) - tweezer_envelope(pts - dr, W, ZR)) / (2 * h)
        assert np.allclose(fe[:, a], fd, rtol=0, atol=1e-6 * np.abs(fe).max())


def test_near_focus_form():
    """E_L(d_j + z e_z) = E_j exp[i(k - 1/z_R) z] (1 + O(z^2/z_R^2)) (text above Eq. 80)."""
    fld = TweezerField([[0, 0, 0]], [[1e7, 0, 0]], K, W)
    errs = []
    for z in (0.02 * ZR, 0.01 * ZR):
        exact = fld.field([0, 0, z])
        approx = near_focus_field(z, [1e7, 0, 0], K, ZR)
        errs.append(np.linalg.norm(exact - approx) / 1e7)
    # 1/(1 + iu) - exp(-iu) = -u^2/2 + O(u^3), u = z/z_R: quadratic, halving z divides by 4
    assert errs[0] / errs[1] == pytest.approx(4, rel=0.02)
    assert errs[0] == pytest.approx(0.5 * 0.02**2, rel=0.02)


def test_trap_frequency_from_exact_potential():
    """m omega^2 = d^2 V_L/dz^2 of Eq. (73) with Eqs. (77)-(78) equals Eq. (79)."""
    chi, vol, mass, e0 = 0.8, 4.2e-21, 7.7e-18, 1e7
    fld = TweezerField([[0, 0, 0]], [[e0, 0, 0]], K, W)
    h = 1e-3 * ZR
    v = [optical_potential([[0, 0, z]], vol, chi, fld) for z in (-h, 0, h)]
    curv = (v[0] - 2 * v[1] + v[2]) / h**2
    # |f|^2 = 1/(1+z^2/z_R^2) exactly on axis: FD error (h/z_R)^2 ~ 1e-6
    assert np.sqrt(curv / mass) == pytest.approx(trap_frequency(chi, vol, mass, e0, ZR), rel=1e-5)


def test_field_amplitude_from_power():
    """Integrating the intensity c eps0 |E|^2/2 over the focal plane returns the power."""
    p = 0.3
    e0 = field_amplitude_from_power(p, W)
    power = quad(lambda rho: 2 * np.pi * rho * 0.5 * SPEED_OF_LIGHT * EPSILON_0 * e0**2 * np.exp(-2 * rho**2 / W**2),
                 0, 10 * W, epsabs=0, epsrel=1e-12)[0]
    assert power == pytest.approx(p, rel=1e-10)


def test_validation():
    with pytest.raises(ValueError, match="waist"):
        TweezerField([[0, 0, 0]], [[1, 0, 0]], K, -1.0)
    with pytest.raises(ValueError, match="amplitudes"):
        TweezerField([[0, 0, 0]], [[1, 0, 0], [0, 1, 0]], K, W)
    with pytest.raises(ValueError, match="foci"):
        TweezerField([[0, 0, np.nan]], [[1, 0, 0]], K, W)
    with pytest.raises(ValueError, match="power"):
        field_amplitude_from_power(0.0, W)
    with pytest.raises(ValueError, match="mass"):
        trap_frequency(0.8, 1e-21, -1.0, 1e7, ZR)
    with pytest.raises(ValueError, match="z_R"):
        tweezer_envelope([0, 0, 0], W, np.inf)
