"""Dipole Green tensors of free space and their gradients.

The full electromagnetic dipole Green tensor, Eq. (2) of the paper, is for
``r != 0`` (Eq. 4)

.. math::
    \\mathbf G(\\mathbf r) = \\frac{e^{ikr}}{4\\pi}\\Big[
      \\frac{3\\hat r\\otimes\\hat r - 1}{r^3}(1 - ikr)
      + k^2\\frac{1 - \\hat r\\otimes\\hat r}{r}\\Big]
    = A(r)\\,\\mathbb 1 + B(r)\\,\\hat r\\otimes\\hat r ,

with ``A = e^{ikr}(k^2 r^2 + ikr - 1)/(4 pi r^3)`` and
``B = e^{ikr}(3 - 3ikr - k^2 r^2)/(4 pi r^3)``.  Setting ``k = 0`` gives the
electrostatic tensor ``G0`` of Eq. (9).  The scattered field of a dipole ``p``
at the origin is ``E = G(r) p / epsilon_0`` (Eq. 1).

Gradients are analytic:
``d_a G_bc = A' rh_a delta_bc + B' rh_a rh_b rh_c
+ B (delta_ab rh_c + delta_ac rh_b - 2 rh_a rh_b rh_c)/r`` with
``A' = e^{ikr}(i k^3 r^3 - 2 k^2 r^2 - 3ikr + 3)/(4 pi r^4)`` and
``B' = e^{ikr}(-i k^3 r^3 + 4 k^2 r^2 + 9ikr - 9)/(4 pi r^4)``.
The gradient array has index order ``[..., a, b, c] = d G_bc / d r_a``.
"""
from __future__ import annotations

import numpy as np

from .. import validation as _v

__all__ = [
    "dyadic_green",
    "dyadic_green_gradient",
    "radial_functions",
    "electrostatic_green",
    "electrostatic_green_gradient",
    "far_field_green",
    "far_field_green_gradient",
    "sphere_quadrature",
    "plane_wave_order",
    "transverse_polarizations",
    "focal_plane_green",
    "focal_plane_green_gradient",
    "GREEN_TENSORS",
    "green_tensor",
    "lamb_radial_integrals",
    "transverse_kernel",
]


def _check_r(r, name="r"):
    r = _v.vectors(r, name, "m")
    dist = np.linalg.norm(r, axis=-1)
    if np.any(dist == 0.0):
        raise ValueError(
            f"{name} must be nonzero: the Green tensor is singular at r = 0 "
            "(coincident particles)"
        )
    return r, dist


def _check_k(k):
    return _v.real_scalar(k, "k", "1/m", nonnegative=True)


def radial_functions(dist, k):
    """``A(r)``, ``B(r)`` of ``G = A 1 + B rr`` (Eq. 4) and their radial derivatives.

    See the module docstring for the formulas.

    Parameters
    ----------
    dist : array_like
        Distances ``r`` in m (> 0).
    k : float
        Wave number in 1/m (>= 0).

    Returns
    -------
    A, B : ndarray, complex
        In 1/m^3.
    dA, dB : ndarray, complex
        ``dA/dr``, ``dB/dr`` in 1/m^4.
    """
    dist = _v.real_array(dist, "dist", "m", positive=True)
    k = _check_k(k)
    kr = k * dist
    ph = np.exp(1j * kr) / (4.0 * np.pi)
    r3 = dist**3
    r4 = dist**4
    A = ph * (kr**2 + 1j * kr - 1.0) / r3
    B = ph * (3.0 - 3j * kr - kr**2) / r3
    dA = ph * (1j * kr**3 - 2.0 * kr**2 - 3j * kr + 3.0) / r4
    dB = ph * (-1j * kr**3 + 4.0 * kr**2 + 9j * kr - 9.0) / r4
    return A, B, dA, dB


