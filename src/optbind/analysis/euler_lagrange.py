"""Euler-Lagrange consistency of the point-dipole Lagrangian, Eqs. (21) and (28).

The Lagrangian of Sec. III generates the Lorentz force and torque on the
polarised particles: ``F_j = d L_int / d r_j`` (Eq. 21) and
``d L_int / d mu_j = n_mu . N_j`` (Eq. 28).  In the point-dipole limit both
sides can be computed independently,

* the *energy route*: minus the derivative of a cycle-averaged interaction
  energy (``V_ext`` of Eq. 40 with ``green="static"``, or ``V_L + V_opt`` of
  Eqs. 73 and 75 with ``green="real"``) with respect to a position or an Euler
  angle, by central finite differences
  (:func:`optbind.numerics.central_difference`);
* the *force route*: the cycle-averaged force and torque on each induced
  dipole in the laser plus the partner dipoles' fields, Eqs. (17a) and (17b)
  for point dipoles (:func:`optbind.forces.dipoles.dipole_forces`,
  :func:`optbind.forces.dipoles.dipole_torques`).

:func:`interaction_force_routes` compares the *interaction* part of the forces
(the N-particle force minus the force each particle feels alone), which is
small next to the single-particle gradient force;
:func:`euler_torque_routes` compares the torque on an anisotropic particle for
its three Euler angles (intrinsic ``z-y'-z''`` convention,
:func:`optbind.particles.euler_rotation_axes`).  Energies in J, forces in N,
torques in N m.
"""
from __future__ import annotations

import numpy as np

from .. import validation as _v
from ..electrodynamics.particles import euler_rotation_axes, rotate_tensor
from ..forces.dipoles import dipole_forces, dipole_torques, external_potential
from ..numerics import central_difference

__all__ = ["euler_torque_routes", "interaction_force_routes"]


def _deviation(a, b):
    """``max |a - b| / max |b|`` (0 when both vanish)."""
    scale = np.max(np.abs(b))
    diff = np.max(np.abs(a - b))
    return 0.0 if scale == 0.0 and diff == 0.0 else float(diff / scale)


def _interaction_energy(pos, vol, chi, field, green):
    """``V(r_1..r_N) - sum_j V(r_j alone)``: the pair part of the energy, in J."""
    alone = sum(external_potential(pos[[j]], vol[[j]], chi[[j]], field, green=green)
                for j in range(pos.shape[0]))
    return external_potential(pos, vol, chi, field, green=green) - alone


def interaction_force_routes(positions, volumes, chi, field, *, green="static",
                             step=None):
    """Interaction forces from the energy (Eq. 21) and on the dipoles (Eq. 17a).

    Parameters
    ----------
    positions : array_like, shape (N, 3)
        Particle positions in m (N >= 2 for a non-zero interaction).
    volumes : array_like, shape (N,)
        Volumes in m^3.
    chi : array_like
        Susceptibilities (scalar, (N,), (3, 3) or (N, 3, 3), dimensionless).
    field : field object
        The laser (e.g. :class:`optbind.fields.TweezerField`).
    green : {"static", "real"}
        ``"static"``: ``V_ext`` of Eq. (40) (electrostatic ``G_0`` coupling);
        ``"real"``: ``V_L + V_opt`` (``Re G``, i.e. Eq. 40 plus the Lamb shift
        of Eq. 67).  The force route uses the same tensor.
    step : float, optional
        Finite-difference step in m; default ``1e-4 / field.k``.

    Returns
    -------
    dict
        ``"energy"``: ``-d(V - sum_j V_j^alone)/dr_j``, shape (N, 3), N;
        ``"dipole"``: the dipole force minus the single-particle forces,
        shape (N, 3), N; ``"deviation"``: per particle,
        ``max |energy - dipole| / max |dipole|``, shape (N,).
    """
    pos, vol, chi = _v.particle_set(positions, volumes, chi)
    if pos.ndim != 2:
        raise ValueError(f"positions must have shape (N, 3); got {pos.shape}")
    _v.field_object(field)
    _v.choice(green, "green", ("static", "real"))
    k = _v.real_scalar(field.k, "field.k", "1/m", positive=True)
    h = 1e-4 / k if step is None else _v.real_scalar(step, "step", "m", positive=True)
    n = pos.shape[0]
    energy = -central_difference(
        lambda p: _interaction_energy(p, vol, chi, field, green), pos, h)
    alone = np.array([dipole_forces(pos[[j]], vol[[j]], chi[[j]], field, green=green)[0]
                      for j in range(n)])
    dipole = dipole_forces(pos, vol, chi, field, green=green) - alone
    dev = np.array([_deviation(energy[j], dipole[j]) for j in range(n)])
    return {"energy": energy, "dipole": dipole, "deviation": dev}


