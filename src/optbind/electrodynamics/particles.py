"""Small homogeneous dielectric ellipsoids: shape, orientation and response.

An ellipsoid with semi-axes ``semi_axes = (a1, a2, a3)`` and relative
permittivity ``permittivity`` (``eps`` in the formulas) responds to a (locally homogeneous) field with the susceptibility
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

from .. import validation as _v
from ..conventions import EPSILON_0
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
    "radiation_correction_sphere_quadrature",
    "ball_distance_pdf",
    "sphere_volume",
    "sphere_polarizability",
    "spheroid_depolarization",
    "rotate_tensor",
    "euler_rotation_axes",
]


# ------------------------------------------------------------------ geometry
def _semi_axes(semi_axes):
    return _v.real_array(semi_axes, "semi_axes", "m", shape=(3,), positive=True)


def volume(semi_axes):
    """Volume of an ellipsoid, ``4 pi a1 a2 a3 / 3`` in m^3.

    Parameters
    ----------
    semi_axes : array_like, shape (3,)
        Semi-axes ``(a1, a2, a3)`` in metres (> 0).

    Returns
    -------
    float
        Volume in m^3.

    Examples
    --------
    >>> import numpy as np
    >>> bool(np.isclose(volume((1.0, 1.0, 1.0)), 4 * np.pi / 3))
    True
    """
    return 4.0 * np.pi * float(np.prod(_semi_axes(semi_axes))) / 3.0


def sphere_volume(radius):
    """Volume ``4 pi a^3/3`` of a sphere of radius ``a`` (m), in m^3."""
    a = _v.real_array(radius, "radius", "m", positive=True)
    return 4.0 * np.pi * a**3 / 3.0


def depolarization_factors(semi_axes):
    """Depolarisation factors ``(N_1, N_2, N_3)`` of an ellipsoid, Eq. (33).

    Uses Carlson's symmetric integral,
    ``N_1 = (a1 a2 a3 / 3) R_D(a2^2, a3^2, a1^2)``, which is Eq. (33)
    written in closed form (and cyclic permutations for ``N_2, N_3``).

    Parameters
    ----------
    semi_axes : array_like, shape (3,)
        Semi-axes ``(a1, a2, a3)`` (or, equivalently, diameters: Eq. 33 is
        scale invariant), in metres, > 0.

    Returns
    -------
    ndarray, shape (3,)
        Dimensionless factors; they sum to 1 and equal 1/3 for a sphere.

    Examples
    --------
    >>> depolarization_factors((1.0, 1.0, 1.0)).round(12)
    array([0.33333333, 0.33333333, 0.33333333])
    """
    a = _semi_axes(semi_axes)
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


def rotation_matrix(euler):
    """Rotation matrix ``R = R_z(alpha) R_y(beta) R_z(gamma)`` (z-y'-z'', Eq. 16).

    Parameters
    ----------
    euler : array_like, shape (3,)
        Euler angles ``(alpha, beta, gamma)`` in radians.

    Returns
    -------
    ndarray, shape (3, 3)
        Proper orthogonal matrix mapping body-frame to lab-frame components.
    """
    ang = _v.real_array(euler, "euler", "rad", shape=(3,))

    def rz(t):
        c, s = np.cos(t), np.sin(t)
        return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])

    def ry(t):
        c, s = np.cos(t), np.sin(t)
        return np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])

    return rz(ang[0]) @ ry(ang[1]) @ rz(ang[2])


# ------------------------------------------------------------------ response
def sphere_susceptibility(permittivity):
    """Susceptibility of a sphere, ``3 (eps - 1)/(eps + 2)`` (Eq. 32 with N = 1/3).

    Parameters
    ----------
    permittivity : float
        Relative permittivity (> 1).

    Returns
    -------
    float
        Dimensionless scalar susceptibility.

    Examples
    --------
    >>> round(sphere_susceptibility(2.0), 12)
    0.75
    """
    e = _v.permittivity(permittivity)
    return 3.0 * (e - 1.0) / (e + 2.0)


def _principal_susceptibilities(permittivity, semi_axes):
    e = _v.permittivity(permittivity)
    n = depolarization_factors(semi_axes)
    return (e - 1.0) / (1.0 + n * (e - 1.0))


def rotate_tensor(tensor, euler):
    """``R T R^T``: a body-frame tensor in the lab frame (rotation of Eq. 16).

    Parameters
    ----------
    tensor : array_like, shape (3, 3)
        Body-frame tensor (real).
    euler : array_like, shape (3,)
        Euler angles (z-y'-z'') in rad.

    Returns
    -------
    ndarray, shape (3, 3)
    """
    t = _v.real_array(tensor, "tensor", shape=(3, 3))
    rot = rotation_matrix(euler)
    return rot @ t @ rot.T


def susceptibility_tensor(permittivity, semi_axes, euler=(0.0, 0.0, 0.0)):
    """Susceptibility tensor of a homogeneous ellipsoid, Eq. (32).

    Parameters
    ----------
    permittivity : float
        Relative permittivity (> 1).
    semi_axes : array_like, shape (3,)
        Semi-axes in metres (> 0), along the body axes.
    euler : array_like, shape (3,), optional
        Orientation ``(alpha, beta, gamma)`` in radians, z-y'-z''.

    Returns
    -------
    ndarray, shape (3, 3)
        Real symmetric, dimensionless ``R diag(chi_i) R^T``.

    Examples
    --------
    >>> susceptibility_tensor(2.0, (1e-7, 1e-7, 1e-7)).round(12)
    array([[0.75, 0.  , 0.  ],
           [0.  , 0.75, 0.  ],
           [0.  , 0.  , 0.75]])
    """
    return rotate_tensor(np.diag(_principal_susceptibilities(permittivity, semi_axes)), euler)


def polarizability(permittivity, semi_axes, euler=(0.0, 0.0, 0.0)):
    """Polarisability tensor ``alpha = eps0 V chi`` (text above Eq. 42).

    Parameters
    ----------
    permittivity, semi_axes, euler
        As in :func:`susceptibility_tensor`.

    Returns
    -------
    ndarray, shape (3, 3)
        In C m^2 / V (SI).
    """
    return (EPSILON_0 * volume(semi_axes)
            * susceptibility_tensor(permittivity, semi_axes, euler))


def sphere_polarizability(radius, permittivity):
    """Static polarisability of a dielectric sphere (Clausius-Mossotti), in F m^2.

    ``alpha = 4 pi eps0 a^3 (eps - 1)/(eps + 2) = eps0 V chi`` with
    ``chi = 3 (eps - 1)/(eps + 2)`` (Eq. 32 with ``N = 1/3``).

    Parameters
    ----------
    radius : float
        Sphere radius in m (> 0).
    permittivity : float
        Relative permittivity (> 1).
    """
    return EPSILON_0 * float(sphere_volume(_v.real_scalar(radius, "radius", "m", positive=True))
                             ) * sphere_susceptibility(permittivity)


# ------------------------------------------------------- radiation correction
def radiation_kernel(semi_axes, *, n_theta=64, n_phi=128):
    """Geometric double-volume integral ``M`` entering Eq. (68), body frame.

    ``M = int_V int_V (|s|^2 1 + s s)/|s|^3``, computed as a smooth integral
    over directions (see the module docstring), Gauss-Legendre x trapezoid.

    Parameters
    ----------
    semi_axes : array_like, shape (3,)
        Semi-axes in metres (> 0).
    n_theta, n_phi : int, optional
        Number of quadrature nodes in ``cos(theta)`` and ``phi``.

    Returns
    -------
    ndarray, shape (3, 3)
        Real symmetric, in m^5, diagonal in the body frame.
    """
    a = _semi_axes(semi_axes)
    nodes, weights = sphere_quadrature(n_theta, n_phi)
    s = nodes * a  # A w-hat
    r = np.linalg.norm(s, axis=-1)
    f = (np.eye(3) * r[:, None, None] ** 2 + s[:, :, None] * s[:, None, :]) / r[
        :, None, None
    ] ** 3
    return 8.0 * np.pi / 15.0 * np.prod(a) ** 2 * np.einsum("m,mij->ij", weights, f)


def radiation_correction(permittivity, semi_axes, k, euler=(0.0, 0.0, 0.0), *, n_theta=64,
                         n_phi=128):
    """Radiation correction ``delta chi`` of the susceptibility, Eq. (68).

    Parameters
    ----------
    permittivity : float
        Relative permittivity (> 1).
    semi_axes : array_like, shape (3,)
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
    k = _v.real_scalar(k, "k", "1/m", positive=True)
    chi_body = np.diag(_principal_susceptibilities(permittivity, semi_axes))
    m_body = radiation_kernel(semi_axes, n_theta=n_theta, n_phi=n_phi)
    dchi_body = k**2 / (8.0 * np.pi * volume(semi_axes)) * chi_body @ m_body @ chi_body
    return rotate_tensor(dchi_body, euler)


def radiation_correction_sphere(permittivity, radius, k):
    """Closed form of Eq. (68) for a sphere: ``delta chi = (4/15) chi^2 k^2 a^2``.

    Derivation: by isotropy ``int int s s / |s|^3 = (1/3) int int 1/|s|``, and
    the Coulomb self-energy integral of a ball is
    ``int int 1/|r - r'| = (6/5) V^2 / a``, so ``M = (8/5) V^2 / a``.

    Parameters
    ----------
    permittivity : float
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
    a = _v.real_scalar(radius, "radius", "m", positive=True)
    k = _v.real_scalar(k, "k", "1/m", positive=True)
    chi = sphere_susceptibility(permittivity)
    return 4.0 / 15.0 * chi**2 * k**2 * a**2


def ball_distance_pdf(s, radius):
    """Probability density of the distance of two uniform points in a ball, in 1/m.

    ``p(s) = 3 s^2/a^3 - 9 s^3/(4 a^4) + 3 s^5/(16 a^6)`` for
    ``0 <= s <= 2a`` (zero beyond).

    Parameters
    ----------
    s : array_like
        Distance in m.
    radius : float
        Ball radius ``a`` in m (> 0).
    """
    a = _v.real_scalar(radius, "radius", "m", positive=True)
    s = _v.real_array(s, "s", "m", nonnegative=True)
    p = 3 * s**2 / a**3 - 9 * s**3 / (4 * a**4) + 3 * s**5 / (16 * a**6)
    return np.where(s <= 2 * a, p, 0.0)


def radiation_correction_sphere_quadrature(permittivity, radius, k):
    """Eq. (68) for a sphere by numerical integration (independent of the closed form).

    For a sphere the integrand of Eq. (68) depends on ``s = r - r'`` only;
    averaging ``(s^2 1 + s s)/s^3`` over directions gives ``(4/3)(1/s) 1``, so
    ``delta chi = k^2 chi^2 V (4/3) <1/s> / (8 pi)`` with the mean inverse
    distance ``<1/s>`` of two uniform points, integrated here with
    :func:`scipy.integrate.quad` over :func:`ball_distance_pdf`.

    The arguments are those of :func:`radiation_correction_sphere`; the result
    is the dimensionless scalar ``delta chi``.
    """
    from scipy.integrate import quad

    a = _v.real_scalar(radius, "radius", "m", positive=True)
    k = _v.real_scalar(k, "k", "1/m", positive=True)
    chi = sphere_susceptibility(permittivity)
    # <1/s> = int p(s)/s ds, integrated in u = s/a to keep the numbers O(1)
    mean_inv, _ = quad(lambda u: float(ball_distance_pdf(u, 1.0)) / u, 0.0, 2.0,
                       epsabs=1e-14, epsrel=1e-12)
    mean_inv /= a
    return k**2 * chi**2 * float(sphere_volume(a)) * (4.0 / 3.0) * mean_inv / (8.0 * np.pi)


def spheroid_depolarization(aspect):
    """Closed-form depolarisation factors of a spheroid (Eq. 33 integrated).

    The spheroid has semi-axes ``(a, a, c)`` with aspect ratio
    ``aspect = c / a``: ``> 1`` prolate (cigar), ``< 1`` oblate (disk).
    With eccentricity ``e``,

    * prolate: ``e^2 = 1 - 1/aspect^2``,
      ``N_c = (1 - e^2)/e^3 (artanh e - e)``;
    * oblate: ``e^2 = 1/aspect^2 - 1``,
      ``N_c = (1 + e^2)/e^3 (e - arctan e)``;

    and ``N_a = (1 - N_c)/2`` for the two equal axes (e.g. Bohren and
    Huffman, Sec. 5.3).  Within ``1e-4`` of the sphere the first-order series
    ``N_c = 1/3 - (4/15)(aspect - 1)`` is used (error ``O(1e-8)``).

    Parameters
    ----------
    aspect : array_like
        Aspect ratio ``c/a`` (> 0, dimensionless).

    Returns
    -------
    ndarray, shape (..., 3)
        ``(N_a, N_a, N_c)``, dimensionless, summing to 1.
    """
    q = _v.real_array(aspect, "aspect", "ratio c/a", positive=True)
    qs = np.atleast_1d(q)
    n_c = np.empty_like(qs)
    for i, qi in enumerate(qs):
        if abs(qi - 1.0) < 1e-4:
            n_c[i] = 1.0 / 3.0 - 4.0 / 15.0 * (qi - 1.0)
        elif qi > 1.0:
            # 1 - e^2 = 1/q^2 and artanh e = log1p(2e/(1 - e))/2 with 1 - e = x/(1 + e),
            # written without 1 - e: full relative accuracy up to q ~ 1e15 (was NaN
            # beyond q ~ 1e8 and 1e-4 relative error at q = 1e7)
            x = 1.0 / qi**2
            e = np.sqrt(1.0 - x)
            n_c[i] = x / e**3 * (0.5 * np.log1p(2.0 * e * (1.0 + e) / x) - e)
        else:
            e = np.sqrt(1.0 / qi**2 - 1.0)
            n_c[i] = (1.0 + e**2) / e**3 * (e - np.arctan(e))
    n_a = 0.5 * (1.0 - n_c)
    out = np.stack([n_a, n_a, n_c], axis=-1)
    return out if q.ndim else out[0]


def euler_rotation_axes(euler):
    """Instantaneous rotation axes ``n_mu`` of the Euler angles (text above Eq. 27).

    For ``R = R_z(alpha) R_y(beta) R_z(gamma)``, ``d R/d mu = [n_mu]_x R`` with
    ``n_alpha = e_z``, ``n_beta = R_z(alpha) e_y`` and
    ``n_gamma = R_z(alpha) R_y(beta) e_z``.

    ``euler`` as in :func:`rotation_matrix`.  Returns the rows
    ``n_alpha, n_beta, n_gamma`` (unit vectors) of a (3, 3) array.
    """
    a, b, _ = _v.real_array(euler, "euler", "rad", shape=(3,))
    ez = np.array([0.0, 0.0, 1.0])
    ey = np.array([0.0, 1.0, 0.0])
    return np.stack([ez, rotation_matrix((a, 0.0, 0.0)) @ ey,
                     rotation_matrix((a, b, 0.0)) @ ez])
