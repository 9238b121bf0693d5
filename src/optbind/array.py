"""Linearised tweezer array, Sec. V A: Eqs. (79), (84)-(87).

:class:`LinearArray` gives the closed forms of the paper (with the errata
of :mod:`optbind.errata` corrected and the index order of
:mod:`optbind.conventions`) and, for comparison, the same quantities
obtained numerically from the general, non-linearised expressions of
:mod:`optbind.interactions` with the exact tweezer field of Eqs. (77)-(78).

Closed forms used (``kappa = k - 1/z_R``, ``n = n_jj'``, ``d = d_jj'``,
``M_jj' = E_j^* . (1 - n n) E_j'``):

* ``C_jj' = eps0 chi^2 V_j V_j' k^2 kappa^2/(8 pi d) Re[e^{ikd} M_jj']`` (Eq. 85),
* ``K_j = sum_j' C_jj'`` (Eq. 84),
* ``F_j = eps0 chi^2 V_j k^2 kappa/(8 pi) [2 V_j k |E_j|^2/3
  + sum_j' V_j'/d Im(e^{ikd} M_jj')]`` (Eq. 86),
* ``D_jj = hbar eps0 chi^2 V_j^2 k^3 |E_j|^2 (5 kappa^2 + 2 k^2)/(120 pi)`` (Eq. 87a),
* ``D_jj' = hbar eps0 chi^2 V_j V_j' k^2 kappa^2 sin(kd)/(16 pi d) M_j'j`` (Eq. 87b
  corrected: projector ``1 - n n`` and ``E_j'^* ... E_j``),
* ``m_j omega_j^2 = eps0 chi~ V_j |E_j|^2/(2 z_R^2)`` (Eq. 79).
"""
from __future__ import annotations

import numpy as np

from .conventions import EPSILON_0, HBAR
from .fields import TweezerField, trap_frequency, waist_from_rayleigh_range
from .green import dyadic_green, dyadic_green_gradient, far_field_green, far_field_green_gradient
from .interactions import (
    binding_forces,
    check_particles,
    diffusion_matrix,
    optical_potential,
    total_forces,
)
from .particles import check_positive

__all__ = ["LinearArray", "focal_plane_green", "focal_plane_green_gradient"]


def focal_plane_green(r, k):
    """Far-field Green tensor evaluated at the in-plane part of ``r``.

    This is the tensor the linearised model of Sec. V A actually uses: the
    far-field part of Eq. (4) frozen at the focal separation ``d_jj'``
    (no dependence on the axial displacements).  Units 1/m^3.
    """
    r = np.asarray(r, dtype=float).copy()
    r[..., 2] = 0.0
    return far_field_green(r, k)


def focal_plane_green_gradient(r, k):
    """Gradient of :func:`focal_plane_green` (zero along ``e_z``), 1/m^4."""
    r = np.asarray(r, dtype=float).copy()
    r[..., 2] = 0.0
    g = far_field_green_gradient(r, k)
    g[..., 2, :, :] = 0.0
    return g


_GREENS = {
    "full": (dyadic_green, dyadic_green_gradient),
    "far": (far_field_green, far_field_green_gradient),
    "focal": (focal_plane_green, focal_plane_green_gradient),
}


