"""Input checks shared by every public function of :mod:`optbind`.

Each checker takes the value and the parameter's name (plus its unit, where it
has one) and returns the value in canonical form (a ``float``, ``int`` or a
``numpy`` array of the right dtype), or raises

* :class:`TypeError` when the value is of the wrong kind: a string, ``None``,
  a boolean where a number or a count is meant, a complex number where a real
  one is meant, a non-integer count;
* :class:`ValueError` when it is of the right kind but out of range: NaN or
  infinite, zero or negative where a positive value is meant, wrong shape,
  mismatched lengths, empty arrays, decreasing times, non-unit directions,
  non-Hermitian or non-positive matrices, an unknown option.

Every message names the parameter and the allowed range, e.g.
``"mass must be > 0 (kg); got -1.0"``.  Unknown names of named objects (such
as parameter sets) raise :class:`KeyError` listing the valid names
(:func:`known_name`).

This module is layer 0 of the package: it imports nothing from the rest of
:mod:`optbind`.
"""
from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "real_scalar",
    "real_array",
    "complex_array",
    "integer",
    "integer_array",
    "boolean",
    "callable_object",
    "broadcast",
    "vectors",
    "unit_vectors",
    "square_matrix",
    "hermitian_psd",
    "times",
    "choice",
    "known_name",
    "same_length",
    "permittivity",
    "random_generator",
    "field_object",
    "particle_set",
]


def _describe(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _shape_text(shape) -> str:
    """``(2,)``, ``(N, 3)``: a shape as Python prints it, ``N`` for a free axis."""
    items = ["N" if s is None else str(s) for s in shape]
    return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"


def _unit(unit: str) -> str:
    return f" ({unit})" if unit else ""


def _bounds_text(positive, nonnegative, minimum, maximum, strict_min, strict_max):
    parts = []
    if positive:
        parts.append("> 0")
    elif nonnegative:
        parts.append(">= 0")
    if minimum is not None:
        parts.append(f"{'>' if strict_min else '>='} {minimum:g}")
    if maximum is not None:
        parts.append(f"{'<' if strict_max else '<='} {maximum:g}")
    return " and ".join(parts) if parts else "finite"


def _as_real(value, name: str, unit: str) -> np.ndarray:
    """Convert to a float array, rejecting strings, None, booleans and complex."""
    if value is None or isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be a real number{_unit(unit)}; got {_describe(value)}")
    arr = np.asarray(value)
    if arr.dtype == bool or isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a real number{_unit(unit)}, not a boolean; got "
                        f"{_describe(value)}")
    if np.iscomplexobj(arr):
        raise TypeError(f"{name} must be real{_unit(unit)}; got a complex value "
                        f"{_describe(value)}")
    if arr.dtype.kind not in "fiu":
        try:
            arr = arr.astype(float)
        except (TypeError, ValueError):
            raise TypeError(f"{name} must be a real number{_unit(unit)}; got "
                            f"{_describe(value)}") from None
    return arr.astype(float)


def _check_range(arr, name, unit, positive, nonnegative, minimum, maximum, strict_min,
                 strict_max, value):
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite{_unit(unit)}; got {_describe(value)}")
    bad = np.zeros(arr.shape, dtype=bool)
    if positive:
        bad |= arr <= 0
    if nonnegative:
        bad |= arr < 0
    if minimum is not None:
        bad |= (arr <= minimum) if strict_min else (arr < minimum)
    if maximum is not None:
        bad |= (arr >= maximum) if strict_max else (arr > maximum)
    if np.any(bad):
        rng = _bounds_text(positive, nonnegative, minimum, maximum, strict_min, strict_max)
        raise ValueError(f"{name} must be {rng}{_unit(unit)}; got {_describe(value)}")


