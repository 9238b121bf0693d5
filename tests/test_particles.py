"""Tests of ellipsoid response: Eqs. (16), (32), (33), (68) and the spheroid closed
forms.

Tolerances are the measured error times a stated margin (comments give both).
"""

import mpmath
import numpy as np
import pytest
from scipy.integrate import quad
from scipy.spatial.transform import Rotation

from optbind.conventions import EPSILON_0
from optbind.numerics import central_difference
from optbind.particles import (
    ball_distance_pdf,
    depolarization_factors,
    euler_rotation_axes,
    polarizability,
    radiation_correction,
    radiation_correction_sphere,
    radiation_correction_sphere_quadrature,
    radiation_kernel,
    rotate_tensor,
    rotation_matrix,
    sphere_polarizability,
    sphere_susceptibility,
    sphere_volume,
    spheroid_depolarization,
    susceptibility_tensor,
    volume,
)

EPS = 2.085
K = 2 * np.pi / 1.55e-6


def _eq33_quad(l1, l2, l3):
    """Eq. (33) by direct quadrature (independent of the Carlson form)."""
    f = lambda s: 1.0 / np.sqrt((s + l1**2) ** 3 * (s + l2**2) * (s + l3**2))  # noqa: E731
    return l1 * l2 * l3 / 2 * quad(f, 0, np.inf, epsabs=0, epsrel=1e-12, limit=200)[0]


@pytest.mark.parametrize(
    "axes", [(1.0, 1.0, 1.0), (1.0, 2.0, 3.0), (0.2, 1.0, 5.0), (4.0, 1.0, 1.0)]
)
def test_depolarization_against_quadrature(axes):
    n = depolarization_factors(axes)
    ref = [_eq33_quad(*np.roll(axes, -i)) for i in range(3)]
    # measured relative deviation <= 6.7e-16 (quad was asked for 1e-12 and delivers
    # rounding); margin 7.5
    assert np.allclose(n, ref, rtol=5e-15, atol=0)
    # measured |sum - 1| <= 2.2e-16; margin 9
    assert n.sum() == pytest.approx(1.0, abs=2e-15)


def test_sphere_and_scale_invariance():
    assert np.allclose(
        depolarization_factors((1e-7, 1e-7, 1e-7)), 1 / 3, rtol=2e-15, atol=0
    )
    # semi-axes or diameters: Eq. (33) is homogeneous of degree 0 (measured: identical)
    assert np.allclose(
        depolarization_factors((1, 2, 3)),
        depolarization_factors((2e-7, 4e-7, 6e-7)),
        rtol=2e-15,
        atol=0,
    )


@pytest.mark.parametrize("ratio", [1.5, 3.0, 10.0])
def test_prolate_spheroid_closed_form(ratio):
    """Prolate spheroid a > b = c: N_a = (1 - e^2)/e^3 (artanh e - e) (independent
    route)."""
    e = np.sqrt(1 - 1 / ratio**2)
    na = (1 - e**2) / e**3 * (np.arctanh(e) - e)
    n = depolarization_factors((ratio, 1.0, 1.0))
    # measured relative deviation <= 1.3e-15 (cancellation in artanh e - e); margin 8
    assert n[0] == pytest.approx(na, rel=1e-14, abs=0)
    assert n[1] == pytest.approx((1 - na) / 2, rel=1e-14, abs=0)


def test_needle_and_disk_limits():
    q = 1e4
    n = depolarization_factors((q, 1.0, 1.0))
    # needle: N_long = (ln 2q - 1)/q^2 + O(ln q / q^4); measured relative deviation
    # 1.5e-8
    assert n[0] == pytest.approx((np.log(2 * q) - 1) / q**2, rel=1e-7, abs=0)
    assert n[1] == pytest.approx(0.5 * (1 - n[0]), abs=2e-15)
    # thin disk: N_thin = 1 - (pi/2) c/a + O((c/a)^2); measured deviation 2.0e-8 = 2
    # (c/a)^2
    n = depolarization_factors((1.0, 1.0, 1e-4))
    assert n[2] == pytest.approx(1 - np.pi / 2 * 1e-4, abs=6e-8)


def test_spheroid_closed_form_matches_carlson():
    """Two evaluations of Eq. (33): Carlson R_D and the textbook spheroid formulas."""
    q = np.geomspace(1e-3, 1e3, 61)
    carlson = np.array([depolarization_factors((1, 1, x)) for x in q])
    # measured max deviation 6.8e-16; margin 7
    assert np.allclose(spheroid_depolarization(q), carlson, rtol=0, atol=5e-15)


