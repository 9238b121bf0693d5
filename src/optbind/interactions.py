"""Optical forces, optical binding and photon scattering, without linearisation.

Particles are given by their centre-of-mass positions ``r_j`` (N, 3) in
metres, volumes ``V_j`` (N,) in m^3 and real symmetric susceptibility
tensors ``chi_j`` (a scalar, (N,), (3, 3) or (N, 3, 3); scalars mean
``chi 1``).  The laser is a field object (see :mod:`optbind.fields`).

Implemented expressions (equation numbers of the paper):

* optical potential ``V_L`` (Eq. 73) and its force ``-dV_L/dr_j``;
* conservative binding potential ``V_opt`` (Eq. 75);
* the deterministic force of the quantum Langevin equation (C10b): gradient
  force, single-particle radiation pressure
  ``eps0 k^3 V_j^2/(12 pi) Im[E_L^* . chi_j d(chi_j E_L)]``, and the binding
  force ``d/dr_j sum_j' (eps0 V_j V_j'/2) Re[E_L^*(r_j) . chi_j G(r_j - r_j')
  chi_j' E_L(r_j')]`` where the derivative acts on ``r_j`` only (in
  ``E_L(r_j)`` and in ``G``), not on ``r_j'``;
* the Lindblad amplitudes ``L_ns`` of Eq. (76), their position derivatives,
  and integrals of their products over scattering directions: the photon
  scattering rate ``int d^2n sum_s |L_ns|^2`` and the diffusion matrix
  ``D_jj' = (hbar^2/2) int d^2n sum_s (dL_ns/dz_j)(dL_ns/dz_j')^*``
  (the coefficient of ``z_j rho z_j'`` when Eq. 72 is expanded to second
  order, cf. Eq. 82).
"""
from __future__ import annotations

import numpy as np

from .conventions import EPSILON_0, HBAR
from .green import (
    dyadic_green,
    dyadic_green_gradient,
    sphere_quadrature,
    transverse_polarizations,
)
from .particles import check_positive

__all__ = [
    "check_particles",
    "optical_potential",
    "gradient_forces",
    "radiation_pressure_forces",
    "binding_potential",
    "binding_pair_energy",
    "binding_forces",
    "total_forces",
    "scattering_amplitudes",
    "amplitude_derivatives",
    "scattering_rate",
    "diffusion_matrix",
    "quadrature_order",
]


# ----------------------------------------------------------------- utilities
def check_particles(positions, volumes, chi):
    """Validate and broadcast a particle set.

    Parameters
    ----------
    positions : array_like, shape (N, 3)
        Centre-of-mass positions in metres (finite).
    volumes : array_like, shape (N,)
        Particle volumes in m^3 (> 0).
    chi : float or array_like
        Susceptibility: scalar, (N,), (3, 3) or (N, 3, 3); real, and
        ``chi > 0`` for scalars.

    Returns
    -------
    positions : ndarray, shape (N, 3)
    volumes : ndarray, shape (N,)
    chi : ndarray, shape (N, 3, 3)

    Raises
    ------
    ValueError
        On wrong shapes, non-finite values, non-positive volumes, or if two
        particles overlap: the distance between centres must exceed the sum
        of the radii of the equal-volume spheres.
    """
    pos = np.asarray(positions, dtype=float)
    if pos.ndim != 2 or pos.shape[1] != 3:
        raise ValueError(f"positions must have shape (N, 3); got {pos.shape}")
    if not np.all(np.isfinite(pos)):
        raise ValueError("positions must be finite")
    n = pos.shape[0]
    vol = check_positive(np.broadcast_to(volumes, (n,)), "volumes", "m^3").copy()
    chi = np.asarray(chi)
    if np.iscomplexobj(chi):
        raise ValueError("chi must be real (lossless dielectrics)")
    chi = chi.astype(float)
    if chi.ndim == 0 or chi.shape == (n,):
        check_positive(chi, "chi")
        chi = np.broadcast_to(chi, (n,))[:, None, None] * np.eye(3)
    elif chi.shape == (3, 3):
        chi = np.broadcast_to(chi, (n, 3, 3))
    if chi.shape != (n, 3, 3) or not np.all(np.isfinite(chi)):
        raise ValueError(f"chi must be finite with shape (), (N,), (3,3) or (N,3,3); got {chi.shape}")
    if not np.allclose(chi, np.swapaxes(chi, -1, -2)):
        raise ValueError("chi tensors must be symmetric")
    radius = (3.0 * vol / (4.0 * np.pi)) ** (1.0 / 3.0)
    if n > 1:
        sep = np.linalg.norm(pos[:, None, :] - pos[None, :, :], axis=-1)
        iu = np.triu_indices(n, 1)
        bad = sep[iu] <= (radius[:, None] + radius[None, :])[iu]
        if np.any(bad):
            i, j = iu[0][bad][0], iu[1][bad][0]
            raise ValueError(
                f"positions: particles {i} and {j} are {sep[i, j]:.3e} m apart, which must "
                f"exceed the sum of their radii {radius[i] + radius[j]:.3e} m "
                "(coincident or overlapping particles)"
            )
    return pos, vol, np.ascontiguousarray(chi)


