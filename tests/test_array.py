"""Linearised array (Eqs. 79, 84-87): closed forms against the general expressions."""
import numpy as np
import pytest

from optbind.array import LinearArray
from optbind.conventions import EPSILON_0, HBAR
from optbind.green import dyadic_green, dyadic_green_gradient

K = 2 * np.pi / 1.55e-6
W = 1.0e-6
ZR = K * W**2 / 2
A = 1e-7
VOL = 4 * np.pi * A**3 / 3
MASS = 1850 * VOL
CHI = 0.797
E0 = 1e7


def _random_array(rng, n=3, kd_min=30.0, kd_max=120.0):
    """Random foci in the plane (pairwise k d >= kd_min), random phases and polarisations."""
    foci = [np.zeros(3)]
    while len(foci) < n:
        c = np.append(rng.uniform(-kd_max, kd_max, 2) / K, 0.0)
        if all(np.linalg.norm(c - f) * K > kd_min for f in foci):
            foci.append(c)
    th = rng.uniform(0, np.pi, n)
    amps = E0 * rng.uniform(0.6, 1.4, n)[:, None] * np.exp(1j * rng.uniform(0, 2 * np.pi, n))[:, None] \
        * np.stack([np.cos(th), np.sin(th), 0 * th], 1)
    vols = VOL * rng.uniform(0.7, 1.3, n)
    return LinearArray(np.array(foci), amps, vols, 1850 * vols, CHI, K, ZR)


def _pair(n_wavelengths, theta=(0.4, 1.1), phi=0.9):
    d = (0.3 + n_wavelengths) * 2 * np.pi / K
    pol = np.array([[np.cos(t), np.sin(t), 0.0] for t in theta])
    amps = E0 * np.array([np.exp(1j * phi), 1.0])[:, None] * pol
    return LinearArray([[0, 0, 0], [d, 0, 0]], amps, [VOL, VOL], [MASS, MASS], CHI, K, ZR)


def _scale(arr):
    """Natural coupling scale eps0 chi^2 V^2 k^2 kappa^2 E0^2/(8 pi d) of Eq. (85)."""
    d = np.linalg.norm(arr.foci[1] - arr.foci[0])
    return EPSILON_0 * CHI**2 * VOL**2 * K**2 * arr.kappa**2 * E0**2 / (8 * np.pi * d)


def test_C_focal_green_agrees_tightly():
    """With the far-field tensor frozen at the foci (the model of Sec. V A) the finite-difference
    couplings of Eq. (C10b) reproduce Eq. (85): the exact envelope has u'(0) = i(k - 1/z_R)."""
    rng = np.random.default_rng(3)
    for _ in range(3):
        arr = _random_array(rng)
        c = arr.C
        # FD step k h = 1e-4: truncation ~1e-9, rounding ~1e-12 relative
        assert np.allclose(arr.numerical_C("focal"), c, rtol=0, atol=1e-7 * np.abs(c).max())


@pytest.mark.parametrize("green,const", [("full", 4.0), ("far", 1.5)])
def test_C_deviation_scales_like_inverse_kd(green, const):
    """Full/far Green tensors and the displacement dependence of G add O(1/(k d)) corrections."""
    devs = []
    kds = []
    for n in (10, 40):
        arr = _pair(n)
        devs.append(np.abs(arr.numerical_C(green) - arr.C).max() / _scale(arr))
        kds.append(K * arr.foci[1, 0])
    # deviation * k d is an O(1) constant (measured ~0.32 full, ~0.048 far for these angles)
    assert all(dv * kd < const for dv, kd in zip(devs, kds))
    assert devs[0] / devs[1] == pytest.approx(kds[1] / kds[0], rel=0.05)


def test_K_F_omega_against_general_expressions():
    arr = _pair(20)
    # the exact envelope adds the intensity curvature: u''(0) = -(kappa^2 + 1/z_R^2)
    assert np.allclose(arr.numerical_K("focal"), arr.K * (1 + 1 / (arr.kappa * ZR) ** 2),
                       rtol=1e-7, atol=1e-9 * np.abs(arr.K).max())
    # F: radiation pressure is exact at the focus, the binding part carries O(1/(kd)) corrections
    f_num, f = arr.numerical_F("full"), arr.F
    kd = K * arr.foci[1, 0]
    assert np.allclose(f_num, f, rtol=0, atol=_scale(arr) / arr.kappa / kd)
    assert np.allclose(arr.numerical_F("focal"), f, rtol=1e-7)
    # omega: curvature of the exact V_L (FD error (h/z_R)^2 = 1e-6)
    assert np.allclose(arr.numerical_omega(), arr.omega, rtol=1e-5)
    single = LinearArray([[0, 0, 0]], [[E0, 0, 0]], VOL, MASS, CHI, K, ZR)
    assert single.numerical_F()[0] == pytest.approx(single.F[0], rel=1e-12)
    assert single.C.shape == (1, 1) and single.K[0] == 0


