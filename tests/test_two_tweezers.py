"""The two-tweezer model of Sec. II in closed form: optbind.forces.two_tweezers.

Two spheres in :func:`optbind.fields.tweezer_pair` (foci at -+d/2 e_x, relative phase
phi = phi_1 - phi_2).  The closed forms are checked against the general N-particle
forces of :mod:`optbind.forces.dipoles` and against the momentum carried by the
scattered light.  Tolerances are the measured error times a stated margin.
"""

import numpy as np
import pytest
from scipy.optimize import brentq

from optbind.conventions import EPSILON_0
from optbind.fields import tweezer_pair
from optbind.forces.dipoles import binding_forces
from optbind.forces.scattering import radiated_momentum_rate
from optbind.forces.two_tweezers import (
    binding_force_scale,
    tweezer_pair_forces,
    tweezer_pair_violation,
)
from optbind.particles import sphere_susceptibility, sphere_volume

LAM = 1.55e-6
K = 2 * np.pi / LAM
VOL = float(sphere_volume(40e-9))
CHI = sphere_susceptibility(2.085)
E0 = 1.0e7


def _forces(kd, phi):
    field, pos = tweezer_pair(kd / K, phi, K, E0)
    return field, pos, binding_forces(pos, VOL, CHI, field)


def test_reciprocal_only_at_special_points():
    # equal phases: x part vanishes identically; z part ~ Im A(d) vanishes at its roots
    im_a = lambda kd: (kd**2 - 1) * np.sin(kd) + kd * np.cos(kd)  # noqa: E731
    kd0 = brentq(im_a, 3 * np.pi - 1.0, 3 * np.pi, xtol=1e-15)  # root near 3 pi
    _, _, f = _forces(kd0, 0.0)
    # measured |F_12 + F_21| = 4.7e-15 |F_12| at the root (brentq to 1e-15); margin 4
    assert np.linalg.norm(f.sum(axis=0)) < 2e-14 * np.linalg.norm(f[0])
    # a generic configuration is not reciprocal (measured ratio 1.1)
    _, _, f = _forces(5.3, 0.7)
    assert np.linalg.norm(f.sum(axis=0)) > 0.3 * np.max(np.linalg.norm(f, axis=1))


@pytest.mark.parametrize("kd,phi", [(1.3, 0.2), (7.3, 2.5), (40.0, -1.1)])
def test_violation_closed_form(kd, phi):
    _, _, f = _forces(kd, phi)
    full = f.sum(axis=0)
    exact = tweezer_pair_violation(kd / K, phi, VOL, CHI, E0, K)
    # closed form vs the general binding force: measured <= 2.0e-16 of |F|; margin 5
    assert np.linalg.norm(full - exact) < 1e-15 * np.linalg.norm(exact)
    assert exact[1] == 0.0
    # far field: the neglected terms of A and A' are O(1/kd) relative, bounded by
    # (1 + kd)/kd^2 for z and (2 kd^2 + 3 kd + 3)/kd^3 for x, in units of F_d (rigorous)
    ff = tweezer_pair_violation(kd / K, phi, VOL, CHI, E0, K, far_field=True)
    fd = binding_force_scale(kd / K, VOL, CHI, E0, K)
    assert abs(full[2] - ff[2]) <= fd * abs(np.cos(phi)) * (1 + kd) / kd**2 * (1 + 1e-9)
    assert abs(full[0] - ff[0]) <= fd * abs(np.sin(phi)) * (
        2 * kd**2 + 3 * kd + 3
    ) / kd**3 * (1 + 1e-9)