def _pair_indices(n):
    j, jp = np.nonzero(~np.eye(n, dtype=bool))
    return j, jp


# --------------------------------------------------------------- potentials
def optical_potential(positions, volumes, chi_tilde, field):
    """Optical potential ``V_L = -(eps0/4) sum_j V_j E_L^* . chi~_j E_L`` (Eq. 73).

    Parameters
    ----------
    positions, volumes : array_like
        See :func:`check_particles`.
    chi_tilde : float or array_like
        Renormalised susceptibility (Eq. 74).
    field : field object
        Laser field (:class:`optbind.fields.TweezerField`).

    Returns
    -------
    float
        Energy in J.
    """
    pos, vol, chi = check_particles(positions, volumes, chi_tilde)
    e = field.field(pos)
    return float(-0.25 * EPSILON_0 * np.real(np.einsum("j,jb,jbc,jc->", vol, e.conj(), chi, e)))


def gradient_forces(positions, volumes, chi_tilde, field):
    """Gradient force ``-dV_L/dr_j`` from Eq. (73), analytic (N, 3) in newtons.

    Equals ``(eps0 V_j/2) Re[(d_a E_L)^* . chi~_j E_L]``; for a scalar
    ``chi~`` this is ``(alpha/4) d|E_L|^2`` (the first term of Eq. 7 with
    ``|E_L|`` read as ``|E_L|^2``).
    """
    pos, vol, chi = check_particles(positions, volumes, chi_tilde)
    e = field.field(pos)
    de = field.gradient(pos)
    return 0.5 * EPSILON_0 * vol[:, None] * np.real(
        np.einsum("jab,jbc,jc->ja", de.conj(), chi, e)
    )


def radiation_pressure_forces(positions, volumes, chi, field):
    """Single-particle radiation pressure of Eq. (C10b), (N, 3) in newtons.

    ``F_j = eps0 k^3 V_j^2/(12 pi) Im[E_L^*(r_j) . chi_j chi_j d E_L(r_j)]``.

    Parameters
    ----------
    positions, volumes : array_like
        See :func:`check_particles` (m, m^3).
    chi : float or array_like
        Susceptibility (Eq. 32), dimensionless.
    field : field object
        Laser field (:class:`optbind.fields.TweezerField` or compatible).

    Returns
    -------
    ndarray, shape (N, 3)
        Forces in newtons (along the local phase gradient).
    """
    pos, vol, chi = check_particles(positions, volumes, chi)
    e = field.field(pos)
    de = field.gradient(pos)
    chi2 = np.einsum("jbc,jcd->jbd", chi, chi)
    return (EPSILON_0 * field.k**3 * vol**2 / (12.0 * np.pi))[:, None] * np.imag(
        np.einsum("jb,jbd,jad->ja", e.conj(), chi2, de)
    )


