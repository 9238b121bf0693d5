"""The nonlinear engine (optbind.dynamics.nonlinear): integrator, forces, consistency
with the linear theory (Jacobian, growth rates, stationary covariances), recoil noise.

Tolerances are the measured errors times a stated margin (numbers in the comments);
the statistical tests compare with their own standard errors (z-scores).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import cumulative_trapezoid

from optbind import gaussian
from optbind.analysis.amplification import chain_growth_rate
from optbind.conventions import BOLTZMANN, EPSILON_0, HBAR
from optbind.dynamics.nonlinear import (
    Trajectories,
    TweezerArrayDynamics,
    baoab,
    fit_growth_rate,
    recoil_diffusion,
)
from optbind.electrodynamics.fields import TweezerField
from optbind.electrodynamics.green import dyadic_green, dyadic_green_gradient
from optbind.forces import dipoles
from optbind.forces.scattering import diffusion_matrix
from optbind.linear.array import LinearArray
from optbind.linear.chain import chain_array, chain_couplings
from optbind.linear.model import ArrayModel
from optbind.linear.pair import polarization, two_particle_array
from optbind.parameters import load

PI4 = np.pi / 4


@pytest.fixture(scope="module")
def pair():
    """Unidirectional pair (k d = phi = pi/4) of the delic2020 spheres."""
    return two_particle_array(params="delic2020")


@pytest.fixture(scope="module")
def chain3():
    return chain_array(3)


@pytest.fixture(scope="module")
def chain10():
    return chain_array(10)


def _single_particle():
    p = load("delic2020")
    return LinearArray(
        [[0.0, 0.0, 0.0]],
        [p.field_amplitude * polarization(0.0)],
        p.volume,
        p.mass,
        p.chi,
        p.k,
        p.z_R,
        chi_tilde=p.chi_tilde,
    )


# ---------------------------------------------------------------- forces
def test_binding_kernel_equals_the_full_tensor_contraction():
    """The contracted Green-tensor gradient in binding_forces equals Eq. (C10b) with the
    (..., 3, 3, 3) tensor of dyadic_green_gradient (measured 5e-16 relative)."""
    rng = np.random.default_rng(0)
    k = 2 * np.pi / 1.064e-6
    n = 4
    foci = np.zeros((n, 3))
    foci[:, 0] = np.arange(n) * 3e-6
    amps = (rng.normal(size=(n, 3)) + 1j * rng.normal(size=(n, 3))) * 1e7
    amps[:, 2] = 0.0
    field = TweezerField(foci, amps, k, 1e-6)
    pos = foci + rng.normal(0.0, 2e-7, (3, n, 3))
    vol = 4e-21 * (1 + rng.random(n))
    m = rng.normal(size=(n, 3, 3))
    chi = 0.8 * np.eye(3) + 0.1 * (m + np.swapaxes(m, 1, 2))
    e, de = field.field(pos), field.gradient(pos)
    a = vol[:, None] * np.einsum("jbc,...jc->...jb", chi, e)
    ref = np.zeros(pos.shape)
    for j in range(n):
        for jp in range(n):
            if j == jp:
                continue
            r = pos[..., j, :] - pos[..., jp, :]
            g, dg = dyadic_green(r, k), dyadic_green_gradient(r, k)
            t1 = np.einsum(
                "...ab,bc,...cd,...d->...a",
                de[..., j, :, :].conj(),
                chi[j],
                g,
                a[..., jp, :],
            )
            t2 = np.einsum(
                "...b,bc,...acd,...d->...a",
                e[..., j, :].conj(),
                chi[j],
                dg,
                a[..., jp, :],
            )
            ref[..., j, :] += 0.5 * EPSILON_0 * vol[j] * np.real(t1 + t2)
    got = dipoles.binding_forces(pos, vol, chi, field)
    assert np.max(np.abs(got - ref)) < 1e-12 * np.max(np.abs(ref))
    total = dipoles.total_forces(pos, vol, chi, field, chi_tilde=0.85)
    parts = (
        dipoles.gradient_forces(pos, vol, 0.85, field)
        + dipoles.radiation_pressure_forces(pos, vol, chi, field)
        + got
    )
    assert np.max(np.abs(total - parts)) < 1e-13 * np.max(np.abs(parts))


# ------------------------------------------------------------ integrator
def test_baoab_is_second_order_for_a_deterministic_oscillator():
    """Without noise BAOAB is velocity Verlet: phase error O(dt^2) (ratio 4 per
    halving), read off at a quarter period where z = cos(omega t) crosses zero."""
    errs = []
    for n in (50, 100, 200):
        _, q, _ = baoab(
            lambda x: -x, [1.0], [0.0], [1.0], dt=0.5 * np.pi / n, n_steps=n
        )
        errs.append(abs(q[-1, 0]))
    ratios = np.array(errs[:-1]) / np.array(errs[1:])
    assert np.all(np.abs(ratios - 4.0) < 0.05)  # measured 4.00, 4.00


def _harmonic_case():
    """Two nonreciprocally coupled, damped oscillators with correlated momentum
    noise."""
    m = np.array([1e-18, 1.5e-18])
    w = np.array([1e5, 1.2e5])
    gam, temp = 0.4e5, 1.0
    c = np.array([[0.0, 0.3], [0.05, 0.0]]) * 1e-8  # N/m
    d = np.array([[1.0, 0.4], [0.4, 0.8]]) * m.mean() * gam * BOLTZMANN * temp
    thermal = m * gam * (BOLTZMANN * temp - 0.5 * HBAR * w)
    model = ArrayModel(
        masses=m,
        omega=w,
        C=c,
        D=d + np.diag(thermal),
        K=np.zeros(2),
        gamma=gam,
        n_th=0.0,
    )
    sig_z, sig_p = np.sqrt(BOLTZMANN * temp / (m * w**2)), np.sqrt(m * BOLTZMANN * temp)
    z0, p0 = np.array([1.0, -0.5]) * sig_z, np.array([0.0, 0.5]) * sig_p

    ct = np.ascontiguousarray(c.T)

    def force(q):
        return -q * m * w**2 + q @ ct

    return dict(m=m, gam=gam, temp=temp, d=d, model=model, z0=z0, p0=p0, force=force)


@pytest.mark.slow
def test_baoab_weak_order_two_against_exact_moments():
    """Weak error of <z^2>, <p^2> at t = 3/omega_1 against gaussian.evolve (exact).

    Measured: with n_traj = 4e6 and omega_1 dt = 0.6 ... 0.11 the relative errors of
    <p_1^2>, <p_2^2> fall from 7.9e-2, 1.1e-1 to 2.6e-3, 3.6e-3 (slope 2.0), those of
    <z_2^2> from 2.5e-2 to 4e-4, and <z_1^2> stays below 4e-3.  Here n_traj = 4e5
    (standard error 2.2e-3 per estimate) and omega_1 dt = 0.75 ... 0.3, where the <p^2>
    errors are >= 8 standard errors, so the fitted slopes are good to about +-0.2
    (measured here: 2.13 and 2.07).
    """
    h = _harmonic_case()
    t_end = 3e-5
    exact = gaussian.second_moments(
        gaussian.evolve(
            h["model"],
            gaussian.GaussianMoments(
                np.concatenate([h["z0"], h["p0"]]), np.zeros((4, 4))
            ),
            [t_end],
            damping="brownian",
        )
    )[0].real
    n_traj = 400_000
    dts, errs, zs = [], [], []
    for n in (4, 5, 7, 10):
        dt = t_end / n
        _, q, p = baoab(
            h["force"],
            np.broadcast_to(h["z0"], (n_traj, 2)),
            np.broadcast_to(h["p0"], (n_traj, 2)),
            h["m"],
            dt=dt,
            n_steps=n,
            gamma=h["gam"],
            temperature=h["temp"],
            diffusion=h["d"],
            seed=n,
            record_every=n,
        )
        x = np.concatenate([q[-1], p[-1]], axis=1)
        est = x.T @ x / n_traj
        sem = np.sqrt(np.var(x**2, axis=0) / n_traj)
        dts.append(dt)
        errs.append(np.diag(est - exact) / np.diag(exact))
        zs.append(sem / np.diag(exact))
    errs, zs = np.array(errs), np.array(zs)
    slopes = [np.polyfit(np.log(dts), np.log(np.abs(errs[:, i])), 1)[0] for i in (2, 3)]
    assert np.all(np.abs(np.array(slopes) - 2.0) < 0.3), slopes
    assert np.all(np.abs(errs[:, 2:]) > 6 * zs[:, 2:])  # bias-dominated, as claimed
    assert np.all(np.abs(errs[:, :2]) < 4e-2 + 4 * zs[:, :2])


def test_baoab_validates_its_input():
    with pytest.raises(TypeError):
        baoab("not callable", [0.0], [0.0], [1.0], dt=0.1, n_steps=1)
    with pytest.raises(ValueError, match="dt"):
        baoab(lambda q: -q, [0.0], [0.0], [1.0], dt=-0.1, n_steps=1)
    with pytest.raises(TypeError, match="n_steps"):
        baoab(lambda q: -q, [0.0], [0.0], [1.0], dt=0.1, n_steps=2.5)
    with pytest.raises(ValueError, match="masses"):
        baoab(lambda q: -q, [0.0], [0.0], [0.0], dt=0.1, n_steps=1)
    with pytest.raises(ValueError, match="symmetric"):
        baoab(
            lambda q: -q,
            [0.0, 0.0],
            [0.0, 0.0],
            [1.0, 1.0],
            dt=0.1,
            n_steps=1,
            diffusion=[[1.0, 0.5], [0.0, 1.0]],
        )
    with pytest.raises(ValueError, match="same shape"):
        baoab(lambda q: -q, [0.0, 0.0], [0.0], [1.0, 1.0], dt=0.1, n_steps=1)


def test_seed_makes_runs_reproducible(pair):
    eng = TweezerArrayDynamics(
        pair, gamma=2e4, temperature=1.0, static_force="compensate"
    )
    a = eng.simulate(dt=3e-7, n_steps=20, n_traj=3, seed=7)
    b = eng.simulate(dt=3e-7, n_steps=20, n_traj=3, seed=np.random.default_rng(7))
    c = eng.simulate(dt=3e-7, n_steps=20, n_traj=3, seed=8)
    assert np.array_equal(a.displacements, b.displacements)
    assert not np.array_equal(a.displacements, c.displacements)


# ------------------------------------------------- fluctuation-dissipation
@pytest.mark.parametrize("compensated", [True, False])
def test_fluctuation_dissipation_single_particle(compensated):
    """One sphere, no recoil: the stationary variance is Boltzmann's.

    Compensated, T = 1 K: <z^2> = k_B T/(m omega^2) with omega of Eq. (79) (anharmonic
    corrections (z_th/z_R)^2 ~ 1e-5).  Uncompensated at 295 K the radiation pressure
    pushes the sphere 3.8 sigma downstream, where the trap is softer: the variance is
    1.28 k_B T/(m omega^2), as the exact Boltzmann weight exp(-V/k_B T) with
    V = -int F_z dz gives (measured z-score 0.2 against it, 29 against the harmonic
    value).  <p^2> = m k_B T in both.
    """
    arr = _single_particle()
    m, w = arr.masses[0], arr.omega[0]
    temp = 1.0 if compensated else 295.0
    eng = TweezerArrayDynamics(
        arr,
        gamma=0.2 * w,
        temperature=temp,
        recoil="off",
        static_force="compensate" if compensated else None,
    )
    sig = np.sqrt(BOLTZMANN * temp / (m * w**2))
    z = np.linspace(-12 * sig, 12 * sig, 20001)
    pos = np.zeros((z.size, 1, 3))
    pos[:, 0, 2] = z
    pot = -cumulative_trapezoid(eng.forces(pos)[:, 0, 2], z, initial=0.0)
    weight = np.exp(-(pot - pot.min()) / (BOLTZMANN * temp))
    weight /= np.trapezoid(weight, z)
    mean = np.trapezoid(z * weight, z)
    var = np.trapezoid((z - mean) ** 2 * weight, z)
    dt, burn, n_rec, n_traj = 0.1 / w, 150, 1500, 500
    tr = eng.simulate(
        dt=dt,
        n_steps=burn + n_rec,
        n_traj=n_traj,
        seed=11,
        initial_displacements=np.full((1, 1), mean),
    )
    q = tr.displacements[burn + 1 :, :, 0, 0]
    p = tr.momenta[burn + 1 :, :, 0, 0]
    per = ((q - q.mean()) ** 2).mean(axis=0)
    est, err = per.mean(), per.std(ddof=1) / np.sqrt(n_traj)
    assert abs(est - var) < 4 * err
    if compensated:
        assert abs(var / sig**2 - 1) < 1e-3
        assert abs(est - sig**2) < 4 * err
    else:
        assert var / sig**2 > 1.2 and abs(est - sig**2) > 10 * err
    pp = (p**2).mean(axis=0)
    assert abs(pp.mean() - m * BOLTZMANN * temp) < 4 * pp.std(ddof=1) / np.sqrt(n_traj)


# ------------------------------------------------ linear theory: Jacobian
@pytest.mark.parametrize("which", ["pair", "chain3", "chain10"])
def test_jacobian_at_the_foci_equals_the_linear_array(which, pair, chain3, chain10):
    """Off-diagonal Jacobian = C of Eq. (85), diagonal = -(m omega^2 + K) (Eqs. 79, 84).

    Measured deviations from the closed forms, relative to max|C| (= max|K| scale):
    off-diagonal 2.2e-3 (pair), 6.3e-3 (N = 3), 1.5e-2 (N = 10), i.e. at most
    0.84/(k d) with k d = 57.3 (near-field and envelope terms the closed forms drop);
    diagonal 4.1e-3, 4.1e-3, 4.8e-3 of max|K| (<= 0.28/(k d); it contains the factor
    1 + 1/(kappa z_R)^2 = 1.0037 of numerical_K).  Against LinearArray.numerical_C
    (the same general forces) the agreement is 3e-11: finite-difference error only.
    """
    arr = {"pair": pair, "chain3": chain3.array, "chain10": chain10.array}[which]
    eng = TweezerArrayDynamics(arr, gamma=1.0, recoil="off", static_force="compensate")
    s = eng.stiffness()
    off = s - np.diag(np.diag(s))
    kd = arr.k * np.linalg.norm(arr.foci[1] - arr.foci[0])
    scale = np.max(np.abs(arr.C))
    assert np.max(np.abs(off - arr.C)) < 1.2 / kd * scale
    assert np.max(np.abs(off - arr.numerical_C())) < 1e-9 * scale
    stiff = arr.masses * arr.omega**2 + arr.K
    assert np.max(np.abs(-np.diag(s) - stiff)) < 0.5 / kd * np.max(np.abs(arr.K))
    exact = arr.masses * arr.numerical_omega() ** 2 + arr.numerical_K()
    assert np.max(np.abs(-np.diag(s) - exact)) < 1e-4 * np.max(np.abs(arr.K))


def test_chain_array_has_the_chain_couplings_and_a_uniform_frequency(chain3, chain10):
    """chain_array's closed-form linearisation is chain_couplings (corrected Eq. 97),
    g/gamma = 1, omega0/gamma = 20; its growth rates are the book's 0.29 and 1.03 gamma.
    """
    for ch, n, rate in ((chain3, 3, 0.2921), (chain10, 10, 1.0319)):
        arr = ch.array
        m = arr.masses[0]
        ref = chain_couplings(n, ch.omega0, ch.g, PI4, PI4)
        assert np.max(np.abs(arr.C / m - ref)) < 1e-9 * ch.omega0 * ch.g
        w_eff = np.sqrt(arr.omega**2 + arr.K / arr.masses)
        assert np.max(np.abs(w_eff / ch.omega0 - 1)) < 1e-12
        assert ch.g / ch.gamma == pytest.approx(
            1.0
        ) and ch.omega0 / ch.gamma == pytest.approx(20)
        # Eq. (98): g = P/(2 m omega0) with P = C_{j,j+1}
        assert arr.C[0, 1] / (2 * m * ch.omega0) == pytest.approx(ch.g, rel=1e-9)
        got = chain_growth_rate(arr.C / m / ch.gamma**2, ch.omega0 / ch.gamma, 1.0)
        assert got == pytest.approx(rate, abs=5e-5)
        assert 2 * ch.radius < np.linalg.norm(arr.foci[1] - arr.foci[0])


def test_engine_growth_rates_approach_the_chain_model_as_one_over_kd():
    """The engine's (exact-force) growth rates deviate from the chain model by O(1/kd).

    Measured relative deviation times k d for N = 3: -0.557, -0.602, -0.613, -0.609 at
    n = 4, 9, 18, 36 (k d = 25.9 ... 227); N = 10: -0.31 ... -0.41.
    """
    for n_particles, ref in ((3, 0.29213), (10, 1.03187)):
        devs = []
        for n in (9, 36):
            ch = chain_array(n_particles, n=n)
            eng = TweezerArrayDynamics(ch.array, gamma=ch.gamma, recoil="off",
                                       static_force="compensate")
            kd = ch.array.k * ch.array.foci[1, 0]
            devs.append((eng.linear_rates()[0].real / ch.gamma / ref - 1) * kd)
        assert -0.7 < devs[0] < -0.2 and -0.7 < devs[1] < -0.2
        assert abs(devs[1] / devs[0] - 1) < 0.25


def test_chain_array_refuses_impossible_compensation():
    with pytest.raises(ValueError, match="too large"):
        chain_array(10, g_over_gamma=10.0)
    with pytest.raises(TypeError):
        chain_array(2.5)
    with pytest.raises(ValueError):
        chain_array(1)


def _unstable_mode(eng, amplitude):
    """Real part of the fastest-growing eigenvector of the engine's drift."""
    a = eng.drift_matrix()
    n = eng.n_dof
    w = float(np.sqrt(np.max(-np.diag(a[n:, :n]) / eng._dof_masses)))
    scale = np.concatenate([np.ones(n), eng._dof_masses * w])
    ev, vec = np.linalg.eig(a * scale[None, :] / scale[:, None] / w)
    v = vec[:, np.argmax(ev.real)]
    v = v / np.max(np.abs(v[:n]))
    q0 = amplitude * v[:n].real
    p0 = amplitude * v[n:].real * eng._dof_masses * w
    return q0.reshape(eng.n_particles, 1), p0.reshape(eng.n_particles, 1)


