"""Noise correlators of the quantum Langevin equations: (C7b), (C9), (C11), (C12).

Companion module of the appendix chapter on Appendices A-C (Rudolph et al.,
Phys. Rev. A 110, 063507 (2024)).  Each printed correlator is evaluated as
printed and in a corrected form, and compared with the *general route*: the
second moments of the noise forces that follow from the master equation (72)
with the Lindblad amplitudes (76),

.. math:: \\langle \\xi_{b}(t')\\,\\xi_{a}(t)\\rangle
          = \\hbar^2 \\int d^2n \\sum_s \\frac{\\partial L_{ns}}{\\partial q_a}
            \\Big(\\frac{\\partial L_{ns}}{\\partial q_b}\\Big)^{\\!*}\\,\\delta(t-t')
          = 2 D_{ab}\\,\\delta(t - t'),

for generalised coordinates ``a = (j, q)`` (particle ``j``, coordinate ``q``:
a centre-of-mass component or an Euler angle).  The index order is that of
:mod:`optbind.conventions`: ``D[a, b]`` multiplies ``q_a rho q_b`` in the
master equation expanded to second order (Eq. 82), so the correlator with the
*later-primed* force on the left is ``2 D[a, b]``.  Derivation: only the
photon-annihilation part of ``xi_b`` and the creation part of ``xi_a`` survive
in the vacuum; by (C5) they carry ``t . chi E^* e^{ik.r}`` (``b``) and
``t^* . chi E e^{-ik.r}`` (``a``), i.e. ``(dL/dq_b)^*`` and ``dL/dq_a``.  The
prefactor of (C9), ``hbar eps0 k^3/(32 pi^2)``, is exactly ``hbar^2`` times the
squared prefactor of (76).

Closed forms derived here (``p_j = V_j chi_j E_L(r_j)``, ``u = dr_j/dq``):

* different particles (angular integral ``int d^2n (1 - nn) e^{ik n.r} =
  (16 pi^2/k^3) Im G(r)``):

  .. math:: \\langle\\xi_b\\xi_a\\rangle = \\frac{\\hbar\\varepsilon_0}{2}\\,
            \\partial_{q_b}\\partial_{q_a}\\big[\\mathbf p_{j'}^*\\cdot
            \\mathrm{Im}\\,\\mathbf G(\\mathbf r_j - \\mathbf r_{j'})\\,
            \\mathbf p_j\\big]

  with ``q_a`` acting on particle ``j``'s quantities only (in ``G`` on its first
  argument);
* one particle (moments ``int n n = 4 pi/3``, ``int n n n n = 4 pi/15 (3
  terms)``, odd moments vanish):

  .. math:: \\langle\\xi_{q'}\\xi_q\\rangle = \\frac{\\hbar\\varepsilon_0 k^3}{60\\pi}
            \\Big[5\\,\\partial_{q'}\\mathbf p^*\\cdot\\partial_q\\mathbf p
            + 2k^2 (\\mathbf u'\\cdot\\mathbf u)|\\mathbf p|^2
            - k^2\\,\\mathrm{Re}\\big[(\\mathbf u'\\cdot\\mathbf p^*)
              (\\mathbf u\\cdot\\mathbf p)\\big]\\Big],

  where the last term is the *symmetrised* product (the printed (C12) keeps
  one ordering, which differs when ``q != q'`` and ``p`` is not linearly
  polarised);
* a libration coordinate ``theta`` with rotation axis ``n_theta``
  (``d chi/d theta = [n_theta x, chi]``, ``u = 0``): the recoil torque
  diffusion of a small rotor,

  .. math:: D_{\\theta\\theta} = \\frac{\\hbar\\varepsilon_0 k^3 V^2}{24\\pi}
            \\big|\\mathbf n_\\theta\\times(\\chi\\mathbf E)
            - \\chi(\\mathbf n_\\theta\\times\\mathbf E)\\big|^2 ,

  which for a body aligned with a linear polarisation and rotated about a
  perpendicular principal axis is ``hbar eps0 k^3 V^2 (chi_1 - chi_2)^2
  |E|^2/(24 pi) = (hbar^2 Gamma/2) (Delta chi/chi_1)^2`` with the Rayleigh
  photon scattering rate ``Gamma = eps0 k^3 V^2 chi_1^2 |E|^2/(12 pi hbar)``.

Derivatives with respect to coordinates are fourth-order central differences
of the amplitude or bracket functions (steps ``1e-3/k`` in position and
``1e-3`` rad in angle: truncation ~1e-12, rounding ~1e-13).  Units: SI; the
correlators (coefficients of ``delta(t - t')``) are in N^2 s for positions,
N^2 m^2 s for angles and N^2 m s for mixed pairs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import validation as _v
from ..conventions import EPSILON_0, HBAR, SPEED_OF_LIGHT
from ..electrodynamics.fields import TweezerField
from ..electrodynamics.green import dyadic_green, sphere_quadrature, transverse_polarizations
from ..electrodynamics.particles import euler_rotation_axes, susceptibility_tensor
from ..forces.scattering import quadrature_order, scattering_amplitudes
from ..linear.array import LinearArray
from ..parameters import load

__all__ = [
    "COORDINATES",
    "RigidParticles",
    "correlator_general",
    "c9_correlator",
    "c7b_smeared",
    "c11_correlator",
    "c12_correlator",
    "appendix_c_correlator",
    "rotation_axis",
    "libration_diffusion",
    "aligned_rotor_diffusion",
    "tweezer_focus_diffusion",
    "demo_pair",
    "demo_rotor",
    "demo_elliptic",
    "demo_mixed",
    "survey",
    "relative_error",
]

#: Generalised coordinates of a rigid particle: centre of mass and Euler angles.
COORDINATES = ("x", "y", "z", "alpha", "beta", "gamma")
_AXIS = {"x": 0, "y": 1, "z": 2}


# ----------------------------------------------------------------- checks
def _coordinate(coord, n):
    if not (isinstance(coord, tuple) and len(coord) == 2):
        raise TypeError(f"a coordinate must be a tuple (j, name); got {coord!r}")
    j, name = coord
    if isinstance(j, (bool, np.bool_)) or not isinstance(j, (int, np.integer)):
        raise TypeError(f"particle index must be an integer; got {j!r}")
    if not 0 <= j < n:
        raise ValueError(f"particle index must be in [0, {n}); got {j}")
    if name not in COORDINATES:
        raise ValueError(f"coordinate name must be one of {COORDINATES}; got {name!r}")
    return int(j), name


def _coordinates(coords, n):
    coords = list(coords)
    if not coords:
        raise ValueError("coordinates must be a non-empty list of (j, name)")
    return [_coordinate(c, n) for c in coords]


def _check_field(field):
    for attr in ("k", "field", "gradient"):
        if not hasattr(field, attr):
            raise TypeError(
                f"field must have k, field(r) and gradient(r); missing {attr!r}"
            )
    return float(field.k)


def relative_error(a, b):
    """``max|a - b| / max|b|`` (the matrix relative error used throughout)."""
    a = np.asarray(a)
    b = np.asarray(b)
    return float(np.max(np.abs(a - b)) / np.max(np.abs(b)))


# -------------------------------------------------------------- particles
@dataclass(frozen=True)
class RigidParticles:
    """Homogeneous dielectric ellipsoids with positions and orientations.

    Parameters
    ----------
    positions : array_like, shape (N, 3)
        Centres of mass in m.
    semi_axes : array_like, shape (N, 3)
        Semi-axes in m (> 0); equal semi-axes make a sphere.
    euler : array_like, shape (N, 3)
        Orientations, z-y'-z'' Euler angles in rad (Eq. 16).
    permittivity : float
        Relative permittivity (> 1), common to all particles.

    Notes
    -----
    ``chi`` is the susceptibility tensor of Eq. (32) for each shape and
    orientation (:func:`optbind.particles.susceptibility_tensor`) and the
    volumes are ``4 pi a1 a2 a3/3``.
    """

    positions: np.ndarray
    semi_axes: np.ndarray
    euler: np.ndarray
    permittivity: float

    def __post_init__(self):
        pos = np.asarray(self.positions)
        if np.iscomplexobj(pos):
            raise TypeError("positions must be real")
        pos = pos.astype(float)
        if pos.ndim != 2 or pos.shape[1] != 3 or not np.all(np.isfinite(pos)):
            raise ValueError(
                f"positions must be finite with shape (N, 3); got {pos.shape}"
            )
        n = pos.shape[0]
        ax = np.broadcast_to(np.asarray(self.semi_axes, dtype=float), (n, 3)).copy()
        if not np.all(np.isfinite(ax)) or np.any(ax <= 0):
            raise ValueError("semi_axes must be finite and > 0 m, shape (N, 3) or (3,)")
        eu = np.broadcast_to(np.asarray(self.euler, dtype=float), (n, 3)).copy()
        if not np.all(np.isfinite(eu)):
            raise ValueError("euler must be finite (rad), shape (N, 3) or (3,)")
        object.__setattr__(self, "positions", pos)
        object.__setattr__(self, "semi_axes", ax)
        object.__setattr__(self, "euler", eu)
        object.__setattr__(self, "permittivity", _v.permittivity(self.permittivity))

    @classmethod
    def spheres(cls, positions, radii, permittivity):
        """Spheres of the given radii (m) at the given positions (m)."""
        pos = np.asarray(positions, dtype=float)
        r = np.broadcast_to(np.asarray(radii, dtype=float), (pos.shape[0],))
        return cls(
            pos,
            np.repeat(r[:, None], 3, axis=1),
            np.zeros((pos.shape[0], 3)),
            permittivity,
        )

    @property
    def n_particles(self):
        """Number of particles."""
        return self.positions.shape[0]

    @property
    def volumes(self):
        """Volumes ``4 pi a1 a2 a3/3`` in m^3, shape (N,)."""
        return 4.0 * np.pi * np.prod(self.semi_axes, axis=1) / 3.0

    @property
    def chi(self):
        """Lab-frame susceptibility tensors (Eq. 32), shape (N, 3, 3)."""
        return np.array(
            [
                susceptibility_tensor(self.permittivity, a, euler=tuple(e))
                for a, e in zip(self.semi_axes, self.euler)
            ]
        )

    def displaced(self, j, name, step):
        """Copy with coordinate ``name`` of particle ``j`` moved by ``step``."""
        j, name = _coordinate((j, name), self.n_particles)
        pos = self.positions.copy()
        eu = self.euler.copy()
        if name in _AXIS:
            pos[j, _AXIS[name]] += step
        else:
            eu[j, COORDINATES.index(name) - 3] += step
        return RigidParticles(pos, self.semi_axes, eu, self.permittivity)

    def dipoles(self, field):
        """``p_j = V_j chi_j E_L(r_j)``, (N, 3), m^3 V/m (``eps0 p_j``: the dipole)."""
        e = field.field(self.positions)
        return self.volumes[:, None] * np.einsum("jab,jb->ja", self.chi, e)


def _step(field, name):
    return 1e-3 / field.k if name in _AXIS else 1e-3


def _derivative(fun, particles, j, name, h):
    """Fourth-order central difference of ``fun(particles)`` in coordinate (j, name)."""
    f = lambda s: fun(particles.displaced(j, name, s * h))  # noqa: E731
    return (8.0 * (f(1) - f(-1)) - (f(2) - f(-2))) / (12.0 * h)


def _quadrature(particles, k, quadrature):
    if quadrature is None:
        return sphere_quadrature(*quadrature_order(particles.positions, k))
    nodes, weights = quadrature
    return np.asarray(nodes, dtype=float), np.asarray(weights, dtype=float)


# ----------------------------------------------------------- general route
def correlator_general(particles, field, coordinates, *, quadrature=None):
    """Noise correlators from the Lindblad amplitudes of Eqs. (72), (76).

    ``C[a, b] = hbar^2 int d^2n sum_s (dL_ns/dq_a)(dL_ns/dq_b)^*``, the
    coefficient of ``delta(t - t')`` in ``<xi_b(t') xi_a(t)>``; ``C = 2 D``
    (:func:`optbind.forces.scattering.diffusion_matrix` for centre-of-mass
    coordinates).  The amplitudes are those of the package
    (:func:`optbind.forces.scattering.scattering_amplitudes`), differentiated by
    finite differences in any coordinate, including Euler angles.

    Parameters
    ----------
    particles : RigidParticles
    field : field object
        Laser field (e.g. :class:`optbind.fields.TweezerField`).
    coordinates : sequence of (int, str)
        Generalised coordinates ``(j, name)``, ``name`` in :data:`COORDINATES`.
    quadrature : (nodes, weights), optional
        Angular rule (default: Gauss product rule resolving the array size).

    Returns
    -------
    ndarray, shape (n, n), complex
        Hermitian, positive semidefinite; SI units (see module docstring).
    """
    k = _check_field(field)
    coords = _coordinates(coordinates, particles.n_particles)
    nodes, w = _quadrature(particles, k, quadrature)

    def amp(parts, j):
        return scattering_amplitudes(
            parts.positions, parts.volumes, parts.chi, field, nodes, per_particle=True
        )[:, :, j]

    dl = [
        _derivative(lambda p, j=j: amp(p, j), particles, j, q, _step(field, q))
        for j, q in coords
    ]
    dl = np.array(dl)  # (n, M, 2)
    return HBAR**2 * np.einsum("m,ams,bms->ab", w, dl, dl.conj())


# -------------------------------------------------------------- (C9), (C7b)
_STENCIL = ((-2, 1.0 / 12.0), (-1, -8.0 / 12.0), (1, 8.0 / 12.0), (2, -1.0 / 12.0))


def _stencil_states(particles, field, coords):
    """Per coordinate: stencil weights (with 1/h) and ``p_j``, ``r_j`` of the shifts."""
    out = []
    for j, q in coords:
        h = _step(field, q)
        wts, ps, rs = [], [], []
        for m, c in _STENCIL:
            moved = particles.displaced(j, q, m * h)
            wts.append(c / h)
            ps.append(moved.dipoles(field)[j])
            rs.append(moved.positions[j])
        out.append((np.array(wts), np.array(ps), np.array(rs)))
    return out


def _bracket_derivatives(states, nodes, k_photon, conjugate):
    """``d/dq [V_j t^* . chi_j E(r_j) e^{-i k n.r_j}]`` (or its conjugate), (n, M, 2).

    The bracket of (C7b)/(C9) at photon wave number ``k_photon``, differentiated
    by the fourth-order stencil stored in ``states``.
    """
    t = transverse_polarizations(nodes)  # real
    out = []
    for wts, ps, rs in states:
        tp = np.einsum("msb,ib->ims", t, ps)  # (4, M, 2)
        ph = np.exp(-1j * (k_photon * (rs @ nodes.T)))  # (4, M); real matmul first
        val = np.einsum("i,ims,im->ms", wts, tp, ph)
        out.append(val.conj() if conjugate else val)
    return np.array(out)


def c9_correlator(particles, field, coordinates, *, printed=True, quadrature=None):
    """Eq. (C9) with ``A_mec = 1``: the angular integral of the printed brackets.

    ``C[a, b] = (hbar eps0 k^3/(32 pi^2)) int d^2n sum_s
    [d_b V t . chi_j' E^*(r_j') e^{ik n.r_j'}] [d_a V_j t^* . chi_j E(r_j)
    e^{-ik n.r_j}]`` for ``a = (j, q)``, ``b = (j', q')``.  As printed the
    volume in the first bracket is ``V_j`` (the other particle's); corrected
    it is ``V_j'``.  The exponent, printed ``k_L . n . r``, is read as
    ``k_L n . r`` (a typesetting glitch: ``k_L`` is a scalar).

    Parameters
    ----------
    particles, field, coordinates, quadrature
        As in :func:`correlator_general`.
    printed : bool, optional
        Use the printed ``V_j`` (True) or the corrected ``V_j'``.

    Returns
    -------
    ndarray, shape (n, n), complex
    """
    k = _check_field(field)
    coords = _coordinates(coordinates, particles.n_particles)
    nodes, w = _quadrature(particles, k, quadrature)
    states = _stencil_states(particles, field, coords)
    second = _bracket_derivatives(states, nodes, k, False)  # (n, M, 2)
    first = _bracket_derivatives(states, nodes, k, True)
    out = (
        HBAR
        * EPSILON_0
        * k**3
        / (32.0 * np.pi**2)
        * np.einsum("m,bms,ams->ab", w, first, second)
    )
    if printed:
        vol = particles.volumes[[j for j, _ in coords]]
        out = out * vol[:, None] / vol[None, :]  # first bracket carries V_j, not V_j'
    return out


def c7b_smeared(
    particles, field, coordinates, *, delta_t, tau_width, n_k=48, quadrature=None
):
    """Eq. (C7b) with ``A_mec = 1`` against the test function ``exp(-tau^2/(2 s^2))``.

    ``int d tau g(tau) <xi_b(t + tau) xi_a(t)>`` with the full ``d^3k``
    integral of (C7b): ``hbar eps0 omega_L^2/(8 omega_k (2 pi)^3)``, the window
    ``sinc^2((omega_L - omega_k) delta_t/2)``, the phase
    ``e^{-i(omega_k - omega_L) tau}`` (giving ``g^(omega_k - omega_L) =
    s sqrt(2 pi) exp(-s^2 (omega_k - omega_L)^2/2)``) and the brackets at the
    photon wave number ``k = omega_k/c``.  Eqs. (C8)-(C9) say this tends to the
    coefficient of ``delta(t - t')`` in (C9), i.e. ``2 D[a, b]``, when ``g``
    varies slowly on the scales ``delta_t`` and ``|r_j - r_j'|/c``; the
    difference falls as ``1/s^2``.  The ``omega_k`` integral is a
    Gauss-Legendre rule over ``|omega_k - omega_L| < 10/s``.

    Parameters
    ----------
    particles, field, coordinates, quadrature
        As in :func:`correlator_general` (the angular rule should resolve the
        slightly larger photon wave numbers; the default adds a margin).
    delta_t : float
        Coarse-graining step of Appendix C in s (> 0).
    tau_width : float
        Width ``s`` of the test function in s (> 0).
    n_k : int, optional
        Nodes of the ``omega_k`` rule.

    Returns
    -------
    ndarray, shape (n, n), complex
    """
    k = _check_field(field)
    coords = _coordinates(coordinates, particles.n_particles)
    dt = float(delta_t)
    s = float(tau_width)
    if not (np.isfinite(dt) and dt > 0 and np.isfinite(s) and s > 0):
        raise ValueError("delta_t and tau_width must be finite and > 0 (s)")
    if isinstance(n_k, (bool, np.bool_)) or int(n_k) != n_k or n_k < 2:
        raise ValueError(f"n_k must be an integer >= 2; got {n_k!r}")
    omega_l = SPEED_OF_LIGHT * k
    half = 10.0 / s
    if half >= 0.5 * omega_l:
        raise ValueError(
            "tau_width too short: the band 10/tau_width must be << omega_L"
        )
    if quadrature is None:
        nt, nph = quadrature_order(particles.positions, k * (1.0 + half / omega_l))
        quadrature = sphere_quadrature(nt + 2, nph + 4)
    nodes, w = _quadrature(particles, k, quadrature)
    x, wx = np.polynomial.legendre.leggauss(int(n_k))
    states = _stencil_states(particles, field, coords)
    out = np.zeros((len(coords), len(coords)), dtype=complex)
    for xi, wi in zip(x, wx):
        big_w = half * xi  # omega_k - omega_L
        kp = (omega_l + big_w) / SPEED_OF_LIGHT
        second = _bracket_derivatives(states, nodes, kp, False)
        first = _bracket_derivatives(states, nodes, kp, True)
        ang = np.einsum("m,bms,ams->ab", w, first, second)
        weight = (
            half
            * wi
            / SPEED_OF_LIGHT  # d k = d omega / c
            * kp**2
            * HBAR
            * EPSILON_0
            * omega_l**2
            / (8.0 * SPEED_OF_LIGHT * kp * (2.0 * np.pi) ** 3)
            * np.sinc(big_w * dt / (2.0 * np.pi)) ** 2
            * s
            * np.sqrt(2.0 * np.pi)
            * np.exp(-0.5 * (s * big_w) ** 2)
        )
        out += weight * ang
    return out


# ------------------------------------------------------------------ (C11)
def c11_correlator(particles, field, a, b, *, printed=True):
    """Eq. (C11), ``<xi_b(t') xi_a(t)>`` for coordinates of two different particles.

    Printed: ``(hbar eps0/8) d_b d_a V_j V_j' E^*(r_j') . chi_j'
    Im[G(r_j - r_j') chi_j E(r_j)]`` (the imaginary part taken of the vector
    ``G chi_j E``).  Corrected: ``(hbar eps0/2) d_b d_a [V_j V_j' E^*(r_j') .
    chi_j' Im[G(r_j - r_j')] chi_j E(r_j)]`` (module docstring).  ``d_a`` acts
    on particle ``j``'s position or orientation (also in the first argument of
    ``G``), ``d_b`` on particle ``j'``'s; both by nested fourth-order central
    differences of the scalar.

    Parameters
    ----------
    particles : RigidParticles
    field : field object
    a, b : (int, str)
        Coordinates ``(j, q)`` and ``(j', q')`` with ``j != j'``.
    printed : bool, optional

    Returns
    -------
    complex
        Coefficient of ``delta(t - t')``.
    """
    k = _check_field(field)
    (j, q), (jp, qp) = _coordinates([a, b], particles.n_particles)
    if j == jp:
        raise ValueError(
            "c11_correlator is for different particles (j != j'); use "
            "c12_correlator for j == j'"
        )

    def scalar(parts):
        p = parts.dipoles(field)
        g = dyadic_green(parts.positions[j] - parts.positions[jp], k)
        if printed:  # Im of the vector G chi_j E(r_j)
            return p[jp].conj() @ np.imag(g @ p[j])
        return p[jp].conj() @ np.imag(g) @ p[j]

    ha = _step(field, q)
    hb = _step(field, qp)
    val = 0.0
    for ma, ca in _STENCIL:
        shifted = particles.displaced(j, q, ma * ha)
        for mb, cb in _STENCIL:
            val = val + ca * cb * scalar(shifted.displaced(jp, qp, mb * hb))
    val = val / (ha * hb)
    pref = HBAR * EPSILON_0 / 8.0 if printed else HBAR * EPSILON_0 / 2.0
    return complex(pref * val)


# ------------------------------------------------------------------ (C12)
def _u(name):
    u = np.zeros(3)
    if name in _AXIS:
        u[_AXIS[name]] = 1.0
    return u


def c12_correlator(particles, field, j, q, qp, *, printed=True):
    """Eq. (C12), ``<xi_q'(t') xi_q(t)>`` for two coordinates of one particle.

    ``(hbar eps0 k^3/(60 pi)) [5 (d_q' p)^* . d_q p + 2 k^2 (u' . u) |p|^2
    - k^2 X]`` with ``p = V chi E_L(r)``, ``u = dr/dq``; printed
    ``X = (u' . p^*)(u . p)``, corrected ``X = Re[(u' . p^*)(u . p)]`` (the
    two orderings averaged, see the module docstring).  The two coincide for
    ``q = q'`` and whenever one of the coordinates is an angle.

    Parameters
    ----------
    particles : RigidParticles
    field : field object
    j : int
        Particle.
    q, qp : str
        Coordinate names (:data:`COORDINATES`).
    printed : bool, optional

    Returns
    -------
    complex
    """
    k = _check_field(field)
    (j, q), (_, qp) = _coordinates([(j, q), (j, qp)], particles.n_particles)
    dp = _derivative(lambda p: p.dipoles(field)[j], particles, j, q, _step(field, q))
    dpp = _derivative(lambda p: p.dipoles(field)[j], particles, j, qp, _step(field, qp))
    p = particles.dipoles(field)[j]
    u, up = _u(q), _u(qp)
    x = (up @ p.conj()) * (u @ p)
    if not printed:
        x = 0.5 * (x + (u @ p.conj()) * (up @ p))
    val = 5.0 * dpp.conj() @ dp + 2.0 * k**2 * (up @ u) * np.vdot(p, p).real - k**2 * x
    return complex(HBAR * EPSILON_0 * k**3 / (60.0 * np.pi) * val)


def appendix_c_correlator(particles, field, coordinates, *, printed=True):
    """Appendix C correlator matrix: (C12) within a particle, (C11) between particles.

    Parameters
    ----------
    particles, field, coordinates
        As in :func:`correlator_general`.
    printed : bool, optional
        Printed or corrected forms of both equations.

    Returns
    -------
    ndarray, shape (n, n), complex
        To compare with :func:`correlator_general`.
    """
    _check_field(field)
    coords = _coordinates(coordinates, particles.n_particles)
    out = np.zeros((len(coords), len(coords)), dtype=complex)
    for ia, a in enumerate(coords):
        for ib, b in enumerate(coords):
            if a[0] == b[0]:
                out[ia, ib] = c12_correlator(
                    particles, field, a[0], a[1], b[1], printed=printed
                )
            else:
                out[ia, ib] = c11_correlator(particles, field, a, b, printed=printed)
    return out


# -------------------------------------------------------- closed forms
def rotation_axis(euler, name):
    """Axis ``n`` of the infinitesimal rotation generated by one Euler angle.

    For ``R = R_z(alpha) R_y(beta) R_z(gamma)``, ``(dR/d theta) R^T = [n x]``
    with ``n_alpha = e_z``, ``n_beta = R_z(alpha) e_y``, ``n_gamma = R e_z``.

    Parameters
    ----------
    euler : array_like, shape (3,)
        Euler angles in rad.
    name : {"alpha", "beta", "gamma"}

    Returns
    -------
    ndarray, shape (3,)
    """
    _v.choice(name, "name", ("alpha", "beta", "gamma"))
    return euler_rotation_axes(euler)[("alpha", "beta", "gamma").index(name)]


def libration_diffusion(particles, field, j, name):
    """Recoil torque diffusion ``D_theta theta`` of a small rotor (N^2 m^2 s).

    ``hbar eps0 k^3 V^2 |n x (chi E) - chi (n x E)|^2/(24 pi)`` with the
    rotation axis ``n`` of the Euler angle (:func:`rotation_axis`) and
    ``E = E_L(r_j)``; derivation in the module docstring.

    Parameters
    ----------
    particles : RigidParticles
    field : field object
    j : int
    name : {"alpha", "beta", "gamma"}

    Returns
    -------
    float
    """
    k = _check_field(field)
    j, name = _coordinate((j, name), particles.n_particles)
    if name in _AXIS:
        raise ValueError("name must be an Euler angle ('alpha', 'beta', 'gamma')")
    n = rotation_axis(particles.euler[j], name)
    chi = particles.chi[j]
    e = field.field(particles.positions[j])
    dchi_e = np.cross(n, chi @ e) - chi @ np.cross(n, e)
    return float(
        HBAR
        * EPSILON_0
        * k**3
        * particles.volumes[j] ** 2
        * np.vdot(dchi_e, dchi_e).real
        / (24.0 * np.pi)
    )


def aligned_rotor_diffusion(delta_chi, volume, field_amplitude, k):
    """``hbar eps0 k^3 V^2 (Delta chi)^2 |E|^2/(24 pi)``: rotor aligned with the field.

    ``Delta chi = chi_1 - chi_2`` is the difference of the principal
    susceptibilities along the polarisation and along the axis perpendicular
    to it and to the rotation axis (N^2 m^2 s).

    Parameters
    ----------
    delta_chi : float
        Dimensionless.
    volume : float
        m^3 (> 0).
    field_amplitude : float
        ``|E|`` in V/m (>= 0).
    k : float
        1/m (> 0).
    """
    vals = [float(v) for v in (delta_chi, volume, field_amplitude, k)]
    if (
        not all(np.isfinite(v) for v in vals)
        or vals[1] <= 0
        or vals[2] < 0
        or vals[3] <= 0
    ):
        raise ValueError(
            "need finite delta_chi, volume > 0, field_amplitude >= 0, k > 0"
        )
    dchi, vol, e0, kk = vals
    return HBAR * EPSILON_0 * kk**3 * vol**2 * dchi**2 * e0**2 / (24.0 * np.pi)


def tweezer_focus_diffusion(params="rieser2022", *, radii=None):
    """Eq. (87a) for spheres at two tweezer foci (:class:`optbind.array.LinearArray`).

    Parameters
    ----------
    params : str, optional
        Parameter set (:func:`optbind.parameters.load`).
    radii : sequence of float, optional
        Sphere radii in m (default: the set's radius, twice).

    Returns
    -------
    (RigidParticles, TweezerField, ndarray)
        Particles at the foci, the field, and the diagonal ``D_jj`` of
        Eq. (87a) in N^2 s.
    """
    p = load(params)
    radii = np.array([p.radius, p.radius] if radii is None else radii, dtype=float)
    d = p.separation
    foci = np.array([[0.0, 0.0, 0.0], [d, 0.0, 0.0]])
    amps = p.field_amplitude * np.array([[0.0, 1.0, 0.0], [0.0, np.exp(0.6j), 0.0]])
    vols = 4.0 * np.pi * radii**3 / 3.0
    arr = LinearArray(foci, amps, vols, p.density * vols, p.chi, p.k, p.z_R)
    parts = RigidParticles.spheres(foci, radii, p.permittivity)
    return parts, arr.field, np.real(np.diag(arr.D))


# ------------------------------------------------------------- fixtures
def demo_pair(params="rieser2022", *, volume_ratio=2.2):
    """Two unequal spheres off two tweezer foci with different phases and polarisations.

    Returns
    -------
    (RigidParticles, TweezerField)
    """
    p = load(params)
    d = p.separation
    foci = np.array([[0.0, 0.0, 0.0], [d, 0.17 * d, 0.0]])
    pol1 = np.array([np.cos(0.4), np.sin(0.4), 0.0])
    pol2 = np.array([np.cos(1.3), 0.6j * np.sin(1.3), 0.0])  # elliptic
    amps = p.field_amplitude * np.array([pol1, 0.8 * np.exp(0.9j) * pol2])
    field = TweezerField(foci, amps, p.k, p.waist)
    offs = np.array([[0.09, -0.05, 0.21], [-0.04, 0.07, -0.13]]) / p.k
    radii = p.radius * np.array([1.0, volume_ratio ** (1.0 / 3.0)])
    return RigidParticles.spheres(foci + offs, radii, p.permittivity), field


def demo_rotor(params="rieser2022", *, aligned=False):
    """An ellipsoid in a linearly polarised tweezer (optionally aligned, at the focus).

    Returns
    -------
    (RigidParticles, TweezerField)
        ``aligned=True``: long axis along the polarisation ``e_x``, at the
        focus (the equilibrium of Sec. VI's libration regime); otherwise a
        generic orientation and position.
    """
    p = load(params)
    axes = p.radius * np.array([1.6, 0.8, 0.55])
    field = TweezerField(
        [[0.0, 0.0, 0.0]], [[p.field_amplitude, 0.0, 0.0]], p.k, p.waist
    )
    if aligned:
        return (
            RigidParticles([[0.0, 0.0, 0.0]], axes, [0.0, 0.0, 0.0], p.permittivity),
            field,
        )
    pos = np.array([[0.11, -0.06, 0.25]]) / p.k
    return RigidParticles(pos, axes, [0.3, 0.7, -0.4], p.permittivity), field


def demo_elliptic(params="rieser2022", *, ellipticity=0.6, at_focus=False):
    """A sphere in an elliptically polarised tweezer (where the printed (C12) fails).

    Returns
    -------
    (RigidParticles, TweezerField)
    """
    p = load(params)
    amp = (
        p.field_amplitude
        * np.array([1.0, 1j * ellipticity, 0.0])
        / np.sqrt(1.0 + ellipticity**2)
    )
    field = TweezerField([[0.0, 0.0, 0.0]], [amp], p.k, p.waist)
    pos = np.zeros((1, 3)) if at_focus else np.array([[0.3, -0.2, 0.4]]) / p.k
    return RigidParticles.spheres(pos, p.radius, p.permittivity), field


def demo_mixed(params="rieser2022"):
    """An ellipsoid (generic orientation) and a sphere in the tweezers of :func:`demo_pair`.

    Returns
    -------
    (RigidParticles, TweezerField)
    """
    rot, _ = demo_rotor(params)
    pair, field = demo_pair(params)
    parts = RigidParticles(
        pair.positions,
        np.vstack([rot.semi_axes[0], pair.semi_axes[1]]),
        np.vstack([rot.euler[0], [0.0, 0.0, 0.0]]),
        pair.permittivity,
    )
    return parts, field


def _split(coords):
    return np.array([[a[0] != b[0] for b in coords] for a in coords])


def survey(params="rieser2022"):
    """Printed and corrected Appendix C correlators against the general route.

    Evaluates (C9), (C11) and (C12) on the fixtures of this module (off-focus
    pair of unequal spheres with different tweezer phases and polarisations;
    an ellipsoid and a sphere with orientation and position coordinates; a
    rotor, aligned and generic; a sphere in elliptically polarised light) and
    returns one row per formula and configuration.  ``printed``/``corrected``
    are :func:`relative_error` of the respective matrix elements (those the
    formula is for) against :func:`correlator_general`.  Takes ~2 s.

    Returns
    -------
    list of dict
        Keys ``formula``, ``configuration``, ``elements``, ``printed``,
        ``corrected``.
    """
    rows = []

    def add(formula, config, elements, printed, corrected, ref, mask):
        rows.append(
            dict(
                formula=formula,
                configuration=config,
                elements=elements,
                printed=relative_error(printed[mask], ref[mask]),
                corrected=relative_error(corrected[mask], ref[mask]),
            )
        )

    cases = [
        (
            "unequal spheres, off focus",
            demo_pair(params),
            [(0, "z"), (1, "z"), (0, "x"), (1, "y")],
        ),
        (
            "ellipsoid + sphere",
            demo_mixed(params),
            [(0, "beta"), (1, "z"), (0, "gamma"), (1, "x"), (0, "y")],
        ),
    ]
    for name, (parts, field), coords in cases:
        ref = correlator_general(parts, field, coords)
        off = _split(coords)
        add(
            "C9",
            name,
            "j != j'",
            c9_correlator(parts, field, coords, printed=True),
            c9_correlator(parts, field, coords, printed=False),
            ref,
            off,
        )
        pr = appendix_c_correlator(parts, field, coords, printed=True)
        co = appendix_c_correlator(parts, field, coords, printed=False)
        add("C11", name, "j != j'", pr, co, ref, off)
        add("C12", name, "j = j'", pr, co, ref, ~off)
    for aligned in (True, False):
        parts, field = demo_rotor(params, aligned=aligned)
        coords = [(0, q) for q in COORDINATES]
        ref = correlator_general(parts, field, coords)
        add(
            "C12",
            "rotor " + ("aligned at focus" if aligned else "generic"),
            "6 x 6 (x, y, z, Euler)",
            appendix_c_correlator(parts, field, coords, printed=True),
            appendix_c_correlator(parts, field, coords, printed=False),
            ref,
            np.ones((6, 6), dtype=bool),
        )
    parts, field = demo_elliptic(params)
    coords = [(0, q) for q in "xyz"]
    ref = correlator_general(parts, field, coords)
    pr = appendix_c_correlator(parts, field, coords, printed=True)
    co = appendix_c_correlator(parts, field, coords, printed=False)
    add(
        "C12",
        "sphere, elliptic polarisation",
        "diagonal",
        pr,
        co,
        ref,
        np.eye(3, dtype=bool),
    )
    add(
        "C12",
        "sphere, elliptic polarisation",
        "q != q'",
        pr,
        co,
        ref,
        ~np.eye(3, dtype=bool),
    )
    return rows
