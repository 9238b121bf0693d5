"""Eq. (72) without linearisation (dynamics.nonlinear_quantum) and the quantum regime analysis."""
from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("qutip")

from optbind.analysis import quantum_regime as qr  # noqa: E402
from optbind.conventions import BOLTZMANN, EPSILON_0  # noqa: E402
from optbind.dynamics import moments as mo  # noqa: E402
from optbind.dynamics import quantum as qm  # noqa: E402
from optbind.dynamics.nonlinear_quantum import AxialMasterEquation, position_grid  # noqa: E402
from optbind.electrodynamics.identities import transverse_kernel_imaginary  # noqa: E402
from optbind.linear.pair import two_particle_array  # noqa: E402
from optbind.parameters import load  # noqa: E402

ARRAY = two_particle_array()          # rieser2022, k d = phi = pi/4 (mod 2 pi)


@pytest.fixture(scope="module")
def engine():
    return AxialMasterEquation(ARRAY, eta=0.2, n_max=4, gamma=1.0, n_th=0.2)


def test_grid_nodes_are_hermite_roots():
    x, U = position_grid(6)
    roots = np.sort(np.polynomial.hermite.hermroots([0] * 7 + [1]))
    assert np.allclose(x, roots, rtol=0, atol=1e-12)
    assert np.allclose(U.T @ U, np.eye(7), atol=1e-12)


def test_taylor_coefficients_are_the_linear_theory(engine):
    """Operator-level check: the expansion of Eq. (72) gives Eq. (82)'s C, K, D, F."""
    a = ARRAY
    c_num = a.numerical_C(green="full")
    scale = np.max(np.abs(c_num))
    # measured 5e-7 of max|C| (finite differences of two different routes)
    assert np.max(np.abs(engine.C - c_num)) < 1e-5 * scale
    # closed form (85): near-field terms of Re G, measured 7.6e-3 max|C|, 1/(kd) = 0.026
    assert np.max(np.abs(engine.C - a.C)) < 2.0 / (a.k * a.foci[1, 0]) * scale
    stiff = a.masses * a.numerical_omega() ** 2 + a.numerical_K(green="full")
    assert np.allclose(np.diag(engine.hessian), stiff, rtol=1e-5, atol=0)   # measured 1e-6
    d = engine.D * (1.0545718176461565e-34 / engine.hbar)
    # Eq. (87) closed forms: measured 1.4e-5 of D_11 (1/kd corrections of 87b)
    assert np.max(np.abs(d - a.D)) < 1e-3 * abs(a.D[0, 0])
    f = a.numerical_F(green="full")
    assert np.allclose(-engine.static_force, f, rtol=1e-6, atol=0)           # measured 3e-8
    assert np.max(np.abs(engine.force)) < 1e-9 * np.max(np.abs(f))           # compensated
    assert np.max(np.abs(engine.hessian_residual)) < 1e-6 * np.max(np.abs(engine.hessian))
    assert engine.linear_model().is_consistent()


def test_linear_theory_does_not_depend_on_eta(engine):
    other = AxialMasterEquation(ARRAY, eta=0.05, n_max=4, gamma=1.0, n_th=0.2)
    m1, m2 = engine.linear_model(), other.linear_model()
    assert np.allclose(m1.C, m2.C, rtol=1e-5, atol=1e-6 * np.max(np.abs(m1.C)))
    assert np.allclose(m1.D, m2.D, rtol=1e-6, atol=1e-6 * abs(m1.D[0, 0]))
    assert np.allclose(m1.omega, m2.omega, rtol=1e-8)


def _im_green(r, k):
    if np.linalg.norm(r) == 0:
        return k**3 / (6 * np.pi) * np.eye(3)
    return transverse_kernel_imaginary(r, k)


def test_scattering_kernel_closed_form(engine):
    """Quadrature of Eq. (76) against W = (eps0/2hbar) sum E^dag Im G E (Funk-Hecke)."""
    a, f = ARRAY, ARRAY.field
    za = np.array([[0.3, -0.2]]) / a.kappa
    zb = np.array([[-0.1, 0.4]]) / a.kappa

    def w(z1, z2):
        p1, p2 = engine._positions(z1), engine._positions(z2)
        e1, e2 = f.field(p1), f.field(p2)
        tot = 0
        for j in range(2):
            for jp in range(2):
                g = _im_green(p1[j] - p2[jp], a.k)
                tot += a.volumes[j] * a.volumes[jp] * a.chi**2 * e2[jp].conj() @ g @ e1[j]
        return EPSILON_0 / (2 * engine.hbar) * tot

    v = engine.potential(np.vstack([za, zb])) + np.vstack([za, zb]) @ -engine.static_force
    lam = (-1j / engine.hbar * (v[0] - v[1]) + w(za[0], zb[0])
           - 0.5 * w(za[0], za[0]) - 0.5 * w(zb[0], zb[0]))
    got = engine.kernel(za, zb)[0, 0]
    # quadrature converged to ~1e-12 of the scattering rate, measured 3e-13
    assert abs(got - lam) < 1e-8 * abs(w(za[0], za[0]))
    assert np.isclose(engine.kernel_pairs(za, zb)[0], got, rtol=1e-12)


def test_grid_liouvillian_is_rotated_quantum_liouvillian(engine):
    """Eq. (82) on the grid basis is dynamics.quantum's Fock-basis generator (measured 2e-15)."""
    ll = engine.liouvillian("linear").full()
    model = engine.linear_model()
    lf = qm.liouvillian(model, qm.operators(model, n_max=engine.n_max)).full()
    lf = lf / engine.omega_unit
    U = engine._full_rotation()
    T = np.kron(U, U)
    assert np.max(np.abs(T @ ll @ T.T - lf)) < 1e-12 * np.max(np.abs(lf))


