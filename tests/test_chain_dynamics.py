"""What the unstable chain does (optbind.analysis.chain_dynamics): record analysis on
signals with known answers, the Lyapunov exponent against its two known cases (linear
growth rate at the foci, zero on the limit cycle), the driven engine against the closed
form of a forced oscillator and the linear chain susceptibility, the 1 dB point.

Tolerances are measured errors times a stated margin (numbers in the comments).
"""
from __future__ import annotations

import numpy as np
import pytest

from optbind.analysis import amplification as amp
from optbind.analysis import chain_dynamics as cd
from optbind.dynamics.nonlinear import Trajectories, TweezerArrayDynamics
from optbind.dynamics.response import susceptibility
from optbind.linear.chain import chain_array


def _signal_trajectories(t, z, v):
    """Trajectories (one trajectory, axis z) holding given displacements, velocities."""
    n = z.shape[1]
    dims4 = ("time", "trajectory", "particle", "axis")
    return Trajectories(
        data={"displacement": z[:, None, :, None], "momentum": v[:, None, :, None],
              "mass": np.ones(n), "stiffness": np.ones((n, 1))},
        dims={"displacement": dims4, "momentum": dims4, "mass": ("particle",),
              "stiffness": ("particle", "axis")},
        coords={"time": t, "trajectory": np.arange(1), "particle": np.arange(n),
                "axis": np.array(["z"])},
        units={"displacement": "m", "momentum": "kg m/s", "mass": "kg",
               "stiffness": "N/m", "time": "s", "trajectory": "1", "particle": "1",
               "axis": "1"})


@pytest.fixture(scope="module")
def chain3():
    return cd.chain_engine(3)


# ------------------------------------------------------------ record analysis
def test_lock_in_recovers_amplitude_and_rejects_other_lines():
    """A = 2/T int x e^{iwt}: exact for a whole number of periods up to the trapezoid
    error (measured 3e-7 at 200 samples per period); a line at 1.5 w leaks < 1e-3."""
    t = np.linspace(0.0, 40 * np.pi, 8001)
    x = 0.7 * np.cos(2.0 * t + 0.3) + 5.0 * np.cos(3.0 * t)
    a = cd.lock_in(t, x, 2.0)
    assert abs(a - 0.7 * np.exp(-0.3j)) < 5e-3   # measured 1.4e-3 (leak of the 5 line)
    b = cd.lock_in(t, np.stack([x, 2 * x], axis=1), 3.0, t_min=10.0)
    assert np.allclose(np.abs(b), [5.0, 10.0], rtol=2e-3)


def test_poincare_returns_of_a_known_orbit():
    """z1 = cos(wt), z2 = 0.5 sin(wt) sampled 8 times per period: the upward zero
    crossings of z1 are at wt = 3 pi/2 + 2 pi k with z2 = -0.5 (Hermite interpolation,
    measured errors 2e-4 in time x w and 3e-4 in z2)."""
    w = 3.0
    t = np.arange(0, 400) * (2 * np.pi / w / 8)
    z = np.stack([np.cos(w * t), 0.5 * np.sin(w * t)], axis=1)
    v = np.stack([-w * np.sin(w * t), 0.5 * w * np.cos(w * t)], axis=1)
    tr = _signal_trajectories(t, z, v)
    times, states = cd.poincare_returns(tr)
    k = np.round((w * times - 1.5 * np.pi) / (2 * np.pi))
    assert np.max(np.abs(w * times - 1.5 * np.pi - 2 * np.pi * k)) < 2e-3
    assert np.max(np.abs(states[:, 1] + 0.5)) < 2e-3
    assert np.max(np.abs(states[:, 0])) < 1e-12
    assert cd.return_spread(states, 0.5) < 5e-3
    # a second frequency (a torus) spreads the returns over O(1)
    z2 = z.copy()
    z2[:, 1] += 0.4 * np.cos(w * t / np.sqrt(5.0))
    v2 = v.copy()
    v2[:, 1] -= 0.4 * w / np.sqrt(5.0) * np.sin(w * t / np.sqrt(5.0))
    _, s2 = cd.poincare_returns(_signal_trajectories(t, z2, v2))
    assert cd.return_spread(s2, 0.5) > 0.3
    d = cd.return_distances(s2, 0.5, 5)
    assert d.shape == (5,) and np.all(d > 0.05)


