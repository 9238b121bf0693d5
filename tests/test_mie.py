"""Exact Mie theory (optbind.electrodynamics.mie): tables and independent routes."""

import numpy as np
import pytest

from optbind.conventions import EPSILON_0, HBAR, SPEED_OF_LIGHT
from optbind.electrodynamics import mie
from optbind.particles import radiation_correction_sphere, sphere_susceptibility

K1550 = 2 * np.pi / 1550e-9
EPS = 2.085

# Bohren & Huffman (1983), Appendix A, BHMIE example output (p. 482):
# m = 1.55, radius 0.525 um, wavelength 0.6328 um; S11 normalised to S11(0)
# and POL = -S12/S11 at 0, 9, ..., 180 degrees (here as transcribed in the
# test file of the MIEX-Python package, mlietzow/MIEX-Python).
BH_X = 2 * np.pi * 0.525 / 0.6328
BH_S11 = [
    1.0,
    0.785390,
    0.356897,
    0.0766119,
    0.0355355,
    0.0701845,
    0.0574313,
    0.0219660,
    0.0125959,
    0.0173750,
    0.0124601,
    0.00679093,
    0.00954239,
    0.00863419,
    0.00227421,
    0.00543998,
    0.0160243,
    0.0188852,
    0.0195254,
    0.0301676,
    0.0383189,
]
BH_POL = [
    0.0,
    -0.00459811,
    -0.0458541,
    -0.364744,
    -0.534997,
    0.00959953,
    0.0477927,
    -0.440604,
    -0.831996,
    0.0341670,
    0.230462,
    -0.713472,
    -0.756255,
    -0.281215,
    -0.239612,
    -0.850804,
    -0.706334,
    -0.891081,
    -0.783319,
    -0.196194,
    0.0,
]

# Wiscombe, NCAR Tech. Note TN-140+STR (1979), MIEV0 test cases (table as
# transcribed in mlietzow/MIEX-Python).  Wiscombe's m = 1.5 - 0.1i is
# 1.5 + 0.1i in the Bohren-Huffman exp(-i omega t) convention used here.
WISCOMBE = [  # (m, x, Q_ext, Q_abs, g)
    (1.5, 10.0, 2.881999, 0.0, 0.742913),
    (1.5, 100.0, 2.094388, 0.0, 0.818246),
    (1.5, 1000.0, 2.013945, 0.0, 0.827882),
    (1.5 + 0.1j, 10.0, 2.459791, 1.224646, 0.922350),
    (1.5 + 0.1j, 100.0, 2.089822, 0.957688, 0.950392),
    (1.5 + 0.1j, 1000.0, 2.019703, 0.912770, 0.950880),
]
# (|S1|^2 + |S2|^2)/2 for m = 1.5, x = 10 at 0, 5, 10, 15 degrees (same table)
WISCOMBE_S11_X10 = [5208.56, 4281.32, 2347.75, 818.121]


def test_bohren_huffman_table():
    q = mie.efficiencies(BH_X, 1.55)
    # table has 6 significant digits; measured differences <= 4.5e-6
    assert q["q_ext"] == pytest.approx(3.10543, abs=1e-5)
    assert q["q_sca"] == pytest.approx(3.10543, abs=1e-5)
    assert q["q_back"] == pytest.approx(2.92534, abs=1e-5)
    assert q["g"] == pytest.approx(0.63314, abs=1e-5)
    s1, s2 = mie.amplitude_functions(BH_X, 1.55, np.radians(np.arange(0, 181, 9)))
    s11 = (abs(s1) ** 2 + abs(s2) ** 2) / 2
    pol = (abs(s1) ** 2 - abs(s2) ** 2) / (abs(s1) ** 2 + abs(s2) ** 2)
    # measured: 3.1e-6 relative on S11, <= 5e-7 absolute on POL (rounding)
    assert np.allclose(s11 / s11[0], BH_S11, rtol=1e-5, atol=0)
    assert np.allclose(pol, BH_POL, rtol=0, atol=2e-6)


