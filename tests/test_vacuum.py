"""Physics tests of optbind.vacuum (Sec. IV, App. C of Rudolph et al. 2024)."""
from __future__ import annotations

import numpy as np
import pytest

from optbind import vacuum as vc
from optbind.conventions import BOLTZMANN
from optbind.fields import TweezerField
from optbind.interactions import binding_forces, total_forces

K = 2 * np.pi / 1550e-9


@pytest.mark.parametrize("kr", [0.2, 1.0, 3.0, 20.0])
def test_transverse_kernel_equals_re_g_minus_g0(kr):
    # Eq. (59)+(61)+(62) evaluated in k space vs Eq. (64); quadrature tolerance
    r = np.array([0.3, -0.8, 0.52])
    r *= kr / K / np.linalg.norm(r)
    t = vc.transverse_kernel(r, K)
    c = vc.transverse_kernel_closed_form(r, K)
    assert np.allclose(t, c, rtol=0, atol=1e-9 * np.abs(c).max())
    assert np.allclose(t, t.T)


def test_radial_integral_j0_known_value():
    # P int_0^inf sin x/(x (x^2 - a^2)) dx = pi (cos a - 1)/(2 a^2)
    a = 2.7
    assert vc.lamb_radial_integrals(a)[0] == pytest.approx(np.pi * (np.cos(a) - 1) / (2 * a**2), rel=1e-9)


def _two(sep=9e-6, phase=0.7):
    pol = np.array([np.sin(0.3), np.cos(0.3), 0.0])
    foci = np.array([[0.0, 0.0, 0.0], [sep, 0.0, 0.0]])
    field = TweezerField(foci, np.array([pol * np.exp(1j * phase), pol]) * 1e7, K, 1e-6)
    pos = foci + np.array([[50e-9, -30e-9, 70e-9], [-20e-9, 40e-9, -60e-9]])
    return field, pos, np.full(2, np.pi * (200e-9) ** 3 / 6)


def test_generator_force_equals_classical_force():
    # Ehrenfest theorem for Eq. (72) vs deterministic force of Eq. (C10b)
    field, pos, vols = _two()
    gen = vc.generator_forces(pos, vols, 0.8, field)
    ref = total_forces(pos, vols, 0.8, field)
    assert np.allclose(gen["total"], ref, rtol=0, atol=1e-7 * np.abs(ref).max())


def test_dissipative_part_is_im_g_binding_plus_radiation_pressure():
    # Lindblad term = radiation pressure (single) + Im G part of the binding force
    field, pos, vols = _two(sep=5e-6, phase=1.1)
    gen = vc.generator_forces(pos, vols, 0.8, field)
    alone = np.array([vc.generator_forces(pos[[j]], vols[[j]], 0.8, field)["dissipative"][0]
                      for j in range(2)])
    from optbind.green import dyadic_green, dyadic_green_gradient

    im = binding_forces(pos, vols, 0.8, field,
                        green=lambda r, k: 1j * dyadic_green(r, k).imag,
                        green_gradient=lambda r, k: 1j * dyadic_green_gradient(r, k).imag)
    assert np.allclose(gen["dissipative"] - alone, im, rtol=0, atol=1e-8 * np.abs(im).max())


def test_wavepacket_average_exact_for_quadratics():
    pos = np.array([[1.0, 2.0, 3.0]])
    val = vc.wavepacket_average(lambda p: np.array([p[0, 0] ** 2 + p[0, 1] * p[0, 2]]), pos, 0.5)
    assert val[0] == pytest.approx(1.0 + 0.25 + 6.0)


def test_epstein_damping_formula_and_crossover():
    # gamma = (1 + 8/pi) p/(rho a vbar); crossover balances gamma kT = D/m
    a, rho, t = 100e-9, 1850.0, 295.0
    vbar = vc.mean_speed(t)
    assert vbar == pytest.approx(np.sqrt(8 * BOLTZMANN * t / (np.pi * vc.N2_MASS)))
    assert 450 < vbar < 500  # N2 at room temperature
    g = vc.epstein_damping(1e-5, a, rho, t)   # 1e-7 mbar
    assert g == pytest.approx((1 + 8 / np.pi) * 1e-5 / (rho * a * vbar))
    d, m = 1.7e-41, 7.7e-18
    p = vc.crossover_pressure(d, m, a, rho, t)
    assert vc.epstein_damping(p, a, rho, t) * BOLTZMANN * t == pytest.approx(d / m, rel=1e-12)
    omega = 2 * np.pi * 3e4
    assert vc.gas_phonon_rate(vc.epstein_damping(p, a, rho, t), omega, t) == pytest.approx(
        vc.recoil_phonon_rate(d, m, omega), rel=1e-12)


def test_crossover_pressure_realistic_order_of_magnitude():
    # Paper (Sec. V A): recoil dominates below ~1e-7 mbar for state-of-the-art tweezers.
    from optbind.array import LinearArray
    from optbind.parameters import load

    P = load("rieser2022")
    arr = LinearArray([[0, 0, 0]], [[0, P.field_amplitude, 0]], [P.volume], [P.mass], P.chi, P.k, P.z_R)
    p_mbar = vc.crossover_pressure(arr.D[0, 0].real, P.mass, P.radius, P.density) / 100
    assert 1e-8 < p_mbar < 1e-6


def test_bad_inputs_name_the_parameter():
    with pytest.raises(ValueError, match="pressure"):
        vc.epstein_damping(-1.0, 1e-7, 1850.0)
    with pytest.raises(ValueError, match="x_L"):
        vc.lamb_radial_integrals(0.0)
    with pytest.raises(ValueError, match="sigma"):
        vc.wavepacket_average(lambda p: p, np.zeros((1, 3)), -1.0)
    with pytest.raises(ValueError, match="r must be nonzero"):
        vc.transverse_kernel(np.zeros(3), K)
