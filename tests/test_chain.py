"""Tests of optbind.chain: corrected Eq. (97), dispersion (Eq. 99), stability."""
import numpy as np
import pytest

from optbind import chain


def test_couplings_pattern_for_quarter_wave_chain():
    N, w0, g, m = 9, 3.0, 0.5, 2.0
    C = chain.chain_couplings(N, w0, g, np.pi / 4, np.pi / 4, m=m)
    c0 = 2 * m * w0 * g
    assert np.all(np.diag(C) == 0)
    for j in range(N - 1):
        assert C[j, j + 1] == pytest.approx(c0, rel=1e-14)        # j+1 drives j
        assert abs(C[j + 1, j]) < 1e-14 * c0                     # not the reverse
    for l in range(1, N):
        # upward couplings all positive 1/l; downward 0, -1/2, 0, +1/4, ...
        assert C[0, l] == pytest.approx(c0 / l, rel=1e-14)
        assert C[l, 0] == pytest.approx(c0 * np.cos(np.pi * l / 2) / l, abs=1e-14 * c0)


def test_couplings_from_eq85_structure():
    """Eq. (85) for equal fields |E|, polarisation orthogonal to the chain,
    phases phi_j = -j phi_next: C_jj' propto Re[e^{ik d_jj'} e^{i(phi_j' - phi_j)}]/d_jj'."""
    N, kd, ph = 7, 2 * np.pi * 3 + 0.9, 0.35
    C = chain.chain_couplings(N, 1.0, 0.5, kd, ph)                  # 2 m w0 g = 1
    j = np.arange(N)
    phi = -j * ph
    for a in range(N):
        for b in range(N):
            if a != b:
                d = abs(a - b)
                ref = np.real(np.exp(1j * kd * d) * np.exp(1j * (phi[b] - phi[a]))) / d
                assert C[a, b] == pytest.approx(ref, abs=1e-13)


def test_printed_eq99_is_the_mirror_image():
    """Printed Eq. (99) at kappa converges to the corrected dispersion at -kappa.

    (Its partial sums pair the left neighbour at distance j with the right
    neighbour at distance 2j, a third ordering of the same terms, so only the
    limits are compared.)"""
    for kappa in (0.3, 1.1):             # Im(omega^2) = +-pi g w0 here, so the mirror differs
        printed = chain.printed_eq99_partial_sums(kappa, 200000, 20.0, 1.0)[-1]
        # partial-sum error ~ 2 g w0 / (n |1 - e^{i kappa}|) <~ 1e-3 at n = 2e5
        assert abs(printed - chain.bulk_dispersion(-kappa, 20.0, 1.0)) < 2e-3
        assert abs(printed - chain.bulk_dispersion(kappa, 20.0, 1.0)) > 1.0


def test_distance_ordering_converges_to_closed_form_and_rearrangement_does_not():
    kappa, w0, g = 1.0, 20.0, 1.0
    exact = chain.bulk_dispersion(kappa, w0, g)
    s = chain.dispersion_partial_sums(kappa, 200000, w0, g, ordering="distance")
    # conditionally convergent: error ~ 2 g w0 / (n |1 - e^{i kappa}|) ~ 1e-4 at n = 2e5
    assert abs(s[-1] - exact) < 1e-3
    r = chain.dispersion_partial_sums(kappa, 200000, w0, g, ordering="sign-sorted")
    # a 2:1 sign-sorted rearrangement of the 1/n tail shifts the real part by
    # an O(g w0) amount (Riemann): here by several units of w0 g
    assert abs(r[-1].real - exact.real) > 1.0
    assert abs(r[-1] - r[-1000]) < 0.05      # ...and it does settle there


def test_growth_rate_matches_dynamical_matrix():
    B = chain.chain_couplings(12, 20.0, 2.0, np.pi / 4, np.pi / 4)
    A = chain.chain_dynamical_matrix(B, 20.0, 1.0)
    # both from eigenvalue problems of size 12/24: rounding ~1e-12
    assert chain.chain_growth_rate(B, 20.0, 1.0) == pytest.approx(np.max(np.linalg.eigvals(A).real), abs=1e-9)


@pytest.mark.parametrize("N", [3, 6, 10])
def test_critical_coupling_by_bisection(N):
    w0 = 20.0
    gc = chain.critical_coupling(N, w0)
    assert np.isfinite(gc) and gc > 0

    def rate(g):
        return chain.chain_growth_rate(chain.chain_couplings(N, w0, g, np.pi / 4, np.pi / 4), w0, 1.0)

    lo, hi = 0.0, 10 * gc
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        lo, hi = (lo, mid) if rate(mid) > 0 else (mid, hi)
    # bisection to 2^-60 of the bracket; eigenvalue rounding limits to ~1e-8
    assert lo == pytest.approx(gc, rel=1e-6)


def test_two_particle_chain_never_unstable():
    # B is nilpotent for N = 2 (pure unidirectional): no growth at any g
    assert chain.critical_coupling(2, 20.0) == np.inf
    assert chain.chain_growth_rate(chain.chain_couplings(2, 20.0, 50.0, np.pi / 4, np.pi / 4), 20.0, 1.0) < 0


def test_bad_input():
    with pytest.raises(ValueError, match="N must be"):
        chain.chain_couplings(0, 1.0, 1.0, 0.1, 0.1)
    with pytest.raises(ValueError, match="omega0"):
        chain.chain_couplings(3, -1.0, 1.0, 0.1, 0.1)
    with pytest.raises(ValueError, match="ordering"):
        chain.dispersion_partial_sums(1.0, 10, 1.0, 1.0, ordering="random")
