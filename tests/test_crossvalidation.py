"""Cross-validation of the independent engines (issue 4, items a-e).

(a) QuTiP master equation vs Gaussian moments (steady state + trajectory);
(b) Langevin ensemble vs Gaussian covariance; (c) Ehrenfest means vs Eq. (88);
(d) commutator conservation needs the Im D noise correlations;
(e) fast vs dense susceptibility for random couplings (chain cases in
test_response.py).
"""
import numpy as np
import pytest
import scipy.integrate

from optbind import gaussian, langevin, quantum
from optbind.conventions import HBAR
from optbind.model import ArrayModel
from optbind.response import dense_susceptibility, susceptibility

W = 2 * np.pi * 1e5          # frequency unit of ArrayModel.dimensionless


def _uni(gamma=0.8, n_th=0.0, C=0.1, Dd=0.06, F=None):
    """Unidirectional pair, Eqs. (91)-(93), natural units; n ~ 0.08 phonons."""
    return ArrayModel.dimensionless([1.0, 1.0], [[0, C], [0, 0]],
                                    [[Dd, (1 + 1j) * C / 4], [(1 - 1j) * C / 4, Dd]],
                                    gamma=gamma, n_th=n_th, F=F)


def _elementwise_error(S, ref):
    """max |S - ref| / sqrt(ref_aa ref_bb): relative error on the scale of each element."""
    d = np.sqrt(np.abs(np.diag(ref)))
    return np.max(np.abs(S - ref) / np.outer(d, d))


# ------------------------------------------------------------------ (a)
@pytest.mark.parametrize("damping", ["lindblad", "brownian"])
def test_a_steady_state_qutip_vs_lyapunov_converges_in_truncation(damping):
    model = _uni(n_th=0.02, F=[0.05, -0.02])
    ref = gaussian.steady_state(model, damping, source="master")
    errs = []
    for n_max in (4, 5, 6, 7):
        ops = quantum.operators(model, n_max)
        got = quantum.moments(model, ops, quantum.steady_state(model, n_max, damping))
        errs.append(max(_elementwise_error(got.S, ref.S),
                        np.max(np.abs(got.mean - ref.mean) / np.sqrt(np.abs(np.diag(ref.S))))))
    # truncation error falls geometrically (factor ~0.13 per Fock level at
    # n ~ 0.08): each step must gain at least a factor 3
    assert all(e2 < e1 / 3 for e1, e2 in zip(errs, errs[1:])), errs
    # converged: every second moment agrees to 1e-4 relative (measured ~6e-6)
    assert errs[-1] < 1e-4, errs


def test_a_time_evolution_mesolve_vs_gaussian():
    model = _uni(gamma=0.5, n_th=0.0)
    n_max = 8
    ops = quantum.operators(model, n_max)
    alpha = [0.3, -0.2j]
    rho0 = quantum.coherent_state(ops, alpha)
    times = np.linspace(0, 6, 7) / W
    res = quantum.evolve(model, n_max, rho0, times, progress_bar=False)
    ref = gaussian.evolve(model, gaussian.thermal_moments(model, 0.0, alpha=alpha), times,
                          source="master")
    for k in range(times.size):
        got = quantum.moments(model, ops, res.states[k])
        # truncated coherent state |0.3>: tail ~ 0.09^9/9! ~ 1e-15; the
        # recoil heating adds ~0.1 phonon; ODE tolerances 1e-8: require 1e-4
        assert _elementwise_error(got.S, ref.S[k]) < 1e-4
        assert np.max(np.abs(got.mean - ref.mean[k]) / np.sqrt(np.abs(np.diag(ref.S[k])))) < 1e-4


# ------------------------------------------------------------------ (b)
def test_b_langevin_ensemble_vs_gaussian_covariance():
    """Classical limit of Eq. (96) with correlated noise Re D, brownian damping.

    n_traj = 40000, fixed seed.  For each second moment the estimator error
    is the sample standard deviation of the products / sqrt(n_traj); require
    agreement within 5 of those (the 10 independent-ish moments make a 5 sigma
    excursion by chance ~1e-5).
    """
    model = _uni(gamma=0.3, n_th=2.0, C=0.2, Dd=0.3)
    n_traj = 40000
    s = gaussian.moment_equations(model, "brownian").scale
    times = np.array([0.0, 3.0, 40.0]) / W           # transient and ~stationary
    x = langevin.simulate(model, times, n_traj, np.random.default_rng(20240613),
                          x0=np.array([2.0, 0.0, 0.0, 1.0]) * s) / s
    ev = gaussian.evolve(model, gaussian.GaussianMoments(np.array([2.0, 0.0, 0.0, 1.0]) * s,
                                                         np.zeros((4, 4), complex)),
                         times, "brownian")
    st = gaussian.steady_state(model, "brownian")
    refs = [(1, ev.mean[1] / s, ev.covariance[1] / np.outer(s, s)),
            (2, st.mean / s, st.covariance / np.outer(s, s))]
    for k, mean_ref, cov_ref in refs:
        xs = x[k]
        mu = xs.mean(0)
        assert np.all(np.abs(mu - mean_ref) < 5 * xs.std(0) / np.sqrt(n_traj))
        d = xs - mean_ref
        prod = d[:, :, None] * d[:, None, :]
        err = prod.std(0) / np.sqrt(n_traj)
        assert np.all(np.abs(prod.mean(0) - cov_ref) < 5 * err)


