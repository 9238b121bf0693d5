"""Labelled numerical results that can be saved with their coordinates and units.

:class:`LabelledResult` is a small, dependency-free container in the spirit
of an ``xarray.Dataset``: named variables, each with named dimensions, one
1-D coordinate array per dimension, a unit string for every variable and
coordinate, and scalar attributes (the parameters of the run).  It is what
the nonlinear engine (:mod:`optbind.dynamics.nonlinear`) and the parameter
sweeps (:mod:`optbind.dynamics.sweeps`) return.

Why not xarray: the package's only hard dependencies are numpy and scipy, and
the two operations needed here (save with labels, reload, export a table)
take fewer lines than a conversion layer; :meth:`LabelledResult.to_xarray`
converts for users who have xarray installed.

Files
-----
* :meth:`LabelledResult.to_npz` / :meth:`LabelledResult.from_npz`: one
  ``.npz`` archive, readable with ``numpy.load(path, allow_pickle=False)``;
  metadata (dimensions, units, attributes) is a JSON string in the entry
  ``"__meta__"``, variables are ``"data/<name>"``, coordinates
  ``"coord/<name>"``.
* :meth:`LabelledResult.to_csv`: a long table (one row per element, one
  column per dimension coordinate and per variable), with ``#`` header lines
  giving units and attributes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

__all__ = ["LabelledResult"]

_FORMAT = "optbind.LabelledResult/1"


def _check_name(name, what):
    if not isinstance(name, str) or not name or "/" in name:
        raise ValueError(
            f"{what} names must be non-empty strings without '/'; got {name!r}"
        )
    return name


def _scalar_attr(key, value):
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    if isinstance(value, str):
        return value
    if value is None:
        return None
    raise TypeError(
        f"attrs[{key!r}] must be a number, a string, a bool or None; got "
        f"{type(value).__name__}"
    )


def _cell(x):
    """One CSV cell: full-precision repr for numbers, plain text for strings."""
    x = x.item() if hasattr(x, "item") else x
    return x if isinstance(x, str) else repr(x)


@dataclass(frozen=True)
class LabelledResult:
    """Named arrays with named dimensions, coordinates and units.

    Parameters
    ----------
    data : dict of str -> array_like
        The variables.
    dims : dict of str -> tuple of str
        Dimension names of every variable (one per axis).
    coords : dict of str -> array_like
        One 1-D coordinate array per dimension name used in ``dims`` (its
        length must match the axis).
    units : dict of str -> str
        Unit strings for every variable and every coordinate (``""`` or
        ``"1"`` for dimensionless numbers and indices).
    attrs : dict of str -> scalar, optional
        Scalar metadata (numbers, strings, bools), e.g. the run parameters.

    Raises
    ------
    ValueError
        Missing dimensions, coordinates or units, or mismatched lengths.

    Examples
    --------
    >>> r = LabelledResult(data={"x": np.arange(3.0)}, dims={"x": ("time",)},
    ...                    coords={"time": np.array([0.0, 1.0, 2.0])},
    ...                    units={"x": "m", "time": "s"})
    >>> r["x"].shape
    (3,)
    """

    data: dict
    dims: dict
    coords: dict
    units: dict
    attrs: dict = field(default_factory=dict)

    def __post_init__(self):
        for what, obj in (
            ("data", self.data),
            ("dims", self.dims),
            ("coords", self.coords),
            ("units", self.units),
            ("attrs", self.attrs),
        ):
            if not isinstance(obj, dict):
                raise TypeError(f"{what} must be a dict; got {type(obj).__name__}")
        data = {_check_name(k, "variable"): np.asarray(v) for k, v in self.data.items()}
        coords = {
            _check_name(k, "coordinate"): np.asarray(v) for k, v in self.coords.items()
        }
        dims = {}
        for name, arr in data.items():
            if name not in self.dims:
                raise ValueError(f"dims must give the dimensions of variable {name!r}")
            d = tuple(self.dims[name])
            if len(d) != arr.ndim:
                raise ValueError(f"variable {name!r} has {arr.ndim} axes but dims {d}")
            for axis, dim in enumerate(d):
                if dim not in coords:
                    raise ValueError(
                        f"coords must contain dimension {dim!r} of {name!r}"
                    )
                if coords[dim].ndim != 1 or coords[dim].shape[0] != arr.shape[axis]:
                    raise ValueError(
                        f"coordinate {dim!r} must be 1-D of length "
                        f"{arr.shape[axis]} (axis {axis} of {name!r}); got "
                        f"shape {coords[dim].shape}"
                    )
            dims[name] = d
        units = {}
        for name in list(data) + list(coords):
            if name not in self.units or not isinstance(self.units[name], str):
                raise ValueError(f"units must give a unit string for {name!r}")
            units[name] = self.units[name]
        attrs = {str(k): _scalar_attr(k, v) for k, v in self.attrs.items()}
        for name, value in (
            ("data", data),
            ("dims", dims),
            ("coords", coords),
            ("units", units),
            ("attrs", attrs),
        ):
            object.__setattr__(self, name, value)

    # ------------------------------------------------------------ access
    def __getitem__(self, name):
        """The variable (or, failing that, the coordinate) called ``name``."""
        if name in self.data:
            return self.data[name]
        if name in self.coords:
            return self.coords[name]
        raise KeyError(
            f"unknown variable {name!r}; variables: {sorted(self.data)}, "
            f"coordinates: {sorted(self.coords)}"
        )

    @property
    def variables(self):
        """Names of the variables."""
        return tuple(self.data)

    def equals(self, other, *, rtol=0.0, atol=0.0):
        """Same names, dimensions, units, coordinates and values (within tolerances)."""
        if not isinstance(other, LabelledResult):
            return False
        if (
            self.dims != other.dims
            or self.units != other.units
            or set(self.coords) != set(other.coords)
        ):
            return False
        for k in self.coords:
            if not np.array_equal(self.coords[k], other.coords[k]):
                return False
        return all(
            self.data[k].shape == other.data[k].shape
            and np.allclose(
                self.data[k], other.data[k], rtol=rtol, atol=atol, equal_nan=True
            )
            for k in self.data
        )

    # ------------------------------------------------------------- files
    def _meta(self):
        return {
            "format": _FORMAT,
            "dims": {k: list(v) for k, v in self.dims.items()},
            "units": self.units,
            "attrs": self.attrs,
            "variables": list(self.data),
            "coordinates": list(self.coords),
        }

    def to_npz(self, path):
        """Save to a compressed ``.npz`` archive (no pickles); returns the path."""
        path = Path(path)
        arrays = {f"data/{k}": v for k, v in self.data.items()}
        arrays.update({f"coord/{k}": v for k, v in self.coords.items()})
        arrays["__meta__"] = np.array(json.dumps(self._meta()))
        with path.open("wb") as fh:
            np.savez_compressed(fh, **arrays)
        return path

    @classmethod
    def from_npz(cls, path):
        """Load a result written by :meth:`to_npz`."""
        with np.load(Path(path), allow_pickle=False) as z:
            meta = json.loads(str(z["__meta__"]))
            if meta.get("format") != _FORMAT:
                raise ValueError(f"{path} is not an optbind LabelledResult archive")
            data = {k: z[f"data/{k}"] for k in meta["variables"]}
            coords = {k: z[f"coord/{k}"] for k in meta["coordinates"]}
        return cls(
            data=data,
            dims={k: tuple(v) for k, v in meta["dims"].items()},
            coords=coords,
            units=meta["units"],
            attrs=meta["attrs"],
        )

    def to_csv(self, path, *, variables=None):
        """Write a long table: a row per element; coordinate and variable columns.

        Parameters
        ----------
        path : path-like
            Output file.
        variables : sequence of str, optional
            Variables to write (default all); they must share their dimensions.

        Returns
        -------
        pathlib.Path
        """
        names = list(self.data) if variables is None else list(variables)
        for n in names:
            if n not in self.data:
                raise KeyError(
                    f"unknown variable {n!r}; variables: {sorted(self.data)}"
                )
        if not names:
            raise ValueError("variables must name at least one variable")
        dims = self.dims[names[0]]
        if any(self.dims[n] != dims for n in names):
            raise ValueError(
                "to_csv needs variables with the same dimensions; pass "
                "variables=[...] to select a group"
            )
        grids = np.meshgrid(*[self.coords[d] for d in dims], indexing="ij")
        columns = [g.ravel() for g in grids] + [self.data[n].ravel() for n in names]
        header = list(dims) + names
        path = Path(path)
        with path.open("w", encoding="utf-8") as fh:
            fh.write(f"# {_FORMAT}\n")
            fh.write(
                "# units: " + ", ".join(f"{h} [{self.units[h]}]" for h in header) + "\n"
            )
            for k, v in self.attrs.items():
                fh.write(f"# {k} = {v}\n")
            fh.write(",".join(header) + "\n")
            for row in zip(*columns):
                fh.write(",".join(_cell(x) for x in row) + "\n")
        return path

    def to_xarray(self):
        """Convert to an ``xarray.Dataset`` (needs xarray, not a dependency)."""
        try:
            import xarray as xr
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError("to_xarray needs xarray (pip install xarray)") from exc
        ds = xr.Dataset(
            {
                k: (self.dims[k], v, {"units": self.units[k]})
                for k, v in self.data.items()
            },
            coords={
                k: (k, v, {"units": self.units[k]}) for k, v in self.coords.items()
            },
            attrs=dict(self.attrs),
        )
        return ds
