"""Tests of the chain: corrected Eq. (97), dispersion (Eq. 99), stability.

Couplings from optbind.chain (= optbind.linear.chain); dispersion, growth rates
and critical couplings from optbind.analysis.amplification; the printed Eq. (99)
from optbind.analysis.errata.
"""

import numpy as np
import pytest

from optbind import chain
from optbind.analysis import amplification as amp
from optbind.analysis.errata import printed_eq99_partial_sums


def _tail(n, kappa, omega0, g):
    """2 g omega0/(n |1 - e^{i kappa}|): the size of 2 g omega0 times the remainder of
    sum_{j > n} e^{i kappa j}/j (Abel summation by parts)."""
    return 2 * g * omega0 / (n * abs(1 - np.exp(1j * kappa)))


def test_couplings_pattern_for_quarter_wave_chain():
    N, w0, g, m = 9, 3.0, 0.5, 2.0
    C = chain.chain_couplings(N, w0, g, np.pi / 4, np.pi / 4, mass=m)
    c0 = 2 * m * w0 * g
    assert np.all(np.diag(C) == 0)
    # measured: exact, apart from cos(pi l/2) ~ 6e-17 for even l (relative to c0)
    for j in range(N - 1):
        assert C[j, j + 1] == pytest.approx(c0, rel=1e-14, abs=0)  # j+1 drives j
        assert abs(C[j + 1, j]) < 1e-14 * c0  # not the reverse
    for dl in range(1, N):
        # upward couplings all positive 1/dl; downward 0, -1/2, 0, +1/4, ...
        assert C[0, dl] == pytest.approx(c0 / dl, rel=1e-14, abs=0)
        down = c0 * np.cos(np.pi * dl / 2) / dl
        assert C[dl, 0] == pytest.approx(down, abs=1e-14 * c0)


def test_couplings_from_eq85_structure():
    """Eq. (85) for equal fields |E|, polarisation orthogonal to the chain, phases
    phi_j = -j phi_next: C_jj' propto Re[e^{ik d_jj'} e^{i(phi_j' - phi_j)}]/d_jj'."""
    N, kd, ph = 7, 2 * np.pi * 3 + 0.9, 0.35
    C = chain.chain_couplings(N, 1.0, 0.5, kd, ph)  # 2 m w0 g = 1
    phi = -np.arange(N) * ph
    for a in range(N):
        for b in range(N):
            if a != b:
                d = abs(a - b)
                ref = np.real(np.exp(1j * kd * d) * np.exp(1j * (phi[b] - phi[a]))) / d
                # rounding of arguments ~ 6 x 19: measured 1.7e-15, margin 10
                assert C[a, b] == pytest.approx(ref, abs=2e-14)


def test_printed_eq99_is_the_mirror_image():
    """Printed Eq. (99) at kappa converges to the corrected dispersion at -kappa.

    (Its partial sums pair the left neighbour at distance j with the right
    neighbour at distance 2j, a third ordering of the same terms, so only the
    limits are compared.)"""
    n = 200000
    for kappa in (0.3, 1.1):  # Im(omega^2) = +-pi g w0 here, so the mirror differs
        printed = printed_eq99_partial_sums(kappa, n, 20.0, 1.0)[-1]
        # remainder of the e^{-i kappa j}/j series: measured 0.98 and 0.98 of _tail
        # (6.6e-4, 2.1e-4); bound 1.2 _tail
        assert abs(printed - amp.bulk_dispersion(-kappa, 20.0, 1.0)) < 1.2 * _tail(
            n, kappa, 20.0, 1.0
        )
        # the mirror image differs by 2 pi g w0 = 125.7 in Im(omega^2): measured 125.66
        assert abs(printed - amp.bulk_dispersion(kappa, 20.0, 1.0)) > 100.0


def test_distance_ordering_converges_to_closed_form_and_rearrangement_does_not():
    kappa, w0, g = 1.0, 20.0, 1.0
    n = 200000
    exact = amp.bulk_dispersion(kappa, w0, g)
    s = amp.dispersion_partial_sums(kappa, n, w0, g, ordering="distance")
    # conditionally convergent: two remainders (l > 0 and l < 0) of size _tail each;
    # measured 3.9e-4 = 0.94 x 2 _tail; bound 1.2 x 2 _tail
    assert abs(s[-1] - exact) < 2.4 * _tail(n, kappa, w0, g)
    r = amp.dispersion_partial_sums(kappa, n, w0, g, ordering="sign-sorted")
    # a 2:1 sign-sorted rearrangement of the 1/n tail shifts the real part by
    # an O(g w0) amount (Riemann): measured 8.8 (g w0 = 20); bound half of it
    assert abs(r[-1].real - exact.real) > 4.4
    # ...and it does settle there: measured 4.4e-4 over the last 1000 steps, margin 2.3
    assert abs(r[-1] - r[-1000]) < 1e-3


def test_growth_rate_matches_drift_matrix():
    B = chain.chain_couplings(12, 20.0, 2.0, np.pi / 4, np.pi / 4)
    A = amp.chain_drift_matrix(B, 20.0, 1.0)
    # roots of the quadratics of mode_roots vs a 24 x 24 eigenproblem: measured 8.9e-16,
    # margin 1000 (non-normal eigenproblems, other LAPACK builds)
    assert amp.chain_growth_rate(B, 20.0, 1.0) == pytest.approx(
        np.max(np.linalg.eigvals(A).real), abs=1e-12
    )


@pytest.mark.parametrize("N", [3, 6, 10])
def test_critical_coupling_by_bisection(N):
    w0 = 20.0
    gc = amp.critical_coupling(N, w0)
    assert np.isfinite(gc) and gc > 0

    def rate(g):
        return amp.chain_growth_rate(
            chain.chain_couplings(N, w0, g, np.pi / 4, np.pi / 4), w0, 1.0
        )

    lo, hi = 0.0, 10 * gc
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        lo, hi = (lo, mid) if rate(mid) > 0 else (mid, hi)
    # bisection to 2^-60 of the bracket: measured |lo/gc - 1| <= 1.0e-15; margin 1000
    # for the eigenvalue rounding of other LAPACK builds
    assert lo == pytest.approx(gc, rel=1e-12, abs=0)


def test_two_particle_chain_never_unstable():
    # B is nilpotent for N = 2 (pure unidirectional): no growth at any g, and the
    # damped pair decays at exactly gamma/2
    assert amp.critical_coupling(2, 20.0) == np.inf
    cm = chain.chain_couplings(2, 20.0, 50.0, np.pi / 4, np.pi / 4)
    assert amp.chain_growth_rate(cm, 20.0, 1.0) == -0.5


def test_bad_input():
    with pytest.raises(ValueError, match="n_particles must be"):
        chain.chain_couplings(0, 1.0, 1.0, 0.1, 0.1)
    with pytest.raises(TypeError, match="n_particles"):
        chain.chain_couplings(True, 1.0, 1.0, 0.1, 0.1)
    with pytest.raises(ValueError, match="omega0"):
        chain.chain_couplings(3, -1.0, 1.0, 0.1, 0.1)
    with pytest.raises(ValueError, match="ordering"):
        amp.dispersion_partial_sums(1.0, 10, 1.0, 1.0, ordering="random")