@pytest.mark.parametrize(
    "n_particles, t_gamma, chain_rate", [(3, 10.0, 0.2921), (10, 6.0, 1.0319)]
)
def test_growth_rates_from_trajectories(
    n_particles, t_gamma, chain_rate, chain3, chain10
):
    """Fitted log-energy slopes of noiseless trajectories started in the unstable mode
    (amplitude 1e-5/kappa, still < 1e-2/kappa at the end) equal the eigenvalues.

    BAOAB's growth rate converges as dt^2: measured for N = 3, 0.2929, 0.2900, 0.2893 at
    omega0 dt = 0.2, 0.1, 0.05 against 0.2891 from the Jacobian.  The Richardson value
    from 0.2 and 0.1 agrees with the Jacobian to 2e-4 gamma (N = 3), 1e-3 (N = 10).
    The engine's rates differ from the chain model's 0.2921 and 1.0319 by -1.0 % and
    -0.6 % (the O(1/kd) deviations of the Jacobian, k d = 57).
    """
    ch = chain3 if n_particles == 3 else chain10
    eng = TweezerArrayDynamics(
        ch.array,
        gamma=ch.gamma,
        temperature=0.0,
        recoil="off",
        static_force="compensate",
    )
    lam = eng.linear_rates()[0].real / ch.gamma
    q0, p0 = _unstable_mode(eng, 1e-5 / ch.array.kappa)
    rates = []
    for wdt in (0.2, 0.1):
        dt = wdt / ch.omega0
        tr = eng.simulate(
            dt=dt,
            n_steps=int(round(t_gamma / ch.gamma / dt)),
            initial_displacements=q0,
            initial_momenta=p0,
            record_every=5,
        )
        assert np.max(np.abs(tr.displacements[-1])) * ch.array.kappa < 1e-2
        rates.append(fit_growth_rate(tr) / ch.gamma)
    richardson = (4 * rates[1] - rates[0]) / 3
    assert abs(richardson - lam) < 3e-3
    assert abs(rates[1] - lam) < 2e-3 + abs(rates[0] - rates[1])
    assert lam == pytest.approx(chain_rate, rel=0.02)
    assert abs(lam - chain_rate) > 1e-3  # the deviation is real, not round-off


