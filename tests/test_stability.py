"""Stability of the drift: Lyapunov's criterion against the closed-form threshold.

Eigenvalues alone misjudge nearly defective drift matrices (a unidirectional
pair) when the damping is weak: rounding splits the defective pair by about
sqrt(eps) ||A||.  ``gaussian.check_stability`` decides with Lyapunov's theorem
instead; these tests pin the decision against independent knowledge.
"""
from __future__ import annotations

import numpy as np
import pytest

import optbind.gaussian as ga
from optbind.analysis.amplification import critical_coupling
from optbind.chain import chain_couplings
from optbind.model import ArrayModel, NoSteadyStateError


@pytest.mark.parametrize("gamma", [1e-3, 1e-6, 3e-9])
def test_weakly_damped_oscillator_has_its_thermal_steady_state(gamma):
    # one oscillator (hbar = m = omega = 1) with D = 1/2: recoil heating
    # dn/dt = D l^2/hbar^2 = 1/2 phonon per unit time; at zero temperature the
    # Lindblad damping removes gamma n, so <n> = 1/(2 gamma) exactly
    model = ArrayModel.dimensionless(omega_eff=1.0, C=[[0.0]], D=[[0.5]], gamma=gamma)
    n = ga.phonon_occupation(model, ga.steady_state(model))[0]
    assert n == pytest.approx(0.5 / gamma, rel=1e-9, abs=0)  # measured <= 2e-16


def test_weakly_damped_unidirectional_pair_is_stable():
    # C_21 = 0 makes the coupling nilpotent: the drift is defective for gamma -> 0;
    # every mode decays at gamma/2 all the same
    w = 2 * np.pi * 1e5
    model = ArrayModel.unidirectional_pair(1e-18, w, 0.05 * 1e-18 * w**2, 1e-40,
                                           gamma=3e-9 * w)
    A = ga.moment_equations(model).scaled()[0]
    raw = np.linalg.eigvals(A).real.max()
    assert abs(raw + 1.5e-9 * w) < 1e-6 * w  # rounding noise is present ...
    ga.check_stability(A)                    # ... and does not fool the test


def test_undamped_pair_has_no_steady_state():
    w = 2 * np.pi * 1e5
    model = ArrayModel.unidirectional_pair(1e-18, w, 0.05 * 1e-18 * w**2, 1e-40)
    with pytest.raises(NoSteadyStateError, match="does not decay"):
        ga.steady_state(model)


@pytest.mark.parametrize("n_particles", [3, 10])
def test_chain_threshold_agrees_with_the_closed_form(n_particles):
    # critical_coupling solves the growth condition per eigenvalue of the coupling
    # pattern in closed form; Lyapunov must switch at the same coupling
    w0_over_gamma = 20.0
    g_c = critical_coupling(n_particles, w0_over_gamma)
    for factor, stable in ((0.98, True), (1.02, False)):
        C = chain_couplings(n_particles, w0_over_gamma, factor * g_c, np.pi / 4, np.pi / 4)
        A = ga.drift_matrix(np.ones(n_particles), np.full(n_particles, w0_over_gamma**2), C,
                            gamma=1.0, damping="brownian")
        if stable:
            ga.check_stability(A)
        else:
            with pytest.raises(NoSteadyStateError):
                ga.check_stability(A)
