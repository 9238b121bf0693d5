"""Small homogeneous dielectric ellipsoids: shape, orientation and response.

An ellipsoid with semi-axes ``a1, a2, a3`` and relative permittivity
``eps`` responds to a (locally homogeneous) field with the susceptibility
tensor of Eq. (32),

.. math:: \\chi = R\\,\\mathrm{diag}\\Big(\\frac{\\varepsilon-1}{1+N_i(\\varepsilon-1)}\\Big)R^T ,

with the depolarisation factors ``N_i`` of Eq. (33) and the rotation ``R``
of the body frame (Euler angles in the z-y'-z'' convention, Eq. 16).  The
polarisability is ``alpha = eps0 V chi`` (text above Eq. 42).

Eq. (33) is homogeneous of degree zero in the lengths, so it gives the same
``N_i`` whether the ``l_i`` are read as semi-axes or as full diameters; this
module uses semi-axes throughout (the volume is ``4 pi a1 a2 a3 / 3``).

The radiation correction ``delta chi`` of Eq. (68) reduces, for a
homogeneous ellipsoid, to ``k^2/(8 pi V) chi M chi`` with the purely
geometric tensor

.. math:: M = \\int_V d^3r\\int_V d^3r'\\,
          \\frac{|s|^2\\mathbb 1 + s\\otimes s}{|s|^3},\\qquad s = r - r'.

Writing ``r = A u`` with ``A = diag(a1, a2, a3)`` and ``u`` in the unit ball,
and using the overlap volume of two unit balls at distance ``w``,
``pi (4 + w)(2 - w)^2/12``, the radial integral can be done in closed form
(``int_0^2 w * overlap dw = 8 pi / 15``), leaving a smooth integral over
directions:

.. math:: M = \\frac{8\\pi}{15}\\,(a_1a_2a_3)^2\\int d^2\\hat w\\,
          f(A\\hat w),\\qquad f(s) = \\frac{|s|^2\\mathbb 1 + s\\otimes s}{|s|^3}.

For a sphere of radius ``a`` this gives ``M = (128 pi^2/45) a^5 1`` and
``delta chi = (4/15) chi^2 k^2 a^2``, which scales as ``V^(2/3)`` (text
below Eq. 74).
"""
from __future__ import annotations

import numpy as np
from scipy.special import elliprd

from .conventions import EPSILON_0
from .green import sphere_quadrature

__all__ = [
    "volume",
    "depolarization_factors",
    "rotation_matrix",
    "susceptibility_tensor",
    "sphere_susceptibility",
    "polarizability",
    "radiation_kernel",
    "radiation_correction",
    "radiation_correction_sphere",
    "check_permittivity",
    "check_positive",
]


# ----------------------------------------------------------------- validation
def check_positive(value, name, unit=""):
    """Return ``value`` as a float array after checking it is finite and > 0.

    Parameters
    ----------
    value : array_like
        Quantity to check.
    name : str
        Parameter name used in the error message.
    unit : str, optional
        Unit shown in the error message.

    Raises
    ------
    ValueError
        If any element is not finite or not strictly positive.
    """
    arr = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite; got {value!r}")
    if np.any(arr <= 0):
        raise ValueError(
            f"{name} must be > 0{(' ' + unit) if unit else ''}; got {value!r}"
        )
    return arr


def check_permittivity(eps):
    """Check a relative permittivity: real, finite and ``eps > 1``.

    The theory (Sec. III) assumes a real, dispersion-free dielectric denser
    than vacuum; ``eps <= 1`` would give a non-positive susceptibility.

    Raises
    ------
    ValueError
        If ``eps`` is not a finite real number in ``(1, inf)``.
    """
    if np.iscomplexobj(eps):
        raise ValueError(f"eps must be real (lossless dielectric); got {eps!r}")
    e = float(eps)
    if not np.isfinite(e) or e <= 1.0:
        raise ValueError(
            f"eps (relative permittivity) must be finite and > 1; got {eps!r}"
        )
    return e