def real_scalar(value, name: str, unit: str = "", *, positive: bool = False,
                nonnegative: bool = False, minimum: float | None = None,
                maximum: float | None = None, strict_min: bool = False,
                strict_max: bool = False, allow_inf: bool = False) -> float:
    """A real, finite number (optionally with bounds), returned as ``float``.

    Parameters
    ----------
    value : object
        What the caller passed.
    name, unit : str
        Parameter name and unit for the error message.
    positive, nonnegative : bool
        Require ``> 0`` or ``>= 0``.
    minimum, maximum : float, optional
        Further bounds (inclusive unless ``strict_min``/``strict_max``).
    allow_inf : bool
        Accept ``+inf`` (e.g. an infinite Rayleigh range).

    Returns
    -------
    float

    Raises
    ------
    TypeError
        Not a real number (string, None, bool, complex).
    ValueError
        Not a scalar, not finite, or out of range.

    Examples
    --------
    >>> real_scalar(2, "mass", "kg", positive=True)
    2.0
    >>> real_scalar(-1.0, "mass", "kg", positive=True)
    Traceback (most recent call last):
    ...
    ValueError: mass must be > 0 (kg); got -1.0
    """
    arr = _as_real(value, name, unit)
    if arr.ndim != 0:
        raise ValueError(f"{name} must be a scalar{_unit(unit)}; got an array of shape "
                         f"{arr.shape}")
    x = float(arr)
    if allow_inf and x == np.inf:
        return x
    _check_range(arr, name, unit, positive, nonnegative, minimum, maximum, strict_min,
                 strict_max, value)
    return x


def real_array(value, name: str, unit: str = "", *, shape: tuple | None = None,
               ndim: int | None = None, positive: bool = False,
               nonnegative: bool = False, minimum: float | None = None,
               maximum: float | None = None, strict_min: bool = False,
               strict_max: bool = False, nonempty: bool = True) -> np.ndarray:
    """A real, finite array (a new float copy), optionally of a given shape.

    ``shape`` may contain ``None`` for a free axis, e.g. ``(None, 3)``.
    A scalar is broadcast to ``shape`` when ``shape`` has no free axis.

    Examples
    --------
    >>> real_array([1, 2], "masses", "kg", shape=(2,), positive=True)
    array([1., 2.])
    """
    arr = _as_real(value, name, unit)
    if shape is not None:
        fixed = all(s is not None for s in shape)
        if fixed and arr.ndim == 0:
            arr = np.broadcast_to(arr, shape)
        if arr.ndim != len(shape) or any(s is not None and s != a
                                         for s, a in zip(shape, arr.shape)):
            raise ValueError(f"{name} must have shape {_shape_text(shape)}; got shape "
                             f"{arr.shape}")
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional; got shape {arr.shape}")
    if nonempty and arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    _check_range(arr, name, unit, positive, nonnegative, minimum, maximum, strict_min,
                 strict_max, value)
    return np.array(arr, dtype=float)


def complex_array(value, name: str, unit: str = "", *, shape: tuple | None = None,
                  nonempty: bool = True) -> np.ndarray:
    """A finite complex array (a new copy), optionally of a given shape.

    A scalar is broadcast to ``shape`` when ``shape`` has no free axis.

    Examples
    --------
    >>> complex_array(1j, "amplitudes", shape=(2,))
    array([0.+1.j, 0.+1.j])
    """
    if value is None or isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be numeric{_unit(unit)}; got {_describe(value)}")
    arr = np.asarray(value)
    if arr.dtype == bool:
        raise TypeError(f"{name} must be numeric{_unit(unit)}, not boolean")
    try:
        arr = arr.astype(complex)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be numeric{_unit(unit)}; got {_describe(value)}") from None
    if shape is not None:
        if arr.ndim == 0 and all(s is not None for s in shape):
            arr = np.broadcast_to(arr, shape)
        if arr.ndim != len(shape) or any(s is not None and s != a
                                         for s, a in zip(shape, arr.shape)):
            raise ValueError(f"{name} must have shape {_shape_text(shape)}; got shape "
                             f"{arr.shape}")
    if nonempty and arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite{_unit(unit)}")
    return np.array(arr)


