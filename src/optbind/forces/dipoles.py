"""Induced point dipoles in a laser field: potentials, forces and torques (no linearisation).

Particles are given by centre-of-mass positions ``r_j`` in m, shape
``(N, 3)`` or ``(..., N, 3)`` (leading axes are a batch of configurations,
e.g. trajectories, sharing the other arguments), volumes ``V_j`` in m^3 and
real symmetric susceptibility tensors ``chi_j`` (scalar, (N,), (3, 3) or
(N, 3, 3); see :func:`optbind.validation.particle_set`).  The polarisability
is ``alpha_j = eps0 V_j chi_j``, so Sec. II's scalar ``alpha`` is the special
case ``chi_j = alpha/(eps0 V_j)``.  The laser is a field object
(:mod:`optbind.fields`); its wave number ``field.k`` is the one used
everywhere (there is no separate ``k`` argument to disagree with it).
The coupling tensor between particles is chosen by name
(:data:`optbind.green.GREEN_TENSORS`: ``"full"``, ``"real"``, ``"static"``,
``"far"``, ``"focal"``).

Implemented (equation numbers of the paper):

* dipole moments to second order in ``chi``, Eq. (5) (:func:`induced_dipoles`)
  and the fields they radiate, Eq. (1) (:func:`scattered_field`);
* the optical potential ``V_L`` of Eq. (73) and its force, the first term of
  Eq. (7) (:func:`optical_potential`, :func:`gradient_forces`);
* the conservative binding potential ``V_opt`` of Eq. (75) (``green="real"``)
  and the pair part of ``V_ext``, Eq. (40) (``green="static"``)
  (:func:`binding_potential`, :func:`external_potential`);
* the binding force, second term of Eq. (7) and of Eq. (C10b)
  (:func:`binding_forces`): ``F_j = d/dr_j sum_j' W_jj'`` with
  ``W_jj' = (eps0 V_j V_j'/2) Re[E_L^*(r_j) . chi_j G(r_j - r_j') chi_j' E_L(r_j')]``
  (:func:`binding_pair_energy`), the derivative acting on ``r_j`` only;
* the single-particle radiation pressure of Eq. (C10b)
  (:func:`radiation_pressure_forces`) and the sum of all three
  (:func:`total_forces`);
* the force and torque on each dipole in the total field computed directly,
  Eqs. (6), (17a), (17b) for point dipoles (:func:`dipole_forces`,
  :func:`dipole_torques`).

All derivatives are analytic (field gradients and Green-tensor gradients).
"""
from __future__ import annotations

import numpy as np

from .. import validation as _v
from ..conventions import EPSILON_0
from ..electrodynamics.green import GREEN_TENSORS, green_tensor, radial_functions

__all__ = [
    "induced_dipoles",
    "scattered_field",
    "optical_potential",
    "gradient_forces",
    "radiation_pressure_forces",
    "binding_potential",
    "external_potential",
    "binding_pair_energy",
    "binding_forces",
    "total_forces",
    "dipole_forces",
    "dipole_torques",
]


def _setup(positions, volumes, chi, field, chi_name="chi"):
    pos, vol, chi = _v.particle_set(positions, volumes, chi, chi_name=chi_name)
    _v.field_object(field)
    return pos, vol, chi


def _pairs(n):
    """Ordered pairs ``(j, j')``, ``j != j'``, and the one-hot map pair -> ``j``."""
    j, jp = np.nonzero(~np.eye(n, dtype=bool))
    onehot = np.zeros((j.size, n))
    onehot[np.arange(j.size), j] = 1.0
    return j, jp, onehot


def _from_other_particles(tensor, pos, k, sources):
    """``sum_{j' != j} T(r_j - r_j') s_j'`` for every particle ``j``.

    ``tensor(r, k)`` returns ``(..., 3, 3)`` (a Green tensor) or
    ``(..., 3, 3, 3)`` (its gradient, ``[..., a, b, c]``); the contraction is
    over its last index with ``sources`` of shape ``(..., N, 3)``.  Returns
    ``(..., N, 3)`` or ``(..., N, 3, 3)``; zeros for a single particle.
    """
    n = pos.shape[-2]
    j, jp, onehot = _pairs(n)
    t = tensor(pos[..., j, :] - pos[..., jp, :], k) if n > 1 else None
    if t is None:
        return None
    src = sources[..., jp, :]
    src = src.reshape(src.shape[:-1] + (1,) * (t.ndim - src.ndim - 1) + (3, 1))
    per_pair = (t @ src)[..., 0]
    axis = pos.ndim - 2
    return np.moveaxis(np.moveaxis(per_pair, axis, -1) @ onehot, -1, axis)


