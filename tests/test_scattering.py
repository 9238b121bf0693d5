"""Photon scattering: Lindblad amplitudes (Eq. 76), rates, recoil diffusion and
Ehrenfest forces.

optbind.forces.scattering.  Expected values come from independent routes: the
Rayleigh cross-section, the angular identity
Im G = k^3/(16 pi^2) int (1 - nn) e^{ikn.r},
finite differences, converged quadratures and the deterministic forces of Eq. (C10b).
Tolerances are the measured error times a stated margin (comments give both).
"""

import numpy as np
import pytest

from optbind.conventions import EPSILON_0, HBAR, SPEED_OF_LIGHT
from optbind.fields import TweezerField, plane_wave
from optbind.forces.dipoles import (
    binding_forces,
    gradient_forces,
    radiation_pressure_forces,
    total_forces,
)
from optbind.forces.scattering import (
    amplitude_derivatives,
    diffusion_matrix,
    generator_forces,
    quadrature_order,
    scattering_amplitudes,
    scattering_rate,
    wavepacket_average,
)
from optbind.green import dyadic_green, sphere_quadrature
from optbind.numerics import central_difference

K = 2 * np.pi / 1.55e-6
W = 1.0e-6
A = 1e-7
VOL = 4 * np.pi * A**3 / 3
CHI = 0.797


def _three_tweezers():
    foci = np.array([[0, 0, 0], [5.3e-6, 0.4e-6, 0], [1.1e-6, 6.2e-6, 0]])
    amps = 1e7 * np.array([[1, 0.2j, 0], [0.3 * np.exp(1j), 0.9, 0], [0.6, -0.5, 0]])
    fld = TweezerField(foci, amps, K, W)
    pos = (
        foci
        + np.array([[0.1, -0.05, 0.2], [-0.08, 0.03, -0.1], [0.02, 0.07, 0.05]]) * 1e-6
    )
    chi = np.array(
        [np.diag([0.7, 0.8, 0.9]), CHI * np.eye(3), np.diag([0.75, 0.75, 0.85])]
    )
    vols = VOL * np.array([1.0, 0.9, 1.2])
    return pos, vols, chi, fld


def _two_tweezers(sep=9e-6, phase=0.7):
    pol = np.array([np.sin(0.3), np.cos(0.3), 0.0])
    foci = np.array([[0.0, 0.0, 0.0], [sep, 0.0, 0.0]])
    field = TweezerField(foci, np.array([pol * np.exp(1j * phase), pol]) * 1e7, K, 1e-6)
    pos = foci + np.array([[50e-9, -30e-9, 70e-9], [-20e-9, 40e-9, -60e-9]])
    return field, pos, np.full(2, np.pi * (200e-9) ** 3 / 6)


def test_plane_wave_radiation_pressure_and_scattering_rate():
    """Single sphere in a plane wave: F = sigma I / c and rate = sigma I/(hbar omega).

    sigma = k^4 alpha^2/(6 pi eps0^2) is the Rayleigh cross-section (independent
    textbook
    route); the force is hbar k per scattered photon.
    """
    e0 = 1e7
    pw = plane_wave([e0, 0, 0], [0, 0, K])
    sigma = K**4 * (VOL * CHI) ** 2 / (6 * np.pi)
    intensity = 0.5 * SPEED_OF_LIGHT * EPSILON_0 * e0**2
    f = radiation_pressure_forces([[0, 0, 0]], VOL, CHI, pw)[0]
    # measured relative deviation 5.4e-16; margin 5.6
    assert f[2] == pytest.approx(sigma * intensity / SPEED_OF_LIGHT, rel=3e-15, abs=0)
    assert np.all(f[:2] == 0)
    # amplitudes are polynomials of degree 2 in n: a low-order rule is exact
    rate = scattering_rate([[0, 0, 0]], VOL, CHI, pw, quadrature=8)
    # measured relative deviation 7.6e-16; margin 5.3
    assert rate == pytest.approx(
        sigma * intensity / (HBAR * SPEED_OF_LIGHT * K), rel=4e-15, abs=0
    )
    # the gradient force vanishes in a plane wave (|E| uniform)
    assert np.all(gradient_forces([[0, 0, 0]], VOL, CHI, pw) == 0)


