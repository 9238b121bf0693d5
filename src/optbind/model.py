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

from .conventions import HBAR

__all__ = ["ArrayModel", "NoSteadyStateError"]


class NoSteadyStateError(ValueError):
    """Raised when the linear dynamics has no steady state (unstable drift)."""


def _as_vector(name, value, n, *, dtype=float):
    arr = np.array(value, dtype=dtype)
    if arr.ndim == 0:
        arr = np.full(n, arr, dtype=dtype)
    if arr.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},); got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite")
    return arr


def _as_square(name, value, n, *, dtype=float):
    arr = np.array(value, dtype=dtype)
    if arr.shape != (n, n):
        raise ValueError(f"{name} must have shape ({n}, {n}); got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite")
    return arr


@dataclass(frozen=True)
class ArrayModel:
    """Parameters of the linearised array dynamics, Eqs. (82)-(87) and (96).

    Parameters
    ----------
    m : array_like, shape (N,)
        Particle masses in kg, all > 0.
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
    Scalars are broadcast for ``m``, ``omega``, ``K`` and ``F``.  The arrays
    are stored as read-only copies.
    """

    m: np.ndarray
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
        C = np.array(self.C, dtype=float)
        if C.ndim != 2 or C.shape[0] != C.shape[1] or C.shape[0] < 1:
            raise ValueError(f"C must be a square (N, N) matrix with N >= 1; got shape {C.shape}")
        n = C.shape[0]
        C = _as_square("C", C, n)
        if np.any(np.diag(C) != 0.0):
            raise ValueError("C must have a zero diagonal (C_jj is not defined, Eq. 85)")
        m = _as_vector("m", self.m, n)
        if np.any(m <= 0):
            raise ValueError("m must be > 0 (kg) for every particle")
        omega = _as_vector("omega", self.omega, n)
        if np.any(omega <= 0):
            raise ValueError("omega must be > 0 (rad/s) for every particle")
        D = _as_square("D", self.D, n, dtype=complex)
        scale = max(float(np.max(np.abs(D))), np.finfo(float).tiny)
        if np.max(np.abs(D - D.conj().T)) > self._tol * scale:
            raise ValueError("D must be Hermitian: D[j, jp] == conj(D[jp, j]) (Eq. 87)")
        D = 0.5 * (D + D.conj().T)
        eig_min = float(np.min(np.linalg.eigvalsh(D))) if n else 0.0
        if eig_min < -self._tol * scale * n:
            raise ValueError(
                "D must be positive semidefinite (smallest eigenvalue "
                f"{eig_min:.3e} N^2 s < 0); increase the diagonal D_jj (Eq. 87a)"
            )
        K = C.sum(axis=1) if self.K is None else _as_vector("K", self.K, n)
        F = np.zeros(n) if self.F is None else _as_vector("F", self.F, n)
        if np.any(m * omega**2 + K <= 0):
            raise ValueError(
                "K must satisfy m omega^2 + K > 0 for every particle "
                "(positive effective trap stiffness, Eq. 83)"
            )
        gamma = float(self.gamma)
        if not np.isfinite(gamma) or gamma < 0:
            raise ValueError(f"gamma must be a finite damping rate >= 0 (1/s); got {self.gamma!r}")
        n_th = float(self.n_th)
        if not np.isfinite(n_th) or n_th < 0:
            raise ValueError(f"n_th must be a finite occupation >= 0; got {self.n_th!r}")
        for name, arr in (("m", m), ("omega", omega), ("C", C), ("D", D), ("K", K), ("F", F)):
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)
        object.__setattr__(self, "gamma", gamma)
        object.__setattr__(self, "n_th", n_th)

    # ------------------------------------------------------------------ basic
    @property
    def N(self) -> int:
        """Number of particles."""
        return self.C.shape[0]

    @property
    def omega_eff(self) -> np.ndarray:
        """Effective trap frequencies ``sqrt(omega^2 + K/m)`` in rad/s (Eq. 83)."""
        return np.sqrt(self.omega**2 + self.K / self.m)

    @property
    def length_scale(self) -> np.ndarray:
        """Zero-point lengths ``sqrt(hbar/(m omega_eff))`` in m.

        The dimensionless quadratures used internally by the engines are
        ``X_j = z_j/l_j`` and ``Y_j = p_j l_j/hbar`` with ``[X_j, Y_j] = i``;
        the ladder operator ``a_j = (X_j + i Y_j)/sqrt(2)`` is the one of an
        oscillator at ``omega_eff``.
        """
        return np.sqrt(HBAR / (self.m * self.omega_eff))

    def commutator_residual(self) -> np.ndarray:
        """``C - C^T - 4 Im(D)/hbar`` in N/m (relation under Eq. 90).

        Zero for a model in which the master equation (82) and the Langevin
        equations (88)-(89) agree and the canonical commutators are conserved
        by Eqs. (88)-(89).
        """
        return self.C - self.C.T - 4.0 * self.D.imag / HBAR

    def is_consistent(self, rtol: float = 1e-9) -> bool:
        """Whether ``C_jj' - C_j'j = 4 Im(D_jj')/hbar`` holds to ``rtol`` (relative to max |C|)."""
        scale = max(float(np.max(np.abs(self.C))), float(np.max(np.abs(4 * self.D.imag / HBAR))))
        if scale == 0.0:
            return True
        return bool(np.max(np.abs(self.commutator_residual())) <= rtol * scale)

    def replace(self, **changes) -> "ArrayModel":
        """Return a copy with some fields replaced (``K``/``F`` are kept unless given)."""
        kw = dict(m=self.m, omega=self.omega, C=self.C, D=self.D, K=self.K, F=self.F,
                  gamma=self.gamma, n_th=self.n_th)
        kw.update(changes)
        return ArrayModel(**kw)

    # ----------------------------------------------------------- constructors
    @classmethod
    def from_matrices(cls, m, omega_eff, C, D, *, F=None, gamma=0.0, n_th=0.0) -> "ArrayModel":
        """Build a model from effective trap frequencies instead of bare ones.

        ``K`` is set to the row sums of ``C`` (Eq. 84) and the bare frequency is
        chosen so that ``omega^2 + K/m = omega_eff^2`` (the assumption of the
        chain in Sec. V B).

        Parameters
        ----------
        m : array_like or float
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
        C = np.asarray(C, dtype=float)
        n = C.shape[0] if C.ndim == 2 else 0
        m = _as_vector("m", m, n)
        w = _as_vector("omega_eff", omega_eff, n)
        if np.any(m <= 0):
            raise ValueError("m must be > 0 (kg) for every particle")
        if np.any(w <= 0):
            raise ValueError("omega_eff must be > 0 (rad/s) for every particle")
        K = C.sum(axis=1)
        w2 = w**2 - K / m
        if np.any(w2 <= 0):
            raise ValueError("omega_eff is too small: omega_eff^2 - K/m must be > 0 (rad/s)^2")
        return cls(m=m, omega=np.sqrt(w2), C=C, D=D, K=K, F=F, gamma=gamma, n_th=n_th)

    @classmethod
    def dimensionless(cls, omega_eff, C, D, *, m=1.0, F=None, gamma=0.0, n_th=0.0,
                      mass_unit=1e-18, frequency_unit=2 * np.pi * 1e5) -> "ArrayModel":
        """Build a model from numbers in natural units (handy for tests).

        Units: masses in ``mass_unit`` (kg), frequencies and ``gamma`` in
        ``frequency_unit`` (rad/s), couplings ``C`` in
        ``mass_unit * frequency_unit**2`` (N/m), diffusion ``D`` in
        ``hbar * mass_unit * frequency_unit**2`` (N^2 s), forces ``F`` in
        ``sqrt(hbar mass_unit frequency_unit**3)`` (N).  In these units
        ``hbar = 1`` and a particle of unit mass and unit frequency has unit
        zero-point length, so e.g. ``D_jj = 1/2`` heats it by one phonon per
        unit time (``dn/dt = D_jj l^2/hbar^2`` from Eq. 82).

        Parameters
        ----------
        omega_eff : array_like
            Effective trap frequencies (dimensionless).
        C, D : array_like, shape (N, N)
            Couplings and diffusion matrix (dimensionless).
        m, F, gamma : array_like or float
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
        if not (np.isfinite(mass_unit) and mass_unit > 0):
            raise ValueError(f"mass_unit must be > 0 (kg); got {mass_unit!r}")
        if not (np.isfinite(frequency_unit) and frequency_unit > 0):
            raise ValueError(f"frequency_unit must be > 0 (rad/s); got {frequency_unit!r}")
        C = np.asarray(C, dtype=float) * mass_unit * frequency_unit**2
        D = np.asarray(D, dtype=complex) * HBAR * mass_unit * frequency_unit**2
        Fs = None if F is None else np.asarray(F, dtype=float) * np.sqrt(HBAR * mass_unit * frequency_unit**3)
        return cls.from_matrices(np.asarray(m, dtype=float) * mass_unit,
                                 np.asarray(omega_eff, dtype=float) * frequency_unit,
                                 C, D, F=Fs, gamma=float(gamma) * frequency_unit, n_th=n_th)

    @classmethod
    def unidirectional_pair(cls, m, omega_eff, C, D_diag, *, gamma=0.0, n_th=0.0) -> "ArrayModel":
        """The two-particle unidirectional configuration of Eqs. (91)-(93).

        ``C_12 = C``, ``C_21 = 0`` (particle 2 drives particle 1, see
        :mod:`optbind.conventions`), ``D_12 = (1 + i) hbar C/4`` (Eq. 93) and
        ``D_11 = D_22 = D_diag``.

        Parameters
        ----------
        m : float
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
        C = float(C)
        if not np.isfinite(C) or C < 0:
            raise ValueError(f"C must be a finite coupling >= 0 (N/m); got {C!r}")
        d12 = (1 + 1j) * HBAR * C / 4
        Cm = np.array([[0.0, C], [0.0, 0.0]])
        Dm = np.array([[D_diag, d12], [np.conj(d12), D_diag]], dtype=complex)
        return cls.from_matrices(m, omega_eff, Cm, Dm, gamma=gamma, n_th=n_th)
