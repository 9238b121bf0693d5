"""Physics tests of classical optical binding, Sec. II (Eqs. 1-7), optbind.classical."""
import numpy as np
import pytest
from scipy.optimize import brentq

from optbind.classical import (
    LocalPlaneWaves,
    PlaneWaves,
    action_reaction_violation,
    binding_force_scale,
    binding_forces,
    check_positions,
    dipole_forces_eq6,
    gradient_forces,
    induced_dipoles,
    optical_forces,
    pair_binding_force,
    pair_interaction,
    plane_wave,
    radiated_momentum_rate,
    scattered_field,
    sphere_polarizability,
    standing_wave,
    tweezer_pair,
    tweezer_pair_forces,
    tweezer_pair_violation,
)
from optbind.conventions import EPSILON_0

LAM = 1.55e-6
K = 2 * np.pi / LAM
ALPHA = sphere_polarizability(200e-9, 2.085)  # silica sphere, F m^2
E0 = 1.0e7  # V/m
EY = np.array([0.0, 1.0, 0.0])


def _random_plane_waves(rng, m=3, k=K):
    """m plane waves with random directions, transverse polarisations and phases."""
    kv, amps = [], []
    for _ in range(m):
        n = rng.normal(size=3)
        n /= np.linalg.norm(n)
        e = rng.normal(size=3) + 1j * rng.normal(size=3)
        e -= n * (n @ e)
        kv.append(k * n)
        amps.append(E0 * e / np.linalg.norm(e))
    return PlaneWaves(amps, kv)


def _rel(a, b):
    return np.max(np.abs(np.asarray(a) - np.asarray(b))) / np.max(np.abs(b))


# ---------------------------------------------------------------- analytic vs FD
@pytest.mark.parametrize("kr", [0.4, 3.0, 25.0])
def test_binding_force_is_partial_gradient_of_pair_interaction(kr):
    rng = np.random.default_rng(1)
    field = _random_plane_waves(rng)
    r_jp = rng.normal(size=3) / K
    u = rng.normal(size=3)
    r_j = r_jp + kr / K * u / np.linalg.norm(u)
    an = pair_binding_force(r_j, r_jp, ALPHA, K, field)
    # central differences in r_j, r_j' frozen.  Truncation error ~ (h q)^2/6 with
    # q = max(k, 1/r) the fastest variation of W; h q = 1e-4 gives ~2e-9,
    # rounding ~ 1e-16/(h q) = 1e-12.  Tolerance 1e-7 of |F| leaves margin.
    h = 1e-4 / max(K, K / kr)
    fd = np.array([
        (pair_interaction(r_j + h * e, r_jp, ALPHA, K, field)
         - pair_interaction(r_j - h * e, r_jp, ALPHA, K, field)) / (2 * h)
        for e in np.eye(3)
    ])
    assert np.linalg.norm(an - fd) < 1e-7 * np.linalg.norm(an)


def test_two_callables_and_n_body_sum():
    rng = np.random.default_rng(2)
    field = _random_plane_waves(rng)
    pos = rng.normal(size=(4, 3)) * 3 / K
    f_obj = binding_forces(pos, ALPHA, K, field)
    f_call = binding_forces(pos, ALPHA, K, field.field, field.gradient)
    assert np.array_equal(f_obj, f_call)
    manual = np.array([
        sum(pair_binding_force(pos[j], pos[jp], ALPHA, K, field) for jp in range(4) if jp != j)
        for j in range(4)
    ])
    assert _rel(f_obj, manual) < 1e-13