def test_spheroid_closed_form_against_mpmath():
    """The closed forms evaluated in 40-digit arithmetic (independent of the float
    code)."""
    mpmath.mp.dps = 40

    def exact(q):
        q = mpmath.mpf(q)
        if q > 1:
            e = mpmath.sqrt(1 - 1 / q**2)
            return (1 - e**2) / e**3 * (mpmath.atanh(e) - e)
        e = mpmath.sqrt(1 / q**2 - 1)
        return (1 + e**2) / e**3 * (e - mpmath.atan(e))

    qs = np.concatenate([np.geomspace(1e-6, 0.999, 20), np.geomspace(1.001, 1e12, 30)])
    worst = max(abs(spheroid_depolarization(q)[2] / float(exact(q)) - 1) for q in qs)
    # measured 3.3e-13 (cancellation in artanh e - e next to the sphere, q = 1.001);
    # margin 3
    assert worst < 1e-12


@pytest.mark.parametrize("q", [1e7, 1e12, 1e-7])
def test_spheroid_asymptotes(q):
    n = spheroid_depolarization(q)
    if q > 1:  # needle along c: N_c = (ln 2q - 1)/q^2 (1 + O(ln q/q^2))
        # measured relative deviation 1.5e-14 (q = 1e7), 0 (q = 1e12); margin 6
        assert n[2] == pytest.approx((np.log(2 * q) - 1) / q**2, rel=1e-13, abs=0)
        assert np.allclose(n[:2], 0.5 * (1 - n[2]), rtol=1e-15, atol=0)
    else:  # disk: N_c = 1 - (pi/2) q + O(q^2); measured deviation 2.0e-14; margin 5
        assert n[2] == pytest.approx(1 - np.pi / 2 * q, abs=1e-13)
    assert np.allclose(spheroid_depolarization(1.0), 1 / 3, rtol=1e-15, atol=0)


# measured deviation from Carlson: 4.3e-10 inside the series branch (|q - 1| = 5e-5,
# the O(delta^2) term ~0.17 delta^2), 1e-13 in the closed-form branch next to it
# (cancellation); margins 4.7 and 5
@pytest.mark.parametrize(
    "q, tol", [(1 - 2e-4, 5e-13), (1 - 5e-5, 2e-9), (1 + 5e-5, 2e-9), (1 + 2e-4, 5e-13)]
)
def test_near_sphere_series_is_continuous(q, tol):
    assert np.allclose(
        spheroid_depolarization(q), depolarization_factors((1, 1, q)), rtol=0, atol=tol
    )


def test_rotation_matrix_is_intrinsic_zyz():
    angles = (0.3, 1.1, -2.0)
    ref = Rotation.from_euler(
        "ZYZ", angles
    ).as_matrix()  # scipy: upper case = intrinsic
    r = rotation_matrix(angles)
    # measured 2.8e-16 and 1.5e-17; margins 7 and 60 (rounding)
    assert np.allclose(r, ref, rtol=0, atol=2e-15)
    assert np.allclose(r @ r.T, np.eye(3), rtol=0, atol=1e-15)
    assert np.linalg.det(r) == pytest.approx(1.0, abs=1e-15)


def test_euler_axes_generate_rotation_derivative():
    """dR/dmu = [n_mu]_x R (text above Eq. 27), by central differences in each angle."""
    eu = np.array([0.7, -0.5, 1.3])
    d_r = central_difference(rotation_matrix, eu, 1e-5)  # [mu, a, b]
    for m, n in enumerate(euler_rotation_axes(eu)):
        cross = np.array([[0, -n[2], n[1]], [n[2], 0, -n[0]], [-n[1], n[0], 0]])
        # FD truncation h^2/6 ~ 2e-11: measured 1.7e-11; margin 3
        assert np.allclose(d_r[m], cross @ rotation_matrix(eu), rtol=0, atol=5e-11)
    assert np.allclose(
        np.linalg.norm(euler_rotation_axes(eu), axis=1), 1.0, rtol=0, atol=1e-15
    )