def test_two_particle_scattering_rate_interference():
    """sum_s int |L|^2 = c^2 sum_jj' p_j'^* (16 pi^2/k^3) Im G(r_j - r_j') p_j (angular
    identity)."""
    pos = np.array([[0, 0, 0], [2.3e-6, -0.7e-6, 0.4e-6]])
    pw = plane_wave([0.3e7, 1e7j, 0], [0, 0, K])
    p = CHI * VOL * pw.field(pos)
    c2 = EPSILON_0 * K**3 / (2 * HBAR) / (4 * np.pi) ** 2
    img = np.array(
        [
            [
                K**3 / (6 * np.pi) * np.eye(3)
                if i == j
                else dyadic_green(pos[i] - pos[j], K).imag
                for j in range(2)
            ]
            for i in range(2)
        ]
    )
    ref = (
        c2 * 16 * np.pi**2 / K**3 * np.real(np.einsum("kb,jkbc,jc->", p.conj(), img, p))
    )
    rate = scattering_rate(pos, VOL, CHI, pw)
    # default quadrature (quadrature_order) for k R ~ 10: measured 6.9e-16; old
    # tolerance 1e-10; margin 5.8
    assert rate == pytest.approx(ref, rel=4e-15, abs=0)


def test_amplitudes_single_particle_structure():
    """L_ns of one particle at the origin is t_s . (V chi E) times the Eq. (76)
    prefactor."""
    pw = plane_wave([1e7, 0, 0], [0, 0, K])
    nodes = np.array([[0, 0, 1.0], [1.0, 0, 0], [0, 1.0, 0]])
    amp = scattering_amplitudes([[0, 0, 0]], VOL, CHI, pw, nodes)
    pref = np.sqrt(EPSILON_0 * K**3 / (2 * HBAR)) * VOL * CHI / (4 * np.pi) * 1e7
    # along x (parallel to the dipole) nothing is scattered; along z and y the full
    # amplitude (measured 0, and 2.1e-16 relative; margin 4.8)
    assert np.all(np.abs(amp[1]) < 1e-15 * pref)
    assert np.linalg.norm(amp[0]) == pytest.approx(pref, rel=1e-15, abs=0)
    assert np.linalg.norm(amp[2]) == pytest.approx(pref, rel=1e-15, abs=0)


@pytest.mark.parametrize("axis", [0, 1, 2])
def test_amplitude_derivatives_match_finite_differences(axis):
    pos, vols, chi, fld = _three_tweezers()
    nodes, _ = sphere_quadrature(6)
    an = amplitude_derivatives(pos, vols, chi, fld, nodes, axis=axis)  # (M, 2, N)
    h = 1e-5 / K
    for j in range(3):

        def amp(x, j=j):
            p = pos.copy()
            p[j, axis] = x[0]
            return scattering_amplitudes(p, vols, chi, fld, nodes)

        fd = central_difference(amp, np.array([pos[j, axis]]), h)[0]
        # measured 3.4e-11 .. 2.8e-10 of max|dL| (FD truncation (kh)^2/6 and rounding
        # of the large focus phases); margin 3.5
        assert np.allclose(an[..., j], fd, rtol=0, atol=1e-9 * np.abs(an).max())


def test_quadrature_convergence_of_diffusion_matrix():
    pos, vols, chi, fld = _three_tweezers()  # k R = 29
    orders = (15, 20, 25, 30, 40)
    ref = diffusion_matrix(pos, vols, chi, fld, quadrature=(60, 120))
    scale = np.abs(ref).max()
    errs = [
        np.abs(diffusion_matrix(pos, vols, chi, fld, quadrature=(n, 2 * n)) - ref).max()
        / scale
        for n in orders
    ]
    # spectral convergence once n_theta > k R / 2 ~ 14: measured 2.3e-2, 4.8e-5, 4.1e-9,
    # 2.5e-14, 5.9e-15 -- each step of 5 gains > 100x until rounding
    assert all(b < 1e-2 * a for a, b in zip(errs[:3], errs[1:4]))
    assert errs[3] < 1e-13  # measured 2.5e-14; margin 4
    # the default order (40 here) and a Lebedev rule agree with the converged product
    # rule
    auto = diffusion_matrix(pos, vols, chi, fld)
    lebedev = diffusion_matrix(
        pos, vols, chi, fld, quadrature=sphere_quadrature(65, rule="lebedev")
    )
    # measured 5.9e-15 (default) and 1.5e-14 (Lebedev 65) of max|D|; margins 5 and 3.3
    assert np.allclose(auto, ref, rtol=0, atol=3e-14 * scale)
    assert np.allclose(lebedev, ref, rtol=0, atol=5e-14 * scale)
    # Hermitian (measured 3e-18 of max|D|) and positive definite here (smallest
    # eigenvalue 0.91 max|D|)
    assert np.allclose(ref, ref.conj().T, rtol=0, atol=3e-17 * scale)
    assert np.min(np.linalg.eigvalsh(ref)) > 0


