"""Forces, potentials and torques of induced point dipoles: optbind.forces.dipoles.

Eqs. (1), (5)-(7) of Sec. II (classical binding), (17), (21), (28), (40) of Sec. III
and (73), (75), (C10b) of the master equation.  Sec. II's scalar polarisability is
``alpha = eps0 V chi``.  Tolerances are the measured error times a stated margin
(comments give both); every expected value comes from an independent route
(finite differences of a potential, a closed form, a limit or a conservation law).
"""

import numpy as np
import pytest

from optbind.analysis.errata import (
    gradient_force_eq7_corrected,
    gradient_force_eq7_printed,
)
from optbind.conventions import EPSILON_0, HBAR
from optbind.fields import (
    LocalPlaneWaves,
    PlaneWaves,
    TweezerField,
    plane_wave,
    standing_wave,
)
from optbind.forces.dipoles import (
    binding_forces,
    binding_pair_energy,
    binding_potential,
    dipole_forces,
    dipole_torques,
    external_potential,
    gradient_forces,
    induced_dipoles,
    optical_potential,
    radiation_pressure_forces,
    scattered_field,
    total_forces,
)
from optbind.forces.scattering import radiated_momentum_rate, scattering_rate
from optbind.numerics import central_difference
from optbind.particles import (
    euler_rotation_axes,
    rotate_tensor,
    sphere_susceptibility,
    sphere_volume,
    susceptibility_tensor,
    volume,
)

LAM = 1.55e-6
K = 2 * np.pi / LAM
RADIUS = 40e-9  # small enough for kr = 0.4 separations without overlap
VOL = float(sphere_volume(RADIUS))
CHI = sphere_susceptibility(2.085)  # silica
ALPHA = EPSILON_0 * VOL * CHI  # Sec. II polarisability, F m^2
E0 = 1.0e7  # V/m
EY = np.array([0.0, 1.0, 0.0])
W = 1.0e-6


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


def _pair(r1, r2):
    return np.stack(
        np.broadcast_arrays(np.asarray(r1, float), np.asarray(r2, float)), axis=-2
    )


def _three_tweezers():
    foci = np.array([[0, 0, 0], [5.3e-6, 0.4e-6, 0], [1.1e-6, 6.2e-6, 0]])
    amps = 1e7 * np.array([[1, 0.2j, 0], [0.3 * np.exp(1j), 0.9, 0], [0.6, -0.5, 0]])
    fld = TweezerField(foci, amps, K, W)
    pos = (
        foci
        + np.array([[0.1, -0.05, 0.2], [-0.08, 0.03, -0.1], [0.02, 0.07, 0.05]]) * 1e-6
    )
    chi = np.array(
        [np.diag([0.7, 0.8, 0.9]), CHI * np.eye(3), np.diag([0.75, 0.75, 0.85])]
    )
    vols = float(sphere_volume(1e-7)) * np.array([1.0, 0.9, 1.2])
    return pos, vols, chi, fld


def _two_tweezers(sep=2e-6, phase=0.7):
    pol1 = np.array([np.sin(0.4), np.cos(0.4), 0.0])
    pol2 = np.array([np.cos(0.4), np.sin(0.4), 0.0])
    foci = np.array([[0.0, 0.0, 0.0], [sep, 0.0, 0.0]])
    field = TweezerField(foci, np.array([pol1 * np.exp(1j * phase), pol2]) * E0, K, W)
    pos = foci + np.array([[40e-9, -25e-9, 55e-9], [-30e-9, 20e-9, -45e-9]])
    vols = np.full(2, float(sphere_volume(1e-7)))
    return field, pos, vols


