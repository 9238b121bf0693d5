"""Tests of optbind.gaussian: moment equations, Lyapunov steady state, negativity."""

import numpy as np
import pytest
import scipy.integrate
import scipy.linalg as sla

from optbind import gaussian
from optbind.conventions import HBAR
from optbind.model import ArrayModel, NoSteadyStateError

W = 2 * np.pi * 1e5  # frequency unit of ArrayModel.dimensionless


def _pair(gamma=0.3, n_th=0.1, C=0.1, Dd=0.08):
    return ArrayModel.dimensionless(
        [1.0, 1.05],
        [[0, C], [0, 0]],
        [[Dd, (1 + 1j) * C / 4], [(1 - 1j) * C / 4, Dd]],
        gamma=gamma,
        n_th=n_th,
        F=[0.2, -0.1],
    )


def test_default_damping_is_lindblad():
    """One calling convention for all engines: damping="lindblad" by default."""
    mod = _pair()
    np.testing.assert_array_equal(
        gaussian.moment_equations(mod).A,
        gaussian.moment_equations(mod, damping="lindblad").A,
    )
    assert not np.array_equal(
        gaussian.moment_equations(mod).A,
        gaussian.moment_equations(mod, damping="brownian").A,
    )


def test_uncoupled_thermal_limits_exact():
    """No recoil, no coupling: both damping models relax to the thermal state n_th."""
    mod = ArrayModel.dimensionless(
        [1.0, 2.0],
        np.zeros((2, 2)),
        np.zeros((2, 2)),
        masses=[1.0, 3.0],
        gamma=0.05,
        n_th=0.7,
    )
    for damping in ("lindblad", "brownian"):
        st = gaussian.steady_state(mod, damping=damping)
        # exact fixed point; Lyapunov solve is backward stable: measured 2.2e-15,
        # margin 50
        np.testing.assert_allclose(
            gaussian.phonon_occupation(mod, st), [0.7, 0.7], rtol=1e-13
        )
        ref = gaussian.thermal_moments(mod, occupations=0.7)
        # measured 1.2e-15 of max|S|, margin 100
        np.testing.assert_allclose(
            st.S, ref.S, rtol=0, atol=1e-13 * np.abs(ref.S).max()
        )


def test_recoil_heating_rate():
    """Eq. (82) alone: d<p^2>/dt = 2 D_jj, so n grows by D l^2/hbar^2 per second."""
    mod = ArrayModel.dimensionless([1.0], [[0.0]], [[0.3]])
    t = np.array([0.0, 2.0 / W, 7.0 / W])
    ev = gaussian.evolve(mod, gaussian.thermal_moments(mod), t)
    # in natural units D = 0.3 -> 0.3 phonons per unit time; exact (linear in t):
    # measured 4.4e-16, margin 100
    np.testing.assert_allclose(
        gaussian.phonon_occupation(mod, ev)[:, 0], [0.0, 0.6, 2.1], rtol=0, atol=5e-14
    )


def test_lyapunov_residual_and_hermiticity():
    mod = _pair()
    for damping in ("lindblad", "brownian"):
        eqs = gaussian.moment_equations(mod, damping=damping)
        st = gaussian.steady_state(mod, damping=damping)
        res = eqs.A @ st.S + st.S @ eqs.A.T + eqs.Q
        scale = np.abs(eqs.A).max() * np.abs(st.S).max()
        # SI units mix scales, so compare the residual per element in
        # dimensionless quadratures: measured 3.4e-16 W, margin 300
        s = eqs.scale
        assert np.max(np.abs(res / np.outer(s, s))) < 1e-13 * W
        # Hermitian by construction (symmetrised), measured exactly
        np.testing.assert_array_equal(st.S, st.S.conj().T)
        # mean: measured 1.7e-19 of the scale, margin 1000
        np.testing.assert_allclose(eqs.A @ st.mean + eqs.b, 0, atol=2e-16 * scale)