# ---------------------------------------------------------------- Eq. 6 vs Eq. 7
def test_eq6_equals_eq7_up_to_alpha_cubed():
    rng = np.random.default_rng(3)
    field = _random_plane_waves(rng)
    pos = rng.normal(size=(3, 3)) * 2 / K
    diffs = []
    for a in (ALPHA, ALPHA / 10):
        f6 = dipole_forces_eq6(pos, a, K, field)
        f7 = optical_forces(pos, a, K, field)
        diffs.append(f6 - f7)
        # independent O(alpha^3) remainder: (1/2) Re[dp^* . d(scattered field)], the
        # scattered-field gradient taken by finite differences of Eq. (1)
        dp = induced_dipoles(pos, a, K, field) - a * field.field(pos)
        h = 1e-5 / K
        rem = np.zeros((3, 3))
        for j in range(3):
            def e_sc(r, j=j, a=a):
                return sum(scattered_field(r, pos[jp], a, K, field) for jp in range(3) if jp != j)
            de = np.array([(e_sc(pos[j] + h * e) - e_sc(pos[j] - h * e)) / (2 * h) for e in np.eye(3)])
            rem[j] = 0.5 * np.real(de @ dp[j].conj())
        assert _rel(f6 - f7, rem) < 1e-7  # FD truncation ~ (hk)^2 ~ 1e-10
    # the difference is exactly cubic in alpha
    assert _rel(diffs[0] / 1000.0, diffs[1]) < 1e-9
    # and it is small compared with the alpha^2 binding force: ratio ~ alpha k^3/(4 pi eps0)
    fb = binding_forces(pos, ALPHA, K, field)
    assert np.max(np.abs(diffs[0])) < 10 * ALPHA * K**3 / (4 * np.pi * EPSILON_0) * np.max(np.abs(fb))


def test_gradient_force_typo_eq7():
    """The first term of Eq. (7) must be (alpha/4) grad|E_L|^2, not grad|E_L|."""
    field = standing_wave(E0, K, axis=(0.3, 0.0, 1.0), polarization=(1.0, 0.0, -0.3), phase=0.4)
    r = np.array([[0.1, -0.2, 0.13]]) * LAM
    corrected = gradient_forces(r, ALPHA, field)
    # Eq. (6) for a single particle: (1/2) Re[p^* . grad E] with p = alpha E
    assert _rel(corrected, dipole_forces_eq6(r, ALPHA, K, field)) < 1e-14
    # minus finite-difference gradient of V = -(alpha/4)|E|^2
    h = 1e-5 * LAM
    v = lambda x: -0.25 * ALPHA * np.sum(np.abs(field.field(x)) ** 2)  # noqa: E731
    fd = np.array([-(v(r[0] + h * e) - v(r[0] - h * e)) / (2 * h) for e in np.eye(3)])
    assert _rel(corrected[0], fd) < 1e-8
    printed = gradient_forces(r, ALPHA, field, printed=True)
    assert _rel(printed, corrected) > 0.5
    # scaling with the field: printed ~ E, physical force ~ E^2
    field10 = standing_wave(10 * E0, K, axis=(0.3, 0.0, 1.0), polarization=(1.0, 0.0, -0.3), phase=0.4)
    assert np.allclose(gradient_forces(r, ALPHA, field10), 100 * corrected, rtol=1e-12)
    assert np.allclose(gradient_forces(r, ALPHA, field10, printed=True), 10 * printed, rtol=1e-12)


# ---------------------------------------------------------------- reciprocity
def test_reciprocal_in_common_standing_wave_at_antinodes():
    """Real field with vanishing gradient at both particles: F_12 = -F_21 for any separation."""
    field = standing_wave(E0, K)  # cos(kz) e_y, antinode plane z = 0
    rng = np.random.default_rng(4)
    for _ in range(5):
        r1 = np.append(rng.normal(size=2) * LAM, 0.0)
        r2 = np.append(rng.normal(size=2) * LAM, 0.0)
        f12 = pair_binding_force(r1, r2, ALPHA, K, field)
        viol = action_reaction_violation(r1, r2, ALPHA, K, field)
        assert np.linalg.norm(viol) < 1e-12 * np.linalg.norm(f12)
    # off the antinode plane the same standing wave pushes both particles along z
    r1, r2 = np.array([0.0, 0.0, 0.1 * LAM]), np.array([2.3 * LAM, 0.0, 0.1 * LAM])
    viol = action_reaction_violation(r1, r2, ALPHA, K, field)
    assert abs(viol[2]) > 0.1 * np.linalg.norm(pair_binding_force(r1, r2, ALPHA, K, field))


def test_tweezer_pair_reciprocal_only_at_special_points():
    # equal phases: x part vanishes identically; z part ~ Im A(d) vanishes at its roots
    im_a = lambda kd: (kd**2 - 1) * np.sin(kd) + kd * np.cos(kd)  # noqa: E731
    kd0 = brentq(im_a, 3 * np.pi - 1.0, 3 * np.pi)  # root near 3 pi (sin(kd) ~ -1/kd)
    field, pos = tweezer_pair(kd0 / K, 0.0, K, E0)
    f12 = pair_binding_force(pos[0], pos[1], ALPHA, K, field)
    viol = action_reaction_violation(pos[0], pos[1], ALPHA, K, field)
    assert np.linalg.norm(viol) < 1e-9 * np.linalg.norm(f12)
    # a generic configuration is not reciprocal
    field, pos = tweezer_pair(5.3 / K, 0.7, K, E0)
    f12 = pair_binding_force(pos[0], pos[1], ALPHA, K, field)
    f21 = pair_binding_force(pos[1], pos[0], ALPHA, K, field)
    assert np.linalg.norm(f12 + f21) > 0.1 * max(np.linalg.norm(f12), np.linalg.norm(f21))