def integer(value, name: str, *, minimum: int | None = None,
            maximum: int | None = None) -> int:
    """An integer count (``bool`` and non-integral numbers are refused).

    Examples
    --------
    >>> integer(3, "n_particles", minimum=1)
    3
    >>> integer(2.5, "n_theta", minimum=1)
    Traceback (most recent call last):
    ...
    TypeError: n_theta must be an integer >= 1; got 2.5
    """
    rng = ""
    if minimum is not None:
        rng += f" >= {minimum}"
    if maximum is not None:
        rng += (" and" if minimum is not None else "") + f" <= {maximum}"
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer{rng}; got {_describe(value)}")
    v = int(value)
    if (minimum is not None and v < minimum) or (maximum is not None and v > maximum):
        raise ValueError(f"{name} must be an integer{rng}; got {v}")
    return v


def integer_array(value, name: str, *, minimum: int | None = None) -> np.ndarray:
    """An array of integers (indices); booleans and non-integral numbers are refused.

    Examples
    --------
    >>> integer_array([0, 2], "j", minimum=0)
    array([0, 2])
    """
    if value is None or isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be integers; got {_describe(value)}")
    arr = np.asarray(value)
    if arr.dtype == bool or arr.dtype.kind not in "iu":
        raise TypeError(f"{name} must be integers (an integer array); got "
                        f"{_describe(value)}")
    if minimum is not None and np.any(arr < minimum):
        raise ValueError(f"{name} must be integers >= {minimum}; got {_describe(value)}")
    return np.array(arr)


def callable_object(value, name: str, signature: str = ""):
    """A callable (``signature`` describes the expected call in the message)."""
    if not callable(value):
        what = f": {signature}" if signature else ""
        raise TypeError(f"{name} must be callable{what}; got {_describe(value)}")
    return value


def broadcast(**arrays) -> list:
    """Broadcast the named arrays together, or say which of them do not fit.

    Examples
    --------
    >>> [a.shape for a in broadcast(d=[1.0, 2.0], phi=0.0)]
    [(2,), (2,)]
    """
    try:
        return list(np.broadcast_arrays(*(np.asarray(a) for a in arrays.values())))
    except ValueError:
        shapes = ", ".join(f"{k} {np.shape(a)}" for k, a in arrays.items())
        raise ValueError(f"{', '.join(arrays)} must broadcast together (equal shapes or "
                         f"size 1); got shapes {shapes}") from None