def _first_order(pos, vol, chi, field):
    """Laser field at the particles and ``V_j chi_j E_L(r_j)`` (m^3 V/m)."""
    e = field.field(pos)
    return e, vol[:, None] * np.einsum("jbc,...jc->...jb", chi, e)


def induced_dipoles(positions, volumes, chi, field, *, green="full"):
    """Induced dipole moments to second order in ``chi``, Eq. (5), in C m.

    ``p_j = eps0 V_j chi_j [E_L(r_j) + sum_{j' != j} G(r_j - r_j') V_j' chi_j' E_L(r_j')]``
    (single scattering; multiple scattering is of third order).

    Parameters
    ----------
    positions, volumes, chi
        The particles (m, m^3, dimensionless); see the module docstring.
    field : field object
        The laser field.
    green : str
        Coupling tensor (:data:`optbind.green.GREEN_TENSORS`).

    Returns
    -------
    ndarray, shape (..., N, 3), complex
        Complex dipole amplitudes.
    """
    pos, vol, chi = _setup(positions, volumes, chi, field)
    g_fun, _ = green_tensor(green)
    _, a = _first_order(pos, vol, chi, field)
    p1 = EPSILON_0 * a
    e_sc = _from_other_particles(g_fun, pos, field.k, a)
    if e_sc is None:
        return p1
    return p1 + EPSILON_0 * vol[:, None] * np.einsum("jbc,...jc->...jb", chi, e_sc)


def scattered_field(r, positions, volumes, chi, field, *, green="full"):
    """Field radiated by the first-order dipoles of all particles, Eq. (1), in V/m.

    ``E_sc(r) = sum_j G(r - r_j) V_j chi_j E_L(r_j)``.

    Parameters
    ----------
    r : array_like, shape (..., 3)
        Observation points in m (distinct from the particle positions).
    positions, volumes, chi
        The particles; ``positions`` of shape (N, 3).
    field : field object
        The laser field.
    green : str
        Propagator (:data:`optbind.green.GREEN_TENSORS`).

    Returns
    -------
    ndarray, shape (..., 3), complex
    """
    pos, vol, chi = _setup(positions, volumes, chi, field)
    if pos.ndim != 2:
        raise ValueError(f"positions must have shape (N, 3); got {pos.shape}")
    r = _v.vectors(r, "r", "m")
    g_fun, _ = green_tensor(green)
    _, a = _first_order(pos, vol, chi, field)
    g = g_fun(r[..., None, :] - pos, field.k)
    return np.einsum("...jbc,jc->...b", g, a)


def optical_potential(positions, volumes, chi_tilde, field):
    """Optical potential ``V_L = -(eps0/4) sum_j V_j E_L^* . chi~_j E_L``, Eq. (73), in J.

    Parameters
    ----------
    positions, volumes : array_like
        See the module docstring (m, m^3).
    chi_tilde : float or array_like
        Renormalised susceptibility (Eq. 74).
    field : field object
        The laser field.

    Returns
    -------
    float or ndarray of the batch shape
        Energy in J.
    """
    pos, vol, chi = _setup(positions, volumes, chi_tilde, field, "chi_tilde")
    e = field.field(pos)
    val = -0.25 * EPSILON_0 * np.real(np.einsum("j,...jb,jbc,...jc->...", vol, e.conj(), chi, e))
    return float(val) if np.ndim(val) == 0 else val


def gradient_forces(positions, volumes, chi_tilde, field):
    """Gradient force ``-dV_L/dr_j`` of Eq. (73), (..., N, 3) in newtons.

    Equals ``(eps0 V_j/2) Re[(d_a E_L)^* . chi~_j E_L]``; for a scalar
    polarisability ``alpha`` this is ``(alpha/4) d|E_L|^2``, the first term of
    Eq. (7) with the printed ``|E_L|`` read as ``|E_L|^2`` (erratum
    ``eq7-intensity``).
    """
    pos, vol, chi = _setup(positions, volumes, chi_tilde, field, "chi_tilde")
    return _gradient_kernel(vol, chi, field.field(pos), field.gradient(pos))


def _gradient_kernel(vol, chi, e, de):
    """``(eps0 V_j/2) Re[(d_a E)^* . chi_j E]`` from the field and its gradient."""
    return 0.5 * EPSILON_0 * vol[:, None] * np.real(
        np.einsum("...jab,jbc,...jc->...ja", de.conj(), chi, e))


