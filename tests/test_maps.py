"""Physics tests of optbind.maps (sweeps for Sec. V A and V B)."""
import numpy as np
import pytest

from optbind import gaussian as ga
from optbind import maps
from optbind.conventions import HBAR
from optbind.model import ArrayModel
from optbind.parameters import load
from optbind.unidirectional import unidirectional_coupling

P = load("rieser2022")


def test_coupling_map_is_shifted_cosines():
    # Eq. (85) for tweezers polarised orthogonally to the axis: C_12 = P cos(kd - phi),
    # C_21 = P cos(kd + phi); exact up to rounding.
    kd = np.linspace(30.0, 36.0, 7)
    phi = np.linspace(-np.pi, np.pi, 5)
    c12, c21 = maps.coupling_map(kd, phi, P)
    amp = np.array([unidirectional_coupling(d=x / P.k, params=P) for x in kd])
    KD, PH = np.meshgrid(kd, phi)
    assert np.allclose(c12, amp * np.cos(KD - PH), rtol=0, atol=1e-12 * amp.max())
    assert np.allclose(c21, amp * np.cos(KD + PH), rtol=0, atol=1e-12 * amp.max())


def test_unidirectionality_limits():
    assert maps.unidirectionality(1.0, 0.0) == 1.0
    assert maps.unidirectionality(0.0, -2.0) == -1.0
    assert maps.unidirectionality(0.7, 0.7) == 0.0
    assert maps.unidirectionality(0.7, -0.7) == 0.0


def test_closed_form_matches_general_forces_to_order_one_over_kd():
    # near-field terms of the Green tensor are O(1/kd) relative to the far field
    kd = np.array([20.0, 80.0])
    dev = maps.coupling_route_deviation(kd, 0.9, P, green="full")
    assert np.all(dev * kd < 2.0)
    # the far-field tensor frozen at the foci is the model of Eq. (85) itself
    assert np.all(maps.coupling_route_deviation(kd, 0.9, P, green="focal") < 1e-6)


def test_zero_coupling_point_has_maximal_real_cross_diffusion():
    d = maps.zero_coupling_separation(P.k, 5)
    m = maps.pair_model(P.k * d, 0.0, P)
    amp = unidirectional_coupling(d=d, params=P)
    assert np.max(np.abs(m.C)) < 1e-12 * amp
    assert np.isclose(m.D[0, 1], HBAR * amp / 2, rtol=1e-10)


def test_heating_ratio_closed_form_matches_array():
    kd = np.pi / 4 + 2 * np.pi * 6
    m = maps.pair_model(kd, np.pi / 4, P)
    amp = unidirectional_coupling(d=kd / P.k, params=P)
    assert np.isclose(2 * m.D[0, 0].real / (HBAR * amp), maps.heating_to_coupling_ratio(kd, P), rtol=1e-10)


def test_variants_consistency():
    kd, phi = 37.3, 0.6
    assert maps.pair_model(kd, phi, P).is_consistent()
    assert maps.pair_model(kd, phi, P, variant="no_coupling").is_consistent()
    assert not maps.pair_model(kd, phi, P, variant="no_im_cross_noise").is_consistent()
    assert not maps.pair_model(kd, phi, P, variant="no_cross_noise").is_consistent()
    with pytest.raises(ValueError, match="variant"):
        maps.pair_model(kd, phi, P, variant="bogus")
    with pytest.raises(ValueError, match="kd"):
        maps.pair_model(0.1, phi, P)
    with pytest.raises(ValueError, match="gamma"):
        maps.pair_model(kd, phi, P, gamma=-1.0)


def test_commutators_conserved_only_with_im_d():
    kd, phi = 37.3, 0.6
    phys = maps.pair_model(kd, phi, P)
    w = phys.omega_eff[0]
    t = np.linspace(0, 200 / w, 5)
    ok = maps.commutator_history(phys, t)
    assert np.max(np.abs(ok["zp"] - np.eye(2))) < 1e-9
    bad = maps.commutator_history(maps.pair_model(kd, phi, P, variant="no_im_cross_noise"), t)
    assert np.max(np.abs(bad["zp"] - np.eye(2))) > 1e-3
    # short times: [z_1, p_2]/(i hbar) = (C_12 - C_21) t^2/(2 m) (see the arrays chapter)
    ts = np.array([0.0, 0.05 / w])
    b = maps.commutator_history(maps.pair_model(kd, phi, P, variant="no_im_cross_noise"), ts)
    pred = (phys.C[0, 1] - phys.C[1, 0]) * ts[1] ** 2 / (2 * phys.m[0])
    assert np.isclose(b["zp"][1, 0, 1].real, pred, rtol=1e-2)