def dyadic_green(r, k):
    """Full electromagnetic dipole Green tensor, Eq. (4) (= Eq. 2 for r != 0).

    Parameters
    ----------
    r : array_like, shape (..., 3)
        Separation vector(s) in metres; must be nonzero and finite.
    k : float
        Wave number ``k_L = omega_L / c`` in 1/m (``k = 0`` gives Eq. 9).

    Returns
    -------
    ndarray, shape (..., 3, 3), complex
        ``G(r)`` in 1/m^3, symmetric in its two tensor indices.

    Raises
    ------
    ValueError
        If ``r`` has the wrong shape, is not finite or is zero, or if ``k``
        is negative or not finite.

    Examples
    --------
    >>> import numpy as np
    >>> G = dyadic_green([1e-6, 0.0, 0.0], 2 * np.pi / 1550e-9)
    >>> bool(np.allclose(G, G.T))                  # symmetric tensor
    True
    >>> bool(np.allclose(G, dyadic_green([-1e-6, 0.0, 0.0], 2 * np.pi / 1550e-9)))
    True
    """
    r, dist = _check_r(r)
    k = _check_k(k)
    A, B, _, _ = radial_functions(dist, k)
    rh = r / dist[..., None]
    eye = np.eye(3)
    return A[..., None, None] * eye + B[..., None, None] * rh[..., :, None] * rh[..., None, :]


def dyadic_green_gradient(r, k):
    """Analytic gradient of the dipole Green tensor of Eq. (4).

    Parameters
    ----------
    r : array_like, shape (..., 3)
        Separation vector(s) in metres (nonzero, finite).
    k : float
        Wave number in 1/m (``k >= 0``).

    Returns
    -------
    ndarray, shape (..., 3, 3, 3), complex
        ``out[..., a, b, c] = dG_bc/dr_a`` in 1/m^4.
    """
    r, dist = _check_r(r)
    k = _check_k(k)
    A, B, dA, dB = radial_functions(dist, k)
    rh = r / dist[..., None]
    eye = np.eye(3)
    rrr = rh[..., :, None, None] * rh[..., None, :, None] * rh[..., None, None, :]
    d_ab_rc = eye[:, :, None] * rh[..., None, None, :]
    d_ac_rb = eye[:, None, :] * rh[..., None, :, None]
    a_dbc = rh[..., :, None, None] * eye[None, :, :]
    x = lambda s: s[..., None, None, None]  # noqa: E731
    return (
        x(dA) * a_dbc
        + x(dB) * rrr
        + x(B / dist) * (d_ab_rc + d_ac_rb - 2.0 * rrr)
    )


def electrostatic_green(r):
    """Electrostatic dipole Green tensor ``G0``, Eq. (9) (k = 0 limit of Eq. 4).

    Parameters
    ----------
    r : array_like, shape (..., 3)
        Separation vector(s) in metres (nonzero, finite).

    Returns
    -------
    ndarray, shape (..., 3, 3), real
        ``(3 r r - r^2 1) / (4 pi r^5)`` in 1/m^3.
    """
    return dyadic_green(r, 0.0).real


def electrostatic_green_gradient(r):
    """Analytic gradient of the electrostatic tensor ``G0`` of Eq. (9).

    Parameters
    ----------
    r : array_like, shape (..., 3)
        As in :func:`electrostatic_green`.

    Returns
    -------
    ndarray, shape (..., 3, 3, 3), real
        ``out[..., a, b, c] = d G0_bc / d r_a`` in 1/m^4.
    """
    return dyadic_green_gradient(r, 0.0).real


def far_field_green(r, k):
    """Far-field (radiation-zone) part of Eq. (4): ``k^2 e^{ikr}(1 - rh rh)/(4 pi r)``.

    This is the only part kept in the linearised array model of Sec. V A
    (text below Eq. 80).

    Parameters
    ----------
    r : array_like, shape (..., 3)
        Separation vector(s) in metres (nonzero, finite).
    k : float
        Wave number in 1/m.

    Returns
    -------
    ndarray, shape (..., 3, 3), complex
    """
    r, dist = _check_r(r)
    k = _check_k(k)
    rh = r / dist[..., None]
    proj = np.eye(3) - rh[..., :, None] * rh[..., None, :]
    return (k**2 * np.exp(1j * k * dist) / (4.0 * np.pi * dist))[..., None, None] * proj