def boolean(value, name: str) -> bool:
    """A ``bool`` (``numpy.bool_`` accepted; numbers and strings refused)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; got {_describe(value)}")
    return bool(value)


def vectors(value, name: str, unit: str = "m", *, shape: tuple | None = None) -> np.ndarray:
    """Real finite 3-vectors, shape ``(..., 3)`` (or exactly ``shape``)."""
    arr = _as_real(value, name, unit)
    if arr.ndim == 0 or arr.shape[-1] != 3:
        raise ValueError(f"{name} must have shape (..., 3) (Cartesian vectors); got shape "
                         f"{arr.shape}")
    if shape is not None:
        arr = real_array(arr, name, unit, shape=shape)
    _check_range(arr, name, unit, False, False, None, None, False, False, value)
    return np.array(arr, dtype=float)


def unit_vectors(value, name: str, *, atol: float = 1e-9) -> np.ndarray:
    """Real 3-vectors of unit length (to ``atol``), shape ``(..., 3)``."""
    arr = vectors(value, name, "")
    norm = np.linalg.norm(arr, axis=-1)
    if np.any(np.abs(norm - 1.0) > atol):
        raise ValueError(f"{name} must be unit vectors (|n| = 1 within {atol:g}); got lengths "
                         f"{_describe(norm)}")
    return arr


def square_matrix(value, name: str, unit: str = "", *, n: int | None = None,
                  real: bool = True) -> np.ndarray:
    """A finite square matrix of size ``n`` (any if ``None``), real or complex."""
    arr = (real_array(value, name, unit, ndim=2) if real
           else complex_array(value, name, unit))
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1]:
        raise ValueError(f"{name} must be a square (N, N) matrix; got shape {arr.shape}")
    if n is not None and arr.shape != (n, n):
        raise ValueError(f"{name} must have shape ({n}, {n}); got shape {arr.shape}")
    return arr


def hermitian_psd(value, name: str, unit: str = "", *, n: int | None = None,
                  rtol: float = 1e-10, psd: bool = True) -> np.ndarray:
    """A Hermitian (and positive semidefinite) matrix, symmetrised to round-off.

    Parameters
    ----------
    rtol : float
        Tolerance, relative to the largest entry, for the Hermiticity test and
        (times the size) for the smallest eigenvalue.
    psd : bool
        Also require positive semidefiniteness.
    """
    arr = square_matrix(value, name, unit, n=n, real=False)
    scale = max(float(np.max(np.abs(arr))), np.finfo(float).tiny)
    if np.max(np.abs(arr - arr.conj().T)) > rtol * scale:
        raise ValueError(f"{name} must be Hermitian: {name}[j, k] == conj({name}[k, j])")
    arr = 0.5 * (arr + arr.conj().T)
    if psd:
        lam = float(np.min(np.linalg.eigvalsh(arr)))
        if lam < -rtol * scale * arr.shape[0]:
            raise ValueError(f"{name} must be positive semidefinite; its smallest eigenvalue is "
                             f"{lam:.3e}{_unit(unit)}")
    return arr


def times(value, name: str = "times", *, strictly: bool = False,
          nonnegative: bool = False) -> np.ndarray:
    """A non-empty 1-D array of finite, non-decreasing (or increasing) times in s."""
    arr = np.atleast_1d(real_array(value, name, "s", ndim=None))
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-dimensional (s); got shape {arr.shape}")
    if nonnegative and np.any(arr < 0):
        raise ValueError(f"{name} must be >= 0 (s)")
    steps = np.diff(arr)
    if np.any(steps <= 0 if strictly else steps < 0):
        word = "increasing" if strictly else "non-decreasing"
        raise ValueError(f"{name} must be {word} (s)")
    return arr


def choice(value, name: str, allowed) -> str:
    """One of a fixed set of option strings."""
    allowed = tuple(allowed)
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"{name} must be one of {allowed}; got {_describe(value)}")
    return value


def known_name(value, name: str, valid, *, kind: str | None = None) -> str:
    """A name that must be among ``valid``; :class:`KeyError` listing them otherwise.

    ``kind`` says what is named (e.g. ``"parameter set"``) when the parameter
    itself is called differently (e.g. ``name``).

    Examples
    --------
    >>> known_name("b", "name", ["a", "b"], kind="set")
    'b'
    """
    valid = sorted(valid)
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, one of {valid}; got {_describe(value)}")
    if value not in valid:
        what = name if kind is None else f"{kind} ({name})"
        raise KeyError(f"unknown {what} {value!r}; valid names: {valid}")
    return value


def same_length(value, name: str, n: int, unit: str = "", *, positive: bool = False,
                nonnegative: bool = False) -> np.ndarray:
    """One real value per particle: a scalar (broadcast) or an array of length ``n``."""
    return real_array(value, name, unit, shape=(n,), positive=positive,
                      nonnegative=nonnegative)


def permittivity(value, name: str = "permittivity") -> float:
    """A real relative permittivity > 1 (lossless dielectric denser than vacuum)."""
    return real_scalar(value, name, "relative, dimensionless", minimum=1.0, strict_min=True)


def random_generator(seed, name: str = "seed") -> np.random.Generator:
    """``numpy.random.default_rng(seed)`` for an int >= 0, ``None`` or a Generator."""
    if seed is None or isinstance(seed, np.random.Generator):
        return np.random.default_rng(seed)
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"{name} must be an integer >= 0, None or a numpy.random.Generator; "
                        f"got {_describe(seed)}")
    if seed < 0:
        raise ValueError(f"{name} must be an integer >= 0; got {seed}")
    return np.random.default_rng(int(seed))


def field_object(field, name: str = "field"):
    """Check the field protocol: ``k`` (1/m), ``field(r)`` and ``gradient(r)``."""
    missing = [a for a in ("k", "field", "gradient") if not hasattr(field, a)]
    if missing:
        raise TypeError(
            f"{name} must be a field object with attribute k (1/m) and methods field(r) and "
            f"gradient(r) (e.g. optbind.fields.TweezerField); {type(field).__name__} lacks "
            f"{', '.join(missing)}")
    real_scalar(field.k, f"{name}.k", "1/m", nonnegative=True)
    return field


def particle_set(positions, volumes, chi, *, check_overlap: bool = True,
                 chi_name: str = "chi"):
    """Validate and broadcast a set of particles.

    Parameters
    ----------
    positions : array_like, shape (..., N, 3)
        Centre-of-mass positions in m; leading axes are a batch (e.g. many
        configurations or trajectories) sharing volumes and susceptibilities.
    volumes : array_like, shape (N,) or scalar
        Particle volumes in m^3 (> 0).
    chi : array_like
        Susceptibilities (dimensionless): scalar, (N,), (3, 3) or (N, 3, 3);
        real, symmetric, scalars > 0.
    check_overlap : bool
        Refuse particles closer than the sum of their equal-volume radii.
    chi_name : str
        Name of the susceptibility parameter in messages (e.g. ``"chi_tilde"``).

    Returns
    -------
    positions : ndarray, shape (..., N, 3)
    volumes : ndarray, shape (N,)
    chi : ndarray, shape (N, 3, 3)
    """
    pos = vectors(positions, "positions", "m")
    if pos.ndim < 2:
        raise ValueError(f"positions must have shape (N, 3) or (..., N, 3); got {pos.shape}")
    n = pos.shape[-2]
    if n < 1:
        raise ValueError("positions must hold at least one particle")
    vol = same_length(volumes, "volumes", n, "m^3", positive=True)
    cn = chi_name
    chi_arr = _as_real(chi, cn, "dimensionless")
    if chi_arr.ndim == 0 or chi_arr.shape == (n,):
        _check_range(chi_arr, cn, "dimensionless", True, False, None, None, False, False,
                     chi)
        chi_arr = np.broadcast_to(chi_arr, (n,))[:, None, None] * np.eye(3)
    elif chi_arr.shape == (3, 3):
        chi_arr = np.broadcast_to(chi_arr, (n, 3, 3))
    if chi_arr.shape != (n, 3, 3):
        raise ValueError(f"{cn} must have shape (), ({n},), (3, 3) or ({n}, 3, 3); got "
                         f"{np.shape(chi)}")
    _check_range(chi_arr, cn, "", False, False, None, None, False, False, chi)
    if not np.allclose(chi_arr, np.swapaxes(chi_arr, -1, -2), rtol=1e-12, atol=0.0):
        raise ValueError(f"{cn} tensors must be symmetric (lossless dielectric, Eq. 32)")
    if check_overlap and n > 1:
        radius = (3.0 * vol / (4.0 * np.pi)) ** (1.0 / 3.0)
        sep = np.linalg.norm(pos[..., :, None, :] - pos[..., None, :, :], axis=-1)
        iu = np.triu_indices(n, 1)
        gap = sep[..., iu[0], iu[1]] - (radius[iu[0]] + radius[iu[1]])
        if np.any(gap <= 0):
            idx = np.argwhere(gap <= 0)[0]
            i, j = iu[0][idx[-1]], iu[1][idx[-1]]
            raise ValueError(
                f"positions: particles {i} and {j} overlap (their centres must be more than "
                f"the sum of their radii, {radius[i] + radius[j]:.3e} m, apart)")
    return pos, vol, np.ascontiguousarray(chi_arr)
