"""Optical tweezer fields, Eqs. (77)-(79).

Each tweezer ``j`` propagates along ``+e_z`` with its focus at ``d_j`` and
the paraxial Gaussian envelope of Eq. (78),

.. math:: f_{\\rm tw}(\\mathbf r) = \\frac{1}{1 + iz/z_R}
          \\exp\\Big(-\\frac{x^2+y^2}{w^2(1 + iz/z_R)}\\Big),
          \\qquad z_R = k w^2/2,

and the total laser field is ``E_L(r) = sum_j E_j exp(ikz) f_tw(r - d_j)``
(Eq. 77).  On the axis ``exp(ikz)/(1 + iz/z_R) = exp[i(k z - arctan(z/z_R))]
/ sqrt(1 + z^2/z_R^2)``: to first order the Gouy phase lowers the local wave
number to ``k - 1/z_R`` (text below Eq. 79), and the intensity falls as
``1 - z^2/z_R^2``, which gives the trap frequency of Eq. (79).

A *field object* in this package is anything with ``k`` (1/m), ``field(r)``
returning ``(..., 3)`` complex V/m and ``gradient(r)`` returning
``(..., 3, 3)`` with ``[..., a, b] = d E_b / d r_a``; :class:`TweezerField`
is the one used throughout.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .conventions import EPSILON_0, SPEED_OF_LIGHT
from .particles import check_positive

__all__ = [
    "rayleigh_range",
    "waist_from_rayleigh_range",
    "tweezer_envelope",
    "tweezer_envelope_gradient",
    "TweezerField",
    "near_focus_field",
    "trap_frequency",
    "field_amplitude_from_power",
]


def rayleigh_range(k, waist):
    """Rayleigh range ``z_R = k w^2 / 2`` (text above Eq. 77), in metres.

    Parameters
    ----------
    k : float
        Wave number in 1/m (> 0).
    waist : float
        Beam waist ``w`` in metres (> 0).
    """
    return 0.5 * float(check_positive(k, "k", "1/m")) * float(
        check_positive(waist, "waist", "m")
    ) ** 2


def waist_from_rayleigh_range(k, z_R):
    """Beam waist ``w = sqrt(2 z_R / k)`` in metres (inverse of :func:`rayleigh_range`)."""
    return np.sqrt(
        2.0 * float(check_positive(z_R, "z_R", "m")) / float(check_positive(k, "k", "1/m"))
    )


def _check_points(r, name="r"):
    r = np.asarray(r, dtype=float)
    if r.ndim == 0 or r.shape[-1] != 3:
        raise ValueError(f"{name} must have shape (..., 3); got {r.shape}")
    if not np.all(np.isfinite(r)):
        raise ValueError(f"{name} must be finite")
    return r


def _envelope_parts(r, waist, z_R):
    q = 1.0 + 1j * r[..., 2] / z_R
    rho2 = r[..., 0] ** 2 + r[..., 1] ** 2
    f = np.exp(-rho2 / (waist**2 * q)) / q
    return q, rho2, f


def tweezer_envelope(r, waist, z_R):
    """Tweezer envelope ``f_tw(r)`` of Eq. (78) (dimensionless, ``f_tw(0) = 1``).

    Parameters
    ----------
    r : array_like, shape (..., 3)
        Position relative to the focus, in metres.
    waist, z_R : float
        Beam waist and Rayleigh range in metres (> 0).

    Returns
    -------
    ndarray, shape (...,), complex
    """
    r = _check_points(r)
    waist = float(check_positive(waist, "waist", "m"))
    z_R = float(check_positive(z_R, "z_R", "m"))
    return _envelope_parts(r, waist, z_R)[2]


def tweezer_envelope_gradient(r, waist, z_R):
    """Analytic gradient of Eq. (78): ``d f_tw / d r_a`` in 1/m.

    ``d_x f = -2x f/(w^2 q)``, ``d_y f = -2y f/(w^2 q)``,
    ``d_z f = (i/z_R) f [rho^2/(w^2 q^2) - 1/q]`` with ``q = 1 + iz/z_R``.

    Returns
    -------
    ndarray, shape (..., 3), complex
    """
    r = _check_points(r)
    waist = float(check_positive(waist, "waist", "m"))
    z_R = float(check_positive(z_R, "z_R", "m"))
    q, rho2, f = _envelope_parts(r, waist, z_R)
    gx = -2.0 * r[..., 0] * f / (waist**2 * q)
    gy = -2.0 * r[..., 1] * f / (waist**2 * q)
    gz = (1j / z_R) * f * (rho2 / (waist**2 * q**2) - 1.0 / q)
    return np.stack([gx, gy, gz], axis=-1)


@dataclass(frozen=True)
class TweezerField:
    """Multi-tweezer laser field of Eq. (77).

    Parameters
    ----------
    foci : array_like, shape (N, 3)
        Focus positions ``d_j`` in metres.
    amplitudes : array_like, shape (N, 3), complex
        Peak field vectors ``E_j`` in V/m (should be transverse to ``e_z``).
    k : float
        Laser wave number ``k_L`` in 1/m.
    waist : float
        Common beam waist ``w`` in metres; ``z_R = k w^2/2``.
    """

    foci: np.ndarray
    amplitudes: np.ndarray
    k: float
    waist: float

    def __post_init__(self):
        foci = _check_points(self.foci, "foci")
        if foci.ndim != 2:
            raise ValueError(f"foci must have shape (N, 3); got {foci.shape}")
        amps = np.asarray(self.amplitudes, dtype=complex)
        if amps.shape != foci.shape:
            raise ValueError(
                f"amplitudes must have the shape of foci {foci.shape}; got {amps.shape}"
            )
        if not np.all(np.isfinite(amps)):
            raise ValueError("amplitudes must be finite")
        object.__setattr__(self, "foci", foci)
        object.__setattr__(self, "amplitudes", amps)
        object.__setattr__(self, "k", float(check_positive(self.k, "k", "1/m")))
        object.__setattr__(self, "waist", float(check_positive(self.waist, "waist", "m")))

    @property
    def z_R(self):
        """Rayleigh range ``k w^2/2`` in metres."""
        return rayleigh_range(self.k, self.waist)

    def field(self, r):
        """Laser field ``E_L(r)`` of Eq. (77).

        Parameters
        ----------
        r : array_like, shape (..., 3)
            Positions in metres.

        Returns
        -------
        ndarray, shape (..., 3), complex
            Field in V/m.
        """
        r = _check_points(r)
        f = _envelope_parts(r[..., None, :] - self.foci, self.waist, self.z_R)[2]
        return np.exp(1j * self.k * r[..., 2])[..., None] * np.einsum(
            "...n,nb->...b", f, self.amplitudes
        )

    def gradient(self, r):
        """Analytic gradient of Eq. (77): ``out[..., a, b] = d E_L,b / d r_a`` (V/m^2)."""
        r = _check_points(r)
        rel = r[..., None, :] - self.foci
        f = _envelope_parts(rel, self.waist, self.z_R)[2]
        df = tweezer_envelope_gradient(rel, self.waist, self.z_R)  # (..., N, 3)
        df[..., 2] += 1j * self.k * f
        ph = np.exp(1j * self.k * r[..., 2])[..., None, None]
        return ph * np.einsum("...na,nb->...ab", df, self.amplitudes)


def near_focus_field(z, amplitude, k, z_R):
    """Near-focus field ``E_j exp[i(k - 1/z_R) z]`` (text above Eq. 80).

    Parameters
    ----------
    z : array_like
        Axial displacement from the focus in metres.
    amplitude : array_like, shape (3,)
        Peak field vector ``E_j`` in V/m.
    k, z_R : float
        Wave number (1/m) and Rayleigh range (m).

    Returns
    -------
    ndarray, shape (..., 3), complex
    """
    z = np.asarray(z, dtype=float)
    kappa = float(check_positive(k, "k", "1/m")) - 1.0 / float(
        check_positive(z_R, "z_R", "m")
    )
    return np.exp(1j * kappa * z)[..., None] * np.asarray(amplitude, dtype=complex)


def trap_frequency(chi_tilde, volume, mass, field_amplitude, z_R):
    """Axial trap frequency from Eq. (79): ``m w^2 = eps0 chi~ V |E|^2 / (2 z_R^2)``.

    Parameters
    ----------
    chi_tilde : array_like
        Renormalised scalar susceptibility (Eq. 74), dimensionless, > 0.
    volume : array_like
        Particle volume(s) in m^3.
    mass : array_like
        Particle mass(es) in kg.
    field_amplitude : array_like
        ``|E_j|`` in V/m (>= 0).
    z_R : float
        Rayleigh range in metres.

    Returns
    -------
    ndarray
        Angular frequency in rad/s.
    """
    chi_tilde = check_positive(chi_tilde, "chi_tilde")
    volume = check_positive(volume, "volume", "m^3")
    mass = check_positive(mass, "mass", "kg")
    e_abs = np.asarray(field_amplitude, dtype=float)
    if not np.all(np.isfinite(e_abs)) or np.any(e_abs < 0):
        raise ValueError("field_amplitude must be finite and >= 0 (V/m)")
    z_R = float(check_positive(z_R, "z_R", "m"))
    return np.sqrt(EPSILON_0 * chi_tilde * volume * e_abs**2 / (2.0 * z_R**2 * mass))


def field_amplitude_from_power(power, waist):
    """Peak field ``|E_0|`` of a Gaussian beam of power ``P`` and waist ``w``.

    With ``Re[E exp(-i omega t)]`` the cycle-averaged intensity is
    ``c eps0 |E|^2 / 2`` and the peak intensity of a Gaussian beam is
    ``2 P/(pi w^2)``, so ``|E_0|^2 = 4 P / (pi w^2 c eps0)``.

    Parameters
    ----------
    power : float
        Beam power in W (> 0).
    waist : float
        Beam waist in m (> 0).

    Returns
    -------
    float
        ``|E_0|`` in V/m.
    """
    p = float(check_positive(power, "power", "W"))
    w = float(check_positive(waist, "waist", "m"))
    return np.sqrt(4.0 * p / (np.pi * w**2 * SPEED_OF_LIGHT * EPSILON_0))
