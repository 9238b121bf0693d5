"""Physics tests of optbind.analysis.maps (sweeps for Sec. V A and V B)."""

import numpy as np
import pytest

from optbind import gaussian as ga
from optbind import langevin
from optbind.analysis import maps
from optbind.conventions import HBAR
from optbind.linear.chain import onsite_diffusion_ratio
from optbind.linear.pair import unidirectional_coupling
from optbind.model import ArrayModel
from optbind.parameters import load

P = load("rieser2022")


def test_coupling_map_is_shifted_cosines():
    # Eq. (85) for tweezers polarised orthogonally to the axis: C_12 = P cos(kd - phi),
    # C_21 = P cos(kd + phi); exact up to rounding (measured 4.8e-15, margin 10).
    kd = np.linspace(30.0, 36.0, 7)
    phi = np.linspace(-np.pi, np.pi, 5)
    c12, c21 = maps.coupling_map(kd, phi, params=P)
    amp = np.array([unidirectional_coupling(d=x / P.k, params=P) for x in kd])
    KD, PH = np.meshgrid(kd, phi)
    assert np.allclose(c12, amp * np.cos(KD - PH), rtol=0, atol=5e-14 * amp.max())
    assert np.allclose(c21, amp * np.cos(KD + PH), rtol=0, atol=5e-14 * amp.max())


def test_unidirectionality_limits():
    assert maps.unidirectionality(1.0, 0.0) == 1.0
    assert maps.unidirectionality(0.0, -2.0) == -1.0
    assert maps.unidirectionality(0.7, 0.7) == 0.0
    assert maps.unidirectionality(0.7, -0.7) == 0.0
    # monotonic in the ratio: U = (1 - |r|)/(1 + |r|)
    assert maps.unidirectionality(2.0, 0.5) == pytest.approx(0.6, rel=1e-15, abs=0)


def test_closed_form_matches_general_forces_to_order_one_over_kd():
    # near-field terms of the Green tensor are O(1/kd) relative to the far field:
    # measured deviation * k d = 0.218 (kd = 20), 0.194 (kd = 80); bound 1.15 x
    kd = np.array([20.0, 80.0])
    dev = maps.coupling_route_deviation(kd, 0.9, params=P, green="full")
    assert np.all(dev * kd < 0.25), dev * kd
    # the far-field tensor frozen at the foci is the model of Eq. (85) itself:
    # FD truncation only, measured 1.2e-9, margin 2.5
    assert np.all(
        maps.coupling_route_deviation(kd, 0.9, params=P, green="focal") < 3e-9
    )


def test_zero_coupling_point_has_maximal_real_cross_diffusion():
    d = maps.zero_coupling_separation(P.k, 5)
    m = maps.pair_model(P.k * d, 0.0, params=P)
    amp = unidirectional_coupling(d=d, params=P)
    # cos(pi/2 + 2 pi n) = 0 up to the rounding of k d: measured 4.9e-16, margin 20
    assert np.max(np.abs(m.C)) < 1e-14 * amp
    # D_12 = (hbar P/2) sin(kd) e^{i phi} = hbar P/2: measured 1.1e-16, margin 100
    assert m.D[0, 1] == pytest.approx(HBAR * amp / 2, rel=1e-14, abs=0)


def test_heating_ratio_closed_form_matches_array():
    """chain.onsite_diffusion_ratio, D_jj/(hbar m omega0 g), equals the array's
    Eq. (87a) over Eq. (92)."""
    kd = np.pi / 4 + 2 * np.pi * 6
    m = maps.pair_model(kd, np.pi / 4, params=P)
    amp = unidirectional_coupling(d=kd / P.k, params=P)
    # measured: equal to the last bit (0.0); margin for other BLAS 1e-14
    assert 2 * m.D[0, 0].real / (HBAR * amp) == pytest.approx(
        onsite_diffusion_ratio(kd, P.k * P.z_R), rel=1e-14, abs=0
    )


def test_variants_consistency():
    kd, phi = 37.3, 0.6
    assert maps.pair_model(kd, phi, params=P).is_consistent()
    assert maps.pair_model(kd, phi, params=P, variant="no_coupling").is_consistent()
    assert not maps.pair_model(
        kd, phi, params=P, variant="no_im_cross_noise"
    ).is_consistent()
    assert not maps.pair_model(
        kd, phi, params=P, variant="no_cross_noise"
    ).is_consistent()
    with pytest.raises(ValueError, match="variant"):
        maps.pair_model(kd, phi, params=P, variant="bogus")
    with pytest.raises(ValueError, match="kd"):
        maps.pair_model(0.1, phi, params=P)
    with pytest.raises(ValueError, match="gamma"):
        maps.pair_model(kd, phi, params=P, gamma=-1.0)


