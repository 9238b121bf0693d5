"""Tests of optbind.response: corrected Eq. (101), fast vs dense vs mpmath."""

import mpmath
import numpy as np
import pytest

from optbind.chain import chain_couplings
from optbind.response import (
    dense_susceptibility,
    inverse_susceptibility,
    susceptibility,
)

W0, GAM = 20.0, 1.0  # Fig. 2(b): omega0 = 20 gamma, g = gamma


def test_single_particle_lorentzian_and_normalisation():
    w = np.linspace(15, 25, 101)
    chi = susceptibility(w, np.zeros((1, 1)), W0, GAM)[:, 0, 0]
    # from Eq. (100) with N = 1: chi = -i w0 g / (w0^2 - w^2 - i g w); measured 4.5e-16
    ref = -1j * W0 * GAM / (W0**2 - w**2 - 1j * GAM * w)
    np.testing.assert_allclose(chi, ref, rtol=1e-14)
    assert abs(susceptibility([W0], np.zeros((1, 1)), W0, GAM)[0, 0, 0] - 1) < 1e-14


def test_two_particle_unidirectional_closed_form():
    """B = [[0, c], [0, 0]] (particle 2 drives 1):
    (s - B)^-1 = [[1/s, c/s^2], [0, 1/s]]."""
    c = 2 * W0 * 1.0
    B = np.array([[0.0, c], [0.0, 0.0]])
    w = np.linspace(18, 22, 41)
    s = W0**2 - w**2 - 1j * GAM * w
    chi = susceptibility(w, B, W0, GAM)
    # measured 3.4e-16 relative, margin 30
    np.testing.assert_allclose(chi[:, 0, 1], -1j * W0 * GAM * c / s**2, rtol=1e-14)
    # no back-action at all: measured exactly zero
    np.testing.assert_array_equal(chi[:, 1, 0], 0.0)
    inv = inverse_susceptibility(w, B, W0, GAM)
    # measured 4.4e-16, margin 20
    np.testing.assert_allclose(
        np.einsum("fij,fjk->fik", inv, chi),
        np.broadcast_to(np.eye(2), chi.shape),
        rtol=0,
        atol=1e-14,
    )


def test_complex_couplings_are_kept():
    """A complex C/m is not truncated: compare with a dense inverse."""
    B = np.array([[0.0, 1j], [0.3, 0.0]])
    w = np.array([0.9, 1.0, 1.2])
    chi = susceptibility(w, B, 1.0, 1.0)
    ref = np.array(
        [-1j * np.linalg.inv((1 - x**2 - 1j * x) * np.eye(2) - B) for x in w]
    )
    np.testing.assert_allclose(chi, ref, rtol=1e-13)


def test_reciprocal_couplings_give_symmetric_response():
    rng = np.random.default_rng(0)
    B = rng.standard_normal((8, 8))
    B = B + B.T
    np.fill_diagonal(B, 0)
    chi = susceptibility(np.linspace(15, 25, 7), B, W0, GAM)
    # measured 6.8e-16 relative, margin 15
    np.testing.assert_allclose(chi, np.swapaxes(chi, 1, 2), rtol=1e-14, atol=0)


@pytest.mark.parametrize(
    "N,rtol",
    [
        # measured max relative difference on any of the five elements (always on the
        # largest one, chi[0, N-1]): 3.2e-15, 5.4e-14, 6.9e-13; rtol = 10 x measured
        (10, 3e-14),
        (60, 5e-13),
        (200, 7e-12),
    ],
)
def test_fast_equals_dense_on_chain_including_tiny_elements(N, rtol):
    B = chain_couplings(N, W0, 1.0, np.pi / 4, np.pi / 4)
    w = np.linspace(W0 - 10, W0 + 10, 41 if N == 200 else 201)
    el = [(0, N - 1), (N - 1, 0), (0, 0), (N // 2, 1), (N - 1, N // 3)]
    fast = susceptibility(w, B, W0, GAM, elements=el)
    dense = dense_susceptibility(w, B, W0, GAM, elements=el)
    assert fast.shape == (w.size, len(el))
    # componentwise, also on the suppressed elements: |chi[N-1, 0]|^2 reaches ~1e-13
    # for N = 200 while |chi[0, N-1]|^2 ~ 1e3
    np.testing.assert_allclose(fast, dense, rtol=rtol, atol=0)
    if N == 200:
        # measured ratio 6.1e-17
        assert (
            np.min(np.abs(dense[:, 1])) ** 2 < 1e-15 * np.max(np.abs(dense[:, 0])) ** 2
        )


@pytest.mark.parametrize("seed", [0, 1])
def test_fast_equals_dense_random_couplings_full_matrix(seed):
    rng = np.random.default_rng(seed)
    N = 30
    B = 30.0 * rng.standard_normal((N, N)) * np.triu(
        np.ones((N, N)), 1
    ) + 3.0 * rng.standard_normal((N, N))
    np.fill_diagonal(B, 0)
    w = np.linspace(10, 30, 23)
    fast = susceptibility(w, B, W0, GAM)
    dense = dense_susceptibility(w, B, W0, GAM)
    # normwise agreement; elements span many decades, judge each against the
    # largest element of its column (column-wise backward error scale):
    # measured 6.7e-15 and 6.4e-15, margin 15
    scale = np.max(np.abs(dense), axis=1, keepdims=True)
    assert np.max(np.abs(fast - dense) / scale) < 1e-13


def test_against_mpmath_extended_precision():
    N = 24
    B = chain_couplings(N, W0, 1.0, np.pi / 4, np.pi / 4)
    w = np.array([W0 - 1.3, W0, W0 + 0.7])
    el = [(0, N - 1), (N - 1, 0)]
    fast = susceptibility(w, B, W0, GAM, elements=el)
    with mpmath.workdps(50):
        for f, om in enumerate(w):
            s = (
                mpmath.mpf(W0) ** 2
                - mpmath.mpf(om) ** 2
                - 1j * mpmath.mpf(GAM) * mpmath.mpf(om)
            )
            Mat = mpmath.matrix(N, N)
            for i in range(N):
                for j in range(N):
                    Mat[i, j] = (s if i == j else 0) - mpmath.mpf(B[i, j])
            for k, (a, b) in enumerate(el):
                e = mpmath.matrix(N, 1)
                e[b] = 1
                x = mpmath.lu_solve(Mat, e)
                ref = complex(-1j * W0 * GAM * x[a])
                # 50-digit reference, also for the suppressed element: measured
                # 4.2e-15 relative (dense LU: 7.4e-15), margin 12
                assert abs(fast[f, k] - ref) / abs(ref) < 5e-14


@pytest.mark.parametrize(
    "kw,err,match",
    [
        (dict(omega0=0.0), ValueError, "omega0"),
        (dict(gamma=0.0), ValueError, "gamma"),
        (dict(elements=[(0, 5)]), ValueError, "elements"),
        (dict(elements=[(0.5, 1)]), TypeError, "elements"),
        (dict(coupling_over_m=np.zeros((2, 3))), ValueError, "coupling_over_m"),
        (dict(omega=[np.nan]), ValueError, "omega"),
        # complex frequencies used to lose their imaginary part silently
        (dict(omega=[1.0 + 1.0j]), TypeError, "omega"),
        (dict(refine=-1), ValueError, "refine"),
        (dict(refine=True), TypeError, "refine"),
    ],
)
def test_bad_input(kw, err, match):
    args = dict(omega=[1.0], coupling_over_m=np.zeros((2, 2)), omega0=1.0, gamma=1.0)
    args.update(kw)
    with pytest.raises(err, match=match):
        susceptibility(**args)
