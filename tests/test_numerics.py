"""Tests of optbind.numerics: central differences and Jordan-block-aware eigenvalues."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optbind.numerics import JORDAN_RTOL, central_difference, eigenvalues

X0 = np.array([0.7, -0.3])


def _f(x):
    """A vector-valued test function with known derivatives of every order."""
    a, b = x
    return np.array([np.sin(a) * np.exp(0.5 * b), a**2 * np.cos(b)])


def _derivative(x, order):
    """Analytic d^order f_s / d x_i^order, index order [i, s] (as
    central_difference)."""
    a, b = x
    s, e = np.sin(a), np.exp(0.5 * b)
    c = np.cos(a)
    table = {
        1: [[c * e, 2 * a * np.cos(b)], [0.5 * s * e, -a * a * np.sin(b)]],
        2: [[-s * e, 2 * np.cos(b)], [0.25 * s * e, -a * a * np.cos(b)]],
        3: [[-c * e, 0.0], [0.125 * s * e, a * a * np.sin(b)]],
        4: [[s * e, 0.0], [0.0625 * s * e, a * a * np.cos(b)]],
    }
    return np.array(table[order])


def _error(h, order):
    return np.max(
        np.abs(central_difference(_f, X0, h, order=order) - _derivative(X0, order))
    )


def test_shapes():
    # scalar output: shape X; vector output: shape X + S
    x = np.zeros((2, 3))
    assert central_difference(lambda y: float(np.sum(y**2)), x, 1e-3).shape == (2, 3)
    assert central_difference(_f, X0, 1e-3).shape == (2, 2)
    assert central_difference(lambda y: np.outer(y, y), X0, 1e-3, order=2).shape == (
        2,
        2,
        2,
    )


def test_first_derivative_against_analytic():
    # measured max error 1.10e-7 at h = 1e-3 (truncation h^2 f'''/6); margin 3
    assert _error(1e-3, 1) < 3e-7


def test_second_derivative_against_analytic():
    # measured max error 4.6e-8 at h = 1e-3 (truncation h^2 f''''/12); margin 3
    assert _error(1e-3, 2) < 1.5e-7


@pytest.mark.parametrize("order, coeff", [(1, 1.0 / 6.0), (2, 1.0 / 12.0)])
def test_leading_truncation_term(order, coeff):
    """The error is h^2 f^(order+2) * coeff + O(h^4): the stencils are the textbook
    ones."""
    h = 1e-2
    err = central_difference(_f, X0, h, order=order) - _derivative(X0, order)
    lead = coeff * h**2 * _derivative(X0, order + 2)
    # measured residual after removing the h^2 term: 5.5e-11 (order 1), 1.6e-11 (order
    # 2), against an error of 1.1e-5 / 4.6e-6: the remainder is O(h^4); margin ~5
    assert np.max(np.abs(err - lead)) < 3e-10


@pytest.mark.parametrize("order", [1, 2])
def test_convergence_rate_is_two(order):
    hs = np.array([1e-2, 5e-3, 2.5e-3])
    errs = np.array([_error(h, order) for h in hs])
    rates = np.log2(errs[:-1] / errs[1:])
    # measured |rate - 2| <= 5.4e-6 (order 1) and <= 4.3e-5 (order 2, rounding in the
    # second difference); tolerance 3e-4 (margin 7) rejects any other power of h
    assert np.all(np.abs(rates - 2.0) < 3e-4), rates


_coef = st.floats(-10.0, 10.0, allow_nan=False, allow_infinity=False)


@settings(derandomize=True, max_examples=60, deadline=None, database=None)
@given(c=st.lists(_coef, min_size=4, max_size=4), x0=_coef, h=st.floats(1e-3, 1.0))
def test_stencils_on_cubics(c, x0, h):
    """Cubics: order 1 is off by exactly c3 h^2 (= h^2 f'''/6), order 2 is exact."""

    def f(x):
        return c[0] + c[1] * x[0] + c[2] * x[0] ** 2 + c[3] * x[0] ** 3

    x = np.array([x0])
    d1 = central_difference(f, x, h)[0]
    d2 = central_difference(f, x, h, order=2)[0]
    scale = 1.0 + sum(abs(ci) for ci in c) * (1 + abs(x0) + h) ** 3
    # rounding only: |f| eps / h^order (largest seen 1.75e-16 scale/h^order; margin 6)
    assert (
        abs(d1 - (c[1] + 2 * c[2] * x0 + 3 * c[3] * x0**2 + c[3] * h**2))
        < 1e-15 * scale / h
    )
    assert abs(d2 - (2 * c[2] + 6 * c[3] * x0)) < 1e-15 * scale / h**2


def test_step_and_order_validation():
    with pytest.raises(ValueError, match="step"):
        central_difference(_f, X0, 0.0)
    with pytest.raises(ValueError, match="order"):
        central_difference(_f, X0, 1e-3, order=3)
    with pytest.raises(TypeError, match="order"):
        central_difference(_f, X0, 1e-3, order=1.0)


# ------------------------------------------------------------------ eigenvalues
@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_split_jordan_block_is_merged(seed):
    """S N S^-1 with N nilpotent: rounding splits the double zero by ~sqrt(eps)
    ||B||."""
    rng = np.random.default_rng(seed)
    s = rng.normal(size=(2, 2)) + 2.0 * np.eye(2)
    b = s @ np.array([[0.0, 1.0], [0.0, 0.0]]) @ np.linalg.inv(s)
    scale = np.linalg.norm(b, 2)
    raw = np.linalg.eigvals(b)
    # the split is really there in LAPACK's answer (measured 3e-9 .. 8e-9 ||B||,
    # real or imaginary depending on the seed), so the merge below is not vacuous
    assert 1e-10 * scale < np.max(np.abs(raw)) < JORDAN_RTOL * scale
    assert np.array_equal(eigenvalues(b), np.zeros(2, dtype=complex))


def test_unidirectional_coupling_matrix_is_nilpotent():
    # C with C[0, 1] != 0, C[1, 0] = 0 (the unidirectional pair): both eigenvalues 0
    c = np.array([[0.0, 3.7e-9], [0.0, 0.0]])
    assert np.array_equal(eigenvalues(c), np.zeros(2, dtype=complex))


def test_genuine_small_eigenvalues_of_a_normal_matrix_are_kept():
    """Small eigenvalues above JORDAN_RTOL ||B|| survive, to rounding accuracy."""
    q, _ = np.linalg.qr(np.random.default_rng(0).normal(size=(6, 6)))
    rot = np.array([[0.0, -3e-5], [3e-5, 0.0]])  # eigenvalues +-3e-5 i
    core = np.zeros((6, 6))
    core[:4, :4] = np.diag([1.0, -0.3, 1e-4, -2e-5])
    core[4:, 4:] = rot
    b = q @ core @ q.T  # normal (orthogonally diagonalisable up to the 2x2 rotation)
    got = eigenvalues(b)
    want = np.array([1.0, -0.3, 1e-4, -2e-5, 3e-5j, -3e-5j])
    for w in want:
        # measured distance to the nearest computed eigenvalue <= 2.2e-16; margin 9
        assert np.min(np.abs(got - w)) < 2e-15
    # real eigenvalues have exactly zero imaginary part and the pair exactly zero real
    # part
    assert np.count_nonzero(got.imag) == 2 and np.count_nonzero(got.real) == 4


def test_threshold_is_relative():
    # an eigenvalue below rtol ||B|| is set to zero, above it is kept; scaling B
    # by 1e-20 changes nothing (the test is relative, not absolute)
    for scale in (1.0, 1e-20):
        b = scale * np.diag([1.0, 0.5 * JORDAN_RTOL, 2.0 * JORDAN_RTOL])
        got = np.sort(eigenvalues(b).real)
        assert got[0] == 0.0
        assert got[1] == pytest.approx(2.0 * JORDAN_RTOL * scale, rel=1e-12, abs=0)
        assert got[2] == pytest.approx(scale, rel=1e-12, abs=0)
    with pytest.raises(ValueError, match="matrix"):
        eigenvalues(np.ones((2, 3)))
