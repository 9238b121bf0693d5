"""Tests of the QuTiP engine optbind.quantum: the generator is Eq. (82)."""

import numpy as np
import pytest
import qutip

from optbind import gaussian, quantum
from optbind.conventions import HBAR
from optbind.model import ArrayModel, NoSteadyStateError


def _random_model(N, seed, gamma=0.0, n_th=0.0):
    """Random couplings, complex Hermitian PSD D, forces (dimensionless units)."""
    rng = np.random.default_rng(seed)
    C = 0.1 * rng.standard_normal((N, N))
    np.fill_diagonal(C, 0.0)
    G = rng.standard_normal((N, N)) + 1j * rng.standard_normal((N, N))
    D = 0.05 * G @ G.conj().T  # Hermitian PSD, genuinely complex
    return ArrayModel.dimensionless(
        1.0 + 0.2 * rng.random(N),
        C,
        D,
        masses=1.0 + rng.random(N),
        F=0.1 * rng.standard_normal(N),
        gamma=gamma,
        n_th=n_th,
    )


def _eq82_direct(model, ops):
    """Eq. (82) with H of Eq. (83) assembled term by term as a superoperator.

    Independent of quantum.collapse_operators: no diagonalisation, the double
    sum over (j, j') with the operator order z_j rho z_j' and {z_j' z_j, rho}.
    """
    # operators are kept dimensionless (z_j = l_j X_j, p_j = (hbar/l_j) Y_j) and
    # the lengths go into the scalar coefficients: QuTiP drops entries < 1e-12
    ell = model.length_scale
    X, Y = ops.X, ops.Y
    H = 0
    for j in range(model.n_particles):
        H = (
            H
            + (HBAR / ell[j]) ** 2 / (2 * model.masses[j]) / HBAR * Y[j] * Y[j]
            + 0.5
            * (model.masses[j] * model.omega[j] ** 2 + model.K[j])
            * ell[j] ** 2
            / HBAR
            * X[j]
            * X[j]
            - model.F[j] * ell[j] / HBAR * X[j]
        )
        for jp in range(model.n_particles):
            if jp != j:
                H = H - model.C[j, jp] / 2 * ell[j] * ell[jp] / HBAR * X[j] * X[jp]
    L = -1j * (qutip.spre(H) - qutip.spost(H))  # H is H_na/hbar (rad/s)
    for j in range(model.n_particles):
        for jp in range(model.n_particles):
            r = 2 * model.D[j, jp] * ell[j] * ell[jp] / HBAR**2
            L = L + r * (
                qutip.sprepost(X[j], X[jp])
                - 0.5 * qutip.spre(X[jp] * X[j])
                - 0.5 * qutip.spost(X[jp] * X[j])
            )
    return L


def _rel_diff(L1, L2):
    a = L1.full()
    b = L2.full()
    return np.max(np.abs(a - b)) / np.max(np.abs(b))


@pytest.mark.parametrize("N,n_max", [(2, 3), (3, 2)])
def test_liouvillian_equals_eq82_term_by_term(N, n_max):
    model = _random_model(N, seed=N)
    ops = quantum.operators(model, n_max=n_max)
    L = quantum.liouvillian(model, ops)
    # both are sums of O(10) terms of size ~max|L|: measured 4.2e-16 relative
    # (rounding), margin 25; a wrong conjugation/order gives 1e-2 (next test)
    assert _rel_diff(L, _eq82_direct(model, ops)) < 1e-14


def test_conjugated_eigenvectors_would_be_wrong():
    """Guards the index order: L_k built with conj(V) differs from Eq. (82) for a
    complex D."""
    model = _random_model(2, seed=7)
    ops = quantum.operators(model, n_max=3)
    ell = model.length_scale
    lam, V = np.linalg.eigh(2 * model.D * np.outer(ell, ell) / HBAR**2)
    wrong = [
        np.sqrt(lam[k]) * sum(np.conj(V[j, k]) * ops.X[j] for j in range(2))
        for k in range(2)
    ]
    Lw = qutip.liouvillian(quantum.hamiltonian(model, ops), wrong)
    # measured 1.2e-2
    assert _rel_diff(Lw, _eq82_direct(model, ops)) > 5e-3


