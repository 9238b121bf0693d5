"""Numerical tools used across the package (layer 0).

* :func:`central_difference` -- the one finite-difference routine of the package
  (first and second derivatives with respect to every entry of an array
  argument), used wherever a closed form is checked against the derivative of
  the general expression it comes from.
* :func:`eigenvalues` -- eigenvalues with rounding-split Jordan blocks merged
  back to their exact value, with the single tolerance :data:`JORDAN_RTOL`.

Nothing here knows about physics; it imports only numpy and the validation
module.
"""
from __future__ import annotations

import numpy as np

from . import validation as _v

__all__ = ["central_difference", "eigenvalues", "JORDAN_RTOL"]

#: Relative size below which parts of eigenvalues count as zero.
#:
#: A Jordan block of size ``m`` of a matrix ``B`` is split by rounding into
#: eigenvalues of size ``~ (eps ||B||^(m-1))^(1/m)``: ``1.5e-8 ||B||`` for
#: ``m = 2`` (the unidirectional pair, whose coupling matrix is nilpotent),
#: ``6e-6 ||B||`` for ``m = 3``.  ``1e-6`` removes the ``m = 2`` splitting with a
#: margin of 60 and keeps every physical eigenvalue of the chains of this
#: book (the smallest is ``~1e-3 ||B||``).
JORDAN_RTOL = 1e-6


def central_difference(fun, x, step, *, order: int = 1):
    """Central differences of ``fun`` with respect to every entry of ``x``.

    ``order=1``: ``[f(x + h e_i) - f(x - h e_i)]/(2h)`` (error ``O(h^2)``);
    ``order=2``: ``[f(x + h e_i) - 2 f(x) + f(x - h e_i)]/h^2``, the diagonal
    second derivatives (error ``O(h^2)``).

    Parameters
    ----------
    fun : callable
        ``fun(x) -> array_like`` of any fixed shape ``S`` (a float counts as
        shape ``()``).
    x : array_like, shape X
        Point of evaluation (real).
    step : float
        Step ``h`` in the units of ``x`` (> 0).
    order : {1, 2}
        Derivative order.

    Returns
    -------
    ndarray, shape X + S
        ``out[i...] = d^order fun / d x[i...]^order``.

    Examples
    --------
    >>> import numpy as np
    >>> d = central_difference(lambda x: np.sum(x**3), np.array([1.0, 2.0]), 1e-4)
    >>> np.allclose(d, [3.0, 12.0])
    True
    """
    _v.callable_object(fun, "fun", "fun(x) -> array_like")
    x = _v.real_array(x, "x", nonempty=True)
    h = _v.real_scalar(step, "step", positive=True)
    order = _v.integer(order, "order", minimum=1, maximum=2)
    f0 = np.asarray(fun(x)) if order == 2 else None
    out = None
    for idx in np.ndindex(x.shape):
        xp = x.copy()
        xm = x.copy()
        xp[idx] += h
        xm[idx] -= h
        fp, fm = np.asarray(fun(xp)), np.asarray(fun(xm))
        val = (fp - fm) / (2.0 * h) if order == 1 else (fp - 2.0 * f0 + fm) / h**2
        if out is None:
            out = np.empty(x.shape + val.shape, dtype=val.dtype)
        out[idx] = val
    return out


def eigenvalues(matrix, *, rtol: float = JORDAN_RTOL) -> np.ndarray:
    """Eigenvalues with real and imaginary parts below ``rtol * ||matrix||`` set to zero.

    Parameters
    ----------
    matrix : array_like, shape (n, n)
        Real or complex square matrix.
    rtol : float
        Relative threshold (default :data:`JORDAN_RTOL`).

    Returns
    -------
    ndarray, shape (n,), complex

    Examples
    --------
    >>> eigenvalues([[0.0, 1.0], [0.0, 0.0]])
    array([0.+0.j, 0.+0.j])
    """
    m = _v.square_matrix(matrix, "matrix", real=not np.iscomplexobj(matrix))
    rtol = _v.real_scalar(rtol, "rtol", nonnegative=True)
    mu = np.linalg.eigvals(m).astype(complex)
    scale = max(float(np.linalg.norm(m, 2)), np.finfo(float).tiny)
    re = np.where(np.abs(mu.real) > rtol * scale, mu.real, 0.0)
    im = np.where(np.abs(mu.imag) > rtol * scale, mu.imag, 0.0)
    return re + 1j * im