def test_growth_rate_of_a_noisy_ensemble():
    """Recoil and gas noise from the foci: the mean energy grows at twice the rate.

    N = 3, 64 trajectories; the recoil noise sets the initial amplitude (kappa z ~ 2e-3)
    and the fastest mode takes over after a few 1/gamma.  Measured 0.2907 gamma against
    0.2891 (seeds 2-7: ratios 0.999 ... 1.037)."""
    ch = chain_array(3)
    eng = TweezerArrayDynamics(
        ch.array,
        gamma=ch.gamma,
        temperature=1e-6,
        recoil="foci",
        static_force="compensate",
    )
    lam = eng.linear_rates()[0].real
    dt = 0.1 / ch.omega0
    tr = eng.simulate(
        dt=dt, n_steps=int(round(11 / ch.gamma / dt)), n_traj=64, seed=2, record_every=5
    )
    assert np.max(np.abs(tr.displacements)) * ch.array.kappa < 0.1
    rate = fit_growth_rate(tr, t_min=4 / ch.gamma)
    assert rate == pytest.approx(lam, rel=0.06)


# --------------------------------------------- linear theory: covariances
@pytest.mark.parametrize(
    "n_particles, g_over_gamma",
    [(2, 1.0), pytest.param(3, 0.3, marks=pytest.mark.slow)],
)
def test_stationary_covariance_equals_the_gaussian_engine(n_particles, g_over_gamma):
    """Stable chains (omega0 = 5 gamma): the unidirectional pair at g = gamma, and N = 3
    at g = 0.3 gamma (critical 0.61 gamma), with gas noise at the temperature where it
    equals the recoil noise (~1e-4 K: kappa z_rms ~ 6e-4, linear regime).  Started in
    the Gaussian steady state (optbind.gaussian.steady_state, damping="brownian", of the
    engine's linear_model), the time-averaged covariance over 50/gamma agrees with it:
    all z-scores (per-trajectory averages, 200 trajectories) below 4 (measured: max |z|
    2.5, rms 0.88 over the 10 entries for N = 2; 1.4, rms 0.91 over 21 for N = 3).  The
    nonreciprocal pair correlation <z_1 z_2>/sigma^2 is 0.12.
    """
    ch = chain_array(n_particles, g_over_gamma=g_over_gamma, omega0_over_gamma=5.0)
    probe = TweezerArrayDynamics(
        ch.array, gamma=ch.gamma, temperature=1.0, static_force="compensate"
    )
    m = ch.array.masses[0]
    temp = float(np.mean(np.diag(probe.diffusion())) / (m * ch.gamma * BOLTZMANN))
    eng = TweezerArrayDynamics(
        ch.array, gamma=ch.gamma, temperature=temp, static_force="compensate"
    )
    model = eng.linear_model()
    v = gaussian.steady_state(model, damping="brownian").covariance
    assert eng.linear_rates()[0].real < 0
    assert ch.array.kappa * np.sqrt(v[0, 0]) < 1e-3
    n, n_traj = n_particles, 200
    rng = np.random.default_rng(3)
    x0 = rng.standard_normal((n_traj, 2 * n)) @ np.linalg.cholesky(v).T
    dt = 0.1 / ch.omega0
    tr = eng.simulate(
        dt=dt,
        n_steps=int(round(50 / ch.gamma / dt)),
        n_traj=n_traj,
        seed=4,
        initial_displacements=x0[:, :n, None],
        initial_momenta=x0[:, n:, None],
        record_every=2,
    )
    x = np.concatenate([tr.displacements[..., 0], tr.momenta[..., 0]], axis=-1)[1:]
    per = np.einsum("tsa,tsb->sab", x, x) / x.shape[0]
    z = (per.mean(axis=0) - v) / (per.std(axis=0, ddof=1) / np.sqrt(n_traj))
    assert np.max(np.abs(z)) < 4.0, np.round(z, 2)
    if n == 2:
        assert v[0, 1] / np.sqrt(v[0, 0] * v[1, 1]) > 0.1  # correlations are tested


