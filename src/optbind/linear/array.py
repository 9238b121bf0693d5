"""Linearised tweezer array, Sec. V A: Eqs. (79), (84)-(87).

:class:`LinearArray` gives the closed forms of the paper (with the errata
of :mod:`optbind.analysis.errata` corrected and the index order of
:mod:`optbind.conventions`) and, for comparison, the same quantities
obtained numerically from the general, non-linearised expressions of
:mod:`optbind.forces` with the exact tweezer field of Eqs. (77)-(78).

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

from .. import validation as _v
from ..conventions import EPSILON_0, HBAR
from ..electrodynamics.fields import (
    TweezerField,
    gouy_wavenumber,
    trap_frequency,
    waist_from_rayleigh_range,
)
from ..forces.dipoles import binding_forces, optical_potential, total_forces
from ..forces.scattering import diffusion_matrix
from ..numerics import central_difference

__all__ = ["LinearArray"]


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
        Rayleigh range in metres (``waist = sqrt(2 z_R / k)``); ``k z_R > 1``.
    chi_tilde : float, optional
        Renormalised susceptibility (Eq. 74) for the trap frequencies;
        default ``chi``.

    Raises
    ------
    ValueError
        On invalid shapes or values, ``k z_R <= 1`` (the Gouy-reduced wave
        number ``k - 1/z_R`` would not be positive), foci off the plane
        ``z = 0``, longitudinal field components, or overlapping particles.

    Examples
    --------
    >>> from optbind.linear.pair import two_particle_array
    >>> arr = two_particle_array()          # k d = phi = pi/4: Eqs. (91)-(93)
    >>> c = arr.C
    >>> bool(abs(c[1, 0]) < 1e-12 * abs(c[0, 1]))
    True
    """

    def __init__(self, foci, amplitudes, volumes, masses, chi, k, z_R, *, chi_tilde=None):
        self.k = _v.real_scalar(k, "k", "1/m", positive=True)
        self.z_R = _v.real_scalar(z_R, "z_R", "m", positive=True)
        self.kappa = gouy_wavenumber(self.k, self.z_R)
        self.chi = _v.real_scalar(chi, "chi", "dimensionless", positive=True)
        self.chi_tilde = self.chi if chi_tilde is None else _v.real_scalar(
            chi_tilde, "chi_tilde", "dimensionless", positive=True)
        foci, vol, _ = _v.particle_set(_v.vectors(foci, "foci", "m", shape=(None, 3)),
                                       volumes, self.chi)
        n = foci.shape[0]
        if np.any(np.abs(foci[:, 2]) > 1e-9 / self.k):
            raise ValueError("foci must lie in the plane z = 0 (e_z . d_j = 0, Sec. V A)")
        amps = _v.complex_array(amplitudes, "amplitudes", "V/m", shape=(n, 3))
        if np.any(np.abs(amps[:, 2]) > 1e-12 * np.linalg.norm(amps, axis=1)):
            raise ValueError("amplitudes must be transverse to e_z (E_j . e_z = 0)")
        self.masses = _v.same_length(masses, "masses", n, "kg", positive=True)
        self.foci = foci
        self.amplitudes = amps
        self.volumes = vol
        self.waist = waist_from_rayleigh_range(self.k, self.z_R)

    # ------------------------------------------------------------ geometry
    @property
    def n_particles(self):
        """Number of particles."""
        return self.foci.shape[0]

    @property
    def field(self):
        """The exact tweezer field of Eqs. (77)-(78) as a :class:`TweezerField`."""
        return TweezerField(self.foci, self.amplitudes, self.k, self.waist)

    def _pair_prefactor(self):
        """Distances ``d_jj'`` (1 on the diagonal, never used),
        ``M_jj' = E_j^* . (1 - n n) E_j'`` (0 on the diagonal) and
        ``eps0 chi^2 V_j V_j' k^2 / (8 pi d_jj')``."""
        sep = self.foci[:, None, :] - self.foci[None, :, :]
        d = np.linalg.norm(sep, axis=-1)
        np.fill_diagonal(d, 1.0)
        nhat = sep / d[..., None]
        proj = np.eye(3) - nhat[..., :, None] * nhat[..., None, :]
        m = np.einsum("jb,jkbc,kc->jk", self.amplitudes.conj(), proj, self.amplitudes)
        np.fill_diagonal(m, 0.0)
        vv = self.volumes[:, None] * self.volumes[None, :]
        pref = EPSILON_0 * self.chi**2 * vv * self.k**2 / (8.0 * np.pi * d)
        return d, m, pref

    def _intensities(self):
        return np.sum(np.abs(self.amplitudes) ** 2, axis=1)

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
        rad = (EPSILON_0 * self.chi**2 * self.volumes**2 * self.k**3 * self.kappa
               * self._intensities() / (12.0 * np.pi))
        bind = pref * self.kappa * np.imag(np.exp(1j * self.k * d) * m)
        np.fill_diagonal(bind, 0.0)
        return rad + bind.sum(axis=1)

    @property
    def D(self):
        """Diffusion matrix, Eq. (87a) and corrected Eq. (87b), in N^2 s (Hermitian)."""
        d, m, pref = self._pair_prefactor()
        dmat = 0.5 * HBAR * pref * self.kappa**2 * np.sin(self.k * d) * m.T
        diag = (HBAR * EPSILON_0 * self.chi**2 * self.volumes**2 * self.k**3
                * self._intensities() * (5.0 * self.kappa**2 + 2.0 * self.k**2)
                / (120.0 * np.pi))
        np.fill_diagonal(dmat, diag)
        return dmat

    @property
    def omega(self):
        """Bare axial trap frequencies of Eq. (79), in rad/s."""
        e_abs = np.linalg.norm(self.amplitudes, axis=1)
        return trap_frequency(self.chi_tilde, self.volumes, self.masses, e_abs, self.z_R)

    # --------------------------------------------------- numerical routes
    def _displaced(self, dz):
        pos = self.foci.copy()
        pos[:, 2] += dz
        return pos

    def numerical_stiffness(self, *, green="full", step=None):
        """``S[j, jp] = d F^bind_{j,z} / d z_jp`` by central differences of Eq. (C10b).

        The binding forces are evaluated analytically
        (:func:`optbind.forces.dipoles.binding_forces`) with the exact field of
        Eqs. (77)-(78); the displacement derivative is a central difference
        (:func:`optbind.numerics.central_difference`) with ``step`` (default
        ``1e-4/k``).

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
        _v.choice(green, "green", ("full", "far", "focal"))
        h = 1e-4 / self.k if step is None else _v.real_scalar(step, "step", "m",
                                                              positive=True)
        field = self.field

        def axial_forces(dz):
            return binding_forces(self._displaced(dz), self.volumes, self.chi, field,
                                  green=green)[:, 2]

        return central_difference(axial_forces, np.zeros(self.n_particles), h).T

    def numerical_C(self, *, green="full", step=None):
        """Coupling matrix from finite differences of the general forces (Eq. C10b), N/m."""
        s = self.numerical_stiffness(green=green, step=step)
        np.fill_diagonal(s, 0.0)
        return s

    def numerical_K(self, *, green="full", step=None):
        """``K_j = -d F^bind_{j,z}/d z_j`` from the general forces, N/m.

        Differs from Eq. (84) by the factor ``1 + 1/(kappa z_R)^2`` (the
        exact envelope's intensity curvature, absent from the near-focus
        form ``E_j exp(i kappa z)``) and by ``O(1/(k d))``.
        """
        return -np.diag(self.numerical_stiffness(green=green, step=step))

    def numerical_F(self, *, green="full"):
        """Total axial force at the foci from Eq. (C10b) with the exact field, in N."""
        return total_forces(self.foci, self.volumes, self.chi, self.field,
                            chi_tilde=self.chi_tilde, green=green)[:, 2]

    def numerical_omega(self, *, step=None):
        """Trap frequencies from the curvature of the exact ``V_L`` (Eq. 73), rad/s."""
        h = 1e-3 * self.z_R if step is None else _v.real_scalar(step, "step", "m",
                                                                positive=True)
        field = self.field

        def potential(dz):
            return optical_potential(self._displaced(dz), self.volumes, self.chi_tilde, field)

        curvature = central_difference(potential, np.zeros(self.n_particles), h, order=2)
        return np.sqrt(curvature / self.masses)

    def numerical_D(self, *, quadrature=None):
        """Diffusion matrix by angular quadrature of the Lindblad-amplitude derivatives.

        Uses Eq. (76) with the exact field and the focus phases
        ``e^{-ik n.d_j}``; see :func:`optbind.forces.scattering.diffusion_matrix`.
        """
        return diffusion_matrix(self.foci, self.volumes, self.chi, self.field,
                                quadrature=quadrature)

    # -------------------------------------------------------------- export
    def to_model(self, *, gamma=0.0, n_th=0.0):
        """Return an :class:`optbind.model.ArrayModel` with the closed-form matrices.

        Parameters
        ----------
        gamma : float, optional
            Gas damping rate in 1/s (>= 0).
        n_th : float, optional
            Thermal occupation of the gas bath (>= 0).
        """
        from .model import ArrayModel

        return ArrayModel(masses=self.masses.copy(), omega=self.omega, C=self.C, D=self.D,
                          K=self.K, F=self.F, gamma=gamma, n_th=n_th)
