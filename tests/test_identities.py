"""Eqs. (54), (C8) and the Fourier identities (59)-(64) against independent routes."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import quad

from optbind.electrodynamics import identities as idn
from optbind.green import dyadic_green, electrostatic_green
from optbind.green import transverse_kernel

K = 2 * np.pi / 1550e-9
DIRECTION = np.array([0.3, -0.8, 0.52]) / np.linalg.norm([0.3, -0.8, 0.52])


def _g_minus_g0(r):
    return dyadic_green(r, K) - electrostatic_green(r)


def _rel(a, b):
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b))) / np.max(np.abs(b)))


# ---------------------------------------------------------------- Eq. (54)
def test_time_window_closed_form_equals_double_quadrature():
    w = np.array([0.0, 1e-5, 3e-3, 0.3, 2.0, -7.5, 30.0])
    dt = 1.7
    err = np.max(
        np.abs(
            idn.time_window_integral(w, dt) - idn.time_window_integral_quadrature(w, dt)
        )
    )
    assert err < 1e-12 * dt**2  # measured 3e-15
    # real part is (dt^2/2) sinc^2(w dt/2), the delta-sequence of Eq. (54)
    re = idn.time_window_integral(w, dt).real
    assert np.allclose(
        re, 0.5 * dt**2 * np.sinc(w * dt / (2 * np.pi)) ** 2, rtol=1e-12, atol=0
    )


def test_gaussian_principal_value_against_cauchy_quadrature():
    c, s = 0.8, 1.3
    ref = quad(
        lambda x: np.exp(-0.5 * ((x - c) / s) ** 2),
        -20,
        20,
        weight="cauchy",
        wvar=0.0,
        limit=200,
    )[0]
    assert idn.gaussian_principal_value(c, s) == pytest.approx(ref, rel=1e-10)  # 6e-16


def test_eq54_time_and_frequency_routes_agree():
    for dt in (1.0, 10.0, 60.0):
        a = idn.eq54_smeared(dt, center=0.8, width=1.3)
        b = idn.eq54_smeared(dt, center=0.8, width=1.3, method="frequency")
        assert abs(a - b) < 1e-11 * abs(a)  # measured <= 4e-14


@pytest.mark.parametrize("center", [0.0, 0.8, -2.5])
def test_eq54_converges_as_one_over_delta_t_with_known_coefficient(center):
    s = 1.3
    lim = idn.eq54_limit(center=center, width=s)
    c1 = idn.eq54_first_correction(center=center, width=s)
    errs = []
    for dt in (10.0, 100.0, 1000.0):
        val = idn.eq54_smeared(dt, center=center, width=s)
        errs.append(abs(val - lim) / abs(lim))
        # the whole deviation is c1/dt up to terms decaying like the Gaussian
        assert abs(dt * (val - lim) - c1) < 1e-9 * abs(c1)  # measured <= 2e-13
    assert errs[0] / errs[1] == pytest.approx(10.0, rel=1e-6)
    assert errs[2] < 1e-3  # measured 6e-4 for center 0.8 at dt = 1000
    if center == 0.0:
        assert c1 == pytest.approx(-np.sqrt(2 * np.pi) / s, rel=1e-14)


def test_eq54_delta_and_principal_value_parts_separately():
    # delta part: Re -> pi f(0); principal value part: Im -> -P int f/w
    c, s, dt = 0.8, 1.3, 1e4
    val = idn.eq54_smeared(dt, center=c, width=s)
    assert val.real == pytest.approx(np.pi * np.exp(-0.5 * (c / s) ** 2), rel=2e-4)
    assert val.imag == pytest.approx(-idn.gaussian_principal_value(c, s), rel=2e-4)


def test_c8_window_converges_as_inverse_square_test_width():
    # smeared value ~ 2 pi [F(0) + F''(0)/(2 g^2)] with F = f sinc^2(W dt/2):
    # relative error -> (c^2/s^4 - 1/s^2 - dt^2/6)/(2 g^2)
    c, s, dt = 0.3, 1.0, 1.0
    coeff = (c**2 / s**4 - 1 / s**2 - dt**2 / 6) / 2
    for gw in (30.0, 100.0, 300.0):
        val, lim = idn.sinc2_window_smeared(dt, f_center=c, f_width=s, g_width=gw)
        assert (val.real - lim) / lim * gw**2 == pytest.approx(
            coeff, rel=0.01
        )  # 1/g^4 rest
        assert abs(val.imag) < 1e-14 * lim
    assert abs(val - lim) / lim < 1e-5  # measured 6.0e-6 at g = 300


# ------------------------------------------------------- Im G and Eq. (64)
@pytest.mark.parametrize("kr", [0.3, 2.0, 15.0])
def test_im_green_angular_and_funk_hecke(kr):
    r = DIRECTION * kr / K
    im = dyadic_green(r, K).imag
    assert _rel(idn.im_green_angular(r, K), im) < 1e-12  # measured 7e-15
    assert _rel(idn.transverse_kernel_imaginary(r, K), im) < 1e-12  # measured 5e-15


def test_im_green_at_small_separation_is_radiation_reaction():
    # Eq. (66): Im[G - G0] -> k^3/(6 pi) 1
    r = DIRECTION * 1e-6 / K
    assert (
        _rel(idn.transverse_kernel_imaginary(r, K), K**3 / (6 * np.pi) * np.eye(3))
        < 1e-11
    )


@pytest.mark.parametrize("kr", [0.3, 2.0, 15.0])
def test_full_kernel_is_g_minus_g0(kr):
    r = DIRECTION * kr / K
    full = idn.transverse_kernel_full(r, K)
    assert (
        _rel(full, _g_minus_g0(r)) < 1e-9
    )  # measured 5e-15 (same tolerance as test_vacuum)
    assert np.allclose(full.real, transverse_kernel(r, K))


def test_finite_eta_kernel_converges_linearly_and_sign_selects_direction():
    r = DIRECTION * 2.0 / K
    ref = _g_minus_g0(r)
    errs = [_rel(idn.transverse_kernel_eta(r, K, e * K**2), ref) for e in (1e-3, 1e-4)]
    assert errs[0] / errs[1] == pytest.approx(10.0, rel=0.02)  # O(eta); measured 9.995
    assert errs[1] < 2e-4  # measured 9.8e-5
    # -i eta (outgoing) vs +i eta (incoming): complex conjugates
    adv = idn.transverse_kernel_eta(r, K, -1e-4 * K**2)
    assert _rel(adv, ref.conj()) < 2e-4
    assert _rel(adv, ref) > 0.1


@pytest.mark.parametrize("kr", [0.3, 2.0, 15.0])
def test_eq64_from_eq63_by_finite_differences(kr):
    r = DIRECTION * kr / K
    assert _rel(idn.eq64_from_eq63(r, K), _g_minus_g0(r)) < 1e-7  # measured 1.5e-9


# ---------------------------------------------------------------- Eq. (59)
@pytest.mark.parametrize("rr", [0.2e-6, 0.7e-6, 1.5e-6])
def test_eq59_transverse_projector_identity(rr):
    sigma = 0.4e-6
    r = DIRECTION * rr
    lhs = idn.transverse_projector_kspace(r, sigma)
    rhs = idn.transverse_projector_realspace(r, sigma)
    assert _rel(lhs, rhs) < 1e-11  # measured 4e-14
    # the right side is not the untruncated F 1: the longitudinal part matters
    f = (2 * np.pi) ** 1.5 / sigma**3 * np.exp(-0.5 * (rr / sigma) ** 2)
    assert _rel(lhs, f * np.eye(3)) > 0.1


# ---------------------------------------------------------------- Eq. (60)
@pytest.mark.parametrize("rr", [0.2e-6, 0.7e-6, 1.5e-6])
def test_eq60_inverse_laplacian_of_a_gaussian(rr):
    sigma = 0.4e-6
    f = (
        lambda s: (2 * np.pi) ** 1.5 / sigma**3 * np.exp(-0.5 * (s / sigma) ** 2)
    )  # noqa: E731
    closed = idn.inverse_laplacian_gaussian(rr, sigma)
    assert idn.inverse_laplacian_radial(f, rr, scale=sigma) == pytest.approx(
        closed, rel=1e-10
    )
    # k-space route: Delta^{-1} is the multiplier -1/k^2
    kspace = (
        -quad(
            lambda k: np.exp(-0.5 * (k * sigma) ** 2) * np.sin(k * rr) / k,
            0,
            40 / sigma,
            limit=400,
        )[0]
        * 4
        * np.pi
        / rr
    )
    assert kspace == pytest.approx(closed, rel=1e-10)
    # and Delta h = f: h'' + 2 h'/r
    h, h1, h2 = idn.inverse_laplacian_gaussian(rr, sigma, derivatives=True)
    assert h2 + 2 * h1 / rr == pytest.approx(f(rr), rel=1e-10)


# ---------------------------------------------------------------- Eq. (61)
def test_eq61_principal_value_as_eta_limit():
    g = lambda q: q**2 * np.exp(-((q / K) ** 2))  # noqa: E731
    pv = idn.principal_value(g, K)
    delta = np.pi * g(K) / (2 * K)
    re_err, im_err = [], []
    for e in (1e-4, 1e-5):
        v = idn.principal_value_eta(g, K, e * K**2)
        re_err.append(abs(v.real - pv) / abs(pv))
        im_err.append(abs(v.imag - delta) / delta)
    # O(eta): measured 4.28 eta/k^2 (real), 0.708 eta/k^2 (imaginary)
    assert re_err[0] / re_err[1] == pytest.approx(10.0, rel=0.01)
    assert im_err[0] / im_err[1] == pytest.approx(10.0, rel=0.01)
    assert re_err[1] < 1e-4 and im_err[1] < 1e-5


# ---------------------------------------------------------------- Eq. (62)
@pytest.mark.parametrize("kr", [0.3, 2.0, 15.0])
def test_eq62_outgoing_helmholtz_green_function(kr):
    r = kr / K
    for e in (1e-2, 1e-4):
        num = idn.helmholtz_kspace(r, K, e * K**2)
        assert abs(num - idn.helmholtz_closed_form(r, K, e * K**2)) < 1e-9 * abs(
            num
        )  # 3e-11
    out = idn.helmholtz_closed_form(r, K)
    assert abs(idn.helmholtz_kspace(r, K, 1e-5 * K**2) - out) < 1e-4 * abs(
        out
    )  # O(eta r/k)
    # +i eta gives the incoming wave exp(-i k r)
    inc = idn.helmholtz_kspace(r, K, -1e-5 * K**2)
    assert abs(inc - np.conj(out)) < 1e-4 * abs(out)


# ---------------------------------------------------------------- Eq. (63)
@pytest.mark.parametrize("kr", [0.3, 2.0, 15.0])
def test_eq63_inverse_laplacian_of_outgoing_wave(kr):
    r = kr / K
    ref = idn.eq63_closed_form(r, K)
    ks = [
        abs(idn.inverse_laplacian_outgoing_kspace(r, K, e * K**2) - ref) / abs(ref)
        for e in (1e-3, 1e-4)
    ]
    rs = [
        abs(idn.inverse_laplacian_outgoing_realspace(r, K, e * K) - ref) / abs(ref)
        for e in (1e-3, 1e-4)
    ]
    # both regularised routes converge linearly (measured ratios 9.98-10.5)
    assert 9.0 < ks[0] / ks[1] < 11.0 and ks[1] < 5e-4
    assert 8.0 < rs[0] / rs[1] < 12.0 and rs[1] < 3e-3


# -------------------------------------------------------------- validation
def test_bad_inputs_name_the_parameter():
    with pytest.raises(ValueError, match="delta_t"):
        idn.time_window_integral(1.0, -1.0)
    with pytest.raises(TypeError, match="delta_t"):
        idn.time_window_integral(1.0, True)
    with pytest.raises(ValueError, match="width"):
        idn.eq54_limit(center=0.0, width=0.0)
    with pytest.raises(ValueError, match="method"):
        idn.eq54_smeared(1.0, center=0.0, width=1.0, method="nope")
    with pytest.raises(ValueError, match="nonzero"):
        idn.transverse_kernel_eta(DIRECTION / K, K, 0.0)
    with pytest.raises(ValueError, match="r must be"):
        idn.im_green_angular([0.0, 0.0, 0.0], K)
    with pytest.raises(TypeError, match="real"):
        idn.helmholtz_kspace(1e-6, K, 1j)
    with pytest.raises(TypeError, match="callable"):
        idn.principal_value(3.0, K)
    with pytest.raises(ValueError, match="n_nodes"):
        idn.time_window_integral_quadrature(1.0, 1.0, n_nodes=1)