def test_commutators_conserved_only_with_im_d():
    kd, phi = 37.3, 0.6
    phys = maps.pair_model(kd, phi, params=P)
    w = phys.omega_eff[0]
    t = np.linspace(0, 200 / w, 5)
    ok = maps.commutator_history(phys, t)
    # exact propagation over 200 radians: measured 9.1e-15, margin 100
    assert np.max(np.abs(ok["zp"] - np.eye(2))) < 1e-12
    bad = maps.commutator_history(
        maps.pair_model(kd, phi, params=P, variant="no_im_cross_noise"), t
    )
    # violated at O(1): measured 0.71
    assert np.max(np.abs(bad["zp"] - np.eye(2))) > 0.3
    # short times: [z_1, p_2]/(i hbar) = (C_12 - C_21) t^2/(2 m) (arrays chapter);
    # the next order is -(omega t)^2/3 = -8.3e-4 relative at omega t = 0.05, measured
    # -8.4e-4: rtol 2e-3 (margin 2.4)
    ts = np.array([0.0, 0.05 / w])
    b = maps.commutator_history(
        maps.pair_model(kd, phi, params=P, variant="no_im_cross_noise"), ts
    )
    pred = (phys.C[0, 1] - phys.C[1, 0]) * ts[1] ** 2 / (2 * phys.masses[0])
    assert b["zp"][1, 0, 1].real == pytest.approx(pred, rel=2e-3, abs=0)


def test_uncoupled_correlation_equals_recoil_estimate():
    # no coupling: V_12/V_11 = Gamma_12/(Gamma + gamma/2) up to O(gamma/omega) = 0.059;
    # the measured relative deviation is 5.2e-5: bound 1e-4 (margin 1.9)
    gamma = 2 * np.pi * 2e3
    d = maps.zero_coupling_separation(P.k, 6)
    m = maps.pair_model(P.k * d, 0.0, params=P, gamma=gamma, n_th=0.0)
    c = maps.normalized_correlation(ga.steady_state(m))
    G = m.D[0, 0].real / (HBAR * m.masses[0] * m.omega_eff[0])
    pred = m.D[0, 1].real / m.D[0, 0].real * G / (G + gamma / 2)
    assert c == pytest.approx(pred, rel=1e-4, abs=0)


def test_langevin_matches_lyapunov_within_error_bars():
    d12 = 0.01 + 1j * (0.1 - 0.02) / 4
    nat = ArrayModel.dimensionless(
        omega_eff=[1.0, 1.1],
        C=[[0.0, 0.1], [0.02, 0.0]],
        D=[[0.02, d12], [np.conj(d12), 0.025]],
        gamma=0.3,
        n_th=0.02,
    )
    V = ga.steady_state(nat).S.real
    period = 2 * np.pi / nat.omega_eff[0]
    Vl, err = langevin.stationary_covariance(
        nat, n_traj=300, n_steps=2000, dt=period / 8, seed=7, burn_steps=160
    )
    # z-scores against the standard error of the mean over 300 independent
    # trajectories (measured max |z| = 2.6 of 10 entries); 5 sigma makes a chance
    # failure ~1e-5 for any seed
    assert np.max(np.abs(Vl - V) / err) < 5.0
    with pytest.raises(ValueError, match="n_traj"):
        langevin.simulate(nat, [0.0, period], n_traj=0)


def test_qutip_steady_state_matches_gaussian():
    from optbind import quantum as qm

    d12 = 0.01 + 1j * (0.1 - 0.02) / 4
    nat = ArrayModel.dimensionless(
        omega_eff=[1.0, 1.1],
        C=[[0.0, 0.1], [0.02, 0.0]],
        D=[[0.02, d12], [np.conj(d12), 0.025]],
        gamma=0.3,
        n_th=0.02,
    )
    g = ga.steady_state(nat)
    rho = qm.steady_state(nat, n_max=6)
    q = qm.moments(nat, qm.operators(nat, n_max=6), rho)
    s = ga.moment_equations(nat).scale
    n = np.outer(s, s)
    # ~0.1 phonons: the Fock truncation error falls ~7x per level (3.6e-3, 5.3e-4,
    # 7.6e-5, 1.1e-5 at n_max = 4..7); measured 7.6e-5 at n_max = 6, margin 2
    assert np.max(np.abs(q.S / n - g.S / n)) < 1.5e-4 * np.max(np.abs(g.S / n))