@pytest.mark.parametrize("m, x, qext, qabs, g", WISCOMBE)
def test_wiscombe_table(m, x, qext, qabs, g):
    q = mie.efficiencies(x, m)
    # tabulated to 1e-6; measured differences <= 4.8e-7 (with the deeper
    # downward-recurrence start; Bohren-Huffman's start gave 7e-4 at x = 1000)
    assert q["q_ext"] == pytest.approx(qext, abs=1e-6)
    assert q["q_abs"] == pytest.approx(qabs, abs=1e-6)
    assert q["g"] == pytest.approx(g, abs=1e-6)


def test_wiscombe_phase_function():
    s1, s2 = mie.amplitude_functions(10.0, 1.5, np.radians([0, 5, 10, 15]))
    s11 = (abs(s1) ** 2 + abs(s2) ** 2) / 2
    assert np.allclose(s11, WISCOMBE_S11_X10, rtol=3e-6)  # 6 digits in the table


@pytest.mark.parametrize("x", [0.05, 0.8, 3.0, 25.0])
def test_unitarity_and_optical_theorem(x):
    """Lossless: Re a_n = |a_n|^2, so Q_ext = Q_sca; and Q_ext = 4 Re S(0)/x^2."""
    a, b = mie.mie_coefficients(x, np.sqrt(EPS))
    assert np.allclose(a.real, abs(a) ** 2, rtol=0, atol=1e-15)
    assert np.allclose(b.real, abs(b) ** 2, rtol=0, atol=1e-15)
    q = mie.efficiencies(x, np.sqrt(EPS))
    s1, _ = mie.amplitude_functions(x, np.sqrt(EPS), [0.0])
    assert q["q_ext"] == pytest.approx(4 * s1[0].real / x**2, rel=1e-13)
    assert abs(q["q_abs"]) < 1e-13 * q["q_ext"]


@pytest.mark.parametrize("x, m", [(0.3, 1.444), (2.5, 1.45), (6.0, 1.5 + 0.05j)])
def test_angular_integral_matches_series(x, m):
    """Q_sca and g from the far-field integral of |S1|^2 + |S2|^2 (second route)."""
    mu, w = np.polynomial.legendre.leggauss(80)
    s1, s2 = mie.amplitude_functions(x, m, np.arccos(mu))
    inten = abs(s1) ** 2 + abs(s2) ** 2
    q = mie.efficiencies(x, m)
    assert np.sum(w * inten) / x**2 == pytest.approx(q["q_sca"], rel=1e-12)
    assert np.sum(w * inten * mu) / x**2 / q["q_sca"] == pytest.approx(
        q["g"], rel=1e-11
    )


def test_internal_and_scattered_fields_satisfy_boundary_conditions():
    x, m = 1.7, 1.45 + 0.02j
    a, b = mie.mie_coefficients(x, m)
    c, d = mie.internal_coefficients(x, m)
    n_max = a.size
    ls = np.array([l for l in range(1, n_max + 1) for _ in range(2 * l + 1)])
    p, q = mie.plane_wave_coefficients(n_max, [0, 0, 1.0], [1.0, 0, 0])
    pts = np.random.default_rng(3).normal(size=(10, 3))
    pts /= np.linalg.norm(pts, axis=1)[:, None]  # on r = a = 1, k = x
    ni, mi = mie.multipole_fields(n_max, pts, x)
    no, mo = mie.multipole_fields(n_max, pts, x, kind="outgoing")
    nn, mm = mie.multipole_fields(n_max, pts, m * x)

    def comb(pp, qq, nf, mf):
        return np.einsum("m,mpi->pi", pp, nf) + np.einsum("m,mpi->pi", qq, mf)

    e_out = comb(p, q, ni, mi) + comb(-a[ls - 1] * p, -b[ls - 1] * q, no, mo)
    h_out = -1j * (comb(q, p, ni, mi) + comb(-b[ls - 1] * q, -a[ls - 1] * p, no, mo))
    e_in = comb(d[ls - 1] * p, c[ls - 1] * q, nn, mm)
    h_in = -1j * m * comb(c[ls - 1] * q, d[ls - 1] * p, nn, mm)

    def tang(v):
        return v - pts * np.sum(pts * v, axis=1)[:, None]

    # measured residuals ~1.5e-15
    assert np.abs(tang(e_out) - tang(e_in)).max() < 1e-13
    assert np.abs(tang(h_out) - tang(h_in)).max() < 1e-13
    assert np.abs(np.sum(pts * e_out, 1) - m**2 * np.sum(pts * e_in, 1)).max() < 1e-13


