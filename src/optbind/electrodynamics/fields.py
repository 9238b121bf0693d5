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

from .. import validation as _v
from ..conventions import EPSILON_0, SPEED_OF_LIGHT

__all__ = [
    "rayleigh_range",
    "waist_from_rayleigh_range",
    "tweezer_envelope",
    "tweezer_envelope_gradient",
    "TweezerField",
    "gouy_wavenumber",
    "near_focus_field",
    "trap_frequency",
    "field_amplitude_from_power",
    "PlaneWaves",
    "plane_wave",
    "standing_wave",
    "LocalPlaneWaves",
    "tweezer_pair",
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
    k = _v.real_scalar(k, "k", "1/m", positive=True)
    waist = _v.real_scalar(waist, "waist", "m", positive=True)
    return 0.5 * k * waist**2


def waist_from_rayleigh_range(k, z_R):
    """Beam waist ``w = sqrt(2 z_R / k)`` in metres (inverse of :func:`rayleigh_range`)."""
    z_R = _v.real_scalar(z_R, "z_R", "m", positive=True)
    k = _v.real_scalar(k, "k", "1/m", positive=True)
    return float(np.sqrt(2.0 * z_R / k))


def gouy_wavenumber(k, z_R):
    """Local axial wave number at a focus, ``kappa = k - 1/z_R`` (text above Eq. 80), 1/m.

    The Gouy phase lowers the phase gradient on the axis from ``k`` to
    ``k - 1/z_R``.  The linearised theory needs ``kappa > 0``, i.e.
    ``k z_R > 1`` (a paraxial beam); otherwise the sign of every coupling of
    Eq. (85) would flip.

    Raises
    ------
    ValueError
        If ``k z_R <= 1``.
    """
    k = _v.real_scalar(k, "k", "1/m", positive=True)
    z_R = _v.real_scalar(z_R, "z_R", "m", positive=True)
    if k * z_R <= 1.0:
        raise ValueError(f"k * z_R must be > 1 (paraxial tweezer, k - 1/z_R > 0); got "
                         f"k z_R = {k * z_R:.4g}")
    return k - 1.0 / z_R


def _check_points(r, name="r"):
    return _v.vectors(r, name, "m")


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
    waist = _v.real_scalar(waist, "waist", "m", positive=True)
    z_R = _v.real_scalar(z_R, "z_R", "m", positive=True)
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
    waist = _v.real_scalar(waist, "waist", "m", positive=True)
    z_R = _v.real_scalar(z_R, "z_R", "m", positive=True)
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

    Examples
    --------
    >>> import numpy as np
    >>> f = TweezerField([[0.0, 0.0, 0.0]], [[1e6, 0.0, 0.0]], 2 * np.pi / 1550e-9, 1e-6)
    >>> round(f.z_R * 1e6, 3)                      # Rayleigh range in micrometres
    2.027
    >>> float(abs(f.field([0.0, 0.0, 0.0])[0]))    # peak field at the focus, V/m
    1000000.0
    """

    foci: np.ndarray
    amplitudes: np.ndarray
    k: float
    waist: float

    def __post_init__(self):
        foci = _v.vectors(self.foci, "foci", "m", shape=(None, 3))
        amps = _v.complex_array(self.amplitudes, "amplitudes", "V/m", shape=foci.shape)
        object.__setattr__(self, "foci", foci)
        object.__setattr__(self, "amplitudes", amps)
        object.__setattr__(self, "k", _v.real_scalar(self.k, "k", "1/m", positive=True))
        object.__setattr__(self, "waist",
                           _v.real_scalar(self.waist, "waist", "m", positive=True))

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
    z = _v.real_array(z, "z", "m")
    amplitude = _v.complex_array(amplitude, "amplitude", "V/m", shape=(3,))
    kappa = gouy_wavenumber(k, z_R)
    return np.exp(1j * kappa * z)[..., None] * amplitude


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
    chi_tilde = _v.real_array(chi_tilde, "chi_tilde", "dimensionless", positive=True)
    volume = _v.real_array(volume, "volume", "m^3", positive=True)
    mass = _v.real_array(mass, "mass", "kg", positive=True)
    e_abs = _v.real_array(field_amplitude, "field_amplitude", "V/m", nonnegative=True)
    z_R = _v.real_scalar(z_R, "z_R", "m", positive=True)
    _v.broadcast(chi_tilde=chi_tilde, volume=volume, mass=mass, field_amplitude=e_abs)
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
    p = _v.real_scalar(power, "power", "W", positive=True)
    w = _v.real_scalar(waist, "waist", "m", positive=True)
    return np.sqrt(4.0 * p / (np.pi * w**2 * SPEED_OF_LIGHT * EPSILON_0))


# --------------------------------------------------- model fields of Sec. II
@dataclass(frozen=True)
class PlaneWaves:
    """A superposition of plane waves ``E_L(r) = sum_m a_m exp(i k_m . r)``.

    Parameters
    ----------
    amplitudes : array_like, shape (M, 3), complex
        Complex amplitudes ``a_m`` in V/m (phases included); each must be
        transverse, ``k_m . a_m = 0``.
    wavevectors : array_like, shape (M, 3), real
        Wave vectors ``k_m`` in 1/m, all of the same length ``k`` (``k = 0``
        gives a uniform, quasi-static field).

    Attributes
    ----------
    k : float
        The common wave number ``|k_m|`` in 1/m.
    """

    amplitudes: np.ndarray
    wavevectors: np.ndarray

    def __post_init__(self):
        a = _v.complex_array(np.atleast_2d(self.amplitudes), "amplitudes", "V/m",
                             shape=(None, 3))
        kv = _v.vectors(np.atleast_2d(self.wavevectors), "wavevectors", "1/m",
                        shape=a.shape)
        ks = np.linalg.norm(kv, axis=1)
        if np.ptp(ks) > 1e-12 * max(ks.max(), 1e-300):
            raise ValueError("wavevectors must all have the same length (one frequency); "
                             f"got |k| = {ks}")
        lon = np.abs(np.einsum("ma,ma->m", kv, a))
        if np.any(lon > 1e-10 * ks * np.linalg.norm(a, axis=1)):
            raise ValueError("amplitudes must be transverse to their wavevectors "
                             "(k_m . a_m = 0)")
        object.__setattr__(self, "amplitudes", a)
        object.__setattr__(self, "wavevectors", kv)

    @property
    def k(self):
        return float(np.linalg.norm(self.wavevectors[0]))

    def _phases(self, r):
        r = _check_points(r, "r")
        return np.exp(1j * np.einsum("...a,ma->...m", r, self.wavevectors))

    def field(self, r):
        """``E_L(r)``, shape ``(..., 3)``, V/m."""
        return np.einsum("...m,mb->...b", self._phases(r), self.amplitudes)

    def gradient(self, r):
        """``[..., a, b] = dE_b/dr_a = sum_m i k_{m,a} a_{m,b} exp(i k_m . r)``, V/m^2."""
        return 1j * np.einsum("...m,ma,mb->...ab", self._phases(r), self.wavevectors, self.amplitudes)


def plane_wave(amplitude, wavevector):
    """A single plane wave ``amplitude * exp(i wavevector . r)``.

    Parameters
    ----------
    amplitude : array_like, shape (3,)
        Complex amplitude in V/m, transverse to ``wavevector``.
    wavevector : array_like, shape (3,)
        Wave vector in 1/m.

    Returns
    -------
    PlaneWaves
    """
    amplitude = _v.complex_array(amplitude, "amplitude", "V/m", shape=(3,))
    wavevector = _v.vectors(wavevector, "wavevector", "1/m", shape=(3,))
    return PlaneWaves([amplitude], [wavevector])


def standing_wave(amplitude, k, axis=(0.0, 0.0, 1.0), polarization=(0.0, 1.0, 0.0), phase=0.0):
    """Standing wave ``amplitude * cos(k axis . r + phase) * polarization``.

    Two counter-propagating plane waves of amplitude ``amplitude/2``; the
    field is real up to a global phase, with antinodes where
    ``k axis . r + phase = 0 mod pi``.

    Parameters
    ----------
    amplitude : float or complex
        Peak field at an antinode, V/m.
    k : float
        Wave number in 1/m.
    axis, polarization : array_like, shape (3,)
        Propagation axis and polarisation (normalised here; must be orthogonal).
    phase : float
        Phase offset in rad.

    Returns
    -------
    PlaneWaves
    """
    k = _v.real_scalar(k, "k", "1/m", nonnegative=True)
    n = _v.unit_vectors(axis, "axis", atol=1e-9)
    e = _v.unit_vectors(polarization, "polarization", atol=1e-9)
    if abs(n @ e) > 1e-12:
        raise ValueError("polarization must be orthogonal to axis")
    phase = _v.real_scalar(phase, "phase", "rad")
    amp = _v.complex_array(amplitude, "amplitude", "V/m")
    if amp.ndim != 0:
        raise ValueError(f"amplitude must be a scalar (V/m); got shape {amp.shape}")
    a = 0.5 * complex(amp) * e
    return PlaneWaves([a * np.exp(1j * phase), a * np.exp(-1j * phase)], [k * n, -k * n])


@dataclass(frozen=True)
class LocalPlaneWaves:
    """Minimal model of several tweezers near their foci.

    Every point ``r`` belongs to the tweezer whose focus ``d_j`` is nearest
    in the transverse ``(x, y)`` plane; there the field is the plane wave
    ``E_j exp[i k (z - z_j)]`` along ``+e_z``.  Near each focus this is the
    tweezer field of Eq. (77) without its transverse envelope and Gouy phase
    (both change the field only at second order in the displacement from the
    focus, except that the Gouy phase lowers the axial phase gradient from
    ``k`` to ``k - 1/z_R``; see :mod:`optbind.fields`).  It is not a global
    solution of Maxwell's equations and is discontinuous half-way between
    foci: use it only for particles near their own focus.

    Parameters
    ----------
    foci : array_like, shape (N, 3)
        Focus positions in m (distinct transverse positions).
    amplitudes : array_like, shape (N, 3), complex
        ``E_j = |E_j| exp(i phi_j) e_j`` in V/m, transverse (``e_j . e_z = 0``).
    k : float
        Wave number in 1/m.
    """

    foci: np.ndarray
    amplitudes: np.ndarray
    k: float

    def __post_init__(self):
        f = _v.vectors(self.foci, "foci", "m", shape=(None, 3))
        if len(np.unique(np.round(f[:, :2], 15), axis=0)) != len(f):
            raise ValueError("foci must have distinct transverse (x, y) positions")
        a = _v.complex_array(self.amplitudes, "amplitudes", "V/m", shape=f.shape)
        if np.any(np.abs(a[:, 2]) > 1e-12 * np.linalg.norm(a, axis=1)):
            raise ValueError("amplitudes must be transverse to the optical axis e_z (zero z component)")
        object.__setattr__(self, "foci", f)
        object.__setattr__(self, "amplitudes", a)
        object.__setattr__(self, "k", _v.real_scalar(self.k, "k", "1/m", nonnegative=True))

    def _cell(self, r):
        r = _check_points(r, "r")
        d2 = np.sum((r[..., None, :2] - self.foci[:, :2]) ** 2, axis=-1)
        j = np.argmin(d2, axis=-1)
        ph = np.exp(1j * self.k * (r[..., 2] - self.foci[j, 2]))
        return j, ph

    def field(self, r):
        """``E_L(r) = E_j exp[i k (z - z_j)]`` for the nearest focus ``j``, V/m."""
        j, ph = self._cell(r)
        return ph[..., None] * self.amplitudes[j]

    def gradient(self, r):
        """``[..., a, b] = dE_b/dr_a = i k delta_{a z} E_b``, V/m^2."""
        e = self.field(r)
        out = np.zeros(e.shape[:-1] + (3, 3), dtype=complex)
        out[..., 2, :] = 1j * self.k * e
        return out


def tweezer_pair(d, phi, k, amplitude, polarization=(0.0, 1.0, 0.0)):
    """Two tweezers along ``+e_z`` with foci at ``(-d/2, 0, 0)`` and ``(d/2, 0, 0)``.

    Parameters
    ----------
    d : float
        Focus separation in m (> 0).
    phi : float
        Relative phase ``phi = phi_1 - phi_2`` in rad: ``E_1 = E_2 exp(i phi)``
        (:mod:`optbind.conventions`).
    k : float
        Wave number in 1/m.
    amplitude : float
        ``|E_j|`` in V/m, the same for both tweezers.
    polarization : array_like, shape (3,)
        Common real polarisation, orthogonal to ``e_z``.

    Returns
    -------
    field : LocalPlaneWaves
    positions : ndarray, shape (2, 3)
        The two foci, where the particles sit.
    """
    d = _v.real_scalar(d, "d", "m", positive=True)
    phi = _v.real_scalar(phi, "phi", "rad")
    amplitude = _v.real_scalar(amplitude, "amplitude", "V/m", nonnegative=True)
    e = _v.unit_vectors(polarization, "polarization", atol=1e-9)
    if abs(e[2]) > 1e-12:
        raise ValueError("polarization must be orthogonal to the optical axis e_z "
                         f"(zero z component); got {e}")
    pos = np.array([[-0.5 * d, 0.0, 0.0], [0.5 * d, 0.0, 0.0]])
    amps = amplitude * np.array([np.exp(1j * phi) * e, e])
    return LocalPlaneWaves(pos, amps, k), pos