def test_eq94_is_the_same_generator_as_eq82():
    C = 0.1
    model = ArrayModel.dimensionless(
        [1.0, 1.1],
        [[0, C], [0, 0]],
        [[0.07, (1 + 1j) * C / 4], [(1 - 1j) * C / 4, 0.08]],
    )
    ops = quantum.operators(model, n_max=4)
    L94 = quantum.unidirectional_liouvillian(model, ops)
    # measured 1.0e-16 and 2.4e-16 (rounding), margin 40
    assert _rel_diff(L94, quantum.liouvillian(model, ops)) < 1e-14
    assert _rel_diff(L94, _eq82_direct(model, ops)) < 1e-14
    # a non-unidirectional model is refused
    with pytest.raises(ValueError, match="unidirectional"):
        quantum.unidirectional_liouvillian(model.replace(D=model.D.real), ops)


def test_lindblad_damping_thermalises_uncoupled_oscillator():
    """Without recoil and coupling, gamma(n+1)D[a] + gamma n D[a^dag] relaxes to n_th.
    """
    model = ArrayModel.dimensionless([1.3], [[0.0]], [[0.0]], gamma=0.2, n_th=0.3)
    ops = quantum.operators(model, n_max=25)
    rho = quantum.steady_state(model, n_max=25)
    n = qutip.expect(ops.a[0].dag() * ops.a[0], rho)
    # the exact fixed point of the truncated generator is the truncated thermal
    # state: deviation only from the tail (0.3/1.3)^26 ~ 1e-17; measured 2.2e-16,
    # margin 500 (sparse LU of a 676 x 676 Liouvillian)
    assert abs(n - 0.3) < 1e-13


def test_unstable_model_raises_before_solving():
    model = ArrayModel.dimensionless([1.0], [[0.0]], [[0.1]])  # no damping
    with pytest.raises(NoSteadyStateError):
        quantum.steady_state(model, n_max=3)


def test_recoil_heating_rate_from_mesolve():
    """Eq. (82): d<p^2>/dt = 2 D_jj, i.e. dn/dt = D l^2/hbar^2 (0.2 per unit time)."""
    model = ArrayModel.dimensionless([1.0], [[0.0]], [[0.2]])
    ops = quantum.operators(model, n_max=12)
    w = model.omega_eff[0]
    times = np.array([0.0, 1.0]) / w  # one unit of time
    res = quantum.evolve(
        model,
        qutip.fock_dm(13, 0),
        times,
        e_ops=[ops.a[0].dag() * ops.a[0]],
        progress_bar=False,
    )
    # the Fock truncation at 12 phonons lowers n by 9.9e-9 (2.2e-6 at 8, 4.7e-11 at 16,
    # independent of the ODE tolerances): bound 2e-8, margin 2
    assert abs(res.expect[0][-1] - 0.2) < 2e-8


def test_moments_of_thermal_state_match_gaussian_formula():
    model = _random_model(2, seed=3)
    ops = quantum.operators(model, n_max=30)
    got = quantum.moments(model, ops, quantum.thermal_state(ops, [0.2, 0.1]))
    ref = gaussian.thermal_moments(model, occupations=[0.2, 0.1])
    # truncation tail (0.2/1.2)^31 ~ 1e-24: agreement to rounding, measured 1.4e-13,
    # margin 10
    scale = np.sqrt(np.outer(np.diag(ref.S.real), np.diag(ref.S.real)))
    assert np.max(np.abs(got.S - ref.S) / scale) < 1.5e-12
    np.testing.assert_array_equal(got.mean, 0.0)


def test_bad_arguments():
    model = _random_model(2, seed=1)
    with pytest.raises(ValueError, match="n_max"):
        quantum.operators(model, n_max=0)
    ops = quantum.operators(model, n_max=2)
    with pytest.raises(ValueError, match="damping"):
        quantum.collapse_operators(model, ops, damping="ohmic")
    three = _random_model(3, 1)
    with pytest.raises(ValueError, match="N = 2"):
        quantum.unidirectional_liouvillian(three, quantum.operators(three, n_max=1))
    rho = quantum.thermal_state(ops, [0.1, 0.1])
    with pytest.raises(ValueError, match="times"):
        quantum.evolve(model, rho, [1e-6, 0.5e-6])  # times must increase
    with pytest.raises(TypeError, match="positional"):
        quantum.steady_state(model, 2)  # n_max is keyword-only
