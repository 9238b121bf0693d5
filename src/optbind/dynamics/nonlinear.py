"""Nonlinear stochastic dynamics of particles in tweezers (Eqs. 72, 76-78, 96, C10b).

The engine integrates the classical (Wigner-truncated) equations of motion of
``N`` point-dipole spheres, without linearising any force:

.. math::
    \\dot{\\mathbf r}_j = \\mathbf p_j/m_j,\\qquad
    \\dot{\\mathbf p}_j = \\mathbf F_j(\\mathbf r_1..\\mathbf r_N)
        + \\mathbf F^{\\rm st}_j
        - \\gamma\\,\\mathbf p_j + \\boldsymbol\\xi_j(t),

* ``F_j``: gradient force of the Gaussian-beam field of Eqs. (77)-(78)
  (renormalised susceptibility ``chi_tilde``, Eqs. 73-74), radiation pressure
  and optical binding with the full Green tensor (Eq. C10b), evaluated by
  :func:`optbind.forces.dipoles.total_forces` for all trajectories at once;
* ``F^st``: an optional constant force per particle, e.g. ``"compensate"``
  (minus the force at the foci), which puts the equilibrium at the foci
  where the linear theory of Sec. V A expands;
* gas damping ``gamma`` (momentum damping of Eq. 96; a given rate or the
  Epstein rate of :func:`optbind.forces.gas.epstein_damping` at a pressure)
  with its thermal noise ``<xi xi> = 2 m gamma k_B T delta``;
* photon-recoil noise with its correlations between particles,
  ``<xi_{j a}(t) xi_{j' b}(t')> = 2 Re D_{ja, j'b} delta(t - t')`` (Eq. 89)
  with ``D`` from the Lindblad amplitudes of Eq. (76)
  (:func:`recoil_diffusion`), either frozen at the foci (default) or
  re-evaluated at the instantaneous positions.

``Im D`` (the commutator part that the linearised quantum theory needs, cf.
Eq. 90) has no classical counterpart and is dropped, as in
:mod:`optbind.dynamics.langevin`.  Because the recoil noise acts on the
momenta and depends on the positions only, Ito and Stratonovich readings of
the position-dependent noise coincide.

Integrator
----------
:func:`baoab` is the BAOAB splitting of Leimkuhler and Matthews (half kick,
half drift, exact Ornstein-Uhlenbeck step of the momenta, half drift, half
kick) with one force evaluation per step.  Each sub-step is solved exactly
in distribution, so the symmetric (Strang) composition has weak order 2; the
measured order is in the test-suite and the benchmark.  For a harmonic trap
its stationary position distribution is exact at any stable step.

Recoil noise at the foci (the default)
--------------------------------------
``D`` depends on the positions through the field envelope (relative change
``(z/z_R)^2``) and through the interference phases of the correlations
(``kappa (z_j - z_j')``), but the correlations are only ``~1/(kd)`` of the
diagonal.  Measured with :meth:`TweezerArrayDynamics.recoil_variation` for the
arrays of :func:`optbind.linear.chain.chain_array` (``k d = 57``):
``||D(r) - D(foci)|| / ||D|| = 2e-4, 5.5e-3, 1.3e-2`` (``N = 10``; ``6e-5, 1.7e-3,
9e-3`` for a pair) at rms displacements ``kappa z = 0.01, 0.3, 1``.  Freezing
``D`` at the foci is therefore a percent-level approximation even on limit
cycles of amplitude ``~1/kappa``; ``recoil="positions"`` re-evaluates it
(an angular quadrature per configuration, ~0.03 s for a pair).

Motion
------
``axes="z"`` (default) moves the particles along the optical axis only (the
motion of Sec. V A), with ``x, y`` held at the foci; ``axes="xyz"`` moves all
three directions.  Measured for a ``delic2020`` pair and the chains of
``chain_array``: the couplings ``dF_{z,j}/dx_{j'}`` are as large as ``C`` (1.1,
1.6 and 3.3 times ``max |C|`` for N = 2, 3, 10) but the transverse frequencies
are ~4 times the axial one (``sqrt(2) z_R/w``), so they act off-resonantly: the
growth rates of the unstable chains change by -1.2 % (N = 3) and -1.6 % (N = 10).

Units: SI throughout (m, s, kg, N, K).
"""

from __future__ import annotations

import numpy as np

from .. import validation as _v
from ..conventions import BOLTZMANN, HBAR
from ..electrodynamics.green import sphere_quadrature
from ..forces.dipoles import gradient_forces, radiation_pressure_forces, total_forces
from ..forces.gas import epstein_damping
from ..forces.scattering import amplitude_derivatives, quadrature_order
from ..linear.array import LinearArray
from ..linear.model import ArrayModel
from ..numerics import central_difference, eigenvalues
from .moments import drift_matrix as _drift_matrix
from .records import LabelledResult

