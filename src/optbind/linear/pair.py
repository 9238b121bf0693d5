"""Two-particle unidirectional optical binding, Eqs. (91)-(93).

Two tweezers lie on the ``e_x`` axis at distance ``d`` (particle 1 at the
origin, particle 2 at ``d e_x``) with relative phase ``phi = phi_1 - phi_2``
(``E_1 = E_2 e^{i phi}`` up to polarisation).  The polarisation of tweezer
``j`` makes the angle ``pi/2 - Theta_j`` with ``e_x``:
``e_j = (sin Theta_j, cos Theta_j, 0)``, so ``e_1 . (1 - e_x e_x) e_2 =
cos Theta_1 cos Theta_2``.  From Eq. (85),

.. math:: C_{12} = P\\cos(kd - \\varphi),\\quad C_{21} = P\\cos(kd + \\varphi),
          \\quad P = \\frac{\\varepsilon_0\\chi^2 V^2 k^2 (k - 1/z_R)^2}{8\\pi d}
          |E_1||E_2|\\cos\\Theta_1\\cos\\Theta_2 ,

so ``k d = phi = pi/4`` (mod ``2 pi`` in ``kd``) gives ``C_12 = P = C``
(Eq. 92) and ``C_21 = 0`` (Eq. 91): particle 2 drives particle 1 but not
the reverse.  The corrected Eq. (87b) then gives ``D_12 = (1 + i) hbar C/4``
(Eq. 93).
"""
from __future__ import annotations

import numpy as np

from .. import validation as _v
from ..conventions import EPSILON_0, HBAR
from ..electrodynamics.fields import gouy_wavenumber
from ..parameters import as_parameter_set
from .array import LinearArray

__all__ = [
    "polarization",
    "unidirectional_separation",
    "tweezer_separation",
    "two_particle_array",
    "unidirectional_coupling",
    "unidirectional_cross_diffusion",
    "detuned_pair_array",
]


def polarization(theta):
    """Unit polarisation ``(sin Theta, cos Theta, 0)`` (angle ``pi/2 - Theta`` to ``e_x``)."""
    theta = _v.real_scalar(theta, "theta", "rad")
    return np.array([np.sin(theta), np.cos(theta), 0.0])


def unidirectional_separation(k, n):
    """Separation ``d = (pi/4 + 2 pi n)/k`` in metres (Sec. V B, item I).

    ``k`` (1/m) and ``n`` as in :func:`tweezer_separation`.
    """
    return tweezer_separation(k, n, np.pi / 4.0)


def tweezer_separation(k, n, kd_mod):
    """Separation ``d = (kd_mod + 2 pi n)/k`` in metres with ``k d = kd_mod (mod 2 pi)``.

    Parameters
    ----------
    k : float
        Wave number in 1/m (> 0).
    n : int
        Non-negative integer (number of whole wavelengths).
    kd_mod : float
        The wanted ``k d`` modulo ``2 pi``, in radians.
    """
    n = _v.integer(n, "n", minimum=0)
    k = _v.real_scalar(k, "k", "1/m", positive=True)
    kd_mod = _v.real_scalar(kd_mod, "kd_mod", "rad")
    d = (kd_mod + 2.0 * np.pi * n) / k
    if d <= 0:
        raise ValueError(f"kd_mod + 2 pi n must be > 0 (a positive separation); got {k * d:g}")
    return d


def _separation(p, d, n):
    if d is not None:
        if n is not None:
            raise ValueError("give either d or n, not both")
        return _v.real_scalar(d, "d", "m", minimum=p.diameter, strict_min=True)
    if n is None:
        n = max(0, int(round((p.k * p.separation - np.pi / 4.0) / (2.0 * np.pi))))
    return unidirectional_separation(p.k, n)