def radiation_pressure_forces(positions, volumes, chi, field):
    """Single-particle radiation pressure of Eq. (C10b), (..., N, 3) in newtons.

    ``F_j = eps0 k^3 V_j^2/(12 pi) Im[E_L^*(r_j) . chi_j chi_j d E_L(r_j)]``.

    Parameters
    ----------
    positions, volumes, chi, field
        See the module docstring.

    Returns
    -------
    ndarray, shape (..., N, 3)
        Forces in newtons (along the local phase gradient).
    """
    pos, vol, chi = _setup(positions, volumes, chi, field)
    return _pressure_kernel(vol, chi, field.k, field.field(pos), field.gradient(pos))


def _pressure_kernel(vol, chi, k, e, de):
    """``eps0 k^3 V_j^2/(12 pi) Im[E^* . chi_j chi_j d_a E]`` (Eq. C10b)."""
    chi2 = np.einsum("jbc,jcd->jbd", chi, chi)
    return (EPSILON_0 * k**3 * vol**2 / (12.0 * np.pi))[:, None] * np.imag(
        np.einsum("...jb,jbd,...jad->...ja", e.conj(), chi2, de))


def binding_potential(positions, volumes, chi, field, *, green="real"):
    """Conservative optical-binding potential, Eq. (75) (``green="real"``), in J.

    ``-(eps0/4) sum_{j != j'} V_j V_j' E_L^*(r_j') . chi_j' Re[G(r_j - r_j')]
    chi_j E_L(r_j)``.  With ``green="static"`` it is the pair term of the
    cycle-averaged ``V_ext`` of Eq. (40); ``green`` must name a real tensor
    (``"real"`` or ``"static"``) for the result to be a potential energy.

    Returns
    -------
    float or ndarray of the batch shape
        Energy in J.
    """
    pos, vol, chi = _setup(positions, volumes, chi, field)
    _v.choice(green, "green", ("real", "static"))
    n = pos.shape[-2]
    if n < 2:
        return 0.0 if pos.ndim == 2 else np.zeros(pos.shape[:-2])
    g_fun, _ = green_tensor(green)
    j, jp, _ = _pairs(n)
    _, a = _first_order(pos, vol, chi, field)
    g = g_fun(pos[..., j, :] - pos[..., jp, :], field.k)
    val = -0.25 * EPSILON_0 * np.real(
        np.einsum("...pb,...pbc,...pc->...", a[..., jp, :].conj(), g, a[..., j, :]))
    return float(val) if np.ndim(val) == 0 else val


def external_potential(positions, volumes, chi, field, *, green="static"):
    """Cycle-averaged point-dipole potential ``V_ext`` of Eq. (40), in J.

    ``V_L`` of Eq. (73) with the bare ``chi`` plus :func:`binding_potential`
    with ``G0`` (``green="static"``, Eq. 40) or ``Re G`` (``green="real"``:
    Eq. 40 plus the Lamb shift of Eq. 67 without its ``delta chi`` term).
    """
    return (optical_potential(positions, volumes, chi, field)
            + binding_potential(positions, volumes, chi, field, green=green))


def binding_pair_energy(positions, volumes, chi, field, j, jp, *, green="full"):
    """``W_jj'`` whose ``r_j``-gradient (``r_j'`` frozen) is the binding force, in J.

    ``W_jj' = (eps0 V_j V_j'/2) Re[E_L^*(r_j) . chi_j G(r_j - r_j') chi_j' E_L(r_j')]``
    (Eqs. 7 and C10b).  It is *not* a potential energy of the pair: the force
    on ``j'`` is the gradient of the different function ``W_j'j``
    (non-reciprocity).

    Parameters
    ----------
    positions, volumes, chi, field
        See the module docstring.
    j, jp : int
        Receiving particle ``j`` and source particle ``jp`` (distinct, 0-based).
    green : str
        Coupling tensor (default the full complex tensor of Eq. 4).

    Returns
    -------
    float or ndarray of the batch shape
    """
    pos, vol, chi = _setup(positions, volumes, chi, field)
    n = pos.shape[-2]
    j = _v.integer(j, "j", minimum=0, maximum=n - 1)
    jp = _v.integer(jp, "jp", minimum=0, maximum=n - 1)
    if j == jp:
        raise ValueError("j and jp must be different particles")
    g_fun, _ = green_tensor(green)
    _, a = _first_order(pos, vol, chi, field)
    e = field.field(pos)
    g = g_fun(pos[..., j, :] - pos[..., jp, :], field.k)
    val = 0.5 * EPSILON_0 * vol[j] * np.real(
        np.einsum("...b,bc,...cd,...d->...", e[..., j, :].conj(), chi[j], g, a[..., jp, :]))
    return float(val) if np.ndim(val) == 0 else val


