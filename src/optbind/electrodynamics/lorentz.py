"""Lorentz force and torque on a polarised volume: Eqs. (A1)-(A5), (17a), (17b).

Companion module of the appendix chapter on Appendices A-C (Rudolph et al.,
Phys. Rev. A 110, 063507 (2024)).  A small dielectric body (an ellipsoid with
semi-axes ``a_i``, centre ``r_c`` and orientation ``R``, a sphere when the
semi-axes are equal) carries a prescribed polarisation ``P(r) = eps0 chi E(r)``
inside and none outside.  Its force and torque are computed from every
printed form by quadrature over the volume (and, for Eq. A1, its surface):

* (A1) the Lorentz density ``-(div P) E + dP/dt x B`` of the bound charges
  and currents, including the surface charge ``sigma = P . n`` where ``P``
  drops to zero, and its moment ``r x f_L``;
* (A2) ``(P . grad) E + dP/dt x B`` and (A4) ``P x E + r x [...]``;
* (A3) ``grad'[P . E'] + d/dt[P x B]`` and (A5);
* (17a) ``grad'[P . E']`` and (17b) about the centre ``r_c``.

Fields are time harmonic, ``Re[E(r) e^{-i omega t}]`` with ``omega = c k``
(:mod:`optbind.conventions`); the magnetic field follows from Faraday's law,
``curl E = -dB/dt = i omega B``, i.e. ``B = curl E/(i omega)`` from the
field gradient.  Cycle averages of products are ``Re[a^* b]/2``; the
time-domain functions use the real fields at a given instant, so that the
total time derivatives of (A3) can be shown to integrate to zero over one
optical period.

A *field object* has ``k`` (1/m), ``field(r) -> (..., 3)`` and
``gradient(r) -> (..., 3, 3)`` with ``[..., a, b] = d E_b/d r_a``
(:mod:`optbind.fields`); :func:`superpose` adds several of them (a tweezer
and a plane wave, say).  SI units throughout: m, V/m, T, N, N m.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import validation as _v
from ..conventions import EPSILON_0, SPEED_OF_LIGHT
from ..numerics import central_difference
from .green import sphere_quadrature
from .particles import rotation_matrix, susceptibility_tensor, volume

__all__ = [
    "FieldSum",
    "superpose",
    "magnetic_field",
    "ellipsoid_volume_quadrature",
    "ellipsoid_surface_quadrature",
    "PolarisedBody",
    "FORCE_FORMS",
    "TORQUE_FORMS",
    "force",
    "torque",
    "instantaneous_force",
    "instantaneous_torque",
    "time_derivative_force",
    "time_derivative_torque",
    "cycle_average",
    "dipole_moment",
    "point_dipole_force",
    "point_dipole_torque",
    "orbital_torque_leading",
]

#: Forms of the cycle-averaged force (equation labels of the paper).
FORCE_FORMS = ("A1", "A2", "A3", "17a")
#: Forms of the cycle-averaged torque; ``A1``, ``A4``, ``A5`` are about the lab
#: origin as printed (``r x ...``), ``17b`` about the body centre.
TORQUE_FORMS = ("A1", "A4", "A5", "17b")

_LEVI = np.zeros((3, 3, 3))
_LEVI[0, 1, 2] = _LEVI[1, 2, 0] = _LEVI[2, 0, 1] = 1.0
_LEVI[0, 2, 1] = _LEVI[2, 1, 0] = _LEVI[1, 0, 2] = -1.0


# ----------------------------------------------------------------- checks
def _torque_reference(body, field, form, about):
    """Check the arguments of a torque and return the reference point ``r``."""
    _check_field(field)
    _form(form, TORQUE_FORMS)
    if about is None:
        about = body.center if form == "17b" else np.zeros(3)
    return _v.vectors(about, "about", "m", shape=(3,))


def _check_field(field):
    """Check the field protocol and return ``field.k`` (1/m, > 0)."""
    _v.field_object(field)
    return _v.real_scalar(field.k, "field.k", "1/m", positive=True)


def _point_dipole(p, field, r):
    """Checked dipole amplitude ``p`` (C m, complex 3-vector) and position ``r`` (m)."""
    _check_field(field)
    p = np.asarray(p, dtype=complex)
    if p.shape != (3,) or not np.all(np.isfinite(p)):
        raise ValueError(f"p must be a finite complex 3-vector; got {p!r}")
    return p, _v.vectors(r, "r", "m", shape=(3,))


def _curl_over_i_omega(grad, k):
    """``B = curl E/(i omega)`` in T, ``grad[..., a, b] = d_a E_b``, ``omega = c k``."""
    return np.einsum("abc,...bc->...a", _LEVI, grad) / (1j * SPEED_OF_LIGHT * k)


def _form(form, allowed):
    if form not in allowed:
        raise ValueError(f"form must be one of {allowed}; got {form!r}")
    return form


# ----------------------------------------------------------------- fields
@dataclass(frozen=True)
class FieldSum:
    """Sum of field objects of one frequency (see :func:`superpose`)."""

    parts: tuple

    @property
    def k(self):
        """Common wave number in 1/m."""
        return float(self.parts[0].k)

    def field(self, r):
        """``sum_i E_i(r)``, shape ``(..., 3)``, V/m."""
        return sum(p.field(r) for p in self.parts)

    def gradient(self, r):
        """``sum_i d_a E_i,b``, shape ``(..., 3, 3)``, V/m^2."""
        return sum(p.gradient(r) for p in self.parts)


def superpose(*fields):
    """Superpose field objects of the same wave number into one field object.

    Parameters
    ----------
    *fields : field objects
        Each with ``k``, ``field(r)``, ``gradient(r)`` (e.g.
        :class:`optbind.fields.TweezerField`, :class:`optbind.fields.PlaneWaves`).

    Returns
    -------
    FieldSum

    Raises
    ------
    ValueError
        If no field is given or the wave numbers differ (relative 1e-12).
    """
    if not fields:
        raise ValueError("superpose needs at least one field")
    ks = np.array([_check_field(f) for f in fields])
    if np.ptp(ks) > 1e-12 * ks.max():
        raise ValueError(
            f"fields must share one wave number (one frequency); got k = {ks}"
        )
    return FieldSum(tuple(fields))


def magnetic_field(field, r):
    """Magnetic amplitude ``B = curl E/(i omega)`` from Faraday's law, in T.

    ``(curl E)_a = eps_abc d_b E_c`` from ``field.gradient``; ``omega = c k``.

    Parameters
    ----------
    field : field object
    r : array_like, shape (..., 3)
        Positions in m.

    Returns
    -------
    ndarray, shape (..., 3), complex
    """
    k = _check_field(field)
    return _curl_over_i_omega(field.gradient(np.asarray(r, dtype=float)), k)


# ------------------------------------------------------------- quadrature
def _ellipsoid_frame(semi_axes, center, euler, n_theta, n_phi):
    """Checked ``a`` (m), ``c`` (m), ``R`` and the unit-sphere rule (directions, sr)."""
    a = _v.real_array(semi_axes, "semi_axes", "m", shape=(3,), positive=True)
    c = _v.vectors(center, "center", "m", shape=(3,))
    rot = rotation_matrix(euler)
    n_theta = _v.integer(n_theta, "n_theta", minimum=1)
    dirs, w_dir = sphere_quadrature(n_theta, _v.integer(n_phi, "n_phi", minimum=1))
    return a, c, rot, dirs, w_dir


def ellipsoid_volume_quadrature(
    semi_axes,
    *,
    center=(0.0, 0.0, 0.0),
    euler=(0.0, 0.0, 0.0),
    n_radial=8,
    n_theta=8,
    n_phi=16,
):
    """Product quadrature over a solid ellipsoid ``{c + R A u : |u| <= 1}``.

    Gauss-Legendre in the radius (weight ``rho^2``) and in ``cos theta``,
    trapezoid in ``phi``; the Jacobian is ``a1 a2 a3``.  Exact for polynomials
    of degree ``< 2 n_radial - 2`` in the radius and ``< 2 n_theta`` in ``cos
    theta``, so smooth fields converge exponentially.

    Parameters
    ----------
    semi_axes : array_like, shape (3,)
        Semi-axes in m (> 0), along the body axes.
    center : array_like, shape (3,)
        Centre in m.
    euler : array_like, shape (3,)
        Orientation (z-y'-z'' Euler angles, rad, Eq. 16).
    n_radial, n_theta, n_phi : int
        Nodes per coordinate.

    Returns
    -------
    nodes : ndarray, shape (M, 3)
        Points in m.
    weights : ndarray, shape (M,)
        Volume weights in m^3 (they sum to ``4 pi a1 a2 a3/3``).
    """
    a, c, rot, dirs, w_dir = _ellipsoid_frame(semi_axes, center, euler, n_theta, n_phi)
    x, wx = np.polynomial.legendre.leggauss(_v.integer(n_radial, "n_radial", minimum=1))
    rho = 0.5 * (x + 1.0)
    w_rho = 0.5 * wx * rho**2
    u = rho[:, None, None] * dirs[None, :, :]  # (R, D, 3)
    nodes = c + np.einsum("ab,rdb->rda", rot * a, u).reshape(-1, 3)
    weights = (np.prod(a) * w_rho[:, None] * w_dir[None, :]).reshape(-1)
    return nodes, weights


def ellipsoid_surface_quadrature(
    semi_axes, *, center=(0.0, 0.0, 0.0), euler=(0.0, 0.0, 0.0), n_theta=16, n_phi=32
):
    """Quadrature over the surface of an ellipsoid with vector area elements.

    For ``x = c + M u`` with ``M = R A`` and ``u`` on the unit sphere, the
    outward vector area element is ``dS n = det(M) M^{-T} u dOmega =
    a1 a2 a3 R A^{-1} u dOmega``.

    Parameters
    ----------
    semi_axes, center, euler
        As in :func:`ellipsoid_volume_quadrature`.
    n_theta, n_phi : int
        Angular nodes.

    Returns
    -------
    nodes : ndarray, shape (M, 3)
        Surface points in m.
    areas : ndarray, shape (M, 3)
        ``n dS`` in m^2 (they sum to zero; ``sum areas . x = 3 V``).
    """
    a, c, rot, dirs, w_dir = _ellipsoid_frame(semi_axes, center, euler, n_theta, n_phi)
    nodes = c + dirs @ (rot * a).T
    areas = np.prod(a) * (dirs / a) @ rot.T * w_dir[:, None]
    return nodes, areas


# ------------------------------------------------------------------- body
@dataclass(frozen=True)
class PolarisedBody:
    """A small ellipsoid with prescribed polarisation ``P(r) = eps0 chi E(r)`` inside.

    Parameters
    ----------
    semi_axes : array_like, shape (3,)
        Semi-axes in m (> 0).
    center : array_like, shape (3,)
        Centre ``r_c`` in m (the centre of mass of a homogeneous body).
    euler : array_like, shape (3,)
        Orientation, z-y'-z'' Euler angles in rad.
    susceptibility : float or array_like, shape (3, 3)
        Real, dimensionless tensor ``chi`` in the lab frame (a scalar means
        ``chi 1``).  :meth:`dielectric` builds the ellipsoid's Eq. (32) tensor.
    n_radial, n_theta, n_phi : int
        Volume quadrature orders; the surface rule uses ``2 n_theta, 2 n_phi``.
    """

    semi_axes: np.ndarray
    center: np.ndarray
    euler: np.ndarray
    susceptibility: np.ndarray
    n_radial: int = 8
    n_theta: int = 8
    n_phi: int = 16

    def __post_init__(self):
        a = _v.real_array(self.semi_axes, "semi_axes", "m", shape=(3,), positive=True)
        center = _v.vectors(self.center, "center", "m", shape=(3,))
        euler = _v.vectors(self.euler, "euler", "rad", shape=(3,))
        for name, value in (("semi_axes", a), ("center", center), ("euler", euler)):
            object.__setattr__(self, name, value)
        chi = np.asarray(self.susceptibility)
        if np.iscomplexobj(chi):
            raise TypeError("susceptibility must be real (lossless dielectric)")
        chi = chi.astype(float)
        if chi.ndim == 0:
            chi = float(chi) * np.eye(3)
        if chi.shape != (3, 3) or not np.all(np.isfinite(chi)):
            raise ValueError(
                f"susceptibility must be a finite scalar or (3, 3); got {chi.shape}"
            )
        if not np.allclose(chi, chi.T):
            raise ValueError("susceptibility must be symmetric")
        object.__setattr__(self, "susceptibility", chi)
        for name in ("n_radial", "n_theta", "n_phi"):
            _v.integer(getattr(self, name), name, minimum=1)

    @classmethod
    def dielectric(
        cls,
        permittivity,
        semi_axes,
        *,
        center=(0.0, 0.0, 0.0),
        euler=(0.0, 0.0, 0.0),
        **orders,
    ):
        """Body with the Eq. (32) susceptibility tensor of its shape and orientation."""
        chi = susceptibility_tensor(permittivity, semi_axes, euler=euler)
        return cls(semi_axes, center, euler, chi, **orders)

    @property
    def volume(self):
        """``4 pi a1 a2 a3/3`` in m^3 (:func:`optbind.particles.volume`)."""
        return volume(self.semi_axes)

    def volume_quadrature(self):
        """Nodes (M, 3) in m and weights (M,) in m^3 over the body."""
        return ellipsoid_volume_quadrature(
            self.semi_axes,
            center=self.center,
            euler=self.euler,
            n_radial=self.n_radial,
            n_theta=self.n_theta,
            n_phi=self.n_phi,
        )

    def surface_quadrature(self):
        """Surface nodes (M, 3) in m and vector areas (M, 3) in m^2."""
        return ellipsoid_surface_quadrature(
            self.semi_axes,
            center=self.center,
            euler=self.euler,
            n_theta=2 * self.n_theta,
            n_phi=2 * self.n_phi,
        )

    def polarization(self, field, r):
        """``P(r) = eps0 chi E(r)`` in C/m^2 (complex amplitude), shape (..., 3)."""
        return EPSILON_0 * np.einsum(
            "bc,...c->...b", self.susceptibility, field.field(r)
        )

    def second_moment(self):
        """``int (r - r_c)(r - r_c)^T d^3r = (V/5) R A^2 R^T`` in m^5."""
        rot = rotation_matrix(self.euler)
        return self.volume / 5.0 * (rot * self.semi_axes**2) @ rot.T


def _local(body, field, r):
    """Complex amplitudes at points ``r``: E, grad E, P, grad'(P.E'), div P, B."""
    e = field.field(r)
    grad = field.gradient(r)
    p = EPSILON_0 * e @ body.susceptibility.T
    div_p = EPSILON_0 * np.einsum("bc,...bc->...", body.susceptibility, grad)
    b = _curl_over_i_omega(grad, field.k)
    return e, grad, p, div_p, b, SPEED_OF_LIGHT * field.k


# --------------------------------------------------- cycle-averaged forms
def _avg(a, b):
    """Cycle average ``<Re[a e^{-iwt}] Re[b e^{-iwt}]> = Re[a^* b]/2`` (elementwise)."""
    return 0.5 * np.real(np.conj(a) * b)


def _avg_cross(a, b):
    return 0.5 * np.real(np.cross(np.conj(a), b))


def _densities(body, field, r):
    e, grad, p, div_p, b, omega = _local(body, field, r)
    pdot = -1j * omega * p  # amplitude of dP/dt
    grad_pe = 0.5 * np.real(
        np.einsum("...b,...ab->...a", p.conj(), grad)
    )  # 17a density
    p_grad_e = 0.5 * np.real(np.einsum("...a,...ab->...b", p.conj(), grad))  # (P.grad)E
    magnetic = _avg_cross(pdot, b)
    bulk_a1 = -_avg(div_p[..., None], e) + magnetic
    intrinsic = _avg_cross(p, e)
    return {
        "17a": grad_pe,
        "A2": p_grad_e + magnetic,
        "A1": bulk_a1,
        "intrinsic": intrinsic,
    }


def _surface_force_density(body, field):
    nodes, areas = body.surface_quadrature()
    e = field.field(nodes)
    p = body.polarization(field, nodes)
    sigma = np.einsum("mb,mb->m", p, areas)  # sigma dS (complex amplitude), C
    return nodes, _avg(sigma[:, None], e)  # (M, 3) force per node, N


def force(body, field, form="17a"):
    """Cycle-averaged total force on the body, N.

    Parameters
    ----------
    body : PolarisedBody
    field : field object
    form : {"A1", "A2", "A3", "17a"}
        ``A1``: bound charges (bulk ``-div P`` and surface ``P . n``) and
        currents; ``A2``: ``(P . grad) E + dP/dt x B``; ``A3``: Eq. (A3), whose
        time derivative is averaged numerically over one period in the time
        domain (see :func:`instantaneous_force`); ``17a``: ``grad'(P . E')``.

    Returns
    -------
    ndarray, shape (3,)
    """
    _check_field(field)
    _form(form, FORCE_FORMS)
    if form == "A3":
        omega = SPEED_OF_LIGHT * field.k
        return cycle_average(lambda t: instantaneous_force(body, field, t, "A3"), omega)
    nodes, w = body.volume_quadrature()
    dens = _densities(body, field, nodes)[form]
    total = np.einsum("m,ma->a", w, dens)
    if form == "A1":
        total = total + _surface_force_density(body, field)[1].sum(axis=0)
    return total


def torque(body, field, form="17b", *, about=None):
    """Cycle-averaged total torque, N m.

    Parameters
    ----------
    body : PolarisedBody
    field : field object
    form : {"A1", "A4", "A5", "17b"}
        ``A1``: ``int r x f_L`` of the bound charges and currents (plus the
        surface charge); ``A4``: ``P x E + r x [(P . grad)E + dP/dt x B]``;
        ``A5``: ``P x E + r x grad'(P . E')``; ``17b``: ``A5`` with ``r``
        measured from the centre ``r_c``.
    about : array_like, shape (3,), optional
        Reference point in m for ``r`` (default: the lab origin for A1, A4,
        A5 as printed, the centre for 17b).

    Returns
    -------
    ndarray, shape (3,)
    """
    o = _torque_reference(body, field, form, about)
    nodes, w = body.volume_quadrature()
    dens = _densities(body, field, nodes)
    arm = nodes - o
    if form == "A1":
        total = np.einsum("m,ma->a", w, np.cross(arm, dens["A1"]))
        s_nodes, s_force = _surface_force_density(body, field)
        return total + np.cross(s_nodes - o, s_force).sum(axis=0)
    key = "A2" if form == "A4" else "17a"
    return np.einsum("m,ma->a", w, dens["intrinsic"] + np.cross(arm, dens[key]))


# ------------------------------------------------------------ time domain
def _real_at(amp, omega, t):
    return np.real(amp * np.exp(-1j * omega * t))


def _instant(body, field, t):
    """Real fields and densities at time ``t`` on the volume nodes."""
    nodes, w = body.volume_quadrature()
    e, grad, p, div_p, b, omega = _local(body, field, nodes)
    ph = np.exp(-1j * omega * t)
    re = lambda a: np.real(a * ph)  # noqa: E731
    d = dict(
        E=re(e),
        grad=re(grad),
        P=re(p),
        Pdot=re(-1j * omega * p),
        div=re(div_p),
        B=re(b),
        Bdot=re(-1j * omega * b),
    )
    return nodes, w, d, omega


def _instant_densities(d):
    grad_pe = np.einsum("mb,mab->ma", d["P"], d["grad"])
    p_grad_e = np.einsum("ma,mab->mb", d["P"], d["grad"])
    magnetic = np.cross(d["Pdot"], d["B"])
    ddt = np.cross(d["Pdot"], d["B"]) + np.cross(d["P"], d["Bdot"])  # d/dt (P x B)
    return dict(
        grad_pe=grad_pe,
        p_grad_e=p_grad_e,
        magnetic=magnetic,
        ddt=ddt,
        bulk_a1=-d["div"][:, None] * d["E"] + magnetic,
        intrinsic=np.cross(d["P"], d["E"]),
    )


def _surface_instant(body, field, t):
    nodes, areas = body.surface_quadrature()
    omega = SPEED_OF_LIGHT * field.k
    e = _real_at(field.field(nodes), omega, t)
    p = _real_at(body.polarization(field, nodes), omega, t)
    return nodes, np.einsum("mb,mb->m", p, areas)[:, None] * e


def instantaneous_force(body, field, t, form="A2"):
    """Force at time ``t`` from the real fields, N.

    Parameters
    ----------
    body : PolarisedBody
    field : field object
    t : float
        Time in s.
    form : {"A1", "A2", "A3", "17a"}
        ``17a`` is ``int grad'[P(t) . E(r', t)]`` without the time derivative,
        so ``A3 - 17a`` is :func:`time_derivative_force`; A1, A2 and A3 agree
        at every instant.

    Returns
    -------
    ndarray, shape (3,)
    """
    _check_field(field)
    _form(form, FORCE_FORMS)
    nodes, w, d, _ = _instant(body, field, float(t))
    dens = _instant_densities(d)
    if form == "A1":
        s = _surface_instant(body, field, float(t))[1].sum(axis=0)
        return np.einsum("m,ma->a", w, dens["bulk_a1"]) + s
    if form == "A2":
        return np.einsum("m,ma->a", w, dens["p_grad_e"] + dens["magnetic"])
    if form == "A3":
        return np.einsum("m,ma->a", w, dens["grad_pe"] + dens["ddt"])
    return np.einsum("m,ma->a", w, dens["grad_pe"])


def instantaneous_torque(body, field, t, form="A4", *, about=None):
    """Torque at time ``t`` from the real fields, N m.

    Forms as in :func:`torque`; the instantaneous ``A5`` here includes the
    total time derivative ``d/dt int r x (P x B)`` (it is the exact rewriting
    of A4), while ``17b`` omits it.

    Parameters
    ----------
    body, field
    t : float
        Time in s.
    form : {"A1", "A4", "A5", "17b"}
    about : array_like, optional
        Reference point (default as in :func:`torque`).

    Returns
    -------
    ndarray, shape (3,)
    """
    o = _torque_reference(body, field, form, about)
    nodes, w, d, _ = _instant(body, field, float(t))
    dens = _instant_densities(d)
    arm = nodes - o
    if form == "A1":
        s_nodes, s_f = _surface_instant(body, field, float(t))
        return np.einsum("m,ma->a", w, np.cross(arm, dens["bulk_a1"])) + np.cross(
            s_nodes - o, s_f
        ).sum(axis=0)
    if form == "A4":
        orb = dens["p_grad_e"] + dens["magnetic"]
    elif form == "A5":
        orb = dens["grad_pe"] + dens["ddt"]
    else:
        orb = dens["grad_pe"]
    return np.einsum("m,ma->a", w, dens["intrinsic"] + np.cross(arm, orb))


def time_derivative_force(body, field, t):
    """``d/dt int P x B d^3r`` at time ``t`` (the extra term of Eq. A3), N."""
    _check_field(field)
    nodes, w, d, _ = _instant(body, field, float(t))
    return np.einsum("m,ma->a", w, _instant_densities(d)["ddt"])


def time_derivative_torque(body, field, t, *, about=(0.0, 0.0, 0.0)):
    """``d/dt int r x (P x B) d^3r`` at time ``t`` (dropped between A4 and A5), N m."""
    _check_field(field)
    o = _v.vectors(about, "about", "m", shape=(3,))
    nodes, w, d, _ = _instant(body, field, float(t))
    return np.einsum("m,ma->a", w, np.cross(nodes - o, _instant_densities(d)["ddt"]))


def cycle_average(fun, omega, *, n_samples=16, rule="trapezoid"):
    """Average of ``fun(t)`` over one period ``2 pi/omega``.

    Parameters
    ----------
    fun : callable
        ``fun(t) -> ndarray``.
    omega : float
        Angular frequency in rad/s (> 0).
    n_samples : int, optional
        Number of time samples.
    rule : {"trapezoid", "gauss"}
        ``trapezoid``: equally spaced samples of the periodic function (exact
        for harmonics of order ``< n_samples``; products of two optical fields
        only contain orders 0 and 2).  ``gauss``: Gauss-Legendre on
        ``[0, T]``, which does not use periodicity (a stricter check that a
        total derivative integrates to zero).

    Returns
    -------
    ndarray
    """
    if not callable(fun):
        raise TypeError("fun must be callable")
    w = float(omega)
    if not np.isfinite(w) or w <= 0:
        raise ValueError(f"omega must be finite and > 0 (rad/s); got {omega!r}")
    n = _v.integer(n_samples, "n_samples", minimum=2)
    period = 2.0 * np.pi / w
    if rule == "trapezoid":
        ts = period * np.arange(n) / n
        wts = np.full(n, 1.0 / n)
    elif rule == "gauss":
        x, wx = np.polynomial.legendre.leggauss(n)
        ts = 0.5 * period * (x + 1.0)
        wts = 0.5 * wx
    else:
        raise ValueError(f"rule must be 'trapezoid' or 'gauss'; got {rule!r}")
    return sum(wt * np.asarray(fun(t)) for wt, t in zip(wts, ts))


# ------------------------------------------------------ point-dipole limit
def dipole_moment(body, field):
    """Total dipole moment ``p = int P d^3r`` (complex amplitude), C m."""
    _check_field(field)
    nodes, w = body.volume_quadrature()
    return np.einsum("m,ma->a", w, body.polarization(field, nodes))


def point_dipole_force(p, field, r):
    """Cycle-averaged force on a point dipole, ``(1/2) Re[p^* . grad E(r)]``, N.

    Component ``a`` is ``(1/2) Re[sum_b p_b^* d_a E_b]`` (Eq. 17a for a point
    dipole; Eq. 6 without the scattered fields).

    Parameters
    ----------
    p : array_like, shape (3,), complex
        Dipole amplitude in C m.
    field : field object
    r : array_like, shape (3,)
        Position in m.
    """
    p, r = _point_dipole(p, field, r)
    return 0.5 * np.real(field.gradient(r) @ p.conj())


def point_dipole_torque(p, field, r):
    """Cycle-averaged torque on a point dipole, ``(1/2) Re[p^* x E(r)]``, N m."""
    p, r = _point_dipole(p, field, r)
    return 0.5 * np.real(np.cross(p.conj(), field.field(r)))


def orbital_torque_leading(body, field, *, step=None):
    """Leading small-size term of the orbital part of Eq. (17b), N m.

    ``int (r - r_c) x f(r) d^3r ~ eps_abc S_bd d_d f_c(r_c)`` with the
    17a force density ``f = (1/2) Re[P^* . grad E]`` and the second moment
    ``S = (V/5) R A^2 R^T`` (``int (r - r_c) d^3r = 0``); the remainder is
    smaller by ``O((k a)^2)``.  The Jacobian of ``f`` is taken by fourth-order
    central differences (Richardson extrapolation of
    :func:`optbind.numerics.central_difference`).

    Parameters
    ----------
    body : PolarisedBody
    field : field object
    step : float, optional
        Difference step in m (default ``1e-3/k``).

    Returns
    -------
    ndarray, shape (3,)
    """
    k = _check_field(field)
    h = 1e-3 / k if step is None else _v.real_scalar(step, "step", "m", positive=True)

    def f(x):
        return _densities(body, field, x[None, :])["17a"][0]

    # jac[d, c] = d_d f_c; [4 D(h) - D(2h)]/3 is the five-point stencil
    d_h = central_difference(f, body.center, h)
    jac = (4.0 * d_h - central_difference(f, body.center, 2.0 * h)) / 3.0
    return np.einsum("abc,bd,dc->a", _LEVI, body.second_moment(), jac)
