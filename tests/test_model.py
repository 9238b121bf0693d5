"""Tests of the shared data type optbind.model.ArrayModel."""
import numpy as np
import pytest

from optbind.conventions import HBAR
from optbind.model import ArrayModel

M, W = 1e-18, 2 * np.pi * 1e5


def _valid(**over):
    kw = dict(m=[M, M], omega=[W, W], C=[[0.0, 1e-9], [0.0, 0.0]],
              D=np.eye(2) * 1e-40, gamma=10.0, n_th=0.5)
    kw.update(over)
    return kw


def test_defaults_and_derived_quantities():
    mod = ArrayModel(**_valid())
    assert mod.N == 2
    # Eq. (84): K_j is the row sum of C_jj'
    np.testing.assert_array_equal(mod.K, [1e-9, 0.0])
    np.testing.assert_array_equal(mod.F, [0.0, 0.0])
    # omega_eff^2 = omega^2 + K/m (Eq. 83); exact up to one rounding
    np.testing.assert_allclose(mod.omega_eff**2, W**2 + mod.K / M, rtol=1e-15)
    np.testing.assert_allclose(mod.length_scale**2 * M * mod.omega_eff, HBAR, rtol=1e-14)
    with pytest.raises(ValueError):
        mod.C[0, 1] = 2.0          # arrays are read-only


@pytest.mark.parametrize("field,value,match", [
    ("m", [M, -M], "m must be > 0"),
    ("omega", [W, 0.0], "omega must be > 0"),
    ("C", [[1.0, 0.0], [0.0, 0.0]], "zero diagonal"),
    ("C", [[0.0, np.nan], [0.0, 0.0]], "C must be finite"),
    ("C", np.zeros((2, 3)), "square"),
    ("D", [[1e-40, 1e-40j], [1e-40j, 1e-40]], "Hermitian"),
    ("D", [[1e-40, 2e-40], [2e-40, 1e-40]], "positive semidefinite"),
    ("gamma", -1.0, "gamma must be"),
    ("n_th", -0.1, "n_th must be"),
    ("K", [-1.0, 0.0], "K must satisfy"),
    ("F", [0.0], "F must have shape"),
])
def test_validation_names_the_field(field, value, match):
    with pytest.raises(ValueError, match=match):
        ArrayModel(**_valid(**{field: value}))


def test_from_matrices_keeps_effective_frequency():
    C = np.array([[0.0, 3e-9], [-1e-9, 0.0]])
    mod = ArrayModel.from_matrices(M, W, C, np.eye(2) * 1e-40)
    np.testing.assert_allclose(mod.omega_eff, [W, W], rtol=1e-14)
    with pytest.raises(ValueError, match="omega_eff"):
        ArrayModel.from_matrices(M, 1.0, C, np.eye(2) * 1e-40)


def test_dimensionless_units():
    mod = ArrayModel.dimensionless([1.0], [[0.0]], [[0.5]], gamma=0.1)
    # unit mass and frequency -> zero-point length sqrt(hbar/(m0 w0))
    np.testing.assert_allclose(mod.length_scale, np.sqrt(HBAR / (1e-18 * 2 * np.pi * 1e5)), rtol=1e-14)
    np.testing.assert_allclose(mod.D.real, 0.5 * HBAR * 1e-18 * (2 * np.pi * 1e5) ** 2, rtol=1e-14)
    np.testing.assert_allclose(mod.gamma, 0.1 * 2 * np.pi * 1e5, rtol=1e-14)


def test_unidirectional_pair_is_consistent_and_inconsistent_variant_detected():
    C = 0.05 * M * W**2
    mod = ArrayModel.unidirectional_pair(M, W, C, HBAR * C / 2)
    # Eq. (93) with the corrected relation C_12 - C_21 = 4 Im D_12 / hbar
    assert mod.is_consistent()
    np.testing.assert_allclose(mod.D[0, 1], (1 + 1j) * HBAR * C / 4, rtol=1e-15)
    bad = mod.replace(D=mod.D.real)
    assert not bad.is_consistent()
    np.testing.assert_allclose(bad.commutator_residual(), mod.C - mod.C.T, rtol=1e-15)
    with pytest.raises(ValueError, match="C must be"):
        ArrayModel.unidirectional_pair(M, W, -1.0, 1.0)
