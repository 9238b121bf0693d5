"""Recoil diffusion and Ehrenfest forces by independent routes: optbind.analysis.recoil.

The closed forms (87a), (87b') are compared with an angular quadrature of the
Lindblad amplitudes, and the generator's mean force with the classical force of
Eq. (C10b).  Tolerances are measured values times a margin.
"""

import numpy as np
import pytest

from optbind.analysis.recoil import cross_diffusion_scan, ehrenfest_force_split
from optbind.fields import TweezerField
from optbind.parameters import load

P = load("rieser2022")
KD = 2 * np.pi * np.array([5, 10, 20, 40]) + np.pi / 4


def test_87a_exact_and_87b_corrected_to_leading_order():
    r = cross_diffusion_scan(KD, params=P)
    # measured <= 1.1e-14 (quadrature precision; the tweezers do not overlap); margin 90
    assert np.all(r["dev_87a"] < 1e-12)
    # measured kd * deviation = 2.30-2.36: an O(1/kd) correction (fitted slope -1.011)
    slope = np.polyfit(np.log(KD), np.log(r["dev_corrected"]), 1)[0]
    assert slope == pytest.approx(-1.0, abs=0.05)
    assert np.all(r["dev_corrected"] * KD < 3.0)
    # the printed form is wrong by O(1) at every distance (measured 2.40-2.43)
    assert np.all(r["dev_printed"] > 1.0)


def test_printed_and_corrected_87b_coincide_without_phase_and_axial_polarisation():
    """E_1 = E_2 orthogonal to the pair axis: (1 + nn) E = (1 - nn) E and E_j = E_j'."""
    r = cross_diffusion_scan(KD[:2], params=P, polarization_angle=np.pi / 2, phase=0.0)
    assert np.array_equal(r["d12_printed"], r["d12_corrected"])
    assert np.all(r["dev_corrected"] < 0.02)       # measured 0.0076, 0.0043


def test_generator_force_is_the_classical_force():
    foci = np.array([[0.0, 0.0, 0.0], [9e-6, 0.0, 0.0]])
    pol = np.array([np.sin(0.3), np.cos(0.3), 0.0]) * P.field_amplitude
    field = TweezerField(foci, np.array([pol * np.exp(0.7j), pol]), P.k, P.waist)
    pos = foci + 80e-9 * np.random.default_rng(7).uniform(-1, 1, size=(2, 3))
    s = ehrenfest_force_split(pos, [P.volume] * 2, P.chi, field)
    # measured 1.2e-9 (total), 3.4e-9 (Re G part: central differences of V_opt) and
    # 1.3e-13 (Im G part: Gauss rule); margins 8, 6, 80
    assert s["deviation_total"] < 1e-8
    assert s["deviation_potential"] < 2e-8
    assert s["deviation_lindblad"] < 1e-11
    # both binding parts are present and comparable (non-reciprocal binding)
    im, re = s["binding_imag_green"], s["binding_real_green"]
    ratio = np.abs(im).max() / np.abs(re).max()
    assert 1e-2 < ratio < 1e2


def test_bad_input_names_the_parameter():
    with pytest.raises(ValueError, match="kd"):
        cross_diffusion_scan([-1.0], params=P)
    with pytest.raises(TypeError, match="phase"):
        cross_diffusion_scan(KD, params=P, phase="0")
    amp = [[0.0, P.field_amplitude, 0.0]]
    field = TweezerField([[0.0, 0.0, 0.0]], amp, P.k, P.waist)
    with pytest.raises(ValueError, match="N >= 2"):
        ehrenfest_force_split([[0.0, 0.0, 0.0]], [P.volume], P.chi, field)
