"""Named experimental parameter sets and the quantities derived from them.

The numbers live in the package data file ``optbind/data/parameters.toml``
(read with :mod:`importlib.resources`, so it works from an installed wheel),
each with a ``source`` string; :func:`load` returns a :class:`ParameterSet`
whose properties give the derived SI quantities (wave number, Rayleigh
range, particle volume and mass, peak field, susceptibility with the
radiation correction of Eq. 68, and the trap frequency of Eq. 79).
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from . import validation as _v
from .electrodynamics.fields import field_amplitude_from_power, rayleigh_range, trap_frequency
from .electrodynamics.particles import radiation_correction_sphere, sphere_susceptibility

__all__ = ["ParameterSet", "as_parameter_set", "available", "load", "parameter_file_text"]

_FIELDS = ("wavelength", "permittivity", "density", "diameter", "waist", "power", "separation")
_UNITS = {"wavelength": "m", "permittivity": "dimensionless", "density": "kg/m^3",
          "diameter": "m", "waist": "m", "power": "W", "separation": "m"}


def parameter_file_text():
    """The text of the packaged ``parameters.toml`` (to copy and edit)."""
    return resources.files("optbind").joinpath("data", "parameters.toml").read_text("utf-8")


def _read(path=None):
    if path is None:
        return tomllib.loads(parameter_file_text())
    if not isinstance(path, (str, Path)):
        raise TypeError(f"path must be a file path or None; got {type(path).__name__}")
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"parameter file not found: {path}")
    with path.open("rb") as fh:
        return tomllib.load(fh)


def available(path=None):
    """Names of the packaged parameter sets (or of those in the TOML file ``path``).

    Examples
    --------
    >>> "rieser2022" in available()
    True
    """
    return sorted(_read(path))


@dataclass(frozen=True)
class ParameterSet:
    """One experimental configuration (SI units).

    Attributes
    ----------
    name, description : str
    wavelength : float
        Laser wavelength in m.
    permittivity : float
        Relative permittivity of the particle (> 1).
    density : float
        Mass density in kg/m^3.
    diameter : float
        Sphere diameter in m.
    waist : float
        Tweezer waist in m.
    power : float
        Power per tweezer in W.
    separation : float
        Nominal tweezer separation in m.
    sources : dict
        ``source`` string for every number.
    """

    name: str
    description: str
    wavelength: float
    permittivity: float
    density: float
    diameter: float
    waist: float
    power: float
    separation: float
    sources: dict = field(default_factory=dict, compare=False)

    def __post_init__(self):
        for f in _FIELDS:
            if f == "permittivity":
                value = _v.permittivity(self.permittivity)
            else:
                value = _v.real_scalar(getattr(self, f), f, _UNITS[f], positive=True)
            object.__setattr__(self, f, value)

    @property
    def k(self):
        """Wave number ``2 pi / lambda`` in 1/m."""
        return 2.0 * np.pi / self.wavelength

    @property
    def z_R(self):
        """Rayleigh range ``k w^2/2`` in m."""
        return rayleigh_range(self.k, self.waist)

    @property
    def radius(self):
        """Sphere radius in m."""
        return 0.5 * self.diameter

    @property
    def volume(self):
        """Sphere volume in m^3."""
        return np.pi * self.diameter**3 / 6.0

    @property
    def mass(self):
        """Sphere mass in kg."""
        return self.density * self.volume

    @property
    def field_amplitude(self):
        """Peak tweezer field ``|E_0| = sqrt(4 P/(pi w^2 c eps0))`` in V/m."""
        return field_amplitude_from_power(self.power, self.waist)

    @property
    def chi(self):
        """Sphere susceptibility ``3(eps - 1)/(eps + 2)`` (Eq. 32)."""
        return sphere_susceptibility(self.permittivity)

    @property
    def delta_chi(self):
        """Radiation correction (Eq. 68), ``(4/15) chi^2 k^2 a^2``."""
        return radiation_correction_sphere(self.permittivity, self.radius, self.k)

    @property
    def chi_tilde(self):
        """Renormalised susceptibility ``chi + delta chi`` (Eq. 74)."""
        return self.chi + self.delta_chi

    @property
    def omega(self):
        """Axial trap frequency of Eq. (79) in rad/s."""
        return float(trap_frequency(self.chi_tilde, self.volume, self.mass,
                                    self.field_amplitude, self.z_R))


def load(name="rieser2022", *, path=None):
    """Load a named parameter set.

    Parameters
    ----------
    name : str
        Name of the set (see :func:`available`).
    path : path-like, optional
        Alternative TOML file with the same layout (see
        :func:`parameter_file_text`).

    Returns
    -------
    ParameterSet

    Raises
    ------
    FileNotFoundError
        If the parameter file is missing.
    KeyError
        If ``name`` is unknown (the message lists the valid names) or a
        value/source is missing.

    Examples
    --------
    >>> p = load("rieser2022")
    >>> round(p.wavelength * 1e9)
    1550
    """
    data = _read(path)
    name = _v.known_name(name, "name", data, kind="parameter set")
    sec = data[name]
    values, sources = {}, {}
    for f in _FIELDS:
        if f not in sec or "value" not in sec[f] or "source" not in sec[f]:
            raise KeyError(f"parameter set {name!r} lacks {f}.value or {f}.source")
        values[f] = float(sec[f]["value"])
        sources[f] = str(sec[f]["source"])
    return ParameterSet(name=name, description=str(sec.get("description", "")),
                        sources=sources, **values)


def as_parameter_set(params=None, default="rieser2022"):
    """Accept a :class:`ParameterSet`, the name of one, or ``None`` (the default set).

    Parameters
    ----------
    params : ParameterSet, str or None
        What the caller passed.
    default : str
        Name loaded when ``params`` is ``None``.

    Returns
    -------
    ParameterSet

    Raises
    ------
    TypeError
        If ``params`` is of any other type.
    """
    if params is None:
        return load(default)
    if isinstance(params, str):
        return load(params)
    if isinstance(params, ParameterSet):
        return params
    raise TypeError(f"params must be a ParameterSet, a parameter-set name or None; got {type(params).__name__}")