__all__ = [
    "baoab",
    "recoil_diffusion",
    "TweezerArrayDynamics",
    "Trajectories",
    "fit_growth_rate",
]

_AXES = {"z": (2,), "xyz": (0, 1, 2)}
_RECOIL = ("foci", "positions", "off")


# ------------------------------------------------------------------ helpers
def _psd_sqrt(matrix):
    """``L`` with ``L L^T = matrix`` for (batches of) real symmetric PSD matrices.

    Cholesky factor when the matrix is positive definite: it depends continuously on
    the matrix, so a slightly changed diffusion (``recoil="positions"``) maps the same
    random numbers to nearly the same noise.  Eigen-decomposition otherwise.
    """
    try:
        return np.linalg.cholesky(matrix)
    except np.linalg.LinAlgError:
        lam, vec = np.linalg.eigh(matrix)
        return vec * np.sqrt(np.clip(lam, 0.0, None))[..., None, :]


def _check_diffusion(d, n, name="diffusion"):
    d = _v.real_array(d, name, "N^2 s")
    if d.shape[-2:] != (n, n):
        raise ValueError(f"{name} must have shape (..., {n}, {n}); got {d.shape}")
    if not np.allclose(
        d,
        np.swapaxes(d, -1, -2),
        rtol=1e-10,
        atol=1e-12 * float(np.max(np.abs(d)) or 1.0),
    ):
        raise ValueError(f"{name} must be symmetric (a real diffusion matrix, N^2 s)")
    return 0.5 * (d + np.swapaxes(d, -1, -2))