def binding_forces(positions, volumes, chi, field, *, green="full"):
    """Optical-binding force on each particle, Eq. (C10b) / second term of Eq. (7), in N.

    ``F_j,a = (eps0 V_j/2) sum_{j' != j} Re[(d_a E_L(r_j))^* . chi_j G a_j'
    + E_L^*(r_j) . chi_j (d_a G)(r_j - r_j') a_j']`` with
    ``a_j' = V_j' chi_j' E_L(r_j')``.  For two particles ``F_1 + F_2`` is the
    violation of Newton's third law.

    Returns
    -------
    ndarray, shape (..., N, 3)

    Examples
    --------
    Two spheres in the unidirectional configuration (Eqs. 91-93): the forces
    do not cancel (Newton's third law fails):

    >>> import numpy as np
    >>> from optbind.linear.pair import two_particle_array
    >>> a = two_particle_array()
    >>> F = binding_forces(a.foci, a.volumes, a.chi, a.field)
    >>> bool(abs(F.sum(axis=0)).max() > 1e-3 * abs(F).max())
    True
    """
    pos, vol, chi = _setup(positions, volumes, chi, field)
    e, de = field.field(pos), field.gradient(pos)
    return _binding_kernel(pos, vol, chi, field.k, e, de, green)


#: Kinds of :data:`optbind.green.GREEN_TENSORS` of the radial form
#: ``G = A(r) 1 + B(r) rh rh`` whose gradient is contracted analytically below.
_RADIAL = ("full", "real", "static")


def _radial_parts(kind, dist, k):
    """``A, B, A', B'`` of :func:`optbind.green.radial_functions` for a radial kind."""
    parts = radial_functions(dist, 0.0 if kind == "static" else k)
    return parts if kind == "full" else tuple(np.real(x) for x in parts)


def _binding_kernel(pos, vol, chi, k, e, de, green):
    """Binding forces (Eq. C10b) from the laser field and its gradient at the particles.

    ``F_j,a = (eps0 V_j/2) sum_j' Re[(d_a E_j)^* . chi_j G s + u . (d_a G) s]`` with
    ``s = V_j' chi_j' E_j'`` and ``u = chi_j E_j^*``.  For the radial kinds the
    contraction ``u_c d_a G_cd s_d = A' rh_a (u.s) + B' rh_a (u.rh)(rh.s)
    + (B/r)[u_a (rh.s) + s_a (u.rh) - 2 rh_a (u.rh)(rh.s)]`` (gradient formula
    of :mod:`optbind.green`) avoids building the (..., 3, 3, 3) tensor.
    """
    n = pos.shape[-2]
    if n < 2:
        return np.zeros(pos.shape)
    j, jp, _ = _pairs(n)
    src = (vol[:, None] * np.einsum("jbc,...jc->...jb", chi, e))[..., jp, :]
    r = pos[..., j, :] - pos[..., jp, :]
    u = np.einsum("jbc,...jb->...jc", chi, e.conj())[..., j, :]
    if green in _RADIAL:
        dist = np.linalg.norm(r, axis=-1)
        if np.any(dist == 0.0):
            raise ValueError("positions: two particles coincide (the Green tensor is "
                             "singular at r = 0)")
        a_r, b_r, da_r, db_r = _radial_parts(green, dist, k)
        rh = r / dist[..., None]
        s_r = np.einsum("...pa,...pa->...p", src, rh)
        u_r = np.einsum("...pa,...pa->...p", u, rh)
        u_s = np.einsum("...pa,...pa->...p", u, src)
        g_src = a_r[..., None] * src + (b_r * s_r)[..., None] * rh
        b_over_r = b_r / dist
        t2 = ((da_r * u_s + (db_r - 2.0 * b_over_r) * u_r * s_r)[..., None] * rh
              + b_over_r[..., None] * (u * s_r[..., None] + src * u_r[..., None]))
    else:
        g_fun, dg_fun = green_tensor(green)
        g_src = np.einsum("...pcd,...pd->...pc", g_fun(r, k), src)
        t2 = np.einsum("...pc,...pacd,...pd->...pa", u, dg_fun(r, k), src)
    # pairs are ordered (j, j') row by row, n - 1 partners per particle: sum over
    # the partners j' (the first term is linear in G s, so sum before contracting)
    def per_particle(x):
        return x.reshape(x.shape[:-2] + (n, n - 1, 3)).sum(axis=-2)

    t1 = np.einsum("...jab,jbc,...jc->...ja", de.conj(), chi, per_particle(g_src))
    return 0.5 * EPSILON_0 * vol[:, None] * np.real(t1 + per_particle(t2))