def sphere_quadrature(n_theta, n_phi=None, rule="gauss"):
    """Quadrature nodes and weights on the unit sphere.

    ``int d^2n f(n) ~= sum_m weights[m] f(nodes[m])``; the weights sum to
    ``4 pi``.  Used for the angular integrals over scattering directions
    (Eqs. 72, 76, C9).

    Parameters
    ----------
    n_theta : int
        ``rule="gauss"``: number of Gauss-Legendre nodes in ``cos(theta)``
        (exact for polynomials of degree ``2 n_theta - 1`` in ``cos(theta)``).
        ``rule="lebedev"``: the order passed to
        :func:`scipy.integrate.lebedev_rule`.
    n_phi : int, optional
        Number of equally spaced azimuthal nodes (trapezoid rule, exact for
        Fourier modes ``|m| < n_phi``); default ``2 n_theta``.
    rule : {"gauss", "lebedev"}
        Product Gauss-Legendre x trapezoid rule, or scipy's Lebedev rule.

    Returns
    -------
    nodes : ndarray, shape (M, 3)
        Unit vectors.
    weights : ndarray, shape (M,)
        Solid-angle weights in sr.
    """
    _v.choice(rule, "rule", ("gauss", "lebedev"))
    n_theta = _v.integer(n_theta, "n_theta", minimum=1)
    if rule == "lebedev":
        from scipy.integrate import lebedev_rule

        try:
            x, w = lebedev_rule(n_theta)
        except NotImplementedError as exc:   # scipy: "Order n=4 not available..."
            raise ValueError(f"n_theta must be a Lebedev order available in scipy "
                             f"(rule='lebedev'); {exc}") from None
        return np.ascontiguousarray(x.T), w
    n_phi = 2 * n_theta if n_phi is None else _v.integer(n_phi, "n_phi", minimum=1)
    x, wx = np.polynomial.legendre.leggauss(n_theta)
    phi = 2.0 * np.pi * np.arange(n_phi) / n_phi
    ct, ph = np.meshgrid(x, phi, indexing="ij")
    st = np.sqrt(1.0 - ct**2)
    nodes = np.stack([st * np.cos(ph), st * np.sin(ph), ct], axis=-1).reshape(-1, 3)
    weights = np.repeat(wx * (2.0 * np.pi / n_phi), n_phi)
    return nodes, weights


def plane_wave_order(kr):
    """Gauss-Legendre order resolving ``exp(i k n.r)`` over directions for ``|k r| <= kr``.

    The plane wave has spherical-harmonic content up to degree
    ``L ~ kr + c kr^(1/3)`` (the Bessel tail beyond ``l = kr`` decays on the
    scale ``kr^(1/3)``; ``c = 8`` gives ~1e-10 relative accuracy); a margin of
    24 covers polynomial prefactors.  Dimensionless.
    """
    kr = _v.real_scalar(kr, "kr", "dimensionless", nonnegative=True)
    return int(np.ceil((kr + 8.0 * kr ** (1.0 / 3.0) + 24.0) / 2.0)) + 1


def transverse_polarizations(n):
    """Two real orthonormal polarisation vectors ``t_n1, t_n2`` orthogonal to ``n``.

    Any such basis gives the same ``sum_s t t^* = 1 - n n`` (Eq. 59); this
    one uses ``e_theta, e_phi`` away from the poles and a fixed helper axis
    near them.

    Parameters
    ----------
    n : array_like, shape (..., 3)
        Unit vectors.

    Returns
    -------
    ndarray, shape (..., 2, 3)
        ``out[..., s, :]`` is ``t_{n s}``.
    """
    n = _v.unit_vectors(n, "n", atol=1e-8)
    helper = np.where(np.abs(n[..., 2:3]) < 0.9, [0.0, 0.0, 1.0], [1.0, 0.0, 0.0])
    t2 = np.cross(helper, n)
    t2 /= np.linalg.norm(t2, axis=-1, keepdims=True)
    t1 = np.cross(t2, n)
    return np.stack([t1, t2], axis=-2)


