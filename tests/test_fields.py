"""Tests of the laser fields: tweezers (Eqs. 77-79) and the model fields of Sec. II.

Tolerances are the measured error times a stated margin (comments give both).
"""

import numpy as np
import pytest
from scipy.integrate import quad

from optbind.conventions import EPSILON_0, SPEED_OF_LIGHT
from optbind.fields import (
    LocalPlaneWaves,
    PlaneWaves,
    TweezerField,
    field_amplitude_from_power,
    gouy_wavenumber,
    near_focus_field,
    plane_wave,
    rayleigh_range,
    standing_wave,
    trap_frequency,
    tweezer_envelope,
    tweezer_envelope_gradient,
    tweezer_pair,
    waist_from_rayleigh_range,
)
from optbind.forces.dipoles import optical_potential
from optbind.numerics import central_difference

K = 2 * np.pi / 1.55e-6
W = 1.0e-6
ZR = K * W**2 / 2
E0 = 1.0e7


def _field():
    foci = [[0, 0, 0], [6e-6, 1e-6, 0]]
    amps = [[1e7, 2e6j, 0], [3e6 * np.exp(0.4j), -1e6, 0]]
    return TweezerField(foci, amps, K, W)


def _random_plane_waves(seed, m=3, k=K):
    rng = np.random.default_rng(seed)
    kv, amps = [], []
    for _ in range(m):
        n = rng.normal(size=3)
        n /= np.linalg.norm(n)
        e = rng.normal(size=3) + 1j * rng.normal(size=3)
        e -= n * (n @ e)
        kv.append(k * n)
        amps.append(E0 * e / np.linalg.norm(e))
    return PlaneWaves(amps, kv)


def _point_gradient(fun, pts, h):
    """FD gradient of a field evaluated at each point separately: [p, a, b] = d_a
    fun_b."""
    fd = central_difference(
        fun, pts, h
    )  # [p, a, q, ...] derivative at p of output at q
    return np.stack([fd[i, :, i] for i in range(len(pts))])


def test_rayleigh_range_roundtrip():
    assert rayleigh_range(K, W) == K * W**2 / 2
    # measured 0 (exact to rounding); tolerance one ulp-scale
    assert waist_from_rayleigh_range(K, rayleigh_range(K, W)) == pytest.approx(
        W, rel=1e-15, abs=0
    )


def test_envelope_focus_axis_and_gouy_phase():
    assert tweezer_envelope([0, 0, 0], W, ZR) == 1
    z = np.linspace(-3, 3, 13) * ZR
    pts = np.stack([0 * z, 0 * z, z], axis=1)
    f = tweezer_envelope(pts, W, ZR)
    # on axis: intensity Lorentzian, phase = -arctan(z/z_R) (Gouy); measured 2.2e-16, 0
    assert np.allclose(np.abs(f) ** 2, 1 / (1 + z**2 / ZR**2), rtol=2e-15, atol=0)
    assert np.allclose(np.angle(f), -np.arctan(z / ZR), rtol=0, atol=2e-15)
    # radial profile in the focal plane is exp(-rho^2/w^2); measured 8.9e-16 relative
    rho = np.linspace(0, 3, 7) * W
    assert np.allclose(
        tweezer_envelope(np.stack([rho, 0 * rho, 0 * rho], 1), W, ZR),
        np.exp(-(rho**2) / W**2),
        rtol=5e-15,
        atol=0,
    )


def test_paraxial_wave_equation():
    """f_tw solves the paraxial equation (d_x^2 + d_y^2) f + 2ik d_z f = 0 (FD
    check)."""
    r = np.array([0.4, -0.3, 0.7]) * np.array([W, W, ZR])
    h = 1e-3 * W
    lap = central_difference(lambda x: tweezer_envelope(x, W, ZR), r, h, order=2)[
        :2
    ].sum()
    dz = tweezer_envelope_gradient(r, W, ZR)[2]
    # second-difference error ~ (h/w)^2: measured 9.5e-7 relative to |f|/w^2; margin 3
    assert abs(lap + 2j * K * dz) < 3e-6 * abs(tweezer_envelope(r, W, ZR)) / W**2