def binding_potential(positions, volumes, chi, field, green=dyadic_green):
    """Conservative optical-binding potential ``V_opt`` of Eq. (75), in J.

    ``-(eps0/4) sum_{j != j'} V_j V_j' E_L^*(r_j') . chi_j' Re[G(r_j - r_j')]
    chi_j E_L(r_j)``; the real part acts on the Green tensor only, and the
    double sum is real because ``Re G`` is real symmetric.

    Parameters
    ----------
    positions, volumes, chi : array_like
        See :func:`check_particles`.
    field : field object
        Laser field.
    green : callable, optional
        ``green(r, k) -> (..., 3, 3)``; default the full tensor (Eq. 4).
    """
    pos, vol, chi = check_particles(positions, volumes, chi)
    n = pos.shape[0]
    if n < 2:
        return 0.0
    j, jp = _pair_indices(n)
    e = field.field(pos)
    g = np.real(green(pos[j] - pos[jp], field.k))
    a = np.einsum("pbc,pc->pb", chi[j], e[j])  # chi_j E(r_j)
    b = np.einsum("pbc,pc->pb", chi[jp], e[jp])  # chi_j' E(r_j')
    val = np.einsum("p,pb,pbc,pc->", vol[j] * vol[jp], b.conj(), g, a)
    return float(-0.25 * EPSILON_0 * np.real(val))


def binding_pair_energy(positions, volumes, chi, field, j, jp, green=dyadic_green):
    """Pair term whose ``r_j``-gradient (``r_j'`` frozen) is the binding force, Eq. (C10b).

    ``W_jj' = (eps0 V_j V_j'/2) Re[E_L^*(r_j) . chi_j G(r_j - r_j') chi_j' E_L(r_j')]``
    in J.  It is *not* a potential energy of the pair: the force on ``j'``
    is the gradient of the different function ``W_j'j`` (non-reciprocity).

    Parameters
    ----------
    positions, volumes : array_like
        See :func:`check_particles` (m, m^3).
    chi : float or array_like
        Susceptibility (Eq. 32), dimensionless.
    field : field object
        Laser field (:class:`optbind.fields.TweezerField` or compatible).
    j, jp : int
        Receiving particle ``j`` and source particle ``jp`` (distinct).
    green : callable, optional
        ``green(r, k)``; default the full tensor of Eq. (4).

    Returns
    -------
    float
        ``W_jj'`` in J.
    """
    pos, vol, chi = check_particles(positions, volumes, chi)
    if j == jp:
        raise ValueError("j and jp must differ")
    e = field.field(pos[[j, jp]])
    g = green(pos[j] - pos[jp], field.k)
    val = e[0].conj() @ chi[j] @ g @ chi[jp] @ e[1]
    return float(0.5 * EPSILON_0 * vol[j] * vol[jp] * np.real(val))


def binding_forces(
    positions, volumes, chi, field, green=dyadic_green, green_gradient=dyadic_green_gradient
):
    """Optical-binding force on each particle, Eq. (C10b) / second term of Eq. (7).

    ``F_j,a = (eps0 V_j/2) sum_{j'} V_j' Re[(d_a E_L(r_j))^* . chi_j G chi_j' E_L(r_j')
    + E_L^*(r_j) . chi_j (d_a G)(r_j - r_j') chi_j' E_L(r_j')]``.

    Parameters
    ----------
    positions, volumes, chi, field
        See :func:`binding_potential`.
    green, green_gradient : callable, optional
        Green tensor and its gradient (index order ``[..., a, b, c]``);
        default the full tensor of Eq. (4).

    Returns
    -------
    ndarray, shape (N, 3)
        Forces in newtons.
    """
    pos, vol, chi = check_particles(positions, volumes, chi)
    n = pos.shape[0]
    out = np.zeros((n, 3))
    if n < 2:
        return out
    j, jp = _pair_indices(n)
    e = field.field(pos)
    de = field.gradient(pos)
    r = pos[j] - pos[jp]
    g = green(r, field.k)
    dg = green_gradient(r, field.k)
    src = np.einsum("pcd,pd->pc", chi[jp], e[jp])  # chi_j' E(r_j')
    t1 = np.einsum("pab,pbc,pcd,pd->pa", de[j].conj(), chi[j], g, src)
    t2 = np.einsum("pb,pbc,pacd,pd->pa", e[j].conj(), chi[j], dg, src)
    contrib = 0.5 * EPSILON_0 * (vol[j] * vol[jp])[:, None] * np.real(t1 + t2)
    np.add.at(out, j, contrib)
    return out