def far_field_green_gradient(r, k):
    """Analytic gradient of :func:`far_field_green`.

    With ``g = k^2 e^{ikr}/(4 pi r)`` and ``P = 1 - rh rh``:
    ``d_a G_bc = g' rh_a P_bc - (g/r)(P_ab rh_c + P_ac rh_b)``,
    ``g' = k^2 e^{ikr}(ikr - 1)/(4 pi r^2)``.

    ``r`` and ``k`` as in :func:`far_field_green`; returns the complex array
    ``out[..., a, b, c] = dG_bc/dr_a`` of shape (..., 3, 3, 3) in 1/m^4.
    """
    r, dist = _check_r(r)
    k = _check_k(k)
    rh = r / dist[..., None]
    proj = np.eye(3) - rh[..., :, None] * rh[..., None, :]
    ph = np.exp(1j * k * dist)
    g = k**2 * ph / (4.0 * np.pi * dist)
    dg = k**2 * ph * (1j * k * dist - 1.0) / (4.0 * np.pi * dist**2)
    x = lambda s: s[..., None, None, None]  # noqa: E731
    return x(dg) * rh[..., :, None, None] * proj[..., None, :, :] - x(g / dist) * (
        proj[..., :, :, None] * rh[..., None, None, :]
        + proj[..., :, None, :] * rh[..., None, :, None]
    )


def focal_plane_green(r, k):
    """Far-field Green tensor evaluated at the in-plane part of ``r`` (1/m^3).

    The tensor the linearised model of Sec. V A uses: the far-field part of
    Eq. (4) frozen at the focal separation ``d_jj'`` (axial displacements are
    ignored).
    """
    r = _v.vectors(r, "r", "m").copy()
    r[..., 2] = 0.0
    return far_field_green(r, k)


def focal_plane_green_gradient(r, k):
    """Gradient of :func:`focal_plane_green` (zero along ``e_z``), 1/m^4."""
    r = _v.vectors(r, "r", "m").copy()
    r[..., 2] = 0.0
    g = far_field_green_gradient(r, k)
    g[..., 2, :, :] = 0.0
    return g


def _real_green(r, k):
    return dyadic_green(r, k).real


def _real_green_gradient(r, k):
    return dyadic_green_gradient(r, k).real


def _static_green(r, k):
    return electrostatic_green(r)


def _static_green_gradient(r, k):
    return electrostatic_green_gradient(r)


#: The coupling tensors used between particles, each a pair
#: ``(green(r, k), gradient(r, k))`` with gradient index order ``[..., a, b, c]``:
#:
#: ``"full"``
#:     the complex tensor of Eq. (4) (classical binding, Eqs. 1, 5-7, C10b);
#: ``"real"``
#:     its real part, the conservative coupling of Eq. (75);
#: ``"static"``
#:     the electrostatic ``G0`` of Eq. (9), the coupling inside ``V_ext`` of
#:     Eq. (40);
#: ``"far"``
#:     the radiation-zone part ``k^2 e^{ikr} (1 - rr)/(4 pi r)``;
#: ``"focal"``
#:     the far-field part frozen at the focal-plane separation (Sec. V A).
GREEN_TENSORS = {
    "full": (dyadic_green, dyadic_green_gradient),
    "real": (_real_green, _real_green_gradient),
    "static": (_static_green, _static_green_gradient),
    "far": (far_field_green, far_field_green_gradient),
    "focal": (focal_plane_green, focal_plane_green_gradient),
}


def green_tensor(kind):
    """The pair ``(green, gradient)`` of :data:`GREEN_TENSORS` named ``kind``.

    Parameters
    ----------
    kind : {"full", "real", "static", "far", "focal"}

    Returns
    -------
    tuple of callable
        ``green(r, k) -> (..., 3, 3)`` and ``gradient(r, k) -> (..., 3, 3, 3)``.
    """
    _v.choice(kind, "green", tuple(GREEN_TENSORS))
    return GREEN_TENSORS[kind]


