"""Master-equation engine (QuTiP) for the linearised array, Eqs. (82)-(83), (94).

Each particle is a truncated harmonic oscillator (Fock states ``0..n_max``)
at its effective frequency ``omega_eff`` (:attr:`~optbind.linear.model.ArrayModel.omega_eff`).
Internally the engine works with dimensionless quadratures (QuTiP drops
matrix elements below ~1e-12, so operators in SI units such as ``z_j z_j'``
~ 1e-22 m^2 must never be formed)
``X_j = z_j/l_j = (a_j + a_j^dag)/sqrt(2)`` and ``Y_j = p_j l_j/hbar``,
``l_j = sqrt(hbar/(m_j omega_eff_j))``; the Hamiltonian is ``H/hbar`` in rad/s,
time is in seconds, and all moments handed back are in SI units.

Lindblad form of Eq. (82)
-------------------------
Write ``M = 2 D/hbar^2`` (Hermitian PSD) as ``M = sum_k lambda_k v_k v_k^dag``
(``numpy.linalg.eigh``: ``M[j, jp] = sum_k V[j, k] lambda_k conj(V[jp, k])``).
Then ``sum_jj' M_jj' z_j rho z_jp = sum_k L_k rho L_k^dag`` with

.. math:: L_k = \\sqrt{\\lambda_k}\\sum_j V_{jk}\\, z_j

(no complex conjugate on ``V``), and ``L_k^dag L_k = sum M_jj' z_j' z_j``
reproduces the anticommutator term of Eq. (82).  ``tests/test_quantum.py``
checks the resulting Liouvillian against Eq. (82) assembled term by term.

Gas damping
-----------
``damping="lindblad"`` adds ``gamma (n_th + 1) D[a_j] + gamma n_th D[a_j^dag]``
with ``a_j`` the ladder operator at ``omega_eff``.  This quantum-optical
damping model relaxes both ``z`` and ``p`` at ``gamma/2`` and differs from the
Brownian momentum damping of Eq. (96) at order ``gamma/omega_eff``.
``damping="brownian"`` adds the (non-Lindblad) Caldeira-Leggett generator
``-(i gamma/2 hbar)[z_j, {p_j, rho}] - (D_th/hbar^2)[z_j, [z_j, rho]]`` with
``D_th = gamma m hbar omega_eff (n_th + 1/2)``, whose moment equations are
those of Eq. (96) with thermal momentum noise (same as
``optbind.gaussian`` with ``damping="brownian"``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import validation as _v
from ..conventions import HBAR
from ..linear.model import ArrayModel
from .moments import GaussianMoments, check_stability, moment_equations

try:
    import qutip
except ImportError as exc:  # pragma: no cover - depends on the installation
    raise ImportError(
        "optbind.quantum needs QuTiP, an optional dependency: "
        "pip install optbind[quantum]") from exc

__all__ = [
    "Operators",
    "operators",
    "hamiltonian",
    "collapse_operators",
    "liouvillian",
    "unidirectional_liouvillian",
    "steady_state",
    "evolve",
    "moments",
    "thermal_state",
    "coherent_state",
]

_DAMPINGS = ("lindblad", "brownian")


def _no_tidyup(func):
    """Run ``func`` with QuTiP's automatic removal of small matrix entries off.

    QuTiP drops entries below ``1e-12`` (absolute) after arithmetic; weak but
    physical rates (in rad/s) must survive the assembly of the generator.
    """
    import functools

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with qutip.CoreOptions(auto_tidyup=False):
            return func(*args, **kwargs)

    return wrapper


@dataclass(frozen=True)
class Operators:
    """Dimensionless operators of the truncated Hilbert space.

    Attributes
    ----------
    a : list of qutip.Qobj
        Ladder operators ``a_j`` (at ``omega_eff``).
    X, Y : list of qutip.Qobj
        ``X_j = z_j/l_j``, ``Y_j = p_j l_j/hbar``.
    scale : ndarray, shape (2N,)
        ``(l_1..l_N, hbar/l_1..hbar/l_N)`` so that ``z_j = l_j X_j`` etc.
    n_max : int
        Highest Fock state kept per particle.
    """

    a: list
    X: list
    Y: list
    scale: np.ndarray
    n_max: int

    @property
    def quadratures(self) -> list:
        """``[X_1..X_N, Y_1..Y_N]`` (dimensionless)."""
        return list(self.X) + list(self.Y)


def _check_model(model):
    if not isinstance(model, ArrayModel):
        raise TypeError(f"model must be an optbind.model.ArrayModel; got {type(model).__name__}")
    return model


def _check_ops(model, ops):
    if not isinstance(ops, Operators):
        raise TypeError(f"ops must be optbind.quantum.Operators (from operators(model, "
                        f"n_max=...)); got {type(ops).__name__}")
    if model is None:
        return ops
    _check_model(model)
    if len(ops.a) != model.n_particles:
        raise ValueError(f"ops must be the operators of the model's "
                         f"{model.n_particles} particles; got operators of "
                         f"{len(ops.a)} particles")
    return ops


def _check_state(rho, name):
    if not isinstance(rho, qutip.Qobj):
        raise TypeError(f"{name} must be a qutip.Qobj; got {type(rho).__name__}")
    return rho


def operators(model: ArrayModel, *, n_max: int) -> Operators:
    """Ladder operators and quadratures of the truncated array.

    Parameters
    ----------
    model : ArrayModel
        Array in SI units.
    n_max : int
        Highest Fock state per particle (dimension ``n_max + 1`` each).

    Returns
    -------
    Operators
    """
    _check_model(model)
    n_max = _v.integer(n_max, "n_max", minimum=1)
    N = model.n_particles
    dims = [n_max + 1] * N
    ident = [qutip.qeye(d, dtype="csr") for d in dims]
    a = []
    for j in range(N):
        ops = list(ident)
        ops[j] = qutip.destroy(n_max + 1, dtype="csr")
        a.append(qutip.tensor(ops) if N > 1 else ops[0])
    X = [(aj + aj.dag()) / np.sqrt(2) for aj in a]
    Y = [-1j * (aj - aj.dag()) / np.sqrt(2) for aj in a]
    ell = model.length_scale
    return Operators(a=a, X=X, Y=Y, scale=np.concatenate([ell, HBAR / ell]), n_max=n_max)


@_no_tidyup
def hamiltonian(model: ArrayModel, ops: Operators, *, couplings: bool = True) -> qutip.Qobj:
    """``H_na/hbar`` of Eq. (83) in rad/s.

    Parameters
    ----------
    model : ArrayModel
        Array in SI units.
    ops : Operators
        From :func:`operators`.
    couplings : bool
        Include ``-sum_{j != j'} C_jj' z_j z_j'/2``.  ``False`` gives
        ``H_uc`` of Eq. (95).

    Returns
    -------
    qutip.Qobj
        ``H/hbar`` (rad/s).
    """
    _check_ops(model, ops)
    couplings = _v.boolean(couplings, "couplings")
    N = model.n_particles
    ell = model.length_scale
    H = 0
    for j in range(N):
        kin = HBAR / (2 * model.masses[j] * ell[j] ** 2)                   # = omega_eff/2
        pot = (model.masses[j] * model.omega[j] ** 2 + model.K[j]) * ell[j] ** 2 / (2 * HBAR)
        H = H + kin * ops.Y[j] ** 2 + pot * ops.X[j] ** 2 - model.F[j] * ell[j] / HBAR * ops.X[j]
    if couplings:
        Cs = 0.5 * (model.C + model.C.T)       # only the symmetric part enters Eq. (83)
        for j in range(N):
            for jp in range(N):
                if j != jp and Cs[j, jp] != 0.0:
                    H = H - Cs[j, jp] * ell[j] * ell[jp] / (2 * HBAR) * ops.X[j] * ops.X[jp]
    return H


def _scaled_rate_matrix(model):
    """``2 D_jj' l_j l_j'/hbar^2`` in 1/s: Eq. (82) in the quadratures X."""
    ell = model.length_scale
    return 2.0 * model.D * np.outer(ell, ell) / HBAR**2


@_no_tidyup
def collapse_operators(model: ArrayModel, ops: Operators, *, damping: str = "lindblad",
                       rtol: float = 1e-13) -> list:
    """Collapse operators of Eq. (82) plus Lindblad gas damping.

    Parameters
    ----------
    model, ops
        As in :func:`hamiltonian`.
    damping : {"lindblad", "brownian"}
        With ``"brownian"`` no damping operators are returned (that generator
        is not of Lindblad form; :func:`liouvillian` adds it).
    rtol : float
        Eigenvalues of ``2 D/hbar^2`` below ``rtol * max`` are dropped.

    Returns
    -------
    list of qutip.Qobj
        Operators ``L_k`` in units of sqrt(1/s).
    """
    _check_ops(model, ops)
    _v.choice(damping, "damping", _DAMPINGS)
    rtol = _v.real_scalar(rtol, "rtol", nonnegative=True)
    lam, V = np.linalg.eigh(_scaled_rate_matrix(model))
    cops = []
    lmax = max(float(np.max(np.abs(lam))), 0.0)
    for k in range(model.n_particles):
        if lam[k] > rtol * lmax and lam[k] > 0:
            L = 0
            for j in range(model.n_particles):
                if V[j, k] != 0:
                    L = L + V[j, k] * ops.X[j]
            cops.append(np.sqrt(lam[k]) * L)
    if model.gamma > 0 and damping == "lindblad":
        for aj in ops.a:
            cops.append(np.sqrt(model.gamma * (model.n_th + 1)) * aj)
            if model.n_th > 0:
                cops.append(np.sqrt(model.gamma * model.n_th) * aj.dag())
    return cops


@_no_tidyup
def _brownian_superop(model, ops):
    L = 0
    gam = model.gamma
    for j in range(model.n_particles):
        X, Y = ops.X[j], ops.Y[j]
        # -(i gamma/2)[X, {Y, rho}] in dimensionless quadratures ([X, Y] = i)
        L = L - 0.5j * gam * (qutip.spre(X * Y) + qutip.sprepost(X, Y)
                              - qutip.sprepost(Y, X) - qutip.spost(Y * X))
        # -(D_th l^2/hbar^2)[X, [X, rho]],  D_th l^2/hbar^2 = gamma (n_th + 1/2)
        L = L - gam * (model.n_th + 0.5) * (qutip.spre(X * X) - 2 * qutip.sprepost(X, X)
                                            + qutip.spost(X * X))
    return L


@_no_tidyup
def liouvillian(model: ArrayModel, ops: Operators, *, damping: str = "lindblad") -> qutip.Qobj:
    """Liouvillian superoperator of Eq. (82)-(83) plus gas damping (1/s).

    Parameters
    ----------
    model, ops
        As in :func:`hamiltonian`.
    damping : {"lindblad", "brownian"}
        Gas-damping model (module docstring); ignored if ``gamma == 0``.

    Returns
    -------
    qutip.Qobj
        Superoperator ``L`` with ``d rho/dt = L rho``.
    """
    L = qutip.liouvillian(hamiltonian(model, ops),
                          collapse_operators(model, ops, damping=damping))
    if damping == "brownian" and model.gamma > 0:
        L = L + _brownian_superop(model, ops)
    return L


@_no_tidyup
def unidirectional_liouvillian(model: ArrayModel, ops: Operators, *, rtol: float = 1e-9) -> qutip.Qobj:
    """The two-particle generator written as in Eq. (94) (without gas damping).

    ``-i[H_uc, rho]/hbar + sum 2 D^uni_jj'/hbar^2 (z_j rho z_j' - {z_j z_j', rho}/2)
    + (C/2 hbar)(i[z_1, {z_2, rho}] + D[z_1] rho + D[z_2] rho)`` with
    ``D^uni_12 = D^uni_21 = hbar C/4`` and ``D^uni_jj = D_jj - hbar C/4``.
    For a model in the configuration of Eqs. (91)-(93) this equals the
    generator of Eq. (82) (see ``tests/test_quantum.py``).

    Parameters
    ----------
    model : ArrayModel
        Two particles with ``C_21 = 0`` and ``D_12 = (1 + i) hbar C_12/4``.
    ops : Operators
        From :func:`operators`.
    rtol : float
        Relative tolerance of the configuration check.

    Returns
    -------
    qutip.Qobj
        Superoperator (1/s).
    """
    _check_model(model)
    if model.n_particles != 2:
        raise ValueError(f"model must have N = 2 particles for Eq. (94); got N = {model.n_particles}")
    _check_ops(model, ops)
    rtol = _v.real_scalar(rtol, "rtol", nonnegative=True)
    C = model.C[0, 1]
    if abs(model.C[1, 0]) > rtol * abs(C) or abs(model.D[0, 1] - (1 + 1j) * HBAR * C / 4) > rtol * HBAR * abs(C):
        raise ValueError("model must be unidirectional: C[1, 0] = 0 and D[0, 1] = (1+i) hbar C[0, 1]/4 (Eqs. 91, 93)")
    # work with X_j = z_j/l_j and put the lengths into the scalar rates: QuTiP
    # drops matrix entries below ~1e-12, so operators like z_j z_j' (~1e-22 m^2)
    # must never be formed in SI units
    ell = model.length_scale
    X1, X2 = ops.X[0], ops.X[1]
    X = [X1, X2]
    L = qutip.liouvillian(hamiltonian(model, ops, couplings=False))
    Duni = np.array([[model.D[0, 0].real - HBAR * C / 4, HBAR * C / 4],
                     [HBAR * C / 4, model.D[1, 1].real - HBAR * C / 4]])
    for j in range(2):
        for jp in range(2):
            r = 2 * Duni[j, jp] * ell[j] * ell[jp] / HBAR**2
            L = L + r * (qutip.sprepost(X[j], X[jp]) - 0.5 * qutip.spre(X[j] * X[jp])
                         - 0.5 * qutip.spost(X[j] * X[jp]))
    rate = C / (2 * HBAR)
    comm_anti = (qutip.spre(X1 * X2) + qutip.sprepost(X1, X2)
                 - qutip.sprepost(X2, X1) - qutip.spost(X2 * X1))
    L = L + (1j * rate * ell[0] * ell[1]) * comm_anti
    L = L + (rate * ell[0] ** 2) * qutip.lindblad_dissipator(X1) + (rate * ell[1] ** 2) * qutip.lindblad_dissipator(X2)
    return L


def steady_state(model: ArrayModel, *, n_max: int, damping: str = "lindblad",
                 method: str = "direct", solver: str | None = None, **kwargs) -> qutip.Qobj:
    """Steady state of Eq. (82) (+ damping) in the truncated Fock space.

    The drift of the moment equations is checked first (cheap): an unstable
    model raises :class:`~optbind.model.NoSteadyStateError` instead of
    returning a truncation artefact.

    Parameters
    ----------
    model : ArrayModel
        Array in SI units.
    n_max : int
        Highest Fock state per particle; check convergence by increasing it.
    damping : {"lindblad", "brownian"}
        Gas-damping model.
    method, solver : str
        Passed to :func:`qutip.steadystate` (e.g. ``method="iterative-gmres"``).
    **kwargs
        Further options of :func:`qutip.steadystate`.

    Returns
    -------
    qutip.Qobj
        Density matrix.

    Examples
    --------
    >>> import numpy as np
    >>> import optbind.gaussian as ga
    >>> from optbind.model import ArrayModel
    >>> m = ArrayModel.dimensionless(omega_eff=1.0, C=[[0.0]], D=[[0.05]], gamma=1.0)
    >>> rho = steady_state(m, n_max=12)
    >>> S = moments(m, operators(m, n_max=12), rho).S
    >>> bool(np.allclose(S, ga.steady_state(m).S, rtol=1e-6, atol=0))
    True
    """
    _check_model(model)
    n_max = _v.integer(n_max, "n_max", minimum=1)
    A, _, _ = moment_equations(model, damping=damping, source="master").scaled()
    check_stability(A)
    ops = operators(model, n_max=n_max)
    L = liouvillian(model, ops, damping=damping)
    rho = qutip.steadystate(L, method=method, solver=solver, **kwargs)
    return rho


def evolve(model: ArrayModel, rho0: qutip.Qobj, times, *, damping: str = "lindblad",
           e_ops=None, progress_bar: str | bool | None = None, options: dict | None = None):
    """Time evolution with :func:`qutip.mesolve`.

    Parameters
    ----------
    model : ArrayModel
        Array in SI units.
    rho0 : qutip.Qobj
        Initial state (ket or density matrix) on the truncated space, e.g.
        from :func:`thermal_state`; its dimensions set ``n_max``.
    times : array_like
        Increasing times in s.
    damping : {"lindblad", "brownian"}
        Gas-damping model.
    e_ops : list of qutip.Qobj, optional
        Operators whose expectation values are recorded; ``None`` stores the
        states.
    progress_bar : str or bool, optional
        E.g. ``"tqdm"`` for a progress bar on long runs.
    options : dict, optional
        Extra :func:`qutip.mesolve` options (tolerances, ``nsteps``...).

    Returns
    -------
    qutip.solver.Result
    """
    _check_model(model)
    _check_state(rho0, "rho0")
    dims = rho0.dims[0]
    if len(dims) != model.n_particles or len(set(dims)) != 1:
        raise ValueError(f"rho0 must live on {model.n_particles} equal Fock spaces; got "
                         f"dimensions {dims}")
    times = _v.times(times, "times", strictly=True)
    ops = operators(model, n_max=dims[0] - 1)
    L = liouvillian(model, ops, damping=damping)
    opts = {"nsteps": 100000, "atol": 1e-10, "rtol": 1e-8}
    if progress_bar:
        opts["progress_bar"] = "tqdm" if progress_bar is True else progress_bar
    if options:
        opts.update(options)
    if e_ops is None:
        opts.setdefault("store_states", True)
    return qutip.mesolve(L, rho0, times, e_ops=e_ops or [], options=opts)


def moments(model: ArrayModel, ops: Operators, rho: qutip.Qobj) -> GaussianMoments:
    """First and non-symmetrised second moments of a density matrix (SI).

    Parameters
    ----------
    model : ArrayModel
        Array (used for the quadrature scales only).
    ops : Operators
        Operators on the space of ``rho``.
    rho : qutip.Qobj
        Density matrix.

    Returns
    -------
    GaussianMoments
        ``mean = <x>`` and ``S_ab = <x_a x_b> - <x_a><x_b>`` in SI, directly
        comparable with :mod:`optbind.gaussian`.
    """
    _check_ops(model, ops)
    _check_state(rho, "rho")
    q = ops.quadratures
    n = len(q)
    mean = np.array([qutip.expect(o, rho) for o in q]).real
    S = np.empty((n, n), complex)
    for a in range(n):
        for b in range(n):
            S[a, b] = qutip.expect(q[a] * q[b], rho) - mean[a] * mean[b]
    s = ops.scale
    return GaussianMoments(mean * s, S * np.outer(s, s))


def _product_state(ops, factors):
    """Tensor product of one state per particle (a single factor for N = 1)."""
    return qutip.tensor(factors) if len(ops.a) > 1 else factors[0]


def thermal_state(ops: Operators, occupations) -> qutip.Qobj:
    """Product of thermal states with the given occupations (truncated, renormalised).

    Parameters
    ----------
    ops : Operators
        Operators of the array (:func:`operators`).
    occupations : float or array_like, shape (N,)
        Mean phonon numbers, >= 0.

    Returns
    -------
    qutip.Qobj
        Density matrix.
    """
    n_particles = len(_check_ops(None, ops).a)
    n = _v.same_length(occupations, "occupations", n_particles, "phonons", nonnegative=True)
    rho = _product_state(ops, [qutip.thermal_dm(ops.n_max + 1, float(nj)) for nj in n])
    return rho / rho.tr()


def coherent_state(ops: Operators, amplitudes) -> qutip.Qobj:
    """Product of coherent states ``|alpha_j>`` (truncated, renormalised ket).

    ``ops`` as in :func:`thermal_state`; ``amplitudes`` (complex, shape (N,))
    are the coherent amplitudes ``<a_j>``.
    """
    n_particles = len(_check_ops(None, ops).a)
    alpha = _v.complex_array(amplitudes, "amplitudes", shape=(n_particles,))
    kets = [qutip.coherent(ops.n_max + 1, complex(al), method="analytic") for al in alpha]
    return _product_state(ops, kets).unit()
