"""Appendix C correlators (C7b), (C9), (C11), (C12) against the Lindblad amplitudes."""

from __future__ import annotations

import numpy as np
import pytest

from optbind.analysis import appendix_c as ac
from optbind.conventions import SPEED_OF_LIGHT
from optbind.green import dyadic_green
from optbind.forces.scattering import diffusion_matrix, scattering_rate
from optbind.particles import rotation_matrix

PAIR_COORDS = [(0, "z"), (1, "z"), (0, "x"), (1, "y")]


def _off(coords):
    return np.array([[a[0] != b[0] for b in coords] for a in coords])


@pytest.fixture(scope="module")
def pair():
    parts, field = ac.demo_pair(volume_ratio=2.2)
    return parts, field, ac.correlator_general(parts, field, PAIR_COORDS)


# ---------------------------------------------------------- general route
def test_general_route_is_twice_the_package_diffusion_matrix(pair):
    parts, field, _ = pair
    gen = ac.correlator_general(parts, field, [(0, "z"), (1, "z")])
    dm = diffusion_matrix(parts.positions, parts.volumes, parts.chi, field, axis=2)
    assert ac.relative_error(gen, 2 * dm) < 1e-9  # FD vs analytic derivative: 2.5e-12


def test_general_route_is_hermitian_positive(pair):
    _, _, gen = pair
    assert np.allclose(gen, gen.conj().T, rtol=0, atol=1e-14 * np.abs(gen).max())
    assert np.min(np.linalg.eigvalsh(gen)) > -1e-12 * np.abs(gen).max()


# ------------------------------------------------------------------ (C9)
def test_c9_corrected_equals_general_route(pair):
    parts, field, gen = pair
    assert (
        ac.relative_error(
            ac.c9_correlator(parts, field, PAIR_COORDS, printed=False), gen
        )
        < 1e-10
    )  # measured 1.8e-13


def test_c9_printed_volume_scales_cross_terms_by_the_volume_ratio(pair):
    parts, field, gen = pair
    printed = ac.c9_correlator(parts, field, PAIR_COORDS, printed=True)
    off = _off(PAIR_COORDS)
    j = np.array([c[0] for c in PAIR_COORDS])
    ratio = parts.volumes[j][:, None] / parts.volumes[j][None, :]
    assert np.allclose(printed[off], gen[off] * ratio[off], rtol=1e-9, atol=0)
    assert ac.relative_error(printed[~off], gen[~off]) < 1e-10  # same particle: fine


def test_c7b_smeared_tends_to_c9(pair):
    """(C7b) with its full d^3k integral against a slow test function reproduces (C9).

    Residual after the sinc^2 curvature (dt/s)^2/12: O((|r_1 - r_2|/(c s))^2),
    measured 1.8e-5 (s = 10 R/c) and 1.8e-7 (s = 100 R/c).
    """
    parts, field, _ = pair
    coords = [(0, "z"), (1, "z"), (1, "x")]
    gen = ac.correlator_general(parts, field, coords)
    sep = np.linalg.norm(parts.positions[1] - parts.positions[0]) / SPEED_OF_LIGHT
    res = []
    for s in (10 * sep, 100 * sep):
        val = ac.c7b_smeared(parts, field, coords, delta_t=0.05 * s, tau_width=s)
        assert ac.relative_error(val, gen) == pytest.approx(0.05**2 / 12, rel=0.15)
        res.append(ac.relative_error(val, gen * (1 - 0.05**2 / 12)))
    assert res[1] < 1e-6 and 50 < res[0] / res[1] < 200


# ----------------------------------------------------------------- (C11)
def test_c11_angular_integral_is_im_green(pair):
    parts, field, _ = pair
    r = parts.positions[0] - parts.positions[1]
    from optbind.electrodynamics.identities import im_green_angular

    im = dyadic_green(r, field.k).imag
    assert ac.relative_error(im_green_angular(r, field.k), im) < 1e-12


def test_c11_corrected_equals_general_route_printed_does_not(pair):
    parts, field, gen = pair
    off = _off(PAIR_COORDS)
    corr = ac.appendix_c_correlator(parts, field, PAIR_COORDS, printed=False)
    printed = ac.appendix_c_correlator(parts, field, PAIR_COORDS, printed=True)
    assert ac.relative_error(corr[off], gen[off]) < 1e-7  # nested FD: measured 4.8e-9
    assert ac.relative_error(printed[off], gen[off]) > 0.5  # measured 0.97
    # Im on G only but the printed prefactor: exactly a factor 4 too small
    assert ac.relative_error(corr[off] / 4, gen[off]) == pytest.approx(0.75, abs=1e-6)


