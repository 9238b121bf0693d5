"""Tests of ellipsoid response: Eqs. (32), (33), (68)."""
import numpy as np
import pytest
from scipy.integrate import quad
from scipy.spatial.transform import Rotation

from optbind.conventions import EPSILON_0
from optbind.particles import (
    depolarization_factors,
    polarizability,
    radiation_correction,
    radiation_correction_sphere,
    radiation_kernel,
    rotation_matrix,
    sphere_susceptibility,
    susceptibility_tensor,
    volume,
)

EPS = 2.085
K = 2 * np.pi / 1.55e-6


def _eq33_quad(l1, l2, l3):
    """Eq. (33) by direct quadrature (independent of the Carlson form)."""
    f = lambda s: 1.0 / np.sqrt((s + l1**2) ** 3 * (s + l2**2) * (s + l3**2))  # noqa: E731
    return l1 * l2 * l3 / 2 * quad(f, 0, np.inf, epsabs=0, epsrel=1e-12, limit=200)[0]


@pytest.mark.parametrize("axes", [(1.0, 1.0, 1.0), (1.0, 2.0, 3.0), (0.2, 1.0, 5.0), (4.0, 1.0, 1.0)])
def test_depolarization_against_quadrature(axes):
    n = depolarization_factors(*axes)
    ref = [_eq33_quad(*np.roll(axes, -i)) for i in range(3)]
    # quad converges to ~1e-12; elliprd is accurate to rounding
    assert np.allclose(n, ref, rtol=1e-9, atol=0)
    assert n.sum() == pytest.approx(1.0, abs=1e-14)


def test_sphere_and_scale_invariance():
    assert np.allclose(depolarization_factors(1e-7, 1e-7, 1e-7), 1 / 3, rtol=1e-14)
    # semi-axes or diameters: Eq. (33) is homogeneous of degree 0
    assert np.allclose(depolarization_factors(1, 2, 3), depolarization_factors(2e-7, 4e-7, 6e-7), rtol=1e-14)


def test_prolate_spheroid_closed_form():
    """Prolate spheroid a > b = c: N_a = (1 - e^2)/e^3 (artanh e - e) (independent route)."""
    for ratio in (1.5, 3.0, 10.0):
        e = np.sqrt(1 - 1 / ratio**2)
        na = (1 - e**2) / e**3 * (np.arctanh(e) - e)
        n = depolarization_factors(ratio, 1.0, 1.0)
        assert n[0] == pytest.approx(na, rel=1e-12)
        assert n[1] == pytest.approx((1 - na) / 2, rel=1e-12)


def test_needle_and_disk_limits():
    n = depolarization_factors(1e4, 1.0, 1.0)  # needle: N_long ~ ln(2 r)/r^2 -> 0
    assert n[0] < 1e-6 and n[1] == pytest.approx(0.5, abs=1e-6)
    n = depolarization_factors(1.0, 1.0, 1e-4)  # thin disk: N_thin -> 1 - (pi/2) c/a
    assert n[2] == pytest.approx(1 - np.pi / 2 * 1e-4, abs=1e-7)


def test_rotation_matrix_is_intrinsic_zyz():
    angles = (0.3, 1.1, -2.0)
    ref = Rotation.from_euler("ZYZ", angles).as_matrix()  # scipy: upper case = intrinsic
    r = rotation_matrix(*angles)
    assert np.allclose(r, ref, atol=1e-15)
    assert np.allclose(r @ r.T, np.eye(3), atol=1e-15) and np.linalg.det(r) == pytest.approx(1.0)


def test_susceptibility_tensor():
    chi_s = susceptibility_tensor(EPS, 1e-7, 1e-7, 1e-7, euler=(0.4, 0.5, 0.6))
    assert np.allclose(chi_s, 3 * (EPS - 1) / (EPS + 2) * np.eye(3), atol=1e-15)
    assert sphere_susceptibility(EPS) == pytest.approx(3 * (EPS - 1) / (EPS + 2))
    euler = (0.7, -1.2, 2.2)
    chi = susceptibility_tensor(EPS, 1e-7, 2e-7, 3e-7, euler)
    body = susceptibility_tensor(EPS, 1e-7, 2e-7, 3e-7)
    assert np.allclose(chi, chi.T, atol=1e-15)
    assert np.allclose(np.linalg.eigvalsh(chi), np.sort(np.diag(body)), rtol=1e-13)
    # longest axis polarises most: chi_i = (eps-1)/(1+N_i(eps-1)) decreases with N_i
    assert body[2, 2] > body[1, 1] > body[0, 0]
    # dilute limit chi -> eps - 1
    assert np.allclose(susceptibility_tensor(1 + 1e-8, 1, 2, 3), 1e-8 * np.eye(3), rtol=1e-7)