# ------------------------------------------------------------ recoil noise
def test_recoil_diffusion_is_the_real_part_of_eq_76(pair, chain3):
    """axes="z" equals Re diffusion_matrix (Eqs. 76, 82); the z-z block of the 3-D one
    equals it; the matrix is PSD; the closed form Eq. (87) agrees to 2e-5 (pair)."""
    for arr in (pair, chain3.array):
        dz = recoil_diffusion(arr.foci, arr.volumes, arr.chi, arr.field)
        ref = diffusion_matrix(arr.foci, arr.volumes, arr.chi, arr.field).real
        assert np.max(np.abs(dz - ref)) < 1e-12 * np.max(np.abs(ref))
        d3 = recoil_diffusion(arr.foci, arr.volumes, arr.chi, arr.field, axes="xyz")
        n = arr.n_particles
        zz = d3.reshape(n, 3, n, 3)[:, 2, :, 2]
        assert np.max(np.abs(zz - dz)) < 1e-12 * np.max(np.abs(dz))
        assert np.min(np.linalg.eigvalsh(d3)) > -1e-12 * np.max(np.abs(d3))
    assert np.max(np.abs(dz - chain3.array.D.real)) < 1e-4 * np.max(np.abs(dz))
    batch = recoil_diffusion(
        np.stack([pair.foci, pair.foci]), pair.volumes, pair.chi, pair.field
    )
    assert batch.shape == (2, 2, 2)