def test_steady_state_solves_the_liouvillian(engine):
    rho = engine.steady_state("full")
    L = engine.liouvillian("full").data.as_scipy()
    res = L @ rho.full().ravel(order="F")
    assert np.max(np.abs(res)) < 1e-10                                      # measured 5e-15
    assert np.isclose(rho.tr(), 1.0)
    assert np.min(np.linalg.eigvalsh(rho.full())) > -1e-10


def test_linear_steady_state_matches_gaussian_engine():
    eng = AxialMasterEquation(ARRAY, eta=0.1, n_max=10, gamma=1.8)
    _, s = eng.moments(eng.steady_state("linear"))
    _, sg = qr.gaussian_reference(eng)
    # Fock truncation error, measured 5e-5 at n_max = 10
    assert np.linalg.norm(s - sg) / np.linalg.norm(sg) < 5e-4


def test_deviation_scales_as_eta_squared():
    etas = np.array([0.05, 0.1, 0.2])
    r = qr.deviation_scan(etas, n_max=9, gamma=1.8)
    fit = qr.fit_exponent(etas, r["rel_cov"])
    assert abs(fit["exponent"] - 2.0) < 0.1                                 # measured 1.98
    fit_mean = qr.fit_exponent(etas, r["mean_X"][:, 0])
    assert abs(fit_mean["exponent"] - 1.0) < 0.15                           # measured 1.05
    assert np.all(r["rel_cov"] < 0.05)


def test_evolution_of_linear_matches_quantum_engine():
    """mesolve of Eq. (82) on the grid basis = dynamics.quantum.evolve in the Fock basis."""
    eng = AxialMasterEquation(ARRAY, eta=0.1, n_max=7, gamma=1.0)
    times = np.array([0.0, 1.0, 2.0])
    states = eng.evolve(eng.coherent_state([0.0, 0.5]), times, "linear")
    model = eng.linear_model()
    ops = qm.operators(model, n_max=7)
    ref = qm.evolve(model, qm.coherent_state(ops, [0.0, 0.5]), times / eng.omega_unit)
    init = mo.thermal_moments(model, occupations=0.0, coherent_amplitudes=[0.0, 0.5])
    gm = mo.evolve(model, init, times / eng.omega_unit, source="master")
    for i, st in enumerate(states):
        mean, S = eng.moments(st)
        other = qm.moments(model, ops, ref.states[i])
        # two solvers, two bases: measured 1e-8
        assert np.allclose(mean, other.mean / ops.scale, atol=1e-6)
        assert np.allclose(S, other.S / np.outer(ops.scale, ops.scale), atol=1e-6)
        # Fock truncation of the heated state at n_max = 7: measured 5e-3
        assert np.allclose(mean, gm.mean[i] / ops.scale, atol=2e-2)


def test_lamb_dicke_table_numbers():
    t = qr.lamb_dicke_table(occupations=(0.0, 1.0, 10.0, 100.0))
    names = list(t.coords["parameter_set"])
    for i, name in enumerate(names):
        p = load(name)
        kappa = p.k - 1.0 / p.z_R
        zzpf = np.sqrt(1.0545718176461565e-34 / (2 * p.mass * p.omega))
        assert np.isclose(t["eta"][i], kappa * zzpf, rtol=1e-12)
        classical = kappa * np.sqrt(BOLTZMANN * 295.0 / (p.mass * p.omega**2))
        assert np.isclose(t["kappa_z_T"][i], classical, rtol=1e-6)            # n_T ~ 2e8
        assert np.allclose(t["kappa_z_n"][i], kappa * zzpf * np.sqrt(2 * t.coords[
            "occupation"] + 1), rtol=1e-12)
    i = names.index("delic2020")
    assert round(float(t["eta"][i]), 7) == 5.24e-5


def test_bad_inputs(engine):
    with pytest.raises(TypeError):
        AxialMasterEquation("pair", eta=0.1, n_max=3)
    with pytest.raises(ValueError):
        AxialMasterEquation(ARRAY, eta=-0.1, n_max=3)
    with pytest.raises(ValueError):
        AxialMasterEquation(ARRAY, eta=0.1, n_max=0)
    with pytest.raises(ValueError):
        AxialMasterEquation(ARRAY, eta=0.1, n_max=3, gamma=-1.0)
    with pytest.raises(ValueError):
        engine.liouvillian("quadratic")
    with pytest.raises(ValueError):
        engine.steady_state("full", rtol=0.0)
    with pytest.raises(TypeError):
        engine.evolve(np.eye(25), [0.0, 1.0])
    with pytest.raises(ValueError):
        engine.kernel_pairs(np.zeros((2, 2)), np.zeros((3, 2)))
    with pytest.raises(ValueError):
        position_grid(0)
    with pytest.raises(ValueError):
        qr.lamb_dicke_table(occupations=[-1.0])
    with pytest.raises(ValueError):
        qr.lamb_dicke_table(temperature=0.0)
    with pytest.raises(ValueError):
        qr.deviation_scan([0.0, 0.1])
    with pytest.raises(TypeError):
        qr.deviation_scan([0.1], array="pair")
    with pytest.raises(ValueError):
        qr.fit_exponent([0.1, 0.2], [1.0, 2.0])
    with pytest.raises(ValueError):
        qr.fock_convergence([1], eta=0.1)