# ------------------------------------------------ k-space form, Eqs. (59)-(64)
def lamb_radial_integrals(x_L):
    """Principal-value radial integrals ``J_l = P int_0^inf j_l(x)/(x^2 - x_L^2) dx``.

    ``j_l`` are spherical Bessel functions (``l = 0, 2``).  The pole at
    ``x = x_L`` is handled by :func:`scipy.integrate.quad` with
    ``weight='cauchy'`` on ``[0, 2 x_L + 10]``; the remainder is integrated
    with the Fourier weights of QUADPACK (QAWF), writing ``j_0 = sin x/x`` and
    ``j_2 = (3/x^3 - 1/x) sin x - 3 cos x/x^2``.

    Parameters
    ----------
    x_L : float
        ``k_L r`` (> 0, dimensionless).

    Returns
    -------
    ndarray, shape (2,)
        ``(J_0, J_2)``, dimensionless.
    """
    from scipy.integrate import quad
    from scipy.special import spherical_jn

    xl = _v.real_scalar(x_L, "x_L", "dimensionless", positive=True)
    b = 2.0 * xl + 10.0
    out = []
    lim = int(200 + 20 * xl)
    for ell in (0, 2):
        head, _ = quad(lambda x: spherical_jn(ell, x) / (x + xl), 0.0, b, weight="cauchy",
                       wvar=xl, limit=lim, epsabs=1e-13, epsrel=1e-11)
        if ell == 0:
            def gs(x):
                return 1.0 / (x * (x * x - xl * xl))
            gc = None
        else:
            def gs(x):
                return (3.0 / x**3 - 1.0 / x) / (x * x - xl * xl)

            def gc(x):
                return -3.0 / x**2 / (x * x - xl * xl)
        tail_s, _ = quad(gs, b, np.inf, weight="sin", wvar=1.0, limlst=200, epsabs=1e-14)
        tail_c = 0.0
        if gc is not None:
            tail_c, _ = quad(gc, b, np.inf, weight="cos", wvar=1.0, limlst=200, epsabs=1e-14)
        out.append(head + tail_s + tail_c)
    return np.array(out)


def transverse_kernel(r, k):
    """Numerical ``k``-space evaluation of the Lamb-shift kernel, Eqs. (59), (61), (62).

    Computes

    .. math:: T(\\mathbf r) = \\frac{k_L^2}{(2\\pi)^3}\\,\\mathcal P\\!\\int d^3k\\,
              (\\mathbb 1 - \\hat k\\hat k)\\,\\frac{e^{i\\mathbf k\\cdot\\mathbf r}}{k^2 - k_L^2}

    by doing the angular integral analytically (Funk-Hecke:
    ``int dOmega (1 - kk) e^{ik.r} = 4 pi [2/3 j_0 1 + j_2 (rr - 1/3)]``),
    splitting ``k^2/(k^2 - k_L^2) = 1 + k_L^2/(k^2 - k_L^2)`` (the first part
    gives ``k_L^2 (1 + rr)/(8 pi r)``) and integrating the rest with
    :func:`lamb_radial_integrals`.  Eq. (64) says ``T = Re[G - G0]``.

    Parameters
    ----------
    r : array_like, shape (3,)
        Separation in m (nonzero).
    k : float
        Laser wave number ``k_L`` in 1/m (> 0).

    Returns
    -------
    ndarray, shape (3, 3)
        Real symmetric tensor in 1/m^3.
    """
    r, dist = _check_r(_v.vectors(r, "r", "m", shape=(3,)))
    dist = float(dist)
    k = _v.real_scalar(k, "k", "1/m", positive=True)
    rh = r / dist
    rr = np.outer(rh, rh)
    eye = np.eye(3)
    j0, j2 = lamb_radial_integrals(k * dist)
    # J_l(r) = int j_l(q r)/(q^2 - k^2) dq = r J_l(x_L) (substitute x = q r)
    smooth = k**2 * (eye + rr) / (8.0 * np.pi * dist)
    pole = k**4 / (2.0 * np.pi**2) * dist * (2.0 / 3.0 * j0 * eye + j2 * (rr - eye / 3.0))
    return smooth + pole
