"""The linearised array model shared by all dynamics engines.

:class:`ArrayModel` collects the parameters of the linearised optical-binding
master equation, Eq. (82), with the Hamiltonian of Eq. (83), for ``N``
particles moving along the optical axis, plus an optional gas damping
(Eq. 96).  Everything is in SI units; the index and sign conventions are those
of :mod:`optbind.conventions`:

* ``C[j, jp]`` is the force on particle ``j`` per unit displacement of
  particle ``jp`` (Eq. 85), zero on the diagonal;
* ``D[j, jp]`` is the coefficient of ``z_j rho z_jp`` in Eq. (82), Hermitian
  and positive semidefinite (Eq. 87);
* ``K_j`` renormalises the trap (Eq. 84), ``F_j`` is a constant force (Eq. 86).

The engines :mod:`optbind.quantum` (QuTiP master equation),
:mod:`optbind.gaussian` (moment equations), :mod:`optbind.langevin`
(stochastic trajectories) all take an :class:`ArrayModel`.

Consistency of couplings and noise
----------------------------------
The master equation (82) and the Langevin equations (88)/(89) describe the
same dynamics only if the nonreciprocal part of ``C`` is tied to the
imaginary part of ``D`` by ``C_jj' - C_j'j = 4 Im(D_jj')/hbar`` (the corrected
relation under Eq. 90).  :class:`ArrayModel` does *not* enforce this (a model
that violates it is a useful counter-example); use
:meth:`ArrayModel.commutator_residual` / :meth:`ArrayModel.is_consistent`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .. import validation as _v
from ..conventions import HBAR

__all__ = ["ArrayModel", "NoSteadyStateError"]


class NoSteadyStateError(ValueError):
    """Raised when the linear dynamics has no steady state (unstable drift)."""


@dataclass(frozen=True)
class ArrayModel:
    """Parameters of the linearised array dynamics, Eqs. (82)-(87) and (96).

    Parameters
    ----------
    masses : array_like, shape (N,)
        Particle masses in kg, all > 0 (a scalar is broadcast).
    omega : array_like, shape (N,)
        Bare trap frequencies ``omega_j`` in rad/s (Eq. 79), all > 0.
    C : array_like, shape (N, N)
        Coupling constants ``C_jj'`` in N/m (Eq. 85), real, zero diagonal.
    D : array_like, shape (N, N)
        Diffusion matrix ``D_jj'`` in N^2 s (Eq. 87), complex Hermitian,
        positive semidefinite.
    K : array_like, shape (N,), optional
        Trap renormalisation ``K_j`` in N/m (Eq. 84).  ``None`` means the row
        sums of ``C``.  The effective stiffness ``m omega^2 + K`` must be > 0.
    F : array_like, shape (N,), optional
        Constant forces ``F_j`` in N (Eq. 86).  ``None`` means zeros.
    gamma : float
        Gas damping rate in 1/s (Eq. 96), >= 0.
    n_th : float
        Mean bath occupation of the gas damping (at each particle's effective
        frequency), >= 0.

    Notes
    -----
    Scalars are broadcast for ``masses``, ``omega``, ``K`` and ``F``.  The
    arrays are stored as read-only copies.

    Examples
    --------
    >>> m = ArrayModel.dimensionless(omega_eff=1.0, C=[[0.0, 0.1], [0.0, 0.0]],
    ...                              D=[[0.5, 0.0], [0.0, 0.5]], gamma=0.1)
    >>> m.n_particles
    2
    """

    masses: np.ndarray
    omega: np.ndarray
    C: np.ndarray
    D: np.ndarray
    K: np.ndarray | None = None
    F: np.ndarray | None = None
    gamma: float = 0.0
    n_th: float = 0.0
    #: relative tolerance for the Hermiticity / positivity checks of ``D``
    _tol: float = field(default=1e-10, repr=False, compare=False)

    def __post_init__(self):
        C = _v.square_matrix(self.C, "C", "N/m")
        n = C.shape[0]
        if np.any(np.diag(C) != 0.0):
            raise ValueError("C must have a zero diagonal (C_jj is not defined, Eq. 85)")
        masses = _v.same_length(self.masses, "masses", n, "kg", positive=True)
        omega = _v.same_length(self.omega, "omega", n, "rad/s", positive=True)
        D = _v.hermitian_psd(self.D, "D", "N^2 s", n=n, rtol=self._tol)
        K = C.sum(axis=1) if self.K is None else _v.same_length(self.K, "K", n, "N/m")
        F = np.zeros(n) if self.F is None else _v.same_length(self.F, "F", n, "N")
        if np.any(masses * omega**2 + K <= 0):
            raise ValueError(
                "K must satisfy m omega^2 + K > 0 for every particle "
                "(positive effective trap stiffness, Eq. 83)")
        gamma = _v.real_scalar(self.gamma, "gamma", "1/s", nonnegative=True)
        n_th = _v.real_scalar(self.n_th, "n_th", "phonons", nonnegative=True)
        for name, arr in (("masses", masses), ("omega", omega), ("C", C), ("D", D),
                          ("K", K), ("F", F)):
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)
        object.__setattr__(self, "gamma", gamma)
        object.__setattr__(self, "n_th", n_th)

    # ------------------------------------------------------------------ basic
    @property
    def n_particles(self) -> int:
        """Number of particles."""
        return self.C.shape[0]

    @property
    def omega_eff(self) -> np.ndarray:
        """Effective trap frequencies ``sqrt(omega^2 + K/m)`` in rad/s (Eq. 83)."""
        return np.sqrt(self.omega**2 + self.K / self.masses)

    @property
    def length_scale(self) -> np.ndarray:
        """Zero-point lengths ``sqrt(hbar/(m omega_eff))`` in m.

        The dimensionless quadratures used internally by the engines are
        ``X_j = z_j/l_j`` and ``Y_j = p_j l_j/hbar`` with ``[X_j, Y_j] = i``;
        the ladder operator ``a_j = (X_j + i Y_j)/sqrt(2)`` is the one of an
        oscillator at ``omega_eff``.
        """
        return np.sqrt(HBAR / (self.masses * self.omega_eff))

    def commutator_residual(self) -> np.ndarray:
        """``C - C^T - 4 Im(D)/hbar`` in N/m (relation under Eq. 90).

        Zero for a model in which the master equation (82) and the Langevin
        equations (88)-(89) agree and the canonical commutators are conserved
        by Eqs. (88)-(89).
        """
        return self.C - self.C.T - 4.0 * self.D.imag / HBAR

    def is_consistent(self, *, rtol: float = 1e-9) -> bool:
        """Whether ``C_jj' - C_j'j = 4 Im(D_jj')/hbar`` holds to ``rtol`` (relative to ``max |C|``)."""
        rtol = _v.real_scalar(rtol, "rtol", nonnegative=True)
        scale = max(float(np.max(np.abs(self.C))),
                    float(np.max(np.abs(4 * self.D.imag / HBAR))))
        if scale == 0.0:
            return True
        return bool(np.max(np.abs(self.commutator_residual())) <= rtol * scale)

    def replace(self, **changes) -> "ArrayModel":
        """Return a copy with some fields replaced (``K``/``F`` are kept unless given)."""
        kw = dict(masses=self.masses, omega=self.omega, C=self.C, D=self.D, K=self.K,
                  F=self.F, gamma=self.gamma, n_th=self.n_th)
        unknown = sorted(set(changes) - set(kw))
        if unknown:
            raise TypeError(f"replace() got unknown fields {unknown}; valid: {sorted(kw)}")
        kw.update(changes)
        return ArrayModel(**kw)

    # ----------------------------------------------------------- constructors
    @classmethod
    def from_matrices(cls, masses, omega_eff, C, D, *, F=None, gamma=0.0,
                      n_th=0.0) -> "ArrayModel":
        """Build a model from effective trap frequencies instead of bare ones.

        ``K`` is set to the row sums of ``C`` (Eq. 84) and the bare frequency is
        chosen so that ``omega^2 + K/m = omega_eff^2`` (the assumption of the
        chain in Sec. V B).

        Parameters
        ----------
        masses : array_like or float
            Masses in kg.
        omega_eff : array_like or float
            Effective trap frequencies in rad/s.
        C : array_like, shape (N, N)
            Couplings in N/m (Eq. 85).
        D : array_like, shape (N, N)
            Diffusion matrix in N^2 s (Eq. 87).
        F : array_like, optional
            Constant forces in N.
        gamma, n_th : float
            Gas damping rate (1/s) and bath occupation.

        Returns
        -------
        ArrayModel
        """
        C = _v.square_matrix(C, "C", "N/m")
        n = C.shape[0]
        m = _v.same_length(masses, "masses", n, "kg", positive=True)
        w = _v.same_length(omega_eff, "omega_eff", n, "rad/s", positive=True)
        K = C.sum(axis=1)
        w2 = w**2 - K / m
        if np.any(w2 <= 0):
            raise ValueError("omega_eff is too small for the couplings: omega_eff^2 - K/m "
                             "must be > 0 (rad/s)^2")
        return cls(masses=m, omega=np.sqrt(w2), C=C, D=D, K=K, F=F, gamma=gamma, n_th=n_th)

    @classmethod
    def dimensionless(cls, omega_eff, C, D, *, masses=1.0, F=None, gamma=0.0, n_th=0.0,
                      mass_unit=1e-18, frequency_unit=2 * np.pi * 1e5) -> "ArrayModel":
        """Build a model from numbers in natural units (dimensionless inputs).

        Units: masses in ``mass_unit`` (kg), frequencies and ``gamma`` in
        ``frequency_unit`` (rad/s), couplings ``C`` in
        ``mass_unit * frequency_unit**2`` (N/m), diffusion ``D`` in
        ``hbar * mass_unit * frequency_unit**2`` (N^2 s), forces ``F`` in
        ``sqrt(hbar mass_unit frequency_unit**3)`` (N).  In these units
        ``hbar = 1`` and a particle of unit mass and unit frequency has unit
        zero-point length, so e.g. ``D_jj = 1/2`` heats it by half a phonon per
        unit time (``dn/dt = D_jj l^2/hbar^2`` from Eq. 82).  The model itself
        is stored in SI units.

        Parameters
        ----------
        omega_eff : array_like
            Effective trap frequencies (dimensionless).
        C, D : array_like, shape (N, N)
            Couplings and diffusion matrix (dimensionless).
        masses, F, gamma : array_like or float
            Masses, forces and damping rate (dimensionless).
        n_th : float
            Bath occupation.
        mass_unit : float
            Mass unit in kg (default 1e-18 kg, a ~100 nm silica sphere).
        frequency_unit : float
            Frequency unit in rad/s (default 2 pi x 100 kHz).

        Returns
        -------
        ArrayModel
        """
        mu = _v.real_scalar(mass_unit, "mass_unit", "kg", positive=True)
        fu = _v.real_scalar(frequency_unit, "frequency_unit", "rad/s", positive=True)
        C = _v.square_matrix(C, "C", "dimensionless") * mu * fu**2
        D = _v.square_matrix(D, "D", "dimensionless", real=False) * HBAR * mu * fu**2
        Fs = None if F is None else (_v.real_array(F, "F", "dimensionless")
                                     * np.sqrt(HBAR * mu * fu**3))
        gamma = _v.real_scalar(gamma, "gamma", "dimensionless", nonnegative=True)
        return cls.from_matrices(_v.real_array(masses, "masses", "dimensionless") * mu,
                                 _v.real_array(omega_eff, "omega_eff", "dimensionless") * fu,
                                 C, D, F=Fs, gamma=gamma * fu, n_th=n_th)

    @classmethod
    def unidirectional_pair(cls, mass, omega_eff, C, D_diag, *, gamma=0.0,
                            n_th=0.0) -> "ArrayModel":
        """The two-particle unidirectional configuration of Eqs. (91)-(93).

        ``C_12 = C``, ``C_21 = 0`` (particle 2 drives particle 1, see
        :mod:`optbind.conventions`), ``D_12 = (1 + i) hbar C/4`` (Eq. 93) and
        ``D_11 = D_22 = D_diag``.

        Parameters
        ----------
        mass : float
            Mass of each particle in kg.
        omega_eff : float
            Effective trap frequency in rad/s.
        C : float
            Coupling constant in N/m (Eq. 92), >= 0.
        D_diag : float
            Diagonal diffusion in N^2 s; positivity of ``D`` needs
            ``D_diag >= hbar C/(2 sqrt 2)``, positivity of the real part
            ``D^uni`` of Eq. (94) needs ``D_diag >= hbar C/2``.
        gamma, n_th : float
            Gas damping rate (1/s) and bath occupation.

        Returns
        -------
        ArrayModel
        """
        C = _v.real_scalar(C, "C", "N/m", nonnegative=True)
        D_diag = _v.real_scalar(D_diag, "D_diag", "N^2 s", nonnegative=True)
        mass = _v.real_scalar(mass, "mass", "kg", positive=True)
        d12 = (1 + 1j) * HBAR * C / 4
        Cm = np.array([[0.0, C], [0.0, 0.0]])
        Dm = np.array([[D_diag, d12], [np.conj(d12), D_diag]], dtype=complex)
        return cls.from_matrices(mass, omega_eff, Cm, Dm, gamma=gamma, n_th=n_th)