def total_forces(positions, volumes, chi, field, chi_tilde=None, green=dyadic_green,
                 green_gradient=dyadic_green_gradient):
    """Deterministic force of Eq. (C10b): gradient + radiation pressure + binding.

    Parameters
    ----------
    positions, volumes, chi, field
        See :func:`binding_forces`.
    chi_tilde : optional
        Renormalised susceptibility for the gradient force (default ``chi``).
    green, green_gradient : callable, optional
        Green tensor and gradient for the binding term.

    Returns
    -------
    ndarray, shape (N, 3)
        Forces in newtons.
    """
    chi_tilde = chi if chi_tilde is None else chi_tilde
    return (
        gradient_forces(positions, volumes, chi_tilde, field)
        + radiation_pressure_forces(positions, volumes, chi, field)
        + binding_forces(positions, volumes, chi, field, green, green_gradient)
    )


# ------------------------------------------------------ Lindblad amplitudes
def _amplitude_prefactor(k):
    """``sqrt(eps0 k^3/(2 hbar))/(4 pi)`` of Eq. (76), in C/(J m^2 s^(1/2))."""
    return np.sqrt(EPSILON_0 * k**3 / (2.0 * HBAR)) / (4.0 * np.pi)


def scattering_amplitudes(positions, volumes, chi, field, directions, per_particle=False):
    """Lindblad amplitudes ``L_ns`` of Eq. (76) at fixed particle positions.

    Parameters
    ----------
    positions, volumes, chi, field
        See :func:`check_particles`.
    directions : array_like, shape (M, 3)
        Unit scattering directions ``n``.
    per_particle : bool, optional
        If True return the single-particle terms instead of their sum.

    Returns
    -------
    ndarray, shape (M, 2) or (M, 2, N), complex
        In s^(-1/2); polarisations from
        :func:`optbind.green.transverse_polarizations`.
    """
    pos, vol, chi = check_particles(positions, volumes, chi)
    n = np.asarray(directions, dtype=float)
    t = transverse_polarizations(n)  # (M, 2, 3) real
    e = field.field(pos)
    p = np.einsum("jbc,jc->jb", chi, e) * vol[:, None]  # V_j chi_j E(r_j)
    phase = np.exp(-1j * field.k * n @ pos.T)  # (M, N)
    amp = _amplitude_prefactor(field.k) * np.einsum("msb,jb,mj->msj", t, p, phase)
    return amp if per_particle else amp.sum(axis=-1)


def amplitude_derivatives(positions, volumes, chi, field, directions, axis=2):
    """Derivatives ``dL_ns/dr_{j,axis}`` of Eq. (76), shape (M, 2, N), in s^(-1/2)/m.

    ``d/dr_{j,a} [chi_j E_L(r_j) e^{-ik n.r_j}] = chi_j [d_a E_L - i k n_a E_L] e^{-ik n.r_j}``:
    the focus phase ``e^{-ik n.d_j}`` is kept (Eq. 81 as printed drops it).

    Parameters
    ----------
    positions, volumes, chi, field, directions
        See :func:`scattering_amplitudes`.
    axis : int, optional
        Cartesian component of ``r_j`` to differentiate (2 = ``z``).

    Returns
    -------
    ndarray, shape (M, 2, N), complex
    """
    pos, vol, chi = check_particles(positions, volumes, chi)
    n = np.asarray(directions, dtype=float)
    t = transverse_polarizations(n)
    e = field.field(pos)
    de = field.gradient(pos)[:, axis, :]  # (N, 3)
    phase = np.exp(-1j * field.k * n @ pos.T)  # (M, N)
    ce = np.einsum("jbc,jc->jb", chi, e) * vol[:, None]
    cde = np.einsum("jbc,jc->jb", chi, de) * vol[:, None]
    inner = cde[None, :, :] - 1j * field.k * n[:, axis][:, None, None] * ce[None, :, :]
    return _amplitude_prefactor(field.k) * np.einsum("msb,mjb,mj->msj", t, inner, phase)