@pytest.mark.parametrize("kd,phi", [(1.3, 0.2), (7.3, 2.5), (40.0, -1.1)])
def test_tweezer_pair_closed_form(kd, phi):
    field, pos = tweezer_pair(kd / K, phi, K, E0)
    full = action_reaction_violation(pos[0], pos[1], ALPHA, K, field)
    exact = tweezer_pair_violation(kd / K, phi, ALPHA, K, E0)
    assert np.linalg.norm(full - exact) < 1e-12 * np.linalg.norm(exact)
    # far field: the neglected terms of A and A' are O(1/kd) relative, bounded by
    # (1 + kd)/kd^2 for z and (2 kd^2 + 3 kd + 3)/kd^3 for x, in units of F_d
    ff = tweezer_pair_violation(kd / K, phi, ALPHA, K, E0, far_field=True)
    fd = binding_force_scale(kd / K, ALPHA, K, E0)
    assert abs(full[2] - ff[2]) <= fd * abs(np.cos(phi)) * (1 + kd) / kd**2 * (1 + 1e-9)
    assert abs(full[0] - ff[0]) <= fd * abs(np.sin(phi)) * (2 * kd**2 + 3 * kd + 3) / kd**3 * (1 + 1e-9)


def test_transverse_momentum_goes_into_scattered_light():
    """(F_12 + F_21)_x equals minus the momentum flux of the interfering scattered waves."""
    for kd, phi in [(2.0, 1.0), (17.0, -0.6)]:
        field, pos = tweezer_pair(kd / K, phi, K, E0)
        viol = action_reaction_violation(pos[0], pos[1], ALPHA, K, field)
        dpdt = radiated_momentum_rate(pos, ALPHA * field.field(pos), K)
        assert abs(viol[0] + dpdt[0]) < 1e-10 * abs(viol[0])
        assert abs(dpdt[2]) < 1e-10 * abs(viol[0])  # no z momentum in the scattered light


# ---------------------------------------------------------------- symmetries and limits
def test_translation_invariance_plane_wave():
    rng = np.random.default_rng(5)
    field = _random_plane_waves(rng, m=1)
    pos = rng.normal(size=(3, 3)) * LAM
    f = binding_forces(pos, ALPHA, K, field)
    for _ in range(3):
        shift = rng.normal(size=3) * 10 * LAM
        assert _rel(binding_forces(pos + shift, ALPHA, K, field), f) < 1e-10
    # a standing wave is not translation invariant along its axis
    sw = standing_wave(E0, K)
    f_sw = binding_forces(pos, ALPHA, K, sw)
    assert _rel(binding_forces(pos + [0, 0, 0.2 * LAM], ALPHA, K, sw), f_sw) > 1e-2


def test_far_field_one_over_d_for_transverse_separation():
    field = plane_wave(E0 * EY, [0, 0, K])
    kd = np.linspace(20.0, 400.0, 4001)
    r1 = np.zeros((kd.size, 3))
    r2 = np.zeros((kd.size, 3))
    r2[:, 0] = kd / K
    fx = pair_binding_force(r1, r2, ALPHA, K, field)[:, 0]
    # far field: F_12,x = alpha^2 E^2 k^3 sin(kd)/(8 pi eps0 d); the neglected part of A'
    # is (2/kd + 3/kd^2 + 3/kd^3) relative to k^3/(4 pi d)
    scale = ALPHA**2 * E0**2 * K**3 / (8 * np.pi * EPSILON_0 * (kd / K))
    ff = scale * np.sin(kd)
    assert np.all(np.abs(fx - ff) <= scale * (2 / kd + 3 / kd**2 + 3 / kd**3) * (1 + 1e-9))
    # envelope d * max|F| is the same at kd ~ 100 and kd ~ 390 (within the 2/kd corrections)
    env = lambda lo: np.max(np.abs(fx * kd)[(kd > lo) & (kd < lo + 2 * np.pi)])  # noqa: E731
    assert abs(env(100.0) / env(390.0) - 1) < 0.03
    # polarisation along the separation: no 1/d far field, decays as 1/d^2
    fieldx = plane_wave([E0, 0, 0], [0, 0, K])
    fpar = np.abs(pair_binding_force(r1, r2, ALPHA, K, fieldx)[:, 0])
    assert np.max(fpar[kd > 200] * kd[kd > 200]) < 0.05 * np.max(np.abs(fx[kd > 200]) * kd[kd > 200])
    assert np.max(fpar[kd > 200] * kd[kd > 200] ** 2) < 2 * np.max(fpar[kd < 40] * kd[kd < 40] ** 2)