def euler_torque_routes(positions, volumes, chi_body, chi_others, field, euler, *,
                        green="static", interaction=False, step=1e-4):
    """Torque on particle 0 for its Euler angles: energy (Eq. 28) and dipole (Eq. 17b).

    Particle 0 has the body-frame susceptibility ``chi_body``, rotated to the lab
    frame as ``R(euler) chi_body R^T``; the other particles have fixed lab-frame
    susceptibilities ``chi_others``.

    Parameters
    ----------
    positions : array_like, shape (N, 3)
        Positions in m; particle 0 is the rotated one.
    volumes : array_like, shape (N,)
        Volumes in m^3.
    chi_body : array_like, shape (3, 3)
        Body-frame susceptibility of particle 0 (dimensionless, symmetric).
    chi_others : array_like
        Lab-frame susceptibilities of particles 1..N-1: scalar, (N-1,),
        (3, 3) or (N-1, 3, 3).  Ignored when N = 1.
    field : field object
        The laser.
    euler : array_like, shape (3,)
        Euler angles ``(alpha, beta, gamma)`` of particle 0 in rad.
    green : {"static", "real"}
        Interaction energy, as in :func:`interaction_force_routes`.
    interaction : bool
        Compare only the part due to the other particles (the N-particle
        result minus particle 0 alone).
    step : float
        Finite-difference step in rad.

    Returns
    -------
    dict
        ``"energy"``: ``-dV/d(alpha, beta, gamma)``, shape (3,), N m;
        ``"dipole"``: ``n_mu . N_0`` with the torque of Eq. (17b), shape (3,),
        N m; ``"deviation"``: ``max |energy - dipole| / max |dipole|``.
    """
    pos = _v.vectors(positions, "positions", "m", shape=(None, 3))
    n = pos.shape[0]
    vol = _v.same_length(volumes, "volumes", n, "m^3", positive=True)
    body = _v.square_matrix(chi_body, "chi_body", "dimensionless", n=3)
    eu = _v.real_array(euler, "euler", "rad", shape=(3,))
    _v.field_object(field)
    _v.choice(green, "green", ("static", "real"))
    interaction = _v.boolean(interaction, "interaction")
    h = _v.real_scalar(step, "step", "rad", positive=True)
    if n > 1:
        # validated (and broadcast to (N-1, 3, 3)) with the partners' positions
        _, _, others = _v.particle_set(pos[1:], vol[1:], chi_others,
                                       chi_name="chi_others")
    else:
        others = np.zeros((0, 3, 3))
    _v.particle_set(pos, vol, np.concatenate([body[None], others]), chi_name="chi_body")

    def chis(e, m):
        lab = rotate_tensor(body, e)
        # symmetrise: rounding in R chi R^T would fail the symmetry check of
        # near-zero off-diagonal entries (validation compares with atol = 0)
        lab = 0.5 * (lab + lab.T)
        return np.concatenate([lab[None], others[: m - 1]])

    def energy(e, m):
        return external_potential(pos[:m], vol[:m], chis(e, m), field, green=green)

    def torque(e, m):
        return dipole_torques(pos[:m], vol[:m], chis(e, m), field, green=green)[0]

    dv = central_difference(lambda e: energy(e, n), eu, h)
    tq = torque(eu, n)
    if interaction:
        dv = dv - central_difference(lambda e: energy(e, 1), eu, h)
        tq = tq - torque(eu, 1)
    lhs, rhs = -dv, euler_rotation_axes(eu) @ tq
    return {"energy": lhs, "dipole": rhs, "deviation": _deviation(lhs, rhs)}