def test_susceptibility_tensor():
    chi_s = susceptibility_tensor(EPS, (1e-7, 1e-7, 1e-7), euler=(0.4, 0.5, 0.6))
    # isotropic for a sphere in any orientation: measured 2.2e-16; margin 9
    assert np.allclose(
        chi_s, sphere_susceptibility(EPS) * np.eye(3), rtol=0, atol=2e-15
    )
    assert sphere_susceptibility(EPS) == 3 * (EPS - 1) / (EPS + 2)
    euler = (0.7, -1.2, 2.2)
    axes = (1e-7, 2e-7, 3e-7)
    chi = susceptibility_tensor(EPS, axes, euler)
    body = susceptibility_tensor(EPS, axes)
    assert np.allclose(chi, rotate_tensor(body, euler), rtol=0, atol=0)
    # symmetric with the body-frame eigenvalues: measured 8e-17 and 6.7e-16 relative
    assert np.allclose(chi, chi.T, rtol=0, atol=1e-15)
    assert np.allclose(
        np.linalg.eigvalsh(chi), np.sort(np.diag(body)), rtol=5e-15, atol=0
    )
    # longest axis polarises most: chi_i = (eps-1)/(1+N_i(eps-1)) decreases with N_i
    assert body[2, 2] > body[1, 1] > body[0, 0]


def test_dilute_limit():
    """chi_i = delta (1 - N_i delta) + O(delta^3) for eps = 1 + delta (Eq. 32
    expanded)."""
    eps = 1 + 1e-8
    delta = eps - 1  # as the code sees it (rounded)
    ratio = np.diag(susceptibility_tensor(eps, (1, 2, 3))) / delta
    n = depolarization_factors((1, 2, 3))
    # the first-order term -N delta is 1.6e-9 .. 5.8e-9; measured residual 1.1e-16
    # (rounding of the ratio); margin 9
    assert np.allclose(ratio - 1, -n * delta, rtol=0, atol=1e-15)


def test_polarizability_clausius_mossotti():
    a = 1e-7
    cm = 4 * np.pi * EPSILON_0 * a**3 * (EPS - 1) / (EPS + 2)
    # measured: identical to rounding (0 and 0); tolerance a few ulps
    assert np.allclose(
        polarizability(EPS, (a, a, a)), cm * np.eye(3), rtol=1e-15, atol=0
    )
    assert sphere_polarizability(a, EPS) == pytest.approx(cm, rel=1e-15, abs=0)
    assert volume((1, 2, 3)) == pytest.approx(8 * np.pi, rel=1e-15, abs=0)
    assert sphere_volume(a) == pytest.approx(4 * np.pi * a**3 / 3, rel=1e-15, abs=0)


def _mc_kernel(axes, n_pairs, seed):
    """Monte Carlo of M = int int (s^2 1 + s s)/s^3 over an ellipsoid (6D, fixed
    seed)."""
    rng = np.random.default_rng(seed)

    def sample(n):
        u = rng.normal(size=(n, 3))
        u /= np.linalg.norm(u, axis=1, keepdims=True)
        u *= rng.uniform(size=(n, 1)) ** (1 / 3)
        return u * np.asarray(axes)

    s = sample(n_pairs) - sample(n_pairs)
    r = np.linalg.norm(s, axis=1)
    f = (np.eye(3) * r[:, None, None] ** 2 + s[:, :, None] * s[:, None, :]) / r[
        :, None, None
    ] ** 3
    v = volume(axes)
    return v**2 * f.mean(axis=0), v**2 * f.std(axis=0) / np.sqrt(n_pairs)


def test_radiation_kernel_sphere_closed_form():
    a = 1.3e-7
    m = radiation_kernel((a, a, a))
    # closed form derived in particles.py: (8/5) V^2 / a = 128 pi^2 a^5 / 45
    ref = 128 * np.pi**2 * a**5 / 45
    # measured 4.3e-15 relative; margin 5
    assert np.allclose(m, ref * np.eye(3), rtol=0, atol=2e-14 * ref)
    mc, err = _mc_kernel((a, a, a), 200_000, seed=7)
    # Monte Carlo, independent of the angular reduction: measured at most 1.7 standard
    # errors with this seed; 4 standard errors is the statistical bound
    assert np.all(np.abs(mc - m) <= 4 * err)
    dchi = radiation_correction(EPS, (a, a, a), K)
    dref = radiation_correction_sphere(EPS, a, K)
    # measured 4.0e-15 relative; margin 5
    assert np.allclose(dchi, dref * np.eye(3), rtol=0, atol=2e-14 * dref)


