"""Equidistant particle chains: couplings and correlated recoil noise (Eqs. 87, 96-98).

Couplings (corrected Eq. 97, see :mod:`optbind.conventions`)::

    C[j, jp] = 2 m omega0 g / |j - jp| * cos(kd_next |j - jp| + phi_next (j - jp))

With ``kd_next = phi_next = pi/4``, ``C[j, j+l] = 2 m omega0 g/l > 0`` for all
``l > 0`` (particle ``j+l`` drives ``j``), while ``C[j+l, j]`` is
``2 m omega0 g cos(pi l/2)/l``: zero for odd ``l``, ``+-1/l`` for even ``l``.

The diffusion matrix (corrected Eq. 87b with Eq. 98) is, for ``l = j - j' != 0``,
``D_jj' = hbar m omega0 g sin(k_L d_next |l|)/|l| e^{-i phi_next l}``, and its
diagonal (Eq. 87a) is :func:`onsite_diffusion_ratio` times ``hbar m omega0 g``.

:func:`chain_array` builds a physical array of spheres in tweezers whose
closed-form linearisation (:class:`~optbind.linear.array.LinearArray`) has
exactly these couplings and a uniform renormalised trap frequency, for the
nonlinear engine :mod:`optbind.dynamics.nonlinear`.

Units: the frequencies ``omega0`` and ``g`` may be given in any common unit
(rad/s for SI results; the chapters use units of the damping rate
``gamma_g``); ``C`` is then in ``mass * unit^2`` and ``D`` in
``hbar * mass * unit^2``.  Stability, dispersion and amplification of the
chain are in :mod:`optbind.analysis.amplification`.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.optimize import brentq

from .. import validation as _v
from ..conventions import EPSILON_0, HBAR, SPEED_OF_LIGHT, chain_phase_argument
from ..electrodynamics.fields import gouy_wavenumber, rayleigh_range
from ..electrodynamics.particles import radiation_correction_sphere, sphere_volume
from ..forces.gas import epstein_damping
from ..parameters import as_parameter_set
from .array import LinearArray
from .pair import polarization, tweezer_separation

__all__ = ["chain_couplings", "chain_diffusion_matrix", "onsite_diffusion_ratio",
           "ChainArray", "chain_array"]


def chain_couplings(n_particles: int, omega0: float, g: float, kd_next: float,
                    phi_next: float, *, mass: float = 1.0) -> np.ndarray:
    """Coupling matrix of an equidistant chain (corrected Eq. 97).

    Parameters
    ----------
    n_particles : int
        Number of particles (>= 1).
    omega0 : float
        Renormalised trap frequency (> 0; rad/s for SI).
    g : float
        Coupling rate of Eq. (98), same unit as ``omega0`` (>= 0).
    kd_next : float
        ``k_L d_next`` (only its value modulo ``2 pi`` matters), radians.
    phi_next : float
        Next-neighbour tweezer phase difference ``phi_j - phi_{j+1}``, radians.
    mass : float
        Particle mass in kg (default 1: then the result is ``C/m``).

    Returns
    -------
    ndarray, shape (N, N)
        ``C[j, jp]`` (force on ``j`` per displacement of ``jp``; N/m for SI
        inputs), zero diagonal.

    Examples
    --------
    >>> import numpy as np
    >>> chain_couplings(2, 1.0, 0.5, np.pi / 4, np.pi / 4)
    array([[0., 1.],
           [0., 0.]])
    """
    n = _v.integer(n_particles, "n_particles", minimum=1)
    omega0 = _v.real_scalar(omega0, "omega0", "rad/s", positive=True)
    g = _v.real_scalar(g, "g", "rad/s", nonnegative=True)
    kd_next = _v.real_scalar(kd_next, "kd_next", "rad")
    phi_next = _v.real_scalar(phi_next, "phi_next", "rad")
    mass = _v.real_scalar(mass, "mass", "kg", positive=True)
    j = np.arange(n)
    l = j[:, None] - j[None, :]
    dist = np.where(l == 0, 1, np.abs(l))
    cos = np.cos(chain_phase_argument(j[:, None], j[None, :], kd_next, phi_next))
    # cos(pi/2) etc. evaluate to ~6e-17: snap such round-off to exact zeros so
    # that a unidirectional pair is exactly nilpotent
    cos[np.abs(cos) < 4 * np.finfo(float).eps] = 0.0
    C = 2.0 * mass * omega0 * g / dist * cos
    C[l == 0] = 0.0
    return C


def onsite_diffusion_ratio(kd_abs: float, kzR: float = np.inf) -> float:
    """Recoil diffusion of one particle, ``D_jj``, in units of ``hbar m omega0 g`` (dimensionless).

    Dividing Eq. (87a) by the prefactor ``hbar m omega0 g`` of the pair terms
    (``g`` from Eq. 98, all particles and tweezers identical) gives

    .. math:: \\frac{D_{jj}}{\\hbar m \\omega_0 g} = \\frac{2}{15}\\,k_L d_{\\rm next}
              \\Big[5 + \\frac{2}{(1 - 1/(k_L z_R))^2}\\Big].

    This is also the ratio ``Gamma/g`` of the recoil heating rate
    ``Gamma = D_jj/(hbar m omega)`` (phonons per unit time) to the coupling
    rate ``g = P/(2 m omega)`` of a pair at distance ``d_next``; it depends on
    the absolute distance because ``g`` falls off as ``1/d`` while the local
    recoil heating does not.

    Parameters
    ----------
    kd_abs : float
        ``k_L d`` including the ``2 pi n`` (> 0).
    kzR : float, optional
        ``k_L z_R`` with ``z_R`` the Rayleigh range (> 1); ``inf`` (default)
        drops the Gouy-phase correction.

    Returns
    -------
    float
    """
    kd_abs = _v.real_scalar(kd_abs, "kd_abs", "dimensionless", positive=True)
    kzR = _v.real_scalar(kzR, "kzR", "dimensionless", minimum=1.0, strict_min=True,
                         allow_inf=True)
    return 2.0 / 15.0 * kd_abs * (5.0 + 2.0 / (1.0 - 1.0 / kzR) ** 2)


def chain_diffusion_matrix(n_particles: int, omega0: float, g: float, kd_next: float,
                           phi_next: float, n: int, *, kzR: float = np.inf,
                           mass: float = 1.0, hbar: float = HBAR) -> np.ndarray:
    """Correlated recoil-diffusion matrix of an equidistant chain (Eqs. 87a, 87b, 98).

    For identical particles, equal field strengths ``|E_0|``, tweezer phases
    ``phi_j = -j phi_next`` and polarisations orthogonal to the chain, see the
    module docstring.  The result obeys ``C_jj' - C_j'j = 4 Im(D_jj')/hbar``
    with the couplings of :func:`chain_couplings` and reduces to Eq. (93),
    ``D_12 = (1+i) hbar C/4``, for two particles with ``k d = phi = pi/4``.

    Parameters
    ----------
    n_particles : int
        Number of particles (>= 1).
    omega0, g : float
        Trap frequency and coupling rate (common unit, see the module docstring).
    kd_next : float
        ``k_L d_next`` modulo ``2 pi`` (radians); only this enters the
        off-diagonal elements.
    phi_next : float
        Next-neighbour tweezer phase difference (radians).
    n : int
        Number of extra wavelengths, ``k_L d_next = 2 pi n + (kd_next mod 2 pi)``;
        sets the diagonal.
    kzR : float, optional
        ``k_L z_R`` of the tweezers (> 1); ``inf`` by default.
    mass : float, optional
        Particle mass (kg); 1 by default.
    hbar : float, optional
        Reduced Planck constant; SI value by default, 1 for dimensionless use.

    Returns
    -------
    ndarray, shape (N, N), complex
        Hermitian ``D`` in units of ``hbar * mass * omega0 * g``.
    """
    n_particles = _v.integer(n_particles, "n_particles", minimum=1)
    omega0 = _v.real_scalar(omega0, "omega0", "rad/s", positive=True)
    g = _v.real_scalar(g, "g", "rad/s", nonnegative=True)
    kd_next = _v.real_scalar(kd_next, "kd_next", "rad")
    phi_next = _v.real_scalar(phi_next, "phi_next", "rad")
    n = _v.integer(n, "n", minimum=0)
    mass = _v.real_scalar(mass, "mass", "kg", positive=True)
    hbar = _v.real_scalar(hbar, "hbar", "J s", positive=True)
    kd_abs = 2.0 * np.pi * n + np.mod(kd_next, 2.0 * np.pi)
    if kd_abs <= 0:
        raise ValueError("k_L d_next = 2 pi n + (kd_next mod 2 pi) must be > 0; increase n")
    j = np.arange(n_particles)
    l = j[:, None] - j[None, :]
    dist = np.abs(l)
    with np.errstate(divide="ignore", invalid="ignore"):
        off = np.sin(kd_next * dist) / dist * np.exp(-1j * phi_next * l)
    d = np.where(l == 0, onsite_diffusion_ratio(kd_abs, kzR), off)
    return hbar * mass * omega0 * g * d


class ChainArray(NamedTuple):
    """A physical chain built by :func:`chain_array` (SI units).

    Attributes
    ----------
    array : LinearArray
        Foci, tweezer amplitudes and particles.
    gamma : float
        Gas damping rate in 1/s (``omega0 / omega0_over_gamma``).
    omega0 : float
        Renormalised trap frequency ``sqrt(omega_j^2 + K_j/m)`` in rad/s, the
        same for every particle.
    g : float
        Coupling rate of Eq. (98) in rad/s.
    radius : float
        Sphere radius in m.
    powers : ndarray, shape (N,)
        Power of each tweezer in W.
    pressure : float
        Gas pressure in Pa that gives ``gamma`` by Epstein drag at 295 K
        (:func:`optbind.forces.gas.epstein_damping`).
    """

    array: LinearArray
    gamma: float
    omega0: float
    g: float
    radius: float
    powers: np.ndarray
    pressure: float


def chain_array(n_particles: int, g_over_gamma: float = 1.0, *,
                omega0_over_gamma: float = 20.0, kd_next: float = np.pi / 4,
                phi_next: float = np.pi / 4, n: int | None = None,
                omega0: float | None = None, waist: float | None = None,
                params="delic2020") -> ChainArray:
    """An equidistant chain of spheres linearising to the chain of Eqs. (96)-(98).

    The tweezers lie on the ``e_x`` axis at spacing
    ``d = (kd_next + 2 pi n)/k``, with phases ``phi_j = -j phi_next`` and
    polarisations ``e_j = (sin Theta_j, cos Theta_j, 0)``
    (:func:`optbind.linear.pair.polarization`).  The closed forms of
    :class:`~optbind.linear.array.LinearArray` then give
    ``C_jj' = P cos(kd_next |l| + phi_next l)/|l|`` (Eq. 85, ``l = j - j'``) with
    ``P = eps0 chi^2 V^2 k^2 kappa^2 B^2/(8 pi d)`` and the projected field
    ``B = |E_j| cos Theta_j``, the same for all tweezers; Eq. (98) defines
    ``g = P/(2 m omega0)``.  Three choices make the linearisation equal to
    :func:`chain_couplings` with a uniform renormalised frequency ``omega0``:

    * the sphere volume fixes ``g/omega0`` (the ratio does not depend on the
      power): with ``s_j = sum_j' C_jj'/(2 m omega0 g)`` (so ``K_j = 2 m omega0
      g s_j``, Eq. 84) and the largest row sum ``s_max``,
      ``V = 8 pi d (g/omega0) chi~/(chi^2 k^2 kappa^2 z_R^2 (1 - 2 (g/omega0) s_max))``,
      solved for the radius with ``chi~(a)`` of Eq. (74);
    * the bare trap frequencies (Eq. 79) compensate the renormalisation,
      ``omega_j^2 = omega0^2 - K_j/m``: tweezer ``j`` gets
      ``|E_j|^2 = B^2 (1 - 2 (g/omega0) s_j)/(1 - 2 (g/omega0) s_max)`` and
      ``cos Theta_j = B/|E_j|`` keeps the couplings fixed (rotating a
      tweezer's polarisation and raising its power, as in experiments);
    * ``B`` sets ``omega0`` and the gas damping ``gamma = omega0/omega0_over_gamma``
      (the Epstein pressure is returned).

    Parameters
    ----------
    n_particles : int
        Number of spheres (>= 2).
    g_over_gamma : float
        ``g/gamma`` (> 0); Fig. 2(b) of the paper has 1.
    omega0_over_gamma : float
        ``omega0/gamma`` (> 0); Fig. 2(b) has 20.
    kd_next, phi_next : float
        ``k d_next`` modulo ``2 pi`` and the next-neighbour phase (radians).
    n : int, optional
        Whole wavelengths in ``d``; default: closest to the parameter set's
        nominal separation.
    omega0 : float, optional
        Renormalised trap frequency in rad/s (default the set's Eq. 79 value).
    waist : float, optional
        Tweezer waist in m (default the set's).
    params : ParameterSet or str
        Wavelength, permittivity, density (and defaults) of the spheres.
        Default ``"delic2020"`` (1064 nm, waist 1 um): for ``g/omega0 = 0.05``
        at the nominal 10 um spacing it needs spheres of about 160 nm
        diameter, the size class of that experiment; at 1550 nm with the same
        waist (``"rieser2022"``) the spheres would need ``k a ~ 0.7``.

    Returns
    -------
    ChainArray

    Raises
    ------
    ValueError
        If ``2 (g/omega0) s_max >= 1`` (no positive bare trap frequency can
        compensate the renormalisation) or the spheres would overlap.

    Examples
    --------
    >>> ch = chain_array(3)
    >>> m = ch.array.masses[0]
    >>> ref = chain_couplings(3, ch.omega0, ch.g, np.pi / 4, np.pi / 4)
    >>> bool(np.allclose(ch.array.C / m, ref, rtol=1e-9, atol=1e-9 * ch.omega0 * ch.g))
    True
    """
    n_particles = _v.integer(n_particles, "n_particles", minimum=2)
    g_over_gamma = _v.real_scalar(g_over_gamma, "g_over_gamma", "dimensionless",
                                  positive=True)
    w_over_gamma = _v.real_scalar(omega0_over_gamma, "omega0_over_gamma",
                                  "dimensionless", positive=True)
    kd_next = _v.real_scalar(kd_next, "kd_next", "rad")
    phi_next = _v.real_scalar(phi_next, "phi_next", "rad")
    p = as_parameter_set(params)
    k = p.k
    w = p.waist if waist is None else _v.real_scalar(waist, "waist", "m", positive=True)
    z_R = rayleigh_range(k, w)
    kappa = gouy_wavenumber(k, z_R)
    if n is None:
        kd_nominal = k * p.separation - np.mod(kd_next, 2 * np.pi)
        n = max(0, int(round(kd_nominal / (2 * np.pi))))
    d = tweezer_separation(k, n, np.mod(kd_next, 2 * np.pi))
    w0 = p.omega if omega0 is None else _v.real_scalar(omega0, "omega0", "rad/s",
                                                      positive=True)
    ratio = g_over_gamma / w_over_gamma                       # g / omega0
    s = chain_couplings(n_particles, 1.0, 0.5, kd_next, phi_next).sum(axis=1)
    margin = 1.0 - 2.0 * ratio * s.max()
    if margin <= 0:
        raise ValueError(
            f"g/omega0 = {ratio:.3g} is too large for this chain: the renormalisation "
            f"K_j/m = 2 omega0 g s_j would exceed omega0^2 (need 2 (g/omega0) max s_j "
            f"< 1, max s_j = {s.max():.3g})")
    chi = p.chi

    def chi_tilde(radius):
        return chi + radiation_correction_sphere(p.permittivity, radius, k)

    def mismatch(radius):
        target = 8.0 * np.pi * d * ratio * chi_tilde(radius) / (
            chi**2 * k**2 * kappa**2 * z_R**2 * margin)
        return sphere_volume(radius) / target - 1.0

    radius = brentq(mismatch, 1e-4 / k, 10.0 / k, xtol=1e-18, rtol=1e-13)
    vol = sphere_volume(radius)
    mass = p.density * vol
    chi_t = chi_tilde(radius)
    b2 = 2.0 * z_R**2 * p.density * w0**2 * margin / (EPSILON_0 * chi_t)
    e_abs = np.sqrt(b2 * (1.0 - 2.0 * ratio * s) / margin)
    theta = np.arccos(np.clip(np.sqrt(b2) / e_abs, -1.0, 1.0))
    foci = np.zeros((n_particles, 3))
    foci[:, 0] = d * np.arange(n_particles)
    amps = np.array([e_abs[j] * np.exp(-1j * j * phi_next) * polarization(theta[j])
                     for j in range(n_particles)])
    arr = LinearArray(foci, amps, vol, mass, chi, k, z_R, chi_tilde=chi_t)
    gamma = w0 / w_over_gamma
    powers = np.pi * w**2 * SPEED_OF_LIGHT * EPSILON_0 * e_abs**2 / 4.0
    pressure = gamma / float(epstein_damping(1.0, radius, p.density))
    return ChainArray(array=arr, gamma=gamma, omega0=w0, g=gamma * g_over_gamma,
                      radius=radius, powers=powers, pressure=pressure)