def test_recoil_diffusion_barely_changes_over_the_simulated_amplitudes(pair):
    """Why D is frozen at the foci: ||D(r) - D(foci)|| / ||D|| at random displacements.

    Measured means over 8 samples for the pair (N = 3 and 10 in brackets): 6e-5
    (1.3e-4, 2e-4) at kappa z_rms = 0.01, 1.7e-3 (4.5e-3, 5.5e-3) at 0.3 and 9e-3
    (1.0e-2, 1.3e-2) at 1, largest single sample 2.1e-2 at kappa z_rms = 1:
    the correlations are only 0.6-0.9 % of the diagonal (1/kd) and the diagonal changes
    at order (z/z_R)^2 = (kappa z)^2/(kappa z_R)^2 with kappa z_R = 16.5.
    """
    eng = TweezerArrayDynamics(pair, gamma=1.0)
    rng = np.random.default_rng(1)
    for kz, bound in ((0.01, 5e-4), (0.3, 2e-2), (1.0, 5e-2)):
        q = rng.normal(0.0, kz / pair.kappa, (8, 2, 1))
        v = eng.recoil_variation(q)
        assert np.all(v < bound)
    assert np.all(eng.recoil_variation(np.zeros((1, 2, 1))) < 1e-14)


def test_instantaneous_recoil_equals_frozen_recoil_at_small_amplitude(pair):
    """recoil="positions" (D re-evaluated) and "foci" give statistically equal variances
    at kappa z ~ 1e-3, where D changes by < 1e-4 (Cholesky factors: the same random
    numbers give nearly the same noise)."""
    kw = dict(gamma=2e4, temperature=0.0, static_force="compensate")
    out = []
    for mode in ("foci", "positions"):
        eng = TweezerArrayDynamics(pair, recoil=mode, **kw)
        tr = eng.simulate(
            dt=0.2 / pair.omega[0], n_steps=200, n_traj=16, seed=9, recoil_every=10
        )
        out.append(tr.displacements[-100:, :, :, 0])
    va, vb = (np.mean(x**2, axis=(0, 1)) for x in out)
    assert np.all(np.abs(va / vb - 1) < 1e-3)  # same noise draws, D within 1e-4


