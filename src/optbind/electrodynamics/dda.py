"""Discrete dipoles for the static kernels of small particles, Eqs. (13), (15), (30).

The particle is cut into ``N`` cubic cells of edge ``d`` on a simple cubic
lattice.  With a piecewise constant polarisation ``P_j`` the integral
equation (15) (equivalently Eq. 30 for one particle) becomes, by collocation at
the cell centres,

.. math:: \\Big[(\\varepsilon_j - 1)^{-1} + \\tfrac13\\Big] u_j
          - \\sum_{k \\ne j} d^3\\,\\mathbf G_0(\\mathbf r_j - \\mathbf r_k)\\,u_k
          = \\mathbf E_0(\\mathbf r_j), \\qquad u_j = \\mathbf P_j/\\varepsilon_0 ,

where the ``1/3`` is the self-field ``-P/(3 eps0)`` of a uniformly polarised
cube (the ``-delta/3`` part of ``G_0`` of Eq. 8 that a cube picks up; the
principal-value part vanishes by symmetry) and the sum uses the point-dipole
kernel ``G_0`` of Eq. (9).  The diagonal block is the inverse Clausius-Mossotti
susceptibility ``3(eps - 1)/(eps + 2)`` of the cell: this is the coupled-dipole
method in the static limit ``k -> 0``, where the lattice-dispersion and
radiative corrections of the cell polarisability vanish.  ``eps`` may be a
scalar, ``inf`` (perfect conductor: the diagonal block tends to ``1/3``), a
symmetric 3x3 tensor, or one tensor per cell.

The discrete kernels are ``K_jk = [A^{-1}]_jk / d^3`` (so that
``P_j = eps0 sum_k K_jk E_0,k d^3``, Eq. 14 with ``E_0 = -dA/dt``) and, from
Eq. (13) solved separately, ``L = (1 - G~ (eps - 1))^{-1} / d^3`` with
``G~ = d^3 G_0 - 1/3`` on the diagonal.  The polarisability tensor of
Eq. (42) is ``alpha = eps0 sum_jk K_jk d^6 = eps0 d^3 sum_j u_j`` per unit
applied field.

The lattice operator is block Toeplitz, so ``A u`` costs three forward and
three inverse real FFTs of the zero-padded box (``O(N log N)``), and the
system is solved with a Krylov method.  ``A`` is symmetric positive definite
for real ``eps > 1`` (the continuum operator ``(eps - 1)^{-1} - Gamma`` is
bounded below by ``(eps - 1)^{-1}``, the depolarisation operator having
spectrum in ``[-1, 0]``), so conjugate gradients is the default;
``gmres``/``bicgstab`` are available.  Below ``dense_limit`` cells a dense
Cholesky-free LU solve is used.

Lattice units: positions and the kernel are scale free in statics
(``G_0 ~ 1/r^3``, cell volume ``d^3``), so all solves are done with ``d = 1``;
``Lattice.spacing`` only converts to SI.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.fft as sfft
import scipy.linalg as sla
from scipy.sparse.linalg import LinearOperator, bicgstab, cg, gmres

from .. import validation as _v
from ..conventions import EPSILON_0
from .green import electrostatic_green
from .particles import (
    depolarization_factors,
    rotation_matrix,
    sphere_susceptibility,
    susceptibility_tensor,
)

__all__ = [
    "Lattice",
    "ellipsoid_lattice",
    "cuboid_lattice",
    "cylinder_lattice",
    "sphere_pair_lattice",
    "cell_inverse_susceptibility",
    "lattice_green",
    "cell_averaged_green",
    "interaction_matrix",
    "StaticSolution",
    "solve_static",
    "polarizability_tensor",
    "normalized_polarizability",
    "discrete_kernels",
    "kernel_symmetry_residuals",
    "interior_mask",
    "ellipsoid_convergence",
    "fit_power_law",
    "extrapolate_to_continuum",
    "extrapolate_power_law",
    "shape_polarizability",
    "pair_coupling",
]


# ----------------------------------------------------------------- validation
def _lattice(lattice):
    if not isinstance(lattice, Lattice):
        raise TypeError("lattice must be a Lattice")
    return lattice


# -------------------------------------------------------------------- lattices
@dataclass(frozen=True)
class Lattice:
    """Occupied cells of a simple cubic lattice.

    Attributes
    ----------
    sites : ndarray, shape (N, 3), int
        Integer cell indices, ``>= 0``.
    spacing : float
        Cell edge ``d`` in m.
    origin : ndarray, shape (3,)
        Position (m) of the centre of cell ``(0, 0, 0)``.
    labels : ndarray, shape (N,), int
        Particle index of each cell (0 for a single particle).
    """

    sites: np.ndarray
    spacing: float
    origin: np.ndarray
    labels: np.ndarray

    def __post_init__(self):
        sites = np.asarray(self.sites)
        if sites.ndim != 2 or sites.shape[1] != 3 or sites.shape[0] < 1:
            raise ValueError(f"sites must have shape (N, 3), N >= 1; got {sites.shape}")
        if not np.issubdtype(sites.dtype, np.integer):
            raise TypeError("sites must be integer lattice indices")
        sites = sites - sites.min(axis=0)
        if np.unique(sites, axis=0).shape[0] != sites.shape[0]:
            raise ValueError("sites must be distinct")
        labels = np.asarray(self.labels)
        if labels.shape != (sites.shape[0],):
            raise ValueError("labels must have one entry per site")
        object.__setattr__(self, "sites", sites.astype(np.int64))
        object.__setattr__(self, "labels", labels.astype(np.int64))
        spacing = _v.real_scalar(self.spacing, "spacing", "m", positive=True)
        object.__setattr__(self, "spacing", spacing)
        origin = _v.vectors(self.origin, "origin", "m", shape=(3,))
        object.__setattr__(self, "origin", origin)

    @property
    def n_sites(self):
        """Number of cells ``N``."""
        return self.sites.shape[0]

    @property
    def positions(self):
        """Cell centres in m, shape (N, 3)."""
        return self.origin + self.spacing * self.sites

    @property
    def cell_volume(self):
        """``d^3`` in m^3."""
        return self.spacing**3

    @property
    def box(self):
        """Shape of the bounding box of the occupied cells."""
        return tuple(int(v) for v in self.sites.max(axis=0) + 1)


def _centred(n, spacing):
    """``n`` cell-centre coordinates ``spacing`` apart, symmetric about 0."""
    return (np.arange(n) - (n - 1) / 2.0) * spacing


def _grid(extent, spacing):
    """Cell-centre coordinates covering ``[-extent, extent]`` symmetrically."""
    return _centred(int(np.ceil(2 * extent / spacing - 1e-9)), spacing)


def _from_mask(coords, mask, spacing, labels=None):
    xs, ys, zs = coords
    idx = np.argwhere(mask)
    if idx.shape[0] == 0:
        raise ValueError("resolution too coarse: no cell centre inside the particle")
    origin = np.array([xs[0], ys[0], zs[0]])
    lab = np.zeros(idx.shape[0], dtype=int) if labels is None else labels[mask]
    mins = idx.min(axis=0)
    return Lattice(idx, spacing, origin + spacing * mins, lab)


def ellipsoid_lattice(semi_axes, resolution, *, euler=(0.0, 0.0, 0.0)):
    """Cells whose centres lie inside an ellipsoid centred at the origin.

    Parameters
    ----------
    semi_axes : array_like, shape (3,)
        Semi-axes ``(a1, a2, a3)`` in m along the body axes.
    resolution : int
        Number of cells across the largest diameter ``2 max(a_i)`` (>= 2).
    euler : array_like, shape (3,), optional
        Orientation (z-y'-z'' Euler angles, rad) of the body frame.

    Returns
    -------
    Lattice
        ``spacing = 2 max(a_i) / resolution``.
    """
    a = _v.real_array(semi_axes, "semi_axes", "m", shape=(3,), positive=True)
    n = _v.integer(resolution, "resolution", minimum=2)
    rot = rotation_matrix(euler)
    d = 2 * a.max() / n
    # bounding half-widths of the rotated ellipsoid: sqrt(sum_i R_ki^2 a_i^2)
    half = np.sqrt((rot**2) @ a**2)
    coords = [_grid(h, d) for h in half]
    X, Y, Z = np.meshgrid(*coords, indexing="ij")
    body = np.stack([X, Y, Z], -1) @ rot  # body-frame coordinates R^T r
    mask = np.sum((body / a) ** 2, axis=-1) <= 1.0
    return _from_mask(coords, mask, d)


def cuboid_lattice(edges, resolution):
    """A rectangular box of cells (exactly representable: no staircase error).

    Parameters
    ----------
    edges : array_like, shape (3,)
        Edge lengths in m.
    resolution : int
        Cells along the longest edge (>= 1); the other edges get
        ``round(resolution * edge / longest)`` cells (>= 1).

    Returns
    -------
    Lattice
    """
    e = _v.real_array(edges, "edges", "m", shape=(3,), positive=True)
    n = _v.integer(resolution, "resolution", minimum=1)
    d = e.max() / n
    counts = np.maximum(1, np.rint(e / d).astype(int))
    coords = [_centred(c, d) for c in counts]
    mask = np.ones(tuple(counts), dtype=bool)
    return _from_mask(coords, mask, d)


def cylinder_lattice(radius, length, resolution):
    """A finite circular cylinder along z, centred at the origin.

    Parameters
    ----------
    radius : float
        Radius in m (> 0).
    length : float
        Length in m (> 0); the aspect ratio is ``length/(2 radius)``.
    resolution : int
        Cells across the diameter (>= 2); the length gets
        ``round(resolution * length/(2 radius))`` cells.

    Returns
    -------
    Lattice
    """
    r = _v.real_scalar(radius, "radius", "m", positive=True)
    length = _v.real_scalar(length, "length", "m", positive=True)
    n = _v.integer(resolution, "resolution", minimum=2)
    d = 2 * r / n
    nz = max(1, int(np.rint(length / d)))
    xs = _centred(n, d)
    zs = _centred(nz, d)
    X, Y, _ = np.meshgrid(xs, xs, zs, indexing="ij")
    mask = X**2 + Y**2 <= r**2
    return _from_mask([xs, xs, zs], mask, d)


def sphere_pair_lattice(radius, separation, resolution, *, axis=2):
    """Two equal spheres on one lattice, centres ``separation`` apart along ``axis``.

    Parameters
    ----------
    radius : float
        Sphere radius in m (> 0).
    separation : float
        Centre-to-centre distance in m; it is rounded to a whole number of
        cells (the realised value is returned as ``Lattice`` positions).
    resolution : int
        Cells across one diameter (>= 2).
    axis : int, optional
        0, 1 or 2.

    Returns
    -------
    Lattice
        ``labels`` 0 and 1 mark the two spheres; they must not overlap.
    """
    a = _v.real_scalar(radius, "radius", "m", positive=True)
    sep = _v.real_scalar(separation, "separation", "m", positive=True)
    n = _v.integer(resolution, "resolution", minimum=2)
    if axis not in (0, 1, 2) or isinstance(axis, bool):
        raise ValueError(f"axis must be 0, 1 or 2; got {axis!r}")
    one = ellipsoid_lattice([a, a, a], n)
    shift = int(np.rint(sep / one.spacing))
    if shift * one.spacing <= 2 * a:
        raise ValueError(
            "separation must exceed the diameter (non-overlapping spheres)"
        )
    s2 = one.sites.copy()
    s2[:, axis] += shift
    sites = np.concatenate([one.sites, s2])
    labels = np.concatenate([np.zeros(one.n_sites, int), np.ones(one.n_sites, int)])
    return Lattice(sites, one.spacing, one.origin, labels)


# ------------------------------------------------------------------- operator
def cell_inverse_susceptibility(permittivity, n_sites):
    """Diagonal blocks ``(eps - 1)^{-1} + 1/3`` (inverse Clausius-Mossotti), (N, 3, 3).

    Parameters
    ----------
    permittivity : float, inf, array_like (3, 3) or (N, 3, 3)
        Relative permittivity: scalar > 1, ``numpy.inf`` (perfect conductor),
        or real symmetric tensors with eigenvalues > 1.
    n_sites : int
        Number of cells.

    Returns
    -------
    ndarray, shape (N, 3, 3)
        Dimensionless.
    """
    n = _v.integer(n_sites, "n_sites", minimum=1)
    if isinstance(permittivity, (bool, np.bool_)):
        raise TypeError("permittivity must be a number or an array, not a boolean")
    eps = np.asarray(permittivity)
    if np.iscomplexobj(eps):
        raise ValueError("permittivity must be real (lossless statics)")
    eps = eps.astype(float)
    if eps.ndim == 0:
        e = float(eps)
        if np.isnan(e) or e <= 1.0:
            raise ValueError(f"permittivity must be > 1 (or inf); got {permittivity!r}")
        inv = 0.0 if np.isinf(e) else 1.0 / (e - 1.0)
        return np.broadcast_to((inv + 1.0 / 3.0) * np.eye(3), (n, 3, 3)).copy()
    if eps.shape == (3, 3):
        eps = np.broadcast_to(eps, (n, 3, 3))
    if eps.shape != (n, 3, 3) or not np.all(np.isfinite(eps)):
        raise ValueError(
            f"permittivity tensors must be finite with shape (3, 3) or ({n}, 3, 3)"
        )
    if not np.allclose(eps, np.swapaxes(eps, -1, -2), rtol=0, atol=1e-12):
        raise ValueError("permittivity tensors must be symmetric")
    if np.min(np.linalg.eigvalsh(eps)) <= 1.0:
        raise ValueError("permittivity tensor eigenvalues must be > 1")
    return np.linalg.inv(eps - np.eye(3)) + np.eye(3) / 3.0


def lattice_green(offsets):
    """``G_0`` of Eq. (9) on integer lattice offsets (lattice units, ``d = 1``).

    Parameters
    ----------
    offsets : array_like, shape (..., 3)
        Integer (or real) offsets; the entry for offset 0 is set to 0.

    Returns
    -------
    ndarray, shape (..., 3, 3)
        ``(3 r r - r^2 1)/(4 pi r^5)``
        (:func:`optbind.green.electrostatic_green` in lattice units).
    """
    r = _v.vectors(offsets, "offsets", "lattice units")
    zero = ~np.any(r != 0, axis=-1)
    g = electrostatic_green(np.where(zero[..., None], 1.0, r))
    g[zero] = 0.0
    return g


_LD = np.longdouble
_NEWELL_EXACT = (
    24  # |offset_i| beyond which the point kernel is used (rel. error < 1e-6)
)


def _ratio(num, den):
    out = np.zeros(np.broadcast(num, den).shape, dtype=_LD)
    np.divide(num, den, out=out, where=(den != 0))
    return out


def _newell_f(x, y, z):
    x, y, z = np.abs(x), np.abs(y), np.abs(z)
    x2, y2, z2 = x * x, y * y, z * z
    r = np.sqrt(x2 + y2 + z2)
    sxz, sxy = np.sqrt(x2 + z2), np.sqrt(x2 + y2)
    return (
        0.5 * y * (z2 - x2) * np.where(sxz > 0, np.arcsinh(_ratio(y, sxz)), 0)
        + 0.5 * z * (y2 - x2) * np.where(sxy > 0, np.arcsinh(_ratio(z, sxy)), 0)
        - x * y * z * np.where(x * r != 0, np.arctan(_ratio(y * z, x * r)), 0)
        + (2 * x2 - y2 - z2) * r / 6
    )


def _newell_g(x, y, z):
    z = np.abs(z)
    x2, y2, z2 = x * x, y * y, z * z
    r = np.sqrt(x2 + y2 + z2)
    sxy, syz, sxz = np.sqrt(x2 + y2), np.sqrt(y2 + z2), np.sqrt(x2 + z2)

    def asinh(num, den):
        return np.where(den > 0, np.arcsinh(_ratio(num, den)), 0)

    def atan(num, den):
        return np.where(den != 0, np.arctan(_ratio(num, den)), 0)

    return (
        x * y * z * asinh(z, sxy)
        + y / 6 * (3 * z2 - y2) * asinh(x, syz)
        + x / 6 * (3 * z2 - x2) * asinh(y, sxz)
        - z2 * z / 6 * atan(x * y, z * r)
        - z * y2 / 2 * atan(x * z, y * r)
        - z * x2 / 2 * atan(y * z, x * r)
        - x * y * r / 3
    )


def _second_difference(fun, x, y, z):
    w = {-1: -1.0, 0: 2.0, 1: -1.0}
    total = 0
    for i in (-1, 0, 1):
        for j in (-1, 0, 1):
            for k in (-1, 0, 1):
                total = total + w[i] * w[j] * w[k] * fun(x + i, y + j, z + k)
    return total / (4 * np.pi)


_NEWELL_TABLE = []


def _newell_table():
    """``-N`` on the octant ``0..24`` (computed once, in extended precision)."""
    if not _NEWELL_TABLE:
        r = np.arange(_NEWELL_EXACT + 1, dtype=_LD)
        x, y, z = (v.ravel() for v in np.meshgrid(r, r, r, indexing="ij"))
        n = np.empty(x.shape + (3, 3), dtype=_LD)
        n[:, 0, 0] = _second_difference(_newell_f, x, y, z)
        n[:, 1, 1] = _second_difference(_newell_f, y, x, z)
        n[:, 2, 2] = _second_difference(_newell_f, z, y, x)
        n[:, 0, 1] = n[:, 1, 0] = _second_difference(_newell_g, x, y, z)
        n[:, 0, 2] = n[:, 2, 0] = _second_difference(_newell_g, x, z, y)
        n[:, 1, 2] = n[:, 2, 1] = _second_difference(_newell_g, y, z, x)
        m = _NEWELL_EXACT + 1
        table = -n.astype(float).reshape(m, m, m, 3, 3)
        table[0, 0, 0] = 0.0
        _NEWELL_TABLE.append(table)
    return _NEWELL_TABLE[0]


def cell_averaged_green(offsets):
    """Cell-averaged static kernel between unit cubes: ``-N(offset)`` (Newell et al.).

    ``N`` is the demagnetising tensor of Newell, Williams & Dunlop,
    J. Geophys. Res. 98, 9551 (1993): the field averaged over the target cube
    due to a uniformly polarised source cube is ``-N P/eps0``.  It equals
    ``(1/d^3) int int G_0`` over both cells (Galerkin discretisation with
    piecewise-constant polarisation; checked against a 6-d Gauss quadrature
    in the tests), ``N(0) = 1/3`` for the self-term, and tends to ``-G_0``
    (Eq. 9) with a relative difference ``O(|offset|^-4)`` (measured 3e-4 at
    distance 6, 1.6e-6 at 20).  The 27-term second differences are evaluated
    in extended precision on the octant ``|offset_i| <= 24`` (diagonal
    components even, off-diagonal ones odd in each offset component); beyond
    it the point kernel is used (relative difference < 1e-6).

    ``offsets`` as in :func:`lattice_green`, but integer.  Returns ``-N``
    (the field per unit ``P/eps0``), shape (..., 3, 3), so that it replaces
    :func:`lattice_green`; the offset-0 entry is 0 (the self-term is part of
    the diagonal block).
    """
    off = np.asarray(offsets)
    if not np.all(np.isfinite(off)) or not np.allclose(off, np.rint(off)):
        raise ValueError("offsets must be integer lattice vectors")
    off = np.rint(off).astype(np.int64)
    out = lattice_green(off)
    near = np.max(np.abs(off), axis=-1) <= _NEWELL_EXACT
    if np.any(near):
        o = off[near]
        t = _newell_table()[np.abs(o[:, 0]), np.abs(o[:, 1]), np.abs(o[:, 2])]
        sg = np.where(o < 0, -1.0, 1.0)
        out[near] = t * sg[:, :, None] * sg[:, None, :]
    return out


def _coupling(offsets, kernel):
    if kernel == "point":
        return lattice_green(offsets)
    if kernel == "galerkin":
        return cell_averaged_green(offsets)
    raise ValueError(f"kernel must be 'point' or 'galerkin'; got {kernel!r}")


def _site_coupling(lattice, kernel):
    """``G(n_j - n_k)`` for every pair of cells, shape (N, N, 3, 3), zero for j = k.

    The kernel is evaluated once per distinct offset (the ``(2 b - 1)^3`` box
    spanned by the lattice) and gathered for the ``N^2`` pairs.
    """
    box = np.array(lattice.box)
    axes = [np.arange(1 - b, b) for b in box]
    table = _coupling(np.stack(np.meshgrid(*axes, indexing="ij"), -1), kernel)
    idx = lattice.sites[:, None, :] - lattice.sites[None, :, :] + (box - 1)
    return table[idx[..., 0], idx[..., 1], idx[..., 2]]


def _dense(blocks):
    """(N, N, 3, 3) blocks as one (3N, 3N) matrix, row/column ``3 j + a``."""
    n = blocks.shape[0]
    return blocks.transpose(0, 2, 1, 3).reshape(3 * n, 3 * n)


def _system_matrix(lattice, diag, kernel):
    """``A``: diagonal blocks ``diag``, off-diagonal ``-G(n_j - n_k)``."""
    a = -_site_coupling(lattice, kernel)
    idx = np.arange(lattice.n_sites)
    a[idx, idx] = diag
    return _dense(a)


def _unit_fields(n_sites):
    """Uniform unit applied fields along x, y, z: shape (N, 3, 3), last axis the rhs."""
    return np.broadcast_to(np.eye(3), (n_sites, 3, 3))


def interaction_matrix(lattice, permittivity, *, kernel="point"):
    """Dense system matrix ``A`` (3N x 3N, lattice units), row/column ``3 j + a``.

    Parameters
    ----------
    lattice : Lattice
    permittivity
        As in :func:`cell_inverse_susceptibility`.
    kernel : {"point", "galerkin"}, optional
        Point-dipole ``G_0`` between cell centres (coupled dipoles with
        Clausius-Mossotti cells), or the cell-averaged kernel
        :func:`cell_averaged_green` (Galerkin).

    Returns
    -------
    ndarray, shape (3N, 3N)
        ``A = blockdiag[(eps - 1)^{-1} + 1/3] - G(n_j - n_k)`` (off-diagonal).
    """
    diag = cell_inverse_susceptibility(permittivity, _lattice(lattice).n_sites)
    return _system_matrix(lattice, diag, kernel)


class _FFTOperator:
    """Matrix-free ``A`` by FFT convolution on the zero-padded bounding box."""

    def __init__(self, lattice, diag, kernel):
        self.sites = lattice.sites
        box = np.array(lattice.box)
        self.shape = tuple(int(sfft.next_fast_len(int(2 * b), real=True)) for b in box)
        axes = []
        for b, m in zip(box, self.shape):
            o = np.arange(m)
            o = np.where(o < m - b + 1, o, o - m)  # offsets in (-(b-1), b-1]
            o = np.where(np.abs(o) < b, o, 0)
            axes.append(o)
        O = np.stack(np.meshgrid(*axes, indexing="ij"), -1)
        valid = np.ones(self.shape, dtype=bool)
        for ax, b in enumerate(box):
            sl = [slice(None)] * 3
            o = np.arange(self.shape[ax])
            bad = (o >= b) & (o <= self.shape[ax] - b)
            sl[ax] = bad
            valid[tuple(sl)] = False
        g = _coupling(O, kernel) * valid[..., None, None]
        self.pairs = [(0, 0), (1, 1), (2, 2), (0, 1), (0, 2), (1, 2)]
        self.g_hat = {p: sfft.rfftn(g[..., p[0], p[1]], workers=-1) for p in self.pairs}
        self.diag = diag
        self.n = lattice.n_sites

    def apply(self, u):
        u = u.reshape(self.n, 3)
        s = tuple(self.sites.T)
        u_hat = []
        for c in range(3):
            buf = np.zeros(self.shape)
            buf[s] = u[:, c]
            u_hat.append(sfft.rfftn(buf, workers=-1))
        out = np.einsum("nab,nb->na", self.diag, u)
        for a in range(3):
            acc = 0
            for b in range(3):
                key = (min(a, b), max(a, b))
                acc = acc + self.g_hat[key] * u_hat[b]
            out[:, a] -= sfft.irfftn(acc, s=self.shape, workers=-1)[s]
        return out.ravel()


@dataclass(frozen=True)
class StaticSolution:
    """Result of :func:`solve_static`.

    Attributes
    ----------
    lattice : Lattice
    polarization : ndarray, shape (N, 3) or (N, 3, n_rhs)
        ``P_j`` in C/m^2 per the applied field(s).
    internal_field : ndarray
        Macroscopic field ``E_j = P_j/(eps0 (eps - 1))`` in V/m (zero for a
        conductor).
    dipole_moment : ndarray, shape (3,) or (3, n_rhs)
        ``sum_j P_j d^3`` in C m.
    iterations : int
        Krylov iterations (0 for the dense solve).
    residual : float
        ``|A u - b| / |b|`` (measured).
    """

    lattice: Lattice
    polarization: np.ndarray
    internal_field: np.ndarray
    dipole_moment: np.ndarray
    iterations: int
    residual: float


def _solve(lattice, diag, rhs, method, tol, dense_limit, kernel):
    """Solve ``A u = rhs`` (rhs shape (3N, n_rhs)) in lattice units."""
    n3 = 3 * lattice.n_sites
    if method == "auto":
        method = "dense" if lattice.n_sites <= dense_limit else "cg"
    if method == "dense":
        a = _system_matrix(lattice, diag, kernel)
        u = sla.solve(a, rhs, assume_a="sym")
        res = np.linalg.norm(a @ u - rhs) / np.linalg.norm(rhs)
        return u, 0, float(res)
    if method not in ("cg", "gmres", "bicgstab"):
        raise ValueError(
            f"method must be 'auto', 'dense', 'cg', 'gmres' or 'bicgstab'; "
            f"got {method!r}"
        )
    op = _FFTOperator(lattice, diag, kernel)
    lin = LinearOperator((n3, n3), matvec=op.apply, dtype=float)
    dinv = np.linalg.inv(diag)
    pre = LinearOperator(
        (n3, n3),
        dtype=float,
        matvec=lambda v: np.einsum("nab,nb->na", dinv, v.reshape(-1, 3)).ravel(),
    )
    out = np.empty_like(rhs)
    its = 0
    for c in range(rhs.shape[1]):
        count = [0]

        def cb(*_, count=count):
            count[0] += 1

        solver = {"cg": cg, "gmres": gmres, "bicgstab": bicgstab}[method]
        kw = dict(rtol=tol, atol=0.0, M=pre, maxiter=20 * n3, callback=cb)
        if method == "gmres":
            kw.update(restart=60, callback_type="pr_norm")
        x, info = solver(lin, rhs[:, c], **kw)
        if info != 0:
            raise RuntimeError(f"{method} did not converge (info={info})")
        out[:, c] = x
        its += count[0]
    res = max(
        np.linalg.norm(op.apply(out[:, c]) - rhs[:, c]) / np.linalg.norm(rhs[:, c])
        for c in range(rhs.shape[1])
    )
    return out, its, float(res)


def solve_static(
    lattice,
    permittivity,
    applied_field,
    *,
    method="auto",
    tol=1e-10,
    dense_limit=1500,
    kernel="point",
):
    """Solve the discretised Eq. (15) for given applied (transverse) fields.

    Parameters
    ----------
    lattice : Lattice
    permittivity
        As in :func:`cell_inverse_susceptibility`.
    applied_field : array_like, shape (3,), (N, 3) or (N, 3, n_rhs)
        ``E_0(r_j)`` in V/m: a uniform vector, one vector per cell, or several
        right-hand sides (last axis).
    method : {"auto", "dense", "cg", "gmres", "bicgstab"}, optional
        ``auto`` uses ``dense`` up to ``dense_limit`` cells, else FFT + CG.
    tol : float, optional
        Relative residual of the Krylov solve.
    dense_limit : int, optional
        Largest ``N`` solved densely by ``auto``.
    kernel : {"point", "galerkin"}, optional
        See :func:`interaction_matrix`.

    Returns
    -------
    StaticSolution
    """
    n = _lattice(lattice).n_sites
    tol = _v.real_scalar(tol, "tol", positive=True)
    dense_limit = _v.integer(dense_limit, "dense_limit", minimum=0)
    diag = cell_inverse_susceptibility(permittivity, n)
    e0 = np.asarray(applied_field, dtype=float)
    if not np.all(np.isfinite(e0)):
        raise ValueError("applied_field must be finite (real amplitudes, V/m)")
    single = e0.ndim < 3
    if e0.shape == (3,):
        e0 = np.broadcast_to(e0[None, :, None], (n, 3, 1))
    elif e0.shape == (n, 3):
        e0 = e0[:, :, None]
    elif not (e0.ndim == 3 and e0.shape[:2] == (n, 3)):
        raise ValueError(
            f"applied_field must have shape (3,), ({n}, 3) or ({n}, 3, n_rhs); "
            f"got {e0.shape}"
        )
    rhs = np.ascontiguousarray(e0.reshape(3 * n, -1))
    u, its, res = _solve(lattice, diag, rhs, method, tol, dense_limit, kernel)
    u = u.reshape(n, 3, -1)
    pol = EPSILON_0 * u
    chi_cell = diag - np.eye(3) / 3.0  # (eps - 1)^-1
    field = np.einsum("nab,nbc->nac", chi_cell, u)
    moment = pol.sum(axis=0) * lattice.cell_volume
    if single:
        pol, field, moment = pol[..., 0], field[..., 0], moment[..., 0]
    return StaticSolution(lattice, pol, field, moment, its, res)


def polarizability_tensor(lattice, permittivity, **solver):
    """Polarisability tensor of Eq. (42), ``eps0 int int K_0``, in C m^2/V.

    Three solves with unit uniform fields along x, y, z; column ``b`` is the
    induced moment per unit field along ``b``.

    Parameters
    ----------
    lattice : Lattice
    permittivity
        As in :func:`cell_inverse_susceptibility`.
    **solver
        ``method``, ``tol``, ``dense_limit`` of :func:`solve_static`.

    Returns
    -------
    ndarray, shape (3, 3)
        Symmetric (to solver tolerance).
    """
    unit = _unit_fields(_lattice(lattice).n_sites)
    return solve_static(lattice, permittivity, unit, **solver).dipole_moment


def normalized_polarizability(lattice, permittivity, volume=None, **solver):
    """``alpha/(eps0 V)`` (dimensionless; the susceptibility ``chi`` for ellipsoids).

    Parameters
    ----------
    lattice : Lattice
    permittivity
        As in :func:`cell_inverse_susceptibility`.
    volume : float, optional
        Particle volume in m^3.  Default: the volume of the cells,
        ``N d^3``; this is the usual DDA "volume-corrected" convention (the
        cells are taken to fill the true volume exactly, i.e. ``d`` is
        rescaled so that ``N d^3 = V``), which removes the leading staircase
        volume error.
    **solver
        As in :func:`polarizability_tensor`.

    Returns
    -------
    ndarray, shape (3, 3)
    """
    alpha = polarizability_tensor(lattice, permittivity, **solver)
    v = (
        lattice.n_sites * lattice.cell_volume
        if volume is None
        else _v.real_scalar(volume, "volume", "m^3", positive=True)
    )
    return alpha / (EPSILON_0 * v)


# ------------------------------------------------------------ kernels, symmetry
def discrete_kernels(lattice, permittivity, *, kernel="point"):
    """Dense discrete kernels ``K`` (from Eq. 15) and ``L`` (from Eq. 13), in 1/m^3.

    ``K = (1 - (eps - 1) G~)^{-1} (eps - 1) / d^3`` and
    ``L = (1 - G~ (eps - 1))^{-1} / d^3`` with ``G~`` the collocated ``G_0``
    including the cell self-term ``-1/3``; each is obtained by its own dense
    inversion, so the relations between them are checks, not identities of
    the code.  Finite permittivities only.

    Parameters
    ----------
    lattice : Lattice
        Keep ``N`` small (dense 3N x 3N inverses).
    permittivity
        Scalar, (3, 3) or (N, 3, 3) (not ``inf``).
    kernel : {"point", "galerkin"}, optional
        See :func:`interaction_matrix`.

    Returns
    -------
    K, L : ndarray, shape (3N, 3N)
        ``K[3j + a, 3k + b] = K_ab(r_j, r_k)``.
    eps_minus_one : ndarray, shape (3N, 3N)
        Block-diagonal ``eps - 1``.
    """
    n = _lattice(lattice).n_sites
    if np.ndim(permittivity) == 0 and np.isinf(float(permittivity)):
        raise ValueError("discrete_kernels needs a finite permittivity")
    diag = cell_inverse_susceptibility(permittivity, n)
    w_blocks = np.linalg.inv(diag - np.eye(3) / 3.0)  # eps - 1
    g = _site_coupling(lattice, kernel)
    g[np.arange(n), np.arange(n)] = -np.eye(3) / 3.0
    g = _dense(g)
    w = sla.block_diag(*w_blocks)
    eye = np.eye(3 * n)
    dv = lattice.cell_volume
    k_mat = np.linalg.solve(eye - w @ g, w) / dv
    l_mat = np.linalg.inv(eye - g @ w) / dv
    return k_mat, l_mat, w


def kernel_symmetry_residuals(lattice, permittivity, *, kernel="point"):
    """Relative residuals of the symmetry relations stated after Eqs. (13) and (15).

    Parameters
    ----------
    lattice : Lattice
    permittivity, kernel
        As in :func:`discrete_kernels`.

    Returns
    -------
    dict
        ``K_symmetry``: ``|K(r, r') - K^T(r', r)| / |K|``;
        ``L_symmetry``: ``|(eps-1) L(r, r') - L^T(r', r)(eps-1)| / |(eps-1) L|``;
        ``K_equals_eps_minus_one_L``: ``|K - (eps-1) L| / |K|`` (Frobenius norms).
    """
    k_mat, l_mat, w = discrete_kernels(lattice, permittivity, kernel=kernel)
    wl = w @ l_mat
    nk = np.linalg.norm(k_mat)
    return {
        "K_symmetry": float(np.linalg.norm(k_mat - k_mat.T) / nk),
        "L_symmetry": float(np.linalg.norm(wl - l_mat.T @ w) / np.linalg.norm(wl)),
        "K_equals_eps_minus_one_L": float(np.linalg.norm(k_mat - wl) / nk),
    }


# --------------------------------------------------------- convergence studies
def interior_mask(lattice, semi_axes, *, euler=(0.0, 0.0, 0.0), fraction=0.5):
    """Cells with ellipsoidal radius ``|R^T r / a| <= fraction`` (off the surface).

    Parameters
    ----------
    lattice : Lattice
        An ellipsoid centred at the origin (:func:`ellipsoid_lattice`).
    semi_axes, euler
        As in :func:`ellipsoid_lattice`.
    fraction : float, optional
        In (0, 1].

    Returns
    -------
    ndarray, shape (N,), bool
    """
    a = _v.real_array(semi_axes, "semi_axes", "m", shape=(3,), positive=True)
    f = _v.real_scalar(fraction, "fraction", positive=True, maximum=1.0)
    rot = rotation_matrix(euler)
    body = lattice.positions @ rot
    return np.sqrt(np.sum((body / a) ** 2, axis=-1)) <= f


def ellipsoid_convergence(semi_axes, permittivity, resolutions, *,
                          euler=(0.0, 0.0, 0.0), fraction=0.5, method="auto",
                          tol=1e-10, dense_limit=1500, kernel="point"):
    """DDA susceptibility and internal-field uniformity of an ellipsoid versus Eq. (32).

    Parameters
    ----------
    semi_axes : array_like, shape (3,)
        Semi-axes in m.
    permittivity : float
        Relative permittivity (> 1).
    resolutions : sequence of int
        Cells across the largest diameter, one study point each.
    euler : array_like, optional
        Orientation (rad).
    fraction : float, optional
        Interior region for the uniformity measure (:func:`interior_mask`).
    method, tol, dense_limit, kernel
        As in :func:`solve_static`.

    Returns
    -------
    dict of ndarray
        ``n_sites``; ``spacing`` (m); ``chi`` (DDA ``alpha/(eps0 V)``, volume
        corrected, shape (n, 3, 3)); ``chi_exact`` (Eq. 32 with Eq. 33, (3, 3));
        ``error`` (``|chi - chi_exact| / |chi_exact|``, Frobenius);
        ``spread_max`` and ``spread_rms`` (interior deviation of the
        polarisation from the uniform Eq. 31 value, relative, over the three
        field directions); ``spread_all_max`` (the same over all cells,
        including the surface layer); ``iterations``.
    """
    a = _v.real_array(semi_axes, "semi_axes", "m", shape=(3,), positive=True)
    eps = _v.permittivity(permittivity)
    chi_ex = susceptibility_tensor(eps, a, euler=euler)
    solver = dict(method=method, tol=tol, dense_limit=dense_limit, kernel=kernel)
    keys = ("n_sites", "spacing", "chi", "error", "spread_max", "spread_rms",
            "spread_all_max", "iterations")
    out = {k: [] for k in keys}
    for res in resolutions:
        lat = ellipsoid_lattice(a, res, euler=euler)
        sol = solve_static(lat, eps, _unit_fields(lat.n_sites), **solver)
        u = sol.polarization / EPSILON_0  # (N, 3, 3): u_j for unit fields
        chi = u.mean(axis=0)
        dev = np.linalg.norm(u - chi_ex[None], axis=1) / np.linalg.norm(chi_ex, axis=0)
        inner = interior_mask(lat, a, euler=euler, fraction=fraction)
        out["n_sites"].append(lat.n_sites)
        out["spacing"].append(lat.spacing)
        out["chi"].append(chi)
        out["error"].append(np.linalg.norm(chi - chi_ex) / np.linalg.norm(chi_ex))
        out["spread_max"].append(dev[inner].max())
        out["spread_rms"].append(np.sqrt(np.mean(dev[inner] ** 2)))
        out["spread_all_max"].append(dev.max())
        out["iterations"].append(sol.iterations)
    result = {k: np.array(v) for k, v in out.items()}
    result["chi_exact"] = chi_ex
    result["depolarization_factors"] = depolarization_factors(a)
    return result


def fit_power_law(x, y):
    """Least-squares fit ``y = c x^p`` in log-log, with the standard error of ``p``.

    Parameters
    ----------
    x, y : array_like
        Positive data (at least 3 points).

    Returns
    -------
    dict
        ``exponent``, ``exponent_error`` (1 sigma from the residual scatter),
        ``prefactor``.
    """
    x = _v.real_array(x, "x", positive=True)
    y = _v.real_array(y, "y", positive=True)
    if x.shape != y.shape or x.ndim != 1 or x.size < 3:
        raise ValueError("x and y must be 1-d of equal length >= 3")
    lx, ly = np.log(x), np.log(y)
    design = np.stack([lx, np.ones_like(lx)], 1)
    coef, res, *_ = np.linalg.lstsq(design, ly, rcond=None)
    dof = x.size - 2
    sigma2 = float(res[0]) / dof if res.size and dof > 0 else 0.0
    cov = sigma2 * np.linalg.inv(design.T @ design)
    return {
        "exponent": float(coef[0]),
        "exponent_error": float(np.sqrt(cov[0, 0])),
        "prefactor": float(np.exp(coef[1])),
    }


def extrapolate_to_continuum(spacings, values, *, order=2):
    """Extrapolate ``values(d)`` to ``d -> 0`` by a polynomial in ``d``, with error bar.

    Fits ``v(d) = v0 + c1 d + ... + c_order d^order`` by least squares (the
    DDA error is ``O(d)`` with an ``O(d^2)`` tail, Yurkin & Hoekstra, J. Opt.
    Soc. Am. A 23, 2578 (2006)).  The error bar combines the fit's 1-sigma
    uncertainty of ``v0`` with the change of ``v0`` when the order is lowered
    by one (a model-error estimate).

    Parameters
    ----------
    spacings : array_like
        Lattice spacings (any unit; > 0), at least ``order + 2`` of them.
    values : array_like
        Same length; the quantity at each spacing.
    order : int, optional
        Polynomial order (>= 1).

    Returns
    -------
    dict
        ``value``, ``error``, ``fit_error``, ``model_error``, ``coefficients``.
    """
    d = _v.real_array(spacings, "spacings", positive=True)
    v = np.asarray(values, dtype=float)
    order = _v.integer(order, "order", minimum=1)
    if v.shape != d.shape or d.ndim != 1 or d.size < order + 2:
        raise ValueError("need 1-d spacings and values of equal length >= order + 2")

    def fit(o):
        design = np.vander(d, o + 1, increasing=True)
        coef = np.linalg.lstsq(design, v, rcond=None)[0]
        dof = d.size - (o + 1)
        r = float(np.sum((design @ coef - v) ** 2))
        cov = (r / dof if dof > 0 else 0.0) * np.linalg.inv(design.T @ design)
        return coef, float(np.sqrt(cov[0, 0]))

    coef, err = fit(order)
    coef_low, _ = fit(order - 1) if order > 1 else (coef, 0.0)
    model = abs(coef[0] - coef_low[0])
    return {
        "value": float(coef[0]),
        "error": float(np.hypot(err, model)),
        "fit_error": err,
        "model_error": float(model),
        "coefficients": coef,
    }


def extrapolate_power_law(spacings, values):
    """Extrapolate with a free exponent, ``v(d) = v0 + c d^p`` (non-linear fit).

    For fields with edge singularities (a conducting cube) the discretisation
    error is a non-integer power of ``d``.  The error bar combines the fit's
    1-sigma uncertainty of ``v0`` with the change of ``v0`` when the coarsest
    point is dropped.

    Parameters
    ----------
    spacings, values : array_like
        At least 5 points.

    Returns
    -------
    dict
        ``value``, ``error``, ``exponent``, ``exponent_error``.
    """
    from scipy.optimize import curve_fit

    d = _v.real_array(spacings, "spacings", positive=True)
    v = np.asarray(values, dtype=float)
    if v.shape != d.shape or d.ndim != 1 or d.size < 5:
        raise ValueError("need 1-d spacings and values of equal length >= 5")
    order = np.argsort(d)
    d, v = d[order], v[order]

    def model(x, v0, c, p):
        return v0 + c * x**p

    def fit(dd, vv):
        lin = np.polyfit(dd, vv, 1)
        popt, pcov = curve_fit(model, dd, vv, p0=[lin[1], lin[0], 1.0], maxfev=20000)
        return popt, np.sqrt(np.diag(pcov))

    popt, perr = fit(d, v)
    popt_fine, _ = fit(d[:-1], v[:-1])
    model_err = abs(popt[0] - popt_fine[0])
    return {
        "value": float(popt[0]),
        "error": float(np.hypot(perr[0], model_err)),
        "exponent": float(popt[2]),
        "exponent_error": float(perr[2]),
    }


def shape_polarizability(shape, permittivity, resolutions, *, aspect_ratio=1.0, order=2,
                         method="auto", tol=1e-10, dense_limit=1500, kernel="point"):
    """Normalised polarisability (Eq. 42) of a cube or finite cylinder, extrapolated.

    Parameters
    ----------
    shape : {"cube", "cylinder"}
        Cube of edge 1 (in lattice units), or cylinder along z with
        ``length/diameter = aspect_ratio``.
    permittivity : float
        Relative permittivity (> 1, or ``numpy.inf``).
    resolutions : sequence of int
        Cells along the edge (cube) or across the diameter (cylinder).
    aspect_ratio : float, optional
        Cylinder length over diameter.
    order : int, optional
        Order of the extrapolation (:func:`extrapolate_to_continuum`).
    method, tol, dense_limit, kernel
        As in :func:`solve_static`.

    Returns
    -------
    dict
        ``n_sites``; ``spacing`` (relative to the edge/diameter);
        ``alpha_xx``, ``alpha_zz`` (``alpha/(eps0 V)``, ``V = N d^3``; choose
        resolutions with ``aspect_ratio * resolution`` integer for cylinders);
        ``xx`` and ``zz``: extrapolation dicts (``value``, ``error``...);
        ``xx_plateau``, ``zz_plateau``: mean and half range of the three finest
        resolutions (use these for staircase shapes, whose values oscillate).
    """
    _v.choice(shape, "shape", ("cube", "cylinder"))
    ar = _v.real_scalar(aspect_ratio, "aspect_ratio", positive=True)
    solver = dict(method=method, tol=tol, dense_limit=dense_limit, kernel=kernel)
    out = {"n_sites": [], "spacing": [], "alpha_xx": [], "alpha_zz": []}
    for res in resolutions:
        res = _v.integer(res, "resolution", minimum=2)
        if shape == "cube":
            lat = cuboid_lattice([1.0, 1.0, 1.0], res)
        else:
            lat = cylinder_lattice(0.5, ar, res)
        # normalised by the volume of the cells, N d^3 (see normalized_polarizability)
        a = normalized_polarizability(lat, permittivity, **solver)
        out["n_sites"].append(lat.n_sites)
        out["spacing"].append(lat.spacing)
        out["alpha_xx"].append(a[0, 0])
        out["alpha_zz"].append(a[2, 2])
    result = {k: np.array(v) for k, v in out.items()}
    result["xx"] = extrapolate_to_continuum(
        result["spacing"], result["alpha_xx"], order=order
    )
    result["zz"] = extrapolate_to_continuum(
        result["spacing"], result["alpha_zz"], order=order
    )
    # staircase shapes (cylinders) oscillate with resolution: the mean of the
    # three finest resolutions, with their half range as the error bar
    for key in ("xx", "zz"):
        fine = result["alpha_" + key][-3:]
        result[key + "_plateau"] = {
            "value": float(fine.mean()),
            "error": float((fine.max() - fine.min()) / 2),
        }
    return result


def pair_coupling(radius, separations, permittivity, resolution, *, axis=2,
                  method="auto", tol=1e-11, dense_limit=1500, kernel="point"):
    """Two-sphere coupling from discrete dipoles versus the kernel of Eq. (36).

    The coupling tensor ``C = int_{V_1} int_{V_2} K(r, r')`` (the moment
    induced in sphere 1 per unit field applied to sphere 2 only, over eps0)
    is obtained from solves with the field switched on in sphere 2 alone.
    Eq. (36) integrates to ``chi G_0(R) chi V_1 V_2``.  It is the first order
    of ``C`` in the interaction; the full ``C`` differs from it by

    * multiple scattering: the next path 2 -> 1 -> 2 -> 1 is smaller by
      ``(chi V G_0)^2 ~ (2 chi/3)^2 (a/R)^6``;
    * the finite size of the particles: none for a continuum sphere (the
      moment of a sphere in a harmonic field is ``chi V`` times the field at
      its centre, and a uniformly polarised sphere has an exact dipole
      field), but ``O((a/R)^2)`` for the digitised sphere, whose cubic
      lattice symmetry admits an octupole (l = 3 mixes with l = 1 in O_h).

    The DDA first-order coupling ``A_1^{-1} G_12 A_2^{-1}`` is computed too,
    so the two effects are separated.

    Parameters
    ----------
    radius : float
        Sphere radius in m.
    separations : array_like
        Centre distances in m (each rounded to whole cells; the realised
        distances are returned).
    permittivity : float
        Relative permittivity (> 1).
    resolution : int
        Cells across a diameter.
    axis : int, optional
        Direction of the separation (0, 1, 2).
    method, tol, dense_limit, kernel
        As in :func:`solve_static`.

    Returns
    -------
    dict of ndarray
        ``separation`` (m); ``coupling`` (full DDA), ``first_order`` (DDA,
        first order in the interaction), ``eq36`` (exact ``chi``) and
        ``eq36_dda_chi`` (the DDA ``chi`` of the same digitised sphere), all
        (n, 3, 3) in m^3; relative (Frobenius) deviations ``deviation``
        (full vs ``eq36``), ``deviation_dda_chi`` (full vs ``eq36_dda_chi``),
        ``finite_size`` (first order vs ``eq36_dda_chi``),
        ``multiple_scattering`` (full vs first order) and
        ``multiple_scattering_dipoles`` (the same for two point dipoles of
        polarisability ``eps0 chi_dda V``); ``chi_dda``.
    """
    eps = _v.permittivity(permittivity)
    seps = _v.real_array(separations, "separations", "m", positive=True)
    solver = dict(method=method, tol=tol, dense_limit=dense_limit, kernel=kernel)
    single = ellipsoid_lattice([radius] * 3, resolution)
    n1 = single.n_sites
    v_cells = n1 * single.cell_volume
    u_single = solve_static(single, eps, _unit_fields(n1), **solver).polarization
    u_single = u_single / EPSILON_0
    chi_dda = float(np.trace(u_single.mean(axis=0))) / 3.0
    chi = sphere_susceptibility(eps)
    keys = (
        "separation",
        "coupling",
        "first_order",
        "eq36",
        "eq36_dda_chi",
        "deviation",
        "deviation_dda_chi",
        "finite_size",
        "multiple_scattering",
        "multiple_scattering_dipoles",
    )
    out = {k: [] for k in keys}

    def rel(a, b):
        return np.linalg.norm(a - b) / np.linalg.norm(b)

    for s in np.ravel(seps):
        lat = sphere_pair_lattice(radius, s, resolution, axis=axis)
        one, two = lat.labels == 0, lat.labels == 1
        second = two[:, None, None] * np.eye(3)[None]
        sol = solve_static(lat, eps, second, **solver)
        coupling = sol.polarization[one].sum(axis=0) * lat.cell_volume / EPSILON_0
        # first order: field of sphere 2's single-particle polarisation on sphere 1,
        # by the FFT convolution on the pair lattice (zero diagonal blocks)
        conv = _FFTOperator(lat, np.zeros((lat.n_sites, 3, 3)), kernel)
        e1 = np.empty((n1, 3, 3))
        for b in range(3):
            v = np.zeros((lat.n_sites, 3))
            v[two] = u_single[:, :, b]
            e1[:, :, b] = -conv.apply(v.ravel()).reshape(-1, 3)[one]
        sol1 = solve_static(single, eps, e1, **solver)
        first = sol1.polarization.sum(axis=0) * single.cell_volume / EPSILON_0
        sep_vec = lat.positions[one].mean(axis=0) - lat.positions[two].mean(axis=0)
        g0 = electrostatic_green(sep_vec)  # SI, 1/m^3
        ref = chi * g0 * chi * v_cells**2
        ref_dda = chi_dda * g0 * chi_dda * v_cells**2
        beta_g = chi_dda * v_cells * g0
        dip_full = (
            np.linalg.solve(np.eye(3) - beta_g @ beta_g, beta_g) * chi_dda * v_cells
        )
        out["separation"].append(np.linalg.norm(sep_vec))
        out["coupling"].append(coupling)
        out["first_order"].append(first)
        out["eq36"].append(ref)
        out["eq36_dda_chi"].append(ref_dda)
        out["deviation"].append(rel(coupling, ref))
        out["deviation_dda_chi"].append(rel(coupling, ref_dda))
        out["finite_size"].append(rel(first, ref_dda))
        out["multiple_scattering"].append(rel(coupling, first))
        out["multiple_scattering_dipoles"].append(rel(dip_full, ref_dda))
    result = {k: np.array(v) for k, v in out.items()}
    result["chi_dda"] = chi_dda
    return result