# ------------------------------------------------------------------ geometry
def volume(a1, a2, a3):
    """Volume of an ellipsoid with semi-axes ``a1, a2, a3`` (m^3).

    Parameters
    ----------
    a1, a2, a3 : float
        Semi-axes in metres (> 0).

    Returns
    -------
    float
        ``4 pi a1 a2 a3 / 3`` in m^3.
    """
    a = check_positive([a1, a2, a3], "semi-axes (a1, a2, a3)", "m")
    return 4.0 * np.pi * float(np.prod(a)) / 3.0


def depolarization_factors(a1, a2, a3):
    """Depolarisation factors ``(N_1, N_2, N_3)`` of an ellipsoid, Eq. (33).

    Uses Carlson's symmetric integral,
    ``N_1 = (a1 a2 a3 / 3) R_D(a2^2, a3^2, a1^2)``, which is Eq. (33)
    written in closed form (and cyclic permutations for ``N_2, N_3``).

    Parameters
    ----------
    a1, a2, a3 : float
        Semi-axes (or, equivalently, diameters: Eq. 33 is scale invariant),
        in metres, > 0.

    Returns
    -------
    ndarray, shape (3,)
        Dimensionless factors; they sum to 1 and equal 1/3 for a sphere.
    """
    a = check_positive([a1, a2, a3], "semi-axes (a1, a2, a3)", "m")
    a = a / a.max()  # scale invariance; avoids under/overflow
    sq = a**2
    pref = np.prod(a) / 3.0
    return np.array(
        [
            pref * elliprd(sq[1], sq[2], sq[0]),
            pref * elliprd(sq[2], sq[0], sq[1]),
            pref * elliprd(sq[0], sq[1], sq[2]),
        ]
    )


def rotation_matrix(alpha, beta, gamma):
    """Rotation matrix ``R = R_z(alpha) R_y(beta) R_z(gamma)`` (z-y'-z'', Eq. 16).

    Parameters
    ----------
    alpha, beta, gamma : float
        Euler angles in radians.

    Returns
    -------
    ndarray, shape (3, 3)
        Proper orthogonal matrix mapping body-frame to lab-frame components.
    """
    ang = np.asarray([alpha, beta, gamma], dtype=float)
    if not np.all(np.isfinite(ang)):
        raise ValueError(f"Euler angles must be finite; got {(alpha, beta, gamma)!r}")

    def rz(t):
        c, s = np.cos(t), np.sin(t)
        return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])

    def ry(t):
        c, s = np.cos(t), np.sin(t)
        return np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])

    return rz(ang[0]) @ ry(ang[1]) @ rz(ang[2])


# ------------------------------------------------------------------ response
def sphere_susceptibility(eps):
    """Susceptibility of a sphere, ``3 (eps - 1)/(eps + 2)`` (Eq. 32 with N = 1/3).

    Parameters
    ----------
    eps : float
        Relative permittivity (> 1).

    Returns
    -------
    float
        Dimensionless scalar susceptibility.
    """
    e = check_permittivity(eps)
    return 3.0 * (e - 1.0) / (e + 2.0)


def susceptibility_tensor(eps, a1, a2, a3, euler=(0.0, 0.0, 0.0)):
    """Susceptibility tensor of a homogeneous ellipsoid, Eq. (32).

    Parameters
    ----------
    eps : float
        Relative permittivity (> 1).
    a1, a2, a3 : float
        Semi-axes in metres (> 0), along the body axes.
    euler : tuple of float, optional
        Orientation ``(alpha, beta, gamma)`` in radians, z-y'-z''.

    Returns
    -------
    ndarray, shape (3, 3)
        Real symmetric, dimensionless ``R diag(chi_i) R^T``.
    """
    e = check_permittivity(eps)
    n = depolarization_factors(a1, a2, a3)
    chi_body = (e - 1.0) / (1.0 + n * (e - 1.0))
    rot = rotation_matrix(*euler)
    return rot @ np.diag(chi_body) @ rot.T