def test_field_gradients_match_finite_differences():
    fld = _field()
    pts = np.array([[0.3e-6, -0.2e-6, 0.5e-6], [5.5e-6, 1.4e-6, -1e-6]])
    h = 1e-5 * W
    grad = fld.gradient(pts)
    fd = _point_gradient(fld.field, pts, h)
    # central difference error ~ (k h)^2: measured 2.3e-10 of max|grad|; margin 4
    assert np.allclose(grad, fd, rtol=0, atol=1e-9 * np.abs(grad).max())
    fe = tweezer_envelope_gradient(pts, W, ZR)
    fd = _point_gradient(lambda x: tweezer_envelope(x, W, ZR), pts, h)
    # measured 8.3e-11; margin 6
    assert np.allclose(fe, fd, rtol=0, atol=5e-10 * np.abs(fe).max())


def test_near_focus_form():
    """E_L(d_j + z e_z) = E_j exp[i(k - 1/z_R) z] (1 + O(z^2/z_R^2)) (text above Eq.
    80)."""
    fld = TweezerField([[0, 0, 0]], [[1e7, 0, 0]], K, W)
    errs = []
    for z in (0.02 * ZR, 0.01 * ZR):
        exact = fld.field([0, 0, z])
        approx = near_focus_field(z, [1e7, 0, 0], K, ZR)
        errs.append(np.linalg.norm(exact - approx) / 1e7)
    # 1/(1 + iu) - exp(-iu) = -u^2/2 + O(u^3), u = z/z_R: quadratic, halving z divides
    # by 4 measured relative deviations 1.6e-4 (ratio) and 2.1e-4 (coefficient), the
    # O(u^3) term; tolerance 1e-3 (margin 5)
    assert errs[0] / errs[1] == pytest.approx(4, rel=1e-3, abs=0)
    assert errs[0] == pytest.approx(0.5 * 0.02**2, rel=1e-3, abs=0)


def test_gouy_wavenumber_is_the_axial_phase_gradient_at_the_focus():
    fld = TweezerField([[0, 0, 0]], [[1e7, 0, 0]], K, W)
    h = 1e-4 * ZR
    phase = central_difference(
        lambda z: np.angle(fld.field([0, 0, z[0]])[0]), np.array([0.0]), h
    )[0]
    # d/dz [k z - arctan(z/z_R)] = k - 1/z_R exactly at z = 0; FD truncation
    # (h/z_R)^2/(3 (k z_R - 1)) = 4.6e-10 relative, measured 4.6e-10; margin 4
    assert phase == pytest.approx(gouy_wavenumber(K, ZR), rel=2e-9, abs=0)
    with pytest.raises(ValueError, match="k \\* z_R must be > 1"):
        gouy_wavenumber(K, 0.5 / K)


def test_trap_frequency_from_exact_potential():
    """m omega^2 = d^2 V_L/dz^2 of Eq. (73) with Eqs. (77)-(78) equals Eq. (79)."""
    chi, vol, mass, e0 = 0.8, 4.2e-21, 7.7e-18, 1e7
    fld = TweezerField([[0, 0, 0]], [[e0, 0, 0]], K, W)
    h = 1e-3 * ZR
    curv = central_difference(
        lambda z: optical_potential([[0, 0, z[0]]], vol, chi, fld),
        np.array([0.0]),
        h,
        order=2,
    )[0]
    # |f|^2 = 1/(1+z^2/z_R^2) on axis: FD error -(h/z_R)^2/2, measured 5.0e-7; margin 4
    assert np.sqrt(curv / mass) == pytest.approx(
        trap_frequency(chi, vol, mass, e0, ZR), rel=2e-6, abs=0
    )


def test_field_amplitude_from_power():
    """Integrating the intensity c eps0 |E|^2/2 over the focal plane returns the
    power."""
    p = 0.3
    e0 = field_amplitude_from_power(p, W)
    power = quad(
        lambda rho: (
            2
            * np.pi
            * rho
            * 0.5
            * SPEED_OF_LIGHT
            * EPSILON_0
            * e0**2
            * np.exp(-2 * rho**2 / W**2)
        ),
        0,
        10 * W,
        epsabs=0,
        epsrel=1e-12,
    )[0]
    # measured 0 (agreement to rounding); tolerance = the requested quadrature accuracy
    assert power == pytest.approx(p, rel=1e-12, abs=0)


