"""Two particles in two tweezers (Sec. II): binding forces on a grid and closed forms.

The model field is :func:`optbind.fields.tweezer_pair`: two local plane waves
along ``+e_z`` with foci at ``(-d/2, 0, 0)`` (tweezer 1, amplitude
``E e^{i phi} e_y``) and ``(d/2, 0, 0)`` (tweezer 2, amplitude ``E e_y``), with
relative phase ``phi = phi_1 - phi_2``.  Both spheres have volume ``V`` and
scalar susceptibility ``chi`` (polarisability ``alpha = eps0 V chi``).

The closed form of the violation of Newton's third law (derived in the book's
classical chapter) is, with ``A(d) = e^{ikd}(k^2 d^2 + ikd - 1)/(4 pi d^3)`` the
``1``-coefficient of ``G`` (Eq. 4) and ``A'`` its radial derivative,

``(F_12 + F_21)_x = -(alpha^2 E^2/eps0) sin(phi) Im A'(d)``,
``(F_12 + F_21)_z = (alpha^2 k E^2/eps0) cos(phi) Im A(d)``,

and in the far field (``kd >> 1``) ``-F_d sin(phi) cos(kd)`` and
``F_d cos(phi) sin(kd)`` with ``F_d = alpha^2 k^3 E^2/(4 pi eps0 d)``
(:func:`binding_force_scale`).
"""
from __future__ import annotations

import numpy as np

from .. import validation as _v
from ..conventions import EPSILON_0
from ..electrodynamics.fields import tweezer_pair
from ..electrodynamics.green import radial_functions
from .dipoles import binding_forces

__all__ = ["tweezer_pair_forces", "binding_force_scale", "tweezer_pair_violation"]


def tweezer_pair_forces(kd, phi, volume, chi, field_amplitude, k, *,
                        polarization=(0.0, 1.0, 0.0)):
    """Binding forces ``F_12`` and ``F_21`` of the two-tweezer model on a grid (Eq. 7).

    Every entry of the broadcast grid ``(kd, phi)`` is an independent
    configuration, evaluated with :func:`optbind.forces.dipoles.binding_forces`
    (vectorised over ``kd`` for each distinct ``phi``).

    Parameters
    ----------
    kd : array_like
        Separations ``k d`` (dimensionless, larger than ``k`` times a diameter).
    phi : array_like
        Relative phases ``phi_1 - phi_2`` in rad; broadcast with ``kd``.
    volume : float
        Volume of each sphere in m^3.
    chi : float
        Scalar susceptibility (dimensionless, > 0).
    field_amplitude : float
        ``|E|`` in V/m.
    k : float
        Wave number in 1/m (> 0).
    polarization : array_like, shape (3,)
        Common real unit polarisation orthogonal to ``e_z``.

    Returns
    -------
    ndarray, shape (..., 2, 3)
        ``[..., 0, :]`` is ``F_12`` (force on 1 due to light scattered by 2),
        ``[..., 1, :]`` is ``F_21``, in N.
    """
    k = _v.real_scalar(k, "k", "1/m", positive=True)
    kd = _v.real_array(kd, "kd", "dimensionless", positive=True)
    phi = _v.real_array(phi, "phi", "rad")
    volume = _v.real_scalar(volume, "volume", "m^3", positive=True)
    chi = _v.real_scalar(chi, "chi", "dimensionless", positive=True)
    field_amplitude = _v.real_scalar(field_amplitude, "field_amplitude", "V/m",
                                     nonnegative=True)
    kd_min = 2.0 * k * (3.0 * volume / (4.0 * np.pi)) ** (1.0 / 3.0)
    if np.any(kd <= kd_min):
        raise ValueError(f"kd must be > {kd_min:.4g} (k times the sphere diameter: the "
                         f"spheres would overlap); got min kd = {kd.min():.4g}")
    kd, phi = _v.broadcast(kd=kd, phi=phi)
    flat_kd, flat_phi = kd.ravel(), phi.ravel()
    out = np.empty(flat_kd.shape + (2, 3))
    for u in np.unique(flat_phi):
        idx = np.nonzero(flat_phi == u)[0]
        # foci symmetric about x = 0: every point with x < 0 belongs to tweezer 1,
        # so one field object serves all separations
        field, _ = tweezer_pair(1.0 / k, u, k, field_amplitude, polarization)
        pos = np.zeros((idx.size, 2, 3))
        pos[:, 0, 0] = -0.5 * flat_kd[idx] / k
        pos[:, 1, 0] = 0.5 * flat_kd[idx] / k
        out[idx] = binding_forces(pos, volume, chi, field)
    return out.reshape(kd.shape + (2, 3))


def binding_force_scale(d, volume, chi, field_amplitude, k):
    """Far-field binding-force scale ``F_d = alpha^2 k^3 |E|^2/(4 pi eps0 d)`` in N.

    ``alpha = eps0 V chi``; ``d`` in m (> 0), ``volume`` in m^3, ``k`` in 1/m.
    """
    d = _v.real_array(d, "d", "m", positive=True)
    alpha = EPSILON_0 * _v.real_scalar(volume, "volume", "m^3", positive=True) * \
        _v.real_scalar(chi, "chi", "dimensionless", positive=True)
    e = _v.real_scalar(field_amplitude, "field_amplitude", "V/m", nonnegative=True)
    k = _v.real_scalar(k, "k", "1/m", positive=True)
    return alpha**2 * k**3 * e**2 / (4.0 * np.pi * EPSILON_0 * d)


def tweezer_pair_violation(d, phi, volume, chi, field_amplitude, k, *, far_field=False):
    """Closed form of ``F_12 + F_21`` for :func:`optbind.fields.tweezer_pair` (``e_y``).

    See the module docstring for the formulas.

    Parameters
    ----------
    d : array_like
        Separation in m (> 0).
    phi : array_like
        Relative phase ``phi_1 - phi_2`` in rad (broadcast with ``d``).
    volume, chi : float
        Sphere volume (m^3) and scalar susceptibility.
    field_amplitude : float
        ``|E|`` in V/m.
    k : float
        Wave number in 1/m.
    far_field : bool
        Return the far-field approximation instead of the exact expression.

    Returns
    -------
    ndarray, shape (..., 3)
        ``F_12 + F_21`` in N.
    """
    d, phi = _v.broadcast(d=_v.real_array(d, "d", "m", positive=True),
                          phi=_v.real_array(phi, "phi", "rad"))
    far_field = _v.boolean(far_field, "far_field")
    alpha = EPSILON_0 * _v.real_scalar(volume, "volume", "m^3", positive=True) * \
        _v.real_scalar(chi, "chi", "dimensionless", positive=True)
    k = _v.real_scalar(k, "k", "1/m", positive=True)
    e2 = _v.real_scalar(field_amplitude, "field_amplitude", "V/m", nonnegative=True) ** 2
    out = np.zeros(d.shape + (3,))
    if far_field:
        fd = binding_force_scale(d, volume, chi, field_amplitude, k)
        out[..., 0] = -fd * np.sin(phi) * np.cos(k * d)
        out[..., 2] = fd * np.cos(phi) * np.sin(k * d)
        return out
    a, _, da, _ = radial_functions(d, k)
    out[..., 0] = -(alpha**2 * e2 / EPSILON_0) * np.sin(phi) * da.imag
    out[..., 2] = (alpha**2 * k * e2 / EPSILON_0) * np.cos(phi) * a.imag
    return out