# -------------------------------------------- binding force = partial gradient
# measured |F_analytic - F_FD| / |F|: 2.1e-8 (kr = 0.4), 4.8e-9 (kr = 3), 6.8e-9
# (kr = 25); central differences with h q = 1e-4, q = max(k, 1/r); margin ~4.5
@pytest.mark.parametrize("kr, tol", [(0.4, 1e-7), (3.0, 2e-8), (25.0, 3e-8)])
def test_binding_force_is_partial_gradient_of_pair_energy(kr, tol):
    rng = np.random.default_rng(1)
    field = _random_plane_waves(rng)
    r_jp = rng.normal(size=3) / K
    u = rng.normal(size=3)
    pos = np.array([r_jp + kr / K * u / np.linalg.norm(u), r_jp])
    an = binding_forces(pos, VOL, CHI, field)[0]
    h = 1e-4 / max(K, K / kr)

    def w(r_j):  # W_12 with r_2 frozen
        return binding_pair_energy(np.array([r_j, pos[1]]), VOL, CHI, field, 0, 1)

    fd = central_difference(w, pos[0], h)
    assert np.linalg.norm(an - fd) < tol * np.linalg.norm(an)


def test_n_body_binding_force_is_partial_gradient_of_the_pair_sum():
    """F_j = d/dr_j sum_j' W_jj' with all r_j' frozen, for four particles at once.

    Replaces a check that binding_forces equals a hand-written sum of the same pair
    function (a restatement of the code): here the expected value is a finite
    difference of the energies, an independent route.
    """
    rng = np.random.default_rng(2)
    field = _random_plane_waves(rng)
    pos = (
        np.array(
            [[0.0, 0.0, 0.0], [2.1, 0.3, -0.4], [-0.7, 1.9, 0.8], [0.9, -1.2, 2.4]]
        )
        / K
    )
    vols = VOL * np.array([1.0, 0.7, 1.3, 0.9])
    chi = CHI * np.array([1.0, 0.9, 1.1, 0.8])
    f = binding_forces(pos, vols, chi, field)
    h = 1e-4 / K
    for j in range(4):

        def w_sum(r_j, j=j):
            p = pos.copy()
            p[j] = r_j
            return sum(
                binding_pair_energy(p, vols, chi, field, j, jp)
                for jp in range(4)
                if jp != j
            )

        fd = central_difference(w_sum, pos[j], h)
        # measured 2.4e-9 .. 6.9e-9 of |F_j|; margin 4.4
        assert np.linalg.norm(fd - f[j]) < 3e-8 * np.linalg.norm(f[j])


def test_eq6_at_second_order_is_gradient_plus_binding_force():
    """Eq. (6) with p and E_loc truncated at second order in chi gives Eq. (7)
    exactly."""
    rng = np.random.default_rng(2)
    field = _random_plane_waves(rng)
    pos = np.array([[0.0, 0.0, 0.0], [2.1, 0.3, -0.4], [-0.7, 1.9, 0.8]]) / K
    f6 = dipole_forces(pos, VOL, CHI, field, second_order=True)
    f7 = gradient_forces(pos, VOL, CHI, field) + binding_forces(pos, VOL, CHI, field)
    # two different contractions of the same second-order terms: measured 1.9e-16;
    # margin 5
    assert _rel(f6, f7) < 1e-15


