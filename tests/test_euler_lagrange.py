"""Eqs. (21) and (28) by two routes: optbind.analysis.euler_lagrange.

The energy route (finite differences of V_ext or V_L + V_opt) and the force route
(the dipole force and torque of Eqs. 17a, 17b) are independent implementations;
their agreement is the physics.  Tolerances are measured values times a margin.
"""

import numpy as np
import pytest

from optbind.analysis.euler_lagrange import (
    euler_torque_routes,
    interaction_force_routes,
)
from optbind.electrodynamics.particles import susceptibility_tensor, volume
from optbind.fields import TweezerField
from optbind.parameters import load

P = load("rieser2022")
SEMI = 100e-9 * np.array([1.0, 0.6, 0.35])
EULER = np.array([0.3, 1.1, -0.4])


def _pair(sep=2e-6, phase=0.7, angle=0.4):
    """Two tweezers with different polarisations and a phase; particles off focus."""
    pol1 = np.array([np.sin(angle), np.cos(angle), 0.0])
    pol2 = np.array([np.cos(angle), np.sin(angle), 0.0])
    foci = np.array([[0.0, 0.0, 0.0], [sep, 0.0, 0.0]])
    amps = np.array([pol1 * np.exp(1j * phase), pol2]) * P.field_amplitude
    field = TweezerField(foci, amps, P.k, P.waist)
    pos = foci + np.array([[40e-9, -25e-9, 55e-9], [-30e-9, 20e-9, -45e-9]])
    return field, pos


# measured max deviation 1.4e-7 (static) and 3.4e-9 (real) of max |F_int| (FD
# rounding eps |V| / (h |F_int|) dominates for the weak pair force); margins 4 and 3.5
@pytest.mark.parametrize("green, tol", [("static", 6e-7), ("real", 1.2e-8)])
def test_interaction_force_routes_agree(green, tol):
    field, pos = _pair()
    r = interaction_force_routes(pos, [P.volume] * 2, P.chi, field, green=green)
    assert r["deviation"].max() < tol
    # the interaction force is a small part of the total, but not zero
    assert np.all(np.abs(r["dipole"]).max(axis=1) > 0)


def test_single_particle_has_no_interaction_force():
    field, pos = _pair()
    r = interaction_force_routes(pos[:1], [P.volume], P.chi, field, green="real")
    assert np.array_equal(r["energy"], np.zeros((1, 3)))
    assert np.array_equal(r["dipole"], np.zeros((1, 3)))


# measured deviations 6.7e-9 (total, both tensors; FD truncation h^2 = 1e-8),
# 3.7e-7 (static) and 1.1e-7 (real) for the interaction part (rounding eps |V| / h
# against a torque 1e4 times smaller than the total); margins 4.5, 4, 3.7
@pytest.mark.parametrize(
    "green, interaction, tol",
    [("static", False, 3e-8), ("real", False, 3e-8),
     ("static", True, 1.5e-6), ("real", True, 4e-7)],
)
def test_euler_torque_routes_agree(green, interaction, tol):
    field, pos = _pair()
    body = susceptibility_tensor(2.085, SEMI)
    r = euler_torque_routes(pos, [volume(SEMI), P.volume], body, P.chi, field, EULER,
                            green=green, interaction=interaction)
    assert r["deviation"] < tol
    assert np.abs(r["dipole"]).max() > 0


def test_sphere_alone_feels_no_torque():
    """An isotropic particle in any field: the energy does not depend on orientation."""
    field, pos = _pair()
    body = P.chi * np.eye(3)
    r = euler_torque_routes(pos[:1], [P.volume], body, P.chi, field, EULER)
    body_aniso = susceptibility_tensor(2.085, SEMI)
    aniso = euler_torque_routes(pos[:1], [volume(SEMI)], body_aniso,
                                P.chi, field, EULER)
    scale = np.abs(aniso["dipole"]).max()
    # measured 4.8e-15 (dipole route: rounding of R chi R^T) and 4.6e-11 (energy
    # route: rounding eps |V| / h) of the anisotropic particle's torque; margins 10, 4
    assert np.abs(r["dipole"]).max() < 5e-14 * scale
    assert np.abs(r["energy"]).max() < 2e-10 * scale


def test_bad_input_names_the_parameter():
    field, pos = _pair()
    vols = [P.volume] * 2
    with pytest.raises(ValueError, match="green"):
        interaction_force_routes(pos, vols, P.chi, field, green="full")
    with pytest.raises(ValueError, match="step"):
        interaction_force_routes(pos, vols, P.chi, field, step=-1e-9)
    with pytest.raises(TypeError, match="field"):
        interaction_force_routes(pos, vols, P.chi, object())
    body = susceptibility_tensor(2.085, SEMI)
    with pytest.raises(ValueError, match="euler"):
        euler_torque_routes(pos, vols, body, P.chi, field, [0.1, 0.2])
    with pytest.raises(TypeError, match="interaction"):
        euler_torque_routes(pos, vols, body, P.chi, field, EULER, interaction=1)
    asymmetric = body.copy()
    asymmetric[0, 1] += 0.1
    with pytest.raises(ValueError, match="chi_body"):
        euler_torque_routes(pos, vols, asymmetric, P.chi, field, EULER)
