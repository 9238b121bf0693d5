"""Two-particle unidirectional coupling, Eqs. (91)-(93)."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optbind.conventions import HBAR
from optbind.parameters import load
from optbind.unidirectional import (
    polarization,
    two_particle_array,
    unidirectional_coupling,
    unidirectional_cross_diffusion,
    unidirectional_separation,
)

P = load("rieser2022")


@pytest.mark.parametrize("thetas", [(0.0, 0.0), (0.5, -0.3), (1.2, 0.2)])
def test_closed_form_is_unidirectional(thetas):
    arr = two_particle_array(theta1=thetas[0], theta2=thetas[1], n=5)
    c = arr.C
    cval = unidirectional_coupling(theta1=thetas[0], theta2=thetas[1], n=5)
    # C_21 = P cos(kd + phi) = P cos(pi/2 + 2 pi n): zero up to rounding of k d
    assert abs(c[1, 0]) < 1e-12 * abs(cval)
    assert c[0, 1] == pytest.approx(cval, rel=1e-12)  # Eq. (92)
    d12 = arr.D[0, 1]
    assert d12 == pytest.approx(unidirectional_cross_diffusion(theta1=thetas[0], theta2=thetas[1], n=5), rel=1e-12)
    assert np.angle(d12) == pytest.approx(np.pi / 4, abs=1e-12)  # (1 + i): phase pi/4


def test_numerical_route_unidirectional_to_far_field_accuracy():
    """General expressions: C_21/C_12 = O(1/(kd)); D_12 from quadrature matches Eq. (93)."""
    ratios, kds = [], []
    for n in (4, 16):
        arr = two_particle_array(n=n)
        cn = arr.numerical_C("full")
        cval = unidirectional_coupling(n=n)
        kd = P.k * np.linalg.norm(arr.foci[1])
        # correction coefficient bounded by 3 (k/kappa)^2 (see tests/test_array.py)
        assert abs(cn[1, 0]) < 3.5 * abs(cval) / kd
        assert cn[0, 1] == pytest.approx(cval, rel=3.5 / kd)
        dn = arr.numerical_D()
        assert abs(dn[0, 1] - (1 + 1j) * HBAR * cval / 4) < 1.0 / kd * HBAR * abs(cval)
        ratios.append(abs(cn[1, 0] / cn[0, 1]))
        kds.append(kd)
    # the residual back-action decays like 1/(kd)
    assert ratios[0] / ratios[1] == pytest.approx(kds[1] / kds[0], rel=0.1)


def test_default_configuration():
    arr = two_particle_array()
    kd = P.k * arr.foci[1, 0]
    assert np.mod(kd, 2 * np.pi) == pytest.approx(np.pi / 4, abs=1e-9)
    assert abs(arr.foci[1, 0] - P.separation) <= np.pi / P.k  # nearest admissible n
    assert np.allclose(arr.amplitudes[0], np.exp(1j * np.pi / 4) * arr.amplitudes[1])  # E_1 = E_2 e^{i phi}
    d = arr.D
    assert np.allclose(d, d.conj().T) and np.min(np.linalg.eigvalsh(d)) > 0
    # D_11 D_22 > |D_12|^2 (text below Eq. 87b)
    assert d[0, 0].real * d[1, 1].real > abs(d[0, 1]) ** 2


def test_polarization_geometry():
    """The angle between e_j and e_x is pi/2 - Theta_j (text under Eq. 92)."""
    for th in (0.0, 0.4, 1.3):
        assert np.arccos(polarization(th) @ [1, 0, 0]) == pytest.approx(np.pi / 2 - th)


@settings(max_examples=12, deadline=None)
@given(
    kd=st.floats(20.0, 150.0),
    phi=st.floats(-np.pi, np.pi),
    t1=st.floats(-np.pi, np.pi),
    t2=st.floats(-np.pi, np.pi),
)
def test_commutator_relation_arbitrary_geometry(kd, phi, t1, t2):
    """C_12 - C_21 = 4 Im(D_12)/hbar for any d, phi, polarisations (closed and numerical)."""
    arr = two_particle_array(d=kd / P.k, phi=phi, theta1=t1, theta2=t2)
    c, d = arr.C, arr.D
    scale = abs(unidirectional_coupling(d=kd / P.k)) + 1e-300
    assert c[0, 1] - c[1, 0] == pytest.approx(4 * d[0, 1].imag / HBAR, abs=1e-12 * scale)
    cn, dn = arr.numerical_C("full"), arr.numerical_D()
    # exact identity of the general expressions; FD (~1e-9) and quadrature errors only
    assert cn[0, 1] - cn[1, 0] == pytest.approx(4 * dn[0, 1].imag / HBAR, abs=1e-7 * scale)


def test_validation():
    with pytest.raises(ValueError, match="n must"):
        unidirectional_separation(P.k, -1)
    with pytest.raises(ValueError, match="d must"):
        two_particle_array(d=1e-8)
    with pytest.raises(ValueError, match="either d or n"):
        two_particle_array(d=5e-6, n=3)
    with pytest.raises(ValueError, match="phi"):
        two_particle_array(phi=np.nan)