def test_c11_mixes_orientation_and_position_coordinates():
    rot, field = ac.demo_rotor()
    p2, f2 = ac.demo_pair()
    parts = ac.RigidParticles(
        np.vstack([p2.positions[0], p2.positions[1]]),
        np.vstack([rot.semi_axes[0], p2.semi_axes[1]]),
        np.vstack([rot.euler[0], [0.0, 0.0, 0.0]]),
        p2.permittivity,
    )
    coords = [(0, "beta"), (1, "z"), (0, "gamma"), (1, "x")]
    gen = ac.correlator_general(parts, f2, coords)
    off = _off(coords)
    corr = ac.appendix_c_correlator(parts, f2, coords, printed=False)
    assert ac.relative_error(corr, gen) < 1e-7
    assert ac.relative_error(corr[off], gen[off]) < 1e-6  # measured ~1e-8


def test_c11_at_the_foci_gives_eq87b():
    parts, field, _ = ac.tweezer_focus_diffusion(radii=[100e-9, 130e-9])
    from optbind.array import LinearArray
    from optbind.parameters import load

    p = load()
    arr = LinearArray(
        parts.positions,
        field.amplitudes,
        parts.volumes,
        p.density * parts.volumes,
        p.chi,
        p.k,
        p.z_R,
    )
    c = ac.c11_correlator(parts, field, (0, "z"), (1, "z"), printed=False)
    kd = p.k * p.separation
    assert abs(c - 2 * arr.D[0, 1]) < 1.0 / kd * abs(2 * arr.D[0, 1])  # measured 0.4 %
    assert abs(c - 2 * arr.D[1, 0]) > 0.5 * abs(arr.D[0, 1])  # the index order matters


# ----------------------------------------------------------------- (C12)
def test_c12_centre_of_mass_at_the_focus_is_eq87a():
    parts, field, d87 = ac.tweezer_focus_diffusion(radii=[100e-9, 140e-9])
    gen = ac.correlator_general(parts, field, [(0, "z"), (1, "z")])
    assert np.allclose(np.real(np.diag(gen)), 2 * d87, rtol=1e-10)  # measured 4e-13
    for j in range(2):
        c12 = ac.c12_correlator(parts, field, j, "z", "z", printed=True)
        assert c12 == pytest.approx(2 * d87[j], rel=1e-10)  # measured 3e-14


@pytest.mark.parametrize("aligned", [True, False])
def test_c12_libration_is_recoil_diffusion_of_a_rotor(aligned):
    parts, field = ac.demo_rotor(aligned=aligned)
    coords = [(0, q) for q in ac.COORDINATES]
    gen = ac.correlator_general(parts, field, coords)
    for printed in (True, False):
        assert (
            ac.relative_error(
                ac.appendix_c_correlator(parts, field, coords, printed=printed), gen
            )
            < 1e-10
        )
    for i, name in enumerate(("alpha", "beta", "gamma")):
        closed = ac.libration_diffusion(parts, field, 0, name)
        assert gen[3 + i, 3 + i].real == pytest.approx(2 * closed, rel=1e-9)  # 3e-12
    if aligned:
        chi = np.diag(parts.chi[0])
        e0 = abs(field.amplitudes[0, 0])
        d_alpha = ac.aligned_rotor_diffusion(
            chi[0] - chi[1], parts.volumes[0], e0, field.k
        )
        assert gen[3, 3].real == pytest.approx(2 * d_alpha, rel=1e-9)
        # (hbar^2 Gamma/2) (Delta chi/chi_1)^2 with the Rayleigh scattering rate
        gamma = scattering_rate(parts.positions, parts.volumes, parts.chi, field)
        hbar = 1.054571817e-34
        assert d_alpha == pytest.approx(
            hbar**2 * gamma / 2 * ((chi[0] - chi[1]) / chi[0]) ** 2, rel=1e-10
        )


def test_libration_closed_form_vanishes_for_a_sphere_and_symmetry_axis():
    parts, field = ac.demo_rotor(aligned=True)
    sphere = ac.RigidParticles(
        parts.positions, [[1e-7] * 3], parts.euler, parts.permittivity
    )
    scale = ac.libration_diffusion(parts, field, 0, "alpha")
    assert ac.libration_diffusion(sphere, field, 0, "alpha") < 1e-24 * scale
    # a spheroid turned about its own symmetry axis feels no torque noise
    spheroid = ac.RigidParticles(
        parts.positions, [[0.5e-7, 0.5e-7, 1.2e-7]], [0.3, 0.9, 0.2], parts.permittivity
    )
    gen = ac.correlator_general(spheroid, field, [(0, "gamma"), (0, "alpha")])
    assert abs(gen[0, 0]) < 1e-10 * abs(gen[1, 1])
    assert ac.libration_diffusion(spheroid, field, 0, "gamma") < 1e-24 * scale


