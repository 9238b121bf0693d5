"""Exact light scattering by a homogeneous sphere, and where the point dipole fails.

The paper treats every particle as a point dipole with the susceptibility of
Eq. (32), corrected by the radiative term of Eq. (68) in the optical potential
(Eq. 74) and bare in the photon-scattering (Lindblad) operators of Eq. (76).
This module solves the same sphere exactly (Lorenz-Mie theory) and compares.

Time, units and symbols
-----------------------
* Time dependence ``exp(-i omega t)``, as in the package
  (:mod:`optbind.conventions`) *and* in Bohren & Huffman (BH), *Absorption and
  Scattering of Light by Small Particles* (Wiley, 1983), whose formulas and
  symbols are used: size parameter ``x = k a``, relative refractive index
  ``m = sqrt(permittivity)`` (absorption has ``Im m > 0``), Mie coefficients
  ``a_n, b_n`` (BH Eq. 4.53/4.88), amplitude functions ``S_1, S_2`` (BH 4.74).
  Wiscombe's MIEV0 (NCAR TN-140, 1979) uses ``exp(+i omega t)``: his ``m`` and
  ``S_j`` are the complex conjugates of BH's; ``Q``'s and ``|S_j|^2`` agree.
* Electric dipole polarisability from ``a_1`` (SI):
  ``alpha_1 = 6 pi i eps0 a_1 / k^3``.  For ``x -> 0``,
  ``a_1 -> -(2i/3) x^3 (eps - 1)/(eps + 2)`` and ``alpha_1 -> 4 pi eps0 a^3
  (eps - 1)/(eps + 2)`` (Eq. 32 with N = 1/3, ``alpha = eps0 V chi``); the
  next terms are
  ``alpha_1/alpha_0 = 1 + (3/5) x^2 (eps - 2)/(eps + 2) + i (2/3) x^3 (eps-1)/(eps+2)
  + O(x^4)``; the ``x^3`` term is the radiation reaction
  ``Im alpha = k^3 |alpha_0|^2/(6 pi eps0)`` (positive with ``exp(-i omega t)``).

The O(x^2) coefficient: Eq. (68) versus Mie
--------------------------------------------
For a sphere, Eq. (68) gives ``delta chi / chi = (4/15) chi x^2 =
(4/5) x^2 (eps - 1)/(eps + 2)``.  The exact coefficient is
``(3/5)(eps - 2)/(eps + 2) = (4/5)(eps - 1)/(eps + 2) - 1/5``: Eq. (68) is the
whole ``eps``-dependent part, and an ``eps``-independent ``-x^2/5`` is missing.
It is the sum of two retardation effects across the particle that the paper
drops when it takes the laser field constant over the particle volume
(Sec. III C):

* ``-x^2/10`` from the variation of the incident plane wave over the sphere.
  At second order in ``k`` the volume integral equation with the full Green
  tensor has the source ``-(k^2 z^2/2) E_0`` plus the k^2 part of
  ``G - G_0`` (Eq. 66) acting on the zeroth-order uniform polarisation.  The
  static kernel is self-adjoint and maps a uniform field to ``chi/(eps - 1)``
  times itself, so the second-order total moment is ``eps0 chi`` times the
  volume integral of the source: ``-<k^2 z^2/2> = -x^2/10`` and
  ``(4/15) chi x^2`` (exactly Eq. 68).  :func:`volume_integrated_polarizability`
  checks this with the exact internal Mie field.
* ``-x^2/10`` because the field radiated by an extended polarisation is not
  that of its total moment: the exact electric-dipole moment of a current
  distribution carries the form factors ``j_0(kr)`` and ``j_2(kr)/(kr)^2``
  (e.g. Alaee, Rockstuhl, Fernandez-Corbaton, Opt. Commun. 407, 17 (2018));
  for uniform ``P`` they give ``1 - x^2/10``.

For silica (``eps ~ 2.1``) the two effects nearly cancel the ``eps``-dependent
term: ``(3/5)(eps - 2)/(eps + 2)`` is 0.0125 at 1550 nm, while Eq. (68) gives
0.212.  The bare polarisability ``eps0 V chi`` is therefore closer to the Mie
dipole than the radiation-corrected ``eps0 V (chi + delta chi)``.
:func:`polarizability_series` returns the exact coefficients (power-series
arithmetic in :mod:`mpmath`), :func:`x2_coefficient_decomposition` the three
parts.

Trap stiffness: what "exact" means here
---------------------------------------
The reference is the cycle-averaged electromagnetic force on the sphere, from
the Maxwell stress tensor of the total (incident + scattered) field integrated
over a sphere enclosing the particle, in a beam that solves Maxwell's equations
exactly: the angular-spectrum (plane-wave superposition) Gaussian beam

.. math:: \\mathbf E(\\mathbf r) = \\int_{k_\\perp<k} d^2k_\\perp\\,
          \\frac{w^2}{4\\pi} e^{-k_\\perp^2 w^2/4}\\,
          \\mathbf e(\\hat k)\\,e^{i\\mathbf k\\cdot\\mathbf r},
          \\qquad \\mathbf e = \\hat\\theta_k\\cos\\phi_k - \\hat\\phi_k\\sin\\phi_k ,

whose paraxial limit (``k w >> 1``) is ``e_x exp(ikz) f_tw(r)`` of Eq. (78).
Each plane wave is expanded in vector spherical wave functions (closed form),
the sphere's response is diagonal (``a_n``, ``b_n``), and the force is a
quadrature that is exact for the band-limited fields (generalised Lorenz-Mie
theory with exact beam-shape coefficients; no localized approximation).  The
stiffness is ``-dF_z/dz`` at the focus.  The point-dipole models are evaluated
in the *same* beam, so the comparison isolates the particle size; the
difference between the exact beam and the paraxial Eq. (79) is a separate,
size-independent factor (:func:`paraxial_stiffness_ratio`; measured 1.105 at
1550 nm and 1.224 at 1064 nm for ``w = 1 um``, 1.043 and 1.020 for 3 um).

Measured behaviour (silica, 1550 nm): the exact stiffness falls below that of a
dipole with the exact ``alpha_1`` by ``0.146 x^2`` (relative) at ``w = 1 um``
and by ``0.231 x^2`` for ``w -> infinity``.  The second number is
``(b_1 + 5 a_2/3)/a_1``: in a weakly focused beam the sphere responds through
its forward-scattering amplitude ``S(0)``, which contains the magnetic dipole
and electric quadrupole at the same order ``x^5`` as the O(x^2) correction of
``a_1`` (:func:`forward_polarizability`).  The radiation-corrected
``chi + delta chi`` of Eq. (74) overestimates ``alpha_1`` by ``0.2 x^2`` and so
partly compensates; the size at which the paper's trap frequency is good to
1 % therefore depends on the waist (261 nm for 1 um, 403 nm for 3 um).

Vector wave functions (used by the beam and force code): ``M_lm = z_l(kr)
X_lm``, ``N_lm = curl(M_lm)/k`` with Jackson's ``X_lm = L Y_lm/sqrt(l(l+1))``
(Condon-Shortley ``Y_lm`` of :func:`scipy.special.sph_harm_y`);
``E = sum p_lm N_lm + q_lm M_lm`` and ``Z0 H = -i sum p_lm M_lm + q_lm N_lm``.
A plane wave ``e exp(i k.r)`` has ``p_lm = 4 pi i^(l+1) (k x e).X*_lm(k)`` and
``q_lm = 4 pi i^l e.X*_lm(k)``; the sphere scatters
``p -> -a_l p``, ``q -> -b_l q`` (outgoing ``h_l^(1)``).
"""

from __future__ import annotations

import itertools

import numpy as np
from scipy.optimize import brentq
from scipy.special import sph_harm_y, spherical_jn, spherical_yn

from .. import validation as _v
from ..conventions import EPSILON_0, HBAR, SPEED_OF_LIGHT
from .fields import rayleigh_range
from .green import sphere_quadrature
from .particles import (
    radiation_correction_sphere,
    sphere_susceptibility,
    sphere_volume,
)

