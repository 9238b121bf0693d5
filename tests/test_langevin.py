"""Tests of optbind.langevin: exact OU sampling and spectra."""
import numpy as np
import pytest

from optbind import gaussian, langevin
from optbind.model import ArrayModel

W = 2 * np.pi * 1e5


def _model():
    return ArrayModel.dimensionless([1.0], [[0.0]], [[0.2]], gamma=0.2, n_th=3.0)


def test_seeded_reproducible_and_shapes():
    mod = _model()
    t = np.linspace(0, 5 / W, 11)
    a = langevin.simulate(mod, t, 7, np.random.default_rng(3))
    b = langevin.simulate(mod, t, 7, np.random.default_rng(3))
    assert a.shape == (11, 7, 2)
    np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="rng"):
        langevin.simulate(mod, t, 7, 3)
    with pytest.raises(ValueError, match="n_traj"):
        langevin.simulate(mod, t, 0, np.random.default_rng(0))


def test_one_long_step_equals_many_short_steps_in_distribution():
    """Exact in distribution: the step size does not matter."""
    mod = _model()
    n = 20000
    x0 = np.array([3.0, -1.0]) * gaussian.moment_equations(mod).scale
    T = 4.0 / W
    one = langevin.simulate(mod, [0, T], n, np.random.default_rng(1), x0=x0)[-1]
    many = langevin.simulate(mod, np.linspace(0, T, 41), n, np.random.default_rng(2), x0=x0)[-1]
    s = gaussian.moment_equations(mod).scale
    one, many = one / s, many / s
    # difference of two independent sample means: sigma = sqrt(2 var/n)
    sig = np.sqrt((one.var(0) + many.var(0)) / n)
    assert np.all(np.abs(one.mean(0) - many.mean(0)) < 5 * sig)
    # variances: sd of a sample variance ~ var sqrt(2/n) for Gaussian data
    sv = np.sqrt(2.0 / n) * np.sqrt(one.var(0) ** 2 + many.var(0) ** 2)
    assert np.all(np.abs(one.var(0) - many.var(0)) < 5 * sv)


def test_welch_psd_matches_analytic_spectrum():
    """One-sided Welch PSD = 2 S_zz(2 pi f) (two-sided, gaussian.spectral_density)."""
    mod = _model()
    st = gaussian.steady_state(mod, "brownian")
    dt = 0.25 / W
    T = 4096
    n_traj = 64
    rng = np.random.default_rng(5)
    x = langevin.simulate(mod, np.arange(T) * dt, n_traj, rng, cov0=st.covariance)
    f, S = langevin.power_spectral_density(x[..., 0], dt, nperseg=512)
    ana = 2 * gaussian.spectral_density(mod, 2 * np.pi * f, "brownian")[:, 0, 0].real
    # Welch with a Hann window: bias from window leakage where the Lorentzian
    # (width gamma = 0.2 W, resolution 1/(512 dt) = 0.0078 W... per bin in f)
    # is resolved; statistical error ~ 1/sqrt(n_traj * segments) ~ 2 %.
    band = (f > 0.6 * W / (2 * np.pi)) & (f < 1.4 * W / (2 * np.pi))
    np.testing.assert_allclose(S[band], ana[band], rtol=0.15)
    # Parseval: int S df = variance (within 3 %: window + sampling error)
    var = np.trapezoid(S, f)
    assert var == pytest.approx(st.covariance[0, 0], rel=0.03)