@pytest.mark.parametrize("kr", [20.0, 200.0])
def test_default_quadrature_order_is_converged(kr):
    """quadrature_order resolves e^{-ik n.R}: a 1.5x higher order changes nothing."""
    pos = np.array([[0.0, 0.0, 0.0], [kr / K, 0.3 / K, 0.0]])
    fld = TweezerField(pos, np.array([[1e7, 0, 0], [0.3e7, 1e7j, 0]]), K, W)
    n_theta, n_phi = quadrature_order(pos, K)
    assert n_phi == 2 * n_theta and n_theta > kr / 2
    d = diffusion_matrix(pos, VOL, CHI, fld)
    d_ref = diffusion_matrix(pos, VOL, CHI, fld, quadrature=int(1.5 * n_theta) + 10)
    # design target 1e-10 (quadrature_order docstring); measured 1.1e-14 (kR = 20) and
    # 5.6e-14 (kR = 200); margin 5.4
    assert np.abs(d - d_ref).max() < 3e-13 * np.abs(d_ref).max()
    orders = [quadrature_order(pos * s, K)[0] for s in (0.0, 1.0, 10.0)]
    assert orders == sorted(orders)


def test_generator_force_equals_classical_force():
    """Ehrenfest theorem for Eq. (72) vs the deterministic force of Eq. (C10b)."""
    field, pos, vols = _two_tweezers()
    gen = generator_forces(pos, vols, 0.8, field)
    ref = total_forces(pos, vols, 0.8, field)
    # the conservative part is a central difference with k h = 1e-4: measured 1.2e-9 of
    # max|F|; old tolerance 1e-7; margin 4.2
    assert np.allclose(gen["total"], ref, rtol=0, atol=5e-9 * np.abs(ref).max())


def test_dissipative_part_is_im_g_binding_plus_radiation_pressure():
    """The Lindblad term = radiation pressure (single) + Im G part of the binding
    force."""
    field, pos, vols = _two_tweezers(sep=5e-6, phase=1.1)
    gen = generator_forces(pos, vols, 0.8, field)
    im_binding = binding_forces(pos, vols, 0.8, field, green="full") - binding_forces(
        pos, vols, 0.8, field, green="real"
    )
    single = radiation_pressure_forces(pos, vols, 0.8, field)
    # no finite differences here (angular quadrature only): measured 3.4e-15 of
    # max|single|; margin 6
    assert np.allclose(
        gen["dissipative"],
        im_binding + single,
        rtol=0,
        atol=2e-14 * np.abs(single).max(),
    )
    # each particle alone: its radiation pressure (measured 2.4e-15; margin 4)
    alone = np.array(
        [
            generator_forces(pos[[j]], vols[[j]], 0.8, field)["dissipative"][0]
            for j in range(2)
        ]
    )
    assert np.allclose(alone, single, rtol=0, atol=1e-14 * np.abs(single).max())
    # the interference part (3% of the total here) on its own: measured 2.2e-13 of
    # max|Im G binding| (rounding of the subtraction); old tolerance 1e-8; margin 4.6
    assert np.allclose(
        gen["dissipative"] - alone,
        im_binding,
        rtol=0,
        atol=1e-12 * np.abs(im_binding).max(),
    )


def test_wavepacket_average_degree():
    """Two-point Gauss-Hermite: exact to degree 3; for x^4 it misses 2 sigma^4."""
    pos = np.array([[1.0, 2.0, 3.0]])
    s = 0.5
    val = wavepacket_average(
        lambda p: np.array(
            [
                p[0, 0] ** 2 + p[0, 1] * p[0, 2],
                p[0, 0] ** 3 + p[0, 1] ** 2 * p[0, 2],
                p[0, 0] ** 4,
            ]
        ),
        pos,
        s,
    )
    # Gaussian moments: <x^2> = mu^2 + s^2, <x^3> = mu^3 + 3 mu s^2, <x^4> = mu^4 + 6
    # mu^2 s^2 + 3 s^4; measured deviations 0, 0 and exactly -2 s^4 (rounding 1e-16)
    assert val[0] == pytest.approx(1.0 + s**2 + 6.0, rel=1e-15, abs=0)
    assert val[1] == pytest.approx(
        1.0 + 3 * s**2 + (4.0 + s**2) * 3.0, rel=1e-15, abs=0
    )
    assert val[2] == pytest.approx(
        1.0 + 6 * s**2 + 3 * s**4 - 2 * s**4, rel=1e-15, abs=0
    )


def test_validation():
    pw = plane_wave([1e7, 0, 0], [0, 0, K])
    with pytest.raises(ValueError, match="directions"):
        scattering_amplitudes([[0, 0, 0]], VOL, CHI, pw, [[0, 0, 2.0]])
    with pytest.raises(ValueError, match="axis"):
        amplitude_derivatives([[0, 0, 0]], VOL, CHI, pw, [[0, 0, 1.0]], axis=3)
    with pytest.raises(TypeError, match="quadrature"):
        scattering_rate([[0, 0, 0]], VOL, CHI, pw, quadrature=2.5)
    with pytest.raises(ValueError, match="sigma"):
        wavepacket_average(lambda p: p, np.zeros((1, 3)), -1.0)
    with pytest.raises(ValueError, match="step"):
        generator_forces([[0, 0, 0]], VOL, CHI, pw, step=0.0)
