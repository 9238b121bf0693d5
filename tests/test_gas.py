"""Residual gas: Epstein damping, heating, and the crossover to recoil heating
(forces.gas).

The damping rate is checked against a kinetic-theory computation of the drag (momentum
balance of impinging and diffusely re-emitted molecules, integrated numerically), the
heating rates against the moment engine's steady state and the Bose-Einstein
occupation.  (The former test restated the definition of the crossover pressure,
``gamma(p) k_B T = D/m``, and the equality of two rates built from it.)
Tolerances are the measured error times a stated margin (comments give both).
"""

import numpy as np
import pytest
from scipy.integrate import quad

from optbind import gaussian
from optbind.conventions import BOLTZMANN, HBAR
from optbind.forces.gas import (
    N2_MASS,
    crossover_pressure,
    epstein_damping,
    gas_phonon_rate,
    mean_speed,
    recoil_phonon_rate,
)
from optbind.model import ArrayModel
from optbind.numerics import central_difference

RADIUS, DENSITY, T = 100e-9, 1850.0, 295.0
MASS = 4 * np.pi / 3 * RADIUS**3 * DENSITY


def _kinetic_drag(u, radius, pressure, temperature, gas_mass):
    """z force (N) on a sphere moving at u e_z through gas at rest, from kinetic theory.

    Per surface element with outward normal n: the impinging molecules (v.n < 0 in the
    sphere frame, where the gas has the Maxwell distribution shifted by -u) deliver
    their momentum; all are re-emitted diffusely with the wall temperature (full
    accommodation), recoiling along -n with the flux-averaged normal speed.
    """
    beta = gas_mass / (BOLTZMANN * temperature)
    density = pressure / (BOLTZMANN * temperature)

    def g(v):
        return np.sqrt(beta / (2 * np.pi)) * np.exp(-beta * v * v / 2)

    c_emit = (
        quad(lambda v: v * v * g(v), 0, np.inf)[0]
        / quad(lambda v: v * g(v), 0, np.inf)[0]
    )
    lim = 12 / np.sqrt(beta)

    def per_area(ct):
        u_n, u_t = u * ct, u * np.sqrt(1 - ct * ct)
        i2 = quad(lambda v: v * v * g(v + u_n), -lim - u_n, 0, epsabs=0, epsrel=1e-12)[
            0
        ]
        i1 = quad(lambda v: -v * g(v + u_n), -lim - u_n, 0, epsabs=0, epsrel=1e-12)[0]
        normal = -gas_mass * density * i2 - density * i1 * gas_mass * c_emit
        tangential = -gas_mass * density * i1 * u_t  # tangential momentum of the gas
        return normal * ct + tangential * np.sqrt(1 - ct * ct)

    # the integrand is smooth in cos(theta) (the sqrt(1 - ct^2) factors pair up):
    # Gauss-Legendre over the sphere
    ct, w = np.polynomial.legendre.leggauss(40)
    return 2 * np.pi * radius**2 * sum(wi * per_area(ci) for ci, wi in zip(ct, w))


def test_mean_speed_is_the_maxwell_average():
    beta = N2_MASS / (BOLTZMANN * T)

    def pdf(v):
        return (
            4 * np.pi * v**2 * (beta / (2 * np.pi)) ** 1.5 * np.exp(-beta * v * v / 2)
        )

    vbar = quad(lambda v: v * pdf(v), 0, np.inf, epsabs=0, epsrel=1e-13)[0]
    # measured relative deviation 2.4e-16; margin 8
    assert mean_speed(T) == pytest.approx(vbar, rel=2e-15, abs=0)
    assert 450 < mean_speed(T) < 500  # N2 at room temperature (m/s)


@pytest.mark.parametrize("pressure", [1e-5, 1e-2])
def test_epstein_damping_from_kinetic_theory(pressure):
    """gamma = -dF/du / M from the momentum balance of the molecules (independent
    route)."""
    h = 1e-4 * mean_speed(T)
    dfdu = central_difference(
        lambda u: _kinetic_drag(u[0], RADIUS, pressure, T, N2_MASS), np.array([0.0]), h
    )[0]
    gamma = float(epstein_damping(pressure, RADIUS, DENSITY, temperature=T))
    # measured relative deviation 1.9e-9 (FD in u, the drag's u^3 term, and the nested
    # quadratures); margin 5.  A specular-reflection or (1 + pi/8) coefficient would be
    # off by 28% and 45%
    assert -dfdu / MASS == pytest.approx(gamma, rel=1e-8, abs=0)
    # at rest the pressure forces cancel (measured 1.4e-17 of p times area; margin 7)
    scale = pressure * 4 * np.pi * RADIUS**2
    assert abs(_kinetic_drag(0.0, RADIUS, pressure, T, N2_MASS)) < 1e-16 * scale


