"""Tests of the shared data type optbind.model.ArrayModel."""

import numpy as np
import pytest

from optbind import gaussian
from optbind.conventions import HBAR
from optbind.linear.pair import two_particle_array
from optbind.model import ArrayModel

M, W = 1e-18, 2 * np.pi * 1e5  # W: frequency unit of ArrayModel.dimensionless


def _valid(**over):
    kw = dict(
        masses=[M, M],
        omega=[W, W],
        C=[[0.0, 1e-9], [0.0, 0.0]],
        D=np.eye(2) * 1e-40,
        gamma=10.0,
        n_th=0.5,
    )
    kw.update(over)
    return kw


def test_defaults_and_derived_quantities():
    mod = ArrayModel(**_valid())
    assert mod.n_particles == 2
    # Eq. (84): K_j is the row sum of C_jj'
    np.testing.assert_array_equal(mod.K, [1e-9, 0.0])
    np.testing.assert_array_equal(mod.F, [0.0, 0.0])
    # omega_eff^2 = omega^2 + K/m (Eq. 83); exact up to one rounding
    np.testing.assert_allclose(mod.omega_eff**2, W**2 + mod.K / M, rtol=1e-15)
    np.testing.assert_allclose(
        mod.length_scale**2 * M * mod.omega_eff, HBAR, rtol=1e-14
    )
    with pytest.raises(ValueError):
        mod.C[0, 1] = 2.0  # arrays are read-only


@pytest.mark.parametrize(
    "field,value,err,match",
    [
        ("masses", [M, -M], ValueError, "masses must be > 0"),
        ("masses", [M, M, M], ValueError, "masses must have shape"),
        ("omega", [W, 0.0], ValueError, "omega must be > 0"),
        ("C", [[1.0, 0.0], [0.0, 0.0]], ValueError, "zero diagonal"),
        ("C", [[0.0, np.nan], [0.0, 0.0]], ValueError, "C must be finite"),
        ("C", np.zeros((2, 3)), ValueError, "square"),
        # complex couplings used to be truncated silently
        ("C", [[0.0, 1e-9j], [0.0, 0.0]], TypeError, "C must be real"),
        ("D", [[1e-40, 1e-40j], [1e-40j, 1e-40]], ValueError, "Hermitian"),
        ("D", [[1e-40, 2e-40], [2e-40, 1e-40]], ValueError, "positive semidefinite"),
        ("gamma", -1.0, ValueError, "gamma must be"),
        ("gamma", True, TypeError, "gamma"),
        ("n_th", -0.1, ValueError, "n_th must be"),
        ("K", [-1.0, 0.0], ValueError, "K must satisfy"),
        ("F", [0.0], ValueError, "F must have shape"),
    ],
)
def test_validation_names_the_field(field, value, err, match):
    with pytest.raises(err, match=match):
        ArrayModel(**_valid(**{field: value}))


def test_replace_refuses_unknown_fields():
    with pytest.raises(TypeError, match="unknown fields"):
        ArrayModel(**_valid()).replace(m=[M, M])


def test_from_matrices_keeps_effective_frequency():
    C = np.array([[0.0, 3e-9], [-1e-9, 0.0]])
    mod = ArrayModel.from_matrices(M, W, C, np.eye(2) * 1e-40)
    np.testing.assert_allclose(mod.omega_eff, [W, W], rtol=1e-14)
    with pytest.raises(ValueError, match="omega_eff"):
        ArrayModel.from_matrices(M, 1.0, C, np.eye(2) * 1e-40)


def test_dimensionless_units_are_natural_units():
    """hbar = m = omega = 1: rates and frequencies read off the dynamics in units of W.

    Replaces a restatement of the conversion formula by what the units mean
    physically, measured with the Gaussian engine (SI inside):
    recoil heating dn/dt = D l^2/hbar^2 = D per unit time (Eq. 82), Lindblad
    relaxation n(t) = n0 e^{-gamma t}, and normal-mode frequencies
    sqrt(omega_eff^2 -+ c/m) of a reciprocal pair.
    """
    heat = ArrayModel.dimensionless([1.0], [[0.0]], [[0.5]])
    t = np.array([0.0, 1.0, 4.0]) / W
    ev = gaussian.evolve(heat, gaussian.thermal_moments(heat), t)
    # exact linear growth; measured deviation 9e-16, margin 100
    np.testing.assert_allclose(
        gaussian.phonon_occupation(heat, ev)[:, 0], [0.0, 0.5, 2.0], rtol=0, atol=1e-13
    )
    damp = ArrayModel.dimensionless([1.0], [[0.0]], [[0.0]], gamma=0.1)
    ev = gaussian.evolve(damp, gaussian.thermal_moments(damp, occupations=2.0), t)
    # measured relative deviation 1.1e-15, margin 100
    np.testing.assert_allclose(
        gaussian.phonon_occupation(damp, ev)[:, 0],
        2.0 * np.exp(-0.1 * W * t),
        rtol=1e-13,
    )
    c, m = 0.2, 2.0
    pair = ArrayModel.dimensionless(
        [1.0, 1.0], [[0.0, c], [c, 0.0]], np.zeros((2, 2)), masses=[m, m]
    )
    freqs = (
        np.sort(np.abs(np.linalg.eigvals(gaussian.moment_equations(pair).A).imag)) / W
    )
    ref = np.repeat([np.sqrt(1 - c / m), np.sqrt(1 + c / m)], 2)
    # eigenvalues of a 4x4 drift: measured 1e-16, margin 1000
    np.testing.assert_allclose(freqs, ref, rtol=1e-13)


def test_unidirectional_pair_is_consistent_and_inconsistent_variant_detected():
    C = 0.05 * M * W**2
    mod = ArrayModel.unidirectional_pair(M, W, C, HBAR * C / 2)
    # Eq. (93) with the corrected relation C_12 - C_21 = 4 Im D_12 / hbar
    assert mod.is_consistent()
    np.testing.assert_array_equal(mod.C, [[0.0, C], [0.0, 0.0]])
    bad = mod.replace(D=mod.D.real)
    assert not bad.is_consistent()
    np.testing.assert_allclose(bad.commutator_residual(), mod.C - mod.C.T, rtol=1e-15)
    with pytest.raises(ValueError, match="C must be"):
        ArrayModel.unidirectional_pair(M, W, -1.0, 1.0)


def test_unidirectional_pair_agrees_with_general_eq87b():
    """Eq. (93), D_12 = (1 + i) hbar C/4, against the corrected Eq. (87b) (LinearArray).

    Independent routes: the array evaluates hbar eps0 chi^2 V^2 k^2 kappa^2
    sin(kd) M_21/(16 pi d) for the tweezers at k d = phi = pi/4; the model takes
    only the coupling C_12 of that array.
    """
    arr = two_particle_array()
    c12 = arr.C[0, 1]
    mod = ArrayModel.unidirectional_pair(
        arr.masses[0], arr.to_model().omega_eff[0], c12, arr.D[0, 0].real
    )
    # measured relative deviation 4.2e-15 (rounding of k d = pi/4 + 2 pi n), margin 25
    assert mod.D[0, 1] == pytest.approx(arr.D[0, 1], rel=1e-13, abs=0)
    np.testing.assert_allclose(mod.D, arr.D, rtol=1e-13)