# ---------------------------------------------------------------- Eq. 6 vs Eq. 7
def test_eq6_equals_eq7_up_to_chi_cubed():
    rng = np.random.default_rng(3)
    field = _random_plane_waves(rng)
    pos = rng.normal(size=(3, 3)) * 2 / K
    diffs = []
    # the FD remainder is compared with f6 - f7, a difference of O(chi^2) forces that is
    # O(chi^3): its rounding error grows as 1/chi.  Measured 1.6e-10 (chi) and 9.0e-9
    # (chi/10); margins 6 and 5.5
    for chi, tol in ((CHI, 1e-9), (CHI / 10, 5e-8)):
        f6 = dipole_forces(pos, VOL, chi, field, second_order=False)
        f7 = gradient_forces(pos, VOL, chi, field) + binding_forces(
            pos, VOL, chi, field
        )
        diffs.append(f6 - f7)
        # independent O(chi^3) remainder: (1/2) Re[dp^* . d(scattered field)], the
        # scattered-field gradient taken by finite differences of Eq. (1)
        dp = induced_dipoles(
            pos, VOL, chi, field
        ) - EPSILON_0 * VOL * chi * field.field(pos)
        rem = np.zeros((3, 3))
        for j in range(3):
            others = [jp for jp in range(3) if jp != j]

            def e_sc(r, others=others, chi=chi):
                return scattered_field(r, pos[others], VOL, chi, field)

            de = central_difference(e_sc, pos[j], 1e-5 / K)
            rem[j] = 0.5 * np.real(de @ dp[j].conj())
        assert _rel(f6 - f7, rem) < tol
    # the difference is exactly cubic in chi: measured 8.9e-9 (the rounding of the
    # chi/10 difference, as above); margin 5.6
    assert _rel(diffs[0] / 1000.0, diffs[1]) < 5e-8
    # and small compared with the chi^2 binding force: ratio ~ alpha k^3/(4 pi eps0)
    # (measured 0.78 of that estimate; bound 2)
    fb = binding_forces(pos, VOL, CHI, field)
    assert np.max(np.abs(diffs[0])) < 2 * ALPHA * K**3 / (
        4 * np.pi * EPSILON_0
    ) * np.max(np.abs(fb))


def test_gradient_force_typo_eq7():
    """The first term of Eq. (7) must be (alpha/4) grad|E_L|^2, not grad|E_L|."""
    field = standing_wave(
        E0,
        K,
        axis=np.array([0.3, 0.0, 1.0]) / np.hypot(0.3, 1),
        polarization=np.array([1.0, 0.0, -0.3]) / np.hypot(0.3, 1),
        phase=0.4,
    )
    r = np.array([[0.1, -0.2, 0.13]]) * LAM
    corrected = gradient_forces(r, VOL, CHI, field)
    # Eq. (6) for a single particle: (1/2) Re[p^* . grad E] with p = alpha E
    # (measured 1.7e-16 and 4e-17, rounding); margin 6
    assert _rel(corrected, dipole_forces(r, VOL, CHI, field)) < 1e-15
    assert _rel(corrected[0], gradient_force_eq7_corrected(ALPHA, field, r[0])) < 1e-15
    # minus finite-difference gradient of V = -(alpha/4)|E|^2
    h = 1e-5 * LAM
    fd = -central_difference(
        lambda x: -0.25 * ALPHA * np.sum(np.abs(field.field(x)) ** 2), r[0], h
    )
    # measured 2.4e-9; margin 4
    assert _rel(corrected[0], fd) < 1e-8
    printed = gradient_force_eq7_printed(ALPHA, field, r[0], step=h)
    assert _rel(printed, corrected[0]) > 0.5  # measured 1.0
    # scaling with the field: printed ~ E, physical force ~ E^2
    field10 = PlaneWaves(10 * field.amplitudes, field.wavevectors)
    assert np.allclose(
        gradient_forces(r, VOL, CHI, field10), 100 * corrected, rtol=1e-14, atol=0
    )
    # measured 2.4e-12 (rounding of the FD of |E|); margin 4
    assert np.allclose(
        gradient_force_eq7_printed(ALPHA, field10, r[0], step=h),
        10 * printed,
        rtol=1e-11,
        atol=0,
    )


def test_gradient_force_is_minus_grad_optical_potential():
    pos, vols, chi, fld = _three_tweezers()
    f = gradient_forces(pos, vols, chi, fld)
    fd = -central_difference(
        lambda p: optical_potential(p, vols, chi, fld), pos, 1e-5 / K
    )
    # measured max deviation 5.4e-10 of max|F| (FD truncation, (kh)^2 = 1e-10 times
    # the curvature of the envelope); old tolerance rel 1e-6 per entry; margin 3.7
    assert np.allclose(fd, f, rtol=0, atol=2e-9 * np.abs(f).max())