def test_far_field_violation_is_asymptotic():
    """exact - far field = F_d (2 sin(phi) sin(kd) e_x + cos(phi) cos(kd) e_z)/kd +
    O(kd^-2).

    The next terms of Im A' (-2k^2 sin(kd)/(4 pi d^2)) and of Im A (k cos(kd)/(4 pi
    d^2)),
    from Eq. (4); sampled at kd = 0.3 mod 2 pi.
    """
    phi = 0.9
    kd = 2 * np.pi * np.array([32, 64, 128, 256]) + 0.3
    exact = tweezer_pair_violation(kd / K, phi, VOL, CHI, E0, K)
    ff = tweezer_pair_violation(kd / K, phi, VOL, CHI, E0, K, far_field=True)
    rel = np.linalg.norm(exact - ff, axis=-1) / binding_force_scale(
        kd / K, VOL, CHI, E0, K
    )
    c = np.hypot(2 * np.sin(phi) * np.sin(0.3), np.cos(phi) * np.cos(0.3))
    # measured (rel kd/c - 1) kd = 1.65 .. 1.64, i.e. the O(kd^-2) remainder; bound 5/kd
    assert np.all(np.abs(rel * kd / c - 1) < 5 / kd)


def test_transverse_momentum_goes_into_scattered_light():
    """(F_12 + F_21)_x equals minus the momentum flux of the interfering scattered
    waves."""
    for kd, phi in [(2.0, 1.0), (17.0, -0.6)]:
        field, pos, f = _forces(kd, phi)
        viol = f.sum(axis=0)
        dpdt = radiated_momentum_rate(pos, EPSILON_0 * VOL * CHI * field.field(pos), K)
        # measured 1.2e-15 (kd = 2) and 8.4e-15 (kd = 17) of |viol_x|, and 1.1e-14 for
        # the z momentum of the scattered light, which vanishes; margin 5
        assert abs(viol[0] + dpdt[0]) < 5e-14 * abs(viol[0])
        assert abs(dpdt[2]) < 5e-14 * abs(viol[0])


def test_tweezer_pair_forces_grid_matches_single_configurations():
    kd = np.array([0.7, 4.2, 33.0])
    phi = np.array([[-2.0], [0.0], [1.3]])
    grid = tweezer_pair_forces(kd, phi, VOL, CHI, E0, K)
    assert grid.shape == (3, 3, 2, 3)
    for i in range(3):
        for m in range(3):
            _, _, f = _forces(kd[m], phi[i, 0])
            # one field object for all separations vs one per configuration: measured
            # identical; tolerance a rounding allowance
            assert np.allclose(grid[i, m], f, rtol=1e-15, atol=1e-15 * np.abs(f).max())


def test_binding_force_scale_is_the_far_field_amplitude():
    """F_d = alpha^2 k^3 E^2/(4 pi eps0 d) is the amplitude of the 1/d oscillation."""
    kd = np.linspace(500.0, 500.0 + 2 * np.pi, 2001)
    viol = tweezer_pair_violation(kd / K, 0.0, VOL, CHI, E0, K)  # phi = 0: z only
    amp = np.max(np.abs(viol[:, 2] * kd))
    fd_kd = binding_force_scale(kd / K, VOL, CHI, E0, K) * kd
    # measured relative deviation 2.9e-6 (the near-field term adds in quadrature,
    # sqrt(1 + 1/kd^2) - 1 = 2e-6 at kd = 500, plus the grid); margin 7
    assert amp == pytest.approx(fd_kd[0], rel=2e-5, abs=0)


def test_validation():
    with pytest.raises(ValueError, match="kd"):
        tweezer_pair_forces(1e-3, 0.0, VOL, CHI, E0, K)  # spheres would overlap
    with pytest.raises(ValueError, match="chi"):
        tweezer_pair_violation(1e-6, 0.0, VOL, -CHI, E0, K)
    with pytest.raises(TypeError, match="far_field"):
        tweezer_pair_violation(1e-6, 0.0, VOL, CHI, E0, K, far_field=1)
    with pytest.raises(ValueError, match="d, phi"):
        tweezer_pair_violation([1e-6, 2e-6], [0.0, 1.0, 2.0], VOL, CHI, E0, K)
