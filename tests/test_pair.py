"""Two-particle unidirectional coupling, Eqs. (91)-(93) (optbind.linear.pair)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optbind.conventions import HBAR
from optbind.linear.pair import (
    polarization,
    tweezer_separation,
    two_particle_array,
    unidirectional_coupling,
    unidirectional_cross_diffusion,
    unidirectional_separation,
)
from optbind.parameters import load

P = load("rieser2022")


@pytest.mark.parametrize("thetas", [(0.0, 0.0), (0.5, -0.3), (1.2, 0.2)])
def test_closed_form_is_unidirectional(thetas):
    kw = dict(theta1=thetas[0], theta2=thetas[1], n=5)
    arr = two_particle_array(**kw)
    c = arr.C
    cval = unidirectional_coupling(**kw)
    # C_21 = P cos(kd + phi) = P cos(pi/2 + 2 pi n): zero up to the rounding of
    # k d ~ 32 (measured 3.9e-15 |C|, margin 10)
    assert abs(c[1, 0]) < 4e-14 * abs(cval)
    # Eq. (92): measured 2.2e-16, margin 50
    assert c[0, 1] == pytest.approx(cval, rel=1e-14, abs=0)
    d12 = arr.D[0, 1]
    # Eq. (93) from the corrected Eq. (87b): measured 3.7e-15, margin 10
    assert d12 == pytest.approx(unidirectional_cross_diffusion(**kw), rel=4e-14, abs=0)
    # (1 + i): phase pi/4, measured exactly pi/4
    assert np.angle(d12) == pytest.approx(np.pi / 4, abs=1e-14)


def test_numerical_route_unidirectional_to_far_field_accuracy():
    """General expressions: C_21/C_12 = O(1/(kd)), C_12 = C (1 + O(1/(kd)^2)),
    D_12 from quadrature matches Eq. (93) to O(1/(kd)).

    Measured at k d = 25.9 and 101.3 (n = 4, 16), bounds 1.15 x the larger value:
    |C_21| k d/C = 0.291, 0.296; |C_12/C - 1| (k d)^2 = 1.59, 1.59;
    |D_12 - (1 + i) hbar C/4| k d/(hbar C) = 0.081, 0.099.
    """
    ratios, kds = [], []
    for n in (4, 16):
        arr = two_particle_array(n=n)
        cn = arr.numerical_C(green="full")
        cval = unidirectional_coupling(n=n)
        kd = P.k * np.linalg.norm(arr.foci[1])
        assert abs(cn[1, 0]) * kd / abs(cval) < 0.34
        assert abs(cn[0, 1] / cval - 1) * kd**2 < 1.85
        dn = arr.numerical_D()
        assert (
            abs(dn[0, 1] - (1 + 1j) * HBAR * cval / 4) * kd / (HBAR * abs(cval)) < 0.115
        )
        ratios.append(abs(cn[1, 0] / cn[0, 1]))
        kds.append(kd)
    # the residual back-action decays like 1/(kd): measured to 2.0 %,
    # rtol 0.04 (margin 2)
    assert ratios[0] / ratios[1] == pytest.approx(kds[1] / kds[0], rel=0.04, abs=0)


def test_default_configuration():
    arr = two_particle_array()
    kd = P.k * arr.foci[1, 0]
    # measured 2.7e-15 (rounding of k d ~ 37)
    assert np.mod(kd, 2 * np.pi) == pytest.approx(np.pi / 4, abs=1e-13)
    assert abs(arr.foci[1, 0] - P.separation) <= np.pi / P.k  # nearest admissible n
    # E_1 = E_2 e^{i phi}
    np.testing.assert_allclose(
        arr.amplitudes[0],
        np.exp(1j * np.pi / 4) * arr.amplitudes[1],
        rtol=1e-15,
        atol=0,
    )
    d = arr.D
    np.testing.assert_array_equal(d, d.conj().T)
    assert np.min(np.linalg.eigvalsh(d)) > 0
    # D_11 D_22 > |D_12|^2 (text below Eq. 87b)
    assert d[0, 0].real * d[1, 1].real > abs(d[0, 1]) ** 2


def test_polarization_geometry():
    """The angle between e_j and e_x is pi/2 - Theta_j (text under Eq. 92)."""
    for th in (0.0, 0.4, 1.3):
        e = polarization(th)
        assert np.linalg.norm(e) == pytest.approx(1.0, rel=1e-15, abs=0) and e[2] == 0.0
        assert np.arccos(e @ [1, 0, 0]) == pytest.approx(np.pi / 2 - th, abs=1e-14)


def test_separations():
    """k d = pi/4 + 2 pi n (item I of Sec. V B) and k d = kd_mod + 2 pi n."""
    assert P.k * unidirectional_separation(P.k, 3) == pytest.approx(
        np.pi / 4 + 6 * np.pi, rel=1e-15, abs=0
    )
    assert P.k * tweezer_separation(P.k, 2, 0.3) == pytest.approx(
        0.3 + 4 * np.pi, rel=1e-15, abs=0
    )


@settings(max_examples=12, deadline=None, derandomize=True)
@given(
    kd=st.floats(20.0, 150.0),
    phi=st.floats(-np.pi, np.pi),
    t1=st.floats(-np.pi, np.pi),
    t2=st.floats(-np.pi, np.pi),
)
def test_commutator_relation_arbitrary_geometry(kd, phi, t1, t2):
    """C_12 - C_21 = 4 Im(D_12)/hbar for any d, phi and polarisations, in the closed
    forms and in the numerical routes."""
    arr = two_particle_array(d=kd / P.k, phi=phi, theta1=t1, theta2=t2)
    c, d = arr.C, arr.D
    scale = abs(unidirectional_coupling(d=kd / P.k))
    # closed forms: measured <= 9.4e-17 scale over these 12 examples, margin 10
    assert c[0, 1] - c[1, 0] == pytest.approx(
        4 * d[0, 1].imag / HBAR, abs=1e-15 * scale
    )
    cn, dn = arr.numerical_C(green="full"), arr.numerical_D()
    # identity of the general expressions; FD truncation only: measured <= 1.0e-9 scale,
    # margin 3
    assert cn[0, 1] - cn[1, 0] == pytest.approx(
        4 * dn[0, 1].imag / HBAR, abs=3e-9 * scale
    )


@pytest.mark.parametrize(
    "call,err,match",
    [
        (lambda: unidirectional_separation(P.k, -1), ValueError, "n must"),
        (lambda: unidirectional_separation(P.k, 2.5), TypeError, "n must"),
        (lambda: two_particle_array(d=1e-8), ValueError, "d must"),
        (lambda: two_particle_array(d=5e-6, n=3), ValueError, "either d or n"),
        (lambda: two_particle_array(phi=np.nan), ValueError, "phi"),
        (lambda: unidirectional_coupling(d=np.nan), ValueError, "d must"),
        (lambda: tweezer_separation(P.k, 0, -1.0), ValueError, "kd_mod"),
    ],
)
def test_validation(call, err, match):
    with pytest.raises(err, match=match):
        call()