def test_epstein_damping_scales_with_pressure_and_size():
    g = epstein_damping(np.array([1e-5, 2e-5]), RADIUS, DENSITY)
    assert g[1] == pytest.approx(2 * g[0], rel=1e-15, abs=0)
    # heavier and larger spheres are damped less: gamma ~ 1/(rho a)
    assert epstein_damping(1e-5, 2 * RADIUS, DENSITY) == pytest.approx(
        g[0] / 2, rel=1e-15, abs=0
    )


def test_gas_heating_is_damping_times_thermal_occupation():
    """gamma k_B T/(hbar omega) = gamma (n_th + 1/2) (1 + O(x^2)), x = hbar omega/k_B
    T."""
    gamma = 1e-3
    for temperature, omega in ((T, 2 * np.pi * 3e4), (1e-3, 2 * np.pi * 3e6)):
        x = HBAR * omega / (BOLTZMANN * temperature)
        n_th = 1 / np.expm1(x)
        rate = gas_phonon_rate(gamma, omega, temperature=temperature)
        # coth(x/2)/2 = 1/x + x/12 - x^3/720, so the ratio is 1 - x^2/12 + x^4/120:
        # x = 4.9e-9 (295 K, 30 kHz) and 0.14 (1 mK, 3 MHz); measured residual after the
        # x^2 term 1.1e-16 and 0.83 x^4/100 = x^4/120; tolerance x^4/40 (margin 3)
        assert abs(rate / (gamma * (n_th + 0.5)) - 1 + x**2 / 12) < max(
            x**4 / 40, 1e-15
        )


@pytest.mark.parametrize("diffusion", [1e-36, 1e-34])
def test_crossover_pressure_doubles_the_excess_occupation(diffusion):
    """At the crossover the recoil adds as many phonons as the gas: n = n_th + k_B
    T/hbar omega.

    The steady state of the Gaussian moment equations (optbind.gaussian) with Lindblad
    damping gamma(p_c), bath occupation n_th and recoil diffusion D: an independent
    route
    to the balance gamma(p_c) k_B T = D/m, at two trap frequencies (the crossover does
    not depend on omega).
    """
    p_c = crossover_pressure(diffusion, MASS, RADIUS, DENSITY, temperature=T)
    gamma = float(epstein_damping(p_c, RADIUS, DENSITY, temperature=T))
    for omega in (2 * np.pi * 3e4, 2 * np.pi * 2e5):
        n_th = 1 / np.expm1(HBAR * omega / (BOLTZMANN * T))
        model = ArrayModel(
            masses=MASS,
            omega=omega,
            C=np.zeros((1, 1)),
            D=np.array([[diffusion]]),
            gamma=gamma,
            n_th=n_th,
        )
        n = gaussian.phonon_occupation(model, gaussian.steady_state(model))[0]
        excess = BOLTZMANN * T / (HBAR * omega)
        # measured relative deviation <= 6.7e-16; margin 7
        assert n - n_th == pytest.approx(excess, rel=5e-15, abs=0)
        # and the two heating rates of this module agree there (measured 2e-16)
        assert gas_phonon_rate(gamma, omega, temperature=T) == pytest.approx(
            recoil_phonon_rate(diffusion, MASS, omega), rel=2e-15, abs=0
        )


def test_crossover_pressure_realistic_order_of_magnitude():
    """Sec. V A: recoil dominates below ~1e-7 mbar for state-of-the-art tweezers."""
    from optbind.array import LinearArray
    from optbind.parameters import load

    p = load("rieser2022")
    arr = LinearArray(
        [[0, 0, 0]], [[0, p.field_amplitude, 0]], p.volume, p.mass, p.chi, p.k, p.z_R
    )
    p_mbar = crossover_pressure(arr.D[0, 0].real, p.mass, p.radius, p.density) / 100
    # measured 1.3e-7 mbar (a physical order of magnitude, not a tolerance)
    assert 1e-8 < p_mbar < 1e-6


def test_bad_inputs_name_the_parameter():
    with pytest.raises(ValueError, match="pressure"):
        epstein_damping(-1.0, 1e-7, 1850.0)
    with pytest.raises(ValueError, match="temperature"):
        mean_speed(0.0)
    with pytest.raises(ValueError, match="diffusion"):
        crossover_pressure(-1e-40, MASS, RADIUS, DENSITY)
    with pytest.raises(ValueError, match="omega"):
        gas_phonon_rate(1e-3, -1.0)
