"""Tests of optbind.response: corrected Eq. (101), fast vs dense vs mpmath."""
import mpmath
import numpy as np
import pytest

from optbind.chain import chain_couplings
from optbind.response import dense_susceptibility, inverse_susceptibility, susceptibility

W0, GAM = 20.0, 1.0          # Fig. 2(b): omega0 = 20 gamma, g = gamma


def test_single_particle_lorentzian_and_normalisation():
    w = np.linspace(15, 25, 101)
    chi = susceptibility(w, np.zeros((1, 1)), W0, GAM)[:, 0, 0]
    # from Eq. (100) with N = 1: chi = -i w0 g / (w0^2 - w^2 - i g w)
    ref = -1j * W0 * GAM / (W0**2 - w**2 - 1j * GAM * w)
    np.testing.assert_allclose(chi, ref, rtol=1e-13)
    assert abs(susceptibility([W0], np.zeros((1, 1)), W0, GAM)[0, 0, 0] - 1) < 1e-14


def test_two_particle_unidirectional_closed_form():
    """B = [[0, c], [0, 0]] (particle 2 drives 1): (s - B)^-1 = [[1/s, c/s^2], [0, 1/s]]."""
    c = 2 * W0 * 1.0
    w = np.linspace(18, 22, 41)
    s = W0**2 - w**2 - 1j * GAM * w
    chi = susceptibility(w, np.array([[0.0, c], [0.0, 0.0]]), W0, GAM)
    np.testing.assert_allclose(chi[:, 0, 1], -1j * W0 * GAM * c / s**2, rtol=1e-13)
    assert np.all(chi[:, 1, 0] == 0) or np.max(np.abs(chi[:, 1, 0])) < 1e-15
    inv = inverse_susceptibility(w, np.array([[0.0, c], [0.0, 0.0]]), W0, GAM)
    np.testing.assert_allclose(np.einsum("fij,fjk->fik", inv, chi), np.broadcast_to(np.eye(2), chi.shape), atol=1e-12)


def test_reciprocal_couplings_give_symmetric_response():
    rng = np.random.default_rng(0)
    B = rng.standard_normal((8, 8))
    B = B + B.T
    np.fill_diagonal(B, 0)
    chi = susceptibility(np.linspace(15, 25, 7), B, W0, GAM)
    np.testing.assert_allclose(chi, np.swapaxes(chi, 1, 2), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("N", [10, 60, 200])
def test_fast_equals_dense_on_chain_including_tiny_elements(N):
    B = chain_couplings(N, W0, 1.0, np.pi / 4, np.pi / 4)
    w = np.linspace(W0 - 10, W0 + 10, 41 if N == 200 else 201)
    el = [(0, N - 1), (N - 1, 0), (0, 0), (N // 2, 1), (N - 1, N // 3)]
    fast = susceptibility(w, B, W0, GAM, el)
    dense = dense_susceptibility(w, B, W0, GAM, el)
    assert fast.shape == (w.size, len(el))
    # |chi[N-1, 0]|^2 reaches ~1e-13 for N = 200 while |chi[0, N-1]|^2 ~ 1e3;
    # both solvers are backward stable and the refinement step makes the
    # small elements accurate componentwise: 1e-8 leaves a wide margin over
    # the ~1e-13 observed
    np.testing.assert_allclose(fast, dense, rtol=1e-8, atol=0)
    if N == 200:
        assert np.min(np.abs(dense[:, 1])) ** 2 < 1e-10 * np.max(np.abs(dense[:, 0])) ** 2


@pytest.mark.parametrize("seed", [0, 1])
def test_fast_equals_dense_random_couplings_full_matrix(seed):
    rng = np.random.default_rng(seed)
    N = 30
    B = 30.0 * rng.standard_normal((N, N)) * np.triu(np.ones((N, N)), 1) + 3.0 * rng.standard_normal((N, N))
    np.fill_diagonal(B, 0)
    w = np.linspace(10, 30, 23)
    fast = susceptibility(w, B, W0, GAM)
    dense = dense_susceptibility(w, B, W0, GAM)
    # normwise agreement; elements span many decades, judge each against the
    # largest element of its column (column-wise backward error scale)
    scale = np.max(np.abs(dense), axis=1, keepdims=True)
    assert np.max(np.abs(fast - dense) / scale) < 1e-10


def test_against_mpmath_extended_precision():
    N = 24
    B = chain_couplings(N, W0, 1.0, np.pi / 4, np.pi / 4)
    w = np.array([W0 - 1.3, W0, W0 + 0.7])
    el = [(0, N - 1), (N - 1, 0)]
    fast = susceptibility(w, B, W0, GAM, el)
    mpmath.mp.dps = 50
    for f, om in enumerate(w):
        s = mpmath.mpf(W0) ** 2 - mpmath.mpf(om) ** 2 - 1j * mpmath.mpf(GAM) * mpmath.mpf(om)
        Mat = mpmath.matrix(N, N)
        for i in range(N):
            for j in range(N):
                Mat[i, j] = (s if i == j else 0) - mpmath.mpf(B[i, j])
        for k, (a, b) in enumerate(el):
            e = mpmath.matrix(N, 1)
            e[b] = 1
            x = mpmath.lu_solve(Mat, e)
            ref = complex(-1j * W0 * GAM * x[a])
            # 50-digit reference: the double-precision result should be good
            # to ~1e-13 relative even for the suppressed element
            assert abs(fast[f, k] - ref) / abs(ref) < 1e-10


@pytest.mark.parametrize("kw,match", [
    (dict(omega0=0.0), "omega0"), (dict(gamma=0.0), "gamma"),
    (dict(elements=[(0, 5)]), "elements"), (dict(coupling_over_m=np.zeros((2, 3))), "coupling_over_m"),
    (dict(omega=[np.nan]), "omega"),
])
def test_bad_input(kw, match):
    args = dict(omega=[1.0], coupling_over_m=np.zeros((2, 2)), omega0=1.0, gamma=1.0)
    args.update(kw)
    with pytest.raises(ValueError, match=match):
        susceptibility(**args)
    with pytest.raises(ValueError, match="refine"):
        susceptibility([1.0], np.zeros((2, 2)), 1.0, 1.0, refine=-1)
