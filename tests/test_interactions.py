"""Tests of the general (non-linearised) interactions: Eqs. (73), (75), (76), (C10b)."""
import numpy as np
import pytest

from optbind.conventions import EPSILON_0, HBAR, SPEED_OF_LIGHT
from optbind.fields import TweezerField
from optbind.green import dyadic_green, sphere_quadrature
from optbind.interactions import (
    binding_forces,
    binding_pair_energy,
    binding_potential,
    check_particles,
    diffusion_matrix,
    gradient_forces,
    optical_potential,
    radiation_pressure_forces,
    scattering_amplitudes,
    scattering_rate,
    total_forces,
)

K = 2 * np.pi / 1.55e-6
W = 1.0e-6
A = 1e-7
VOL = 4 * np.pi * A**3 / 3
CHI = 0.797


class PlaneWave:
    """E0 e^{i k z} (independent, minimal field object for tests)."""

    def __init__(self, e0, k=K):
        self.e0 = np.asarray(e0, dtype=complex)
        self.k = k

    def field(self, r):
        r = np.asarray(r, dtype=float)
        return np.exp(1j * self.k * r[..., 2])[..., None] * self.e0

    def gradient(self, r):
        r = np.asarray(r, dtype=float)
        out = np.zeros(r.shape[:-1] + (3, 3), dtype=complex)
        out[..., 2, :] = 1j * self.k * self.field(r)
        return out


def _setup():
    foci = np.array([[0, 0, 0], [5.3e-6, 0.4e-6, 0], [1.1e-6, 6.2e-6, 0]])
    amps = 1e7 * np.array([[1, 0.2j, 0], [0.3 * np.exp(1j), 0.9, 0], [0.6, -0.5, 0]])
    fld = TweezerField(foci, amps, K, W)
    pos = foci + np.array([[0.1, -0.05, 0.2], [-0.08, 0.03, -0.1], [0.02, 0.07, 0.05]]) * 1e-6
    chi = np.array([np.diag([0.7, 0.8, 0.9]), CHI * np.eye(3), np.diag([0.75, 0.75, 0.85])])
    vols = VOL * np.array([1.0, 0.9, 1.2])
    return pos, vols, chi, fld


def test_binding_force_is_gradient_of_pair_term_with_partner_frozen():
    pos, vols, chi, fld = _setup()
    f = binding_forces(pos, vols, chi, fld)
    h = 1e-5 / K
    for j in range(3):
        for a in range(3):
            fd = 0.0
            for jp in range(3):
                if jp == j:
                    continue
                pp, pm = pos.copy(), pos.copy()
                pp[j, a] += h
                pm[j, a] -= h
                fd += (binding_pair_energy(pp, vols, chi, fld, j, jp)
                       - binding_pair_energy(pm, vols, chi, fld, j, jp)) / (2 * h)
            # central differences with k h = 1e-5: relative error ~1e-10, rounding ~1e-11
            assert fd == pytest.approx(f[j, a], rel=1e-6, abs=1e-8 * np.abs(f).max())


def test_gradient_force_is_minus_grad_optical_potential():
    pos, vols, chi, fld = _setup()
    f = gradient_forces(pos, vols, chi, fld)
    h = 1e-5 / K
    for j in range(3):
        for a in range(3):
            pp, pm = pos.copy(), pos.copy()
            pp[j, a] += h
            pm[j, a] -= h
            fd = -(optical_potential(pp, vols, chi, fld) - optical_potential(pm, vols, chi, fld)) / (2 * h)
            assert fd == pytest.approx(f[j, a], rel=1e-6, abs=1e-8 * np.abs(f).max())


def test_plane_wave_radiation_pressure_and_scattering_rate():
    """Single sphere in a plane wave: F = sigma I / c and rate = sigma I/(hbar omega).

    sigma = k^4 alpha^2/(6 pi eps0^2) is the Rayleigh cross-section (independent textbook route).
    """
    e0 = 1e7
    pw = PlaneWave([e0, 0, 0])
    sigma = K**4 * (VOL * CHI) ** 2 / (6 * np.pi)
    intensity = 0.5 * SPEED_OF_LIGHT * EPSILON_0 * e0**2
    f = radiation_pressure_forces([[0, 0, 0]], VOL, CHI, pw)[0]
    assert f[2] == pytest.approx(sigma * intensity / SPEED_OF_LIGHT, rel=1e-13)
    assert np.allclose(f[:2], 0)
    # amplitudes are polynomials of degree 2 in n: a low-order rule is exact
    rate = scattering_rate([[0, 0, 0]], VOL, CHI, pw, quadrature=8)
    assert rate == pytest.approx(sigma * intensity / (HBAR * SPEED_OF_LIGHT * K), rel=1e-13)
    # the gradient force vanishes in a plane wave
    assert np.allclose(gradient_forces([[0, 0, 0]], VOL, CHI, pw), 0)