@pytest.mark.parametrize("direction", [[0, 0, 1.0], [0, 0, -1.0], [0.6, 0, 0.8]])
def test_plane_wave_expansion_reconstructs_the_wave(direction):
    kh = np.asarray(direction)
    e = np.cross(kh, [0.3, -1, 0.2])
    e /= np.linalg.norm(e)
    e = e + 0.5j * np.cross(kh, e)
    k = 2.0
    p, q = mie.plane_wave_coefficients(25, kh, e)
    r = np.random.default_rng(0).normal(size=(6, 3)) * 0.8
    r[0] = [0, 0, 0.7]  # on the axis
    n, m = mie.multipole_fields(25, r, k)
    field = np.einsum("m,mpi->pi", p, n) + np.einsum("m,mpi->pi", q, m)
    exact = e * np.exp(1j * k * r @ kh)[:, None]
    assert np.abs(field - exact).max() < 1e-12  # measured 6e-14


@pytest.mark.parametrize("eps", [1.5, EPS, 2.1014, 4.0])
def test_polarizability_series(eps):
    s = mie.polarizability_series(eps, 8)
    kk = (eps - 1) / (eps + 2)
    assert s[0] == pytest.approx(1.0, abs=1e-15)
    assert abs(s[1]) < 1e-15
    assert s[2].real == pytest.approx(0.6 * (eps - 2) / (eps + 2), abs=1e-14)
    assert s[3].imag == pytest.approx(2 / 3 * kk, abs=1e-14)
    # the series against the scipy-based a_1 (independent evaluation)
    for x in (0.01, 0.05):
        a1 = mie.mie_coefficients(x, np.sqrt(eps))[0][0]
        direct = 1.5j * a1 / (kk * x**3)
        assert abs(np.polyval(s[::-1], x) - direct) < 5e-12  # measured 2.5e-12


@pytest.mark.parametrize("eps", [1.5, EPS, 2.1014, 4.0])
def test_eq68_misses_minus_one_fifth(eps):
    """Exact O(x^2): (3/5)(eps-2)/(eps+2) = Eq. (68)'s (4/15) chi - 1/5."""
    parts = mie.x2_coefficient_decomposition(eps)
    chi = sphere_susceptibility(eps)
    assert parts["eq68"] == pytest.approx(
        radiation_correction_sphere(eps, 1.0, 1.0) / chi, rel=1e-14
    )
    assert parts["sum"] == pytest.approx(parts["mie"], abs=1e-13)
    assert parts["eq68"] - parts["mie"] == pytest.approx(0.2, abs=1e-13)


def test_x2_decomposition_from_the_internal_field():
    """Total induced moment: (4/15) chi - 1/10; far-field dipole / total: -1/10."""
    chi = sphere_susceptibility(EPS)
    for a in (5e-9, 10e-9):
        x = K1550 * a
        av = mie.volume_integrated_polarizability(a, EPS, K1550).real
        a0 = mie.quasistatic_polarizability(a, EPS)
        am = mie.mie_polarizability(a, EPS, K1550).real
        # measured at x = 0.02: 0.112460 vs 0.112485 and -0.099996 (O(x^2) terms)
        assert (av / a0 - 1) / x**2 == pytest.approx(4 / 15 * chi - 0.1, abs=3e-4)
        assert (am / av - 1) / x**2 == pytest.approx(-0.1, abs=1e-4)