# ------------------------------------------------------------- transverse
def test_transverse_axial_coupling_is_large_but_off_resonant(chain3):
    """axes="xyz": the z-z block equals the axial Jacobian; the z-x couplings
    dF_z,j/dx_j' are as large as C (measured 1.06 (pair), 1.59 (N = 3), 3.31 (N = 10)
    times max|C|) but the transverse frequencies are 4.0 x the axial one, so the growth
    rate moves only from 0.2891 to 0.2856 gamma (-1.2 %; N = 10: -1.6 %)."""
    arr = chain3.array
    kw = dict(gamma=chain3.gamma, recoil="off", static_force="compensate")
    e3 = TweezerArrayDynamics(arr, axes="xyz", **kw)
    ez = TweezerArrayDynamics(arr, axes="z", **kw)
    s3, sz = e3.stiffness(), ez.stiffness()
    idx = np.arange(9).reshape(3, 3)
    zi, ti = idx[:, 2], idx[:, :2].ravel()
    assert np.max(np.abs(s3[np.ix_(zi, zi)] - sz)) < 1e-12 * np.max(np.abs(sz))
    ratio = np.max(np.abs(s3[np.ix_(zi, ti)])) / np.max(np.abs(arr.C))
    assert 1.0 < ratio < 3.0
    wt = np.sqrt(-np.diag(s3)[ti] / np.repeat(arr.masses, 2))
    assert np.all(wt / chain3.omega0 > 3.5)
    l3, lz = e3.linear_rates()[0].real, ez.linear_rates()[0].real
    assert abs(l3 / lz - 1) < 0.03
    assert abs(l3 / lz - 1) > 1e-3