def test_evolution_matches_ode_integration():
    """Van Loan propagator vs RK integration of dS/dt = AS + SA^T + Q (independent)."""
    mod = _pair()
    eqs = gaussian.moment_equations(mod, damping="brownian")
    A, Q, b = eqs.scaled()
    init = gaussian.thermal_moments(
        mod, occupations=[0.5, 0.0], coherent_amplitudes=[0.3 + 0.2j, -0.1j]
    )
    s = eqs.scale
    m0, S0 = init.mean / s, init.S / np.outer(s, s)
    n = A.shape[0]

    def rhs(t, y):
        m = y[:n]
        S = y[n:].reshape(n, n)
        return np.concatenate([A @ m + b, (A @ S + S @ A.T + Q).ravel()])

    T = 6.0 / W
    sol = scipy.integrate.solve_ivp(
        rhs,
        (0, T),
        np.concatenate([m0, S0.ravel()]).astype(complex),
        rtol=1e-11,
        atol=1e-13,
        method="DOP853",
    )
    ev = gaussian.evolve(mod, init, [T], damping="brownian")
    # RK tolerance 1e-11 over ~6 periods of O(1) moments: measured 1.4e-13 (mean)
    # and 4.4e-12 (S), margin ~10
    np.testing.assert_allclose(ev.mean[0] / s, sol.y[:n, -1].real, rtol=0, atol=2e-12)
    np.testing.assert_allclose(
        ev.S[0] / np.outer(s, s), sol.y[n:, -1].reshape(n, n), rtol=0, atol=5e-11
    )


def test_source_master_equals_langevin_iff_consistent():
    mod = _pair()
    a1 = gaussian.moment_equations(mod, source="langevin").A
    a2 = gaussian.moment_equations(mod, source="master").A
    # measured: identical; 1e-14 for rounding of 2 Im D/hbar vs (C - C^T)/2
    np.testing.assert_allclose(a1, a2, rtol=0, atol=1e-14 * np.abs(a1).max())
    bad = mod.replace(D=mod.D.real)
    b1 = gaussian.moment_equations(bad, source="langevin").A
    b2 = gaussian.moment_equations(bad, source="master").A
    # master drift only sees (C + C^T)/2: differs by C/2 in the (p1, z2) entry
    # (measured exact)
    np.testing.assert_allclose(b1[2, 1] - b2[2, 1], bad.C[0, 1] / 2, rtol=1e-14)


def test_no_steady_state_raises():
    with pytest.raises(NoSteadyStateError, match="no steady state"):
        gaussian.steady_state(_pair(gamma=0.0))
    # strong mutual anti-reciprocal coupling destabilises even with damping
    # (spectral abscissa +0.24 W)
    C = np.array([[0.0, 0.5], [-0.5, 0.0]])
    D = 0.6 * np.eye(2) + np.array([[0, 0.25j], [-0.25j, 0]])
    with pytest.raises(NoSteadyStateError):
        gaussian.steady_state(ArrayModel.dimensionless([1.0, 1.0], C, D, gamma=0.01))


def _tmsv_moments(model, r):
    """Two-mode squeezed vacuum, written down independently of the module.

    In (X1, Y1, X2, Y2) the covariance is (1/2)[[c I, s Z], [s Z, c I]] with
    c = cosh 2r, s = sinh 2r, Z = diag(1, -1); reorder to (X1, X2, Y1, Y2).
    """
    c, s = np.cosh(2 * r), np.sinh(2 * r)
    V = 0.5 * np.array([[c, s, 0, 0], [s, c, 0, 0], [0, 0, c, -s], [0, 0, -s, c]])
    S = V + 0.5j * np.array([[0, 0, 1, 0], [0, 0, 0, 1], [-1, 0, 0, 0], [0, -1, 0, 0]])
    ell = model.length_scale
    sc = np.concatenate([ell, HBAR / ell])
    return gaussian.GaussianMoments(np.zeros(4), S * np.outer(sc, sc))


@pytest.mark.parametrize("r", [0.0, 0.1, 0.7, 1.5])
def test_log_negativity_of_two_mode_squeezed_vacuum(r):
    """E_N = 2r.  Fock expansion |psi> = sum_n (-tanh r)^n/cosh r |n, n>: the
    partial transpose has trace norm (sum_n |c_n|)^2 = (1/(cosh r (1 - tanh r)))^2
    = e^{2r}, so E_N = ln e^{2r} = 2r."""
    mod = ArrayModel.dimensionless(
        [1.0, 3.0], np.zeros((2, 2)), np.zeros((2, 2)), masses=[1.0, 0.2]
    )
    # symplectic eigenvalue via a 4x4 eigenproblem: rounding ~1e-15 relative
    assert (
        abs(gaussian.log_negativity(mod, _tmsv_moments(mod, r), 0, 1) - 2 * r) < 1e-12
    )


