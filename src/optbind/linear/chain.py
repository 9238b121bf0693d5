"""Equidistant particle chains: couplings and correlated recoil noise (Eqs. 87, 96-98).

Couplings (corrected Eq. 97, see :mod:`optbind.conventions`)::

    C[j, jp] = 2 m omega0 g / |j - jp| * cos(kd_next |j - jp| + phi_next (j - jp))

With ``kd_next = phi_next = pi/4``, ``C[j, j+l] = 2 m omega0 g/l > 0`` for all
``l > 0`` (particle ``j+l`` drives ``j``), while ``C[j+l, j]`` is
``2 m omega0 g cos(pi l/2)/l``: zero for odd ``l``, ``+-1/l`` for even ``l``.

The diffusion matrix (corrected Eq. 87b with Eq. 98) is, for ``l = j - j' != 0``,
``D_jj' = hbar m omega0 g sin(k_L d_next |l|)/|l| e^{-i phi_next l}``, and its
diagonal (Eq. 87a) is :func:`onsite_diffusion_ratio` times ``hbar m omega0 g``.

Units: the frequencies ``omega0`` and ``g`` may be given in any common unit
(rad/s for SI results; the chapters use units of the damping rate
``gamma_g``); ``C`` is then in ``mass * unit^2`` and ``D`` in
``hbar * mass * unit^2``.  Stability, dispersion and amplification of the
chain are in :mod:`optbind.analysis.amplification`.
"""
from __future__ import annotations

import numpy as np

from .. import validation as _v
from ..conventions import HBAR, chain_phase_argument

__all__ = ["chain_couplings", "chain_diffusion_matrix", "onsite_diffusion_ratio"]


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