def test_spectral_lines_and_mode_shape_of_a_two_tone_signal():
    """Lines on the bins 318 and 398 (relative power 0.09 = 0.3^2, measured 0.0900)."""
    t = np.arange(20000) * 0.05
    dw = 2 * np.pi / (t.size * 0.05)
    x = np.cos(318 * dw * t) + 0.3 * np.cos(398 * dw * t + 1.0)
    w, p = cd.spectral_lines(t, x, threshold=1e-3)
    assert w.size == 2 and abs(w[0] - 318 * dw) < 1e-9 and abs(w[1] - 398 * dw) < 1e-9
    assert p[1] == pytest.approx(0.09, rel=1e-3)
    # mode shape: particle 2 = -0.5 x particle 1 at the strongest frequency
    z = np.stack([np.cos(2.0 * t), -0.5 * np.cos(2.0 * t)], axis=1)
    tr = _signal_trajectories(t, z, np.zeros_like(z))
    freq, shape = cd.mode_shape(tr)
    assert abs(freq - 2.0) < 0.05 * dw
    assert np.allclose(shape[0] / shape[0, 0], [1.0, -0.5], atol=1e-3)
    assert float(cd.mode_overlap(shape[0], [2.0, -1.0])) == pytest.approx(1.0, abs=1e-9)


def test_classify_attractor_rules():
    kw = dict(amplitude_floor=1e-3)
    assert cd.classify_attractor(1e-4, 0.0, 0.01, 0.0, **kw) == "fixed point"
    assert cd.classify_attractor(1.0, 0.1, 0.01, 1.0, **kw) == "chaotic"
    assert cd.classify_attractor(1.0, 0.02, 0.01, 0.001, **kw) == "limit cycle"
    assert cd.classify_attractor(1.0, 0.0, 0.01, 1.0, **kw) == "quasi-periodic"


def test_compression_point_of_a_known_saturation():
    """G = G0/(1 + (F/F0)^2) drops by 1 dB at F = F0 sqrt(10^0.1 - 1) = 0.5088 F0; the
    log-linear interpolation on 41 points per two decades is good to 1e-2 (measured
    4.4e-3)."""
    f = np.logspace(-1, 1, 41)
    g = 7.0 / (1 + (f / 2.0) ** 2)
    r = cd.compression_point(f, g, np.sqrt(g) * f)
    assert r["force"] == pytest.approx(2.0 * np.sqrt(10**0.1 - 1), rel=1e-2)
    assert r["small_signal_gain"] == pytest.approx(7.0, rel=1e-2)
    assert np.isnan(cd.compression_point(f, np.full(f.size, 3.0), f)["force"])


# ------------------------------------------------------------------ engine
def test_engine_threshold_is_the_chain_model_threshold(chain3):
    """g_c of the engine's Jacobian vs amplification.critical_coupling (closed form):
    measured 0.63683 vs 0.63499 (N = 3, +0.29 %, the O(1/kd) deviation at kd = 57)."""
    gc = cd.engine_critical_coupling(3)
    ref = amp.critical_coupling(3, 20.0)
    assert gc == pytest.approx(ref, rel=0.01)
    ce = cd.chain_engine(3, gc)
    assert abs(ce.engine.linear_rates()[0].real / ce.chain.gamma) < 1e-5


def test_lyapunov_at_the_foci_is_the_linear_growth_rate(chain3):
    """Known case 1: at the unstable fixed point the separation of two trajectories
    grows at max Re(lambda).  Measured 0.29005 +- 0.0001 against 0.28906 from the
    Jacobian (N = 3, omega0 dt = 0.2; BAOAB's growth rate is high by O(dt^2): 0.2900 at
    0.1, 0.2929 at 0.2 in tests/test_nonlinear.py).  The reference (started at
    1e-6/kappa) takes the shape of the unstable eigenvector (overlap 0.99999)."""
    ch, eng = chain3
    dt = 0.2 / ch.omega0
    rng = np.random.default_rng(4)
    q0 = rng.normal(size=(3, 1)) * 1e-6 / ch.array.kappa
    r = cd.lyapunov_exponent(eng, q0, dt=dt, n_segments=6, segment_steps=200,
                             discard=3, n_blocks=3, record_every=2)
    lam, vec = cd.unstable_mode(eng)
    assert lam.real == pytest.approx(eng.linear_rates()[0].real, rel=1e-9)
    rate = r["exponent"][0] / ch.gamma
    assert abs(rate - lam.real / ch.gamma) < 4e-3 + 3 * r["error"][0] / ch.gamma
    tr = r["trajectories"]
    assert tr.displacements.shape == (601, 1, 3, 1)
    assert np.max(np.abs(tr.displacements)) * ch.array.kappa < 1e-3   # linear regime
    _, shape = cd.mode_shape(tr, t_min=tr.times[-1] / 2)
    assert float(cd.mode_overlap(shape[0], vec)) > 0.999


