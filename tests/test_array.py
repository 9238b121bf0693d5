"""Linearised array (Eqs. 79, 84-87): closed forms against the general expressions.

Tolerances are the measured deviation times a stated margin; the measured
values are written next to each assertion.
"""

import numpy as np
import pytest

from optbind.array import LinearArray
from optbind.conventions import EPSILON_0, HBAR
from optbind.green import dyadic_green, dyadic_green_gradient
from optbind.model import ArrayModel

K = 2 * np.pi / 1.55e-6
W = 1.0e-6
ZR = K * W**2 / 2
A = 1e-7
VOL = 4 * np.pi * A**3 / 3
MASS = 1850 * VOL
CHI = 0.797
E0 = 1e7


def _random_array(rng, n=3, kd_min=30.0, kd_max=120.0):
    """Random foci in the plane (pairwise k d >= kd_min), phases and polarisations."""
    foci = [np.zeros(3)]
    while len(foci) < n:
        c = np.append(rng.uniform(-kd_max, kd_max, 2) / K, 0.0)
        if all(np.linalg.norm(c - f) * K > kd_min for f in foci):
            foci.append(c)
    th = rng.uniform(0, np.pi, n)
    amps = (
        E0
        * rng.uniform(0.6, 1.4, n)[:, None]
        * np.exp(1j * rng.uniform(0, 2 * np.pi, n))[:, None]
        * np.stack([np.cos(th), np.sin(th), 0 * th], 1)
    )
    vols = VOL * rng.uniform(0.7, 1.3, n)
    return LinearArray(np.array(foci), amps, vols, 1850 * vols, CHI, K, ZR)


def _pair(n_wavelengths, theta=(0.4, 1.1), phi=0.9):
    d = (0.3 + n_wavelengths) * 2 * np.pi / K
    pol = np.array([[np.cos(t), np.sin(t), 0.0] for t in theta])
    amps = E0 * np.array([np.exp(1j * phi), 1.0])[:, None] * pol
    return LinearArray(
        [[0, 0, 0], [d, 0, 0]], amps, [VOL, VOL], [MASS, MASS], CHI, K, ZR
    )


def _scale(arr):
    """Natural coupling scale eps0 chi^2 V^2 k^2 kappa^2 E0^2/(8 pi d) of Eq. (85)."""
    d = np.linalg.norm(arr.foci[1] - arr.foci[0])
    return EPSILON_0 * CHI**2 * VOL**2 * K**2 * arr.kappa**2 * E0**2 / (8 * np.pi * d)


def test_C_focal_green_agrees_tightly():
    """With the far-field tensor frozen at the foci (the model of Sec. V A) the
    finite-difference couplings of Eq. (C10b) reproduce Eq. (85): the exact envelope
    has u'(0) = i(k - 1/z_R)."""
    rng = np.random.default_rng(3)
    for _ in range(3):
        arr = _random_array(rng)
        c = arr.C
        # FD step k h = 1e-4: measured max |C_num - C| = 1.35e-9 max|C| (truncation);
        # margin 2.2
        assert np.allclose(
            arr.numerical_C(green="focal"), c, rtol=0, atol=3e-9 * np.abs(c).max()
        )


@pytest.mark.parametrize(
    "green,coefficient,ratio_rtol",
    [
        # measured deviation * k d: 0.776 (kd = 65) and 0.780 (kd = 253) for "full",
        # 0.369 and 0.373 for "far"; bound = 1.15 x the larger one.  The ratio of the
        # two deviations equals the inverse ratio of the k d to 0.51 % ("full") and
        # 1.08 % ("far"): rtol = 2 x measured.
        ("full", 0.90, 0.011),
        ("far", 0.43, 0.022),
    ],
)
def test_C_deviation_scales_like_inverse_kd(green, coefficient, ratio_rtol):
    """Full/far Green tensors and the displacement dependence of G add O(1/(k d))."""
    devs = []
    kds = []
    for n in (10, 40):
        arr = _pair(n)
        devs.append(np.abs(arr.numerical_C(green=green) - arr.C).max() / _scale(arr))
        kds.append(K * arr.foci[1, 0])
    assert all(dv * kd < coefficient for dv, kd in zip(devs, kds)), (devs, kds)
    assert devs[0] / devs[1] == pytest.approx(kds[1] / kds[0], rel=ratio_rtol, abs=0)


