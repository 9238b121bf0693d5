"""Recoil diffusion and the mean force of the master equation, by independent routes.

Two studies of Sec. IV and Sec. V A of the paper:

* :func:`cross_diffusion_scan` -- the closed-form diffusion matrix, Eq. (87a)
  for ``D_11`` and Eq. (87b) as printed and corrected (87b') for ``D_12``,
  against the angular quadrature of the derivatives of the Lindblad amplitudes
  of Eq. (76) (:meth:`optbind.array.LinearArray.numerical_D`), for two tweezers
  at a list of separations;
* :func:`ehrenfest_force_split` -- the mean force that the generator of Eq. (72)
  exerts (:func:`optbind.forces.scattering.generator_forces`), split into the
  gradient of ``V_L + V_opt`` and the Lindblad part, against the full
  classical force of Eq. (C10b) and its ``Re G`` and ``Im G`` binding parts
  (:func:`optbind.forces.dipoles.total_forces`,
  :func:`optbind.forces.dipoles.binding_forces`).

Forces in N, diffusion coefficients in N^2 s.
"""
from __future__ import annotations

import numpy as np

from .. import validation as _v
from ..forces.dipoles import binding_forces, total_forces
from ..forces.scattering import generator_forces
from ..linear.array import LinearArray
from ..parameters import as_parameter_set
from .errata import cross_diffusion_eq87b

__all__ = ["cross_diffusion_scan", "ehrenfest_force_split"]


def _relative(a, b):
    """``max |a - b| / max |b|``."""
    return float(np.max(np.abs(a - b)) / np.max(np.abs(b)))


def cross_diffusion_scan(kd, *, params=None, polarization_angle=np.pi / 4,
                         phase=np.pi / 4):
    """Eqs. (87a), (87b) and (87b') against the angular quadrature, over separations.

    Two equal spheres of the parameter set sit in tweezers on the ``e_x`` axis at
    ``d = kd / k``; both tweezers are linearly polarised in the focal plane at
    ``polarization_angle`` from the pair axis (so that ``n n`` in the projector
    matters), and tweezer 1 leads by the relative phase ``phase`` (so that
    ``E_j`` versus ``E_j'`` matters).

    Parameters
    ----------
    kd : array_like, shape (M,)
        Separations ``k d`` (dimensionless, > 0).
    params : ParameterSet, str or None
        Parameter set (:func:`optbind.parameters.as_parameter_set`).
    polarization_angle : float
        Angle of the polarisation from the pair axis, in rad.
    phase : float
        Relative tweezer phase ``phi = phi_1 - phi_2`` in rad.

    Returns
    -------
    dict
        Arrays of shape (M,): ``"kd"``; ``"d11_numerical"``, ``"d11_closed"``
        (Eq. 87a), real, N^2 s; ``"d12_numerical"``, ``"d12_corrected"``
        (Eq. 87b'), ``"d12_printed"`` (Eq. 87b as printed), complex, N^2 s;
        ``"dev_87a"`` = ``|D_11^num - D_11^(87a)| / D_11^(87a)``;
        ``"dev_corrected"`` and ``"dev_printed"``:
        ``|D_12^num - D_12| / |D_12^(87b')|``.
    """
    kd = _v.real_array(kd, "kd", "dimensionless", positive=True, ndim=1, nonempty=True)
    p = as_parameter_set(params)
    theta = _v.real_scalar(polarization_angle, "polarization_angle", "rad")
    phi = _v.real_scalar(phase, "phase", "rad")
    pol = np.array([np.cos(theta), np.sin(theta), 0.0]) * p.field_amplitude
    amps = np.array([pol * np.exp(1j * phi), pol])
    keys = ("d11_numerical", "d11_closed", "d12_numerical", "d12_corrected",
            "d12_printed")
    out = {key: np.zeros(kd.size, dtype=complex if "d12" in key else float)
           for key in keys}
    for i, x in enumerate(kd):
        foci = np.array([[0.0, 0.0, 0.0], [x / p.k, 0.0, 0.0]])
        arr = LinearArray(foci, amps, [p.volume] * 2, [p.mass] * 2, p.chi, p.k, p.z_R)
        num = arr.numerical_D()
        out["d11_numerical"][i] = num[0, 0].real
        out["d11_closed"][i] = arr.D[0, 0].real
        out["d12_numerical"][i] = num[0, 1]
        out["d12_corrected"][i] = cross_diffusion_eq87b(arr, printed=False)[0, 1]
        out["d12_printed"][i] = cross_diffusion_eq87b(arr, printed=True)[0, 1]
    ref = np.abs(out["d12_corrected"])
    out["kd"] = kd
    d11 = out["d11_closed"]
    out["dev_87a"] = np.abs(out["d11_numerical"] - d11) / d11
    out["dev_corrected"] = np.abs(out["d12_numerical"] - out["d12_corrected"]) / ref
    out["dev_printed"] = np.abs(out["d12_numerical"] - out["d12_printed"]) / ref
    return out


def ehrenfest_force_split(positions, volumes, chi, field, *, quadrature=None):
    """Mean force of the master equation against the classical force (C10b), by parts.

    The *binding* parts are what remains when the force each particle would
    feel alone (same position, same laser) is subtracted.

    Parameters
    ----------
    positions : array_like, shape (N, 3)
        Mean positions in m (narrow wave packets).
    volumes, chi, field
        As in :func:`optbind.forces.scattering.generator_forces`.
    quadrature : optional
        Angular rule for the Lindblad integral (default: resolved for the
        array's size, :func:`optbind.forces.scattering.quadrature_order`).

    Returns
    -------
    dict
        Shape (N, 3), in N: ``"generator"`` (total mean force from Eq. 72),
        ``"classical"`` (Eq. C10b); ``"binding_potential"`` (the
        ``-grad V_opt`` part of the generator force) and ``"binding_lindblad"``
        (its ``hbar Im[L^* dL]`` part), each minus the single-particle part;
        ``"binding_real_green"`` and ``"binding_imag_green"`` (the binding
        force of Eq. C10b with ``Re G`` only, and the rest).  Floats
        ``"deviation_total"``, ``"deviation_potential"``,
        ``"deviation_lindblad"``: ``max |a - b| / max |b|`` of the three
        comparisons.
    """
    pos, vol, chi_arr = _v.particle_set(positions, volumes, chi)
    if pos.ndim != 2 or pos.shape[0] < 2:
        raise ValueError(
            f"positions must have shape (N, 3) with N >= 2; got {pos.shape}")
    _v.field_object(field)
    gen = generator_forces(pos, vol, chi_arr, field, quadrature=quadrature)
    alone = [generator_forces(pos[[j]], vol[[j]], chi_arr[[j]], field,
                              quadrature=quadrature) for j in range(pos.shape[0])]
    potential = gen["conservative"] - np.array([a["conservative"][0] for a in alone])
    lindblad = gen["dissipative"] - np.array([a["dissipative"][0] for a in alone])
    classical = total_forces(pos, vol, chi_arr, field)
    real_part = binding_forces(pos, vol, chi_arr, field, green="real")
    imag_part = binding_forces(pos, vol, chi_arr, field) - real_part
    return {
        "generator": gen["total"],
        "classical": classical,
        "binding_potential": potential,
        "binding_lindblad": lindblad,
        "binding_real_green": real_part,
        "binding_imag_green": imag_part,
        "deviation_total": _relative(gen["total"], classical),
        "deviation_potential": _relative(potential, real_part),
        "deviation_lindblad": _relative(lindblad, imag_part),
    }
