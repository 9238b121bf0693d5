"""Tests of optbind.analysis.amplification (Sec. V B from Eq. 96 on), chain noise."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg as sla
from hypothesis import given, settings
from hypothesis import strategies as st

from optbind.analysis import amplification as amp
from optbind.analysis.errata import (
    inverse_susceptibility_eq101,
    printed_eq99_partial_sums,
    printed_eq101_susceptibility,
)
from optbind.chain import (
    chain_couplings,
    chain_diffusion_matrix,
    onsite_diffusion_ratio,
)
from optbind.response import susceptibility

QUARTER = np.pi / 4


# ----------------------------------------------------------------------------
# diffusion matrix of the chain
# ----------------------------------------------------------------------------
def test_two_particle_cross_diffusion_is_eq93():
    """N = 2, k d = phi = pi/4: D_12 = (1 + i) hbar C/4 with C = C_12 = 2 m omega0 g
    (Eqs. 91-93)."""
    m, omega0, g, hbar = 1.3, 20.0, 0.7, 1.0
    c = chain_couplings(2, omega0, g, QUARTER, QUARTER, mass=m)
    # measured: exact (0.0), margin for other libm 1e-14
    assert c[0, 1] == pytest.approx(2 * m * omega0 * g, rel=1e-14, abs=0)
    assert abs(c[1, 0]) < 1e-14 * c[0, 1]
    d = chain_diffusion_matrix(2, omega0, g, QUARTER, QUARTER, n=3, mass=m, hbar=hbar)
    # measured 2.4e-16, margin 40
    assert d[0, 1] == pytest.approx((1 + 1j) * hbar * c[0, 1] / 4, rel=1e-14, abs=0)
    assert d[1, 0] == np.conj(d[0, 1])


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    N=st.integers(1, 12),
    kd=st.floats(-7.0, 7.0),
    phi=st.floats(-4.0, 4.0),
    n=st.integers(1, 10),
)
def test_commutator_relation_with_chain_couplings(N, kd, phi, n):
    """C_jj' - C_j'j = 4 Im(D_jj')/hbar (conventions), D Hermitian and positive."""
    m, omega0, g, hbar = 2.0, 20.0, 0.5, 1.0
    c = chain_couplings(N, omega0, g, kd, phi, mass=m)
    d = chain_diffusion_matrix(N, omega0, g, kd, phi, n=n, kzR=8.0, mass=m, hbar=hbar)
    scale = 2 * m * omega0 * g
    # measured over these 40 examples: 4.3e-16 scale (rounding), margin 20; D is
    # Hermitian to the last bit
    np.testing.assert_allclose(c - c.T, 4 * d.imag / hbar, rtol=0, atol=1e-14 * scale)
    np.testing.assert_allclose(d, d.conj().T, rtol=0, atol=1e-15 * scale)
    assert np.linalg.eigvalsh(d).min() > 0


def test_chain_diffusion_matches_linear_array_SI():
    """Closed form in units of hbar m omega0 g equals LinearArray.D (Eqs. 87a and
    corrected 87b) with g of Eq. 98."""
    from optbind.array import LinearArray
    from optbind.conventions import EPSILON_0, HBAR
    from optbind.parameters import load

    p = load("rieser2022")
    N, n, phi_next = 6, 6, QUARTER
    kd_next = 0.3  # generic, not the unidirectional value
    d_next = (2 * np.pi * n + kd_next) / p.k
    foci = np.array([[j * d_next, 0.0, 0.0] for j in range(N)])
    phases = -phi_next * np.arange(N)  # phi_j - phi_{j+1} = phi_next
    amps = p.field_amplitude * np.exp(1j * phases)[:, None] * np.array([0.0, 1.0, 0.0])
    arr = LinearArray(foci, amps, [p.volume] * N, [p.mass] * N, p.chi, p.k, p.z_R)
    omega0 = 2 * np.pi * 50e3  # any value: hbar m omega0 g does not depend on it
    g = (
        EPSILON_0
        * p.chi**2
        * p.volume**2
        * p.k**2
        * (p.k - 1 / p.z_R) ** 2
        * p.field_amplitude**2
        / (16 * np.pi * p.mass * omega0 * d_next)
    )  # Eq. (98)
    ours = chain_diffusion_matrix(
        N, omega0, g, kd_next, phi_next, n=n, kzR=p.k * p.z_R, mass=p.mass, hbar=HBAR
    )
    ref = arr.D
    # measured: 3.0e-16 of max|D| (elementwise 3.2e-14 on the smallest entries);
    # margin 30
    np.testing.assert_allclose(ours, ref, rtol=1e-12, atol=1e-14 * np.abs(ref).max())
    # and the couplings of the corrected Eq. (97) with the same g: measured 1.0e-14 of
    # max|C| (rounding of the phases k d ~ 38 l), margin 10
    np.testing.assert_allclose(
        chain_couplings(N, omega0, g, kd_next, phi_next, mass=p.mass),
        arr.C,
        rtol=0,
        atol=1e-13 * np.abs(arr.C).max(),
    )


def test_onsite_ratio_paraxial_limit_and_quadrature():
    """D_jj/(hbar m omega0 g) = (2/15) k d [5 + 2/(1 - 1/(k z_R))^2]
    (Eq. 87a over Eq. 98)."""
    from optbind.conventions import HBAR
    from optbind.linear.pair import two_particle_array
    from optbind.parameters import load

    # paraxial limit k z_R -> inf: (2/15)(5 + 2) k d
    assert onsite_diffusion_ratio(10.0) == pytest.approx(
        14 / 15 * 10.0, rel=1e-15, abs=0
    )
    # Independent route: the recoil diffusion D_11 by angular quadrature of the
    # Lindblad-amplitude derivatives (exact field), over hbar m omega0 g = hbar C_12/2
    # of the unidirectional pair at k d = pi/4 + 2 pi 6 (d ~ 9.5 um at 1550 nm).
    p = load("rieser2022")
    arr = two_particle_array(n=6, params=p)
    kd = p.k * arr.foci[1, 0]
    r = onsite_diffusion_ratio(kd, p.k * p.z_R)
    # measured relative deviation 2.2e-16, margin 100
    assert 2 * arr.numerical_D()[0, 0].real / (HBAR * arr.C[0, 1]) == pytest.approx(
        r, rel=1e-13, abs=0
    )
    # the local recoil heating dominates the pair terms by a factor ~ k d (39.0 here)
    assert r > kd


@pytest.mark.parametrize(
    "kwargs, err, name",
    [
        (dict(n_particles=0), ValueError, "n_particles"),
        (dict(n_particles=2.5), TypeError, "n_particles"),
        (dict(omega0=-1.0), ValueError, "omega0"),
        (dict(g=-0.1), ValueError, "g"),
        (dict(n=-1), ValueError, "n"),
        (dict(kzR=0.5), ValueError, "kzR"),
        (dict(phi_next=np.nan), ValueError, "phi_next"),
        (dict(mass=0.0), ValueError, "mass"),
    ],
)
def test_diffusion_bad_input(kwargs, err, name):
    args = dict(
        n_particles=3, omega0=20.0, g=1.0, kd_next=QUARTER, phi_next=QUARTER, n=3
    )
    args.update(kwargs)
    with pytest.raises(err, match=name):
        chain_diffusion_matrix(**args)


# ----------------------------------------------------------------------------
# susceptibilities
# ----------------------------------------------------------------------------
def _dense(omega, cm, omega0, gamma, printed=False):
    N = cm.shape[0]
    out = []
    for w in omega:
        diag = (w**2 - omega0**2 if printed else omega0**2 - w**2) - 1j * gamma * w
        out.append(np.linalg.inv(1j / (omega0 * gamma) * (diag * np.eye(N) - cm)))
    return np.array(out)


def test_corner_susceptibilities_match_dense_inverse():
    omega0, gamma = 20.0, 1.0
    cm = chain_couplings(8, omega0, 0.3, QUARTER, QUARTER)
    w = np.linspace(15, 25, 41)
    a, b = amp.corner_susceptibilities(w, cm, omega0, gamma)
    ref = _dense(w, cm, omega0, gamma)
    # measured 2.5e-15 relative, margin 40
    np.testing.assert_allclose(a, ref[:, 0, -1], rtol=1e-13)
    np.testing.assert_allclose(b, ref[:, -1, 0], rtol=1e-13)


def test_printed_eq101_is_conjugate_of_flipped_coupling():
    omega0, gamma = 20.0, 1.0
    cm = chain_couplings(6, omega0, 1.0, QUARTER, QUARTER)
    w = np.linspace(12, 28, 33)
    chi_p = printed_eq101_susceptibility(w, cm, omega0, gamma)
    # the same inversion: measured exact
    np.testing.assert_allclose(
        chi_p, _dense(w, cm, omega0, gamma, printed=True), rtol=1e-13
    )
    # fast Schur solver for -C, conjugated: measured 3.1e-15 relative, margin 30
    np.testing.assert_allclose(
        chi_p, np.conj(susceptibility(w, -cm, omega0, gamma)), rtol=1e-13, atol=0
    )
    ref = np.linalg.inv(
        inverse_susceptibility_eq101(w[3], cm, omega0, gamma, printed=True)
    )
    np.testing.assert_allclose(chi_p[3], ref[0], rtol=1e-12)
    # one particle: both forms give chi_11(omega0) = 1
    one = printed_eq101_susceptibility([omega0], np.zeros((1, 1)), omega0, gamma)
    assert one[0, 0, 0] == pytest.approx(1.0, rel=1e-15, abs=0)


def test_susceptibility_bad_input():
    with pytest.raises(ValueError, match="coupling_over_m"):
        printed_eq101_susceptibility([1.0], np.zeros((2, 3)), 1.0, 0.1)
    with pytest.raises(ValueError, match="omega"):
        printed_eq101_susceptibility([np.nan], np.zeros((2, 2)), 1.0, 0.1)
    with pytest.raises(ValueError, match="gamma"):
        printed_eq101_susceptibility([1.0], np.zeros((2, 2)), 1.0, -0.1)
    with pytest.raises(ValueError, match="coupling_over_m"):
        amp.corner_susceptibilities([1.0], np.zeros((1, 1)), 1.0, 0.1)


# ----------------------------------------------------------------------------
# signal to recoil noise
# ----------------------------------------------------------------------------
def test_snr_single_particle_is_one():
    r = amp.signal_to_recoil_noise(
        [19.0, 20.0, 21.0],
        np.zeros((1, 1)),
        np.array([[2.5]]),
        20.0,
        1.0,
        source=0,
        detector=0,
    )
    # measured 2.2e-16
    np.testing.assert_allclose(r, 1.0, rtol=1e-14)


def test_snr_two_particles_uncorrelated_noise_closed_form():
    """Diagonal D: R = |chi_12|^2 / (|chi_11|^2 + |chi_12|^2); on resonance
    (2g/gamma)^2/(1 + (2g/gamma)^2)."""
    omega0, gamma, g = 20.0, 1.0, 0.3
    cm = chain_couplings(2, omega0, g, QUARTER, QUARTER)
    w = np.linspace(17, 23, 61)
    r = amp.signal_to_recoil_noise(w, cm, np.eye(2), omega0, gamma)
    chi = _dense(w, cm, omega0, gamma)
    a, b = np.abs(chi[:, 0, 1]) ** 2, np.abs(chi[:, 0, 0]) ** 2
    # measured 1.2e-15, margin 100
    np.testing.assert_allclose(r, a / (a + b), rtol=1e-13)
    x = (2 * g / gamma) ** 2
    r0 = amp.signal_to_recoil_noise([omega0], cm, np.eye(2), omega0, gamma)[0]
    # |chi_12/chi_11| = |C/m| / |omega0^2 - omega^2 - i gamma omega|
    # = 2 g/gamma at omega = omega0
    assert r0 == pytest.approx(x / (1 + x), rel=1e-13, abs=0)


def test_snr_orderings_and_bounds():
    omega0, gamma = 20.0, 1.0
    N = 6
    cm = chain_couplings(N, omega0, 0.3, QUARTER, QUARTER)
    d = chain_diffusion_matrix(N, omega0, 0.3, QUARTER, QUARTER, n=6, kzR=8.0, hbar=1.0)
    w = np.linspace(15, 25, 51)
    rs = [
        amp.signal_to_recoil_noise(w, cm, d, omega0, gamma, ordering=o)
        for o in ("symmetric", "normal", "antinormal")
    ]
    for r in rs:
        assert np.all(r > 0) and np.all(np.isfinite(r))
    # symmetrised spectrum is the mean of the two orderings:
    # 1/R_sym = (1/R_n + 1/R_a)/2; measured 6.7e-16, margin 100
    np.testing.assert_allclose(1 / rs[0], 0.5 * (1 / rs[1] + 1 / rs[2]), rtol=1e-13)
    # uncorrelated noise: the detector's own noise alone bounds R by 1
    r_diag = amp.signal_to_recoil_noise(w, cm, np.diag(np.diag(d).real), omega0, gamma)
    assert np.all(r_diag <= 1.0)


def test_snr_bad_input():
    cm = np.zeros((2, 2))
    with pytest.raises(ValueError, match="diffusion"):
        amp.signal_to_recoil_noise([1.0], cm, np.eye(3), 1.0, 0.1)
    with pytest.raises(ValueError, match="Hermitian"):
        amp.signal_to_recoil_noise([1.0], cm, np.array([[1, 1j], [1j, 1]]), 1.0, 0.1)
    with pytest.raises(ValueError, match="source"):
        amp.signal_to_recoil_noise([1.0], cm, np.eye(2), 1.0, 0.1, source=2)
    with pytest.raises(ValueError, match="ordering"):
        amp.signal_to_recoil_noise([1.0], cm, np.eye(2), 1.0, 0.1, ordering="weird")


def test_directional_gain():
    w = np.linspace(0, 1, 5)
    out = amp.directional_gain(w, [1, 4, 2, 1, 1], [1, 1, 2, 1, 1], [0, 1, 2, 1, 0])
    assert out == {
        "gain": 2.0,
        "omega_peak": 0.25,
        "contrast_at_peak": 4.0,
        "contrast_of_peaks": 2.0,
    }
    with pytest.raises(ValueError, match="shapes"):
        amp.directional_gain(w, [1, 2], [1, 2], [1, 2])


def test_refine_peak_finds_narrow_lorentzian():
    w0, width = 20.00123, 1e-4

    def f(w):
        return 1.0 / ((np.asarray(w) - w0) ** 2 + width**2)

    grid = np.linspace(10, 30, 2001)
    wp, vp = amp.refine_peak(f, grid, rounds=6, points=41)
    # the zoom ends on a grid of spacing 0.01 (2/40)^6 = 1.6e-10: measured exact hit
    assert abs(wp - w0) < 2e-10 and vp == pytest.approx(1 / width**2, rel=1e-10, abs=0)
    assert f(grid).max() < 0.01 * vp  # the coarse grid alone misses it
    with pytest.raises(ValueError, match="points"):
        amp.refine_peak(f, grid, points=2)


# ----------------------------------------------------------------------------
# free motions
# ----------------------------------------------------------------------------
@pytest.mark.parametrize("N", [1, 2, 3, 7, 25])
@pytest.mark.parametrize("g", [0.1, 0.5, 1.0])
def test_mode_roots_and_growth_rate(N, g):
    """Roots of the quadratics per eigenvalue of C/m against the drift of Eq. (96).

    (a) as sets against the eigenvalues of the 2N x 2N drift matrix; (b) the trace
    and determinant identities sum s = -N gamma, prod s = det(omega0^2 - C/m); (c) the
    growth rate is the exponent of the free motion: the slope of ln||exp(A t)|| over
    40 <= gamma t <= 80 (time domain, no eigenvalues).
    """
    omega0, gamma = 20.0, 1.0
    cm = chain_couplings(N, omega0, g, QUARTER, 0.6)
    s = amp.mode_roots(cm, omega0, gamma)
    A = amp.chain_drift_matrix(cm, omega0, gamma)
    dyn = np.linalg.eigvals(A)
    # measured set distance <= 7.1e-14 (N = 25), margin 100
    assert max(np.min(np.abs(dyn - z)) for z in s) < 1e-11
    assert max(np.min(np.abs(s - z)) for z in dyn) < 1e-11
    # measured: trace 2.8e-14, determinant 2.9e-14 relative; margin 100
    assert s.sum() == pytest.approx(-N * gamma, abs=3e-12)
    assert np.prod(s) == pytest.approx(
        np.linalg.det(omega0**2 * np.eye(N) - cm), rel=3e-12, abs=0
    )
    # each eigenvalue of C/m gives a pair of roots with Re s1 + Re s2 = -gamma
    rate = amp.chain_growth_rate(cm, omega0, gamma)
    assert rate >= -gamma / 2 - 1e-14
    ts = np.linspace(40.0, 80.0, 161) / gamma
    step, prop = sla.expm(A * (ts[1] - ts[0])), sla.expm(A * ts[0])
    log_norm = []
    for _ in ts:
        log_norm.append(np.log(np.linalg.norm(prop, 2)))
        prop = step @ prop
    slope = np.polyfit(ts, log_norm, 1)[0]
    # beats between modes of equal growth and the 2 omega0 oscillation of the norm:
    # measured |slope - rate| <= 0.021 gamma (N = 2, g = 0.1), bound 0.03 gamma
    assert slope == pytest.approx(rate, abs=0.03 * gamma)


def test_mode_roots_and_refine_peak_with_hints():
    omega0, gamma = 20.0, 1.0
    cm = chain_couplings(10, omega0, 1.0, QUARTER, QUARTER)
    s = amp.mode_roots(cm, omega0, gamma)
    ref = np.linalg.eigvals(amp.chain_drift_matrix(cm, omega0, gamma))
    # measured 5.2e-14, margin 100
    assert max(np.min(np.abs(ref - z)) for z in s) < 5e-12
    assert max(np.min(np.abs(s - z)) for z in ref) < 5e-12
    # a Lorentzian narrower than the grid is found through a hint
    w0, width = 20.00437, 1e-5
    grid = np.linspace(10, 30, 201)
    wp, vp = amp.refine_peak(
        lambda w: 1 / ((np.asarray(w) - w0) ** 2 + width**2),
        grid,
        rounds=3,
        extra=w0 + 10 * width * np.linspace(-1, 1, 41),
    )
    assert abs(wp - w0) < width


def test_eq99_printed_is_mirrored_chain():
    """Chapter claim: the couplings give Eq. (99') = printed Eq. (99) at -kappa, which
    differs from it."""
    omega0, g, L = 20.0, 1.0, 300
    row = chain_couplings(2 * L + 1, omega0, g, QUARTER, QUARTER)[L]  # m = 1
    lvals = L - np.arange(2 * L + 1)
    for kappa in (-0.7, 0.4, 2.5):
        from_row = omega0**2 - np.sum(row * np.exp(-1j * kappa * lvals))
        ours = amp.dispersion_partial_sums(kappa, L, omega0, g)[-1]
        # the same 2L terms summed in another order: measured 6.1e-14, margin 20
        assert from_row == pytest.approx(ours, abs=1e-12)
        # the printed series has an even number of the alternating terms per step;
        # compare at -kappa: measured 0.26 ... 0.36 x 2 omega0 g/L, bound 0.5
        printed = printed_eq99_partial_sums(-kappa, 2 * L, omega0, g)
        ours_long = amp.dispersion_partial_sums(kappa, 2 * L, omega0, g)
        assert abs(printed[-1] - ours_long[-1]) < 0.5 * 2 * omega0 * g / L
        if (
            abs(kappa) < np.pi / 2
        ):  # where Im S = -+pi/2 the mirror image differs by 2 pi g omega0
            # measured 3.14 x 2 omega0 g (= pi)
            assert (
                abs(
                    printed_eq99_partial_sums(kappa, 2 * L, omega0, g)[-1]
                    - ours_long[-1]
                )
                > 3.0 * 2 * omega0 * g
            )


# ----------------------------------------------------------------------------
# tools of the chain chapters
# ----------------------------------------------------------------------------
@pytest.mark.parametrize("kd, phi", [(QUARTER, QUARTER), (0.3, 1.1), (2.0, -0.4)])
def test_lattice_sum_middle_site_is_the_distance_ordered_series(kd, phi):
    """Row of the coupling matrix (lattice_sum) against the term formula of
    dispersion_partial_sums, two independent codings of Eq. (99')."""
    omega0, g, M = 20.0, 1.0, 200
    for kappa in (-2.5, -0.7, 0.4, 3.0):
        s = amp.lattice_sum(kappa, 2 * M + 1, kd_next=kd, phi_next=phi)
        w2 = amp.dispersion_partial_sums(
            kappa, M, omega0, g, kd_next=kd, phi_next=phi
        )[-1]
        # measured 1.0e-15, margin 100
        assert s == pytest.approx((omega0**2 - w2) / (2 * g * omega0), abs=1e-13)
    kappas = np.array([[-1.0, 0.5], [2.0, 3.0]])
    assert amp.lattice_sum(kappas, 11).shape == (2, 2)


def test_lattice_sum_off_centre_converges_to_the_bulk_value_as_one_over_n():
    """A particle at a quarter of the chain (3 neighbours on one side per 1 on
    the other) reaches the closed form -3/2 ln 2 at kappa = pi like 1/N."""
    bulk = -1.5 * np.log(2)
    assert (400 - amp.bulk_dispersion(np.pi, 20.0, 1.0)) / 40 == pytest.approx(
        bulk, abs=1e-12
    )
    for n in (400, 1600, 6400):
        err = abs(amp.lattice_sum(np.pi, n, site=n // 4) - bulk)
        # measured N * err = 1.31, 1.33, 1.33; bound 2
        assert err * n < 2.0
    with pytest.raises(ValueError, match="site"):
        amp.lattice_sum(0.3, 5, site=5)


def test_truncated_couplings():
    cm = chain_couplings(6, 20.0, 1.0, QUARTER, QUARTER)
    assert np.array_equal(amp.truncated_couplings(cm, 5), cm)
    one = amp.truncated_couplings(cm, 1)
    # the one-way nearest-neighbour chain: only C[j, j+1] survives
    assert np.array_equal(one, np.diag(np.diag(cm, 1), 1))
    assert np.array_equal(amp.truncated_couplings(cm, 0), np.zeros((6, 6)))
    with pytest.raises(ValueError, match="max_distance"):
        amp.truncated_couplings(cm, -1)


@pytest.mark.parametrize("c", [0.1, 1.0, 10.0])
def test_eigenvector_condition_closed_form(c):
    """[[1, c], [0, 2]] has unit eigenvectors at an angle with cos = c/sqrt(1+c^2);
    two unit vectors with |cos| = a have cond = sqrt((1 + a)/(1 - a))."""
    a = c / np.hypot(c, 1.0)
    # measured 2e-15 relative, margin 100
    assert amp.eigenvector_condition([[1.0, c], [0.0, 2.0]]) == pytest.approx(
        np.sqrt((1 + a) / (1 - a)), rel=2e-13
    )
    sym = np.random.default_rng(3).normal(size=(8, 8))
    assert amp.eigenvector_condition(sym + sym.T) == pytest.approx(1.0, abs=1e-12)
    assert amp.eigenvector_condition([[0.0, 1.0], [0.0, 0.0]]) == np.inf


def test_eigenmode_susceptibility_exact_for_normal_lossy_for_non_normal():
    omega = np.linspace(15.0, 25.0, 11)
    a = np.random.default_rng(1).normal(size=(12, 12))
    a = a + a.T
    ref = susceptibility(omega, a, 20.0, 1.0)
    err = np.max(np.abs(amp.eigenmode_susceptibility(omega, a, 20.0, 1.0) - ref))
    # measured 4.5e-16 relative to max |chi|, margin 100
    assert err < 5e-14 * np.max(np.abs(ref))
    # the chain cut off after the second neighbour, N = 20 (kappa(V) ~ 1e2):
    # the eigen-expansion loses most digits of the end-to-end element, the
    # backward-stable solve none (it matches a dense LU solve)
    n = 20
    cm = amp.truncated_couplings(chain_couplings(n, 20.0, 1.0, QUARTER, QUARTER), 2)
    good = susceptibility(omega, cm, 20.0, 1.0, elements=[(0, n - 1)])[:, 0]
    dense = _dense(omega, cm, 20.0, 1.0)[:, 0, n - 1]
    assert np.max(np.abs(good / dense - 1)) < 1e-12  # measured 2.1e-15
    bad = amp.eigenmode_susceptibility(omega, cm, 20.0, 1.0)[:, 0, n - 1]
    assert np.max(np.abs(bad / good - 1)) > 1e-6  # measured 1.2e-4


@pytest.mark.parametrize("g", [0.3, 1.0, 3.0])
def test_transmission_peak_of_the_one_way_pair(g):
    """N = 2 at pi/4: |chi_12|^2 = (2g/gamma)^2 |chi_0|^4 peaks where |chi_0| does,
    at omega^2 = omega0^2 - gamma^2/2, with |chi_0|^2 = omega0^2/(omega0^2 -
    gamma^2/4) there; nothing travels the other way."""
    omega0, gamma = 20.0, 1.0
    cm = chain_couplings(2, omega0, g, QUARTER, QUARTER)
    p = amp.transmission_peak(np.linspace(10, 30, 201), cm, omega0, gamma)
    # measured 2.4e-9 (grid refinement), bound 1e-7
    assert p["omega_peak"] == pytest.approx(np.sqrt(omega0**2 - gamma**2 / 2), abs=1e-7)
    peak0 = omega0**2 / (omega0**2 - gamma**2 / 4)
    # measured 5e-16 relative, margin 1000
    assert p["forward"] == pytest.approx((2 * g / gamma) ** 2 * peak0**2, rel=1e-12)
    assert p["backward"] == 0.0


def test_transmission_peak_near_threshold_against_a_fine_grid():
    """Close to g_c the resonance is ~1e-3 gamma wide: the refined peak equals the
    maximum over a grid with spacing 5e-7 gamma around it."""
    omega0, gamma = 20.0, 1.0
    gc = amp.critical_coupling(10, omega0 / gamma)
    cm = chain_couplings(10, omega0, 0.999 * gc, QUARTER, QUARTER)
    coarse = np.linspace(10, 30, 2001)
    p = amp.transmission_peak(coarse, cm, omega0, gamma)
    fine = np.linspace(p["omega_peak"] - 0.05, p["omega_peak"] + 0.05, 200001)
    a, b = amp.corner_susceptibilities(fine, cm, omega0, gamma)
    i = int(np.argmax(np.abs(a)))
    # measured: equal to rounding (the fine grid's best point is below the
    # refined one), margin 1e-9
    assert p["forward"] >= (1 - 1e-9) * np.abs(a[i]) ** 2
    coarse_chi = amp.corner_susceptibilities(coarse, cm, omega0, gamma)[0]
    coarse_max = np.max(np.abs(coarse_chi))
    assert p["forward"] > 10 * coarse_max**2  # measured 94: the grid alone misses it
    assert abs(p["omega_peak"] - fine[i]) < 1e-6
    assert p["backward"] == pytest.approx(np.abs(b[i]) ** 2, rel=1e-3)


def test_propagator_norm_grows_at_the_growth_rate():
    omega0, gamma = 20.0, 1.0
    cm = chain_couplings(6, omega0, 1.0, QUARTER, QUARTER)
    t = np.linspace(0.0, 80.0, 321)
    norms = amp.propagator_norm(cm, omega0, gamma, t)
    assert norms[0] == pytest.approx(1.0, abs=1e-14)
    ref = np.linalg.norm(sla.expm(amp.chain_drift_matrix(cm, omega0, gamma) * t[-1]), 2)
    # repeated multiplication against one expm: measured 3e-13 relative, margin 100
    assert norms[-1] == pytest.approx(ref, rel=3e-11)
    late = t > 40
    slope = np.polyfit(t[late], np.log(norms[late]), 1)[0]
    # measured |slope - rate| = 1.5e-5 gamma (N = 6, g = gamma), bound 1e-3 gamma
    assert slope == pytest.approx(amp.chain_growth_rate(cm, omega0, gamma), abs=1e-3)
    with pytest.raises(ValueError, match="equally spaced"):
        amp.propagator_norm(cm, omega0, gamma, [0.0, 1.0, 3.0])
    with pytest.raises(ValueError, match="times"):
        amp.propagator_norm(cm, omega0, gamma, [-1.0, 0.0])