def test_K_F_omega_against_general_expressions():
    arr = _pair(20)
    # the exact envelope adds the intensity curvature: u''(0) = -(kappa^2 + 1/z_R^2);
    # measured FD error 1.4e-9 relative, margin 3
    assert np.allclose(
        arr.numerical_K(green="focal"),
        arr.K * (1 + 1 / (arr.kappa * ZR) ** 2),
        rtol=4e-9,
        atol=0,
    )
    # F: radiation pressure is exact at the focus, the binding part carries O(1/(kd))
    # corrections: measured |F_num - F| = 0.46 scale/(kappa k d); bound 0.6 (margin 1.3)
    f_num, f = arr.numerical_F(green="full"), arr.F
    kd = K * arr.foci[1, 0]
    assert np.allclose(f_num, f, rtol=0, atol=0.6 * _scale(arr) / arr.kappa / kd)
    # frozen far-field tensor: the closed form itself, measured 1.1e-15 (rounding),
    # margin 100
    assert np.allclose(arr.numerical_F(green="focal"), f, rtol=1e-13, atol=0)
    # omega: curvature of the exact V_L, FD error (h/z_R)^2/2: measured 5.0e-7, margin 2
    assert np.allclose(arr.numerical_omega(), arr.omega, rtol=1e-6, atol=0)
    single = LinearArray([[0, 0, 0]], [[E0, 0, 0]], VOL, MASS, CHI, K, ZR)
    # one particle: pure radiation pressure, measured agreement exact (0.0)
    assert single.numerical_F()[0] == pytest.approx(single.F[0], rel=1e-14, abs=0)
    assert single.C.shape == (1, 1) and single.K[0] == 0


def test_D_against_quadrature():
    devs, kds = [], []
    for n in (10, 40):
        arr = _pair(n)
        dn, d = arr.numerical_D(), arr.D
        # diagonal (Eq. 87a) is exact for the exact envelope: measured 5.6e-14
        # (quadrature and rounding), margin 10
        assert np.allclose(np.diag(dn), np.diag(d), rtol=6e-13, atol=0)
        devs.append(abs(dn[0, 1] - d[0, 1]) / (0.5 * HBAR * _scale(arr)))
        kds.append(K * arr.foci[1, 0])
    # the stationary-phase (far-field) evaluation of Eq. (87b) is accurate to O(1/(kd)):
    # measured deviation * k d = 0.279 and 0.287 (bound 0.33, margin 1.15); the ratio
    # of the deviations follows 1/(kd) to 2.8 % (rtol 0.05, margin 1.8)
    assert devs[0] / devs[1] == pytest.approx(kds[1] / kds[0], rel=0.05, abs=0)
    assert max(dv * kd for dv, kd in zip(devs, kds)) < 0.33


def test_D_equals_imaginary_green_formula():
    """Identity (cf. Eq. C11):
    D_jj' = (hbar eps0 V V' chi^2/4) E_j'^* (kappa^2 - d_z^2) Im G(d_j - d_j') E_j,
    with d_z^2 Im G by central differences of the analytic gradient.

    Exact as long as each particle sees only its own tweezer.  At k d >= 25 the
    neighbouring Gaussian beams overlap by exp(-(d/w)^2) < 1e-16; at k d = 16 the
    overlap (2e-7) alone shifts D_jj' by ~1e-6 relative, which is why this
    geometry keeps the foci apart.  The d_z^2 term is 25 % of D_jj' here.
    """
    rng = np.random.default_rng(8)
    arr = _random_array(rng, kd_min=25, kd_max=45)
    dn = arr.numerical_D()
    h = 1e-4 / K
    ez = np.array([0, 0, h])
    for j in range(arr.n_particles):
        for jp in range(arr.n_particles):
            if j == jp:
                continue
            r = arr.foci[j] - arr.foci[jp]
            d2 = (
                dyadic_green_gradient(r + ez, K)[2]
                - dyadic_green_gradient(r - ez, K)[2]
            ).imag / (2 * h)
            op = arr.kappa**2 * dyadic_green(r, K).imag - d2
            ref = (
                HBAR
                * EPSILON_0
                * arr.volumes[j]
                * arr.volumes[jp]
                * CHI**2
                / 4
                * (arr.amplitudes[jp].conj() @ op @ arr.amplitudes[j])
            )
            # measured relative deviation <= 1.2e-11 (FD of the gradient), margin 8
            assert dn[j, jp] == pytest.approx(ref, rel=1e-10, abs=0)