def quadrature_order(positions, k):
    """Gauss-Legendre order ``n_theta`` resolving ``exp(-ik n.(r_j - r_j'))``.

    The plane-wave factor has spherical-harmonic content up to degree
    ``L ~ k R + c (k R)^(1/3)`` (``R`` the largest separation; the Bessel
    tail beyond ``l = kR`` decays on the scale ``(kR)^(1/3)``, and ``c = 8``
    gives ~1e-10 relative accuracy); a margin of 24 covers the polynomial
    prefactors.

    Parameters
    ----------
    positions : array_like, shape (N, 3)
        Particle positions in metres.
    k : float
        Wave number in 1/m.

    Returns
    -------
    (int, int)
        ``(n_theta, n_phi)`` with ``n_phi = 2 n_theta``.
    """
    pos = np.asarray(positions, dtype=float)
    big_r = np.max(np.linalg.norm(pos[:, None] - pos[None, :], axis=-1)) if len(pos) > 1 else 0.0
    kr = float(k) * big_r
    n_theta = int(np.ceil((kr + 8.0 * kr ** (1.0 / 3.0) + 24.0) / 2.0)) + 1
    return n_theta, 2 * n_theta


def _quadrature(positions, k, quadrature):
    if quadrature is None:
        return sphere_quadrature(*quadrature_order(positions, k))
    if isinstance(quadrature, tuple) and len(quadrature) == 2 and np.ndim(quadrature[0]) == 2:
        return quadrature
    return sphere_quadrature(*np.atleast_1d(quadrature))


def scattering_rate(positions, volumes, chi, field, quadrature=None):
    """Total photon scattering rate ``int d^2n sum_s |L_ns|^2`` (Eqs. 72, 76), in 1/s.

    Parameters
    ----------
    positions, volumes, chi, field
        See :func:`scattering_amplitudes`.
    quadrature : None, int, (n_theta, n_phi) or (nodes, weights), optional
        Angular rule; default from :func:`quadrature_order`.

    Returns
    -------
    float
        Photons per second.
    """
    nodes, weights = _quadrature(positions, field.k, quadrature)
    amp = scattering_amplitudes(positions, volumes, chi, field, nodes)
    return float(np.einsum("m,ms->", weights, np.abs(amp) ** 2))


def diffusion_matrix(positions, volumes, chi, field, quadrature=None, axis=2):
    """Momentum diffusion matrix from the Lindblad amplitudes, cf. Eqs. (82), (87), (C9).

    ``D_jj' = (hbar^2/2) int d^2n sum_s (dL_ns/dq_j)(dL_ns/dq_j')^*`` with
    ``q_j = r_{j,axis}``; ``D[j, jp]`` is the coefficient of
    ``z_j rho z_jp`` (project convention).

    Parameters
    ----------
    positions, volumes, chi, field
        See :func:`scattering_amplitudes`.
    quadrature : optional
        As in :func:`scattering_rate`.
    axis : int, optional
        Displacement component (2 = ``z``, the axial motion of Sec. V A).

    Returns
    -------
    ndarray, shape (N, N), complex
        Hermitian positive semidefinite, in N^2 s.
    """
    nodes, weights = _quadrature(positions, field.k, quadrature)
    dl = amplitude_derivatives(positions, volumes, chi, field, nodes, axis=axis)
    return 0.5 * HBAR**2 * np.einsum("m,msj,msk->jk", weights, dl, dl.conj())