@pytest.mark.parametrize("k", [0.0, 1e-4 / 1e-6])
def test_electrostatic_dipole_dipole_limit(k):
    """k -> 0: cycle-averaged force between induced static dipoles p = alpha E0."""
    rng = np.random.default_rng(6)
    e0 = rng.normal(size=3) * E0
    d = 1.0e-6
    field = PlaneWaves([e0], [[0.0, 0.0, k]]) if k == 0 else PlaneWaves([np.cross(e0, [0, 0, 1.0])], [[0, 0, k]])
    e = field.amplitudes[0].real
    pos = np.array([[0.0, 0.0, 0.0], rng.normal(size=3)])
    pos[1] *= d / np.linalg.norm(pos[1])
    p = ALPHA * e
    r = pos[0] - pos[1]
    n = r / d
    static = 0.5 * 3 / (4 * np.pi * EPSILON_0 * d**4) * (
        (p @ n) * p + (p @ n) * p + (p @ p) * n - 5 * (p @ n) ** 2 * n
    )
    f = binding_forces(pos, ALPHA, k, field)
    # relative corrections are O((kd)^2) = 1e-8 (and exactly zero for k = 0)
    assert _rel(f[0], static) < (1e-12 if k == 0 else 1e-6)
    assert _rel(f[1], -static) < (1e-12 if k == 0 else 1e-6)


# ---------------------------------------------------------------- input validation
def test_bad_input_names_the_parameter():
    field = plane_wave(E0 * EY, [0, 0, K])
    pos = np.array([[0, 0, 0], [1e-6, 0, 0]], dtype=float)
    with pytest.raises(ValueError, match="alpha"):
        binding_forces(pos, -1.0, K, field)
    with pytest.raises(ValueError, match="alpha"):
        binding_forces(pos, 1e-30 + 1e-31j, K, field)
    with pytest.raises(ValueError, match="positions"):
        binding_forces([[0, 0, 0], [0, 0, 0]], ALPHA, K, field)
    with pytest.raises(ValueError, match="positions"):
        check_positions([[0, 0, np.nan]])
    with pytest.raises(ValueError, match="k must"):
        binding_forces(pos, ALPHA, -K, field)
    with pytest.raises(ValueError, match="coincide"):
        pair_interaction(pos[0], pos[0], ALPHA, K, field)
    with pytest.raises(ValueError, match="field_gradient"):
        binding_forces(pos, ALPHA, K, field.field, lambda r: np.zeros(np.shape(r)))
    with pytest.raises(ValueError, match="field"):
        binding_forces(pos, ALPHA, K, lambda r: r)
    with pytest.raises(ValueError, match="transverse"):
        plane_wave([0, 0, 1.0], [0, 0, K])
    with pytest.raises(ValueError, match="amplitudes"):
        LocalPlaneWaves(pos, [[0, 0, 1.0], [1.0, 0, 0]], K)
    with pytest.raises(ValueError, match="d must"):
        tweezer_pair(0.0, 0.0, K, E0)


def test_tweezer_pair_forces_grid_matches_single_configurations():
    kd = np.array([0.7, 4.2, 33.0])
    phi = np.array([[-2.0], [0.0], [1.3]])
    grid = tweezer_pair_forces(kd, phi, ALPHA, K, E0)
    assert grid.shape == (3, 3, 2, 3)
    for i in range(3):
        for m in range(3):
            field, pos = tweezer_pair(kd[m] / K, phi[i, 0], K, E0)
            f12 = pair_binding_force(pos[0], pos[1], ALPHA, K, field)
            f21 = pair_binding_force(pos[1], pos[0], ALPHA, K, field)
            assert np.allclose(grid[i, m], [f12, f21], rtol=1e-13, atol=0)
