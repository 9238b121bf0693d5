"""Tests of the dipole Green tensors (Eqs. 2-4, 9, 66) and the sphere quadrature."""
import numpy as np
import pytest

from optbind.green import (
    dyadic_green,
    dyadic_green_gradient,
    electrostatic_green,
    electrostatic_green_gradient,
    far_field_green,
    far_field_green_gradient,
    sphere_quadrature,
    transverse_polarizations,
)

K = 2 * np.pi / 1.55e-6
RNG = np.random.default_rng(12345)


def _random_r(n, scale):
    v = RNG.normal(size=(n, 3))
    return v / np.linalg.norm(v, axis=1, keepdims=True) * scale * RNG.uniform(0.5, 2, (n, 1))


def _fd_gradient(fun, r, h):
    """Central differences: out[..., a, b, c] = d fun_bc / d r_a."""
    out = []
    for a in range(3):
        dr = np.zeros(3)
        dr[a] = h
        out.append((fun(r + dr) - fun(r - dr)) / (2 * h))
    return np.stack(out, axis=-3)


def test_symmetry_and_shape():
    r = _random_r(7, 1 / K).reshape(7, 1, 3)
    g = dyadic_green(r, K)
    assert g.shape == (7, 1, 3, 3)
    # G is built from 1 and rr: exactly symmetric up to rounding
    assert np.allclose(g, np.swapaxes(g, -1, -2), rtol=0, atol=1e-14 * np.abs(g).max())
    # even in r
    assert np.allclose(dyadic_green(-r, K), g, rtol=1e-14, atol=0)


@pytest.mark.parametrize("kr", [0.3, 2.0, 25.0])
def test_gradient_matches_finite_differences(kr):
    r = np.array([0.3, -0.5, 0.8])
    r *= kr / (K * np.linalg.norm(r))
    h = 1e-5 * np.linalg.norm(r)
    fd = _fd_gradient(lambda x: dyadic_green(x, K), r, h)
    an = dyadic_green_gradient(r, K)
    # central differences: relative error ~ (h/r)^2 * O(1 + (kr)^2) << 1e-6
    assert np.max(np.abs(fd - an)) < 1e-6 * np.max(np.abs(an))
    fd0 = _fd_gradient(electrostatic_green, r, h)
    assert np.max(np.abs(fd0 - electrostatic_green_gradient(r))) < 1e-6 * np.max(np.abs(fd0))
    fdf = _fd_gradient(lambda x: far_field_green(x, K), r, h)
    assert np.max(np.abs(fdf - far_field_green_gradient(r, K))) < 1e-6 * np.max(np.abs(fdf))


@pytest.mark.parametrize("kr", [0.5, 3.0, 20.0])
def test_vector_helmholtz_equation(kr):
    """curl curl G - k^2 G = 0 for r != 0 (Eq. 3), second derivatives by FD of the gradient."""
    r = np.array([0.2, 0.7, -0.4])
    r *= kr / (K * np.linalg.norm(r))
    h = 1e-4 * np.linalg.norm(r)
    # hess[d, a, b, c] = d_d d_a G_bc
    hess = _fd_gradient(lambda x: dyadic_green_gradient(x, K), r, h)
    grad_div = np.einsum("baac->bc", hess)  # d_b (d_a G_ac)
    lap = np.einsum("aabc->bc", hess)
    res = grad_div - lap - K**2 * dyadic_green(r, K)
    scale = np.max(np.abs(lap)) + K**2 * np.max(np.abs(dyadic_green(r, K)))
    # FD error of the Hessian ~ (h/r)^2 = 1e-8 relative; 1e-6 leaves margin
    assert np.max(np.abs(res)) < 1e-6 * scale


def test_transversality_divergence_free():
    """div G = grad (Laplacian + k^2) e^{ikr}/(4 pi r) = 0 for r != 0 (from Eq. 2)."""
    r = _random_r(20, 3 / K)
    dg = dyadic_green_gradient(r, K)
    div = np.einsum("...aac->...c", dg)
    # analytic cancellation between terms of size |dG|: rounding only
    assert np.max(np.abs(div)) < 1e-12 * np.max(np.abs(dg))
    # the far-field part is transverse to r: G_ff r = 0
    gf = far_field_green(r, K)
    assert np.max(np.abs(np.einsum("...bc,...c->...b", gf, r))) < 1e-13 * np.max(np.abs(gf)) * np.max(np.abs(r))