# --------------------------------------------------------------- integrator
def baoab(force, positions, momenta, masses, *, dt, n_steps, gamma=0.0, temperature=0.0,
          diffusion=None, diffusion_every=1, seed=None, record_every=1):
    """Integrate underdamped Langevin equations with the BAOAB splitting.

    Solves ``dq = p/m dt``, ``dp = [f(q) - gamma p] dt + sqrt(Q) dW`` with the
    momentum-noise rate ``Q = 2 m gamma k_B T 1 + 2 D(q)`` (gas noise plus
    diffusion, Eqs. 89 and 96).  One step of length ``dt`` is

    ``p += f(q) dt/2;  q += p dt/(2m);  p = e^{-gamma dt} p + eta;
    q += p dt/(2m);  p += f(q) dt/2``

    with ``eta ~ N(0, Q (1 - e^{-2 gamma dt})/(2 gamma))`` (``Q dt`` for
    ``gamma = 0``), the exact Ornstein-Uhlenbeck step of the momenta.

    Parameters
    ----------
    force : callable
        ``force(q) -> ndarray`` of the shape of ``q``, in N.
    positions, momenta : array_like, shape (..., M)
        Initial coordinates (m) and momenta (kg m/s); leading axes are
        independent trajectories (a batch), integrated together.
    masses : array_like, shape (M,)
        Mass of each coordinate in kg (> 0).
    dt : float
        Time step in s (> 0).
    n_steps : int
        Number of steps (>= 0).
    gamma : float
        Momentum damping rate in 1/s (>= 0).
    temperature : float
        Bath temperature in K (>= 0) of the damping noise.
    diffusion : None, array_like (M, M) or callable, optional
        Momentum diffusion ``D`` in N^2 s (real symmetric positive
        semidefinite; ``<xi xi> = 2 D``), or ``diffusion(q) -> (..., M, M)``
        evaluated at the positions every ``diffusion_every`` steps.
    diffusion_every : int
        Steps between evaluations of a callable ``diffusion`` (>= 1).
    seed : int, None or numpy.random.Generator
        Randomness (:func:`numpy.random.default_rng`).
    record_every : int
        Record every this many steps (>= 1); the initial state is recorded.

    Returns
    -------
    times : ndarray, shape (T,)
        Recorded times in s, ``T = n_steps // record_every + 1``.
    q, p : ndarray, shape (T, ..., M)
        Recorded coordinates (m) and momenta (kg m/s).

    Examples
    --------
    >>> t, q, p = baoab(lambda q: -q, [1.0], [0.0], [1.0], dt=0.01, n_steps=314)
    >>> bool(abs(q[-1, 0] + 1.0) < 1e-3)    # half a period of a unit oscillator
    True
    """
    if not callable(force):
        raise TypeError("force must be callable: force(q) -> array of q's shape (N)")
    q = _v.real_array(positions, "positions", "m")
    p = _v.real_array(momenta, "momenta", "kg m/s")
    if q.ndim == 0 or p.shape != q.shape:
        raise ValueError(
            f"positions and momenta must have the same shape (..., M); got "
            f"{q.shape} and {p.shape}"
        )
    n = q.shape[-1]
    m = _v.same_length(masses, "masses", n, "kg", positive=True)
    dt = _v.real_scalar(dt, "dt", "s", positive=True)
    n_steps = _v.integer(n_steps, "n_steps", minimum=0)
    gamma = _v.real_scalar(gamma, "gamma", "1/s", nonnegative=True)
    temperature = _v.real_scalar(temperature, "temperature", "K", nonnegative=True)
    diffusion_every = _v.integer(diffusion_every, "diffusion_every", minimum=1)
    record_every = _v.integer(record_every, "record_every", minimum=1)
    rng = _v.random_generator(seed)
    if diffusion is not None and not callable(diffusion):
        diffusion = _check_diffusion(diffusion, n)
        if diffusion.ndim != 2:
            raise ValueError(
                "a constant diffusion must have shape (M, M); pass a callable "
                "for position-dependent diffusion"
            )

    decay = np.exp(-gamma * dt)
    window = -np.expm1(-2.0 * gamma * dt) / (2.0 * gamma) if gamma > 0 else dt
    gas = np.diag(2.0 * m * gamma * BOLTZMANN * temperature * window)

    def noise_factor(d):
        """Transposed square root ``L^T`` of the O-step covariance (contiguous)."""
        cov = gas if d is None else gas + 2.0 * window * d
        return (
            np.ascontiguousarray(np.swapaxes(_psd_sqrt(cov), -1, -2))
            if np.any(cov)
            else None
        )

    factor = None if callable(diffusion) else noise_factor(diffusion)
    half = 0.5 * dt / m
    f = np.asarray(force(q), dtype=float)
    if f.shape != q.shape:
        raise ValueError(
            f"force(q) must return the shape of q, {q.shape}; got {f.shape}"
        )
    n_rec = n_steps // record_every + 1
    q_out = np.empty((n_rec,) + q.shape)
    p_out = np.empty((n_rec,) + q.shape)
    q_out[0], p_out[0] = q, p
    for step in range(1, n_steps + 1):
        p = p + 0.5 * dt * f  # B
        q = q + half * p  # A
        if callable(diffusion) and (step - 1) % diffusion_every == 0:
            factor = noise_factor(_check_diffusion(diffusion(q), n))
        p = decay * p  # O
        if factor is not None:
            xi = rng.standard_normal(q.shape)
            p = p + (
                np.einsum("...b,...ba->...a", xi, factor)
                if factor.ndim > 2
                else xi @ factor
            )
        q = q + half * p  # A
        f = np.asarray(force(q), dtype=float)
        p = p + 0.5 * dt * f  # B
        if step % record_every == 0:
            q_out[step // record_every] = q
            p_out[step // record_every] = p
    times = np.arange(n_rec) * record_every * dt
    return times, q_out, p_out


# ------------------------------------------------------------ recoil noise
def recoil_diffusion(
    positions, volumes, chi, field, *, axes="z", quadrature=None, chunk=32
):
    """Real momentum-diffusion matrix of photon recoil from Eq. (76), in N^2 s.

    ``D_{ja, j'b} = (hbar^2/2) int d^2n sum_s Re[(dL_ns/dr_{ja})(dL_ns/dr_{j'b})^*]``
    (the expansion of Eq. 72 to second order, Eqs. 82, 87, C9) with the
    amplitude derivatives of
    :func:`optbind.forces.scattering.amplitude_derivatives`; for
    ``axes="z"`` it is the real part of
    :func:`optbind.forces.scattering.diffusion_matrix`.

    Parameters
    ----------
    positions : array_like, shape (N, 3) or (..., N, 3)
        Particle positions in m.
    volumes, chi, field
        As in :mod:`optbind.forces.dipoles`.
    axes : {"z", "xyz"}
        Coordinates: the optical axis only, or all three.
    quadrature : int or (n_theta, n_phi), optional
        Gauss-Legendre x trapezoid orders of the angular integral; default
        :func:`optbind.forces.scattering.quadrature_order` for the largest
        separation in the batch.
    chunk : int
        Configurations per batch evaluation (memory ``~ chunk x M_nodes x N``).

    Returns
    -------
    ndarray, shape (..., N*A, N*A)
        Real symmetric positive semidefinite, index ``j*A + a`` with ``A``
        the number of axes (particle-major).
    """
    ax = _AXES[_v.choice(axes, "axes", tuple(_AXES))]
    pos = _v.vectors(positions, "positions", "m")
    if pos.ndim < 2:
        raise ValueError(
            f"positions must have shape (N, 3) or (..., N, 3); got {pos.shape}"
        )
    chunk = _v.integer(chunk, "chunk", minimum=1)
    if quadrature is None:
        orders = quadrature_order(pos, field.k)
    else:
        orders = (
            tuple(quadrature)
            if isinstance(quadrature, (tuple, list))
            else (quadrature,)
        )
    nodes, weights = sphere_quadrature(*orders)
    batch = pos.shape[:-2]
    n = pos.shape[-2]
    flat = pos.reshape((-1, n, 3))
    out = np.empty((flat.shape[0], n * len(ax), n * len(ax)))
    for start in range(0, flat.shape[0], chunk):
        block = flat[start : start + chunk]
        dl = np.stack(
            [
                amplitude_derivatives(block, volumes, chi, field, nodes, axis=a)
                for a in ax
            ],
            axis=-1,
        )  # (b, M, 2, N, A)
        dl = dl.reshape(dl.shape[:3] + (n * len(ax),))
        d = 0.5 * HBAR**2 * np.einsum("m,bmsj,bmsk->bjk", weights, dl, dl.conj())
        out[start : start + chunk] = d.real
    out = 0.5 * (out + np.swapaxes(out, -1, -2))
    return out.reshape(batch + out.shape[-2:])


# ------------------------------------------------------------------ results
class Trajectories(LabelledResult):
    """Trajectories of the nonlinear engine (a :class:`~.records.LabelledResult`).

    Variables: ``displacement`` (m) and ``momentum`` (kg m/s) with dimensions
    ``("time", "trajectory", "particle", "axis")`` (displacements from the
    foci), ``mass`` (kg, per particle) and ``stiffness`` (N/m, the diagonal
    ``-dF_{ja}/dr_{ja}`` at the foci, used by :meth:`energy`).
    """

    @property
    def times(self):
        """Recorded times in s."""
        return self.coords["time"]

    @property
    def displacements(self):
        """Displacements from the foci, shape (T, n_traj, N, A), in m."""
        return self.data["displacement"]

    @property
    def momenta(self):
        """Momenta, shape (T, n_traj, N, A), in kg m/s."""
        return self.data["momentum"]

    def energy(self):
        """Mechanical energy ``sum_{j,a} [p^2/(2m) + s q^2/2]`` in J, shape (T, n_traj).

        ``s`` is the diagonal stiffness at the foci (``stiffness`` variable);
        for a small-amplitude mode growing at rate ``lambda`` the energy grows
        as ``exp(2 lambda t)``.
        """
        m = self.data["mass"][:, None]
        s = self.data["stiffness"]
        q, p = self.displacements, self.momenta
        return 0.5 * np.sum(p**2 / m + s * q**2, axis=(-2, -1))


def fit_growth_rate(trajectories, *, t_min=None, t_max=None):
    """Growth rate from a least-squares fit of the log of the mean energy, in 1/s.

    Fits ``log <E>(t) = 2 lambda t + c`` on ``t_min <= t <= t_max``
    (:meth:`Trajectories.energy`, averaged over trajectories); ``lambda`` is
    the real part of the growing mode's eigenvalue while the motion stays in
    the linear regime (negative for a decaying initial displacement).

    Parameters
    ----------
    trajectories : Trajectories
        Output of :meth:`TweezerArrayDynamics.simulate`.
    t_min, t_max : float, optional
        Fit window in s (default: all recorded times).

    Returns
    -------
    float
        ``lambda`` in 1/s.
    """
    if not isinstance(trajectories, Trajectories):
        raise TypeError(
            f"trajectories must be Trajectories; got " f"{type(trajectories).__name__}"
        )
    t = trajectories.times
    lo = t[0] if t_min is None else _v.real_scalar(t_min, "t_min", "s")
    hi = t[-1] if t_max is None else _v.real_scalar(t_max, "t_max", "s")
    sel = (t >= lo) & (t <= hi)
    if sel.sum() < 3:
        raise ValueError(
            "the fit window [t_min, t_max] must contain at least 3 records"
        )
    e = trajectories.energy().mean(axis=1)[sel]
    if np.any(e <= 0):
        raise ValueError("the energy must be positive in the fit window")
    slope = np.polyfit(t[sel], np.log(e), 1)[0]
    return 0.5 * float(slope)


# -------------------------------------------------------------------- engine
class TweezerArrayDynamics:
    """Nonlinear Langevin dynamics of the particles of a tweezer array.

    Parameters
    ----------
    array : optbind.linear.array.LinearArray
        The physical array: foci, tweezer amplitudes, particle volumes,
        masses and susceptibilities (the exact field of Eqs. 77-78 is
        ``array.field``).  Nothing is linearised: only these inputs are used.
    gamma : float, optional
        Gas damping rate in 1/s (momentum damping of Eq. 96).
    pressure : float, optional
        Gas pressure in Pa instead of ``gamma``: the Epstein rate of
        :func:`optbind.forces.gas.epstein_damping` for spheres of the array's
        volume and density (``masses/volumes``) at ``temperature``.
        Give at most one of ``gamma`` and ``pressure`` (neither: no gas).
    temperature : float
        Gas temperature in K (>= 0).
    axes : {"z", "xyz"}
        Moving coordinates (module docstring).
    binding : bool
        Include the optical-binding force (False: trap and radiation
        pressure only, the fluctuation-dissipation check).
    recoil : {"foci", "positions", "off"}
        Recoil noise with ``D`` at the foci (default), at the instantaneous
        positions, or none.  Measured justification of ``"foci"``: see
        :meth:`recoil_variation`.
    green : str
        Coupling tensor of the binding force (default ``"full"``, Eq. 4).
    static_force : None, "compensate" or array_like (N, 3)
        Constant extra force in N; ``"compensate"`` cancels the total force
        at the foci (trap axis: radiation pressure plus binding, Eq. 86), so
        that the foci are the equilibrium positions.
    quadrature : int or (n_theta, n_phi), optional
        Angular quadrature of the recoil diffusion (see
        :func:`recoil_diffusion`).

    Examples
    --------
    >>> from optbind.linear.pair import two_particle_array
    >>> eng = TweezerArrayDynamics(two_particle_array(), gamma=1e3, temperature=1e-3,
    ...                            static_force="compensate")
    >>> traj = eng.simulate(dt=1e-7, n_steps=10, n_traj=4, seed=1)
    >>> traj.displacements.shape
    (11, 4, 2, 1)
    """

    def __init__(self, array, *, gamma=None, pressure=None, temperature=295.0, axes="z",
                 binding=True, recoil="foci", green="full", static_force=None,
                 quadrature=None):
        if not isinstance(array, LinearArray):
            raise TypeError(
                f"array must be an optbind.linear.array.LinearArray; got "
                f"{type(array).__name__}"
            )
        self.array = array
        self.field = array.field
        self.temperature = _v.real_scalar(
            temperature, "temperature", "K", nonnegative=True
        )
        if gamma is not None and pressure is not None:
            raise ValueError("give either gamma (1/s) or pressure (Pa), not both")
        if pressure is not None:
            radius = float(
                np.mean((3.0 * array.volumes / (4.0 * np.pi)) ** (1.0 / 3.0))
            )
            density = float(np.mean(array.masses / array.volumes))
            if self.temperature <= 0:
                raise ValueError(
                    "temperature must be > 0 (K) to compute the Epstein rate"
                )
            gamma = float(
                epstein_damping(pressure, radius, density, temperature=self.temperature)
            )
        self.gamma = (
            0.0
            if gamma is None
            else _v.real_scalar(gamma, "gamma", "1/s", nonnegative=True)
        )
        self.axes = _v.choice(axes, "axes", tuple(_AXES))
        self._ax = _AXES[self.axes]
        self.binding = _v.boolean(binding, "binding")
        self.recoil = _v.choice(recoil, "recoil", _RECOIL)
        self.green = _v.choice(
            green, "green", ("full", "real", "static", "far", "focal")
        )
        self.quadrature = quadrature
        n = array.n_particles
        self.n_particles = n
        self.n_dof = n * len(self._ax)
        self.masses = array.masses
        self.foci = array.foci
        self.static_force = np.zeros((n, 3))
        if isinstance(static_force, str):
            _v.choice(static_force, "static_force", ("compensate",))
            self.static_force = -self._raw_forces(self.foci)
        elif static_force is not None:
            self.static_force = _v.vectors(
                static_force, "static_force", "N", shape=(n, 3)
            )
        self._dof_masses = np.repeat(self.masses, len(self._ax))
        self._diffusion_foci = None

    # ------------------------------------------------------------ forces
    def _raw_forces(self, positions):
        a = self.array
        if self.binding:
            return total_forces(
                positions,
                a.volumes,
                a.chi,
                self.field,
                chi_tilde=a.chi_tilde,
                green=self.green,
            )
        return gradient_forces(
            positions, a.volumes, a.chi_tilde, self.field
        ) + radiation_pressure_forces(positions, a.volumes, a.chi, self.field)

    def forces(self, positions):
        """Deterministic force on every particle (without damping and noise), in N.

        Parameters
        ----------
        positions : array_like, shape (N, 3) or (..., N, 3)
            Positions in m.

        Returns
        -------
        ndarray, shape (..., N, 3)
            Gradient force + radiation pressure (+ binding) + static force.
        """
        return self._raw_forces(positions) + self.static_force

    def _positions(self, q):
        """Positions (..., N, 3) from coordinates (..., M) of the moving axes."""
        q = np.asarray(q, dtype=float)
        pos = np.broadcast_to(self.foci, q.shape[:-1] + self.foci.shape).copy()
        pos[..., list(self._ax)] += q.reshape(
            q.shape[:-1] + (self.n_particles, len(self._ax))
        )
        return pos

    def _dof_forces(self, q):
        f = self.forces(self._positions(q))[..., list(self._ax)]
        return f.reshape(f.shape[:-2] + (self.n_dof,))

    def _coordinates(self, positions):
        pos = _v.vectors(positions, "positions", "m", shape=(self.n_particles, 3))
        return (pos - self.foci)[:, list(self._ax)].ravel()

    def stiffness(self, *, positions=None, step=None):
        """Jacobian ``S[a, b] = dF_a/dq_b`` of the deterministic forces, in N/m.

        Central differences (:func:`optbind.numerics.central_difference`) of
        :meth:`forces` with respect to the moving coordinates (index
        ``j*A + axis``).  For ``axes="z"`` at the foci, ``S[j, jp]`` is the
        coupling ``C_jj'`` of Eq. (85) and ``-S[j, j]`` the renormalised
        stiffness ``m_j omega_j^2 + K_j`` of Eqs. (79), (84), up to the
        deviations of the exact forces from the closed forms (see
        :meth:`optbind.linear.array.LinearArray.numerical_C`).

        Parameters
        ----------
        positions : array_like, shape (N, 3), optional
            Expansion point in m (default the foci).
        step : float, optional
            Finite-difference step in m (default ``1e-4/k``).

        Returns
        -------
        ndarray, shape (M, M)
        """
        q0 = np.zeros(self.n_dof) if positions is None else self._coordinates(positions)
        h = (
            1e-4 / self.field.k
            if step is None
            else _v.real_scalar(step, "step", "m", positive=True)
        )
        return central_difference(self._dof_forces, q0, h).T

    def drift_matrix(self, *, positions=None, step=None):
        """Linearised drift for ``(q, p)`` at ``positions``, Eqs. (88), (96), in SI.

        :func:`optbind.gaussian.drift_matrix` with masses, the stiffness
        ``-diag(S)``, the couplings ``S - diag(S)`` of :meth:`stiffness`, and
        Brownian damping ``gamma``.  Its eigenvalues are the linear growth
        rates (real parts) and frequencies (imaginary parts) of the engine.
        """
        s = self.stiffness(positions=positions, step=step)
        diag = np.diag(s).copy()
        return _drift_matrix(
            self._dof_masses,
            -diag,
            s - np.diag(diag),
            gamma=self.gamma,
            damping="brownian",
        )

    def linear_rates(self, *, positions=None, step=None):
        """Eigenvalues of :meth:`drift_matrix` in 1/s (complex), largest real part 1st.

        The matrix is made dimensionless with the largest trap frequency
        before :func:`optbind.numerics.eigenvalues` (its Jordan-block
        tolerance is relative to the matrix norm).
        """
        a = self.drift_matrix(positions=positions, step=step)
        n = self.n_dof
        w = float(np.sqrt(np.max(-np.diag(a[n:, :n]) * (1.0 / self._dof_masses))))
        scale = np.concatenate([np.ones(n), self._dof_masses * w])
        a_dimless = a * scale[None, :] / scale[:, None] / w
        ev = eigenvalues(a_dimless) * w
        return ev[np.argsort(-ev.real, kind="stable")]

    def equilibrium(self, *, tol=1e-10, max_iter=50):
        """Positions where the deterministic force vanishes along the moving axes.

        Newton iteration from the foci with the Jacobian of :meth:`stiffness`,
        with step halving if the residual grows.

        Parameters
        ----------
        tol : float
            Convergence threshold on the displacement update, in units of
            ``1/k`` (dimensionless, > 0).
        max_iter : int
            Largest number of Newton steps.

        Returns
        -------
        ndarray, shape (N, 3)
            Equilibrium positions in m.

        Raises
        ------
        RuntimeError
            If the iteration does not converge (e.g. the radiation pressure
            pushes a particle out of its trap).
        """
        tol = _v.real_scalar(tol, "tol", "1/k", positive=True) / self.field.k
        max_iter = _v.integer(max_iter, "max_iter", minimum=1)
        q = np.zeros(self.n_dof)
        f = self._dof_forces(q)
        for _ in range(max_iter):
            s = central_difference(self._dof_forces, q, 1e-4 / self.field.k).T
            dq = np.linalg.solve(s, -f)
            lam = 1.0
            while True:
                q_new = q + lam * dq
                f_new = self._dof_forces(q_new)
                if np.linalg.norm(f_new) < np.linalg.norm(f) or lam < 1e-3:
                    break
                lam *= 0.5
            q, f = q_new, f_new
            if np.max(np.abs(lam * dq)) < tol:
                return self._positions(q)
        raise RuntimeError(
            "equilibrium: Newton iteration did not converge; the particles "
            "may not be trapped (radiation pressure too strong)"
        )

    # ------------------------------------------------------------- noise
    def diffusion(self, *, positions=None):
        """Real recoil diffusion matrix of the moving coordinates, in N^2 s.

        :func:`recoil_diffusion` at ``positions`` (default the foci);
        zero if ``recoil="off"``.
        """
        if self.recoil == "off":
            shape = () if positions is None else np.shape(positions)[:-2]
            return np.zeros(shape + (self.n_dof, self.n_dof))
        if positions is None:
            if self._diffusion_foci is None:
                self._diffusion_foci = self._recoil_at(self.foci)
            return self._diffusion_foci
        return self._recoil_at(positions)

    def _recoil_at(self, positions):
        return recoil_diffusion(positions, self.array.volumes, self.array.chi, self.field,
                                axes=self.axes, quadrature=self.quadrature)

    def recoil_variation(self, displacements):
        """Relative change ``||D(r) - D(foci)||_F / ||D(foci)||_F`` of the recoil noise.

        The number that decides whether ``recoil="foci"`` (``D`` frozen at the
        foci) is adequate at the amplitudes of a simulation.

        Parameters
        ----------
        displacements : array_like, shape (..., N, A)
            Sample displacements from the foci along the moving axes (m),
            e.g. recorded ones.

        Returns
        -------
        ndarray, shape (...)
        """
        q = _v.real_array(displacements, "displacements", "m")
        if q.shape[-2:] != (self.n_particles, len(self._ax)):
            raise ValueError(
                f"displacements must have shape (..., {self.n_particles}, "
                f"{len(self._ax)}); got {q.shape}"
            )
        pos = self._positions(q.reshape(q.shape[:-2] + (self.n_dof,)))
        d0 = self._recoil_at(self.foci)
        d = self._recoil_at(pos)
        return np.linalg.norm(d - d0, axis=(-2, -1)) / np.linalg.norm(d0)

    def linear_model(self, *, positions=None, step=None):
        """The equivalent linear :class:`~optbind.model.ArrayModel` (axes ``"z"``), SI.

        Masses, ``omega = sqrt(-S_jj/m_j)`` (``K = 0``), couplings
        ``C = S - diag(S)`` from :meth:`stiffness`, the constant forces at
        ``positions``, and a real diffusion matrix chosen so that
        :mod:`optbind.gaussian` with ``damping="brownian"`` and ``n_th = 0``
        has this engine's momentum noise ``2 m gamma k_B T + 2 Re D``:
        ``D_model = Re D + m gamma (k_B T - hbar omega/2) 1`` (the Brownian
        model adds ``gamma m hbar omega``).  It is the classical limit, so it
        requires ``k_B T >= hbar omega/2``.

        Returns
        -------
        ArrayModel
            Use with ``damping="brownian"``.
        """
        if self.axes != "z":
            raise ValueError(
                "linear_model needs axes='z' (ArrayModel describes axial " "motion)"
            )
        s = self.stiffness(positions=positions, step=step)
        stiff = -np.diag(s)
        if np.any(stiff <= 0):
            raise ValueError("the stiffness -S_jj must be > 0 at the expansion point")
        omega = np.sqrt(stiff / self.masses)
        thermal = (
            self.masses
            * self.gamma
            * (BOLTZMANN * self.temperature - 0.5 * HBAR * omega)
        )
        if self.gamma > 0 and np.any(thermal < 0):
            raise ValueError(
                "linear_model is the classical limit: needs k_B T >= hbar " "omega/2"
            )
        d = self.diffusion(
            positions=(
                None
                if positions is None
                else _v.vectors(
                    positions, "positions", "m", shape=(self.n_particles, 3)
                )
            )
        )
        q0 = np.zeros(self.n_dof) if positions is None else self._coordinates(positions)
        return ArrayModel(
            masses=self.masses,
            omega=omega,
            C=s - np.diag(np.diag(s)),
            D=d + np.diag(thermal),
            K=np.zeros(self.n_particles),
            F=self._dof_forces(q0),
            gamma=self.gamma,
            n_th=0.0,
        )

    # ---------------------------------------------------------- simulate
    def simulate(self, *, dt, n_steps, n_traj=1, seed=None, initial_displacements=None,
                 initial_momenta=None, record_every=1, recoil_every=1, drive=None):
        """Integrate the nonlinear Langevin equations with :func:`baoab`.

        Parameters
        ----------
        dt : float
            Time step in s (> 0); resolve the fastest trap period
            (``omega dt <~ 0.1`` for percent-level weak errors).
        n_steps : int
            Number of steps (>= 0).
        n_traj : int
            Number of independent trajectories, integrated together (>= 1).
        seed : int, None or numpy.random.Generator
            Randomness.
        initial_displacements, initial_momenta : array_like, optional
            Shape (N, A) or (n_traj, N, A): displacements from the foci (m)
            and momenta (kg m/s) of the moving axes; default zero.
        record_every : int
            Record every this many steps (>= 1).
        recoil_every : int
            For ``recoil="positions"``: steps between re-evaluations of the
            recoil diffusion at the current positions (>= 1).
        drive : callable, optional
            Extra time-dependent force ``drive(t) -> array`` in N, broadcastable
            to (n_traj, N, A), with ``t`` in s (beyond the paper: a weak probe
            force).  :func:`baoab` evaluates the force once per step, at the
            times ``t = n dt`` of its kicks, so the drive is sampled there.

        Returns
        -------
        Trajectories
        """
        n_traj = _v.integer(n_traj, "n_traj", minimum=1)
        shape = (n_traj, self.n_particles, len(self._ax))

        def initial(value, name, unit):
            if value is None:
                return np.zeros(shape)
            arr = _v.real_array(value, name, unit)
            if arr.shape not in (shape[1:], shape):
                raise ValueError(
                    f"{name} must have shape {shape[1:]} or {shape}; got "
                    f"{arr.shape}"
                )
            return np.broadcast_to(arr, shape).copy()

        q0 = initial(initial_displacements, "initial_displacements", "m").reshape(
            n_traj, self.n_dof
        )
        p0 = initial(initial_momenta, "initial_momenta", "kg m/s").reshape(
            n_traj, self.n_dof
        )
        if self.recoil == "foci":
            diffusion = self.diffusion()
        elif self.recoil == "positions":

            def diffusion(q):
                return self.diffusion(positions=self._positions(q))

        else:
            diffusion = None
        force = self._dof_forces
        if drive is not None:
            if not callable(drive):
                raise TypeError("drive must be callable: drive(t) -> force in N")
            calls = [0]

            def force(q):
                extra = np.broadcast_to(np.asarray(drive(calls[0] * dt), dtype=float),
                                        shape).reshape(n_traj, self.n_dof)
                calls[0] += 1
                return self._dof_forces(q) + extra

        times, q, p = baoab(
            force,
            q0,
            p0,
            self._dof_masses,
            dt=dt,
            n_steps=n_steps,
            gamma=self.gamma,
            temperature=self.temperature,
            diffusion=diffusion,
            diffusion_every=recoil_every,
            seed=seed,
            record_every=record_every,
        )
        stiff = -np.diag(self.stiffness()).reshape(self.n_particles, len(self._ax))
        dims4 = ("time", "trajectory", "particle", "axis")
        attrs = {
            "dt": float(dt),
            "n_steps": int(n_steps),
            "gamma": self.gamma,
            "temperature": self.temperature,
            "axes": self.axes,
            "binding": self.binding,
            "recoil": self.recoil,
            "green": self.green,
            "seed": seed if isinstance(seed, (int, np.integer)) else None,
        }
        return Trajectories(
            data={
                "displacement": q.reshape((times.size,) + shape),
                "momentum": p.reshape((times.size,) + shape),
                "mass": self.masses.copy(),
                "stiffness": stiff,
            },
            dims={
                "displacement": dims4,
                "momentum": dims4,
                "mass": ("particle",),
                "stiffness": ("particle", "axis"),
            },
            coords={
                "time": times,
                "trajectory": np.arange(n_traj),
                "particle": np.arange(self.n_particles),
                "axis": np.array(["xyz"[a] for a in self._ax]),
            },
            units={
                "displacement": "m",
                "momentum": "kg m/s",
                "mass": "kg",
                "stiffness": "N/m",
                "time": "s",
                "trajectory": "1",
                "particle": "1",
                "axis": "1",
            },
            attrs=attrs,
        )