def test_c12_printed_ordering_fails_for_elliptic_polarisation():
    parts, field = ac.demo_elliptic(ellipticity=0.6)
    coords = [(0, q) for q in "xyz"]
    gen = ac.correlator_general(parts, field, coords)
    off = ~np.eye(3, dtype=bool)
    printed = ac.appendix_c_correlator(parts, field, coords, printed=True)
    corr = ac.appendix_c_correlator(parts, field, coords, printed=False)
    assert ac.relative_error(corr, gen) < 1e-10  # measured 3.9e-13
    assert (
        ac.relative_error(np.diag(printed), np.diag(gen)) < 1e-10
    )  # diagonal survives
    assert ac.relative_error(printed[off], gen[off]) > 0.5  # measured 2.75
    # at the focus the exact x-y element vanishes (symmetrised term); printed is not
    parts, field = ac.demo_elliptic(ellipticity=0.6, at_focus=True)
    g = ac.correlator_general(parts, field, [(0, "x"), (0, "y")])
    pxy = ac.c12_correlator(parts, field, 0, "x", "y", printed=True)
    assert abs(g[0, 1]) < 1e-10 * abs(g[0, 0])
    assert abs(pxy.imag) > 0.1 * abs(g[0, 0])


def test_c12_linear_polarisation_printed_is_exact():
    parts, field = ac.demo_pair()
    lin = ac.RigidParticles(
        parts.positions[:1], parts.semi_axes[:1], [[0.0, 0.0, 0.0]], parts.permittivity
    )
    from optbind.fields import TweezerField

    f = TweezerField(
        field.foci[:1], field.amplitudes[:1], field.k, field.waist
    )  # linear
    coords = [(0, q) for q in "xyz"]
    gen = ac.correlator_general(lin, f, coords)
    assert (
        ac.relative_error(ac.appendix_c_correlator(lin, f, coords, printed=True), gen)
        < 1e-10
    )


# ------------------------------------------------------------- utilities
@pytest.mark.parametrize("name", ["alpha", "beta", "gamma"])
def test_rotation_axes_generate_the_euler_derivatives(name):
    eu = np.array([0.3, 0.7, -0.4])
    i = ("alpha", "beta", "gamma").index(name)
    h = 1e-6
    ep, em = eu.copy(), eu.copy()
    ep[i] += h
    em[i] -= h
    d_r = (rotation_matrix(ep) - rotation_matrix(em)) / (2 * h)
    gen = d_r @ rotation_matrix(eu).T
    n = ac.rotation_axis(eu, name)
    cross = np.array([[0, -n[2], n[1]], [n[2], 0, -n[0]], [-n[1], n[0], 0]])
    assert np.allclose(gen, cross, atol=1e-9)


def test_bad_inputs_name_the_parameter():
    parts, field = ac.demo_pair()
    with pytest.raises(ValueError, match="coordinate name"):
        ac.correlator_general(parts, field, [(0, "w")])
    with pytest.raises(ValueError, match="particle index"):
        ac.correlator_general(parts, field, [(5, "x")])
    with pytest.raises(TypeError, match="particle index"):
        ac.correlator_general(parts, field, [(True, "x")])
    with pytest.raises(ValueError, match="j != j'"):
        ac.c11_correlator(parts, field, (0, "x"), (0, "z"))
    with pytest.raises(ValueError, match="Euler angle"):
        ac.libration_diffusion(parts, field, 0, "x")
    with pytest.raises(ValueError, match="semi_axes"):
        ac.RigidParticles([[0, 0, 0]], [[1e-7, 0, 1e-7]], [[0, 0, 0]], 2.0)
    with pytest.raises(ValueError, match="permittivity"):
        ac.RigidParticles([[0, 0, 0]], [[1e-7] * 3], [[0, 0, 0]], 0.5)
    with pytest.raises(ValueError, match="tau_width"):
        ac.c7b_smeared(parts, field, [(0, "z")], delta_t=1e-15, tau_width=1e-16)
    with pytest.raises(ValueError, match="non-empty"):
        ac.correlator_general(parts, field, [])