@pytest.mark.parametrize("a", [20e-9, 100e-9, 170e-9])
def test_sphere_radiation_correction_quadrature_matches_closed_form(a):
    """Eq. (68) by distance-distribution quadrature vs (4/15) chi^2 (ka)^2."""
    # measured relative deviation <= 4.4e-16; tolerance = quad's requested 1e-12 would
    # be loose, the result is rounding-limited: 5e-15 (margin 11)
    assert radiation_correction_sphere_quadrature(EPS, a, K) == pytest.approx(
        radiation_correction_sphere(EPS, a, K), rel=5e-15, abs=0
    )


def test_ball_distance_pdf_normalised():
    # measured |integral - 1| = 1.8e-15; margin 5.6
    assert quad(lambda s: ball_distance_pdf(s, 1.3), 0, 2.6)[0] == pytest.approx(
        1.0, abs=1e-14
    )
    # mean distance 36 a/35 (independent textbook value for two points in a ball);
    # measured 2.4e-15 relative; margin 4
    mean = quad(lambda s: s * ball_distance_pdf(s, 1.3), 0, 2.6)[0]
    assert mean == pytest.approx(36 * 1.3 / 35, rel=1e-14, abs=0)
    assert ball_distance_pdf(2.7, 1.3) == 0.0


def test_radiation_kernel_ellipsoid_monte_carlo():
    axes = (1e-7, 1.6e-7, 2.5e-7)
    m = radiation_kernel(axes)
    mc, err = _mc_kernel(axes, 200_000, seed=11)
    # measured at most 2.5 standard errors with this seed; bound 4 standard errors
    assert np.all(np.abs(mc - m) <= 4 * err + 1e-15 * np.abs(m).max())
    # quadrature convergence: 64x128 vs 96x192 differ by 4.5e-15 of max|M| (smooth
    # integrand, converged to rounding); margin 4
    assert np.allclose(
        m,
        radiation_kernel(axes, n_theta=96, n_phi=192),
        rtol=0,
        atol=2e-14 * np.abs(m).max(),
    )


def test_radiation_correction_scaling_and_rotation():
    axes = np.array([1e-7, 1.6e-7, 2.5e-7])
    d1 = radiation_correction(EPS, axes, K)
    d2 = radiation_correction(EPS, 2 * axes, K)
    # delta chi ~ V^(2/3): doubling the lengths multiplies V by 8 and delta chi by 4
    # (measured: equal to rounding, 0)
    assert np.allclose(d2, 4 * d1, rtol=0, atol=1e-15 * np.abs(d1).max())
    euler = (0.3, 0.9, -0.4)
    rot = rotation_matrix(euler)
    assert np.allclose(
        radiation_correction(EPS, axes, K, euler),
        rot @ d1 @ rot.T,
        rtol=0,
        atol=1e-15 * np.abs(d1).max(),
    )
    # rigorous bound: M/V <= max_r int_ball(a_max) f(r - r') dr' = (8 pi/3) a_max^2 (the
    # kernel is positive, the enclosing ball is a superset), so delta chi <= chi^2 (k
    # a_max)^2/3 (measured: the largest eigenvalue is 0.33 of the bound)
    chi_max = np.max(np.diag(susceptibility_tensor(EPS, axes)))
    assert np.max(np.linalg.eigvalsh(d1)) < chi_max**2 * (K * axes.max()) ** 2 / 3


@pytest.mark.parametrize("eps", [1.0, 0.5, np.nan, np.inf])
def test_invalid_permittivity(eps):
    with pytest.raises(ValueError, match="permittivity"):
        susceptibility_tensor(eps, (1, 1, 1))


@pytest.mark.parametrize(
    "axes", [(0, 1, 1), (-1, 1, 1), (np.nan, 1, 1), (np.inf, 1, 1)]
)
def test_invalid_sizes(axes):
    with pytest.raises(ValueError, match="semi_axes"):
        depolarization_factors(axes)


def test_invalid_misc():
    with pytest.raises(ValueError, match="radius"):
        radiation_correction_sphere(EPS, -1e-7, K)
    with pytest.raises(ValueError, match="k must"):
        radiation_correction(EPS, (1, 1, 1), 0.0)
    with pytest.raises(ValueError, match="euler"):
        rotation_matrix((np.nan, 0, 0))
    with pytest.raises(ValueError, match="semi_axes"):
        volume((1.0, 2.0))
    with pytest.raises(ValueError, match="aspect"):
        spheroid_depolarization(-1.0)
    with pytest.raises(TypeError, match="permittivity"):
        sphere_susceptibility(2.0 + 0.1j)