def test_two_particle_scattering_rate_interference():
    """sum_s int |L|^2 = c^2 sum_jj' p_j'^* (16 pi^2/k^3) Im G(r_j - r_j') p_j (angular identity)."""
    pos = np.array([[0, 0, 0], [2.3e-6, -0.7e-6, 0.4e-6]])
    pw = PlaneWave([0.3e7, 1e7j, 0])
    p = CHI * VOL * pw.field(pos)
    c2 = EPSILON_0 * K**3 / (2 * HBAR) / (4 * np.pi) ** 2
    img = np.array([[K**3 / (6 * np.pi) * np.eye(3) if i == j else dyadic_green(pos[i] - pos[j], K).imag
                     for j in range(2)] for i in range(2)])
    ref = c2 * 16 * np.pi**2 / K**3 * np.real(np.einsum("kb,jkbc,jc->", p.conj(), img, p))
    rate = scattering_rate(pos, VOL, CHI, pw)
    # default quadrature resolves k R ~ 10 to ~1e-12
    assert rate == pytest.approx(ref, rel=1e-10)


def test_quadrature_convergence_of_diffusion_matrix():
    pos, vols, chi, fld = _setup()
    mats = [diffusion_matrix(pos, vols, chi, fld, quadrature=(n, 2 * n)) for n in (20, 30, 40, 60)]
    diffs = [np.abs(mats[i + 1] - mats[i]).max() / np.abs(mats[-1]).max() for i in range(3)]
    # spectral convergence once n_theta > k R / 2 ~ 14: differences fall by orders of magnitude
    assert diffs[0] > diffs[1] > diffs[2] or diffs[2] < 1e-13
    assert diffs[2] < 1e-12
    lebedev = diffusion_matrix(pos, vols, chi, fld, quadrature=sphere_quadrature(65, rule="lebedev"))
    assert np.allclose(lebedev, mats[-1], rtol=0, atol=1e-10 * np.abs(mats[-1]).max())
    d = mats[-1]
    assert np.allclose(d, d.conj().T, rtol=0, atol=1e-14 * np.abs(d).max())
    assert np.min(np.linalg.eigvalsh(d)) > -1e-12 * np.abs(d).max()


def test_in_plane_binding_is_conservative_for_uniform_illumination():
    """Plane wave along z, particles in the xy plane: E_L is the same at every particle,
    so the in-plane binding forces are -grad V_opt (Eq. 75) and obey action = reaction."""
    pos = np.array([[0, 0, 0], [3.3e-6, 1.2e-6, 0]])
    pw = PlaneWave([1e7, 0.4e7, 0])
    f = binding_forces(pos, VOL, CHI, pw)
    assert np.allclose(f[0, :2], -f[1, :2], rtol=1e-12, atol=0)
    h = 1e-5 / K
    for a in range(2):
        pp, pm = pos.copy(), pos.copy()
        pp[0, a] += h
        pm[0, a] -= h
        fd = -(binding_potential(pp, VOL, CHI, pw) - binding_potential(pm, VOL, CHI, pw)) / (2 * h)
        assert fd == pytest.approx(f[0, a], rel=1e-6)


def test_axial_binding_forces_are_nonreciprocal_with_phase():
    """With a relative tweezer phase the axial forces violate Newton's third law."""
    foci = np.array([[0, 0, 0], [(np.pi / 4 + 2 * np.pi * 4) / K, 0, 0]])
    amps = 1e7 * np.array([[0, np.exp(1j * np.pi / 4), 0], [0, 1, 0]])
    fld = TweezerField(foci, amps, K, W)
    f = binding_forces(foci, VOL, CHI, fld)
    assert abs(f[0, 2] + f[1, 2]) > 0.1 * np.abs(f[:, 2]).max()
    tot = total_forces(foci, VOL, CHI, fld)
    assert np.allclose(tot, f + radiation_pressure_forces(foci, VOL, CHI, fld) + gradient_forces(foci, VOL, CHI, fld))


def test_amplitudes_single_particle_structure():
    """L_ns of one particle at the origin is t_s . (V chi E) times the Eq. (76) prefactor."""
    pw = PlaneWave([1e7, 0, 0])
    nodes = np.array([[0, 0, 1.0], [1.0, 0, 0], [0, 1.0, 0]])
    amp = scattering_amplitudes([[0, 0, 0]], VOL, CHI, pw, nodes)
    pref = np.sqrt(EPSILON_0 * K**3 / (2 * HBAR)) * VOL * CHI / (4 * np.pi) * 1e7
    # along x (parallel to the dipole) nothing is scattered; along z and y the full amplitude
    assert np.allclose(np.abs(amp[1]), 0, atol=1e-12 * pref)
    assert np.linalg.norm(amp[0]) == pytest.approx(pref, rel=1e-14)
    assert np.linalg.norm(amp[2]) == pytest.approx(pref, rel=1e-14)


def test_validation():
    with pytest.raises(ValueError, match="positions"):
        check_particles([[0, 0, 0], [0, 0, 0]], VOL, CHI)  # coincident
    with pytest.raises(ValueError, match="positions"):
        check_particles([[0, 0, 0], [1.5 * A, 0, 0]], VOL, CHI)  # overlapping
    with pytest.raises(ValueError, match="volumes"):
        check_particles([[0, 0, 0]], -VOL, CHI)
    with pytest.raises(ValueError, match="chi"):
        check_particles([[0, 0, 0]], VOL, -0.5)
    with pytest.raises(ValueError, match="chi"):
        check_particles([[0, 0, 0]], VOL, np.array([[1, 2, 0], [0, 1, 0], [0, 0, 1.0]]))
    with pytest.raises(ValueError, match="positions"):
        check_particles([[0, np.inf, 0]], VOL, CHI)
