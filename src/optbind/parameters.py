"""Named experimental parameter sets and the quantities derived from them.

The numbers live in ``data/parameters.toml`` at the repository root, each
with a ``source`` string; :func:`load` returns a :class:`ParameterSet`
whose properties give the derived SI quantities (wave number, Rayleigh
range, particle volume and mass, peak field, susceptibility with the
radiation correction of Eq. 68, and the trap frequency of Eq. 79).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .fields import field_amplitude_from_power, rayleigh_range, trap_frequency
from .particles import (
    check_permittivity,
    check_positive,
    radiation_correction_sphere,
    sphere_susceptibility,
)

try:  # Python >= 3.11
    import tomllib
except ModuleNotFoundError:  # pragma: no cover
    import tomli as tomllib  # type: ignore[no-redef]

__all__ = ["DATA_DIR", "PARAMETER_FILE", "ParameterSet", "as_parameter_set", "available", "load"]

#: Repository data directory (``<repo>/data``).
DATA_DIR = Path(__file__).resolve().parents[2] / "data"
#: The parameter file.
PARAMETER_FILE = DATA_DIR / "parameters.toml"

_FIELDS = ("wavelength", "permittivity", "density", "diameter", "waist", "power", "separation")


def _read(path=None):
    path = PARAMETER_FILE if path is None else Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"parameter file not found: {path}. optbind.parameters expects the "
            "repository's data/parameters.toml next to src/ (an editable install "
            "from the repository)."
        )
    with path.open("rb") as fh:
        return tomllib.load(fh)


def available(path=None):
    """Names of the parameter sets in ``data/parameters.toml``."""
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
        check_permittivity(self.permittivity)
        for f in _FIELDS:
            if f != "permittivity":
                check_positive(getattr(self, f), f)

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


def load(name="rieser2022", path=None):
    """Load a named parameter set.

    Parameters
    ----------
    name : str
        Section of ``data/parameters.toml`` (see :func:`available`).
    path : path-like, optional
        Alternative TOML file with the same layout.

    Returns
    -------
    ParameterSet

    Raises
    ------
    FileNotFoundError
        If the parameter file is missing.
    KeyError
        If ``name`` is unknown or a value/source is missing.
    """
    data = _read(path)
    if name not in data:
        raise KeyError(f"unknown parameter set {name!r}; available: {sorted(data)}")
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