def test_D_against_quadrature():
    devs, kds = [], []
    for n in (10, 40):
        arr = _pair(n)
        dn, d = arr.numerical_D(), arr.D
        # diagonal (Eq. 87a) is exact for the exact envelope: quadrature/rounding level
        assert np.allclose(np.diag(dn), np.diag(d), rtol=1e-11)
        devs.append(abs(dn[0, 1] - d[0, 1]) / (0.5 * HBAR * _scale(arr)))
        kds.append(K * arr.foci[1, 0])
    # the stationary-phase (far-field) evaluation of Eq. (87b) is accurate to O(1/(kd))
    assert devs[0] / devs[1] == pytest.approx(kds[1] / kds[0], rel=0.05)
    assert devs[0] * kds[0] < 0.5


def test_D_equals_imaginary_green_formula():
    """Exact identity: D_jj' = (hbar eps0 V V' chi^2/4) E_j'^* (kappa^2 - d_z^2) Im G(d_j - d_j') E_j
    (cf. Eq. C11), with d_z^2 Im G by central differences of the analytic gradient."""
    rng = np.random.default_rng(8)
    arr = _random_array(rng, kd_min=15, kd_max=40)
    dn = arr.numerical_D()
    h = 1e-4 / K
    for j in range(arr.N):
        for jp in range(arr.N):
            if j == jp:
                continue
            r = arr.foci[j] - arr.foci[jp]
            ez = np.array([0, 0, h])
            d2 = (dyadic_green_gradient(r + ez, K)[2] - dyadic_green_gradient(r - ez, K)[2]).imag / (2 * h)
            op = arr.kappa**2 * dyadic_green(r, K).imag - d2
            ref = HBAR * EPSILON_0 * arr.volumes[j] * arr.volumes[jp] * CHI**2 / 4 * (
                arr.amplitudes[jp].conj() @ op @ arr.amplitudes[j])
            # FD of the gradient: (k h)^2 = 1e-8 relative
            assert dn[j, jp] == pytest.approx(ref, rel=1e-6, abs=1e-6 * abs(dn[j, j]))


def test_commutator_relation_and_positivity_random_geometries():
    """C_jj' - C_j'j = 4 Im(D_jj')/hbar: exactly for Eqs. (85)/(87b) and, independently,
    for the finite-difference couplings and the quadrature D of the general expressions."""
    rng = np.random.default_rng(2024)
    for _ in range(4):
        arr = _random_array(rng)
        c, d = arr.C, arr.D
        lhs = c - c.T
        assert np.allclose(lhs, 4 * d.imag / HBAR * ~np.eye(arr.N, dtype=bool), rtol=0, atol=1e-12 * np.abs(c).max())
        cn, dn = arr.numerical_C("full"), arr.numerical_D()
        # FD (1e-9) and quadrature (1e-10) errors only
        assert np.allclose(cn - cn.T, 4 * dn.imag / HBAR * ~np.eye(arr.N, dtype=bool), rtol=0,
                           atol=1e-7 * np.abs(cn).max())
        for mat in (d, dn):
            assert np.allclose(mat, mat.conj().T, rtol=0, atol=1e-14 * np.abs(mat).max())
            assert np.min(np.linalg.eigvalsh(mat)) > -1e-12 * np.abs(mat).max()


def test_reciprocal_when_in_phase_and_parallel():
    """Equal real amplitudes, same polarisation: C is symmetric and Im D vanishes."""
    arr = LinearArray([[0, 0, 0], [9e-6, 0, 0], [3e-6, 7e-6, 0]], E0 * np.array([[0, 1, 0]] * 3),
                      [VOL] * 3, [MASS] * 3, CHI, K, ZR)
    assert np.allclose(arr.C, arr.C.T, rtol=1e-14, atol=0)
    assert np.allclose(arr.D.imag, 0, atol=1e-15 * np.abs(arr.D).max())


def test_validation():
    good = dict(foci=[[0, 0, 0], [5e-6, 0, 0]], amplitudes=[[E0, 0, 0], [0, E0, 0]],
                volumes=[VOL, VOL], masses=[MASS, MASS], chi=CHI, k=K, z_R=ZR)
    LinearArray(**good)
    for key, val, msg in [
        ("foci", [[0, 0, 0], [5e-6, 0, 1e-7]], "plane z = 0"),
        ("foci", [[0, 0, 0], [1e-7, 0, 0]], "positions"),
        ("amplitudes", [[E0, 0, 1.0], [0, E0, 0]], "transverse"),
        ("volumes", [VOL, 0], "volumes"),
        ("masses", [MASS, -1], "masses"),
        ("chi", -1.0, "chi"),
        ("z_R", 0.0, "z_R"),
        ("k", np.nan, "k"),
    ]:
        with pytest.raises(ValueError, match=msg):
            LinearArray(**{**good, key: val})


def test_to_model():
    model = pytest.importorskip("optbind.model")
    arr = _pair(5)
    m = arr.to_model(gamma=10.0, n_th=3.0)
    assert isinstance(m, model.ArrayModel)
    assert np.array_equal(m.C, arr.C) and np.array_equal(m.D, arr.D)
    assert m.gamma == 10.0 and m.n_th == 3.0 and np.allclose(m.omega, arr.omega)
    with pytest.raises(ValueError, match="gamma"):
        arr.to_model(gamma=-1.0)