def _two_mode_invariants(model, moments):
    """Smallest symplectic eigenvalues of the state and of its partial transpose from
    the local symplectic invariants (det A, det B, det C, det V), vacuum = 1/2:
    nu^2 = (Delta -+ sqrt(Delta^2 - 4 det V))/2 with Delta = det A + det B +- 2 det C
    (+ for the state, - for the partial transpose)."""
    sc = ga.moment_equations(model).scale
    V = (moments.S.real / np.outer(sc, sc))[np.ix_([0, 2, 1, 3], [0, 2, 1, 3])]
    a, b, c = (np.linalg.det(x) for x in (V[:2, :2], V[2:, 2:], V[:2, 2:]))
    det = np.linalg.det(V)

    def nu_minus(delta):
        return np.sqrt((delta - np.sqrt(delta**2 - 4 * det)) / 2)

    return nu_minus(a + b + 2 * c), nu_minus(a + b - 2 * c)


def test_no_entanglement_for_optical_binding():
    """The recoil heating of optically bound particles (Gamma/g ~ 40) leaves them far
    from entangled: the partial transpose's smallest symplectic eigenvalue exceeds the
    vacuum value 1/2 by a factor ~7, computed here twice (eigenvalues of i J V^PT in
    maps, local invariants here)."""
    kd, phi = [37.0, 38.5], [0.0, np.pi / 4]
    en = maps.negativity_map(kd, phi, params=P, gamma=2 * np.pi * 5e3)
    for a, ph in enumerate(phi):
        for b, x in enumerate(kd):
            model = maps.pair_model(x, ph, params=P, gamma=2 * np.pi * 5e3)
            nu_state, nu_pt = _two_mode_invariants(model, ga.steady_state(model))
            # two independent computations: measured agreement 4e-15, margin 100
            assert en["margin"][a, b] == pytest.approx(np.log(2 * nu_pt), abs=1e-12)
            assert en["nu_state"][a, b] == pytest.approx(nu_state, rel=1e-12, abs=0)
    # measured margins ln(2 nu_pt) = 1.949 ... 1.959: separable by a wide margin,
    # and the state is physical (nu_state = 3.3 ... 3.5 >= 1/2)
    assert np.all(en["margin"] > 1.9), en["margin"]
    assert np.all(en["nu_state"] > 3.0)
    np.testing.assert_array_equal(en["E_N"], np.maximum(0.0, -en["margin"]))


def test_benchmark_pair_entangles_only_at_weak_heating():
    r = maps.max_negativity_over_damping(0.05, [0.1, 30.0], np.logspace(-2, 0, 8))
    assert r[0] > 0.0 and r[1] == 0.0


def test_benchmark_pair_heats_at_ratio_times_g():
    """The ratio axis is Gamma/g with Gamma = dn/dt the heating rate (phonons per unit
    time), as for optical binding (chain.onsite_diffusion_ratio, plotted on the same
    axis in the unidirectional chapter).  Build the benchmark independently, with the
    diffusion calibrated by the heating rate the Gaussian engine measures, and compare
    the optimised negativity."""
    g, ratios, gammas = 0.05, [0.2, 0.6, 1.0], np.logspace(-2, 0, 8)
    probe = ArrayModel.dimensionless(omega_eff=1.0, C=np.zeros((1, 1)), D=[[1.0]])
    w = probe.omega_eff[0]
    ev = ga.evolve(probe, ga.thermal_moments(probe), [0.0, 1.0 / w])
    rate_per_unit_d = ga.phonon_occupation(probe, ev)[-1, 0]  # phonons per 1/omega
    got = maps.max_negativity_over_damping(g, ratios, gammas)
    C = [[0.0, 2 * g], [2 * g, 0.0]]  # g = C/(2 m omega)
    for r, en in zip(ratios, got):
        D = np.eye(2) * r * g / rate_per_unit_d
        best = 0.0
        for gm in gammas:
            model = ArrayModel.dimensionless(omega_eff=1.0, C=C, D=D, gamma=gm)
            best = max(best, ga.log_negativity(model, ga.steady_state(model), 0, 1))
        # the same optimisation on the same grid: measured agreement to rounding
        assert en == pytest.approx(best, rel=1e-10, abs=1e-14), (r, en, best)
    assert got[0] > 0.0