# ------------------------------------------------------------ model fields (Sec. II)
def test_plane_waves_solve_maxwell_in_vacuum():
    """sum of transverse plane waves: div E = 0 and (Laplacian + k^2) E = 0."""
    fld = _random_plane_waves(1)
    r = np.array([0.3, -0.7, 1.1]) / K
    h = 1e-3 / K
    grad = fld.gradient(r)
    # measured |div E| 4.7e-16 of max|grad|; margin 10
    assert abs(np.trace(grad)) < 5e-15 * np.abs(grad).max()
    lap = central_difference(fld.field, r, h, order=2).sum(axis=0)
    # FD error ~ (kh)^2/12 = 8e-8: measured 1.0e-7 of k^2 E0; margin 3
    assert np.max(np.abs(lap + K**2 * fld.field(r))) < 3e-7 * K**2 * E0
    fd = central_difference(fld.field, r, 1e-5 / K)
    # measured 3.0e-11 of max|grad|; margin 3
    assert np.allclose(fd, grad, rtol=0, atol=1e-10 * np.abs(grad).max())


def test_standing_wave_is_a_cosine():
    axis = np.array([0.3, 0.0, 1.0]) / np.hypot(0.3, 1.0)
    pol = np.array([1.0, 0.0, -0.3]) / np.hypot(0.3, 1.0)
    fld = standing_wave(E0, K, axis=axis, polarization=pol, phase=0.4)
    r = np.random.default_rng(2).normal(size=(5, 3)) / K
    want = E0 * np.cos(K * r @ axis + 0.4)[:, None] * pol
    # measured 2e-16 of E0; margin 10
    assert np.allclose(fld.field(r), want, rtol=0, atol=2e-15 * E0)
    assert fld.k == pytest.approx(K, rel=1e-15, abs=0)
    with pytest.raises(ValueError, match="orthogonal"):
        standing_wave(E0, K, axis=(0, 0, 1), polarization=(0, 0.6, 0.8))


def test_local_plane_waves_near_each_focus():
    foci = np.array([[0.0, 0.0, 0.0], [4e-6, 1e-6, 0.3e-6]])
    amps = np.array([[1e7, 0, 0], [0, 3e6j, 0]])
    fld = LocalPlaneWaves(foci, amps, K)
    for j in range(2):
        r = foci[j] + np.array([0.1e-6, -0.2e-6, 0.35e-6])
        assert np.allclose(
            fld.field(r),
            amps[j] * np.exp(1j * K * (r[2] - foci[j, 2])),
            rtol=1e-15,
            atol=0,
        )
        fd = central_difference(fld.field, r, 1e-5 / K)
        # measured 2.3e-11 of k max|E_j|; margin 4
        assert np.allclose(
            fld.gradient(r), fd, rtol=0, atol=1e-10 * np.abs(amps[j]).max() * K
        )


def test_tweezer_pair_phase_convention():
    """E_1 = E_2 exp(i phi) at the two foci (phi = phi_1 - phi_2,
    optbind.conventions)."""
    fld, pos = tweezer_pair(5.3 / K, 0.7, K, E0)
    e = fld.field(pos)
    assert np.allclose(pos, [[-2.65 / K, 0, 0], [2.65 / K, 0, 0]], rtol=1e-15, atol=0)
    assert np.allclose(e[0], e[1] * np.exp(0.7j), rtol=1e-15, atol=0)
    assert np.allclose(e[1], [0, E0, 0], rtol=1e-15, atol=0)


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
    with pytest.raises(ValueError, match="transverse"):
        plane_wave([0, 0, 1.0], [0, 0, K])
    with pytest.raises(ValueError, match="same length"):
        PlaneWaves([[1.0, 0, 0], [1.0, 0, 0]], [[0, 0, K], [0, 0, 2 * K]])
    with pytest.raises(ValueError, match="amplitudes"):
        LocalPlaneWaves([[0, 0, 0], [1e-6, 0, 0]], [[0, 0, 1.0], [1.0, 0, 0]], K)
    with pytest.raises(ValueError, match="foci"):
        LocalPlaneWaves([[0, 0, 0], [0, 0, 1e-6]], [[1.0, 0, 0], [1.0, 0, 0]], K)
    with pytest.raises(ValueError, match="d must"):
        tweezer_pair(0.0, 0.0, K, E0)