def test_binding_force_is_gradient_of_pair_term_with_partner_frozen():
    """Tweezer field, anisotropic chi, unequal volumes (Eq. C10b)."""
    pos, vols, chi, fld = _three_tweezers()
    f = binding_forces(pos, vols, chi, fld)
    h = 1e-5 / K
    for j in range(3):

        def w_sum(r_j, j=j):
            p = pos.copy()
            p[j] = r_j
            return sum(
                binding_pair_energy(p, vols, chi, fld, j, jp)
                for jp in range(3)
                if jp != j
            )

        fd = central_difference(w_sum, pos[j], h)
        # measured 2.4e-10 of max|F|; old tolerance rel 1e-6 per component; margin 4
        assert np.allclose(fd, f[j], rtol=0, atol=1e-9 * np.abs(f).max())


# ---------------------------------------------------------------- reciprocity
def test_reciprocal_in_common_standing_wave_at_antinodes():
    """Real field with vanishing gradient at both particles: F_12 = -F_21 for any
    separation."""
    field = standing_wave(E0, K)  # cos(kz) e_y, antinode plane z = 0
    rng = np.random.default_rng(4)
    for _ in range(5):
        pos = np.array([np.append(rng.normal(size=2) * LAM, 0.0) for _ in range(2)])
        f = binding_forces(pos, VOL, CHI, field)
        # measured |F_1 + F_2| = 0 (the terms cancel exactly); allowance for rounding
        assert np.linalg.norm(f.sum(axis=0)) < 1e-15 * np.linalg.norm(f[0])
    # off the antinode plane the same standing wave pushes both particles along z
    pos = np.array([[0.0, 0.0, 0.1 * LAM], [2.3 * LAM, 0.0, 0.1 * LAM]])
    f = binding_forces(pos, VOL, CHI, field)
    assert abs(f.sum(axis=0)[2]) > 0.1 * np.linalg.norm(f[0])


def test_in_plane_binding_is_conservative_for_uniform_illumination():
    """Plane wave along z, particles in the xy plane: E_L is the same at every particle,
    so the in-plane binding forces are -grad V_opt (Eq. 75) and obey action =
    reaction."""
    pos = np.array([[0, 0, 0], [3.3e-6, 1.2e-6, 0]])
    pw = plane_wave([1e7, 0.4e7, 0], [0, 0, K])
    f = binding_forces(pos, VOL, CHI, pw)
    # measured |F_1 + F_2| in-plane 0 (exact cancellation); tolerance 1e-15 relative
    assert np.allclose(f[0, :2], -f[1, :2], rtol=1e-15, atol=0)
    fd = -central_difference(
        lambda r: binding_potential(np.array([r, pos[1]]), VOL, CHI, pw),
        pos[0].astype(float),
        1e-5 / K,
    )
    # measured 2.8e-10 relative (FD); old tolerance 1e-6; margin 3.5
    assert np.allclose(fd[:2], f[0, :2], rtol=1e-9, atol=0)


def test_axial_binding_forces_are_nonreciprocal_with_phase():
    """With a relative tweezer phase the axial forces violate Newton's third law."""
    foci = np.array([[0, 0, 0], [(np.pi / 4 + 2 * np.pi * 4) / K, 0, 0]])
    amps = 1e7 * np.array([[0, np.exp(1j * np.pi / 4), 0], [0, 1, 0]])
    fld = TweezerField(foci, amps, K, W)
    f = binding_forces(foci, VOL, CHI, fld)
    assert abs(f[0, 2] + f[1, 2]) > 0.1 * np.abs(f[:, 2]).max()