__all__ = [
    "n_terms",
    "mie_coefficients",
    "internal_coefficients",
    "efficiencies",
    "amplitude_functions",
    "cross_sections",
    "quasistatic_polarizability",
    "corrected_polarizability",
    "mie_polarizability",
    "polarizability_series",
    "x2_coefficient_decomposition",
    "volume_integrated_polarizability",
    "mie_scattering_rate",
    "dipole_scattering_rate",
    "recoil_diffusion_plane_wave",
    "multipole_fields",
    "plane_wave_coefficients",
    "GaussianBeam",
    "sphere_force",
    "mie_axial_stiffness",
    "dipole_axial_stiffness",
    "paraxial_stiffness_ratio",
    "forward_polarizability",
    "DEVIATION_QUANTITIES",
    "point_dipole_deviation",
    "crossing_diameter",
    "crossing_table",
]


# ----------------------------------------------------------------- validation
def _index(value):
    """Relative refractive index: finite, Re m > 0, Im m >= 0 (BH convention)."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError("refractive_index must be a number, not a boolean")
    m = complex(value)
    if not (np.isfinite(m.real) and np.isfinite(m.imag)) or m.real <= 0 or m.imag < 0:
        raise ValueError(
            "refractive_index must be finite with Re m > 0 and Im m >= 0 "
            f"(exp(-i omega t), absorption Im m > 0); got {value!r}"
        )
    return m


def _mie_args(size_parameter, refractive_index, n_max):
    """Checked ``x``, ``m`` and ``n_max`` (default :func:`n_terms`)."""
    x = _v.real_scalar(size_parameter, "size_parameter", positive=True)
    m = _index(refractive_index)
    n_max = n_terms(x) if n_max is None else _v.integer(n_max, "n_max", minimum=1)
    return x, m, n_max


def _sphere(radius, permittivity, k, *, array=False):
    """Checked ``radius`` (m; array if ``array``), ``permittivity``, ``k`` (1/m)."""
    check = _v.real_array if array else _v.real_scalar
    a = check(radius, "radius", "m", positive=True)
    eps = _v.permittivity(permittivity)
    return a, eps, _v.real_scalar(k, "k", "1/m", positive=True)


def _photon_flux(field_amplitude, k):
    """``I/(hbar omega)`` in 1/(m^2 s) with ``I = c eps0 |E|^2/2``, ``omega = c k``."""
    e0 = _v.real_scalar(field_amplitude, "field_amplitude", "V/m", positive=True)
    return 0.5 * SPEED_OF_LIGHT * EPSILON_0 * e0**2 / (HBAR * SPEED_OF_LIGHT * k)


def _beam(beam):
    if not isinstance(beam, GaussianBeam):
        raise TypeError("beam must be a GaussianBeam")
    return beam


# -------------------------------------------------------------- Mie coefficients
def n_terms(size_parameter):
    """Number of multipoles kept, Wiscombe's ``x + 4.05 x^(1/3) + 2`` (at least 3).

    Parameters
    ----------
    size_parameter : float
        ``x = k a`` (dimensionless, > 0).

    Returns
    -------
    int
    """
    x = _v.real_scalar(size_parameter, "size_parameter", positive=True)
    return max(3, int(x + 4.05 * x ** (1.0 / 3.0) + 2.0))


def _riccati(n_max, x):
    """``psi_n(x) = x j_n(x)`` and ``xi_n(x) = x h_n^(1)(x)`` for n = 0..n_max."""
    n = np.arange(n_max + 1)
    psi = x * spherical_jn(n, x)
    xi = psi + 1j * x * spherical_yn(n, x)
    return psi, xi


def _log_derivative(n_max, z):
    """``D_n(z) = psi_n'(z)/psi_n(z)``, n = 0..n_max, by downward recurrence (BH 4.89).

    The start ``max(n_max, |z|) + 16 + 8 |z|^(1/3)`` (value 0) lies beyond the
    turning point ``n ~ |z|`` by many decay lengths ``~|z|^(1/3)``.  BH's own
    start ``max(n_max, |z|) + 15`` is not enough for real ``z``: measured
    relative errors of ``D_n`` were 4e-3 at ``z = 150`` and O(1) at
    ``z = 1500``; with this start they are below 1e-11 up to ``z = 7500``.
    """
    n_start = int(max(n_max, abs(z)) + 16 + 8 * abs(z) ** (1.0 / 3.0))
    d = np.zeros(n_start + 1, dtype=complex)
    for n in range(n_start, 0, -1):
        d[n - 1] = n / z - 1.0 / (d[n] + n / z)
    return d[: n_max + 1]


def mie_coefficients(size_parameter, refractive_index, *, n_max=None):
    """Mie coefficients ``a_n, b_n`` of a homogeneous sphere (BH Eq. 4.88).

    ``D_n(m x)`` is obtained by downward recurrence, which is stable for any
    ``|m x|``; ``psi_n(x), xi_n(x)`` come from scipy's spherical Bessel
    functions.

    Parameters
    ----------
    size_parameter : float
        ``x = k a`` (dimensionless, > 0).
    refractive_index : complex
        ``m = sqrt(permittivity)`` relative to the medium (Re > 0, Im >= 0).
    n_max : int, optional
        Highest multipole order; default :func:`n_terms`.

    Returns
    -------
    a, b : ndarray, shape (n_max,), complex
        ``a[n-1] = a_n`` (electric), ``b[n-1] = b_n`` (magnetic), dimensionless.
        For real ``m``, ``Re a_n = |a_n|^2`` (unitarity).
    """
    x, m, n_max = _mie_args(size_parameter, refractive_index, n_max)
    psi, xi = _riccati(n_max, x)
    d = _log_derivative(n_max, m * x)[1:]
    n = np.arange(1, n_max + 1)
    ta = d / m + n / x
    tb = m * d + n / x
    a = (ta * psi[1:] - psi[:-1]) / (ta * xi[1:] - xi[:-1])
    b = (tb * psi[1:] - psi[:-1]) / (tb * xi[1:] - xi[:-1])
    return a, b


def internal_coefficients(size_parameter, refractive_index, *, n_max=None):
    """Coefficients ``c_n, d_n`` of the internal field (BH Eq. 4.52, mu_1 = mu).

    ``size_parameter``, ``refractive_index`` and ``n_max`` as in
    :func:`mie_coefficients`.  Returns ``c, d`` (complex arrays of shape
    ``(n_max,)``, dimensionless): the internal field is
    ``sum E_n (c_n M_o1n - i d_n N_e1n)`` with wave number ``m k`` (BH
    notation); in this module's notation the internal ``q_lm = c_l q_lm^inc``
    and ``p_lm = d_l p_lm^inc``.
    """
    x, m, n_max = _mie_args(size_parameter, refractive_index, n_max)
    n = np.arange(1, n_max + 1)
    mx = m * x
    j_x = spherical_jn(n, x)
    h_x = j_x + 1j * spherical_yn(n, x)
    dxh = h_x + x * (
        spherical_jn(n, x, derivative=True) + 1j * spherical_yn(n, x, derivative=True)
    )
    j_mx = spherical_jn(n, mx)
    dmxj = j_mx + mx * spherical_jn(n, mx, derivative=True)
    wron = 1j / x  # j_n [x h_n]' - h_n [x j_n]'
    c = wron / (j_mx * dxh - h_x * dmxj)
    d = m * wron / (m**2 * j_mx * dxh - h_x * dmxj)
    return c, d


def efficiencies(size_parameter, refractive_index, *, n_max=None):
    """Efficiencies ``Q_ext, Q_sca, Q_back`` and asymmetry ``g`` (BH 4.61, 4.62, 4.82).

    ``size_parameter``, ``refractive_index`` and ``n_max`` as in
    :func:`mie_coefficients`.  Returns a dict of ``q_ext``, ``q_sca``,
    ``q_abs``, ``q_back``, ``q_pr`` (radiation pressure, ``Q_ext - g Q_sca``)
    and ``g``, all dimensionless (cross section = Q pi a^2).
    """
    x = _v.real_scalar(size_parameter, "size_parameter", positive=True)
    a, b = mie_coefficients(x, refractive_index, n_max=n_max)
    n = np.arange(1, a.size + 1)
    q_ext = 2.0 / x**2 * np.sum((2 * n + 1) * (a + b).real)
    q_sca = 2.0 / x**2 * np.sum((2 * n + 1) * (np.abs(a) ** 2 + np.abs(b) ** 2))
    q_back = np.abs(np.sum((2 * n + 1) * (-1.0) ** n * (a - b))) ** 2 / x**2
    nn = n[:-1]
    gq = (
        4.0
        / x**2
        * (
            np.sum(
                nn
                * (nn + 2)
                / (nn + 1)
                * (a[:-1] * a[1:].conj() + b[:-1] * b[1:].conj()).real
            )
            + np.sum((2 * n + 1) / (n * (n + 1)) * (a * b.conj()).real)
        )
    )
    return {
        "q_ext": float(q_ext),
        "q_sca": float(q_sca),
        "q_abs": float(q_ext - q_sca),
        "q_back": float(q_back),
        "q_pr": float(q_ext - gq),
        "g": float(gq / q_sca),
    }


def amplitude_functions(size_parameter, refractive_index, theta, *, n_max=None):
    """Scattering amplitude functions ``S_1(theta), S_2(theta)`` (BH Eq. 4.74).

    ``size_parameter``, ``refractive_index`` and ``n_max`` as in
    :func:`mie_coefficients`.

    Parameters
    ----------
    theta : array_like
        Scattering angles in radians, in [0, pi].

    Returns
    -------
    s1, s2 : ndarray, complex, shape of ``theta``
        Dimensionless.  For incident light polarised along x and propagating
        along z, ``dC_sca/dOmega = (|S_2|^2 cos^2 phi + |S_1|^2 sin^2 phi)/k^2``.
    """
    theta = np.asarray(theta, dtype=float)
    if not np.all(np.isfinite(theta)) or np.any(theta < 0) or np.any(theta > np.pi):
        raise ValueError("theta must be finite and in [0, pi] (radians)")
    a, b = mie_coefficients(size_parameter, refractive_index, n_max=n_max)
    mu = np.cos(theta)
    pi_prev = np.zeros_like(mu)
    pi_n = np.ones_like(mu)
    s1 = np.zeros(mu.shape, dtype=complex)
    s2 = np.zeros(mu.shape, dtype=complex)
    for n in range(1, a.size + 1):
        tau_n = n * mu * pi_n - (n + 1) * pi_prev
        f = (2 * n + 1) / (n * (n + 1))
        s1 += f * (a[n - 1] * pi_n + b[n - 1] * tau_n)
        s2 += f * (a[n - 1] * tau_n + b[n - 1] * pi_n)
        pi_prev, pi_n = pi_n, ((2 * n + 1) * mu * pi_n - (n + 1) * pi_prev) / n
    return s1, s2


def cross_sections(radius, permittivity, k):
    """Extinction and scattering cross sections of a sphere, in m^2.

    Parameters
    ----------
    radius : float
        Sphere radius in m (> 0).  The functions below that accept an
        array of radii say so and return one value per radius.
    permittivity : float
        Relative permittivity (real, > 1).
    k : float
        Vacuum wave number in 1/m (> 0).

    Returns
    -------
    dict
        ``c_ext``, ``c_sca``, ``c_pr`` (m^2) and ``g``.
    """
    a, eps, k = _sphere(radius, permittivity, k)
    q = efficiencies(k * a, np.sqrt(eps))
    geo = np.pi * a**2
    return {
        "c_ext": q["q_ext"] * geo,
        "c_sca": q["q_sca"] * geo,
        "c_pr": q["q_pr"] * geo,
        "g": q["g"],
    }


# ---------------------------------------------------------------- polarisability
def quasistatic_polarizability(radius, permittivity):
    """``alpha_0 = eps0 V chi = 4 pi eps0 a^3 (eps - 1)/(eps + 2)`` (Eq. 32, N = 1/3).

    ``radius`` (array_like) and ``permittivity`` as in :func:`cross_sections`.
    Returns ``alpha_0`` in C m^2/V, one value per radius.
    """
    return EPSILON_0 * sphere_volume(radius) * sphere_susceptibility(permittivity)


def corrected_polarizability(radius, permittivity, k):
    """Polarisability of the paper's optical potential, ``eps0 V (chi + delta chi)``.

    Eqs. (68), (74) with ``delta chi = (4/15) chi^2 k^2 a^2``
    (:func:`optbind.particles.radiation_correction_sphere`).  ``radius``
    (array_like), ``permittivity`` and ``k`` as in :func:`cross_sections`.
    Returns the polarisability in C m^2/V, one value per radius.
    """
    a, eps, k = _sphere(radius, permittivity, k, array=True)
    chi = sphere_susceptibility(eps)
    dchi = np.vectorize(lambda r: radiation_correction_sphere(eps, r, k))(a)
    return EPSILON_0 * sphere_volume(a) * (chi + dchi)


def mie_polarizability(radius, permittivity, k):
    """Exact electric-dipole polarisability ``alpha_1 = 6 pi i eps0 a_1 / k^3``.

    The complex polarisability of the point dipole that radiates the same
    electric-dipole (``a_1``) field as the sphere in a plane wave.
    ``radius`` (array_like), ``permittivity`` and ``k`` as in
    :func:`cross_sections`.  Returns ``alpha_1`` in C m^2/V (complex, one
    value per radius); ``Im alpha_1 > 0`` (radiation reaction,
    ``exp(-i omega t)``).
    """
    a, eps, k = _sphere(radius, permittivity, k, array=True)
    m = np.sqrt(eps)
    a1 = np.array([mie_coefficients(k * r, m)[0][0] for r in np.ravel(a)]).reshape(
        a.shape
    )
    out = 6j * np.pi * EPSILON_0 * a1 / k**3
    return complex(out) if out.ndim == 0 else out


def _series_ops(order):
    """Truncated power-series helpers (coefficient lists of mpmath numbers)."""
    try:
        import mpmath as mp
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise ImportError(
            "the exact power series need mpmath: pip install 'optbind[series]'"
        ) from exc

    def mul(p, q):
        return [mp.fsum(p[i] * q[n - i] for i in range(n + 1)) for n in range(order)]

    def trig(c):  # series of sin(c x), cos(c x)
        s = [mp.mpf(0)] * order
        co = [mp.mpf(0)] * order
        for n in range(order):
            t = c**n / mp.factorial(n)
            if n % 2:
                s[n] = t * (-1) ** ((n - 1) // 2)
            else:
                co[n] = t * (-1) ** (n // 2)
        return s, co

    def shift(p, s):  # multiply by x^s (s may be negative if the low terms vanish)
        if s >= 0:
            return [mp.mpf(0)] * s + p[: order - s]
        return p[-s:] + [mp.mpf(0)] * (-s)

    def div(p, q):
        out = []
        for n in range(order):
            out.append((p[n] - mp.fsum(out[i] * q[n - i] for i in range(n))) / q[0])
        return out

    return mp, mul, trig, shift, div


def polarizability_series(permittivity, order=10, *, dps=40):
    """Exact Taylor coefficients of ``alpha_1/alpha_0`` in the size parameter ``k a``.

    Power-series arithmetic in :mod:`mpmath` on BH's closed forms for
    ``psi_1``, ``xi_1`` (no numerical differentiation): ``a_1 = N/D`` with
    ``x^2 N`` and ``x^2 D`` power series, then
    ``alpha_1/alpha_0 = (3i/(2 K)) a_1/x^3`` with ``K = (eps-1)/(eps+2)``.

    Parameters
    ----------
    permittivity : float
        Relative permittivity (> 1).
    order : int, optional
        Number of coefficients returned (``x^0 .. x^(order-1)``), >= 4.
    dps : int, optional
        mpmath decimal precision.

    Returns
    -------
    ndarray, shape (order,), complex
        ``s_n`` with ``alpha_1/alpha_0 = sum_n s_n x^n`` (dimensionless):
        ``s_0 = 1``, ``s_1 = 0``, ``s_2 = (3/5)(eps-2)/(eps+2)``,
        ``s_3 = (2i/3) K``.
    """
    eps = _v.permittivity(permittivity)
    order = _v.integer(order, "order", minimum=4)
    dps = _v.integer(dps, "dps", minimum=16)
    work = order + 8
    mp, mul, trig, shift, div = _series_ops(work)
    with mp.workdps(dps):
        m = mp.sqrt(mp.mpf(eps))

        def psi_parts(c):
            s, co = trig(c)
            # psi(cx) = sin z/z - cos z ; psi'(z) = (z cos z - sin z)/z^2 + sin z
            sz = shift(s, -1)
            sz = [v / c for v in sz]
            psi = [sz[i] - co[i] for i in range(work)]
            zc = [v * c for v in shift(co, 1)]
            num = [zc[i] - s[i] for i in range(work)]
            dpsi = [v / c**2 for v in shift(num, -2)]
            dpsi = [dpsi[i] + s[i] for i in range(work)]
            return psi, dpsi, s, co

        psi_m, dpsi_m, _, _ = psi_parts(m)
        psi_1, dpsi_1, s1, c1 = psi_parts(mp.mpf(1))
        x2 = shift([mp.mpf(1)] + [mp.mpf(0)] * (work - 1), 2)
        x2psi = mul(x2, psi_1)
        x2dpsi = mul(x2, dpsi_1)
        # x^2 xi = x^2 psi - i (x cos x + x^2 sin x)
        # x^2 xi' = x^2 psi' + i (x sin x + cos x - x^2 cos x)
        xcos, x2sin = shift(c1, 1), shift(s1, 2)
        xsin, x2cos = shift(s1, 1), shift(c1, 2)
        x2xi = [x2psi[i] - 1j * (xcos[i] + x2sin[i]) for i in range(work)]
        x2dxi = [x2dpsi[i] + 1j * (xsin[i] + c1[i] - x2cos[i]) for i in range(work)]
        num = [m * u - v for u, v in zip(mul(psi_m, x2dpsi), mul(x2psi, dpsi_m))]
        den = [m * u - v for u, v in zip(mul(psi_m, x2dxi), mul(x2xi, dpsi_m))]
        # den starts at x^2, num at x^5: a_1 = x^3 (num/x^5)/(den/x^2)
        a1_over_x3 = div(shift(num, -5), shift(den, -2))
        kk = (m**2 - 1) / (m**2 + 2)
        s = [1.5j * v / kk for v in a1_over_x3]
        return np.array([complex(v) for v in s[:order]])


def x2_coefficient_decomposition(permittivity):
    """The O(x^2) coefficient of ``Re alpha_1/alpha_0`` and its three parts.

    See the module docstring for the derivation; ``permittivity`` as in
    :func:`cross_sections`.

    Returns
    -------
    dict
        ``eq68``: ``(4/15) chi`` (the radiation correction, Eq. 68);
        ``incident_variation``: ``-1/10``; ``form_factor``: ``-1/10``;
        ``sum`` of the three; ``mie``: ``s_2`` from
        :func:`polarizability_series` (dimensionless).
    """
    eps = _v.permittivity(permittivity)
    chi = sphere_susceptibility(eps)
    parts = {"eq68": 4.0 / 15.0 * chi, "incident_variation": -0.1, "form_factor": -0.1}
    parts["sum"] = parts["eq68"] + parts["incident_variation"] + parts["form_factor"]
    parts["mie"] = float(polarizability_series(eps, 4)[2].real)
    return parts


# ------------------------------------------------------ multipole field machinery
def _angles(points):
    r = np.linalg.norm(points, axis=-1)
    rho = np.hypot(points[..., 0], points[..., 1])
    theta = np.arctan2(rho, points[..., 2])
    phi = np.arctan2(points[..., 1], points[..., 0])
    return r, theta, phi


def _lm(l_max):
    ls, ms = [], []
    for l in range(1, l_max + 1):
        for m in range(-l, l + 1):
            ls.append(l)
            ms.append(m)
    return np.array(ls), np.array(ms)


_POLE_STEP = 1e-7


def _y_l0_pole(ls, ct):
    """``Y_l0`` on the z axis: ``sqrt((2l+1)/(4 pi)) (+-1)^l``."""
    lcol = ls.reshape((-1,) + (1,) * np.ndim(ct))
    return np.sqrt((2 * lcol + 1) / (4 * np.pi)) * np.where(ct > 0, 1.0, (-1.0) ** lcol)


def _vsh(l_max, theta, phi):
    """``r_hat``, ``Y_lm``, ``X_lm`` and ``r_hat x X_lm`` (Cartesian), modes first."""
    theta = np.asarray(theta, dtype=float)
    phi = np.asarray(phi, dtype=float)
    st, ct = np.sin(theta), np.cos(theta)
    # On the z axis m Y/sin(theta) and dY/dtheta have finite limits, nonzero
    # only for |m| = 1 and even in the distance from the pole: evaluate them a
    # distance _POLE_STEP away (relative error ~ step^2) and zero the others.
    pole = np.abs(st) < _POLE_STEP
    th_eval = np.where(pole, np.where(ct > 0, _POLE_STEP, np.pi - _POLE_STEP), theta)
    st_eval = np.sin(th_eval)
    cp, sp = np.cos(phi), np.sin(phi)
    rh = np.stack([st * cp, st * sp, ct], -1)
    th = np.stack([ct * cp, ct * sp, -st], -1)
    ph = np.stack([-sp, cp, np.zeros_like(phi)], -1)
    ls, ms = _lm(l_max)
    y, dy = sph_harm_y(
        ls[:, None],
        ms[:, None],
        th_eval.ravel()[None, :],
        phi.ravel()[None, :],
        diff_n=1,
    )
    shape = (ls.size,) + theta.shape
    y = y.reshape(shape)
    dth = dy[..., 0].reshape(shape)
    norm = (1.0 / np.sqrt(ls * (ls + 1.0))).reshape((-1,) + (1,) * theta.ndim)
    mm = ms.reshape((-1,) + (1,) * theta.ndim)
    a_th = -norm * mm / st_eval * y  # X = a_th th + a_ph ph
    a_ph = -1j * norm * dth
    if np.any(pole):
        keep = (np.abs(mm) == 1) | ~pole
        a_th = np.where(keep, a_th, 0.0)
        a_ph = np.where(keep, a_ph, 0.0)
        y = np.where(
            pole, 0.0, y
        )  # Y_lm(pole) = 0 for m != 0; m = 0 enters N via Y r_hat
        y = np.where(pole & (mm == 0), _y_l0_pole(ls, ct), y)
    x_lm = a_th[..., None] * th + a_ph[..., None] * ph
    rx_lm = -a_ph[..., None] * th + a_th[..., None] * ph
    return rh, y, x_lm, rx_lm, ls


def multipole_fields(l_max, points, k, *, kind="regular"):
    """Vector spherical wave functions ``N_lm`` and ``M_lm`` at ``points``.

    ``M_lm = z_l(kr) X_lm`` and ``N_lm = curl(M_lm)/k
    = i sqrt(l(l+1)) z_l/(kr) Y_lm r_hat + [(kr z_l)'/(kr)] r_hat x X_lm``
    with ``z_l = j_l`` (regular) or ``h_l^(1)`` (outgoing); modes ordered
    ``(l, m) = (1,-1), (1,0), (1,1), (2,-2), ...``.

    Parameters
    ----------
    l_max : int
        Highest degree (>= 1).
    points : array_like, shape (..., 3)
        Cartesian positions in m, not at the origin.
    k : complex
        Wave number in 1/m (complex allowed for absorbing interiors).
    kind : {"regular", "outgoing"}

    Returns
    -------
    n_lm, m_lm : ndarray, shape (n_modes, ..., 3), complex
        Dimensionless.
    """
    l_max = _v.integer(l_max, "l_max", minimum=1)
    pts = _v.vectors(points, "points", "m")
    _v.choice(kind, "kind", ("regular", "outgoing"))
    r, theta, phi = _angles(pts)
    if np.any(r == 0):
        raise ValueError("points must not be at the origin")
    rh, y, x_lm, rx_lm, ls = _vsh(l_max, theta, phi)
    return _assemble(ls, r, k, kind, rh, y, x_lm, rx_lm)


def _assemble(ls, r, k, kind, rh, y, x_lm, rx_lm):
    rho = k * r
    lcol = ls.reshape((-1,) + (1,) * np.ndim(r))
    z = spherical_jn(lcol, rho)
    dz = spherical_jn(lcol, rho, derivative=True)
    if kind == "outgoing":
        z = z + 1j * spherical_yn(lcol, rho)
        dz = dz + 1j * spherical_yn(lcol, rho, derivative=True)
    m_lm = z[..., None] * x_lm
    n_lm = (1j * np.sqrt(lcol * (lcol + 1.0)) * z / rho * y)[..., None] * rh + (
        (z + rho * dz) / rho
    )[..., None] * rx_lm
    return n_lm, m_lm


def plane_wave_coefficients(l_max, direction, polarization):
    """Multipole coefficients of the plane wave ``e exp(i k k_hat . r)``.

    ``p_lm = 4 pi i^(l+1) (k_hat x e).X*_lm(k_hat)``,
    ``q_lm = 4 pi i^l e.X*_lm(k_hat)``; derived from the radial components
    ``r.E`` and ``r.H`` and the Rayleigh expansion, checked by reconstruction
    in the tests.

    Parameters
    ----------
    l_max : int
        Highest degree (>= 1).
    direction : array_like, shape (..., 3)
        Unit propagation vectors.
    polarization : array_like, shape (..., 3), complex
        Field vectors ``e`` (V/m) orthogonal to ``direction``.

    Returns
    -------
    p, q : ndarray, shape (n_modes, ...), complex
        In V/m.
    """
    l_max = _v.integer(l_max, "l_max", minimum=1)
    kh = np.asarray(direction, dtype=float)
    e = np.asarray(polarization, dtype=complex)
    if kh.shape[-1:] != (3,) or e.shape != kh.shape:
        raise ValueError("direction and polarization must have the same shape (..., 3)")
    norm = np.linalg.norm(kh, axis=-1)
    if not np.allclose(norm, 1.0, atol=1e-12):
        raise ValueError("direction must be unit vectors")
    if np.max(np.abs(np.einsum("...i,...i->...", kh, e))) > 1e-9 * max(
        np.max(np.abs(e)), 1e-300
    ):
        raise ValueError(
            "polarization must be orthogonal to direction (transverse wave)"
        )
    _, theta, phi = _angles(kh)
    _, _, x_lm, _, ls = _vsh(l_max, theta, phi)
    lcol = ls.reshape((-1,) + (1,) * (kh.ndim - 1))
    ke = np.cross(kh, e)
    p = 4 * np.pi * 1j ** (lcol + 1) * np.einsum("...i,m...i->m...", ke, x_lm.conj())
    q = 4 * np.pi * 1j**lcol * np.einsum("...i,m...i->m...", e, x_lm.conj())
    return p, q


def volume_integrated_polarizability(
    radius, permittivity, k, *, n_radial=24, n_theta=16
):
    """``eps0 (eps - 1) int_V E_int d^3r / E_0`` in a plane wave (exact internal field).

    The total induced moment (the quantity the paper's ``alpha = eps0 V chi``
    models), as opposed to the far-field dipole coefficient of
    :func:`mie_polarizability`.  Its O(x^2) term is
    ``(4/15) chi - 1/10`` (Eq. 68 plus the incident-field variation; see the
    module docstring).  Incident field ``e_x exp(ikz)`` of unit amplitude.

    ``radius``, ``permittivity`` and ``k`` as in :func:`cross_sections`.

    Parameters
    ----------
    n_radial, n_theta : int, optional
        Gauss-Legendre orders in r and cos(theta) (the azimuthal rule of
        :func:`optbind.green.sphere_quadrature` has ``2 n_theta`` nodes).

    Returns
    -------
    complex
        x component of the induced moment per unit field, in C m^2/V.
    """
    a, eps, k = _sphere(radius, permittivity, k)
    n_radial = _v.integer(n_radial, "n_radial", minimum=1)
    nodes, w_dir = sphere_quadrature(n_theta)
    m = np.sqrt(eps)
    x = k * a
    n_max = n_terms(x)
    c, d = internal_coefficients(x, m, n_max=n_max)
    p, q = plane_wave_coefficients(n_max, [0.0, 0.0, 1.0], [1.0, 0.0, 0.0])
    ls, _ = _lm(n_max)
    p_int = d[ls - 1] * p
    q_int = c[ls - 1] * q
    u, wu = np.polynomial.legendre.leggauss(n_radial)
    rr = 0.5 * a * (u + 1.0)
    wr = 0.5 * a * wu * rr**2
    W = wr[:, None] * w_dir[None, :]
    pts = rr[:, None, None] * nodes[None, :, :]
    n_lm, m_lm = multipole_fields(n_max, pts, m * k)
    e_int = np.einsum("m,m...i->...i", p_int, n_lm) + np.einsum(
        "m,m...i->...i", q_int, m_lm
    )
    total = np.sum(W[..., None] * e_int, axis=(0, 1))
    return complex(EPSILON_0 * (eps - 1.0) * total[0])


# -------------------------------------------------------------- scattering rates
def mie_scattering_rate(radius, permittivity, k, field_amplitude):
    """Photon scattering rate ``C_sca I/(hbar omega)`` of a sphere in a plane wave, 1/s.

    ``I = c eps0 |E|^2/2`` (cycle average for ``Re[E exp(-i omega t)]``).
    ``radius`` (array_like), ``permittivity`` and ``k`` as in
    :func:`cross_sections`.

    Parameters
    ----------
    field_amplitude : float
        ``|E|`` in V/m (> 0).

    Returns
    -------
    ndarray or float
        Photons per second, one value per radius.
    """
    a, eps, k = _sphere(radius, permittivity, k, array=True)
    flux = _photon_flux(field_amplitude, k)
    q = np.array([efficiencies(k * r, np.sqrt(eps))["q_sca"] for r in np.ravel(a)])
    return q.reshape(a.shape) * np.pi * a**2 * flux


def dipole_scattering_rate(polarizability, k, field_amplitude):
    """Scattering rate of a point dipole, ``k^3 |alpha|^2 |E|^2/(12 pi eps0 hbar)``.

    Larmor: ``P = c k^4 |p|^2/(12 pi eps0)``; divided by ``hbar omega = hbar c k``.
    With ``alpha = eps0 V chi`` this is ``int d^2n sum_s |L_ns|^2`` of Eq. (76),
    the rate behind the recoil heating (87a).  Equivalently
    ``C_sca = k^4 |alpha|^2/(6 pi eps0^2)`` times ``I/(hbar omega)``.

    ``k`` and ``field_amplitude`` as in :func:`mie_scattering_rate`.

    Parameters
    ----------
    polarizability : array_like
        ``alpha`` in C m^2/V (complex allowed).

    Returns
    -------
    ndarray or float
        Photons per second, one value per polarisability.
    """
    alpha = _v.complex_array(polarizability, "polarizability", "C m^2/V")
    k = _v.real_scalar(k, "k", "1/m", positive=True)
    c_sca = k**4 * np.abs(alpha) ** 2 / (6.0 * np.pi * EPSILON_0**2)
    return c_sca * _photon_flux(field_amplitude, k)


def recoil_diffusion_plane_wave(
    radius, permittivity, k, field_amplitude, *, n_theta=None
):
    """Axial recoil diffusion of a sphere in a plane wave along z, exact (Mie), N^2 s.

    ``D_zz = (hbar^2 k^2 / 2) int dOmega (dGamma/dOmega) (1 - cos theta)^2``:
    each photon kicks the sphere by ``hbar k (e_z - n)``.  For a point dipole
    this is ``(7/5)(hbar k)^2 Gamma/2``, i.e. Eq. (87a) with ``1/z_R -> 0``.

    ``radius``, ``permittivity`` and ``k`` as in :func:`cross_sections`,
    ``field_amplitude`` as in :func:`mie_scattering_rate`.

    Parameters
    ----------
    n_theta : int, optional
        Gauss-Legendre nodes in cos(theta); default ``2 n_terms + 16``.

    Returns
    -------
    float
        ``D_zz`` in N^2 s (the coefficient of the project's Eq. 82 convention).
    """
    a, eps, k = _sphere(radius, permittivity, k)
    flux = _photon_flux(field_amplitude, k)
    x = k * a
    if n_theta is None:
        n_theta = 2 * n_terms(x) + 16
    mu, w = np.polynomial.legendre.leggauss(_v.integer(n_theta, "n_theta", minimum=1))
    s1, s2 = amplitude_functions(x, np.sqrt(eps), np.arccos(mu))
    # phi-averaged dC/dOmega = (|S1|^2 + |S2|^2)/(2 k^2)
    dc = (np.abs(s1) ** 2 + np.abs(s2) ** 2) / (2 * k**2)
    weighted = 2 * np.pi * np.sum(w * dc * (1 - mu) ** 2)
    return 0.5 * (HBAR * k) ** 2 * weighted * flux


# ---------------------------------------------------------- Gaussian beam, force
class GaussianBeam:
    """Angular-spectrum Gaussian beam along +z, polarised along x at the focus.

    An exact solution of Maxwell's equations (propagating plane waves only)
    whose paraxial limit is ``e_x exp(ikz) f_tw(r)`` of Eq. (78); see the module
    docstring for the spectrum.  It is normalised so that ``|E(focus)| = 1 V/m``
    (all forces and stiffnesses below scale with ``|E(focus)|^2``).

    Parameters
    ----------
    k : float
        Wave number in 1/m (> 0).
    waist : float
        Waist ``w`` of the paraxial envelope in m (> 0); ``z_R = k w^2/2``.
    n_angular : int, optional
        Gauss-Legendre nodes in ``cos(theta_k)`` over ``[0, 1]``.
    """

    def __init__(self, k, waist, *, n_angular=96):
        self.k = _v.real_scalar(k, "k", "1/m", positive=True)
        self.waist = _v.real_scalar(waist, "waist", "m", positive=True)
        self.n_angular = _v.integer(n_angular, "n_angular", minimum=8)
        u, w = np.polynomial.legendre.leggauss(self.n_angular)
        # The spectrum exp(-k_perp^2 w^2/4) falls below 1e-17 at
        # k_perp w/2 = 6.3: integrate cos(theta) over [c_min, 1] only (the
        # integrand is smooth in cos(theta), including at k_z -> 0).
        s_cut = min(1.0, 12.6 / (self.k * self.waist))
        c_min = np.sqrt(1.0 - s_cut**2)
        self._cos = c_min + 0.5 * (1.0 - c_min) * (u + 1.0)
        wc = 0.5 * (1.0 - c_min) * w
        kperp2 = self.k**2 * (1.0 - self._cos) * (1.0 + self._cos)
        # d^2k_perp = k^2 cos(theta) dOmega ; dOmega = d(cos theta) dphi
        self._radial_weight = (
            wc
            * self.k**2
            * self._cos
            * self.waist**2
            / (4 * np.pi)
            * np.exp(-kperp2 * self.waist**2 / 4)
        )
        self._scale = 1.0
        self._scale = 1.0 / abs(self.axial_field(0.0)[0])
        self._cache = {}

    @property
    def z_R(self):
        """Rayleigh range ``k w^2/2`` of the paraxial envelope, in m."""
        return rayleigh_range(self.k, self.waist)

    def _nodes(self, n_phi):
        ct = self._cos
        ph = 2 * np.pi * (np.arange(n_phi) + 0.5) / n_phi
        C, P = np.meshgrid(ct, ph, indexing="ij")
        S = np.sqrt(1.0 - C**2)
        kh = np.stack([S * np.cos(P), S * np.sin(P), C], -1)
        th = np.stack([C * np.cos(P), C * np.sin(P), -S], -1)
        phv = np.stack([-np.sin(P), np.cos(P), np.zeros_like(P)], -1)
        pol = th * np.cos(P)[..., None] - phv * np.sin(P)[..., None]
        wgt = (
            self._radial_weight[:, None] * (2 * np.pi / n_phi) * np.ones_like(P)
        ) * self._scale
        return kh.reshape(-1, 3), pol.reshape(-1, 3), wgt.ravel()

    def field(self, points, *, n_phi=64):
        """Electric field in V/m at ``points`` ((..., 3), m), by direct quadrature."""
        pts = _v.vectors(points, "points", "m")
        kh, pol, wgt = self._nodes(_v.integer(n_phi, "n_phi", minimum=4))
        ph = np.exp(1j * self.k * np.einsum("...i,ni->...n", pts, kh))
        return np.einsum("...n,n,ni->...i", ph, wgt, pol)

    def axial_field(self, z, *, derivative=0):
        """``E_x`` on the axis and its z derivatives (V/m, V/m^2, ...).

        Parameters
        ----------
        z : array_like
            Axial positions in m relative to the focus.
        derivative : int, optional
            Order of the z derivative (0, 1, 2, ...).

        Returns
        -------
        ndarray, complex
            ``d^n E_x / dz^n``; ``E_y = E_z = 0`` on the axis by symmetry.
        """
        z = np.atleast_1d(np.asarray(z, dtype=float))
        if not np.all(np.isfinite(z)):
            raise ValueError("z must be finite")
        if (
            isinstance(derivative, bool)
            or int(derivative) != derivative
            or derivative < 0
        ):
            raise ValueError(f"derivative must be an integer >= 0; got {derivative!r}")
        kz = self.k * self._cos
        # phi average of e_x . e(k) = (1 + cos theta)/2 ; 2 pi from the phi integral
        amp = self._radial_weight * 2 * np.pi * 0.5 * (1.0 + self._cos) * self._scale
        return np.einsum(
            "n,zn->z", amp * (1j * kz) ** int(derivative), np.exp(1j * np.outer(z, kz))
        )

    def coefficients(self, l_max, position=(0.0, 0.0, 0.0), *, z_derivative=False):
        """Multipole coefficients ``p_lm, q_lm`` of the beam about ``position``.

        Parameters
        ----------
        l_max : int
            Highest degree.
        position : array_like, shape (3,)
            Expansion centre (the sphere centre) relative to the focus, in m.
        z_derivative : bool, optional
            Also return ``d p/d z``, ``d q/d z`` (moving the centre along z).

        Returns
        -------
        p, q : ndarray, shape (n_modes,), complex
            In V/m (and ``dp, dq`` in V/m^2 if requested).
        """
        l_max = _v.integer(l_max, "l_max", minimum=1)
        pos = _v.vectors(position, "position", "m", shape=(3,))
        if l_max not in self._cache:
            kh, pol, wgt = self._nodes(2 * l_max + 6)
            self._cache[l_max] = (kh, wgt) + plane_wave_coefficients(l_max, kh, pol)
        kh, wgt, p1, q1 = self._cache[l_max]
        w = wgt * np.exp(1j * self.k * kh @ pos)
        p, q = p1 @ w, q1 @ w
        if not z_derivative:
            return p, q
        wd = w * 1j * self.k * kh[:, 2]
        return p, q, p1 @ wd, q1 @ wd


_ANGULAR_CACHE = {}


class _ForceKernel:
    """Basis fields on a sphere of radius R around the particle, reused per call."""

    def __init__(self, l_inc, l_sca, k, surface_radius):
        self.l_inc, self.l_sca = l_inc, l_sca
        key = (l_inc, l_sca)
        if key not in _ANGULAR_CACHE:
            l_total = 2 * (l_inc + l_sca) + 4
            rh, w = sphere_quadrature(l_total // 2 + 4, l_total + 6)
            _, theta, phi = _angles(rh)
            _ANGULAR_CACHE[key] = (rh, w) + _vsh(l_inc, theta, phi)[1:]
        rh, self.w, y, x_lm, rx_lm, ls = _ANGULAR_CACHE[key]
        self.rh = rh
        r = np.array([float(surface_radius)])  # radial parts: one value per mode
        self.area = surface_radius**2
        self.n_i, self.m_i = _assemble(ls, r, k, "regular", rh, y, x_lm, rx_lm)
        ns = (l_sca + 1) ** 2 - 1
        self.n_s, self.m_s = _assemble(
            ls[:ns], r, k, "outgoing", rh, y[:ns], x_lm[:ns], rx_lm[:ns]
        )
        self.ls_sca = ls[:ns]

    def force(self, p, q, a_n, b_n):
        ns = self.ls_sca.size
        ps = -a_n[self.ls_sca - 1] * p[:ns]
        qs = -b_n[self.ls_sca - 1] * q[:ns]
        ei = np.einsum("m,mpi->pi", p, self.n_i) + np.einsum("m,mpi->pi", q, self.m_i)
        hi = -1j * (
            np.einsum("m,mpi->pi", p, self.m_i) + np.einsum("m,mpi->pi", q, self.n_i)
        )
        es = np.einsum("m,mpi->pi", ps, self.n_s) + np.einsum("m,mpi->pi", qs, self.m_s)
        hs = -1j * (
            np.einsum("m,mpi->pi", ps, self.m_s) + np.einsum("m,mpi->pi", qs, self.n_s)
        )
        rh = self.rh

        def t_dot_n(a, b, c, d):  # Re[a (b* . n) + c (d* . n) - (a.b* + c.d*) n / 2]
            out = a * np.einsum("pi,pi->p", b.conj(), rh)[:, None]
            out += c * np.einsum("pi,pi->p", d.conj(), rh)[:, None]
            out -= (
                0.5
                * (
                    np.einsum("pi,pi->p", a, b.conj())
                    + np.einsum("pi,pi->p", c, d.conj())
                )[:, None]
                * rh
            )
            return out.real

        # total minus incident-only (which integrates to zero exactly)
        integrand = (
            t_dot_n(ei, es, hi, hs) + t_dot_n(es, ei, hs, hi) + t_dot_n(es, es, hs, hs)
        )
        return 0.5 * EPSILON_0 * self.area * np.einsum("p,pi->i", self.w, integrand)


def sphere_force(
    incident_p, incident_q, radius, permittivity, k, *, surface_radius=None
):
    """Cycle-averaged force on a sphere from the Maxwell stress tensor, in N.

    ``F = oint <T> . n dS`` over a sphere of radius ``surface_radius``
    enclosing the particle, with ``<T> = (eps0/2) Re[E E* + Z0^2 H H* -
    (|E|^2 + Z0^2 |H|^2) 1/2]`` of the total field; the incident-only part,
    whose flux vanishes identically, is left out.  The angular rule is exact
    for the band-limited integrand.

    Parameters
    ----------
    incident_p, incident_q : array_like, shape (n_modes,), complex
        Multipole coefficients (V/m) of the incident field about the sphere
        centre, modes ``(1,-1), (1,0), ...`` up to some ``l_inc``; at least
        ``n_terms + 3`` degrees are needed for full accuracy.
    radius, permittivity, k
        As in :func:`cross_sections`.
    surface_radius : float, optional
        Radius of the integration sphere in m (> radius); default
        ``1.25 radius``.  The result does not depend on it (tested).

    Returns
    -------
    ndarray, shape (3,)
        Force in N.
    """
    a, eps, k = _sphere(radius, permittivity, k)
    p = np.asarray(incident_p, dtype=complex)
    q = np.asarray(incident_q, dtype=complex)
    l_inc = int(round(np.sqrt(p.size + 1))) - 1
    if p.ndim != 1 or p.shape != q.shape or (l_inc + 1) ** 2 - 1 != p.size:
        raise ValueError("incident_p, incident_q must have shape ((l+1)^2 - 1,)")
    r_s = (
        1.25 * a
        if surface_radius is None
        else _v.real_scalar(surface_radius, "surface_radius", "m", positive=True)
    )
    if r_s <= a:
        raise ValueError("surface_radius must exceed radius")
    x = k * a
    l_sca = min(n_terms(x), l_inc)
    a_n, b_n = mie_coefficients(x, np.sqrt(eps), n_max=l_sca)
    return _ForceKernel(l_inc, l_sca, k, r_s).force(p, q, a_n, b_n)


def mie_axial_stiffness(radius, permittivity, beam):
    """Exact axial stiffness ``-dF_z/dz`` of a sphere at the focus of ``beam``, N/m.

    ``F_z(z)`` is a real quadratic form ``Q`` of the beam coefficients ``c(z)``
    about the sphere centre, so ``dF_z/dz = [Q(c + c') - Q(c - c')]/2`` with the
    analytic ``c' = dc/dz``: no finite differences.  ``Q`` is invariant under
    ``c -> exp(i phase) c``, so the carrier part ``i k c`` of ``c'`` is
    removed first and the rest scaled to the size of ``c`` (no cancellation).

    ``radius`` and ``permittivity`` as in :func:`cross_sections`.

    Parameters
    ----------
    beam : GaussianBeam
        The trapping beam (``|E(focus)| = 1 V/m``).

    Returns
    -------
    float
        Stiffness in N/m per (V/m)^2 of focal field; multiply by ``|E_0|^2``.
    """
    a, eps, _ = _sphere(radius, permittivity, _beam(beam).k)
    x = beam.k * a
    l_sca = n_terms(x)
    l_inc = l_sca + 4
    p, q, dp, dq = beam.coefficients(l_inc, z_derivative=True)
    a_n, b_n = mie_coefficients(x, np.sqrt(eps), n_max=l_sca)
    ker = _ForceKernel(l_inc, l_sca, beam.k, 1.25 * a)
    dp = dp - 1j * beam.k * p
    dq = dq - 1j * beam.k * q
    scale = np.sqrt(
        (np.sum(abs(dp) ** 2) + np.sum(abs(dq) ** 2))
        / (np.sum(abs(p) ** 2) + np.sum(abs(q) ** 2))
    )
    dp, dq = dp / scale, dq / scale
    f_plus = ker.force(p + dp, q + dq, a_n, b_n)[2]
    f_minus = ker.force(p - dp, q - dq, a_n, b_n)[2]
    return float(-(f_plus - f_minus) / 2.0 * scale)


def dipole_axial_stiffness(polarizability, beam):
    """Axial stiffness of a point dipole at the focus of ``beam``, N/m per (V/m)^2.

    ``F_z = (Re alpha/4) d|E|^2/dz + (Im alpha/2) |E|^2 d(arg E)/dz``; the
    second term has zero slope at the focus (both factors are even in z), so
    ``kappa = -(Re alpha/4) d^2|E|^2/dz^2``.  With the paraxial envelope of
    Eq. (78) this is ``Re alpha |E_0|^2/(2 z_R^2)``, i.e. Eq. (79).

    Parameters
    ----------
    polarizability : complex or array_like
        ``alpha`` in C m^2/V.
    beam : GaussianBeam
        The trapping beam.

    Returns
    -------
    float or ndarray
        Stiffness in N/m per (V/m)^2 of focal field.
    """
    _beam(beam)
    alpha = _v.complex_array(polarizability, "polarizability", "C m^2/V")
    e0 = beam.axial_field(0.0)[0]
    e1 = beam.axial_field(0.0, derivative=1)[0]
    e2 = beam.axial_field(0.0, derivative=2)[0]
    curv = 2 * (e0.conj() * e2).real + 2 * abs(e1) ** 2
    return -alpha.real / 4.0 * curv


def paraxial_stiffness_ratio(k, waist, *, n_angular=96):
    """Dipole stiffness in the exact beam over Eq. (79), ``2 z_R^2 kappa/Re(alpha)``.

    Size-independent: it measures how well the paraxial envelope of Eq. (78)
    describes the curvature of the intensity of the exact angular-spectrum
    beam at its focus.

    Parameters
    ----------
    k : float
        Wave number in 1/m (> 0).
    waist : float
        Waist in m (> 0).
    n_angular : int, optional
        See :class:`GaussianBeam`.

    Returns
    -------
    float
        Dimensionless; tends to 1 for ``k w -> infinity``.
    """
    beam = GaussianBeam(k, waist, n_angular=n_angular)
    return float(dipole_axial_stiffness(1.0, beam) * 2 * beam.z_R**2)


def forward_polarizability(radius, permittivity, k):
    """Polarisability from the forward-scattering amplitude, ``4 pi i eps0 S(0)/k^3``.

    ``S(0) = sum_n (2n+1)(a_n + b_n)/2`` contains all multipoles; for a point
    dipole ``S(0) = 3 a_1/2`` and this is :func:`mie_polarizability`.  In a
    weakly focused beam (``k w >> 1``) the exact axial stiffness tends to
    ``-(Re alpha_fwd/4) d^2|E|^2/dz^2`` (a locally plane wave interacts with the
    sphere through its forward amplitude, cf. the optical theorem); the tests
    use this as an independent check of :func:`mie_axial_stiffness`.  Its
    O(x^2) excess over ``alpha_1`` is ``(b_1 + 5 a_2/3)/a_1 =
    x^2 (eps+2)[1/30 + 1/(6(2 eps+3))]``.

    ``radius``, ``permittivity`` and ``k`` as in :func:`cross_sections`;
    returns the complex polarisability in C m^2/V.
    """
    a, eps, k = _sphere(radius, permittivity, k)
    an, bn = mie_coefficients(k * a, np.sqrt(eps))
    n = np.arange(1, an.size + 1)
    s0 = np.sum((2 * n + 1) * (an + bn)) / 2
    return complex(4j * np.pi * EPSILON_0 * s0 / k**3)


# ------------------------------------------------------- point dipole versus Mie
#: Quantities compared by :func:`point_dipole_deviation`.
DEVIATION_QUANTITIES = (
    "polarizability_quasistatic",
    "polarizability_corrected",
    "scattering_rate",
    "scattering_rate_exact_dipole",
    "recoil_heating",
    "trap_frequency",
    "trap_frequency_quasistatic",
    "trap_frequency_exact_dipole",
)

_TRAP = {"trap_frequency", "trap_frequency_quasistatic", "trap_frequency_exact_dipole"}


def _deviation_one(quantity, radius, eps, k, beam):
    alpha_mie = mie_polarizability(radius, eps, k)
    if quantity == "polarizability_quasistatic":
        return float(quasistatic_polarizability(radius, eps)) / alpha_mie.real - 1.0
    if quantity == "polarizability_corrected":
        return float(corrected_polarizability(radius, eps, k)) / alpha_mie.real - 1.0
    if quantity in ("scattering_rate", "scattering_rate_exact_dipole"):
        alpha = (
            quasistatic_polarizability(radius, eps)
            if quantity == "scattering_rate"
            else alpha_mie
        )
        gam = dipole_scattering_rate(alpha, k, 1.0)
        return float(gam / mie_scattering_rate(radius, eps, k, 1.0)) - 1.0
    if quantity == "recoil_heating":
        gam = dipole_scattering_rate(quasistatic_polarizability(radius, eps), k, 1.0)
        d_dip = 0.5 * (HBAR * k) ** 2 * 1.4 * gam
        return float(d_dip / recoil_diffusion_plane_wave(radius, eps, k, 1.0)) - 1.0
    alpha = {
        "trap_frequency": corrected_polarizability(radius, eps, k),
        "trap_frequency_quasistatic": quasistatic_polarizability(radius, eps),
        "trap_frequency_exact_dipole": alpha_mie,
    }[quantity]
    ratio = dipole_axial_stiffness(alpha, beam) / mie_axial_stiffness(radius, eps, beam)
    return float(np.sqrt(ratio)) - 1.0


def point_dipole_deviation(
    quantity, diameters, *, wavelength, permittivity, waist=None, n_angular=64
):
    """Relative deviation of a point-dipole prediction from the exact sphere.

    ``model/exact - 1`` for a sphere of diameter ``d``:

    ``polarizability_quasistatic``
        ``alpha_0 = eps0 V chi`` (Eq. 32) against ``Re alpha_1`` (Mie ``a_1``).
    ``polarizability_corrected``
        ``eps0 V (chi + delta chi)`` (Eqs. 68, 74) against ``Re alpha_1``.
    ``scattering_rate``
        Eq. (76) rate ``k^3 alpha_0^2 |E|^2/(12 pi eps0 hbar)`` (the rate in the
        recoil heating 87a) against ``C_sca I/(hbar omega)``, plane wave.
    ``scattering_rate_exact_dipole``
        The same with ``|alpha_1|^2``: what the dipole term alone scatters.
    ``recoil_heating``
        ``(7/5)(hbar k)^2 Gamma/2`` (Eq. 87a with ``1/z_R -> 0``) against the
        Mie angular integral of :func:`recoil_diffusion_plane_wave`.
    ``trap_frequency``
        ``sqrt(kappa_model/kappa_exact) - 1`` at the focus of a
        :class:`GaussianBeam` of the given waist, the model being the point
        dipole with ``eps0 V chi~`` (Eq. 79 with the curvature of the same
        beam); ``kappa_exact`` from :func:`mie_axial_stiffness`.
    ``trap_frequency_quasistatic``, ``trap_frequency_exact_dipole``
        The same with ``alpha_0`` or ``Re alpha_1``.

    Parameters
    ----------
    quantity : str
        One of :data:`DEVIATION_QUANTITIES`.
    diameters : array_like
        Sphere diameters in m (> 0).
    wavelength : float
        Vacuum wavelength in m (> 0).
    permittivity : float
        Relative permittivity (> 1).
    waist : float, optional
        Beam waist in m; required for the trap quantities.
    n_angular : int, optional
        Angular-spectrum nodes of the beam.

    Returns
    -------
    ndarray
        Dimensionless relative deviations, shape of ``diameters``.
    """
    _v.choice(quantity, "quantity", DEVIATION_QUANTITIES)
    d = _v.real_array(diameters, "diameters", "m", positive=True)
    lam = _v.real_scalar(wavelength, "wavelength", "m", positive=True)
    eps = _v.permittivity(permittivity)
    k = 2 * np.pi / lam
    beam = None
    if quantity in _TRAP:
        if waist is None:
            raise ValueError(f"waist (m) is required for {quantity!r}")
        beam = GaussianBeam(k, waist, n_angular=n_angular)
    out = np.array(
        [_deviation_one(quantity, 0.5 * di, eps, k, beam) for di in d.ravel()]
    )
    return out.reshape(d.shape)


def crossing_diameter(quantity, level, *, wavelength, permittivity, waist=None,
                      d_min=5e-9, d_max=2e-6, n_scan=24, n_angular=64):
    """Smallest diameter at which ``|deviation|`` reaches ``level`` (root finding).

    A geometric scan of ``n_scan`` diameters in ``[d_min, d_max]`` brackets the
    first crossing, then :func:`scipy.optimize.brentq` refines it (relative
    tolerance 1e-6).

    Parameters
    ----------
    quantity : str
        One of :data:`DEVIATION_QUANTITIES`.
    level : float
        Relative deviation, e.g. 0.01 or 0.1 (> 0).
    wavelength, permittivity, waist, n_angular
        As in :func:`point_dipole_deviation`.
    d_min, d_max : float, optional
        Scan range in m (0 < d_min < d_max).
    n_scan : int, optional
        Number of scan points (>= 2).

    Returns
    -------
    float
        Diameter in m, or ``nan`` if ``|deviation| < level`` on the whole range.
    """
    level = _v.real_scalar(level, "level", positive=True)
    d_min = _v.real_scalar(d_min, "d_min", "m", positive=True)
    d_max = _v.real_scalar(d_max, "d_max", "m", positive=True)
    if d_max <= d_min:
        raise ValueError("d_max must exceed d_min")
    n_scan = _v.integer(n_scan, "n_scan", minimum=2)
    kw = dict(wavelength=wavelength, permittivity=permittivity, waist=waist,
              n_angular=n_angular)

    def f(dia):
        return abs(float(point_dipole_deviation(quantity, dia, **kw))) - level

    grid = np.geomspace(d_min, d_max, n_scan)
    prev = f(grid[0])
    if prev >= 0:
        raise ValueError(f"|deviation| already >= level at d_min = {d_min:g} m")
    for lo, hi in itertools.pairwise(grid):
        val = f(hi)
        if val >= 0:
            return brentq(f, lo, hi, rtol=1e-6, xtol=1e-15)
    return float("nan")


def crossing_table(*, wavelength, permittivity, waist=None, levels=(0.01, 0.1),
                   quantities=DEVIATION_QUANTITIES, d_max=2e-6, n_angular=64):
    """Crossing diameters of several deviations at several levels (for tables).

    Parameters
    ----------
    wavelength, permittivity, waist, d_max, n_angular
        As in :func:`crossing_diameter` (``waist`` is needed for the trap
        quantities; without it they are skipped).
    levels : sequence of float, optional
        Relative deviations.
    quantities : sequence of str, optional
        Subset of :data:`DEVIATION_QUANTITIES`.

    Returns
    -------
    dict
        ``{quantity: [diameter at each level in m]}`` (``nan`` if not
        reached below ``d_max``).
    """
    kw = dict(wavelength=wavelength, permittivity=permittivity, waist=waist,
              d_max=d_max, n_angular=n_angular)
    return {q: [crossing_diameter(q, lv, **kw) for lv in levels]
            for q in quantities if not (q in _TRAP and waist is None)}