def test_polarizability_clausius_mossotti():
    a = 1e-7
    alpha = polarizability(EPS, a, a, a)
    assert np.allclose(alpha, 4 * np.pi * EPSILON_0 * a**3 * (EPS - 1) / (EPS + 2) * np.eye(3), rtol=1e-14)
    assert volume(1, 2, 3) == pytest.approx(8 * np.pi)


def _mc_kernel(axes, n_pairs, seed):
    """Monte Carlo of M = int int (s^2 1 + s s)/s^3 over an ellipsoid (6D, fixed seed)."""
    rng = np.random.default_rng(seed)

    def sample(n):
        u = rng.normal(size=(n, 3))
        u /= np.linalg.norm(u, axis=1, keepdims=True)
        u *= rng.uniform(size=(n, 1)) ** (1 / 3)
        return u * np.asarray(axes)

    s = sample(n_pairs) - sample(n_pairs)
    r = np.linalg.norm(s, axis=1)
    f = (np.eye(3) * r[:, None, None] ** 2 + s[:, :, None] * s[:, None, :]) / r[:, None, None] ** 3
    v = volume(*axes)
    return v**2 * f.mean(axis=0), v**2 * f.std(axis=0) / np.sqrt(n_pairs)


def test_radiation_kernel_sphere_closed_form():
    a = 1.3e-7
    m = radiation_kernel(a, a, a)
    # closed form derived in particles.py: (8/5) V^2 / a = 128 pi^2 a^5 / 45
    ref = 128 * np.pi**2 * a**5 / 45
    assert np.allclose(m, ref * np.eye(3), rtol=0, atol=1e-12 * ref)
    mc, err = _mc_kernel((a, a, a), 200_000, seed=7)
    # Monte Carlo: agree within 4 standard errors
    assert np.all(np.abs(mc - m) <= 4 * err + 1e-30)
    dchi = radiation_correction(EPS, a, a, a, K)
    dref = radiation_correction_sphere(EPS, a, K)
    assert np.allclose(dchi, dref * np.eye(3), rtol=0, atol=1e-12 * dref)


def test_radiation_kernel_ellipsoid_monte_carlo():
    axes = (1e-7, 1.6e-7, 2.5e-7)
    m = radiation_kernel(*axes)
    mc, err = _mc_kernel(axes, 200_000, seed=11)
    assert np.all(np.abs(mc - m) <= 4 * err + 1e-12 * np.abs(m).max())
    # quadrature convergence: 64x128 vs 96x192 agree to 1e-10 (smooth integrand)
    assert np.allclose(m, radiation_kernel(*axes, n_theta=96, n_phi=192), rtol=0, atol=1e-10 * np.abs(m).max())


def test_radiation_correction_scaling_and_rotation():
    axes = np.array([1e-7, 1.6e-7, 2.5e-7])
    d1 = radiation_correction(EPS, *axes, K)
    d2 = radiation_correction(EPS, *(2 * axes), K)
    # delta chi ~ V^(2/3): doubling the lengths multiplies V by 8 and delta chi by 4
    assert np.allclose(d2, 4 * d1, rtol=0, atol=1e-12 * np.abs(d1).max())
    euler = (0.3, 0.9, -0.4)
    rot = rotation_matrix(*euler)
    assert np.allclose(radiation_correction(EPS, *axes, K, euler), rot @ d1 @ rot.T, rtol=0,
                       atol=1e-12 * np.abs(d1).max())
    # rigorous bound: M/V <= max_r int_ball(a_max) f(r - r') dr' = (8 pi/3) a_max^2 (the
    # kernel is positive, the enclosing ball is a superset), so delta chi <= chi^2 (k a_max)^2/3
    chi_max = np.max(np.diag(susceptibility_tensor(EPS, *axes)))
    assert np.max(np.linalg.eigvalsh(d1)) < chi_max**2 * (K * axes.max()) ** 2 / 3


@pytest.mark.parametrize("eps", [1.0, 0.5, np.nan, np.inf])
def test_invalid_eps(eps):
    with pytest.raises(ValueError, match=r"eps .*> 1"):
        susceptibility_tensor(eps, 1, 1, 1)


@pytest.mark.parametrize("axes", [(0, 1, 1), (-1, 1, 1), (np.nan, 1, 1), (np.inf, 1, 1)])
def test_invalid_sizes(axes):
    with pytest.raises(ValueError, match="semi-axes"):
        depolarization_factors(*axes)


def test_invalid_misc():
    with pytest.raises(ValueError, match="radius"):
        radiation_correction_sphere(EPS, -1e-7, K)
    with pytest.raises(ValueError, match="k must"):
        radiation_correction(EPS, 1, 1, 1, 0.0)
    with pytest.raises(ValueError, match="Euler"):
        rotation_matrix(np.nan, 0, 0)