def test_static_limit():
    """G(r, k) -> G0(r) (Eq. 9) with relative deviation O((kr)^2)."""
    r = np.array([1.0, 2.0, -0.5]) * 1e-7
    g0 = electrostatic_green(r)
    errs = []
    for k in (1e4, 1e5, 1e6):
        errs.append(np.max(np.abs(dyadic_green(r, k) - g0)) / np.max(np.abs(g0)))
    # (kr)^2 scaling: a factor 10 in k gives a factor ~100 (80-120 allows the O(kr^3) term)
    assert 80 < errs[1] / errs[0] < 120 and 80 < errs[2] / errs[1] < 120
    assert np.array_equal(dyadic_green(r, 0.0).real, g0)


def test_far_field_limit():
    """|G - G_ff|/|G_ff| = sqrt(3) sqrt(1 + (kr)^2)/(kr)^2 -> sqrt(3)/(kr) (Frobenius norms)."""
    rhat = np.array([0.6, 0.0, 0.8])
    for kr in (10.0, 100.0, 1000.0):
        r = rhat * kr / K
        g, gf = dyadic_green(r, K), far_field_green(r, K)
        rel = np.linalg.norm(g - gf) / np.linalg.norm(gf)
        # exact value from Eq. (4): the near/intermediate part is (3rr-1)(1-ikr)e^{ikr}/(4 pi r^3)
        assert rel == pytest.approx(np.sqrt(3) * np.sqrt(1 + kr**2) / kr**2, rel=1e-10)
        assert rel * kr == pytest.approx(np.sqrt(3), rel=1.0 / kr**2)


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
    # real part: next term O(k^4 r) -> relative to k^2/r it scales like (kr)^2: halving r gives /4
    assert res_re[0] / res_re[1] == pytest.approx(4, rel=0.05)
    assert res_re[1] / res_re[2] == pytest.approx(4, rel=0.05)
    # imaginary part: next term O(k^5 r^2) -> relative to k^3 also ~(kr)^2
    assert res_im[0] / res_im[1] == pytest.approx(4, rel=0.05)
    assert res_re[0] < 1e-4 and res_im[0] < 1e-4


def test_im_green_as_angular_integral():
    """Im G(r) = k^3/(16 pi^2) int d^2n (1 - nn) e^{ik n.r}: independent route via quadrature."""
    r = np.array([3.1, -1.2, 2.2]) / K  # kr ~ 4
    nodes, w = sphere_quadrature(40)
    proj = np.eye(3) - nodes[:, :, None] * nodes[:, None, :]
    integral = np.einsum("m,mbc,m->bc", w, proj, np.exp(1j * K * nodes @ r))
    # the quadrature is converged to rounding for kr ~ 4 with 40 nodes (degree 79)
    assert np.allclose(K**3 / (16 * np.pi**2) * integral, dyadic_green(r, K).imag, rtol=0,
                       atol=1e-12 * K**3)


@pytest.mark.parametrize("rule,order", [("gauss", 6), ("lebedev", 11)])
def test_sphere_quadrature_exactness(rule, order):
    nodes, w = sphere_quadrature(order, rule=rule)
    assert np.allclose(np.linalg.norm(nodes, axis=1), 1.0)
    assert w.sum() == pytest.approx(4 * np.pi, rel=1e-13)
    # int n_z^4 = 4 pi/5, int n_x^2 n_y^2 = 4 pi/15, int n_x n_y^3 = 0 (degree 4, both rules exact)
    assert np.sum(w * nodes[:, 2] ** 4) == pytest.approx(4 * np.pi / 5, rel=1e-12)
    assert np.sum(w * nodes[:, 0] ** 2 * nodes[:, 1] ** 2) == pytest.approx(4 * np.pi / 15, rel=1e-12)
    assert abs(np.sum(w * nodes[:, 0] * nodes[:, 1] ** 3)) < 1e-13


def test_transverse_polarizations():
    nodes, _ = sphere_quadrature(5, rule="lebedev")  # includes the poles
    t = transverse_polarizations(nodes)
    assert np.allclose(np.einsum("msb,mb->ms", t, nodes), 0, atol=1e-14)
    assert np.allclose(np.einsum("msb,mub->msu", t, t), np.eye(2), atol=1e-14)
    comp = np.einsum("msb,msc->mbc", t, t)
    assert np.allclose(comp, np.eye(3) - nodes[:, :, None] * nodes[:, None, :], atol=1e-14)


@pytest.mark.parametrize("bad", [np.zeros(3), [np.nan, 0, 1], [1.0, 2.0]])
def test_invalid_r(bad):
    with pytest.raises(ValueError, match="r must"):
        dyadic_green(bad, K)


def test_invalid_k():
    with pytest.raises(ValueError, match="k must"):
        dyadic_green([1e-6, 0, 0], -1.0)