def two_particle_array(*, d=None, phi=None, theta1=0.0, theta2=0.0, params=None, n=None):
    """Two-tweezer :class:`~optbind.array.LinearArray` of Eqs. (91)-(93).

    Parameters
    ----------
    d : float, optional
        Tweezer separation in metres.  Default ``(pi/4 + 2 pi n)/k``.
    phi : float, optional
        Relative phase ``phi_1 - phi_2`` in rad (default ``pi/4``).
    theta1, theta2 : float, optional
        Polarisation angles ``Theta_j`` (rad), see :func:`polarization`.
    params : ParameterSet or str, optional
        Parameter set (default ``"rieser2022"``); both particles and
        tweezers are identical.
    n : int, optional
        Integer in ``d = (pi/4 + 2 pi n)/k``; default: the one closest to
        the parameter set's nominal separation.

    Returns
    -------
    LinearArray
    """
    p = as_parameter_set(params)
    d = _separation(p, d, n)
    phi = np.pi / 4.0 if phi is None else _v.real_scalar(phi, "phi", "rad")
    theta1 = _v.real_scalar(theta1, "theta1", "rad")
    theta2 = _v.real_scalar(theta2, "theta2", "rad")
    e0 = p.field_amplitude
    amps = np.array([e0 * np.exp(1j * phi) * polarization(theta1), e0 * polarization(theta2)])
    foci = np.array([[0.0, 0.0, 0.0], [d, 0.0, 0.0]])
    return LinearArray(foci, amps, p.volume, p.mass, p.chi, p.k, p.z_R,
                       chi_tilde=p.chi_tilde)


def unidirectional_coupling(*, d=None, theta1=0.0, theta2=0.0, params=None, n=None):
    """Coupling constant ``C`` of Eq. (92), in N/m.

    ``C = eps0 chi^2 V^2 k^2 (k - 1/z_R)^2 |E_0|^2 cos Theta_1 cos Theta_2/(8 pi d)``.
    Arguments as in :func:`two_particle_array`.
    """
    p = as_parameter_set(params)
    d = _separation(p, d, n)
    kappa = gouy_wavenumber(p.k, p.z_R)
    theta1 = _v.real_scalar(theta1, "theta1", "rad")
    theta2 = _v.real_scalar(theta2, "theta2", "rad")
    return (EPSILON_0 * p.chi**2 * p.volume**2 * p.k**2 * kappa**2 / (8.0 * np.pi * d)
            * p.field_amplitude**2 * np.cos(theta1) * np.cos(theta2))


def unidirectional_cross_diffusion(*, d=None, theta1=0.0, theta2=0.0, params=None, n=None):
    """Cross-diffusion ``D_12 = (1 + i) hbar C/4`` of Eq. (93), in N^2 s."""
    return (1.0 + 1.0j) * HBAR * unidirectional_coupling(d=d, theta1=theta1, theta2=theta2,
                                                         params=params, n=n) / 4.0


def detuned_pair_array(*, power_ratio=1.0, d=None, phi=None, theta1=0.0, theta2=0.0,
                       params=None, n=None):
    """Two-tweezer :class:`~optbind.array.LinearArray` with unequal tweezer powers.

    As :func:`two_particle_array` but with powers ``P_1 = P sqrt(r)`` and
    ``P_2 = P/sqrt(r)`` (``r = power_ratio``, ``P`` the set's power): the
    geometric mean is kept, so the couplings of Eq. (85), proportional to
    ``|E_1||E_2|``, do not change, while the bare trap frequencies of Eq. (79)
    become ``omega_1^2 = omega^2 sqrt(r)`` and ``omega_2^2 = omega^2/sqrt(r)``:
    the relative power detunes the two oscillators.

    Parameters
    ----------
    power_ratio : float
        ``P_1/P_2`` (> 0).
    d, phi, theta1, theta2, params, n
        As in :func:`two_particle_array`.

    Returns
    -------
    LinearArray
    """
    r = _v.real_scalar(power_ratio, "power_ratio", "dimensionless", positive=True)
    arr = two_particle_array(d=d, phi=phi, theta1=theta1, theta2=theta2, params=params,
                             n=n)
    scale = np.array([r**0.25, r**-0.25])[:, None]
    return LinearArray(arr.foci, arr.amplitudes * scale, arr.volumes, arr.masses,
                       arr.chi, arr.k, arr.z_R, chi_tilde=arr.chi_tilde)
