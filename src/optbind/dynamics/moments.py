"""Gaussian moment dynamics of the linearised array (Eqs. 82, 88, 89, 96).

The linearised master equation (82) is quadratic, so first and second moments
of the quadratures ``x = (z_1..z_N, p_1..p_N)`` obey closed linear equations:

.. math::
    \\frac{d\\langle x\\rangle}{dt} = A\\langle x\\rangle + b, \\qquad
    \\frac{dS}{dt} = A S + S A^T + Q ,

with ``S_ab = <dx_a dx_b>`` the *non-symmetrised* second moments of the
fluctuations ``dx = x - <x>``.  ``S`` is complex Hermitian; its real part is
the symmetrised covariance ``V`` and its imaginary antisymmetric part is half
the commutator matrix, ``S - S^T = <[x_a, x_b]>``.

Drift (:func:`moment_equations`)
    ``dz_j/dt = p_j/m_j`` and ``dp_j/dt = sum_j' G_jj' z_j' + F_j`` with

    * ``source="langevin"`` (Eq. 88b): ``G = -diag(m omega^2 + K) + C``;
    * ``source="master"`` (Ehrenfest theorem of Eqs. 82-83):
      ``G = -diag(m omega^2 + K) + (C + C^T)/2 + 2 Im(D)/hbar``.

    The two agree exactly when ``C - C^T = 4 Im(D)/hbar``
    (:meth:`optbind.model.ArrayModel.is_consistent`).

Noise
    From the adjoint of the dissipator of Eq. (82), or equivalently from the
    correlator (89), ``<xi_a(t') xi_b(t)> = 2 D_ba delta(t - t')``, the
    momentum block is ``Q_pp = 2 D^T`` (complex).  The symmetrised part is
    ``2 Re D``; the antisymmetric part ``-4i Im D`` is what keeps the
    canonical commutators constant against nonreciprocal drift.

Gas damping (rate ``gamma``, occupation ``n_th``, at ``omega_eff``)
    * ``damping="lindblad"``: ``gamma (n_th+1) D[a_j] + gamma n_th D[a_j^dag]``,
      the quantum-optical model used by :mod:`optbind.quantum`.  Both ``z``
      and ``p`` relax at ``gamma/2``; the noise is
      ``Q_zz = gamma (2 n_th + 1) hbar/(2 m omega_eff)``,
      ``Q_pp = gamma (2 n_th + 1) hbar m omega_eff/2``.
    * ``damping="brownian"``: the momentum damping of Eq. (96),
      ``dp/dt = ... - gamma p``, with thermal momentum noise
      ``Q_pp = gamma m hbar omega_eff (2 n_th + 1)`` (``-> 2 m gamma k_B T``
      classically); this is the Caldeira-Leggett generator.

    In both cases ``Q_zp = -Q_pz = i hbar gamma/2``, the value that conserves
    ``[z, p] = i hbar``.  The two models differ at order ``gamma/omega_eff``.

Numerics are done in the dimensionless quadratures ``X = z/l``,
``Y = p l/hbar`` (``l`` = :attr:`~optbind.model.ArrayModel.length_scale`), in
which the vacuum covariance is ``1/2``; results are returned in SI units.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import scipy.linalg as sla

from .. import validation as _v
from ..conventions import HBAR
from ..linear.model import ArrayModel, NoSteadyStateError

__all__ = [
    "MomentEquations",
    "GaussianMoments",
    "drift_matrix",
    "moment_equations",
    "ou_propagator",
    "check_stability",
    "steady_state",
    "evolve",
    "thermal_moments",
    "check_moments",
    "phonon_occupation",
    "second_moments",
    "position_correlations",
    "log_negativity",
    "pair_symplectic_eigenvalues",
    "spectral_density",
    "transfer_matrix",
]

_DAMPINGS = ("lindblad", "brownian")
_SOURCES = ("langevin", "master")


@dataclass(frozen=True)
class MomentEquations:
    """Coefficients of the moment equations in SI units.

    Attributes
    ----------
    A : ndarray, shape (2N, 2N), real
        Drift matrix (``d<x>/dt = A <x> + b``); rows/columns ordered
        ``(z_1..z_N, p_1..p_N)``; units 1/s, kg/s (pz... block N/m), 1/kg.
    Q : ndarray, shape (2N, 2N), complex Hermitian
        Noise matrix (``dS/dt = A S + S A^T + Q``).
    b : ndarray, shape (2N,)
        Constant drift ``(0, F)``.
    scale : ndarray, shape (2N,)
        ``(l_1..l_N, hbar/l_1..hbar/l_N)``: ``x = scale * X`` with the
        dimensionless quadratures ``X``.
    """

    A: np.ndarray
    Q: np.ndarray
    b: np.ndarray
    scale: np.ndarray

    def scaled(self):
        """``(A, Q, b)`` in the dimensionless quadratures (time still in s)."""
        s = self.scale
        return (self.A * s[None, :] / s[:, None],
                self.Q / np.outer(s, s),
                self.b / s)


@dataclass(frozen=True)
class GaussianMoments:
    """First and second moments of a (Gaussian) state in SI units.

    Attributes
    ----------
    mean : ndarray, shape (2N,) or (T, 2N)
        ``<x>`` with ``x = (z, p)``; metres and kg m/s.
    S : ndarray, shape (2N, 2N) or (T, 2N, 2N), complex
        Non-symmetrised fluctuation moments ``<dx_a dx_b>``.
    """

    mean: np.ndarray
    S: np.ndarray

    @property
    def covariance(self) -> np.ndarray:
        """Symmetrised covariance ``V = Re S = <{dx_a, dx_b}>/2`` (SI)."""
        return self.S.real

    @property
    def commutator(self) -> np.ndarray:
        """``<[x_a, x_b]> = S - S^T`` (purely imaginary, SI)."""
        return self.S - np.swapaxes(self.S, -1, -2)


# ---------------------------------------------------------------- validation
def _check_model(model):
    if not isinstance(model, ArrayModel):
        raise TypeError(f"model must be an optbind.model.ArrayModel; got "
                        f"{type(model).__name__}")
    return model


def check_moments(moments, n_particles, name="initial"):
    """Validate single-time moments: mean ``(2N,)`` real, ``S`` Hermitian with ``Re S >= 0``.

    Returns
    -------
    mean : ndarray, shape (2N,)
    S : ndarray, shape (2N, 2N), complex
    """
    if not isinstance(moments, GaussianMoments):
        raise TypeError(f"{name} must be optbind.gaussian.GaussianMoments; got "
                        f"{type(moments).__name__}")
    n2 = 2 * _v.integer(n_particles, "n_particles", minimum=1)
    mean = _v.real_array(moments.mean, f"{name}.mean", "SI", shape=(n2,))
    S = _v.hermitian_psd(moments.S, f"{name}.S", "SI", n=n2, psd=False)
    _v.hermitian_psd(S.real, f"{name}.covariance", "SI", n=n2)
    return mean, S


# ------------------------------------------------------------ the equations
def drift_matrix(masses, stiffness, coupling, *, gamma=0.0, damping="lindblad"):
    """Drift matrix of the linearised equations of motion for ``x = (z, p)``.

    ``dz_j/dt = p_j/m_j`` (Eq. 88a) and ``dp_j/dt = -s_j z_j + sum_j' G_jj' z_j'``
    with the stiffness ``s_j`` and the coupling matrix ``G`` (Eq. 88b, or its
    master-equation form, see :func:`moment_equations`), plus gas damping:
    ``"lindblad"`` relaxes ``z`` and ``p`` at ``gamma/2``, ``"brownian"`` damps
    the momentum at ``gamma`` (Eq. 96).  This is the single place where the
    drift of the package is built.

    Parameters
    ----------
    masses : array_like, shape (N,)
        Masses (kg, or any unit: the drift only needs consistency).
    stiffness : array_like, shape (N,)
        ``m_j omega_j^2 + K_j`` (N/m).
    coupling : array_like, shape (N, N)
        ``G_jj'`` (N/m), e.g. ``C``.
    gamma : float
        Damping rate (1/s), >= 0.
    damping : {"lindblad", "brownian"}
        Damping model.

    Returns
    -------
    ndarray, shape (2N, 2N), real
        Rows/columns ordered ``(z_1..z_N, p_1..p_N)``.

    Examples
    --------
    >>> drift_matrix([1.0], [4.0], [[0.0]], gamma=0.1, damping="brownian")
    array([[ 0. ,  1. ],
           [-4. , -0.1]])
    """
    G = _v.square_matrix(coupling, "coupling")
    n = G.shape[0]
    m = _v.same_length(masses, "masses", n, "kg", positive=True)
    s = _v.same_length(stiffness, "stiffness", n, "N/m")
    gamma = _v.real_scalar(gamma, "gamma", "1/s", nonnegative=True)
    _v.choice(damping, "damping", _DAMPINGS)
    A = np.zeros((2 * n, 2 * n))
    A[:n, n:] = np.diag(1.0 / m)                                   # Eq. (88a)
    A[n:, :n] = G - np.diag(s)                                     # Eq. (88b)
    if gamma > 0:
        if damping == "lindblad":
            A -= 0.5 * gamma * np.eye(2 * n)
        else:
            A[n:, n:] -= gamma * np.eye(n)                         # Eq. (96)
    return A


def moment_equations(model: ArrayModel, *, damping: str = "lindblad",
                     source: str = "langevin") -> MomentEquations:
    """Drift and noise matrices of the quadratures (Eqs. 82, 88, 89, 96).

    This is the single place where the drift matrix of the package is built.

    Parameters
    ----------
    model : ArrayModel
        The array (SI units).
    damping : {"lindblad", "brownian"}
        Gas-damping model (see the module docstring); irrelevant if
        ``model.gamma == 0``.
    source : {"langevin", "master"}
        Take the coupling drift from the Langevin equations (88b), or from the
        Ehrenfest theorem of the master equation (82)-(83).  Identical for
        consistent models.

    Returns
    -------
    MomentEquations
        ``A`` (drift), ``Q`` (noise), ``b`` (constant force) and the
        quadrature scales, all SI.
    """
    _check_model(model)
    _v.choice(damping, "damping", _DAMPINGS)
    _v.choice(source, "source", _SOURCES)
    n = model.n_particles
    m, w = model.masses, model.omega_eff
    if source == "langevin":
        G = model.C                                                # Eq. (88b)
    else:
        G = 0.5 * (model.C + model.C.T) + 2.0 * model.D.imag / HBAR
    A = drift_matrix(m, m * model.omega**2 + model.K, G, gamma=model.gamma, damping=damping)
    Q = np.zeros((2 * n, 2 * n), dtype=complex)
    Q[n:, n:] = 2.0 * model.D.T                                    # Eq. (89)
    gam, nth = model.gamma, model.n_th
    if gam > 0:
        idx = np.arange(n)
        if damping == "lindblad":
            Q[idx, idx] += gam * (2 * nth + 1) * HBAR / (2 * m * w)
            Q[n + idx, n + idx] += gam * (2 * nth + 1) * HBAR * m * w / 2
        else:
            Q[n + idx, n + idx] += gam * (2 * nth + 1) * HBAR * m * w
        Q[idx, n + idx] += 0.5j * HBAR * gam
        Q[n + idx, idx] -= 0.5j * HBAR * gam
    b = np.concatenate([np.zeros(n), model.F])
    ell = model.length_scale
    scale = np.concatenate([ell, HBAR / ell])
    return MomentEquations(A=A, Q=Q, b=b, scale=scale)


def ou_propagator(A, Q, b, dt):
    """Exact propagator of ``dx = (A x + b) dt + noise`` over a time ``dt``.

    Uses Van Loan's block-matrix exponential: with
    ``M = [[-A, Q], [0, A^T]] dt``, ``expm(M) = [[., G], [0, F]]`` gives
    ``Phi = F^T = exp(A dt)`` and ``Sigma = Phi G = int_0^dt exp(A s) Q exp(A^T s) ds``.
    The mean increment ``c = int_0^dt exp(A s) b ds`` comes from the
    exponential of ``[[A, b], [0, 0]] dt`` (no inverse of ``A`` needed).
    Long steps are split into ``2^k`` substeps with ``||A|| dt/2^k <= 1`` and
    recombined by exact doubling, so that ``exp(-A dt)`` never overflows.

    Parameters
    ----------
    A : ndarray, shape (n, n)
        Drift matrix (1/s in the units of ``x``).
    Q : ndarray, shape (n, n)
        Noise matrix (units of ``x^2``/s); may be complex.
    b : ndarray, shape (n,)
        Constant drift.
    dt : float
        Time step in s, >= 0.

    Returns
    -------
    Phi : ndarray, shape (n, n)
        ``exp(A dt)``.
    c : ndarray, shape (n,)
        Mean increment.
    Sigma : ndarray, shape (n, n)
        Covariance (or second-moment) increment; Hermitian.
    """
    dt = _v.real_scalar(dt, "dt", "s", nonnegative=True)
    A = _v.square_matrix(A, "A", "1/s")
    n = A.shape[0]
    Q = _v.square_matrix(Q, "Q", n=n, real=False)
    b = _v.complex_array(b, "b", shape=(n,))
    if np.all(b.imag == 0):
        b = b.real
    # The block [[-A, Q], [0, A^T]] contains exp(-A dt), which overflows for
    # long steps.  Evaluate the step h = dt/2^k with ||A|| h <= 1 and double:
    # Phi_2h = Phi_h^2, Sigma_2h = Sigma_h + Phi_h Sigma_h Phi_h^T,
    # c_2h = c_h + Phi_h c_h  (exact semigroup composition).
    norm = float(np.linalg.norm(A, 1)) * dt
    k = max(0, int(np.ceil(np.log2(norm)))) if norm > 1 else 0
    h = dt / 2**k
    M = np.zeros((2 * n, 2 * n), dtype=np.result_type(A, Q))
    M[:n, :n] = -A * h
    M[:n, n:] = Q * h
    M[n:, n:] = A.T * h
    E = sla.expm(M)
    Phi = E[n:, n:].T.real if np.isrealobj(A) else E[n:, n:].T
    Sigma = Phi @ E[:n, n:]
    Mb = np.zeros((n + 1, n + 1), dtype=np.result_type(A, b))
    Mb[:n, :n] = A * h
    Mb[:n, n] = b * h
    c = sla.expm(Mb)[:n, n]
    for _ in range(k):
        Sigma = Sigma + Phi @ Sigma @ Phi.conj().T
        c = c + Phi @ c
        Phi = Phi @ Phi
    Sigma = 0.5 * (Sigma + Sigma.conj().T)
    return Phi, c, Sigma


def check_stability(A):
    """Raise :class:`~optbind.model.NoSteadyStateError` unless every mode of ``A`` decays.

    Eigenvalues alone cannot decide this for the drift matrices of this
    package: a nonreciprocal pair makes ``A`` nearly defective, and rounding
    splits a defective pair of eigenvalues by ``~sqrt(eps) ||A||``, which can
    exceed a weak damping ``gamma/2`` (``gamma/omega ~ 1e-9`` at ultra-high
    vacuum).  The test is therefore Lyapunov's theorem: ``A`` is stable iff
    ``A X + X A^T = -1`` has a positive definite solution ``X``, which the
    backward-stable Bartels-Stewart solver decides reliably.  The spectral
    abscissa is computed for the message and the return value.

    Parameters
    ----------
    A : ndarray, shape (n, n)
        Drift matrix (1/s).

    Returns
    -------
    float
        The spectral abscissa ``max Re(eig A)`` (1/s): negative, or a rounding
        residue of size ``<~ sqrt(eps) ||A||`` for a nearly defective stable ``A``.

    Raises
    ------
    NoSteadyStateError
        If a mode grows or does not decay.
    """
    A = _v.square_matrix(A, "A", "1/s")
    absc = float(np.max(np.linalg.eigvals(A).real))
    n = A.shape[0]
    with np.errstate(all="ignore"), warnings.catch_warnings():
        # scipy warns when eigenvalues pair up to zero sum: exactly the marginal case
        warnings.simplefilter("ignore", RuntimeWarning)
        X = sla.solve_continuous_lyapunov(A, -np.eye(n))
    X = 0.5 * (X + X.T)
    stable = bool(np.all(np.isfinite(X))) and float(np.min(np.linalg.eigvalsh(X))) > 0.0
    if stable:
        # the residual must be small compared with X (a singular A gives garbage)
        res = np.linalg.norm(A @ X + X @ A.T + np.eye(n)) / max(np.linalg.norm(A) *
                                                              np.linalg.norm(X), 1.0)
        stable = res < 1e-8
    if not stable:
        raise NoSteadyStateError(
            f"the drift matrix has a mode that does not decay (largest real part of its "
            f"eigenvalues {absc:.4g} 1/s): no steady state (add gas damping gamma > 0, or "
            "the couplings make a mode grow)"
        )
    return absc


def _lyapunov(A, Q):
    """Solve ``A S + S A^T + Q = 0`` for real ``A`` and Hermitian ``Q``.

    Real and imaginary parts are solved as two real problems: SciPy 1.17's
    ``solve_continuous_lyapunov`` returns a wrong answer for a real ``A`` with
    complex eigenvalues combined with a complex ``Q`` (it feeds the real
    quasi-triangular Schur form to the complex triangular Sylvester solver).
    """
    S = sla.solve_continuous_lyapunov(A, -Q.real)
    if np.any(Q.imag != 0):
        S = S + 1j * sla.solve_continuous_lyapunov(A, -Q.imag)
    return 0.5 * (S + S.conj().T)


def _to_si(eqs, mean, S):
    s = eqs.scale
    return mean * s, S * np.outer(s, s)


def steady_state(model: ArrayModel, *, damping: str = "lindblad",
                 source: str = "langevin") -> GaussianMoments:
    """Steady-state moments from the Lyapunov equation ``A S + S A^T + Q = 0``.

    Solved with :func:`scipy.linalg.solve_continuous_lyapunov` in the
    dimensionless quadratures; the mean solves ``A <x> + b = 0``.

    Parameters
    ----------
    model : ArrayModel
        Array in SI units.
    damping : {"lindblad", "brownian"}
        Gas-damping model.
    source : {"langevin", "master"}
        Origin of the drift (see :func:`moment_equations`).

    Returns
    -------
    GaussianMoments
        Steady-state mean and non-symmetrised fluctuation moments (SI).

    Raises
    ------
    NoSteadyStateError
        If the drift has an eigenvalue with non-negative real part.

    Examples
    --------
    One oscillator heated by half a phonon per unit time (natural units,
    :meth:`~optbind.model.ArrayModel.dimensionless`) and damped at
    ``gamma = 0.1`` holds ``n = 0.5/gamma = 5`` phonons:

    >>> from optbind.model import ArrayModel
    >>> m = ArrayModel.dimensionless(omega_eff=1.0, C=[[0.0]], D=[[0.5]], gamma=0.1)
    >>> round(float(phonon_occupation(m, steady_state(m))[0]), 10)
    5.0
    """
    eqs = moment_equations(model, damping=damping, source=source)
    A, Q, b = eqs.scaled()
    check_stability(A)
    S = _lyapunov(A, Q)
    mean = np.linalg.solve(A, -b)
    return GaussianMoments(*_to_si(eqs, mean, S))


def thermal_moments(model: ArrayModel, *, occupations=0.0,
                    coherent_amplitudes=None) -> GaussianMoments:
    """Moments of uncoupled thermal (or displaced thermal) states at ``omega_eff``.

    Parameters
    ----------
    model : ArrayModel
        Array (sets masses and effective frequencies).
    occupations : float or array_like, shape (N,)
        Thermal occupations, >= 0 (0 gives the vacuum or a coherent state).
    coherent_amplitudes : complex or array_like, shape (N,), optional
        Coherent amplitudes ``<a_j>``; ``<z_j> = sqrt(2) l_j Re(<a_j>)``,
        ``<p_j> = sqrt(2) (hbar/l_j) Im(<a_j>)``.

    Returns
    -------
    GaussianMoments
        SI moments: ``V = (n + 1/2)`` times the vacuum covariance.
    """
    _check_model(model)
    N = model.n_particles
    n = _v.same_length(occupations, "occupations", N, "phonons", nonnegative=True)
    alpha = (np.zeros(N, complex) if coherent_amplitudes is None else
             _v.complex_array(coherent_amplitudes, "coherent_amplitudes", shape=(N,)))
    eqs = moment_equations(model)
    S = np.zeros((2 * N, 2 * N), complex)
    idx = np.arange(N)
    S[idx, idx] = n + 0.5
    S[N + idx, N + idx] = n + 0.5
    S[idx, N + idx] = 0.5j
    S[N + idx, idx] = -0.5j
    mean = np.sqrt(2.0) * np.concatenate([alpha.real, alpha.imag])
    return GaussianMoments(*_to_si(eqs, mean, S))


def evolve(model: ArrayModel, initial: GaussianMoments, times, *,
           damping: str = "lindblad", source: str = "langevin") -> GaussianMoments:
    """Exact time evolution of mean and non-symmetrised second moments.

    ``S(t) = Phi S(0) Phi^T + Sigma(t)`` and
    ``<x>(t) = Phi <x>(0) + c(t)`` with ``Phi = exp(A t)`` and the Van Loan
    integrals of :func:`ou_propagator`; no time-stepping error.

    Parameters
    ----------
    model : ArrayModel
        Array in SI units.
    initial : GaussianMoments
        Moments at ``t = 0`` (SI).
    times : array_like, shape (T,)
        Times in s, >= 0.
    damping, source : str
        As in :func:`moment_equations`.

    Returns
    -------
    GaussianMoments
        ``mean`` of shape (T, 2N) and ``S`` of shape (T, 2N, 2N), SI.
    """
    eqs = moment_equations(model, damping=damping, source=source)
    A, Q, b = eqs.scaled()
    times = _v.times(times, "times", nonnegative=True)
    s = eqs.scale
    m0, S0 = check_moments(initial, model.n_particles)
    m0, S0 = m0 / s, S0 / np.outer(s, s)
    means = np.empty((times.size, A.shape[0]))
    Ss = np.empty((times.size,) + A.shape, complex)
    for k, t in enumerate(times):
        Phi, c, Sig = ou_propagator(A, Q, b, t)
        means[k] = Phi @ m0 + c
        Ss[k] = Phi @ S0 @ Phi.T + Sig
    return GaussianMoments(means * s, Ss * np.outer(s, s))


# ----------------------------------------------------------------- readouts
def _check_moments_type(moments):
    if not isinstance(moments, GaussianMoments):
        raise TypeError(f"moments must be optbind.gaussian.GaussianMoments; got "
                        f"{type(moments).__name__}")
    return moments


def _dimensionless(model, moments):
    _check_model(model)
    _check_moments_type(moments)
    n2 = 2 * model.n_particles
    if np.shape(moments.mean)[-1:] != (n2,) or np.shape(moments.S)[-2:] != (n2, n2):
        raise ValueError(f"moments must belong to the model: mean of shape (..., {n2}) "
                         f"and S of shape (..., {n2}, {n2}); got "
                         f"{np.shape(moments.mean)} and {np.shape(moments.S)}")
    s = moment_equations(model).scale
    return np.asarray(moments.mean) / s, np.asarray(moments.S) / np.outer(s, s)


def phonon_occupation(model: ArrayModel, moments: GaussianMoments) -> np.ndarray:
    """Mean phonon numbers ``<a_j^dag a_j>`` at ``omega_eff`` (including the mean).

    ``<a^dag a> = (<X^2> + <Y^2> - 1)/2`` with ``X = z/l``, ``Y = p l/hbar``.

    Parameters
    ----------
    model : ArrayModel
        Array (sets the oscillator frequencies).
    moments : GaussianMoments
        Moments (single time or time series).

    Returns
    -------
    ndarray, shape (N,) or (T, N)
        Occupations (dimensionless).
    """
    mean, S = _dimensionless(model, moments)
    N = model.n_particles
    d = np.diagonal(S.real, axis1=-2, axis2=-1)
    tot = d + mean**2
    return 0.5 * (tot[..., :N] + tot[..., N:] - 1.0)


def second_moments(moments: GaussianMoments) -> np.ndarray:
    """Full non-symmetrised second moments ``<x_a x_b> = S_ab + <x_a><x_b>`` (SI)."""
    _check_moments_type(moments)
    mean = np.asarray(moments.mean)
    return np.asarray(moments.S) + mean[..., :, None] * mean[..., None, :]


def position_correlations(moments: GaussianMoments, *, symmetrised: bool = True) -> np.ndarray:
    """Position correlations ``<z_i z_j>`` in m^2 (including the means).

    Parameters
    ----------
    moments : GaussianMoments
        Moments (single time or time series).
    symmetrised : bool
        ``True``: ``<{z_i, z_j}>/2`` (real symmetric).  ``False``: the complex
        ``<z_i z_j>``; positions commute at equal times, so its imaginary part
        vanishes for a physical state, and the imaginary antisymmetric part of
        the full matrix (e.g. ``<z_i p_j>``) is half the commutator.

    Returns
    -------
    ndarray, shape (N, N) or (T, N, N)
    """
    symmetrised = _v.boolean(symmetrised, "symmetrised")
    M = second_moments(moments)
    N = M.shape[-1] // 2
    zz = M[..., :N, :N]
    return zz.real if symmetrised else zz


def pair_symplectic_eigenvalues(model: ArrayModel, moments: GaussianMoments, i: int, j: int):
    """Smallest symplectic eigenvalues of the two-mode state of particles ``i``, ``j``.

    The two-mode covariance in dimensionless quadratures
    ``(X_i, Y_i, X_j, Y_j)`` (vacuum = identity/2) and its partial transpose
    (``Y_j -> -Y_j``) are diagonalised symplectically.

    Parameters
    ----------
    model : ArrayModel
        Array (sets the quadrature scales; the result does not depend on them).
    moments : GaussianMoments
        Single-time moments.
    i, j : int
        Distinct particle indices (0-based).

    Returns
    -------
    nu_state : float
        Smallest symplectic eigenvalue of the covariance itself; ``>= 1/2``
        for every physical state (uncertainty principle).
    nu_pt : float
        Smallest symplectic eigenvalue of the partial transpose; the state is
        entangled iff ``nu_pt < 1/2`` (Simon's criterion for two modes).
    """
    N = model.n_particles
    _check_model(model)
    i = _v.integer(i, "i", minimum=0, maximum=N - 1)
    j = _v.integer(j, "j", minimum=0, maximum=N - 1)
    if i == j:
        raise ValueError("i and j must be different particles")
    _, S = _dimensionless(model, moments)
    if S.ndim != 2:
        raise ValueError("moments must be single-time (S of shape (2N, 2N))")
    idx = [i, N + i, j, N + j]
    V = S.real[np.ix_(idx, idx)].copy()
    P = np.diag([1.0, 1.0, 1.0, -1.0])
    J = np.kron(np.eye(2), np.array([[0.0, 1.0], [-1.0, 0.0]]))
    nu_state = np.min(np.abs(np.linalg.eigvals(1j * J @ V)))
    nu_pt = np.min(np.abs(np.linalg.eigvals(1j * J @ P @ V @ P)))
    return float(nu_state), float(nu_pt)


def log_negativity(model: ArrayModel, moments: GaussianMoments, i: int, j: int) -> float:
    """Logarithmic negativity between particles ``i`` and ``j`` (0-based).

    ``E_N = max(0, -ln(2 nu_-))`` with ``nu_-`` the smallest symplectic
    eigenvalue of the partially transposed two-mode covariance
    (:func:`pair_symplectic_eigenvalues`).  For a two-mode squeezed vacuum of
    squeezing ``r`` this gives ``2 r``.

    Parameters
    ----------
    model, moments, i, j
        As in :func:`pair_symplectic_eigenvalues`.

    Returns
    -------
    float
        ``E_N`` in nats (natural logarithm).
    """
    _, nu_pt = pair_symplectic_eigenvalues(model, moments, i, j)
    return float(max(0.0, -np.log(2.0 * nu_pt)))


def _omega_axis(omega):
    omega = np.atleast_1d(_v.real_array(omega, "omega", "rad/s"))
    if omega.ndim != 1:
        raise ValueError(f"omega must be 1-dimensional (rad/s); got shape {omega.shape}")
    return omega


def _transfer_scaled(A, omega):
    """``H(omega) = (-i omega - A)^{-1}`` for every frequency (dimensionless quadratures)."""
    n = A.shape[0]
    return np.linalg.inv(-1j * omega[:, None, None] * np.eye(n) - A[None])


def transfer_matrix(model: ArrayModel, omega, *, damping: str = "lindblad",
                    source: str = "langevin") -> np.ndarray:
    """Frequency response ``H(omega) = (-i omega - A)^{-1}`` of the quadratures (SI).

    With ``x[omega] = int dt e^{i omega t} x(t)`` (:mod:`optbind.conventions`) the
    moment equations' Langevin form ``dx/dt = A x + b + xi`` gives
    ``x[omega] = H(omega) xi[omega]``.  The ``(z_a, p_b)`` block is the mechanical
    susceptibility in m/N: the response of particle ``a``'s position to a force
    on particle ``b`` (a force enters ``dp_b/dt``).

    Parameters
    ----------
    model : ArrayModel
        Array in SI units (must be stable).
    omega : array_like, shape (F,)
        Angular frequencies in rad/s (any sign).
    damping, source : str
        As in :func:`moment_equations`.

    Returns
    -------
    ndarray, shape (F, 2N, 2N), complex
        ``H[f, a, b] = d x_a / d xi_b`` in SI units (``x_a`` unit over the unit
        of ``d x_b/dt``), rows and columns ``(z_1..z_N, p_1..p_N)``.
    """
    eqs = moment_equations(model, damping=damping, source=source)
    A, _, _ = eqs.scaled()
    check_stability(A)
    s = eqs.scale
    return _transfer_scaled(A, _omega_axis(omega)) * (s[:, None] / s[None, :])


def spectral_density(model: ArrayModel, omega, *, damping: str = "lindblad",
                     source: str = "langevin", symmetrised: bool = True) -> np.ndarray:
    """Two-sided spectral density matrix of the quadratures (SI).

    With ``x[omega] = int dt e^{i omega t} x(t)`` (convention of
    :mod:`optbind.conventions`), ``x[omega] = H(omega) xi[omega]`` with
    ``H = (-i omega - A)^{-1}`` (:func:`transfer_matrix`).  The quantum
    regression theorem gives, for the stationary fluctuations,
    ``<x_a(tau) x_b(0)> = [e^{A tau} S]_ab`` for ``tau >= 0`` and
    ``[S e^{-A^T tau}]_ab`` for ``tau < 0``, whose Fourier transform is

    .. math:: S_{ab}(\\omega) = \\int d\\tau\\, e^{i\\omega\\tau}
              \\langle x_a(\\tau) x_b(0)\\rangle
              = [H S + S H^\\dagger]_{ab} = [H Q H^\\dagger]_{ab}

    (the last step uses the Lyapunov equation ``A S + S A^T + Q = 0``), with
    the complex noise matrix ``Q`` of :func:`moment_equations` as it stands:
    ``Q_ab dt`` is the coefficient of ``xi_a xi_b`` in that order.

    Parameters
    ----------
    model, omega, damping, source
        As in :func:`transfer_matrix`.
    symmetrised : bool
        ``True`` (default): the symmetrised spectrum ``H Re(Q) H^dag``, i.e. the
        transform of ``<{x_a(tau), x_b(0)}>/2``, equal to
        ``(S_ab(omega) + S_ba(-omega))/2``; ``int S d omega/(2 pi)`` is the
        stationary covariance ``Re S``.  ``False``: the non-symmetrised
        ``S_ab(omega)`` above, whose integral is the complex stationary moment
        matrix ``S`` (its imaginary part carries the commutators).

    Returns
    -------
    ndarray, shape (F, 2N, 2N), complex Hermitian at every frequency
        ``S_xx`` in SI units (e.g. m^2 s = m^2/Hz for the ``zz`` block).
    """
    symmetrised = _v.boolean(symmetrised, "symmetrised")
    eqs = moment_equations(model, damping=damping, source=source)
    A, Q, _ = eqs.scaled()
    check_stability(A)
    H = _transfer_scaled(A, _omega_axis(omega))
    noise = Q.real if symmetrised else Q
    out = H @ noise @ np.conj(np.swapaxes(H, -1, -2))
    return out * np.outer(eqs.scale, eqs.scale)