def test_radiation_reaction_and_scattering_rate_prefactor():
    a = 2e-9  # x = 8e-3
    alpha = mie.mie_polarizability(a, EPS, K1550)
    a0 = mie.quasistatic_polarizability(a, EPS)
    assert alpha.imag == pytest.approx(
        K1550**3 * a0**2 / (6 * np.pi * EPSILON_0), rel=1e-4
    )
    e0 = 1e7
    gam = mie.dipole_scattering_rate(a0, K1550, e0)
    # the same from C_sca = k^4 alpha^2/(6 pi eps0^2) and I = c eps0 E^2/2
    c_sca = K1550**4 * a0**2 / (6 * np.pi * EPSILON_0**2)
    direct = (
        c_sca * SPEED_OF_LIGHT * EPSILON_0 * e0**2 / 2 / (HBAR * SPEED_OF_LIGHT * K1550)
    )
    assert gam == pytest.approx(direct, rel=1e-14)
    # and against Mie: deviation O(x^2) (measured 1.6e-4 at x = 8e-3)
    assert mie.mie_scattering_rate(a, EPS, K1550, e0) == pytest.approx(gam, rel=5e-4)
    # point-dipole recoil: (7/5) (hbar k)^2 Gamma / 2
    d = mie.recoil_diffusion_plane_wave(a, EPS, K1550, e0)
    assert d == pytest.approx(0.7 * (HBAR * K1550) ** 2 * gam, rel=5e-4)


@pytest.mark.parametrize("radius", [50e-9, 300e-9, 1e-6])
def test_plane_wave_force_is_radiation_pressure(radius):
    """Stress-tensor force in a plane wave is I C_pr / c, for any enclosing sphere."""
    x = K1550 * radius
    p, q = mie.plane_wave_coefficients(mie.n_terms(x) + 4, [0, 0, 1.0], [1.0, 0, 0])
    cs = mie.cross_sections(radius, EPS, K1550)
    for rs in (1.1 * radius, 2.0 * radius):
        f = mie.sphere_force(p, q, radius, EPS, K1550, surface_radius=rs)
        ref = 0.5 * EPSILON_0 * cs["c_pr"]  # I/c with |E| = 1 V/m
        assert f[2] == pytest.approx(ref, rel=1e-11)  # measured 3e-13
        assert np.all(np.abs(f[:2]) < 1e-11 * ref)


def test_beam_coefficients_reconstruct_the_beam():
    beam = mie.GaussianBeam(K1550, 1e-6)
    pos = np.array([0.0, 0.0, 0.3e-6])
    p, q = beam.coefficients(14, pos)
    r = np.array(
        [[0.1e-6, 0.05e-6, 0.02e-6], [0.0, 0.0, 0.1e-6], [-0.2e-6, 0.1e-6, 0.0]]
    )
    n, m = mie.multipole_fields(14, r, K1550)
    field = np.einsum("m,mpi->pi", p, n) + np.einsum("m,mpi->pi", q, m)
    assert np.abs(field - beam.field(r + pos)).max() < 1e-11  # measured ~1e-16
    assert abs(beam.axial_field(0.0)[0]) == pytest.approx(1.0, rel=1e-14)


def test_paraxial_limit_of_the_beam():
    """kappa(exact beam)/Eq. (79) -> 1 as 1/(k w)^2 (measured 1.105, 1.0432, 1.0037)."""
    r = [mie.paraxial_stiffness_ratio(K1550, w) for w in (5e-6, 10e-6)]
    assert r[1] - 1 == pytest.approx((r[0] - 1) / 4, rel=0.05)
    assert 0 < r[1] - 1 < 0.005


