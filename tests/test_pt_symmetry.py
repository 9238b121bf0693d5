"""PT-symmetry breaking and exceptional points of a detuned, nonreciprocal pair
(optbind.analysis.pt_symmetry), and the Lamb-Dicke parameters and thermal amplitudes
(optbind.analysis.linearisation)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from optbind.analysis import pt_symmetry as pt
from optbind.analysis.linearisation import (
    lamb_dicke_parameter,
    linearisation_table,
    thermal_amplitude,
    zero_point_amplitude,
)
from optbind.conventions import BOLTZMANN, HBAR
from optbind.dynamics.nonlinear import TweezerArrayDynamics
from optbind.linear.pair import detuned_pair_array, tweezer_separation
from optbind.parameters import available, load

P = load("delic2020")


def _pair(ratio, kd_mod=np.pi / 2, phi=np.pi / 2, n=9):
    return detuned_pair_array(
        power_ratio=ratio, d=tweezer_separation(P.k, n, kd_mod), phi=phi, params=P
    )


def _match(a, b):
    cost = np.abs(a[:, None] - b[None, :])
    i, j = linear_sum_assignment(cost)
    return np.max(cost[i, j])


def test_detuned_pair_keeps_couplings_and_detunes_traps():
    a, b = _pair(1.0), _pair(1.5)
    assert np.allclose(a.C, b.C, rtol=1e-12, atol=1e-12 * np.max(np.abs(a.C)))
    assert b.omega[0] ** 2 / a.omega[0] ** 2 == pytest.approx(1.5**0.5, rel=1e-12)
    assert b.omega[1] ** 2 / a.omega[1] ** 2 == pytest.approx(1.5**-0.5, rel=1e-12)
    with pytest.raises(ValueError, match="power_ratio"):
        detuned_pair_array(power_ratio=0.0)


@pytest.mark.parametrize(
    "ratio, kd_mod, phi, tol",
    [
        (1.0, np.pi / 2, np.pi / 2, 3e-8),
        (0.8, np.pi / 2, np.pi / 2, 1e-11),
        (1.3, np.pi / 3, 1.0, 1e-11),
        (1.0, np.pi / 4, np.pi / 4, 1e-11),
    ],
)
def test_closed_form_eigenvalues_equal_numerical_ones(ratio, kd_mod, phi, tol):
    """The quartic's closed-form roots equal the eigenvalues of the 4x4 drift.

    Away from an EP they agree to round-off (measured 4e-16 omega); at kd = phi = pi/2,
    r = 1 the pair sits on
    the EP (a Jordan block), where eigenvalues are only determined to ~sqrt(eps) ||A||
    (measured 1.0e-9 omega; tolerance sqrt(eps) = 1.5e-8 times 2).
    """
    arr = _pair(ratio, kd_mod, phi)
    s = pt.linear_stiffness(arr)
    q = pt.pair_parameters(s, arr.masses)
    gamma = 0.03 * np.sqrt(q["omega_bar_sq"])
    cf = pt.pair_eigenvalues(q["omega1_sq"], q["omega2_sq"], q["c12"], q["c21"], gamma)
    nm = pt.pair_drift_eigenvalues(s, arr.masses, gamma)
    assert _match(cf, nm) < tol * np.sqrt(q["omega_bar_sq"])


@pytest.mark.parametrize(
    "kd_mod, phi",
    [
        (0.3, 0.4),
        (1.0, 2.0),
        (np.pi / 2, 0.7),
        (2.5, np.pi / 2),
        (np.pi / 4, np.pi / 4),
    ],
)
def test_equal_power_pair_is_never_pt_broken(kd_mod, phi):
    """At equal powers Delta^2 + c12 c21 = p^2 cos^2(kd) cos^2(phi) >= 0 (module doc),
    from the closed-form C and K of the LinearArray."""
    arr = _pair(1.0, kd_mod, phi)
    q = pt.pair_parameters(pt.linear_stiffness(arr), arr.masses)
    p = (
        arr.C[0, 1] / np.cos(kd_mod - phi) / arr.masses[0]
        if abs(np.cos(kd_mod - phi)) > 0.1
        else arr.C[1, 0] / np.cos(kd_mod + phi) / arr.masses[1]
    )
    disc = pt.pair_discriminant(q["delta"], q["c12"], q["c21"])
    assert disc == pytest.approx(
        p**2 * np.cos(kd_mod) ** 2 * np.cos(phi) ** 2, abs=1e-9 * p**2
    )


def test_exceptional_points_closed_form_and_numerical():
    """kd = phi = pi/2 (C_12 = -C_21): the PT-broken window in P_1/P_2 is [0.6977, 1.0]
    in closed form; root finding on the eigenvalue discriminant of the closed-form
    stiffness reproduces it to 1e-12, and with the engine's exact forces (full Green
    tensor, Eqs. 77-78) the EPs move by -7.9e-4 and -6.7e-4 (O(1/kd), k d = 58.1)."""
    arr = _pair(1.0)
    q = pt.pair_parameters(pt.linear_stiffness(arr), arr.masses)
    w2 = arr.omega[0] ** 2
    lo, hi = pt.exceptional_power_ratios(w2, q["c12"], q["c21"])
    assert hi == pytest.approx(1.0, abs=1e-12)  # cos(kd) = 0: EP at equal power
    assert 0.6 < lo < 0.8
    for r in (lo, hi):
        a = _pair(r)
        qq = pt.pair_parameters(pt.linear_stiffness(a), a.masses)
        assert (
            abs(pt.pair_discriminant(qq["delta"], qq["c12"], qq["c21"]))
            < 1e-9 * q["c12"] ** 2
        )
    mid = np.sqrt(lo * hi)
    inside = _pair(mid)
    qi = pt.pair_parameters(pt.linear_stiffness(inside), inside.masses)
    assert pt.pair_discriminant(qi["delta"], qi["c12"], qi["c21"]) < 0  # broken

    def closed(r):
        a = _pair(r)
        return pt.linear_stiffness(a), a.masses

    def engine(r):
        a = _pair(r)
        eng = TweezerArrayDynamics(
            a, gamma=0.0, recoil="off", static_force="compensate"
        )
        return eng.stiffness(), a.masses

    for f, tol in ((closed, 1e-10), (engine, 2e-3)):
        x_lo = pt.find_exceptional_point(f, (0.98 * lo, mid))
        x_hi = pt.find_exceptional_point(f, (mid, 1.02 * hi))
        assert abs(x_lo / lo - 1) < tol and abs(x_hi / hi - 1) < tol
    assert abs(pt.find_exceptional_point(engine, (mid, 1.02)) - 1) > 1e-4  # real shift
    with pytest.raises(ValueError, match="bracket"):
        pt.find_exceptional_point(closed, (mid, 0.99 * hi))


def test_hopf_threshold_is_where_the_growth_rate_vanishes():
    """With damping the growing window shrinks to |Delta| < sqrt(-c12 c21 - g^2 w^2):
    at its edges the largest real part of the eigenvalues is zero (measured 1e-12 omega)
    and the mode oscillates at omega_bar."""
    arr = _pair(1.0)
    q = pt.pair_parameters(pt.linear_stiffness(arr), arr.masses)
    w2 = arr.omega[0] ** 2
    gamma = 0.3 * np.sqrt(-q["c12"] * q["c21"] / q["omega_bar_sq"])
    lo, hi = pt.exceptional_power_ratios(w2, q["c12"], q["c21"], gamma=gamma)
    ep_lo, ep_hi = pt.exceptional_power_ratios(w2, q["c12"], q["c21"])
    assert ep_lo < lo < hi < ep_hi
    for r in (lo, hi):
        a = _pair(r)
        ev = pt.pair_drift_eigenvalues(pt.linear_stiffness(a), a.masses, gamma)
        qq = pt.pair_parameters(pt.linear_stiffness(a), a.masses)
        assert abs(ev[0].real) < 1e-9 * np.sqrt(w2)
        assert abs(abs(ev[0].imag) / np.sqrt(qq["omega_bar_sq"]) - 1) < 1e-9
    mid = _pair(np.sqrt(lo * hi))
    assert (
        pt.pair_drift_eigenvalues(pt.linear_stiffness(mid), mid.masses, gamma)[0].real
        > 0
    )
    assert np.isnan(pt.hopf_detuning(q["c12"], q["c21"], q["omega_bar_sq"], 10 * gamma))
    assert np.isnan(pt.exceptional_detuning(1.0, 2.0))


def test_pt_functions_validate_input():
    with pytest.raises(TypeError):
        pt.linear_stiffness(np.eye(2))
    with pytest.raises(ValueError):
        pt.pair_parameters(np.eye(3), [1.0, 1.0])
    with pytest.raises(ValueError, match="gamma"):
        pt.pair_eigenvalues(1.0, 1.0, 0.1, -0.1, -1.0)
    with pytest.raises(TypeError):
        pt.find_exceptional_point(None, (0.5, 1.0))


# ----------------------------------------------------------- Lamb-Dicke
def test_lamb_dicke_parameters_and_thermal_amplitudes():
    """eta = (k - 1/z_R) sqrt(hbar/(2 m omega)) ~ 2e-5 (rieser2022), 5e-5 (delic2020);
    at 295 K kappa z_th = 0.38 and 1.0: the linearisation fails at room temperature,
    holds (kappa^2 <z^2> < 1e-2) below 1.2e7 and 1.8e6 phonons."""
    table = linearisation_table(temperatures=(295.0, 1e-3))
    names = list(table.coords["parameter_set"])
    assert names == sorted(available())
    for i, name in enumerate(names):
        p = load(name)
        zzpf = np.sqrt(HBAR / (2 * p.mass * p.omega))
        assert table["z_zpf"][i] == pytest.approx(zzpf, rel=1e-12)
        assert table["eta"][i] == pytest.approx((p.k - 1 / p.z_R) * zzpf, rel=1e-12)
        assert lamb_dicke_parameter(name) == pytest.approx(table["eta"][i], rel=1e-12)
        # classical limit of the thermal amplitude at 295 K (hbar omega / k T ~ 5e-9)
        classical = np.sqrt(BOLTZMANN * 295.0 / (p.mass * p.omega**2))
        assert table["z_th"][i, 0] == pytest.approx(classical, rel=1e-6)
        # eta^2 (2n + 1) = kappa^2 <z^2>
        n = table["occupation"][i]
        assert np.allclose(
            table["kappa_z_th"][i] ** 2, table["eta"][i] ** 2 * (2 * n + 1), rtol=1e-12
        )
        assert thermal_amplitude(name, occupation=0.0) == pytest.approx(
            zero_point_amplitude(name), rel=1e-12
        )
    eta = dict(zip(names, table["eta"]))
    assert 1e-5 < eta["rieser2022"] < 3e-5 and 3e-5 < eta["delic2020"] < 8e-5
    kz = dict(zip(names, table["kappa_z_th"][:, 0]))
    assert 0.3 < kz["rieser2022"] < 0.5 and 0.8 < kz["delic2020"] < 1.2
    with pytest.raises(ValueError, match="exactly one"):
        thermal_amplitude("delic2020")
    with pytest.raises(KeyError):
        lamb_dicke_parameter("nonexistent")


def test_pair_spectrum_scan_shows_the_pt_transition():
    """Unbroken phase: two frequencies, both modes decay at gamma/2; broken phase: one
    frequency, rates -gamma/2 +- x; the scan equals the numerical drift eigenvalues."""
    gam = 0.02
    scan = pt.pair_spectrum_scan([0.65, 0.85, 1.05], [np.pi / 2], gamma_over_omega=gam)
    w = scan.attrs["omega"]
    rate, freq = scan["growth_rate"][:, 0] / w, scan["frequency"][:, 0] / w
    broken = scan["discriminant"][:, 0] < 0
    assert list(broken) == [False, True, False]
    for k in (0, 2):
        assert np.allclose(rate[k], -gam / 2, rtol=1e-9)
        assert abs(freq[k, 0] - freq[k, 1]) > 0.01
    assert abs(freq[1, 0] - freq[1, 1]) < 1e-12
    assert rate[1, 0] > 0 and rate[1, 0] + rate[1, 1] == pytest.approx(-gam, rel=1e-9)
    arr = _pair(0.85)
    ev = pt.pair_drift_eigenvalues(pt.linear_stiffness(arr), arr.masses, gam * w)
    assert ev[0].real / w == pytest.approx(rate[1, 0], rel=1e-9)
    assert scan.units["growth_rate"] == "1/s" and scan.dims["frequency"][-1] == "mode"