def test_lyapunov_on_the_limit_cycle_is_zero(chain3):
    """Known case 2: on the N = 3 limit cycle (reached by t ~ 20/gamma from 5e-2/kappa)
    the phase direction is neutral.  Measured exponent 0.0009 +- 0.0016 gamma; the
    Poincare returns of the cycle coincide (spread 0.002) and its frequency from the
    return times equals the lock-in line (19.50 gamma, below the linear 19.67)."""
    ch, eng = chain3
    dt = 0.2 / ch.omega0
    rng = np.random.default_rng(1)
    q0 = rng.normal(size=(3, 1)) * 5e-2 / ch.array.kappa
    r = cd.lyapunov_exponent(eng, q0, dt=dt, n_segments=40, segment_steps=100,
                             discard=22, n_blocks=6, record_every=2)
    lyap, err = r["exponent"][0] / ch.gamma, r["error"][0] / ch.gamma
    assert abs(lyap) < 3 * err + 2e-3 and err < 0.01
    tr = r["trajectories"]
    t_min = 22 / ch.gamma
    amps = cd.site_amplitudes(tr, t_min=t_min)[0] * ch.array.kappa
    # measured 1.44, 0.90, 0.51
    assert np.all(np.diff(amps) < 0) and 1.0 < amps[0] < 2.0
    times, states = cd.poincare_returns(tr, t_min=t_min)
    spread = cd.return_spread(states, np.sqrt(np.mean(amps**2)) / ch.array.kappa)
    assert spread < 0.01
    w_ret = 2 * np.pi / np.mean(np.diff(times))
    w_line, _ = cd.mode_shape(tr, t_min=t_min)
    assert w_line == pytest.approx(w_ret, rel=2e-3)
    assert cd.classify_attractor(amps.max(), lyap, err, spread,
                                 amplitude_floor=1e-2) == "limit cycle"


def test_drive_of_free_particles_is_the_forced_oscillator():
    """Binding off, particles independent: the lock-in amplitude of a particle driven on
    resonance is F/(m gamma w) (measured 2.2e-3 relative at omega dt = 0.1, from the
    steady state; the Verlet frequency shift w (w dt)^2/24 enters only quadratically at
    resonance, and as a phase of about 2 dw/gamma = 0.014 rad, measured -0.0128);
    measured_gain gives
    |chi_11|^2 = 1 of response.susceptibility for C = 0."""
    ch = chain_array(2)
    eng = TweezerArrayDynamics(ch.array, gamma=ch.gamma, temperature=0.0, recoil="off",
                               binding=False, static_force="compensate")
    m = ch.array.masses[0]
    w = np.sqrt(-np.diag(eng.stiffness()) / m)
    wd = w[0]
    f0 = 1e-3 / ch.array.kappa * m * w[0] * ch.gamma
    amps = np.array([[f0], [0.0]])
    # z = Re[resp F e^{-iwt}]
    resp = 1.0 / (m * (w[0] ** 2 - wd**2 - 1j * ch.gamma * wd))
    a0 = resp * f0
    q0 = np.array([[a0.real], [0.0]])
    p0 = np.array([[m * wd * a0.imag], [0.0]])
    dt = 0.1 / ch.omega0
    tr = eng.simulate(dt=dt, n_steps=int(6 / ch.gamma / dt), initial_displacements=q0,
                      initial_momenta=p0, drive=cd.resonant_drive(amps, wd))
    a = cd.lock_in(tr.times, tr.displacements[:, 0, :, 0], wd, t_min=2 / ch.gamma)
    assert abs(abs(a[0] / a0) - 1) < 4e-3
    shift = w[0] * (w[0] * dt) ** 2 / 24      # Verlet frequency shift (rad/s)
    assert abs(np.angle(a[0] / a0)) < 1.5 * 2 * shift / ch.gamma
    assert abs(a[1]) < 1e-6 * abs(a0)
    gain = cd.measured_gain(abs(a[0]), f0, m, w[0], ch.gamma)
    chi = susceptibility([wd], [[0.0]], w[0], ch.gamma)[0, 0, 0]
    assert float(gain) == pytest.approx(abs(chi) ** 2, rel=8e-3)   # measured 4.4e-3
    assert abs(chi) == pytest.approx(1.0, abs=1e-12)