def test_exact_stiffness_limits():
    """Tiny sphere: Mie stiffness -> dipole; wide beam: -> forward-amplitude dipole."""
    beam = mie.GaussianBeam(K1550, 1e-6, n_angular=48)
    a = 10e-9
    x = K1550 * a
    km = mie.mie_axial_stiffness(a, EPS, beam)
    kd = mie.dipole_axial_stiffness(mie.mie_polarizability(a, EPS, K1550), beam)
    assert (kd / km - 1) / x**2 == pytest.approx(-0.146, abs=0.002)  # measured -0.1462
    wide = mie.GaussianBeam(K1550, 10e-6, n_angular=48)
    a = 20e-9
    km = mie.mie_axial_stiffness(a, EPS, wide)
    kf = mie.dipole_axial_stiffness(mie.forward_polarizability(a, EPS, K1550), wide)
    assert abs(km / kf - 1) < 2e-5  # measured 6.1e-6 (falls as 1/w^2)
    # the forward amplitude exceeds a_1 by x^2 (eps+2)[1/30 + 1/(6(2 eps+3))]
    af = mie.forward_polarizability(a, EPS, K1550).real
    am = mie.mie_polarizability(a, EPS, K1550).real
    xx = K1550 * a
    pred = (EPS + 2) * (1 / 30 + 1 / (6 * (2 * EPS + 3)))
    assert (af / am - 1) / xx**2 == pytest.approx(pred, rel=2e-3)


def test_deviation_curves_follow_the_series():
    d = np.array([20e-9, 40e-9])
    x = K1550 * d / 2
    s2 = 0.6 * (EPS - 2) / (EPS + 2)
    chi = sphere_susceptibility(EPS)
    dev0 = mie.point_dipole_deviation(
        "polarizability_quasistatic", d, wavelength=1550e-9, permittivity=EPS
    )
    devc = mie.point_dipole_deviation(
        "polarizability_corrected", d, wavelength=1550e-9, permittivity=EPS
    )
    assert np.allclose(dev0 / x**2, -s2, rtol=0, atol=1e-3)
    assert np.allclose(devc / x**2, 4 / 15 * chi - s2, rtol=0, atol=1e-3)
    # 1 % crossing of the corrected polarisability: series estimate x^2 = 0.01/0.2
    d1 = mie.crossing_diameter(
        "polarizability_corrected", 0.01, wavelength=1550e-9, permittivity=EPS
    )
    est = 2 * np.sqrt(0.01 / (4 / 15 * chi - s2)) / K1550
    assert d1 == pytest.approx(est, rel=0.02)  # measured 109.5 nm vs 110.3 nm


@pytest.mark.parametrize(
    "call",
    [
        lambda: mie.mie_coefficients(-1.0, 1.5),
        lambda: mie.mie_coefficients(1.0, 1.5 - 0.1j),
        lambda: mie.mie_coefficients(1.0, 1.5, n_max=0),
        lambda: mie.quasistatic_polarizability(1e-7, 0.5),
        lambda: mie.quasistatic_polarizability(np.nan, 2.0),
        lambda: mie.mie_polarizability(1e-7, 2.0 + 0.1j, K1550),
        lambda: mie.point_dipole_deviation(
            "nope", [1e-7], wavelength=1e-6, permittivity=2.0
        ),
        lambda: mie.point_dipole_deviation(
            "trap_frequency", [1e-7], wavelength=1e-6, permittivity=2.0
        ),
        lambda: mie.GaussianBeam(K1550, -1e-6),
        lambda: mie.plane_wave_coefficients(3, [0, 0, 1.0], [0, 0, 1.0]),
        lambda: mie.amplitude_functions(1.0, 1.5, [4.0]),
    ],
)
def test_invalid_input_raises(call):
    # wrong values are ValueError; a complex permittivity is a wrong kind (TypeError)
    with pytest.raises((ValueError, TypeError)):
        call()


def test_boolean_counts_rejected():
    with pytest.raises(TypeError):
        mie.mie_coefficients(1.0, 1.5, n_max=True)
    with pytest.raises(TypeError):
        mie.mie_axial_stiffness(1e-7, 2.0, beam="beam")