@pytest.mark.parametrize("n_particles", [2, 3])
def test_total_force_conserves_momentum_in_a_plane_wave(n_particles):
    """Sum of the Eq. (C10b) forces = momentum taken from the beam - momentum radiated.

    For lossless particles in a plane wave every scattered photon removes hbar k e_k
    from the incident beam (optical theorem), and the scattered light carries away
    dP/dt, so sum_j F_j = hbar k Gamma e_k - dP/dt at second order in chi.  The rate
    Gamma comes from the Lindblad amplitudes (Eq. 76) and dP/dt from the far-field
    momentum flux: two routes independent of the force formulas.  (Replaces a check
    that total_forces equals the sum of its three terms, a restatement of the code.)
    """
    rng = np.random.default_rng(5)
    pw = plane_wave([1e7, 0.4e7j, 0], [0, 0, K])
    pos = rng.normal(size=(n_particles, 3)) * 2 / K
    vol = float(sphere_volume(1e-7))
    tot = total_forces(pos, vol, CHI, pw).sum(axis=0)
    rate = scattering_rate(pos, vol, CHI, pw)
    dpdt = radiated_momentum_rate(pos, EPSILON_0 * vol * CHI * pw.field(pos), K)
    want = HBAR * K * rate * np.array([0.0, 0.0, 1.0]) - dpdt
    # measured 6.0e-15 (N = 2) and 7.2e-15 (N = 3) of max|sum F|; margin 7
    assert _rel(tot, want) < 5e-14
    # without the binding term the balance fails by O(1)
    single = (
        radiation_pressure_forces(pos, vol, CHI, pw)
        + gradient_forces(pos, vol, CHI, pw)
    ).sum(axis=0)
    assert _rel(single, want) > 0.01


# ---------------------------------------------------------- symmetries and limits
def test_translation_invariance_plane_wave():
    rng = np.random.default_rng(5)
    field = _random_plane_waves(rng, m=1)
    pos = np.array([[0.0, 0.0, 0.0], [0.8, -0.3, 0.5], [-0.4, 0.9, -0.6]]) * LAM
    f = binding_forces(pos, VOL, CHI, field)
    for _ in range(3):
        shift = rng.normal(size=3) * 10 * LAM
        # measured 5.7e-15 (rounding of the phases k.r at |r| ~ 10 lambda); margin 5
        assert _rel(binding_forces(pos + shift, VOL, CHI, field), f) < 3e-14
    # a standing wave is not translation invariant along its axis
    sw = standing_wave(E0, K)
    f_sw = binding_forces(pos, VOL, CHI, sw)
    assert _rel(binding_forces(pos + [0, 0, 0.2 * LAM], VOL, CHI, sw), f_sw) > 1e-2


def test_far_field_one_over_d_for_transverse_separation():
    field = plane_wave(E0 * EY, [0, 0, K])
    kd = np.linspace(20.0, 400.0, 4001)
    pos = np.zeros((kd.size, 2, 3))
    pos[:, 0, 0] = -kd / K  # particle 1 at -d e_x, particle 2 at the origin
    fx = binding_forces(pos, VOL, CHI, field)[:, 0, 0]
    # far field: F_12,x = alpha^2 E^2 k^3 sin(kd)/(8 pi eps0 d) (r_1 - r_2 = -d e_x);
    # the neglected part of A' is (2/kd + 3/kd^2 + 3/kd^3) relative to k^3/(4 pi d)
    scale = ALPHA**2 * E0**2 * K**3 / (8 * np.pi * EPSILON_0 * (kd / K))
    ff = scale * np.sin(kd)
    assert np.all(
        np.abs(fx - ff) <= scale * (2 / kd + 3 / kd**2 + 3 / kd**3) * (1 + 1e-9)
    )
    # envelope d * max|F| is the same at kd ~ 100 and kd ~ 390: measured difference
    # 5.3e-4 (the 2/kd corrections are in quadrature with the leading term, and the grid
    # samples the maximum to ~1e-3); tolerance 3e-3
    env = lambda lo: np.max(np.abs(fx * kd)[(kd > lo) & (kd < lo + 2 * np.pi)])  # noqa: E731
    assert abs(env(100.0) / env(390.0) - 1) < 3e-3
    # polarisation along the separation: no 1/d far field, decays as 1/d^2
    fieldx = plane_wave([E0, 0, 0], [0, 0, K])
    fpar = np.abs(binding_forces(pos, VOL, CHI, fieldx)[:, 0, 0])
    big = kd > 200
    # measured ratio 0.010; margin 3
    assert np.max(fpar[big] * kd[big]) < 0.03 * np.max(np.abs(fx[big]) * kd[big])
    # d^2 |F| has the same envelope near and far (measured ratio 1.0; bound 2)
    assert np.max(fpar[big] * kd[big] ** 2) < 2 * np.max(
        fpar[kd < 40] * kd[kd < 40] ** 2
    )