def test_stable_chain_gain_small_and_large_drive():
    """N = 3 at g = 0.5 g_c (stable, slowest decay 0.25 gamma): the end-to-end gain
    |chi_1N|^2 (drive on particle N, output at 1) at small drive equals the linear
    susceptibility of the engine's Jacobian (measured ratio 1.0062 at omega0 dt = 0.1,
    the integrator's O(dt^2) error: +0.80 % and +0.32 % at omega0 dt = 0.1 and 0.05 for
    0.8 g_c); a drive giving kappa|z_1| ~ 0.8 compresses it (measured ratio 0.55)."""
    gc = cd.engine_critical_coupling(3)
    ch, eng = cd.chain_engine(3, 0.5 * gc)
    m, kappa, gamma = ch.array.masses[0], ch.array.kappa, ch.gamma
    s = eng.stiffness()
    w0 = np.sqrt(np.mean(-np.diag(s)) / m)
    c_over_m = (s - np.diag(np.diag(s))) / m + np.diag(w0**2 + np.diag(s) / m)
    pk = amp.transmission_peak(np.linspace(0.9, 1.1, 401) * w0 / gamma,
                               c_over_m / gamma**2, w0 / gamma, 1.0)
    wd = pk["omega_peak"] * gamma
    chi = susceptibility([wd], c_over_m, w0, gamma)[0][:, 2]
    f = np.array([1e-3, 0.8]) / kappa * m * w0 * gamma / abs(chi[0])
    amps = np.zeros((2, 3, 1))
    amps[:, 2, 0] = f
    a_lin = 1j * chi[None, :] * f[:, None] / (m * w0 * gamma)
    dt = 0.1 / ch.omega0
    tr = eng.simulate(dt=dt, n_steps=int(12 / gamma / dt), n_traj=2,
                      initial_displacements=a_lin.real[..., None],
                      initial_momenta=(m * wd * a_lin.imag)[..., None],
                      drive=cd.resonant_drive(amps, wd), record_every=2)
    out = cd.lock_in(tr.times, tr.displacements[:, :, 0, 0], wd, t_min=6 / gamma)
    gain = cd.measured_gain(np.abs(out), f, m, w0, gamma)
    assert gain[0] / abs(chi[0]) ** 2 == pytest.approx(1.0, abs=1.5e-2)
    assert abs(chi[0]) ** 2 == pytest.approx(pk["forward"], rel=1e-8)
    assert gain[1] / gain[0] < 0.8


# ------------------------------------------------------------------ bad input
def test_bad_input_is_rejected(chain3):
    ch, eng = chain3
    t = np.linspace(0, 10, 100)
    with pytest.raises(ValueError, match="frequency"):
        cd.lock_in(t, np.cos(t), -1.0)
    with pytest.raises(ValueError, match="x must have shape"):
        cd.lock_in(t, np.cos(t[:-1]), 1.0)
    with pytest.raises(ValueError, match="period"):
        cd.lock_in(t, np.cos(t), 0.1)
    with pytest.raises(TypeError, match="Trajectories"):
        cd.site_amplitudes(np.zeros((10, 1, 3, 1)))
    with pytest.raises(TypeError, match="TweezerArrayDynamics"):
        cd.unstable_mode(ch)
    with pytest.raises(ValueError, match="last dimension"):
        cd.mode_overlap([1, 2], [1, 2, 3])
    with pytest.raises(ValueError, match="threshold"):
        cd.spectral_lines(t, np.cos(t), threshold=2.0)
    with pytest.raises(ValueError, match="scale"):
        cd.return_spread(np.zeros((3, 2)), 0.0)
    with pytest.raises(ValueError, match="max_lag"):
        cd.return_distances(np.zeros((3, 2)), 1.0, 3)
    noisy = TweezerArrayDynamics(ch.array, gamma=ch.gamma, temperature=1.0,
                                 recoil="off", static_force="compensate")
    with pytest.raises(ValueError, match="deterministic"):
        cd.lyapunov_exponent(noisy, np.zeros((3, 1)), dt=1e-7, n_segments=3,
                             segment_steps=1, n_blocks=2)
    with pytest.raises(ValueError, match="initial_displacements"):
        cd.lyapunov_exponent(eng, np.zeros((2, 1)), dt=1e-7, n_segments=3,
                             segment_steps=1, n_blocks=2)
    with pytest.raises(ValueError, match="record_every"):
        cd.lyapunov_exponent(eng, np.zeros((3, 1)), dt=1e-7, n_segments=3,
                             segment_steps=4, n_blocks=2, record_every=3)
    with pytest.raises(ValueError, match="n_blocks"):
        cd.lyapunov_exponent(eng, np.zeros((3, 1)), dt=1e-7, n_segments=3,
                             segment_steps=1, n_blocks=5)
    with pytest.raises(ValueError, match="amplitude_floor"):
        cd.classify_attractor(1.0, 0.0, 0.0, 0.0, amplitude_floor=0.0)
    with pytest.raises(ValueError, match="amplitudes"):
        cd.resonant_drive([1.0, 2.0], 1.0)
    with pytest.raises(ValueError, match="force"):
        cd.measured_gain(1.0, 0.0, 1.0, 1.0, 1.0)
    with pytest.raises(ValueError, match="increasing"):
        cd.compression_point([2.0, 1.0], [1.0, 1.0], [1.0, 1.0])
    with pytest.raises(ValueError, match="bracket"):
        cd.engine_critical_coupling(3, bracket=(0.7, 1.0))
    with pytest.raises(ValueError, match="temperature"):
        cd.chain_engine(3, noise=True, temperature=-1.0)
    with pytest.raises(TypeError, match="drive"):
        eng.simulate(dt=1e-7, n_steps=1, drive=np.ones((3, 1)))