def test_uncoupled_correlation_equals_recoil_estimate():
    # no coupling: V_12/V_11 = Gamma_12/(Gamma + gamma/2) up to O(gamma/omega)
    gamma = 2 * np.pi * 2e3
    d = maps.zero_coupling_separation(P.k, 6)
    m = maps.pair_model(P.k * d, 0.0, P, gamma, 0.0)
    c = maps.normalized_correlation(ga.steady_state(m))
    G = m.D[0, 0].real / (HBAR * m.m[0] * m.omega_eff[0])
    pred = m.D[0, 1].real / m.D[0, 0].real * G / (G + gamma / 2)
    assert abs(c - pred) < 5 * gamma / m.omega_eff[0] * abs(pred)


def test_langevin_matches_lyapunov_within_error_bars():
    d12 = 0.01 + 1j * (0.1 - 0.02) / 4
    nat = ArrayModel.dimensionless(omega_eff=[1.0, 1.1], C=[[0.0, 0.1], [0.02, 0.0]],
                                   D=[[0.02, d12], [np.conj(d12), 0.025]], gamma=0.3, n_th=0.02)
    V = ga.steady_state(nat).S.real
    period = 2 * np.pi / nat.omega_eff[0]
    Vl, err = maps.langevin_moments(nat, 300, 2000, period / 8, seed=7, burn_steps=160)
    # 10 independent entries; 5 sigma makes a chance failure ~1e-5 (and the seed is fixed)
    assert np.max(np.abs(Vl - V) / err) < 5.0
    with pytest.raises(ValueError, match="n_traj"):
        maps.ou_trajectories(nat, 0, 10, period)


def test_qutip_steady_state_matches_gaussian():
    from optbind import quantum as qm

    d12 = 0.01 + 1j * (0.1 - 0.02) / 4
    nat = ArrayModel.dimensionless(omega_eff=[1.0, 1.1], C=[[0.0, 0.1], [0.02, 0.0]],
                                   D=[[0.02, d12], [np.conj(d12), 0.025]], gamma=0.3, n_th=0.02)
    g = ga.steady_state(nat)
    rho = qm.steady_state(nat, 6)
    q = qm.moments(nat, qm.operators(nat, 6), rho)
    s = ga.moment_equations(nat).scale
    n = np.outer(s, s)
    # ~0.1 phonons: Fock truncation at 6 leaves a relative error ~1e-4
    assert np.max(np.abs(q.S / n - g.S / n)) < 5e-4 * np.max(np.abs(g.S / n))


def test_no_entanglement_for_optical_binding():
    en = maps.negativity_map([37.0, 38.5], [0.0, np.pi / 4], P, 2 * np.pi * 5e3)
    assert np.all(en["E_N"] == 0.0)
    assert np.all(en["nu_state"] >= 0.5)


def test_benchmark_pair_entangles_only_at_weak_heating():
    r = maps.max_negativity_over_damping(0.05, [0.1, 30.0], np.logspace(-2, 0, 8))
    assert r[0] > 0.0 and r[1] == 0.0


def test_partial_transpose_margin_two_mode_squeezed_state():
    # two-mode squeezed vacuum: E_N = 2 r and margin = -2 r
    m = ArrayModel.dimensionless(omega_eff=1.0, C=np.zeros((2, 2)), D=np.eye(2) * 0.1, gamma=0.1)
    r = 0.4
    ch, sh = np.cosh(2 * r) / 2, np.sinh(2 * r) / 2
    V = np.array([[ch, sh, 0, 0], [sh, ch, 0, 0], [0, 0, ch, -sh], [0, 0, -sh, ch]])
    s = ga.moment_equations(m).scale
    S = (V + 0.5j * np.block([[np.zeros((2, 2)), np.eye(2)], [-np.eye(2), np.zeros((2, 2))]])) * np.outer(s, s)
    mom = ga.GaussianMoments(np.zeros(4), S)
    margin, nu = maps.partial_transpose_margin(m, mom)
    assert np.isclose(margin, -2 * r) and np.isclose(nu, 0.5)
    assert np.isclose(ga.log_negativity(m, mom, 0, 1), 2 * r)