# ------------------------------------------------------------------ (c)
def test_c_ehrenfest_means_follow_eq88():
    """<z>, <p> from mesolve obey Eq. (88) plus the Lindblad damping -gamma/2."""
    model = _uni(gamma=0.3, F=[0.3, -0.2])
    n_max = 9
    ops = quantum.operators(model, n_max)
    rho0 = quantum.coherent_state(ops, [0.4, 0.3j])
    times = np.linspace(0, 5, 11) / W
    ell = model.length_scale
    e_ops = [ell[j] * ops.X[j] for j in range(2)] + [HBAR / ell[j] * ops.Y[j] for j in range(2)]
    # Operators in SI would be tidied away by QuTiP (entries < 1e-12), so
    # record the dimensionless quadratures and rescale
    res = quantum.evolve(model, n_max, rho0, times, e_ops=list(ops.X) + list(ops.Y))
    got = np.array(res.expect).real.T * np.concatenate([ell, HBAR / ell])
    m, C, K, F, g = model.m, model.C, model.K, model.F, model.gamma
    w2 = model.omega**2

    def eq88(t, y):            # typed in from Eq. (88) + Lindblad damping
        z, p = y[:2], y[2:]
        dz = p / m - g / 2 * z
        dp = -m * w2 * z + F + C @ z - C.sum(1) * z - g / 2 * p
        return np.concatenate([dz, dp])

    y0 = got[0]
    sol = scipy.integrate.solve_ivp(eq88, (0, times[-1]), y0, t_eval=times, rtol=1e-11,
                                    atol=1e-14 * np.abs(y0).max())
    scale = np.concatenate([ell, HBAR / ell])
    # mesolve tolerances 1e-8 and Fock truncation at 9 for |alpha| <= 0.4 plus
    # the static displacement: 1e-5 of a zero-point unit
    assert np.max(np.abs(got - sol.y.T) / scale) < 1e-5
    assert np.allclose(K, C.sum(1))


# ------------------------------------------------------------------ (d)
def test_d_commutator_needs_imaginary_noise_correlations():
    good = _uni(gamma=0.0, C=0.1, Dd=0.1)
    bad = good.replace(D=good.D.real)             # drop Im D_12, keep C_12 != C_21
    times = np.linspace(0, 10, 6) / W
    init = gaussian.thermal_moments(good, [0.3, 0.0])
    target = 1j * HBAR * np.eye(2)
    ok = gaussian.evolve(good, init, times)
    # exact propagation: conserved to rounding (1e-12 of hbar)
    assert np.max(np.abs(ok.commutator[:, :2, 2:] - target)) < 1e-10 * HBAR
    assert np.max(np.abs(ok.commutator[:, 2:, 2:])) < 1e-10 * HBAR
    br = gaussian.evolve(bad, init, times)
    dev = np.max(np.abs(br.commutator[:, :2, 2:] - target)) / HBAR
    dev_pp = np.abs(br.commutator[:, 2:, 2:]) / HBAR
    # d<[p_1, p_2]>/dt = i hbar (C_12 - C_21) initially: violated at O(1)
    assert dev + dev_pp.max() > 0.1
    t1 = times[1]
    slope = br.commutator[1, 2, 3] / (1j * HBAR * t1)
    # short-time slope (C_12 - C_21) over the first step, within ~20 % (t1 is
    # two radians: curvature from the oscillation)
    assert abs(slope.real / (bad.C[0, 1] - bad.C[1, 0]) - 1) < 0.6


# ------------------------------------------------------------------ (e)
@pytest.mark.parametrize("N", [50, 200])
def test_e_fast_vs_dense_random_nonnormal(N):
    rng = np.random.default_rng(N)
    # strongly non-normal: large random upper triangle, weak lower part
    B = 40.0 * rng.random((N, N)) * np.triu(np.ones((N, N)), 1) / np.sqrt(N) \
        + 0.5 * rng.standard_normal((N, N)) / np.sqrt(N)
    np.fill_diagonal(B, 0.0)
    w = np.linspace(5, 35, 31)
    el = [(0, N - 1), (N - 1, 0), (N // 2, N // 2)]
    fast = susceptibility(w, B, 20.0, 1.0, el)
    dense = dense_susceptibility(w, B, 20.0, 1.0, el)
    # 1e-8 relative on every element (observed ~1e-12)
    np.testing.assert_allclose(fast, dense, rtol=1e-8, atol=0)