# ------------------------------------------------------------ equilibrium
def test_equilibrium_without_compensation(chain3):
    """Without the static compensation the forces of Eq. (86) displace the spheres: the
    engine's equilibrium has zero force and is -S^{-1} F(foci) to first order (measured
    9 % off: the mean shift is 0.31 z_R, radiation pressure); the unequal shifts
    (k ptp(dz) = 0.126 rad, of order 2 g/omega0) change the growth rate: 0.316 gamma at
    the equilibrium against 0.289 at the foci (+9 %; N = 10: 1.180 against 1.026)."""
    eng = TweezerArrayDynamics(chain3.array, gamma=chain3.gamma, recoil="off")
    eq = eng.equilibrium()
    f = eng.forces(eq)[:, 2]
    assert np.max(np.abs(f)) < 1e-10 * np.max(np.abs(eng.forces(eng.foci)[:, 2]))
    first = -np.linalg.solve(eng.stiffness(), eng.forces(eng.foci)[:, 2])
    dz = eq[:, 2]
    assert np.max(np.abs(dz - first)) < 0.15 * np.max(np.abs(dz))
    assert 0.05 < chain3.array.k * np.ptp(dz) < 0.2
    rate_eq = eng.linear_rates(positions=eq)[0].real / chain3.gamma
    rate_foci = (
        TweezerArrayDynamics(
            chain3.array, gamma=chain3.gamma, recoil="off", static_force="compensate"
        )
        .linear_rates()[0]
        .real
    )
    assert 0.01 < rate_eq - rate_foci / chain3.gamma < 0.05


