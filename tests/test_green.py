"""Tests of the dipole Green tensors (Eqs. 2-4, 9, 59-64, 66) and the sphere quadrature.

Tolerances are the measured error times a stated margin (comments give both).
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optbind.green import (
    GREEN_TENSORS,
    dyadic_green,
    dyadic_green_gradient,
    electrostatic_green,
    electrostatic_green_gradient,
    far_field_green,
    far_field_green_gradient,
    focal_plane_green,
    focal_plane_green_gradient,
    green_tensor,
    lamb_radial_integrals,
    radial_functions,
    sphere_quadrature,
    transverse_kernel,
    transverse_polarizations,
)
from optbind.numerics import central_difference

K = 2 * np.pi / 1.55e-6
RNG = np.random.default_rng(12345)


def _random_r(n, scale):
    v = RNG.normal(size=(n, 3))
    return (
        v
        / np.linalg.norm(v, axis=1, keepdims=True)
        * scale
        * RNG.uniform(0.5, 2, (n, 1))
    )


def _fd_gradient(fun, r, h):
    """Central differences: out[..., a, b, c] = d fun_bc / d r_a."""
    return central_difference(fun, r, h)


def test_symmetry_and_shape():
    r = _random_r(7, 1 / K).reshape(7, 1, 3)
    g = dyadic_green(r, K)
    assert g.shape == (7, 1, 3, 3)
    # G is built from 1 and rr: symmetric up to rounding (measured 6e-17 of max|G|;
    # margin 16)
    assert np.allclose(g, np.swapaxes(g, -1, -2), rtol=0, atol=1e-15 * np.abs(g).max())
    # even in r
    assert np.allclose(dyadic_green(-r, K), g, rtol=1e-14, atol=0)


# measured max relative FD error with h = 1e-5 r: 2.2e-10 (kr = 0.3), 2.4e-10 (kr = 2),
# 6.8e-9 (kr = 25, truncation (kh)^2/6 dominates); tolerances: margin ~4-5
@pytest.mark.parametrize("kr, tol", [(0.3, 1e-9), (2.0, 1e-9), (25.0, 3e-8)])
def test_gradient_matches_finite_differences(kr, tol):
    r = np.array([0.3, -0.5, 0.8])
    r *= kr / (K * np.linalg.norm(r))
    h = 1e-5 * np.linalg.norm(r)
    fd = _fd_gradient(lambda x: dyadic_green(x, K), r, h)
    an = dyadic_green_gradient(r, K)
    assert np.max(np.abs(fd - an)) < tol * np.max(np.abs(an))
    fd0 = _fd_gradient(electrostatic_green, r, h)
    assert np.max(np.abs(fd0 - electrostatic_green_gradient(r))) < 1e-9 * np.max(
        np.abs(fd0)
    )
    fdf = _fd_gradient(lambda x: far_field_green(x, K), r, h)
    assert np.max(np.abs(fdf - far_field_green_gradient(r, K))) < tol * np.max(
        np.abs(fdf)
    )


@pytest.mark.parametrize("kind", sorted(GREEN_TENSORS))
def test_every_named_tensor_pair_is_consistent(kind):
    """Each (green, gradient) pair of GREEN_TENSORS: the gradient is that of the
    tensor."""
    green, gradient = green_tensor(kind)
    r = np.array([0.3, -0.5, 0.8]) * 2.0 / K
    h = 1e-5 * np.linalg.norm(r)
    fd = _fd_gradient(lambda x: green(x, K), r, h)
    an = gradient(r, K)
    # measured 1.4e-10 .. 2.7e-10 of max|dG| (kr = 2); margin 4
    assert np.max(np.abs(fd - an)) < 1e-9 * np.max(np.abs(an))


def test_named_tensors_are_the_stated_parts_of_eq4():
    r = np.array([0.3, -0.5, 0.8]) * 2.0 / K
    full, real, static = (green_tensor(k)[0](r, K) for k in ("full", "real", "static"))
    assert np.array_equal(real, full.real)
    assert np.array_equal(static, electrostatic_green(r))
    # "static" ignores k (Eq. 9), "focal" ignores the axial component of r
    assert np.array_equal(green_tensor("static")[0](r, 3 * K), static)
    shifted = r + np.array([0.0, 0.0, 0.37 / K])
    assert np.array_equal(focal_plane_green(shifted, K), focal_plane_green(r, K))
    assert np.array_equal(focal_plane_green(r, K), far_field_green(r * [1, 1, 0], K))
    assert np.all(focal_plane_green_gradient(r, K)[2] == 0.0)
    with pytest.raises(ValueError, match="green"):
        green_tensor("bogus")


@pytest.mark.parametrize("kr, tol", [(0.3, 1.5e-9), (2.0, 1.5e-9), (25.0, 5e-8)])
def test_radial_function_derivatives(kr, tol):
    """dA/dr, dB/dr of G = A 1 + B rr against central differences of A, B."""
    d = np.array([kr / K])
    h = 1e-5 * d[0]
    _, _, da, db = radial_functions(d, K)
    for idx, an in ((0, da), (1, db)):
        fd = central_difference(lambda x, i=idx: radial_functions(x, K)[i], d, h)[0]
        # measured 1.5e-10 .. 3.4e-10 (kr <= 2), 1.0e-8 (kr = 25); margin ~5
        assert abs(fd[0] - an[0]) < tol * abs(an[0])


# measured max |residual|/scale: 7.6e-9 (kr = 0.5), 6.9e-9 (kr = 3), 2.0e-7 (kr = 20),
# FD truncation of the Hessian with h = 1e-4 r; margin 5
@pytest.mark.parametrize("kr, tol", [(0.5, 4e-8), (3.0, 4e-8), (20.0, 1e-6)])
def test_vector_helmholtz_equation(kr, tol):
    """curl curl G - k^2 G = 0 for r != 0 (Eq. 3), second derivatives by FD of the
    gradient."""
    r = np.array([0.2, 0.7, -0.4])
    r *= kr / (K * np.linalg.norm(r))
    h = 1e-4 * np.linalg.norm(r)
    # hess[a, d, b, c] = d_d (d_a G_bc) (FD index second)
    hess = np.swapaxes(_fd_gradient(lambda x: dyadic_green_gradient(x, K), r, h), 0, 1)
    grad_div = np.einsum("baac->bc", hess)  # d_a (d_b G_ac)
    lap = np.einsum("aabc->bc", hess)
    res = grad_div - lap - K**2 * dyadic_green(r, K)
    scale = np.max(np.abs(lap)) + K**2 * np.max(np.abs(dyadic_green(r, K)))
    assert np.max(np.abs(res)) < tol * scale


def test_transversality_divergence_free():
    """div G = grad (Laplacian + k^2) e^{ikr}/(4 pi r) = 0 for r != 0 (from Eq. 2)."""
    r = _random_r(20, 3 / K)
    dg = dyadic_green_gradient(r, K)
    div = np.einsum("...aac->...c", dg)
    # analytic cancellation between terms of size |dG|: measured 2.7e-16 of max|dG|;
    # margin 11
    assert np.max(np.abs(div)) < 3e-15 * np.max(np.abs(dg))
    # the far-field part is transverse to r: G_ff r = 0 (measured 1.5e-16; margin 13)
    gf = far_field_green(r, K)
    assert np.max(np.abs(np.einsum("...bc,...c->...b", gf, r))) < (
        2e-15 * np.max(np.abs(gf)) * np.max(np.abs(r))
    )


def test_static_limit():
    """G(r, k) -> G0(r) (Eq. 9) with relative deviation O((kr)^2)."""
    r = np.array([1.0, 2.0, -0.5]) * 1e-7
    g0 = electrostatic_green(r)
    errs = []
    for k in (1e4, 1e5, 1e6):
        errs.append(np.max(np.abs(dyadic_green(r, k) - g0)) / np.max(np.abs(g0)))
    # (kr)^2 scaling: a factor 10 in k gives a factor 100; measured 99.998 and 99.84
    # (kr = 0.0023 ... 0.23, the O((kr)^4) term); tolerance 1 (margin 6)
    assert abs(errs[1] / errs[0] - 100) < 1 and abs(errs[2] / errs[1] - 100) < 1
    assert np.array_equal(dyadic_green(r, 0.0).real, g0)


def test_far_field_limit():
    """|G - G_ff|/|G_ff| = sqrt(3) sqrt(1 + (kr)^2)/(kr)^2 -> sqrt(3)/(kr) (Frobenius
    norms)."""
    rhat = np.array([0.6, 0.0, 0.8])
    for kr in (10.0, 100.0, 1000.0):
        r = rhat * kr / K
        g, gf = dyadic_green(r, K), far_field_green(r, K)
        rel = np.linalg.norm(g - gf) / np.linalg.norm(gf)
        # exact value from Eq. (4): the near/intermediate part is
        # (3rr-1)(1-ikr)e^{ikr}/(4 pi r^3) measured relative deviation <= 1.0e-14;
        # margin 10
        assert rel == pytest.approx(
            np.sqrt(3) * np.sqrt(1 + kr**2) / kr**2, rel=1e-13, abs=0
        )
        # the limit: rel kr/sqrt(3) - 1 = 1/(2 kr^2) + O(kr^-4)
        assert 0 < rel * kr / np.sqrt(3) - 1 < 0.6 / kr**2


def test_small_distance_expansion_eq66():
    """G - G0 = k^2 (r^2 1 + r r)/(8 pi r^3) + i k^3/(6 pi) 1 + O(k^4 r) (Eq. 66)."""
    rhat = np.array([0.48, -0.6, 0.64])
    res_re, res_im = [], []
    for kr in (1e-2, 5e-3, 2.5e-3):
        r = rhat * kr / K
        dist = kr / K
        diff = dyadic_green(r, K) - electrostatic_green(r)
        approx_re = K**2 * (np.eye(3) + np.outer(rhat, rhat)) / (8 * np.pi * dist)
        res_re.append(np.max(np.abs(diff.real - approx_re)) / (K**2 / dist))
        res_im.append(np.max(np.abs(diff.imag - K**3 / (6 * np.pi) * np.eye(3))) / K**3)
    # real part: next term O(k^4 r) -> relative to k^2/r it scales like (kr)^2: halving
    # r gives /4; measured ratios 3.99997, 4.00005 (rel. deviation <= 1.2e-5); tolerance
    # 1e-4
    assert res_re[0] / res_re[1] == pytest.approx(4, rel=1e-4, abs=0)
    assert res_re[1] / res_re[2] == pytest.approx(4, rel=1e-4, abs=0)
    # imaginary part: next term O(k^5 r^2) -> relative to k^3 also ~(kr)^2 (measured
    # 3.999997) (relative deviation 8.3e-7; margin 6)
    assert res_im[0] / res_im[1] == pytest.approx(4, rel=5e-6, abs=0)
    # sizes at kr = 0.01: measured 2.8e-6 (real), 9.4e-7 (imaginary); margin 3.6 and 10
    assert res_re[0] < 1e-5 and res_im[0] < 1e-5


def test_im_green_as_angular_integral():
    """Im G(r) = k^3/(16 pi^2) int d^2n (1 - nn) e^{ik n.r}: independent route via
    quadrature."""
    r = np.array([3.1, -1.2, 2.2]) / K  # kr ~ 4
    nodes, w = sphere_quadrature(40)
    proj = np.eye(3) - nodes[:, :, None] * nodes[:, None, :]
    integral = np.einsum("m,mbc,m->bc", w, proj, np.exp(1j * K * nodes @ r))
    # converged to rounding for kr ~ 4 with 40 nodes (degree 79): measured 1.5e-16 k^3;
    # margin 13
    assert np.allclose(
        K**3 / (16 * np.pi**2) * integral,
        dyadic_green(r, K).imag,
        rtol=0,
        atol=2e-15 * K**3,
    )


# measured max deviation of max|c|: 1.6e-14 (kr = 0.2), 6.2e-16 (kr = 1), 1.9e-16
# (kr = 3), 4.6e-15 (kr = 20), quadrature of the principal-value integrals; margins 5-6
@pytest.mark.parametrize(
    "kr, tol", [(0.2, 1e-13), (1.0, 3e-15), (3.0, 1e-15), (20.0, 3e-14)]
)
def test_transverse_kernel_equals_re_g_minus_g0(kr, tol):
    """Eqs. (59), (61), (62) evaluated in k space (principal-value integrals) vs Eq.
    (64)."""
    r = np.array([0.3, -0.8, 0.52])
    r *= kr / K / np.linalg.norm(r)
    t = transverse_kernel(r, K)
    c = np.real(dyadic_green(r, K)) - electrostatic_green(r)
    assert np.allclose(t, c, rtol=0, atol=tol * np.abs(c).max())
    assert np.array_equal(t, t.T)


@pytest.mark.parametrize("x_l", [0.5, 2.7, 10.0, 40.0])
def test_radial_integral_j0_known_value(x_l):
    # P int_0^inf sin x/(x (x^2 - a^2)) dx = pi (cos a - 1)/(2 a^2)
    # measured relative deviation <= 1.1e-15; margin 9
    exact = np.pi * (np.cos(x_l) - 1) / (2 * x_l**2)
    assert lamb_radial_integrals(x_l)[0] == pytest.approx(exact, rel=1e-14, abs=0)


@pytest.mark.parametrize("rule,order", [("gauss", 6), ("lebedev", 11)])
def test_sphere_quadrature_exactness(rule, order):
    nodes, w = sphere_quadrature(order, rule=rule)
    assert np.allclose(np.linalg.norm(nodes, axis=1), 1.0, rtol=0, atol=1e-15)
    # measured relative deviations <= 6.7e-16 on all three moments; margin 7
    assert w.sum() == pytest.approx(4 * np.pi, rel=5e-15, abs=0)
    # int n_z^4 = 4 pi/5, int n_x^2 n_y^2 = 4 pi/15, int n_x n_y^3 = 0 (degree 4, both
    # rules exact)
    assert np.sum(w * nodes[:, 2] ** 4) == pytest.approx(
        4 * np.pi / 5, rel=5e-15, abs=0
    )
    assert np.sum(w * nodes[:, 0] ** 2 * nodes[:, 1] ** 2) == pytest.approx(
        4 * np.pi / 15, rel=5e-15, abs=0
    )
    # measured 4e-17; margin 12
    assert abs(np.sum(w * nodes[:, 0] * nodes[:, 1] ** 3)) < 5e-16


def test_sphere_quadrature_degree_limit():
    """Gauss-Legendre with n nodes is exact to degree 2n - 1 in cos(theta), not
    beyond."""
    nodes, w = sphere_quadrature(3)
    z = nodes[:, 2]
    assert np.sum(w * z**4) == pytest.approx(
        4 * np.pi / 5, rel=5e-15, abs=0
    )  # degree 4 <= 5
    assert abs(np.sum(w * z**6) / (4 * np.pi / 7) - 1) > 1e-3  # degree 6 > 5: not exact
    with pytest.raises(TypeError, match="n_theta"):
        sphere_quadrature(2.5)


def test_transverse_polarizations():
    nodes, _ = sphere_quadrature(5, rule="lebedev")  # includes the poles
    t = transverse_polarizations(nodes)
    # orthonormal, transverse and complete; measured deviations <= 2.2e-16; margin 9
    assert np.allclose(np.einsum("msb,mb->ms", t, nodes), 0, rtol=0, atol=2e-15)
    assert np.allclose(np.einsum("msb,mub->msu", t, t), np.eye(2), rtol=0, atol=2e-15)
    comp = np.einsum("msb,msc->mbc", t, t)
    assert np.allclose(
        comp, np.eye(3) - nodes[:, :, None] * nodes[:, None, :], rtol=0, atol=2e-15
    )


_direction = st.lists(st.floats(-1.0, 1.0), min_size=3, max_size=3).filter(
    lambda v: np.linalg.norm(v) > 0.1
)


@settings(derandomize=True, max_examples=60, deadline=None, database=None)
@given(direction=_direction, kr=st.floats(1e-2, 1e3), theta=st.floats(0.0, 2 * np.pi))
def test_green_tensor_symmetries(direction, kr, theta):
    """G(r) is symmetric, even in r and rotation covariant (R G(r) R^T = G(R r)).

    The power radiated by two dipoles, p^* [Im G(0) 1, Im G(r); Im G(r), Im G(0) 1] p
    with Im G(0) = k^3/(6 pi) (Eq. 66), is positive.
    """
    n = np.asarray(direction) / np.linalg.norm(direction)
    r = n * kr / K
    g = dyadic_green(r, K)
    scale = np.abs(g).max()
    c, s = np.cos(theta), np.sin(theta)
    rot = np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])
    # rounding only, relative to max|G|, times 1 + kr for the rotation, whose rounding
    # of |r| shifts the phase kr by ~kr eps (worst of 2000 random samples: 2.7e-16,
    # 0 and 1.7e-15 (1 + kr); margins 7, -, 3)
    assert np.allclose(g, g.T, rtol=0, atol=2e-15 * scale)
    assert np.allclose(dyadic_green(-r, K), g, rtol=0, atol=2e-15 * scale)
    assert np.allclose(
        rot @ g @ rot.T, dyadic_green(rot @ r, K), rtol=0, atol=5e-15 * (1 + kr) * scale
    )
    self_term = K**3 / (6 * np.pi) * np.eye(3)
    power = np.block([[self_term, g.imag], [g.imag, self_term]])
    # smallest eigenvalue >= 5e-7 k^3 for kr >= 0.01 (3000 random samples), rounding
    # ~1e-10 k^3
    assert np.min(np.linalg.eigvalsh(power)) > 0


@pytest.mark.parametrize("bad", [np.zeros(3), [np.nan, 0, 1], [1.0, 2.0]])
def test_invalid_r(bad):
    with pytest.raises(ValueError, match="r must"):
        dyadic_green(bad, K)


def test_invalid_kernel_arguments():
    with pytest.raises(ValueError, match="x_L"):
        lamb_radial_integrals(0.0)
    with pytest.raises(ValueError, match="r must be nonzero"):
        transverse_kernel(np.zeros(3), K)


def test_invalid_k():
    with pytest.raises(ValueError, match="k must"):
        dyadic_green([1e-6, 0, 0], -1.0)
    with pytest.raises(TypeError, match="k must"):
        dyadic_green([1e-6, 0, 0], 1e6 + 1j)