def test_log_negativity_zero_for_thermal_and_bad_indices():
    mod = _pair()
    th = gaussian.thermal_moments(mod, occupations=[0.0, 0.3])
    # product state: the partial transpose is the state itself, nu_pt = min(n + 1/2)
    nu_state, nu_pt = gaussian.pair_symplectic_eigenvalues(mod, th, 0, 1)
    assert nu_state == pytest.approx(0.5, rel=1e-13, abs=0) and nu_pt == pytest.approx(
        0.5, rel=1e-13, abs=0
    )
    assert gaussian.log_negativity(mod, th, 0, 1) == 0.0
    with pytest.raises(ValueError, match="different"):
        gaussian.log_negativity(mod, gaussian.thermal_moments(mod), 1, 1)
    with pytest.raises(ValueError, match="j must be"):
        gaussian.log_negativity(mod, gaussian.thermal_moments(mod), 0, 2)


def test_coherent_state_readouts():
    mod = _pair()
    alpha = np.array([0.4 - 0.3j, 1.2j])
    st = gaussian.thermal_moments(mod, coherent_amplitudes=alpha)
    # coherent state: <a^dag a> = |alpha|^2 exactly (measured exact)
    np.testing.assert_allclose(
        gaussian.phonon_occupation(mod, st), np.abs(alpha) ** 2, rtol=1e-14
    )
    zz = gaussian.position_correlations(st, symmetrised=False)
    ell = mod.length_scale
    # <z_i z_j> = l_i l_j (delta_ij/2 + 2 Re a_i Re a_j); positions commute -> real
    ref = np.outer(ell, ell) * (0.5 * np.eye(2) + 2 * np.outer(alpha.real, alpha.real))
    np.testing.assert_allclose(zz, ref, rtol=1e-14, atol=1e-14 * np.abs(ref).max())
    # the commutator block <[z_j, p_j']> = i hbar delta (measured exact)
    np.testing.assert_allclose(st.commutator[:2, 2:], 1j * HBAR * np.eye(2), rtol=1e-14)


def test_spectral_density_integrates_to_covariance():
    mod = _pair(gamma=0.4)
    st = gaussian.steady_state(mod, damping="brownian")
    # integrand decays as omega^-2 (positions) -> integrate in tan-substituted variable
    u = np.linspace(-np.pi / 2, np.pi / 2, 20001)[1:-1]
    w = W * np.tan(u)
    Sxx = gaussian.spectral_density(mod, w, damping="brownian")
    integrand = Sxx * (W / np.cos(u) ** 2)[:, None, None] / (2 * np.pi)
    got = scipy.integrate.simpson(integrand[:, :2, :2].real, x=u, axis=0)
    # Simpson with 2e4 nodes on a smooth periodic-like integrand: measured 3.7e-13
    # relative, margin 10
    np.testing.assert_allclose(got, st.covariance[:2, :2], rtol=4e-12, atol=0)


def test_ou_propagator_basic_properties():
    rng = np.random.default_rng(1)
    A = rng.standard_normal((3, 3)) - 3 * np.eye(3)
    Q = np.eye(3)
    Phi, c, Sig = gaussian.ou_propagator(A, Q, np.zeros(3), 0.0)
    np.testing.assert_array_equal(Phi, np.eye(3))
    np.testing.assert_array_equal(Sig, 0.0)
    # long time: Sigma -> Lyapunov solution (spectral abscissa -2.23: e^{-134} at
    # t = 30); measured 5.0e-16 and 5.6e-17, margin 100
    Phi, c, Sig = gaussian.ou_propagator(A, Q, np.ones(3), 30.0)
    np.testing.assert_allclose(
        Sig, sla.solve_continuous_lyapunov(A, -Q), rtol=0, atol=5e-14
    )
    np.testing.assert_allclose(c, -np.linalg.solve(A, np.ones(3)), rtol=0, atol=5e-15)
    with pytest.raises(ValueError, match="dt"):
        gaussian.ou_propagator(A, Q, np.zeros(3), -1.0)


def test_bad_choices():
    with pytest.raises(ValueError, match="damping"):
        gaussian.moment_equations(_pair(), damping="viscous")
    with pytest.raises(ValueError, match="source"):
        gaussian.moment_equations(_pair(), source="paper")
    with pytest.raises(ValueError, match="times"):
        gaussian.evolve(_pair(), gaussian.thermal_moments(_pair()), [1e-6, 0.0])
    with pytest.raises(TypeError, match="positional"):
        gaussian.steady_state(_pair(), "brownian")  # options are keyword-only