# ------------------------------------------------------- inputs and files
def test_engine_validates_its_input(pair):
    with pytest.raises(TypeError, match="LinearArray"):
        TweezerArrayDynamics("pair", gamma=1.0)
    with pytest.raises(ValueError, match="either gamma"):
        TweezerArrayDynamics(pair, gamma=1.0, pressure=1.0)
    with pytest.raises(ValueError, match="axes"):
        TweezerArrayDynamics(pair, axes="x")
    with pytest.raises(ValueError, match="recoil"):
        TweezerArrayDynamics(pair, recoil="sometimes")
    with pytest.raises(TypeError, match="binding"):
        TweezerArrayDynamics(pair, binding=1)
    with pytest.raises(ValueError, match="static_force"):
        TweezerArrayDynamics(pair, static_force="cancel")
    with pytest.raises(ValueError, match="static_force"):
        TweezerArrayDynamics(pair, static_force=np.zeros(3))
    with pytest.raises(ValueError, match="temperature"):
        TweezerArrayDynamics(pair, temperature=-1.0)
    eng = TweezerArrayDynamics(pair, gamma=1.0)
    with pytest.raises(ValueError, match="initial_displacements"):
        eng.simulate(dt=1e-7, n_steps=1, initial_displacements=np.zeros(3))
    with pytest.raises(TypeError, match="n_traj"):
        eng.simulate(dt=1e-7, n_steps=1, n_traj=True)
    with pytest.raises(TypeError, match="seed"):
        eng.simulate(dt=1e-7, n_steps=1, seed=1.5)
    with pytest.raises(ValueError, match="linear_model"):
        TweezerArrayDynamics(pair, gamma=1.0, axes="xyz").linear_model()


def test_pressure_gives_the_epstein_rate(pair):
    from optbind.forces.gas import epstein_damping

    eng = TweezerArrayDynamics(pair, pressure=100.0, temperature=295.0)
    radius = (3 * pair.volumes[0] / (4 * np.pi)) ** (1 / 3)
    assert eng.gamma == pytest.approx(
        float(epstein_damping(100.0, radius, pair.masses[0] / pair.volumes[0]))
    )


def test_trajectories_save_and_load(tmp_path, pair):
    eng = TweezerArrayDynamics(
        pair, gamma=2e4, temperature=1.0, static_force="compensate"
    )
    tr = eng.simulate(dt=3e-7, n_steps=6, n_traj=2, seed=1, record_every=3)
    assert isinstance(tr, Trajectories)
    assert tr.units["displacement"] == "m" and tr.units["time"] == "s"
    back = Trajectories.from_npz(tr.to_npz(tmp_path / "t.npz"))
    assert isinstance(back, Trajectories) and back.equals(tr)
    assert back.attrs["seed"] == 1 and back.dims["momentum"] == tr.dims["momentum"]
    path = tr.to_csv(tmp_path / "t.csv", variables=["displacement", "momentum"])
    lines = path.read_text().splitlines()
    assert lines[1].startswith(
        "# units: time [s], trajectory [1], particle [1], axis [1]"
    )
    header = [ln for ln in lines if not ln.startswith("#")][0]
    assert header == "time,trajectory,particle,axis,displacement,momentum"
    rows = [ln for ln in lines if not ln.startswith("#")][1:]
    assert len(rows) == tr.displacements.size
    t, j, k, ax, q, _ = rows[-1].split(",")
    assert float(q) == tr.displacements[-1, -1, -1, -1] and ax == "z"
    with pytest.raises(ValueError, match="same dimensions"):
        tr.to_csv(tmp_path / "bad.csv")
