"""Residual gas: damping and heating of a levitated sphere, compared with photon recoil.

Free-molecular (Epstein) drag and its thermal noise, and the heating rates in
phonons per second from gas collisions and from photon recoil (Eq. 87a),
with the pressure at which the two are equal.  Below that pressure the
recoil noise, and with it the correlated noise of Eq. (87b), dominates.
All quantities SI (pressures in Pa; 1 mbar = 100 Pa).
"""
from __future__ import annotations

import numpy as np

from .. import validation as _v
from ..conventions import BOLTZMANN, HBAR

__all__ = [
    "N2_MASS",
    "mean_speed",
    "epstein_damping",
    "recoil_phonon_rate",
    "gas_phonon_rate",
    "crossover_pressure",
]

#: Mass of an N2 molecule in kg (28.0134 u).
N2_MASS = 28.0134 * 1.66053906660e-27


def mean_speed(temperature, *, gas_mass=N2_MASS):
    """Mean thermal speed ``sqrt(8 k_B T/(pi m_g))`` of gas molecules, in m/s."""
    t = _v.real_scalar(temperature, "temperature", "K", positive=True)
    m = _v.real_scalar(gas_mass, "gas_mass", "kg", positive=True)
    return np.sqrt(8.0 * BOLTZMANN * t / (np.pi * m))


def epstein_damping(pressure, radius, density, *, temperature=295.0, gas_mass=N2_MASS):
    """Free-molecular (Epstein) damping rate of a sphere, in 1/s.

    Epstein's drag for diffuse reflection with full thermal accommodation is
    ``F = -(1 + pi/8)(4 pi/3) a^2 n m_g v_bar u``; dividing by the mass
    ``(4 pi/3) a^3 rho`` and using ``n m_g v_bar = 8 p/(pi v_bar)`` gives

    .. math:: \\gamma_g = \\Big(1 + \\frac{\\pi}{8}\\Big)\\frac{8}{\\pi}
              \\frac{p}{\\rho\\, a\\, \\bar v}
              = \\Big(1 + \\frac{8}{\\pi}\\Big)\\frac{p}{\\rho\\, a\\, \\bar v} .

    Parameters
    ----------
    pressure : array_like
        Gas pressure in Pa (>= 0; 1 mbar = 100 Pa).
    radius : float
        Sphere radius in m.
    density : float
        Sphere mass density in kg/m^3.
    temperature : float, optional
        Gas temperature in K.
    gas_mass : float, optional
        Molecular mass in kg (default N2).

    Returns
    -------
    ndarray
        Energy damping rate ``gamma_g`` in 1/s (velocity damping).
    """
    p = _v.real_array(pressure, "pressure", "Pa", nonnegative=True)
    a = _v.real_scalar(radius, "radius", "m", positive=True)
    rho = _v.real_scalar(density, "density", "kg/m^3", positive=True)
    vbar = mean_speed(temperature, gas_mass=gas_mass)
    return (1.0 + 8.0 / np.pi) * p / (rho * a * vbar)


def recoil_phonon_rate(diffusion, mass, omega):
    """Recoil heating in phonons per second, ``D/(m hbar omega)``.

    From the Langevin equation (88b) with ``<xi xi> = 2 D delta`` (Eq. 89):
    ``d<p^2>/dt = 2 D``, so the energy grows as ``dE/dt = D/m``; dividing by
    the phonon energy ``hbar omega`` gives the rate.

    Parameters
    ----------
    diffusion : array_like
        ``D_jj`` in N^2 s (Eq. 87a).
    mass : array_like
        Mass in kg.
    omega : array_like
        Trap frequency in rad/s.

    Returns
    -------
    ndarray
        Rate in 1/s.
    """
    dd = _v.real_array(diffusion, "diffusion", "N^2 s", nonnegative=True)
    m = _v.real_array(mass, "mass", "kg", positive=True)
    w = _v.real_array(omega, "omega", "rad/s", positive=True)
    _v.broadcast(diffusion=dd, mass=m, omega=w)
    return dd / (m * HBAR * w)


def gas_phonon_rate(gamma_gas, omega, *, temperature=295.0):
    """Gas heating in phonons per second from the ground state, ``gamma_g k_B T/(hbar omega)``.

    Parameters
    ----------
    gamma_gas : array_like
        Damping rate in 1/s (>= 0).
    omega : float
        Trap frequency in rad/s.
    temperature : float, optional
        Gas temperature in K.
    """
    g = _v.real_array(gamma_gas, "gamma_gas", "1/s", nonnegative=True)
    w = _v.real_scalar(omega, "omega", "rad/s", positive=True)
    t = _v.real_scalar(temperature, "temperature", "K", positive=True)
    return g * BOLTZMANN * t / (HBAR * w)


def crossover_pressure(diffusion, mass, radius, density, *, temperature=295.0,
                       gas_mass=N2_MASS):
    """Pressure (Pa) at which gas heating equals recoil heating.

    Solves ``gamma_g(p) k_B T = D/m``; it does not depend on the trap
    frequency.  Below this pressure photon recoil (and hence the correlated
    shot noise of Eq. 87b) dominates.

    Parameters
    ----------
    diffusion : float
        ``D_jj`` in N^2 s.
    mass, radius, density : float
        Particle mass (kg), radius (m) and density (kg/m^3).
    temperature : float, optional
        Gas temperature in K.
    gas_mass : float, optional
        Molecular mass in kg.

    Returns
    -------
    float
        Pressure in Pa.
    """
    dd = _v.real_scalar(diffusion, "diffusion", "N^2 s", positive=True)
    m = _v.real_scalar(mass, "mass", "kg", positive=True)
    t = _v.real_scalar(temperature, "temperature", "K", positive=True)
    per_pa = float(epstein_damping(1.0, radius, density, temperature=t, gas_mass=gas_mass))
    return dd / (m * BOLTZMANN * t * per_pa)
