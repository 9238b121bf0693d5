"""Spectra of the linearised model (optbind.dynamics.spectra): routes and identities.

Routes: (a) the closed form S = H Q H^dag; (b) the master equation in a Fock
basis via QuTiP two-time correlation functions; (c) exact Langevin
trajectories with Welch estimates (symmetrised part only).  Tolerances are
measured errors times a stated margin.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.integrate as si

from optbind import gaussian, langevin
from optbind.conventions import HBAR
from optbind.dynamics import spectra as sp
from optbind.model import ArrayModel
from optbind.response import susceptibility

U = 2 * np.pi * 1e5  # frequency unit of ArrayModel.dimensionless (rad/s)


def _pair(gamma=0.3, n_th=0.01):
    """Generic consistent pair: nonreciprocal C, Re and Im D_12, unequal frequencies.

    Occupations ~0.05 (fast Fock-space convergence, ratio ~0.07 per level).
    """
    C = np.array([[0.0, 0.04], [0.01, 0.0]])
    th = (C[0, 1] - C[1, 0]) / 4  # Im D_12 = hbar (C12 - C21)/4
    D = np.array([[0.01, 0.004 + 1j * th], [0.004 - 1j * th, 0.009]])
    return ArrayModel.dimensionless(
        omega_eff=[1.0, 1.05], C=C, D=D, gamma=gamma, n_th=n_th
    )


def _inconsistent():
    """Same couplings, no cross noise: violates C - C^T = 4 Im D/hbar."""
    m = _pair()
    return m.replace(D=np.diag(np.diag(m.D)))


def _single(gamma, n_th=0.3, D=0.02):
    return ArrayModel.dimensionless(
        omega_eff=[1.0], C=[[0.0]], D=[[D]], gamma=gamma, n_th=n_th
    )


def _half_line(model, lo, hi):
    """int S d omega/(2 pi) over (lo, hi) in units of pi/2 of omega = U tan(u)."""
    s = gaussian.moment_equations(model).scale
    ss = np.outer(s, s)

    def f(u):
        w = U * np.tan(u)
        return (
            sp.spectral_matrix(model, [w])[0] / ss * (U / np.cos(u) ** 2) / (2 * np.pi)
        )

    val, _ = si.quad_vec(f, lo, hi, epsabs=1e-13, epsrel=1e-11)
    return val * ss


# ---------------------------------------------------------------- identities
def test_symmetrised_spectrum_is_mean_of_the_two_orderings():
    m = _pair()
    w = U * np.linspace(-2, 2, 41)
    S = sp.spectral_matrix(m, w)
    Sm = sp.spectral_matrix(m, -w)
    Sb = sp.spectral_matrix(m, w, ordering="symmetrised")
    assert np.array_equal(Sb, gaussian.spectral_density(m, w))  # one implementation
    # matrix algebra only: 3e-16 relative measured -> 1e-12
    np.testing.assert_allclose(
        Sb, 0.5 * (S + np.swapaxes(Sm, 1, 2)), rtol=0, atol=1e-12 * np.abs(Sb).max()
    )
    # Hermitian and positive semidefinite at every frequency
    np.testing.assert_allclose(
        S, np.conj(np.swapaxes(S, 1, 2)), rtol=0, atol=1e-13 * np.abs(S).max()
    )
    ss = np.outer(*(2 * [gaussian.moment_equations(m).scale]))
    assert np.linalg.eigvalsh(S / ss).min() > -1e-12 * np.abs(S / ss).max()


def test_spectrum_integrates_to_stationary_moments_with_commutators():
    """int S d omega/2 pi = <x_a x_b> (complex); halves = closed-form weights."""
    m = _pair()
    st = gaussian.steady_state(m)
    plus = _half_line(m, 0.0, np.pi / 2)
    minus = _half_line(m, -np.pi / 2, 0.0)
    scale = np.abs(st.S).max()
    # adaptive quadrature: 3e-15 relative measured -> 1e-10
    np.testing.assert_allclose(plus + minus, st.S, rtol=0, atol=1e-10 * scale)
    np.testing.assert_allclose(
        (plus + minus - (plus + minus).T)[:2, 2:],
        1j * HBAR * np.eye(2),
        rtol=0,
        atol=1e-9 * HBAR,
    )
    wp, wm = sp.sideband_weights(m)
    np.testing.assert_allclose(wp, plus, rtol=0, atol=1e-10 * scale)
    np.testing.assert_allclose(wm, minus, rtol=0, atol=1e-10 * scale)


def test_sideband_difference_obeys_kubo_only_for_consistent_noise():
    w = U * np.array([0.3, 0.8, 0.97, 1.0, 1.04, 1.6])
    m = _pair()
    diff = sp.commutator_spectrum(m, w)
    kubo = sp.kubo_commutator_spectrum(m, w)
    # 1e-15 relative measured -> 1e-10
    np.testing.assert_allclose(diff, kubo, rtol=0, atol=1e-10 * np.abs(kubo).max())
    # position block: -i hbar (chi - chi^dag), chi from the transfer matrix
    chi = sp.susceptibility_matrix(m, w)
    ref = -1j * HBAR * (chi - np.conj(np.swapaxes(chi, 1, 2)))
    np.testing.assert_allclose(
        kubo[:, :2, :2], ref, rtol=0, atol=1e-12 * np.abs(ref).max()
    )
    # one particle: S(w) - S(-w) = 2 hbar Im chi, whatever the occupation
    np.testing.assert_allclose(
        diff[:, 0, 0].real, 2 * HBAR * chi[:, 0, 0].imag, rtol=1e-10
    )
    bad = _inconsistent()
    resid = sp.commutator_spectrum(bad, w) - sp.kubo_commutator_spectrum(bad, w)
    # the missing Im D_12 shows in the cross element: measured 0.4 of its scale
    assert np.abs(resid[:, 0, 1]).max() > 0.1 * np.abs(kubo[:, 0, 1]).max()


def test_noise_contributions_sum_and_parity():
    m = _pair()
    w = U * np.linspace(0.2, 2.0, 10)
    parts = sp.noise_contributions(m, w)
    parts_m = sp.noise_contributions(m, -w)
    S = sp.spectral_matrix(m, w)
    total = sum(parts[k] for k in sp.NOISE_TERMS)
    np.testing.assert_allclose(total, S, rtol=0, atol=1e-12 * np.abs(S).max())
    sc = np.abs(S).max()
    # Im D is antisymmetric noise: no symmetrised part
    ic, ic_m = parts["im_cross"], parts_m["im_cross"]
    np.testing.assert_allclose(ic + np.swapaxes(ic_m, 1, 2), 0, atol=1e-14 * sc)
    assert np.abs(ic).max() > 1e-4 * sc
    # real symmetric noise gives equal sidebands: S(-w)^T = S(w)
    for key in ("recoil", "correlated_recoil"):
        np.testing.assert_allclose(
            np.swapaxes(parts_m[key], 1, 2), parts[key], rtol=0, atol=1e-14 * sc
        )


def test_single_particle_sideband_weights():
    """W_+ - W_- = l^2 atan2(omega, gamma/2)/pi; weights (n+1)/2, n/2 for gamma -> 0."""
    for gamma in (1e-3, 0.05, 0.4):
        m = _single(gamma)
        res = sp.sideband_asymmetry(m)
        # exact (derived in the module docstring): 1e-16 measured -> 1e-12
        assert res["imbalance"] == pytest.approx(
            np.arctan2(1.0, gamma / 2) / np.pi, rel=1e-12
        )
    m = _single(1e-3)
    res = sp.sideband_asymmetry(m)
    n = res["n_phonon"]
    ell2 = m.length_scale[0] ** 2
    # deviations O(gamma/(pi omega)) = 3e-4 -> 2e-3 relative
    assert res["stokes"] / ell2 == pytest.approx((n + 1) / 2, rel=2e-3)
    assert res["anti_stokes"] / ell2 == pytest.approx(n / 2, rel=2e-3)
    assert res["ratio"] == pytest.approx((n + 1) / n, rel=2e-3)
    assert res["n_sideband"] == pytest.approx(n, rel=2e-3)
    # a single oscillator with recoil: n = n_th + Gamma/gamma exactly (Lindblad)
    gam_rec = m.D[0, 0].real * ell2 / HBAR**2
    assert n == pytest.approx(0.3 + gam_rec / m.gamma, rel=1e-9)


def test_susceptibility_matches_response_module():
    """Transfer-matrix chi = SI optbind.response (Lindblad shifts omega0^2)."""
    C = np.array([[0.0, 0.05, 0.0], [0.0, 0.0, 0.05], [0.02, 0.0, 0.0]])
    m = ArrayModel.dimensionless(omega_eff=1.0, C=C, D=0.01 * np.eye(3), gamma=0.2)
    w = U * np.linspace(0.7, 1.3, 25)
    w0, g, mass = m.omega_eff[0], m.gamma, m.masses[0]
    for damping, w0_eff in (("brownian", w0), ("lindblad", np.sqrt(w0**2 + g**2 / 4))):
        chi = sp.susceptibility_matrix(m, w, damping=damping)
        ref = 1j * susceptibility(w, m.C / mass, w0_eff, g) / (mass * w0_eff * g)
        np.testing.assert_allclose(chi, ref, rtol=1e-10, atol=1e-12 * np.abs(ref).max())
    # the zero-point peak of one Lindblad oscillator is 2 l^2/gamma (1 + O(gamma^2))
    s = _single(0.01, n_th=0.0)
    ref = 2 * s.length_scale[0] ** 2 / s.gamma
    assert sp.zero_point_spectrum(s) == pytest.approx(ref, rel=1e-4)


def test_correlation_function_transforms_to_spectrum():
    """Direct Fourier transform of e^{A tau} S reproduces H Q H^dag (Simpson)."""
    m = _pair()
    tau = np.linspace(-160 / U, 160 / U, 16001)  # e^{-0.15 * 160} ~ 4e-11
    C = sp.correlation_function(m, tau)
    w = U * np.array([-1.0, 0.6, 1.0, 1.05])
    ft = si.simpson(
        np.exp(1j * w[:, None] * tau[None, :])[:, :, None, None] * C[None],
        x=tau,
        axis=1,
    )
    S = sp.spectral_matrix(m, w)
    # h = 0.02/U: Simpson error ~ (w h)^4/180 ~ 1e-9; measured 2.4e-10 -> 1e-8
    np.testing.assert_allclose(ft, S, rtol=0, atol=1e-8 * np.abs(S).max())


# ------------------------------------------------------- route (b): QuTiP
def test_quantum_spectra_agree_with_closed_form():
    """Route (b) at n_max = 5; truncation errors measured for n_max = 3..6."""
    pytest.importorskip("qutip", reason="route (b) needs the optional QuTiP")
    m = _pair()
    w = U * np.array([-1.4, -1.0, -0.6, 0.6, 0.9, 1.0, 1.1, 1.5])
    S = sp.position_spectra(m, w, source="master")
    Sq = sp.quantum_spectral_matrix(m, w, n_max=5)
    # relative to each element's largest value: measured max 2.8e-4 at n_max = 5
    # (3: 5e-2, 4: 4e-3, 6: 1.8e-5: geometric, ratio ~0.07 = n/(n+1) per level) -> 1e-3
    err = np.abs(Sq - S) / np.abs(S).max(axis=0)
    assert err.max() < 1e-3
    # the negative-frequency (anti-Stokes) weights are the small ones and still agree
    assert np.all(np.abs(Sq[:3, 0, 0] - S[:3, 0, 0]) < 1e-3 * np.abs(S[:, 0, 0]).max())


def test_quantum_correlations_converge_in_the_fock_cutoff():
    pytest.importorskip("qutip", reason="route (b) needs the optional QuTiP")
    m = _pair()
    tau = np.linspace(0, 60 / U, 301)
    pairs = [(0, 0), (0, 1), (1, 0)]
    ref = sp.correlation_function(m, tau, source="master")
    ref = np.stack([ref[:, a, b] for a, b in pairs], axis=1)
    errs = []
    for n_max in (3, 4, 5):
        q = sp.quantum_correlation(m, tau, pairs, n_max=n_max)
        errs.append(np.max(np.abs(q - ref) / np.abs(ref).max(axis=0)))
    # measured 5e-2, 4e-3, 3e-4: each step gains > 5x (geometric truncation error)
    assert errs[1] < errs[0] / 5 and errs[2] < errs[1] / 5
    assert errs[2] < 1.5e-3


def test_quantum_route_follows_the_master_equation_for_inconsistent_noise():
    """Without Im D_12 the master equation has the drift (C + C^T)/2 + 2 Im D/hbar."""
    pytest.importorskip("qutip", reason="route (b) needs the optional QuTiP")
    bad = _inconsistent()
    w = U * np.array([-1.0, 1.0])
    Sq = sp.quantum_spectral_matrix(bad, w, n_max=4)
    master = sp.position_spectra(bad, w, source="master")
    langevin_ = sp.position_spectra(bad, w, source="langevin")
    scale = np.abs(master).max(axis=0)
    assert np.max(np.abs(Sq - master) / scale) < 1e-2  # 4e-3 measured (n_max=4)
    assert np.max(np.abs(langevin_ - master) / scale) > 5e-2  # 0.3 measured


# ------------------------------------------------------- route (c): Langevin
def test_welch_estimates_agree_with_expected_welch_within_error_bars():
    m = _pair()
    u = m.omega_eff[0]
    dt, nper, n_traj = 0.5 / u, 512, 32
    st = gaussian.steady_state(m)
    x = langevin.simulate(
        m, np.arange(16 * nper) * dt, n_traj=n_traj, seed=3, initial=st
    )
    w, S, err = sp.welch_spectral_matrix(x, dt, nperseg=nper)
    w2, E = sp.expected_welch_spectral_matrix(m, dt, nperseg=nper)
    np.testing.assert_array_equal(w, w2)
    zr = (S.real - E.real) / err.real
    off = ~np.eye(4, dtype=bool)
    has = err.imag[:, off] > 0  # imaginary parts vanish at 0 and Nyquist
    zi = ((S.imag - E.imag)[:, off])[has] / err.imag[:, off][has]
    # z-scores of a t-statistic with 31 dof: E z^2 = 31/29 = 1.07; measured 1.05
    # (real), max |z| 4.2 over 8192 partly correlated values
    assert 0.9 < np.mean(zr**2) < 1.25 and 0.9 < np.mean(zi**2) < 1.25
    assert np.abs(zr).max() < 6 and np.abs(zi).max() < 6
    # and against the closed form itself: bias (aliasing + leakage) 1.4 % measured
    Sc = sp.spectral_matrix(m, w, ordering="symmetrised")
    diag = np.abs(np.einsum("fii->fi", Sc))
    scale = np.sqrt(diag[:, :, None] * diag[:, None, :])
    band = np.abs(np.abs(w) - u) < 0.5 * u
    assert np.max(np.abs(E - Sc)[band] / scale[band]) < 0.03
    stat = (
        np.abs(S - Sc)[band]
        / (np.abs(err.real) + np.abs(err.imag) + 0.03 * scale)[band]
    )
    assert stat.max() < 6


def test_expected_welch_is_exact_parseval_and_converges_to_closed_form():
    m = _pair()
    u = m.omega_eff[0]
    V = gaussian.steady_state(m).S.real
    biases = []
    for dt, nper in ((0.5 / u, 512), (0.25 / u, 4096)):
        w, E = sp.expected_welch_spectral_matrix(m, dt, nperseg=nper)
        par = np.sum(E, axis=0) * (w[1] - w[0]) / (2 * np.pi)
        # sum_k P_k df = C(0) exactly: 2e-14 measured -> 1e-11
        np.testing.assert_allclose(par, V, rtol=0, atol=1e-11 * np.abs(V).max())
        Sc = sp.spectral_matrix(m, w, ordering="symmetrised")
        diag = np.abs(np.einsum("fii->fi", Sc))
        scale = np.sqrt(diag[:, :, None] * diag[:, None, :])
        band = np.abs(np.abs(w) - u) < 0.5 * u
        biases.append(np.max(np.abs(E - Sc)[band] / scale[band]))
    # aliasing (dt) and leakage (nperseg): 1.4 % -> 0.33 % measured
    assert biases[1] < biases[0] / 3 and biases[1] < 6e-3


# ----------------------------------------------------------------- input
@pytest.mark.parametrize(
    "call, exc, word",
    [
        (
            lambda: sp.spectral_matrix(_pair(), [1.0], ordering="normal"),
            ValueError,
            "ordering",
        ),
        (lambda: sp.spectral_matrix("model", [1.0]), TypeError, "model"),
        (lambda: sp.spectral_matrix(_pair(), [[1.0]]), ValueError, "omega"),
        (lambda: sp.spectral_matrix(_pair(), [1j]), TypeError, "omega"),
        (lambda: sp.sideband_asymmetry(_pair(), 2), ValueError, "particle"),
        (lambda: sp.sideband_asymmetry(_pair(), True), TypeError, "particle"),
        (lambda: sp.correlation_function(_pair(), [np.nan]), ValueError, "tau"),
        (
            lambda: sp.welch_spectral_matrix(np.zeros((10, 2)), 1.0, nperseg=8),
            ValueError,
            "x",
        ),
        (
            lambda: sp.welch_spectral_matrix(np.zeros((10, 1, 2)), 0.0, nperseg=8),
            ValueError,
            "dt",
        ),
        (
            lambda: sp.expected_welch_spectral_matrix(_pair(), 1e-7, nperseg=4),
            ValueError,
            "nperseg",
        ),
        (
            lambda: sp.quantum_spectral_matrix(_pair(), [1.0], n_max=0),
            ValueError,
            "n_max",
        ),
        (
            lambda: sp.quantum_correlation(_pair(), [0.0, 1e-6], [(0, 4)], n_max=2),
            ValueError,
            "pairs",
        ),
    ],
)
def test_bad_input(call, exc, word):
    with pytest.raises(exc, match=word):
        call()
