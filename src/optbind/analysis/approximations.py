"""Order-of-magnitude sizes of the approximations of Sec. III and App. B.

:func:`approximation_ratios` estimates, for a homogeneous sphere in a
tweezer, the dimensionless size of each term that is dropped between the
exact Lagrangian (Eq. 18) and the effective one (Eq. 39).  How small a
particle must be for the point-dipole results to hold to a given accuracy is
measured exactly (Mie theory) in :mod:`optbind.electrodynamics.mie`.
"""
from __future__ import annotations

import numpy as np

from .. import validation as _v
from ..conventions import BOLTZMANN, HBAR, SPEED_OF_LIGHT
from ..electrodynamics.fields import field_amplitude_from_power, rayleigh_range, trap_frequency
from ..electrodynamics.particles import radiation_correction_sphere, sphere_susceptibility

__all__ = ["approximation_ratios"]


def approximation_ratios(*, diameter, wavelength, permittivity, density, separation,
                         power, waist, temperature=295.0):
    """Dimensionless sizes of the terms dropped between Eq. (18) and Eq. (39).

    All are order-of-magnitude estimates for a homogeneous sphere:

    ``ka``
        Size parameter (radius ``a``); the quasi-static solution (Eq. 31)
        and ``V_ext`` (Eq. 40) assume ``ka << 1``; Mie corrections to the
        polarisability are ``O((ka)^2)``.
    ``delta_chi_over_chi``
        Radiation correction (Eq. 68) relative to ``chi``:
        ``(4/15) chi (ka)^2``.
    ``v_over_c``
        Thermal speed ``sqrt(k_B T/m)`` over ``c``: size of the velocity
        term of Eq. (B4) relative to ``V_int`` (``q' d/dq ~ v k`` against
        ``d/dt ~ omega_L = c k``).
    ``v_over_c_ground``
        Same with the zero-point speed ``sqrt(hbar omega/(2 m))`` of the
        trapped ground state (omega of Eq. 79).
    ``scattered_over_laser_self``
        Field radiated by a particle at its own position relative to the
        laser (radiation-reaction part, ``k^3 V chi/(6 pi)``): the size of the
        dropped terms quadratic in the scattered field relative to the kept
        linear ones.
    ``scattered_over_laser_pair``
        Far field of one particle at the other, ``k^2 V chi/(4 pi d)``:
        the relative size of multiple scattering (dropped in Eq. 36) and of
        the second term of the second line of Eq. (B1).
    ``static_pair``
        Near-field (electrostatic) coupling ``V chi/(4 pi d^3)``.
    ``light_transit_over_period``
        Light crossing time of the particle over the mechanical period
        (rigid-body assumption, text below Eq. 20).

    Parameters
    ----------
    diameter : float
        Sphere diameter in m.
    wavelength : float
        Laser wavelength in m.
    permittivity : float
        Relative permittivity (> 1).
    density : float
        Mass density in kg/m^3.
    separation : float
        Interparticle distance in m.
    power : float
        Tweezer power in W.
    waist : float
        Tweezer waist in m.
    temperature : float, optional
        Gas / motional temperature in K.

    Returns
    -------
    dict
        Name -> float (dimensionless).
    """
    d = _v.real_scalar(diameter, "diameter", "m", positive=True)
    lam = _v.real_scalar(wavelength, "wavelength", "m", positive=True)
    rho = _v.real_scalar(density, "density", "kg/m^3", positive=True)
    sep = _v.real_scalar(separation, "separation", "m", positive=True)
    temp = _v.real_scalar(temperature, "temperature", "K", positive=True)
    chi = sphere_susceptibility(permittivity)
    k = 2.0 * np.pi / lam
    a = 0.5 * d
    vol = np.pi * d**3 / 6.0
    mass = rho * vol
    dchi = radiation_correction_sphere(permittivity, a, k)
    z_r = rayleigh_range(k, waist)
    e0 = field_amplitude_from_power(power, waist)
    omega = float(trap_frequency(chi + dchi, vol, mass, e0, z_r))
    v_th = np.sqrt(BOLTZMANN * temp / mass)
    v_zp = np.sqrt(HBAR * omega / (2.0 * mass))
    return {
        "ka": k * a,
        "delta_chi_over_chi": dchi / chi,
        "v_over_c": v_th / SPEED_OF_LIGHT,
        "v_over_c_ground": v_zp / SPEED_OF_LIGHT,
        "scattered_over_laser_self": k**3 * vol * chi / (6.0 * np.pi),
        "scattered_over_laser_pair": k**2 * vol * chi / (4.0 * np.pi * sep),
        "static_pair": vol * chi / (4.0 * np.pi * sep**3),
        "light_transit_over_period": (d * np.sqrt(permittivity) / SPEED_OF_LIGHT) * omega / (2 * np.pi),
    }