def polarizability(eps, a1, a2, a3, euler=(0.0, 0.0, 0.0)):
    """Polarisability tensor ``alpha = eps0 V chi`` (text above Eq. 42).

    Parameters
    ----------
    eps, a1, a2, a3, euler
        As in :func:`susceptibility_tensor`.

    Returns
    -------
    ndarray, shape (3, 3)
        In C m^2 / V (SI).
    """
    return EPSILON_0 * volume(a1, a2, a3) * susceptibility_tensor(eps, a1, a2, a3, euler)


# ------------------------------------------------------- radiation correction
def radiation_kernel(a1, a2, a3, n_theta=64, n_phi=128):
    """Geometric double-volume integral ``M`` entering Eq. (68), body frame.

    ``M = int_V int_V (|s|^2 1 + s s)/|s|^3``, computed as a smooth integral
    over directions (see the module docstring), Gauss-Legendre x trapezoid.

    Parameters
    ----------
    a1, a2, a3 : float
        Semi-axes in metres (> 0).
    n_theta, n_phi : int, optional
        Number of quadrature nodes in ``cos(theta)`` and ``phi``.

    Returns
    -------
    ndarray, shape (3, 3)
        Real symmetric, in m^5, diagonal in the body frame.
    """
    a = check_positive([a1, a2, a3], "semi-axes (a1, a2, a3)", "m")
    nodes, weights = sphere_quadrature(int(n_theta), int(n_phi))
    s = nodes * a  # A w-hat
    r = np.linalg.norm(s, axis=-1)
    f = (np.eye(3) * r[:, None, None] ** 2 + s[:, :, None] * s[:, None, :]) / r[
        :, None, None
    ] ** 3
    return 8.0 * np.pi / 15.0 * np.prod(a) ** 2 * np.einsum("m,mij->ij", weights, f)


def radiation_correction(eps, a1, a2, a3, k, euler=(0.0, 0.0, 0.0), n_theta=64, n_phi=128):
    """Radiation correction ``delta chi`` of the susceptibility, Eq. (68).

    Parameters
    ----------
    eps : float
        Relative permittivity (> 1).
    a1, a2, a3 : float
        Semi-axes in metres (> 0).
    k : float
        Laser wave number ``k_L`` in 1/m (> 0).
    euler : tuple of float, optional
        Orientation (z-y'-z'' Euler angles, rad).
    n_theta, n_phi : int, optional
        Angular quadrature orders (see :func:`radiation_kernel`).

    Returns
    -------
    ndarray, shape (3, 3)
        Dimensionless ``k^2/(8 pi V) chi M chi`` in the lab frame; it scales
        as ``V^(2/3)`` at fixed shape.
    """
    k = float(check_positive(k, "k", "1/m"))
    e = check_permittivity(eps)
    n = depolarization_factors(a1, a2, a3)
    chi_body = np.diag((e - 1.0) / (1.0 + n * (e - 1.0)))
    m_body = radiation_kernel(a1, a2, a3, n_theta, n_phi)
    dchi_body = k**2 / (8.0 * np.pi * volume(a1, a2, a3)) * chi_body @ m_body @ chi_body
    rot = rotation_matrix(*euler)
    return rot @ dchi_body @ rot.T


def radiation_correction_sphere(eps, radius, k):
    """Closed form of Eq. (68) for a sphere: ``delta chi = (4/15) chi^2 k^2 a^2``.

    Derivation: by isotropy ``int int s s / |s|^3 = (1/3) int int 1/|s|``, and
    the Coulomb self-energy integral of a ball is
    ``int int 1/|r - r'| = (6/5) V^2 / a``, so ``M = (8/5) V^2 / a``.

    Parameters
    ----------
    eps : float
        Relative permittivity (> 1).
    radius : float
        Sphere radius in metres (> 0).
    k : float
        Wave number in 1/m (> 0).

    Returns
    -------
    float
        Dimensionless scalar correction (multiply by the identity).
    """
    a = float(check_positive(radius, "radius", "m"))
    k = float(check_positive(k, "k", "1/m"))
    chi = sphere_susceptibility(eps)
    return 4.0 / 15.0 * chi**2 * k**2 * a**2