def _benchmark_margin(g, ratio, gamma):
    """ln(2 nu_-) of the benchmark pair, built here from ArrayModel directly."""
    C = [[0.0, 2 * g], [2 * g, 0.0]]
    model = ArrayModel.dimensionless(omega_eff=1.0, C=C, D=np.eye(2) * ratio * g,
                                     gamma=gamma)
    return maps.partial_transpose_margin(model, ga.steady_state(model))[0]


def test_benchmark_threshold_is_where_the_negativity_vanishes():
    """The threshold is the root of the margin, the margin grows with the heating, and
    max_negativity_over_damping (a second route: E_N from optbind.gaussian) is positive
    just below and zero just above it."""
    g = 0.05
    for gamma in (0.3, 3.0):
        rc = maps.benchmark_entanglement_threshold(g, [gamma])[0]
        # measured |margin(rc)| <= 1.2e-16 (brentq to xtol 1e-12, slope ~ 0.1)
        assert abs(_benchmark_margin(g, rc, gamma)) < 1e-12
        margins = [_benchmark_margin(g, r, gamma) for r in np.linspace(0, 3, 13)]
        assert np.all(np.diff(margins) > 0)
        below, above = maps.max_negativity_over_damping(
            g, [rc * (1 - 1e-3), rc * (1 + 1e-3)], [gamma])
        assert below > 0.0 and above == 0.0


def test_benchmark_threshold_overdamped_limit():
    """For gamma >> omega the margin is 2 g (Gamma/g - 1)/gamma to first order in
    1/gamma (expansion of the moment equations about the vacuum), so the threshold
    tends to Gamma = g from below."""
    g = 0.05
    for gamma in (1e3, 1e4):
        for r in (0.0, 0.5, 0.9, 1.5):
            # measured deviation of the scaled margin: 7.7e-5 (gamma = 1e3), 7.5e-6
            # (1e4), i.e. <= 1.6 g/gamma; bound 4 g/gamma
            scaled = _benchmark_margin(g, r, gamma) * gamma / (2 * g)
            assert abs(scaled - (r - 1)) < 4 * g / gamma
        rc = maps.benchmark_entanglement_threshold(g, [gamma])[0]
        # measured (1 - rc) gamma/g = 1.04 (gamma = 1e3) and 1.004 (1e4)
        assert 0.0 < 1.0 - rc < 1.5 * g / gamma


def test_benchmark_threshold_validates_input():
    with pytest.raises(ValueError, match="g"):
        maps.benchmark_entanglement_threshold(0.5, [1.0])
    with pytest.raises(ValueError, match="gammas"):
        maps.benchmark_entanglement_threshold(0.05, [1.0, -1.0])
    with pytest.raises(ValueError, match="xtol"):
        maps.benchmark_entanglement_threshold(0.05, [1.0], xtol=0.0)
    with pytest.raises(TypeError):
        maps.benchmark_entanglement_threshold("0.05", [1.0])

def test_partial_transpose_margin_two_mode_squeezed_state():
    # two-mode squeezed vacuum: E_N = 2 r and margin = -2 r
    m = ArrayModel.dimensionless(
        omega_eff=1.0, C=np.zeros((2, 2)), D=np.eye(2) * 0.1, gamma=0.1
    )
    r = 0.4
    ch, sh = np.cosh(2 * r) / 2, np.sinh(2 * r) / 2
    V = np.array([[ch, sh, 0, 0], [sh, ch, 0, 0], [0, 0, ch, -sh], [0, 0, -sh, ch]])
    s = ga.moment_equations(m).scale
    J = np.block([[np.zeros((2, 2)), np.eye(2)], [-np.eye(2), np.zeros((2, 2))]])
    mom = ga.GaussianMoments(np.zeros(4), (V + 0.5j * J) * np.outer(s, s))
    margin, nu = maps.partial_transpose_margin(m, mom)
    # 4x4 eigenproblems: rounding only (measured < 1e-15)
    assert margin == pytest.approx(-2 * r, abs=1e-13)
    assert nu == pytest.approx(0.5, abs=1e-13)
    assert ga.log_negativity(m, mom, 0, 1) == pytest.approx(2 * r, abs=1e-13)
    nu_state, nu_pt = _two_mode_invariants(m, mom)
    assert nu_state == pytest.approx(0.5, abs=1e-13)
    assert np.log(2 * nu_pt) == pytest.approx(-2 * r, abs=1e-13)
