"""Tests of optbind.langevin: exact OU sampling and spectra.

Statistical assertions are z-scores against the standard error of the sample
(independent trajectories), never a fixed tolerance tuned to one seed; a bound
of 5 (5.5 for 257 frequency bins) makes a chance failure ~1e-4 for any seed.
"""

import numpy as np
import pytest
import scipy.linalg as sla
import scipy.signal

from optbind import gaussian, langevin
from optbind.model import ArrayModel

W = 2 * np.pi * 1e5


def _model():
    return ArrayModel.dimensionless([1.0], [[0.0]], [[0.2]], gamma=0.2, n_th=3.0)


def test_seeded_reproducible_and_shapes():
    mod = _model()
    t = np.linspace(0, 5 / W, 11)
    a = langevin.simulate(mod, t, n_traj=7, seed=3)
    b = langevin.simulate(mod, t, n_traj=7, seed=np.random.default_rng(3))
    assert a.shape == (11, 7, 2)
    # an int seed is numpy.random.default_rng(seed)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, langevin.simulate(mod, t, n_traj=7, seed=4))
    with pytest.raises(TypeError, match="seed"):
        langevin.simulate(mod, t, n_traj=7, seed="3")
    with pytest.raises(ValueError, match="n_traj"):
        langevin.simulate(mod, t, n_traj=0, seed=0)
    with pytest.raises(ValueError, match="times"):
        langevin.simulate(mod, t[::-1], seed=0)
    # the initial covariance must be positive semidefinite (it used to be clipped)
    bad = gaussian.GaussianMoments(np.zeros(2), -1e-30 * np.eye(2) + 0j)
    with pytest.raises(ValueError, match="initial.covariance"):
        langevin.simulate(mod, t, seed=0, initial=bad)


def test_one_long_step_equals_many_short_steps_in_distribution():
    """Exact in distribution: the step size does not matter, and both agree with the
    exact moments of optbind.gaussian (same default damping, "lindblad", in both)."""
    mod = _model()
    n = 20000
    s = gaussian.moment_equations(mod).scale
    init = gaussian.GaussianMoments(
        np.array([3.0, -1.0]) * s, np.zeros((2, 2), complex)
    )
    T = 4.0 / W
    one = langevin.simulate(mod, [0, T], n_traj=n, seed=1, initial=init)[-1] / s
    many = (
        langevin.simulate(mod, np.linspace(0, T, 41), n_traj=n, seed=2, initial=init)[
            -1
        ]
        / s
    )
    ev = gaussian.evolve(mod, init, [T])
    mean_ref, var_ref = ev.mean[0] / s, np.diag(ev.covariance[0]) / s**2
    for sample in (one, many):
        # sample mean: standard error sqrt(var/n)
        z_mean = (sample.mean(0) - mean_ref) / np.sqrt(var_ref / n)
        # sample variance of Gaussian data: standard error var sqrt(2/n)
        z_var = (sample.var(0) - var_ref) / (var_ref * np.sqrt(2.0 / n))
        assert np.all(np.abs(z_mean) < 5) and np.all(np.abs(z_var) < 5), (z_mean, z_var)
    # difference of two independent sample means: sigma = sqrt(2 var/n)
    sig = np.sqrt((one.var(0) + many.var(0)) / n)
    assert np.all(np.abs(one.mean(0) - many.mean(0)) < 5 * sig)


def _expected_welch(mod, stationary, dt, nperseg, damping):
    """Expectation of the one-sided Hann-window Welch estimate of z_1 (no detrending)
    from the exact stationary covariance function R(m dt) = [exp(A m dt) V]_zz:
    E P(f) = 2 sum_m c_m R(m dt) cos(2 pi f m dt)/(f_s sum w^2) with
    c_m = sum_n w_n w_{n+m}."""
    eqs = gaussian.moment_equations(mod, damping=damping)
    A, _, _ = eqs.scaled()
    s = eqs.scale
    V = stationary.covariance / np.outer(s, s)
    step, prop = sla.expm(A * dt), np.eye(A.shape[0])
    R = np.empty(nperseg)
    for m in range(nperseg):
        R[m] = (prop @ V)[0, 0] * s[0] ** 2
        prop = step @ prop
    w = scipy.signal.get_window("hann", nperseg)
    c = np.array([np.dot(w[: nperseg - m], w[m:]) for m in range(nperseg)])
    f = np.fft.rfftfreq(nperseg, dt)
    lags = np.arange(1, nperseg)
    E = c[0] * R[0] + 2 * np.sum(
        c[1:] * R[1:] * np.cos(2 * np.pi * f[:, None] * lags * dt), axis=1
    )
    E *= dt / np.sum(w**2)
    E[1:-1] *= 2  # one-sided: DC and Nyquist are not doubled
    return f, E


def test_welch_psd_matches_expected_estimate():
    """One-sided Welch PSD of sampled trajectories vs its exact expectation (z-scores),
    and that expectation vs 2 S_zz(2 pi f) of gaussian.spectral_density (two-sided).

    The Brownian damping of Eq. (96) is used throughout (given explicitly: the
    engines' default is Lindblad).
    """
    mod = _model()
    st = gaussian.steady_state(mod, damping="brownian")
    dt = 0.25 / W
    T, n_traj, nperseg = 4096, 64, 512
    x = langevin.simulate(
        mod, np.arange(T) * dt, n_traj=n_traj, seed=5, initial=st, damping="brownian"
    )
    f, S = langevin.power_spectral_density(
        x[..., 0], dt, nperseg=nperseg, average_axis=None
    )
    f_ref, E = _expected_welch(mod, st, dt, nperseg, "brownian")
    np.testing.assert_allclose(f, f_ref, rtol=1e-14)
    # trajectories are independent: standard error of the mean over them
    se = S.std(axis=1, ddof=1) / np.sqrt(n_traj)
    z = (S.mean(axis=1) - E) / se
    # measured max |z| = 3.1 over the 257 bins (2.6 in the resonance band)
    assert np.max(np.abs(z)) < 5.5, np.max(np.abs(z))
    # Parseval: int S df = variance per trajectory; z-score of the mean (measured 1.2)
    var = S.sum(axis=0) * (f[1] - f[0])
    z_var = (var.mean() - st.covariance[0, 0]) / (var.std(ddof=1) / np.sqrt(n_traj))
    assert abs(z_var) < 5, z_var
    # The expected estimate is the analytic spectrum smeared by the window: near the
    # resonance (Lorentzian of width gamma = 0.2 W, i.e. 4 bins of 512 samples) the
    # leakage bias falls as 1/nperseg^2.  Measured in the band 0.6 W < 2 pi f < 1.4 W:
    # 6.3e-2 (512), 4.9e-3 (2048), 1.24e-3 (4096); bound 1.2 x, ratio 3.96 (rtol 0.05).
    devs = []
    for n in (512, 2048, 4096):
        f_n, E_n = _expected_welch(mod, st, dt, n, "brownian")
        ana = (
            2
            * gaussian.spectral_density(mod, 2 * np.pi * f_n, damping="brownian")[
                :, 0, 0
            ].real
        )
        band = (f_n > 0.6 * W / (2 * np.pi)) & (f_n < 1.4 * W / (2 * np.pi))
        devs.append(np.max(np.abs(E_n[band] / ana[band] - 1)))
    assert devs[0] < 0.076 and devs[2] < 1.5e-3, devs
    assert devs[1] / devs[2] == pytest.approx(4.0, rel=0.05, abs=0)