def test_commutator_relation_and_positivity_random_geometries():
    """C_jj' - C_j'j = 4 Im(D_jj')/hbar: exactly for Eqs. (85)/(87b) and,
    independently, for the finite-difference couplings and the quadrature D of the
    general expressions."""
    rng = np.random.default_rng(2024)
    for _ in range(4):
        arr = _random_array(rng)
        c, d = arr.C, arr.D
        off = ~np.eye(arr.n_particles, dtype=bool)
        # closed forms: measured 3.8e-16 max|C| (rounding), margin 25
        assert np.allclose(
            c - c.T, 4 * d.imag / HBAR * off, rtol=0, atol=1e-14 * np.abs(c).max()
        )
        cn, dn = arr.numerical_C(green="full"), arr.numerical_D()
        # FD truncation of C: measured 2.6e-9 max|C|, margin 4
        assert np.allclose(
            cn - cn.T, 4 * dn.imag / HBAR * off, rtol=0, atol=1e-8 * np.abs(cn).max()
        )
        for mat in (d, dn):
            # Hermitian by construction: measured 4.8e-18 relative, margin 200
            assert np.allclose(
                mat, mat.conj().T, rtol=0, atol=1e-15 * np.abs(mat).max()
            )
            assert np.min(np.linalg.eigvalsh(mat)) > -1e-12 * np.abs(mat).max()


def test_reciprocal_when_in_phase_and_parallel():
    """Equal real amplitudes, same polarisation: C is symmetric and Im D vanishes."""
    arr = LinearArray(
        [[0, 0, 0], [9e-6, 0, 0], [3e-6, 7e-6, 0]],
        E0 * np.array([[0, 1, 0]] * 3),
        [VOL] * 3,
        [MASS] * 3,
        CHI,
        K,
        ZR,
    )
    # measured: exactly symmetric and exactly real (0.0)
    assert np.allclose(arr.C, arr.C.T, rtol=1e-14, atol=0)
    assert np.allclose(arr.D.imag, 0, atol=1e-15 * np.abs(arr.D).max())


def test_validation():
    good = dict(
        foci=[[0, 0, 0], [5e-6, 0, 0]],
        amplitudes=[[E0, 0, 0], [0, E0, 0]],
        volumes=[VOL, VOL],
        masses=[MASS, MASS],
        chi=CHI,
        k=K,
        z_R=ZR,
    )
    assert LinearArray(**good).n_particles == 2
    for key, val, err, msg in [
        ("foci", [[0, 0, 0], [5e-6, 0, 1e-7]], ValueError, "plane z = 0"),
        ("foci", [[0, 0, 0], [1e-7, 0, 0]], ValueError, "overlap"),
        ("amplitudes", [[E0, 0, 1.0], [0, E0, 0]], ValueError, "transverse"),
        ("volumes", [VOL, 0], ValueError, "volumes"),
        ("masses", [MASS, -1], ValueError, "masses"),
        ("masses", [MASS] * 3, ValueError, "masses"),
        ("chi", -1.0, ValueError, "chi"),
        ("chi", 1 + 0.1j, TypeError, "chi"),
        ("z_R", 0.0, ValueError, "z_R"),
        # the Gouy-reduced wave number k - 1/z_R would flip the sign of C
        ("z_R", 0.5 / K, ValueError, "k z_R"),
        ("k", np.nan, ValueError, "k"),
        ("k", True, TypeError, "k"),
    ]:
        with pytest.raises(err, match=msg):
            LinearArray(**{**good, key: val})


def test_to_model():
    arr = _pair(5)
    m = arr.to_model(gamma=10.0, n_th=3.0)
    assert isinstance(m, ArrayModel)
    assert np.array_equal(m.C, arr.C) and np.array_equal(m.D, arr.D)
    assert np.array_equal(m.K, arr.K) and np.array_equal(m.F, arr.F)
    assert m.gamma == 10.0 and m.n_th == 3.0 and np.array_equal(m.omega, arr.omega)
    # the closed forms obey the corrected relation under Eq. (90)
    assert m.is_consistent()
    with pytest.raises(ValueError, match="gamma"):
        arr.to_model(gamma=-1.0)
