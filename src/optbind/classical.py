"""Classical optical binding between point dipoles, Sec. II (Eqs. 1-7).

``N`` point particles with a real scalar polarisability ``alpha`` (SI unit
F m^2 = C m^2/V, e.g. ``alpha = 4 pi eps0 a^3 (eps - 1)/(eps + 2)`` for a
sphere of radius ``a``) sit at positions ``r_j`` in a monochromatic laser
field ``Re[E_L(r) exp(-i omega_L t)]``.  To lowest orders in ``alpha``:

* particle ``j`` radiates the scattered field (Eq. 1)
  ``E_j(r) = (alpha/eps0) G(r - r_j) E_L(r_j)``;
* its dipole moment, driven by the laser plus the single-scattered fields of
  the others, is (Eq. 5)
  ``p_j = alpha E_L(r_j) + (alpha^2/eps0) sum_{j' != j} G(r_j - r_j') E_L(r_j')``;
* the cycle-averaged force (Eq. 6), ``F_j = (1/2) grad Re[p_j^* . E_loc(r)]``
  at ``r = r_j`` with ``p_j`` held fixed, is to order ``alpha^2`` (Eq. 7,
  with the printed ``|E_L|`` corrected to ``|E_L|^2``)

  .. math::
     \\mathbf F_j = \\frac{\\alpha}{4}\\partial_{\\mathbf r_j}|\\mathbf E_L(\\mathbf r_j)|^2
     + \\partial_{\\mathbf r_j}\\sum_{j'\\ne j} W_{jj'}(\\mathbf r_j, \\mathbf r_{j'}),
     \\qquad
     W_{jj'} = \\frac{\\alpha^2}{2\\varepsilon_0}\\,\\mathrm{Re}\\,
        \\mathbf E_L^*(\\mathbf r_j)\\cdot\\mathbf G(\\mathbf r_j-\\mathbf r_{j'})
        \\mathbf E_L(\\mathbf r_{j'}),

  where the derivative acts on ``r_j`` only (in ``E_L^*(r_j)`` and in ``G``),
  with ``r_j'`` held fixed.  Because ``W_jj'`` is in general neither
  symmetric in ``j, j'`` nor a function of ``r_j - r_j'`` only, the binding
  forces are non-conservative and ``F_jj' + F_j'j != 0``.

The Green tensor and its gradient come from :mod:`optbind.green`; all
derivatives here are analytic (field gradient and Green-tensor gradient).

Field objects
-------------
A laser field is passed either as a *field object* with methods
``field(r) -> (..., 3)`` complex (V/m) and ``gradient(r) -> (..., 3, 3)``
with ``[..., a, b] = dE_b/dr_a`` (V/m^2) -- the protocol of
:class:`optbind.fields.TweezerField` -- or as two callables
``field, field_gradient`` with the same signatures.  This module provides
:class:`PlaneWaves` (one or several plane waves, e.g. a standing wave) and
:class:`LocalPlaneWaves`, a minimal model of an array of tweezers near their
foci (each particle sees only its own beam, taken as a plane wave along
``+e_z``).

Units are SI throughout; conventions are those of :mod:`optbind.conventions`
(``exp(-i omega t)``, relative tweezer phase ``phi = phi_1 - phi_2``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .conventions import EPSILON_0
from .green import dyadic_green, dyadic_green_gradient, sphere_quadrature

__all__ = [
    "PlaneWaves",
    "plane_wave",
    "standing_wave",
    "LocalPlaneWaves",
    "tweezer_pair",
    "sphere_polarizability",
    "check_positions",
    "check_polarizability",
    "scattered_field",
    "induced_dipoles",
    "gradient_forces",
    "pair_interaction",
    "pair_binding_force",
    "binding_forces",
    "optical_forces",
    "dipole_forces_eq6",
    "action_reaction_violation",
    "tweezer_pair_forces",
    "tweezer_pair_violation",
    "binding_force_scale",
    "radiated_momentum_rate",
]


# --------------------------------------------------------------- validation
def check_polarizability(alpha):
    """Return ``alpha`` as a float after checking it is real, finite and > 0.

    Parameters
    ----------
    alpha : float
        Polarisability in F m^2 (= C m^2 / V).

    Raises
    ------
    ValueError
        If ``alpha`` is complex, not a scalar, not finite or not positive.
    """
    if np.iscomplexobj(alpha):
        raise ValueError(f"alpha must be real (Sec. II assumes a real polarisability); got {alpha!r}")
    a = np.asarray(alpha, dtype=float)
    if a.ndim != 0:
        raise ValueError(f"alpha must be a scalar (one polarisability for all particles); got shape {a.shape}")
    a = float(a)
    if not np.isfinite(a) or a <= 0.0:
        raise ValueError(f"alpha must be finite and > 0 (F m^2); got {alpha!r}")
    return a


def _check_k(k):
    kk = float(k)
    if not np.isfinite(kk) or kk < 0.0:
        raise ValueError(f"k must be a finite wave number >= 0 (1/m); got {k!r}")
    return kk


def _check_points(r, name):
    r = np.asarray(r, dtype=float)
    if r.ndim == 0 or r.shape[-1] != 3:
        raise ValueError(f"{name} must have shape (..., 3); got shape {r.shape}")
    if not np.all(np.isfinite(r)):
        raise ValueError(f"{name} must be finite (metres)")
    return r


def check_positions(positions):
    """Return particle positions as an ``(N, 3)`` float array, ``N >= 1``.

    Parameters
    ----------
    positions : array_like, shape (N, 3)
        Positions ``r_j`` in metres.

    Raises
    ------
    ValueError
        If the shape is not ``(N, 3)``, an entry is not finite, or two
        particles coincide (the Green tensor is singular at ``r = 0``).
    """
    r = np.asarray(positions, dtype=float)
    if r.ndim != 2 or r.shape[1] != 3 or r.shape[0] < 1:
        raise ValueError(f"positions must have shape (N, 3) with N >= 1; got shape {r.shape}")
    if not np.all(np.isfinite(r)):
        raise ValueError("positions must be finite (metres)")
    n = r.shape[0]
    if n > 1:
        d = np.linalg.norm(r[:, None, :] - r[None, :, :], axis=-1)
        d[np.diag_indices(n)] = np.inf
        if np.any(d == 0.0):
            i, j = np.argwhere(d == 0.0)[0]
            raise ValueError(f"positions: particles {i} and {j} coincide (the Green tensor is singular at r = 0)")
    return r


def _check_distinct(r_j, r_jp):
    if np.any(np.all(r_j == r_jp, axis=-1)):
        raise ValueError("r_j and r_jp coincide (the Green tensor is singular at r = 0)")


class _Field:
    """Adapter: a field object or a pair of callables -> checked evaluations."""

    def __init__(self, field, field_gradient=None):
        if field_gradient is None:
            if not (hasattr(field, "field") and hasattr(field, "gradient")):
                raise ValueError(
                    "field must be a field object with methods field(r) and gradient(r), "
                    "or pass field_gradient as a second callable"
                )
            self._f, self._g = field.field, field.gradient
        else:
            if not callable(field):
                raise ValueError("field must be callable: field(r) -> (..., 3) complex V/m")
            if not callable(field_gradient):
                raise ValueError("field_gradient must be callable: field_gradient(r) -> (..., 3, 3)")
            self._f, self._g = field, field_gradient

    def field(self, r):
        e = np.asarray(self._f(r), dtype=complex)
        if e.shape != np.shape(r):
            raise ValueError(f"field(r) must return shape {np.shape(r)}; got {e.shape}")
        if not np.all(np.isfinite(e)):
            raise ValueError("field(r) returned non-finite values")
        return e

    def gradient(self, r):
        g = np.asarray(self._g(r), dtype=complex)
        want = np.shape(r) + (3,)
        if g.shape != want:
            raise ValueError(f"field_gradient(r) must return shape {want} ([..., a, b] = dE_b/dr_a); got {g.shape}")
        if not np.all(np.isfinite(g)):
            raise ValueError("field_gradient(r) returned non-finite values")
        return g


# --------------------------------------------------------------- test fields
@dataclass(frozen=True)
class PlaneWaves:
    """A superposition of plane waves ``E_L(r) = sum_m a_m exp(i k_m . r)``.

    Parameters
    ----------
    amplitudes : array_like, shape (M, 3), complex
        Complex amplitudes ``a_m`` in V/m (phases included); each must be
        transverse, ``k_m . a_m = 0``.
    wavevectors : array_like, shape (M, 3), real
        Wave vectors ``k_m`` in 1/m, all of the same length ``k`` (``k = 0``
        gives a uniform, quasi-static field).

    Attributes
    ----------
    k : float
        The common wave number ``|k_m|`` in 1/m.
    """

    amplitudes: np.ndarray
    wavevectors: np.ndarray

    def __post_init__(self):
        a = np.atleast_2d(np.asarray(self.amplitudes, dtype=complex))
        kv = np.atleast_2d(np.asarray(self.wavevectors, dtype=float))
        if a.ndim != 2 or a.shape[1] != 3 or kv.shape != a.shape:
            raise ValueError(
                f"amplitudes and wavevectors must both have shape (M, 3); got {a.shape} and {kv.shape}"
            )
        if not (np.all(np.isfinite(a)) and np.all(np.isfinite(kv))):
            raise ValueError("amplitudes and wavevectors must be finite")
        ks = np.linalg.norm(kv, axis=1)
        if np.ptp(ks) > 1e-12 * max(ks.max(), 1e-300):
            raise ValueError(f"wavevectors must all have the same length (one frequency); got |k| = {ks}")
        lon = np.abs(np.einsum("ma,ma->m", kv, a))
        if np.any(lon > 1e-10 * ks * np.linalg.norm(a, axis=1)):
            raise ValueError("amplitudes must be transverse to their wavevectors (k_m . a_m = 0)")
        object.__setattr__(self, "amplitudes", a)
        object.__setattr__(self, "wavevectors", kv)

    @property
    def k(self):
        return float(np.linalg.norm(self.wavevectors[0]))

    def _phases(self, r):
        r = _check_points(r, "r")
        return np.exp(1j * np.einsum("...a,ma->...m", r, self.wavevectors))

    def field(self, r):
        """``E_L(r)``, shape ``(..., 3)``, V/m."""
        return np.einsum("...m,mb->...b", self._phases(r), self.amplitudes)

    def gradient(self, r):
        """``[..., a, b] = dE_b/dr_a = sum_m i k_{m,a} a_{m,b} exp(i k_m . r)``, V/m^2."""
        return 1j * np.einsum("...m,ma,mb->...ab", self._phases(r), self.wavevectors, self.amplitudes)


def plane_wave(amplitude, wavevector):
    """A single plane wave ``amplitude * exp(i wavevector . r)``.

    Parameters
    ----------
    amplitude : array_like, shape (3,)
        Complex amplitude in V/m, transverse to ``wavevector``.
    wavevector : array_like, shape (3,)
        Wave vector in 1/m.

    Returns
    -------
    PlaneWaves
    """
    return PlaneWaves([amplitude], [wavevector])


def standing_wave(amplitude, k, axis=(0.0, 0.0, 1.0), polarization=(0.0, 1.0, 0.0), phase=0.0):
    """Standing wave ``amplitude * cos(k axis . r + phase) * polarization``.

    Two counter-propagating plane waves of amplitude ``amplitude/2``; the
    field is real up to a global phase, with antinodes where
    ``k axis . r + phase = 0 mod pi``.

    Parameters
    ----------
    amplitude : float or complex
        Peak field at an antinode, V/m.
    k : float
        Wave number in 1/m.
    axis, polarization : array_like, shape (3,)
        Propagation axis and polarisation (normalised here; must be orthogonal).
    phase : float
        Phase offset in rad.

    Returns
    -------
    PlaneWaves
    """
    k = _check_k(k)
    n = np.asarray(axis, dtype=float)
    e = np.asarray(polarization, dtype=float)
    n = n / np.linalg.norm(n)
    e = e / np.linalg.norm(e)
    if abs(n @ e) > 1e-12:
        raise ValueError("polarization must be orthogonal to axis")
    a = 0.5 * amplitude * e
    return PlaneWaves([a * np.exp(1j * phase), a * np.exp(-1j * phase)], [k * n, -k * n])


@dataclass(frozen=True)
class LocalPlaneWaves:
    """Minimal model of several tweezers near their foci.

    Every point ``r`` belongs to the tweezer whose focus ``d_j`` is nearest
    in the transverse ``(x, y)`` plane; there the field is the plane wave
    ``E_j exp[i k (z - z_j)]`` along ``+e_z``.  Near each focus this is the
    tweezer field of Eq. (77) without its transverse envelope and Gouy phase
    (both change the field only at second order in the displacement from the
    focus, except that the Gouy phase lowers the axial phase gradient from
    ``k`` to ``k - 1/z_R``; see :mod:`optbind.fields`).  It is not a global
    solution of Maxwell's equations and is discontinuous half-way between
    foci: use it only for particles near their own focus.

    Parameters
    ----------
    foci : array_like, shape (N, 3)
        Focus positions in m (distinct transverse positions).
    amplitudes : array_like, shape (N, 3), complex
        ``E_j = |E_j| exp(i phi_j) e_j`` in V/m, transverse (``e_j . e_z = 0``).
    k : float
        Wave number in 1/m.
    """

    foci: np.ndarray
    amplitudes: np.ndarray
    k: float

    def __post_init__(self):
        f = check_positions(self.foci)
        a = np.asarray(self.amplitudes, dtype=complex)
        if a.shape != f.shape:
            raise ValueError(f"amplitudes must have the shape of foci {f.shape}; got {a.shape}")
        if not np.all(np.isfinite(a)):
            raise ValueError("amplitudes must be finite (V/m)")
        if np.any(np.abs(a[:, 2]) > 1e-12 * np.linalg.norm(a, axis=1)):
            raise ValueError("amplitudes must be transverse to the optical axis e_z (zero z component)")
        object.__setattr__(self, "foci", f)
        object.__setattr__(self, "amplitudes", a)
        object.__setattr__(self, "k", _check_k(self.k))

    def _cell(self, r):
        r = _check_points(r, "r")
        d2 = np.sum((r[..., None, :2] - self.foci[:, :2]) ** 2, axis=-1)
        j = np.argmin(d2, axis=-1)
        ph = np.exp(1j * self.k * (r[..., 2] - self.foci[j, 2]))
        return j, ph

    def field(self, r):
        """``E_L(r) = E_j exp[i k (z - z_j)]`` for the nearest focus ``j``, V/m."""
        j, ph = self._cell(r)
        return ph[..., None] * self.amplitudes[j]

    def gradient(self, r):
        """``[..., a, b] = dE_b/dr_a = i k delta_{a z} E_b``, V/m^2."""
        e = self.field(r)
        out = np.zeros(e.shape[:-1] + (3, 3), dtype=complex)
        out[..., 2, :] = 1j * self.k * e
        return out


def tweezer_pair(d, phi, k, amplitude, polarization=(0.0, 1.0, 0.0)):
    """Two tweezers along ``+e_z`` with foci at ``(-d/2, 0, 0)`` and ``(d/2, 0, 0)``.

    Parameters
    ----------
    d : float
        Focus separation in m (> 0).
    phi : float
        Relative phase ``phi = phi_1 - phi_2`` in rad: ``E_1 = E_2 exp(i phi)``
        (:mod:`optbind.conventions`).
    k : float
        Wave number in 1/m.
    amplitude : float
        ``|E_j|`` in V/m, the same for both tweezers.
    polarization : array_like, shape (3,)
        Common real polarisation, orthogonal to ``e_z``.

    Returns
    -------
    field : LocalPlaneWaves
    positions : ndarray, shape (2, 3)
        The two foci, where the particles sit.
    """
    d = float(d)
    if not np.isfinite(d) or d <= 0:
        raise ValueError(f"d must be finite and > 0 (m); got {d!r}")
    if not np.isfinite(phi):
        raise ValueError(f"phi must be finite (rad); got {phi!r}")
    e = np.asarray(polarization, dtype=float)
    e = e / np.linalg.norm(e)
    pos = np.array([[-0.5 * d, 0.0, 0.0], [0.5 * d, 0.0, 0.0]])
    amps = amplitude * np.array([np.exp(1j * phi) * e, e])
    return LocalPlaneWaves(pos, amps, k), pos


def sphere_polarizability(diameter, permittivity):
    """Static polarisability of a dielectric sphere (Clausius-Mossotti).

    ``alpha = 4 pi eps0 a^3 (eps - 1)/(eps + 2)`` with ``a = diameter/2``;
    equivalently ``eps0 V chi`` with ``chi = 3 (eps - 1)/(eps + 2)``.

    Parameters
    ----------
    diameter : float
        Sphere diameter in m (> 0).
    permittivity : float
        Relative permittivity (real, > 1).

    Returns
    -------
    float
        ``alpha`` in F m^2.
    """
    dia = float(diameter)
    eps = float(permittivity)
    if not np.isfinite(dia) or dia <= 0:
        raise ValueError(f"diameter must be finite and > 0 (m); got {diameter!r}")
    if not np.isfinite(eps) or eps <= 1:
        raise ValueError(f"permittivity must be finite and > 1; got {permittivity!r}")
    return 4.0 * np.pi * EPSILON_0 * (0.5 * dia) ** 3 * (eps - 1.0) / (eps + 2.0)


# --------------------------------------------------------------- Eqs. 1 and 5
def scattered_field(r, source, alpha, k, field, field_gradient=None):
    """Field scattered by a particle at ``source``, Eq. (1).

    ``E_j(r) = (alpha/eps0) G(r - r_j) E_L(r_j)``.

    Parameters
    ----------
    r : array_like, shape (..., 3)
        Observation points in m (different from ``source``).
    source : array_like, shape (3,)
        Particle position ``r_j`` in m.
    alpha : float
        Polarisability in F m^2.
    k : float
        Wave number ``k_L`` in 1/m.
    field, field_gradient
        The laser field (see the module docstring).

    Returns
    -------
    ndarray, shape (..., 3), complex
        Scattered field in V/m.
    """
    alpha = check_polarizability(alpha)
    k = _check_k(k)
    f = _Field(field, field_gradient)
    src = _check_points(source, "source").reshape(3)
    r = _check_points(r, "r")
    e_src = f.field(src)
    return (alpha / EPSILON_0) * dyadic_green(r - src, k) @ e_src


def induced_dipoles(positions, alpha, k, field, field_gradient=None):
    """Induced dipole moments to second order in ``alpha``, Eq. (5).

    ``p_j = alpha E_L(r_j) + (alpha^2/eps0) sum_{j' != j} G(r_j - r_j') E_L(r_j')``
    (single scattering; multiple scattering is of order ``alpha^3``).

    Parameters
    ----------
    positions : array_like, shape (N, 3)
        Particle positions in m.
    alpha : float
        Polarisability in F m^2.
    k : float
        Wave number in 1/m.
    field, field_gradient
        The laser field.

    Returns
    -------
    ndarray, shape (N, 3), complex
        Complex dipole amplitudes in C m.
    """
    r = check_positions(positions)
    alpha = check_polarizability(alpha)
    k = _check_k(k)
    f = _Field(field, field_gradient)
    e = f.field(r)
    p = alpha * e
    j, jp = _pairs(len(r))
    if len(j):
        contrib = (alpha**2 / EPSILON_0) * np.einsum("pbc,pc->pb", dyadic_green(r[j] - r[jp], k), e[jp])
        np.add.at(p, j, contrib)
    return p


def _pairs(n):
    j, jp = np.nonzero(~np.eye(n, dtype=bool))
    return j, jp


# --------------------------------------------------------------- Eq. 7
def gradient_forces(positions, alpha, field, field_gradient=None, printed=False):
    """Single-particle gradient force, first term of Eq. (7).

    Corrected form: ``F_j = (alpha/4) grad |E_L|^2 = (alpha/2) Re[(dE_L)^* . E_L]``
    at ``r_j``.  The paper prints ``(alpha/4) grad |E_L|`` (no square), which
    is dimensionally inconsistent (units N m/V instead of N) and scales
    linearly with the field instead of quadratically.

    Parameters
    ----------
    positions : array_like, shape (N, 3)
        Positions in m.
    alpha : float
        Polarisability in F m^2.
    field, field_gradient
        The laser field.
    printed : bool
        If True return the printed (wrong) expression ``(alpha/4) grad|E_L|``,
        evaluated analytically, for comparison only.

    Returns
    -------
    ndarray, shape (N, 3), float
        Forces in N (``printed=True``: in N m/V).
    """
    r = check_positions(positions)
    alpha = check_polarizability(alpha)
    f = _Field(field, field_gradient)
    e = f.field(r)
    de = f.gradient(r)
    re_grad = np.real(np.einsum("jab,jb->ja", de.conj(), e))  # (1/2) grad |E|^2
    if printed:
        norm = np.linalg.norm(e, axis=-1)
        return 0.25 * alpha * re_grad / norm[:, None]
    return 0.5 * alpha * re_grad


def pair_interaction(r_j, r_jp, alpha, k, field, field_gradient=None):
    """Pair "interaction" ``W_jj'`` whose partial ``r_j``-gradient is the binding force.

    ``W_jj'(r_j, r_j') = (alpha^2/(2 eps0)) Re[E_L^*(r_j) . G(r_j - r_j') E_L(r_j')]``
    (second term of Eq. 7).  It is not a potential energy: in general
    ``W_jj' != W_j'j`` and ``grad_{r_j'} W_jj' != -grad_{r_j} W_jj'``.

    Parameters
    ----------
    r_j, r_jp : array_like, shape (..., 3)
        Positions of the particle feeling the force (``r_j``) and of the
        scatterer (``r_j'``), in m; broadcast against each other.
    alpha : float
        Polarisability in F m^2.
    k : float
        Wave number in 1/m.
    field, field_gradient
        The laser field.

    Returns
    -------
    ndarray, shape (...), float
        ``W_jj'`` in J.
    """
    alpha = check_polarizability(alpha)
    k = _check_k(k)
    f = _Field(field, field_gradient)
    r_j = _check_points(r_j, "r_j")
    r_jp = _check_points(r_jp, "r_jp")
    r_j, r_jp = np.broadcast_arrays(r_j, r_jp)
    _check_distinct(r_j, r_jp)
    e_j = f.field(r_j)
    e_jp = f.field(r_jp)
    g = dyadic_green(r_j - r_jp, k)
    return (alpha**2 / (2.0 * EPSILON_0)) * np.real(np.einsum("...b,...bc,...c->...", e_j.conj(), g, e_jp))


def pair_binding_force(r_j, r_jp, alpha, k, field, field_gradient=None):
    """Binding force on particle ``j`` due to light scattered by ``j'`` (Eq. 7).

    ``F_jj' = d W_jj'/d r_j`` at fixed ``r_j'``, evaluated analytically:

    ``F_jj',a = (alpha^2/(2 eps0)) Re[ (d_a E_L,b(r_j))^* G_bc E_L,c(r_j')
    + E_L,b^*(r_j) (d_a G_bc)(r_j - r_j') E_L,c(r_j') ]``.

    Parameters
    ----------
    r_j, r_jp : array_like, shape (..., 3)
        Positions in m (broadcast).
    alpha : float
        Polarisability in F m^2.
    k : float
        Wave number in 1/m.
    field, field_gradient
        The laser field.

    Returns
    -------
    ndarray, shape (..., 3), float
        Force in N.
    """
    alpha = check_polarizability(alpha)
    k = _check_k(k)
    f = _Field(field, field_gradient)
    r_j = _check_points(r_j, "r_j")
    r_jp = _check_points(r_jp, "r_jp")
    r_j, r_jp = np.broadcast_arrays(r_j, r_jp)
    _check_distinct(r_j, r_jp)
    e_j = f.field(r_j)
    de_j = f.gradient(r_j)
    e_jp = f.field(r_jp)
    g = dyadic_green(r_j - r_jp, k)
    dg = dyadic_green_gradient(r_j - r_jp, k)
    ge = np.einsum("...bc,...c->...b", g, e_jp)
    term1 = np.einsum("...ab,...b->...a", de_j.conj(), ge)
    term2 = np.einsum("...b,...abc,...c->...a", e_j.conj(), dg, e_jp)
    return (alpha**2 / (2.0 * EPSILON_0)) * np.real(term1 + term2)


def binding_forces(positions, alpha, k, field, field_gradient=None):
    """Optical-binding forces on all particles, second term of Eq. (7).

    ``F_j = sum_{j' != j} d W_jj'/d r_j`` (see :func:`pair_binding_force`).

    Parameters
    ----------
    positions : array_like, shape (N, 3)
        Positions in m (distinct).
    alpha : float
        Polarisability in F m^2.
    k : float
        Wave number in 1/m.
    field, field_gradient
        The laser field.

    Returns
    -------
    ndarray, shape (N, 3), float
        Forces in N.
    """
    r = check_positions(positions)
    out = np.zeros_like(r)
    j, jp = _pairs(len(r))
    if len(j):
        np.add.at(out, j, pair_binding_force(r[j], r[jp], alpha, k, field, field_gradient))
    return out


def optical_forces(positions, alpha, k, field, field_gradient=None):
    """Total cycle-averaged force of Eq. (7) (corrected): gradient + binding, in N.

    Radiation pressure on each particle (order ``alpha^2 k^3``, the
    imaginary part of the radiation-corrected polarisability) is not part of
    Eq. (7) and is not included.

    Returns
    -------
    ndarray, shape (N, 3), float
    """
    return gradient_forces(positions, alpha, field, field_gradient) + binding_forces(
        positions, alpha, k, field, field_gradient
    )


def dipole_forces_eq6(positions, alpha, k, field, field_gradient=None):
    """Forces from Eq. (6) evaluated directly, without expanding in ``alpha``.

    ``F_j = (1/2) Re[p_j^* . d_a E_loc(r)]`` at ``r = r_j``, where ``p_j`` is
    Eq. (5) and ``E_loc = E_L + sum_{j' != j} E_j'`` (Eq. 1); the gradient acts
    on the local field only.  The result equals :func:`optical_forces` plus a
    term of order ``alpha^3``,
    ``(1/2) Re[(alpha^2/eps0 sum G E_L)^* . (alpha/eps0) sum dG E_L]``.

    Returns
    -------
    ndarray, shape (N, 3), float
        Forces in N.
    """
    r = check_positions(positions)
    alpha = check_polarizability(alpha)
    k = _check_k(k)
    f = _Field(field, field_gradient)
    p = induced_dipoles(r, alpha, k, field, field_gradient)
    e = f.field(r)
    dloc = f.gradient(r)
    j, jp = _pairs(len(r))
    if len(j):
        contrib = (alpha / EPSILON_0) * np.einsum(
            "pabc,pc->pab", dyadic_green_gradient(r[j] - r[jp], k), e[jp]
        )
        np.add.at(dloc, j, contrib)
    return 0.5 * np.real(np.einsum("jb,jab->ja", p.conj(), dloc))


def action_reaction_violation(r_1, r_2, alpha, k, field, field_gradient=None):
    """``F_12 + F_21``: sum of the two binding forces of a pair (Eq. 7).

    Zero if the pair obeys Newton's third law (reciprocal binding force).

    Parameters
    ----------
    r_1, r_2 : array_like, shape (..., 3)
        Positions in m (broadcast).
    alpha, k, field, field_gradient
        As in :func:`pair_binding_force`.

    Returns
    -------
    ndarray, shape (..., 3), float
        ``dW_12/dr_1 + dW_21/dr_2`` in N.
    """
    return pair_binding_force(r_1, r_2, alpha, k, field, field_gradient) + pair_binding_force(
        r_2, r_1, alpha, k, field, field_gradient
    )


def tweezer_pair_forces(kd, phi, alpha, k, amplitude, polarization=(0.0, 1.0, 0.0)):
    """Binding forces ``F_12`` and ``F_21`` in the two-tweezer model, on a grid.

    Particle 1 sits at ``(-d/2, 0, 0)`` in tweezer 1 with amplitude
    ``E exp(i phi) e``, particle 2 at ``(d/2, 0, 0)`` in tweezer 2 with
    amplitude ``E e`` (see :func:`tweezer_pair`); every entry of the
    broadcast grid ``(kd, phi)`` is an independent configuration, evaluated
    with :func:`pair_binding_force` (vectorised over ``kd`` for each distinct
    ``phi``).

    Parameters
    ----------
    kd : array_like
        Separations ``k d`` (dimensionless, > 0).
    phi : array_like
        Relative phases ``phi_1 - phi_2`` in rad; broadcast with ``kd``.
    alpha : float
        Polarisability in F m^2.
    k : float
        Wave number in 1/m (> 0).
    amplitude : float
        ``|E|`` in V/m.
    polarization : array_like, shape (3,)
        Common real polarisation orthogonal to ``e_z``.

    Returns
    -------
    ndarray, shape (..., 2, 3), float
        ``[..., 0, :]`` is ``F_12`` (force on 1 due to light scattered by 2),
        ``[..., 1, :]`` is ``F_21``, in N.
    """
    k = _check_k(k)
    if k == 0:
        raise ValueError("k must be > 0 for separations given as k d")
    kd, phi = np.broadcast_arrays(np.asarray(kd, dtype=float), np.asarray(phi, dtype=float))
    if np.any(~np.isfinite(kd)) or np.any(kd <= 0):
        raise ValueError("kd must be finite and > 0")
    if np.any(~np.isfinite(phi)):
        raise ValueError("phi must be finite (rad)")
    flat_kd, flat_phi = kd.ravel(), phi.ravel()
    out = np.empty(flat_kd.shape + (2, 3))
    for u in np.unique(flat_phi):
        idx = np.nonzero(flat_phi == u)[0]
        d = flat_kd[idx] / k
        # foci symmetric about x = 0: every point with x < 0 belongs to tweezer 1,
        # so one field object serves all separations
        field, _ = tweezer_pair(1.0 / k, u, k, amplitude, polarization)
        r1 = np.zeros((idx.size, 3))
        r2 = np.zeros((idx.size, 3))
        r1[:, 0], r2[:, 0] = -0.5 * d, 0.5 * d
        out[idx, 0] = pair_binding_force(r1, r2, alpha, k, field)
        out[idx, 1] = pair_binding_force(r2, r1, alpha, k, field)
    return out.reshape(kd.shape + (2, 3))


# --------------------------------------------------------------- closed forms
def binding_force_scale(d, alpha, k, amplitude):
    """Far-field binding-force scale ``alpha^2 k^3 |E|^2/(4 pi eps0 d)`` in N."""
    d = np.asarray(d, dtype=float)
    return alpha**2 * k**3 * abs(amplitude) ** 2 / (4.0 * np.pi * EPSILON_0 * d)


def tweezer_pair_violation(d, phi, alpha, k, amplitude, far_field=False):
    """Closed form of ``F_12 + F_21`` for :func:`tweezer_pair` (polarisation ``e_y``).

    For two local plane waves ``E_j = E exp(i phi_j) e_y`` along ``e_z`` and a
    separation ``d e_x``, with ``A(d) = e^{ikd}(k^2 d^2 + ikd - 1)/(4 pi d^3)``
    the ``1``-coefficient of ``G`` and ``A'`` its radial derivative,

    ``(F_12 + F_21)_x = -(alpha^2 E^2/eps0) sin(phi) Im A'(d)``,
    ``(F_12 + F_21)_z =  (alpha^2 k E^2/eps0) cos(phi) Im A(d)``,

    and the ``y`` component vanishes.  In the far field (``kd >> 1``)

    ``(F_12 + F_21)_x ~ -F_d sin(phi) cos(kd)``,
    ``(F_12 + F_21)_z ~  F_d cos(phi) sin(kd)``, ``F_d = alpha^2 k^3 E^2/(4 pi eps0 d)``.

    Parameters
    ----------
    d : array_like
        Separation in m (> 0).
    phi : array_like
        Relative phase ``phi_1 - phi_2`` in rad (broadcast with ``d``).
    alpha : float
        Polarisability in F m^2.
    k : float
        Wave number in 1/m.
    amplitude : float
        ``|E|`` in V/m.
    far_field : bool
        Return the far-field approximation instead of the exact expression.

    Returns
    -------
    ndarray, shape (..., 3), float
        ``F_12 + F_21`` in N.
    """
    d, phi = np.broadcast_arrays(np.asarray(d, dtype=float), np.asarray(phi, dtype=float))
    if np.any(~np.isfinite(d)) or np.any(d <= 0):
        raise ValueError("d must be finite and > 0 (m)")
    alpha = check_polarizability(alpha)
    k = _check_k(k)
    e2 = abs(amplitude) ** 2
    out = np.zeros(d.shape + (3,))
    if far_field:
        fd = binding_force_scale(d, alpha, k, amplitude)
        out[..., 0] = -fd * np.sin(phi) * np.cos(k * d)
        out[..., 2] = fd * np.cos(phi) * np.sin(k * d)
        return out
    kd = k * d
    ph = np.exp(1j * kd) / (4.0 * np.pi)
    a = ph * (kd**2 + 1j * kd - 1.0) / d**3
    da = ph * (1j * kd**3 - 2.0 * kd**2 - 3j * kd + 3.0) / d**4
    out[..., 0] = -(alpha**2 * e2 / EPSILON_0) * np.sin(phi) * da.imag
    out[..., 2] = (alpha**2 * k * e2 / EPSILON_0) * np.cos(phi) * a.imag
    return out


# --------------------------------------------------------------- momentum of scattered light
def radiated_momentum_rate(positions, dipoles, k, n_theta=None):
    """Momentum per unit time carried to infinity by the light the dipoles radiate.

    ``dP/dt = (k^4/(32 pi^2 eps0)) \\int d^2n  n |sum_j (1 - n n) p_j e^{-ik n . r_j}|^2``
    (cycle-averaged far-field momentum flux ``eps0 |E|^2 / 2`` through a
    large sphere).  The recoil on the emitters is ``-dP/dt``.  Only the
    interference terms ``j != j'`` contribute: a single dipole radiates
    symmetrically.

    Parameters
    ----------
    positions : array_like, shape (N, 3)
        Dipole positions in m.
    dipoles : array_like, shape (N, 3), complex
        Complex dipole amplitudes in C m.
    k : float
        Wave number in 1/m.
    n_theta : int, optional
        Gauss-Legendre order of the sphere quadrature; default
        ``k * extent + 24`` which resolves the interference fringes.

    Returns
    -------
    ndarray, shape (3,), float
        ``dP/dt`` in N.
    """
    r = check_positions(positions)
    p = np.asarray(dipoles, dtype=complex)
    if p.shape != r.shape:
        raise ValueError(f"dipoles must have the shape of positions {r.shape}; got {p.shape}")
    k = _check_k(k)
    if n_theta is None:
        extent = np.max(np.linalg.norm(r - r.mean(axis=0), axis=1)) if len(r) > 1 else 0.0
        n_theta = int(2 * k * extent) + 24
    n, w = sphere_quadrature(n_theta)
    amp = np.einsum("mj,jb->mb", np.exp(-1j * k * n @ r.T), p)
    amp_perp = amp - n * np.einsum("mb,mb->m", n, amp)[:, None]
    inten = np.sum(np.abs(amp_perp) ** 2, axis=1)
    return k**4 / (32.0 * np.pi**2 * EPSILON_0) * (w * inten) @ n
