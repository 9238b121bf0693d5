"""Sizes of the approximations of Sec. III and App. B: optbind.analysis.approximations.

Each ratio is recomputed from the layer that defines the quantity (Green tensors,
radiation correction by quadrature, the parameter set's trap frequency), so the test
checks the estimates against independent evaluations, not against their own formulas.
"""

import numpy as np
import pytest

from optbind.analysis.approximations import approximation_ratios
from optbind.conventions import BOLTZMANN, HBAR, SPEED_OF_LIGHT
from optbind.green import electrostatic_green, far_field_green, sphere_quadrature
from optbind.parameters import load
from optbind.particles import (
    radiation_correction_sphere_quadrature,
    sphere_susceptibility,
)

P = load("rieser2022")
ARGS = dict(
    diameter=P.diameter,
    wavelength=P.wavelength,
    permittivity=P.permittivity,
    density=P.density,
    separation=P.separation,
    power=P.power,
    waist=P.waist,
)


def test_ratios_against_independent_evaluations():
    r = approximation_ratios(**ARGS, temperature=295.0)
    chi = sphere_susceptibility(P.permittivity)
    vchi = P.volume * chi
    tight = dict(
        rel=2e-15, abs=0
    )  # measured deviations <= 4.0e-16 (rounding); margin 5
    assert r["ka"] == pytest.approx(np.pi * P.diameter / P.wavelength, **tight)
    # radiation correction (Eq. 68) by distance-distribution quadrature
    dchi = radiation_correction_sphere_quadrature(P.permittivity, P.radius, P.k)
    assert r["delta_chi_over_chi"] == pytest.approx(dchi / chi, **tight)
    # self field: V chi Im G(0), with Im G(0) = k^3/(16 pi^2) int d^2n (1 - nn) (the
    # angular form of Im G at r = 0) integrated by quadrature
    nodes, w = sphere_quadrature(4)
    im_g0 = P.k**3 / (16 * np.pi**2) * np.sum(w * (1 - nodes[:, 0] ** 2))
    assert r["scattered_over_laser_self"] == pytest.approx(vchi * im_g0, **tight)
    # pair: the far-field and electrostatic tensors between the particles (transverse
    # element, polarisation perpendicular to the separation)
    sep = [P.separation, 0, 0]
    assert r["scattered_over_laser_pair"] == pytest.approx(
        vchi * abs(far_field_green(sep, P.k)[1, 1]), **tight
    )
    assert r["static_pair"] == pytest.approx(
        vchi * abs(electrostatic_green(sep)[1, 1]), **tight
    )
    # speeds: thermal and zero-point at the parameter set's trap frequency (Eq. 79)
    assert r["v_over_c"] == pytest.approx(
        np.sqrt(BOLTZMANN * 295.0 / P.mass) / SPEED_OF_LIGHT, **tight
    )
    assert r["v_over_c_ground"] == pytest.approx(
        np.sqrt(HBAR * P.omega / (2 * P.mass)) / SPEED_OF_LIGHT, **tight
    )
    transit = P.diameter * np.sqrt(P.permittivity) / SPEED_OF_LIGHT
    assert r["light_transit_over_period"] == pytest.approx(
        transit * P.omega / (2 * np.pi), **tight
    )


def test_realistic_values_are_small():
    """For the experiment of the paper every dropped term is small (Sec. III)."""
    r = approximation_ratios(**ARGS)
    assert 0.3 < r["ka"] < 0.5  # measured 0.405: quasi-static, but only just
    assert 1e-11 < r["v_over_c"] < 1e-9  # measured 7e-11
    for key in (
        "scattered_over_laser_pair",
        "static_pair",
        "light_transit_over_period",
        "v_over_c_ground",
    ):
        assert r[key] < 1e-3, key
    assert r["delta_chi_over_chi"] < 0.05


def test_scaling_with_size():
    small = approximation_ratios(**{**ARGS, "diameter": P.diameter / 2})
    big = approximation_ratios(**ARGS)
    # ka ~ a, delta chi/chi ~ a^2, self field ~ a^3, pair ~ a^3 (exact power laws)
    for key, power in (
        ("ka", 1),
        ("delta_chi_over_chi", 2),
        ("scattered_over_laser_self", 3),
        ("static_pair", 3),
    ):
        # measured: exact to rounding
        assert big[key] / small[key] == pytest.approx(2.0**power, rel=1e-15, abs=0), key


def test_bad_inputs_name_the_parameter():
    with pytest.raises(ValueError, match="diameter"):
        approximation_ratios(**{**ARGS, "diameter": -1.0})
    with pytest.raises(ValueError, match="permittivity"):
        approximation_ratios(**{**ARGS, "permittivity": 0.5})
    with pytest.raises(TypeError):
        approximation_ratios(P.diameter)  # keyword-only