@pytest.mark.parametrize("k, tol", [(0.0, 1e-15), (1e2, 2e-8)])
def test_electrostatic_dipole_dipole_limit(k, tol):
    """k -> 0: cycle-averaged force between induced static dipoles p = alpha E0."""
    rng = np.random.default_rng(6)
    e0 = rng.normal(size=3) * E0
    d = 1.0e-6
    if k == 0:
        field = PlaneWaves([e0], [[0.0, 0.0, 0.0]])
    else:
        field = PlaneWaves([np.cross(e0, [0, 0, 1.0])], [[0, 0, k]])
    e = field.amplitudes[0].real
    pos = np.array([[0.0, 0.0, 0.0], rng.normal(size=3)])
    pos[1] *= d / np.linalg.norm(pos[1])
    p = ALPHA * e
    n = (pos[0] - pos[1]) / d
    static = (
        0.5
        * 3
        / (4 * np.pi * EPSILON_0 * d**4)
        * ((p @ n) * p + (p @ n) * p + (p @ p) * n - 5 * (p @ n) ** 2 * n)
    )
    f = binding_forces(pos, VOL, CHI, field)
    # relative corrections O((kd)^2) = 1e-8: measured 3.8e-9 (k d = 1e-4) and 1.3e-16
    # (k = 0, rounding); margins 5 and 7
    assert _rel(f[0], static) < tol
    assert _rel(f[1], -static) < tol


# --------------------------------------- Sec. III: V_ext, dipole forces, torques
# measured max deviation 8.8e-8 (static) and 2.0e-9 (real) of max|F_int| (FD
# truncation (kh)^2 = 1e-8 and rounding eps |V|/(h |F_int|), larger for the stronger
# static pair energy); margins 4.6 and 5
@pytest.mark.parametrize("green, tol", [("static", 4e-7), ("real", 1e-8)])
def test_force_is_minus_gradient_of_external_potential(green, tol):
    """Eq. (21) vs Eq. (17a), point dipoles, interaction part only (single-particle
    parts removed)."""
    field, pos, vols = _two_tweezers()
    chi = 0.8

    def pair_energy(p):
        return external_potential(p, vols, chi, field, green=green) - sum(
            external_potential(p[[j]], vols[[j]], chi, field, green=green)
            for j in range(2)
        )

    f_dip = dipole_forces(pos, vols, chi, field, green=green) - np.array(
        [
            dipole_forces(pos[[j]], vols[[j]], chi, field, green=green)[0]
            for j in range(2)
        ]
    )
    f_pot = -central_difference(pair_energy, pos, 1e-4 / K)
    for j in range(2):
        assert np.allclose(
            f_pot[j], f_dip[j], rtol=0, atol=tol * np.abs(f_dip[j]).max()
        )