def total_forces(positions, volumes, chi, field, *, chi_tilde=None, green="full"):
    """Deterministic force of Eq. (C10b): gradient + radiation pressure + binding, in N.

    Parameters
    ----------
    positions, volumes, chi, field
        See the module docstring.
    chi_tilde : optional
        Renormalised susceptibility for the gradient force (default ``chi``).
    green : str
        Coupling tensor of the binding term.

    Returns
    -------
    ndarray, shape (..., N, 3)
    """
    pos, vol, chi = _setup(positions, volumes, chi, field)
    chi_t = chi if chi_tilde is None else _v.particle_set(
        pos, vol, chi_tilde, check_overlap=False, chi_name="chi_tilde")[2]
    _v.choice(green, "green", tuple(GREEN_TENSORS))
    e = field.field(pos)
    de = field.gradient(pos)
    return (_gradient_kernel(vol, chi_t, e, de)
            + _pressure_kernel(vol, chi, field.k, e, de)
            + _binding_kernel(pos, vol, chi, field.k, e, de, green))


def dipole_forces(positions, volumes, chi, field, *, green="full", second_order=True):
    """Cycle-averaged force on each induced dipole in the total field, Eqs. (6), (17a), in N.

    ``F_j,a = (1/2) Re[p_j^* . d_a E_loc(r_j)]`` with the gradient acting on the
    field only; ``E_loc`` is the laser plus the fields ``G(r - r_j') p_j'/eps0``
    of the other (first-order) dipoles and ``p_j`` is Eq. (5)
    (:func:`induced_dipoles`).  With ``second_order=True`` the product is
    truncated at second order in ``chi`` (the ``p^(2)* . dG p^(1)`` term is
    dropped): the result then equals ``gradient_forces + binding_forces``
    exactly, which is how Eq. (7) follows from Eq. (6).  ``False`` keeps the
    third-order term, i.e. Eq. (6) evaluated as printed.

    Returns
    -------
    ndarray, shape (..., N, 3)
    """
    pos, vol, chi = _setup(positions, volumes, chi, field)
    second_order = _v.boolean(second_order, "second_order")
    _, dg_fun = green_tensor(green)
    p = induced_dipoles(pos, vol, chi, field, green=green)
    p1 = EPSILON_0 * _first_order(pos, vol, chi, field)[1]
    de = field.gradient(pos)
    dloc = _from_other_particles(dg_fun, pos, field.k, p1 / EPSILON_0)
    if dloc is None:
        dloc = np.zeros(de.shape, dtype=complex)
    if second_order:
        f = (np.einsum("...jb,...jab->...ja", p.conj(), de)
             + np.einsum("...jb,...jab->...ja", p1.conj(), dloc))
    else:
        f = np.einsum("...jb,...jab->...ja", p.conj(), de + dloc)
    return 0.5 * np.real(f)


def dipole_torques(positions, volumes, chi, field, *, green="static"):
    """Cycle-averaged torque on each induced point dipole, Eq. (17b), in N m.

    For a point dipole only the intrinsic term of Eq. (17b) survives:
    ``N_j = (1/2) Re[p_j^* x E_loc(r_j)]``, with the dipole (Eq. 5) and the field
    (laser plus first-order dipole fields) expanded to second order in ``chi``.

    Returns
    -------
    ndarray, shape (..., N, 3)
    """
    pos, vol, chi = _setup(positions, volumes, chi, field)
    g_fun, _ = green_tensor(green)
    e, a = _first_order(pos, vol, chi, field)
    p = induced_dipoles(pos, vol, chi, field, green=green)
    p1 = EPSILON_0 * a
    e_sc = _from_other_particles(g_fun, pos, field.k, a)
    if e_sc is None:
        e_sc = np.zeros(e.shape, dtype=complex)
    return 0.5 * np.real(np.cross(p.conj(), e) + np.cross(p1.conj(), e_sc))
