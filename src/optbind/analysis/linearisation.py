"""Validity of the linearised master equation (82): Lamb-Dicke parameters, amplitudes.

Eq. (82) follows from Eq. (72) by expanding the Lindblad operators of
Eq. (76) and the forces to second order in the displacements from the foci.
Near a focus the field varies as ``exp(i kappa z)`` with the Gouy-reduced
wave number ``kappa = k - 1/z_R`` (:func:`optbind.fields.gouy_wavenumber`), and
the binding phases as ``exp(i kappa (z_j - z_j'))``, so the expansion
parameter is ``kappa^2 <z^2>``:

* the Lamb-Dicke parameter ``eta = kappa z_zpf`` with the zero-point
  amplitude ``z_zpf = sqrt(hbar/(2 m omega))`` of the axial trap (Eq. 79);
* at a thermal occupation ``n`` (Bose-Einstein at temperature ``T``),
  ``<z^2> = z_zpf^2 (2 n + 1)``, so ``kappa^2 <z^2> = eta^2 (2n + 1)``;
  the classical limit is ``k_B T/(m omega^2)``.

The trap itself is anharmonic on the scale ``z_R`` (intensity
``1/(1 + z^2/z_R^2)``), a weaker condition since ``kappa z_R = k z_R - 1 >> 1``.
"""

from __future__ import annotations

import numpy as np

from .. import validation as _v
from ..conventions import BOLTZMANN, HBAR
from ..dynamics.records import LabelledResult
from ..electrodynamics.fields import gouy_wavenumber
from ..parameters import as_parameter_set, available, load

__all__ = [
    "zero_point_amplitude",
    "lamb_dicke_parameter",
    "thermal_occupation",
    "thermal_amplitude",
    "linearisation_table",
]


def zero_point_amplitude(params=None):
    """``z_zpf = sqrt(hbar/(2 m omega))`` of the axial trap (Eq. 79), in m."""
    p = as_parameter_set(params)
    return float(np.sqrt(HBAR / (2.0 * p.mass * p.omega)))


def lamb_dicke_parameter(params=None):
    """``eta = (k - 1/z_R) z_zpf`` of a parameter set (dimensionless).

    Examples
    --------
    >>> 1e-5 < lamb_dicke_parameter("rieser2022") < 1e-4
    True
    """
    p = as_parameter_set(params)
    return float(gouy_wavenumber(p.k, p.z_R) * zero_point_amplitude(p))


def thermal_occupation(params=None, temperature=295.0):
    """Bose-Einstein occupation ``1/(exp(hbar omega/k_B T) - 1)`` of the axial mode.

    Dimensionless (phonons); ``omega`` is the set's Eq. (79) trap frequency.
    """
    p = as_parameter_set(params)
    t = _v.real_array(temperature, "temperature", "K", positive=True)
    return 1.0 / np.expm1(HBAR * p.omega / (BOLTZMANN * t))


def thermal_amplitude(params=None, *, temperature=None, occupation=None):
    """Thermal rms amplitude ``z_zpf sqrt(2 n + 1)`` of the axial motion, in m.

    Parameters
    ----------
    params : ParameterSet or str, optional
        Parameter set (default ``"rieser2022"``).
    temperature : array_like, optional
        Temperature in K (> 0): ``n`` from :func:`thermal_occupation`.
    occupation : array_like, optional
        Phonon occupation ``n`` (>= 0) instead of a temperature.

    Returns
    -------
    ndarray
        rms of ``z`` in m (``-> sqrt(k_B T/(m omega^2))`` for ``k_B T >> hbar omega``).
    """
    if (temperature is None) == (occupation is None):
        raise ValueError("give exactly one of temperature (K) and occupation (phonons)")
    p = as_parameter_set(params)
    n = (
        thermal_occupation(p, temperature)
        if occupation is None
        else _v.real_array(occupation, "occupation", "phonons", nonnegative=True)
    )
    return zero_point_amplitude(p) * np.sqrt(2.0 * n + 1.0)


def linearisation_table(*, temperatures=(295.0, 1e-3), names=None, tolerance=0.01):
    """Lamb-Dicke parameters and thermal amplitudes of the packaged parameter sets.

    Parameters
    ----------
    temperatures : sequence of float
        Temperatures in K (> 0).
    names : sequence of str, optional
        Parameter sets (default :func:`optbind.parameters.available`).
    tolerance : float
        Largest acceptable ``kappa^2 <z^2>`` for the column ``max_occupation``
        (> 0).

    Returns
    -------
    LabelledResult
        Per set (dimension ``parameter_set``): ``omega`` (rad/s), ``kappa``
        (1/m), ``z_zpf`` (m), ``eta``, ``z_R`` (m) and ``max_occupation``
        ``= (tolerance/eta^2 - 1)/2``; per set and temperature: ``occupation``,
        ``z_th`` (m), ``kappa_z_th`` ``= eta sqrt(2n+1)`` and ``z_th_over_z_R``.
    """
    names = list(available()) if names is None else [str(n) for n in names]
    temps = np.atleast_1d(
        _v.real_array(temperatures, "temperatures", "K", positive=True)
    )
    tol = _v.real_scalar(tolerance, "tolerance", "dimensionless", positive=True)
    sets = [load(n) for n in names]
    omega = np.array([p.omega for p in sets])
    kappa = np.array([gouy_wavenumber(p.k, p.z_R) for p in sets])
    zzpf = np.array([zero_point_amplitude(p) for p in sets])
    z_r = np.array([p.z_R for p in sets])
    eta = kappa * zzpf
    occ = np.array([thermal_occupation(p, temps) for p in sets])
    zth = zzpf[:, None] * np.sqrt(2.0 * occ + 1.0)
    return LabelledResult(
        data={
            "omega": omega,
            "kappa": kappa,
            "z_zpf": zzpf,
            "eta": eta,
            "z_R": z_r,
            "max_occupation": 0.5 * (tol / eta**2 - 1.0),
            "occupation": occ,
            "z_th": zth,
            "kappa_z_th": kappa[:, None] * zth,
            "z_th_over_z_R": zth / z_r[:, None],
        },
        dims={
            **{
                k: ("parameter_set",)
                for k in ("omega", "kappa", "z_zpf", "eta", "z_R", "max_occupation")
            },
            **{
                k: ("parameter_set", "temperature")
                for k in ("occupation", "z_th", "kappa_z_th", "z_th_over_z_R")
            },
        },
        coords={"parameter_set": np.array(names), "temperature": temps},
        units={
            "omega": "rad/s",
            "kappa": "1/m",
            "z_zpf": "m",
            "eta": "1",
            "z_R": "m",
            "max_occupation": "phonons",
            "occupation": "phonons",
            "z_th": "m",
            "kappa_z_th": "1",
            "z_th_over_z_R": "1",
            "parameter_set": "",
            "temperature": "K",
        },
        attrs={"tolerance": tol},
    )