def test_dipole_force_reciprocal_for_static_coupling_without_gradients():
    """In a uniform field the static (G0) pair forces obey actio = reactio."""

    class Uniform:
        k = K

        def field(self, r):
            amp = np.array([0.3, 1.0, 0.2j]) * E0
            return np.broadcast_to(amp, np.shape(r)).astype(complex)

        def gradient(self, r):
            return np.zeros(np.shape(r)[:-1] + (3, 3), complex)

    pos = np.array([[0.0, 0.0, 0.0], [0.7e-6, 0.4e-6, -0.2e-6]])
    f = dipole_forces(pos, [1e-21, 2e-21], [0.8, 0.6], Uniform(), green="static")
    # measured |F_1 + F_2| = 3.3e-16 relative (rounding); margin 3
    assert np.allclose(f[0], -f[1], rtol=1e-15, atol=0)
    assert np.linalg.norm(f[0]) > 0


@pytest.mark.parametrize("green", ["static", "real"])
def test_torque_equals_minus_euler_derivative(green):
    """Eq. (28): -dV/dmu = n_mu . N for all three Euler angles (triaxial particle)."""
    field, pos, _ = _two_tweezers()
    semi = np.array([100e-9, 60e-9, 35e-9])
    chi_body = susceptibility_tensor(2.085, semi)
    vols = np.array([volume(semi), float(sphere_volume(1e-7))])
    eu = np.array([0.3, 1.1, -0.4])

    def chis(euler):
        return np.array([rotate_tensor(chi_body, euler), 0.8 * np.eye(3)])

    dv = central_difference(
        lambda e: external_potential(pos, vols, chis(e), field, green=green), eu, 1e-4
    )
    tq = dipole_torques(pos, vols, chis(eu), field, green=green)[0]
    # measured 6.7e-9 (static and real) of max|N| (FD truncation h^2 = 1e-8); margin 4.5
    assert np.allclose(
        -dv, euler_rotation_axes(eu) @ tq, rtol=0, atol=3e-8 * np.abs(tq).max()
    )


def test_torque_vanishes_for_isotropic_particle_alone():
    """A sphere alone in a linearly polarised field: p parallel to E, no torque."""
    field = plane_wave([E0, 0, 0], [0, 0, K])
    tq = dipole_torques([[0.0, 0.0, 0.0]], VOL, CHI, field)
    assert np.array_equal(tq, np.zeros((1, 3)))


# ---------------------------------------------------------------- input validation
def test_bad_input_names_the_parameter():
    field = plane_wave(E0 * EY, [0, 0, K])
    pos = np.array([[0, 0, 0], [1e-6, 0, 0]], dtype=float)
    with pytest.raises(ValueError, match="chi"):
        binding_forces(pos, VOL, -1.0, field)
    with pytest.raises(TypeError, match="chi"):
        binding_forces(pos, VOL, CHI + 0.1j, field)
    with pytest.raises(ValueError, match="volumes"):
        binding_forces(pos, [VOL, VOL, VOL], CHI, field)
    with pytest.raises(ValueError, match="positions"):
        binding_forces([[0, 0, 0], [0, 0, 0]], VOL, CHI, field)
    with pytest.raises(ValueError, match="positions"):
        binding_forces([[0, 0, 1.5 * RADIUS], [0, 0, 0]], VOL, CHI, field)  # overlap
    with pytest.raises(ValueError, match="positions"):
        binding_forces([[0, 0, np.nan]], VOL, CHI, field)
    with pytest.raises(TypeError, match="field"):
        binding_forces(pos, VOL, CHI, lambda r: r)
    with pytest.raises(ValueError, match="green"):
        binding_forces(pos, VOL, CHI, field, green="bogus")
    with pytest.raises(ValueError, match="green"):
        binding_potential(pos, VOL, CHI, field, green="full")  # complex: not an energy
    with pytest.raises(ValueError, match="j and jp"):
        binding_pair_energy(pos, VOL, CHI, field, 0, 0)
    with pytest.raises(ValueError, match="amplitudes"):
        LocalPlaneWaves(pos, [[0, 0, 1.0], [1.0, 0, 0]], K)