class LinearArray:
    """Harmonically expanded array of spheres in parallel tweezers (Sec. V A).

    Parameters
    ----------
    foci : array_like, shape (N, 3)
        Tweezer foci ``d_j`` in metres, all with ``z = 0``.
    amplitudes : array_like, shape (N, 3), complex
        Peak field vectors ``E_j`` in V/m, transverse to ``e_z``.
    volumes : array_like, shape (N,)
        Sphere volumes in m^3.
    masses : array_like, shape (N,)
        Masses in kg.
    chi : float
        Scalar susceptibility of the spheres, ``3(eps - 1)/(eps + 2)`` (> 0).
    k : float
        Laser wave number ``k_L`` in 1/m.
    z_R : float
        Rayleigh range in metres (``waist = sqrt(2 z_R / k)``).
    chi_tilde : float, optional
        Renormalised susceptibility (Eq. 74) for the trap frequencies;
        default ``chi``.

    Raises
    ------
    ValueError
        On invalid shapes or values, foci off the plane ``z = 0``,
        longitudinal field components, or overlapping particles.
    """

    def __init__(self, foci, amplitudes, volumes, masses, chi, k, z_R, chi_tilde=None):
        self.k = float(check_positive(k, "k", "1/m"))
        self.z_R = float(check_positive(z_R, "z_R", "m"))
        self.chi = float(check_positive(chi, "chi"))
        self.chi_tilde = self.chi if chi_tilde is None else float(
            check_positive(chi_tilde, "chi_tilde")
        )
        foci, vol, _ = check_particles(foci, volumes, self.chi)
        n = foci.shape[0]
        if np.any(np.abs(foci[:, 2]) > 1e-9 / self.k):
            raise ValueError("foci must lie in the plane z = 0 (e_z . d_j = 0, Sec. V A)")
        amps = np.asarray(amplitudes, dtype=complex)
        if amps.shape != (n, 3) or not np.all(np.isfinite(amps)):
            raise ValueError(f"amplitudes must be finite with shape ({n}, 3); got {amps.shape}")
        if np.any(np.abs(amps[:, 2]) > 1e-12 * np.linalg.norm(amps, axis=1)):
            raise ValueError("amplitudes must be transverse to e_z (E_j . e_z = 0)")
        self.masses = check_positive(np.broadcast_to(masses, (n,)), "masses", "kg").copy()
        self.foci = foci
        self.amplitudes = amps
        self.volumes = vol
        self.kappa = self.k - 1.0 / self.z_R
        self.waist = waist_from_rayleigh_range(self.k, self.z_R)

    # ------------------------------------------------------------ geometry
    @property
    def N(self):
        """Number of particles."""
        return self.foci.shape[0]

    @property
    def field(self):
        """The exact tweezer field of Eqs. (77)-(78) as a :class:`TweezerField`."""
        return TweezerField(self.foci, self.amplitudes, self.k, self.waist)

    def _pairs(self):
        """Distances ``d_jj'`` (1 on the diagonal, which is never used) and
        ``M_jj' = E_j^* . (1 - n n) E_j'`` (0 on the diagonal)."""
        sep = self.foci[:, None, :] - self.foci[None, :, :]
        d = np.linalg.norm(sep, axis=-1)
        np.fill_diagonal(d, 1.0)
        nhat = sep / d[..., None]
        proj = np.eye(3) - nhat[..., :, None] * nhat[..., None, :]
        m = np.einsum("jb,jkbc,kc->jk", self.amplitudes.conj(), proj, self.amplitudes)
        np.fill_diagonal(m, 0.0)
        return d, m

    def _pair_prefactor(self):
        d, m = self._pairs()
        vv = self.volumes[:, None] * self.volumes[None, :]
        pref = EPSILON_0 * self.chi**2 * vv * self.k**2 / (8.0 * np.pi * d)
        return d, m, pref

    # ------------------------------------------------------- closed forms
    @property
    def C(self):
        """Coupling matrix of Eq. (85), ``C[j, jp] = dF_j/dz_jp``, in N/m (zero diagonal)."""
        d, m, pref = self._pair_prefactor()
        c = pref * self.kappa**2 * np.real(np.exp(1j * self.k * d) * m)
        np.fill_diagonal(c, 0.0)
        return c

    @property
    def K(self):
        """Stiffness renormalisation ``K_j = sum_j' C_jj'`` of Eq. (84), in N/m."""
        return self.C.sum(axis=1)

    @property
    def F(self):
        """Constant forces of Eq. (86), in N."""
        d, m, pref = self._pair_prefactor()
        e2 = np.sum(np.abs(self.amplitudes) ** 2, axis=1)
        rad = EPSILON_0 * self.chi**2 * self.volumes**2 * self.k**3 * self.kappa * e2 / (12.0 * np.pi)
        bind = pref * self.kappa * np.imag(np.exp(1j * self.k * d) * m)
        np.fill_diagonal(bind, 0.0)
        return rad + bind.sum(axis=1)

    @property
    def D(self):
        """Diffusion matrix, Eq. (87a) and corrected Eq. (87b), in N^2 s (Hermitian)."""
        d, m, pref = self._pair_prefactor()
        dmat = 0.5 * HBAR * pref * self.kappa**2 * np.sin(self.k * d) * m.T
        e2 = np.sum(np.abs(self.amplitudes) ** 2, axis=1)
        diag = (HBAR * EPSILON_0 * self.chi**2 * self.volumes**2 * self.k**3 * e2
                * (5.0 * self.kappa**2 + 2.0 * self.k**2) / (120.0 * np.pi))
        np.fill_diagonal(dmat, diag)
        return dmat

    @property
    def omega(self):
        """Bare axial trap frequencies of Eq. (79), in rad/s."""
        e_abs = np.linalg.norm(self.amplitudes, axis=1)
        return trap_frequency(self.chi_tilde, self.volumes, self.masses, e_abs, self.z_R)

    # --------------------------------------------------- numerical routes
    def _positions(self, dz=None):
        pos = self.foci.copy()
        if dz is not None:
            pos[:, 2] += dz
        return pos

    def numerical_stiffness(self, green="full", step=None):
        """``S[j, jp] = d F^bind_{j,z} / d z_jp`` by central differences of Eq. (C10b).

        The binding forces are evaluated analytically (:func:`binding_forces`)
        with the exact field of Eqs. (77)-(78); the displacement derivative is
        a central difference with ``step`` (default ``1e-4/k``).

        Parameters
        ----------
        green : {"full", "far", "focal"}
            Green tensor: full Eq. (4), its far-field part, or the far-field
            part frozen at the focal separations (the model of Sec. V A).
        step : float, optional
            Finite-difference step in metres.

        Returns
        -------
        ndarray, shape (N, N)
            In N/m.  Off-diagonal: ``C[j, jp]``; diagonal: ``-K_j``.
        """
        g, dg = _GREENS[green]
        h = 1e-4 / self.k if step is None else float(check_positive(step, "step", "m"))
        s = np.zeros((self.N, self.N))
        field = self.field
        for jp in range(self.N):
            dz = np.zeros(self.N)
            dz[jp] = h
            fp = binding_forces(self._positions(dz), self.volumes, self.chi, field, g, dg)[:, 2]
            fm = binding_forces(self._positions(-dz), self.volumes, self.chi, field, g, dg)[:, 2]
            s[:, jp] = (fp - fm) / (2.0 * h)
        return s

    def numerical_C(self, green="full", step=None):
        """Coupling matrix from finite differences of the general forces (Eq. C10b), N/m."""
        s = self.numerical_stiffness(green, step)
        np.fill_diagonal(s, 0.0)
        return s

    def numerical_K(self, green="full", step=None):
        """``K_j = -d F^bind_{j,z}/d z_j`` from the general forces, N/m.

        Differs from Eq. (84) by the factor ``1 + 1/(kappa z_R)^2`` (the
        exact envelope's intensity curvature, absent from the near-focus
        form ``E_j exp(i kappa z)``) and by ``O(1/(k d))``.
        """
        return -np.diag(self.numerical_stiffness(green, step))

    def numerical_F(self, green="full"):
        """Total axial force at the foci from Eq. (C10b) with the exact field, in N."""
        g, dg = _GREENS[green]
        return total_forces(self.foci, self.volumes, self.chi, self.field,
                            chi_tilde=self.chi_tilde, green=g, green_gradient=dg)[:, 2]

    def numerical_omega(self, step=None):
        """Trap frequencies from the curvature of the exact ``V_L`` (Eq. 73), rad/s."""
        h = 1e-3 * self.z_R if step is None else float(check_positive(step, "step", "m"))
        field = self.field
        out = np.empty(self.N)
        for j in range(self.N):
            vals = []
            for dz in (-h, 0.0, h):
                pos = self._positions()
                pos[j, 2] += dz
                vals.append(optical_potential(pos[[j]], self.volumes[[j]], self.chi_tilde, field))
            out[j] = (vals[0] - 2.0 * vals[1] + vals[2]) / h**2
        return np.sqrt(out / self.masses)

    def numerical_D(self, quadrature=None):
        """Diffusion matrix by angular quadrature of the Lindblad-amplitude derivatives.

        Uses Eq. (76) with the exact field and the focus phases
        ``e^{-ik n.d_j}``; see :func:`optbind.interactions.diffusion_matrix`.
        """
        return diffusion_matrix(self.foci, self.volumes, self.chi, self.field, quadrature)

    # -------------------------------------------------------------- export
    def to_model(self, gamma=0.0, n_th=0.0):
        """Return an :class:`optbind.model.ArrayModel` with the closed-form matrices.

        Parameters
        ----------
        gamma : float, optional
            Gas damping rate in 1/s (>= 0).
        n_th : float, optional
            Thermal occupation of the gas bath (>= 0).
        """
        for name, val in (("gamma", gamma), ("n_th", n_th)):
            if not np.isfinite(val) or val < 0:
                raise ValueError(f"{name} must be finite and >= 0; got {val!r}")
        from .model import ArrayModel

        return ArrayModel(m=self.masses.copy(), omega=self.omega, C=self.C, D=self.D,
                          K=self.K, F=self.F, gamma=float(gamma), n_th=float(n_th))
