"""The master equation (72) without linearisation, for particles moving along z (QuTiP).

Beyond the paper: Eq. (72) is propagated with the full trap potential of
Eqs. (73), (77)-(78), the full binding potential of Eq. (75) and the
position-dependent Lindblad operators of Eq. (76), for ``N`` particles that
move along the optical axis (``r_j = d_j + z_j e_z``), and is compared with its
linearisation, Eq. (82).

Position representation of the generator
----------------------------------------
Every operator of Eq. (72) except the kinetic energy is a function of the
positions.  In the position representation, ``rho(a, b) = <z_a|rho|z_b>`` with
configurations ``z_a, z_b`` of all ``N`` particles,

.. math::
   \\partial_t \\rho(a, b) = -\\frac{i}{\\hbar}[T, \\rho](a, b)
   + \\Lambda(z_a, z_b)\\,\\rho(a, b),\\qquad
   \\Lambda = -\\frac{i}{\\hbar}[V(z_a) - V(z_b)] + W(z_a, z_b)
   - \\tfrac12 W(z_a, z_a) - \\tfrac12 W(z_b, z_b),

with ``V = V_L + V_opt - sum_j F^c_j z_j`` and the photon-scattering kernel
``W(z_a, z_b) = int d^2n sum_s L_ns(z_a) L_ns(z_b)^*`` (``W(z, z)`` is the
total scattering rate).  ``W`` is evaluated with the package's amplitudes of
Eq. (76) (:func:`optbind.forces.scattering.scattering_amplitudes`) and
angular rule (:func:`optbind.forces.scattering.quadrature_order`), as one
matrix product over the quadrature nodes; its closed form is
``W = (eps0/2 hbar) sum_jj' V_j V_j' (chi E_L(r_bj'))^dag Im G(r_aj - r_bj')
chi E_L(r_aj)`` (checked in ``tests/test_quantum_regime.py``).  ``F^c`` is
an optional static force that cancels the mean force at the foci
(radiation pressure and binding, Eq. 86; as ``static_force="compensate"`` of
:class:`optbind.dynamics.nonlinear.TweezerArrayDynamics`), so that the foci
are the classical equilibria around which Eq. (82) expands.

Linearisation
-------------
The second-order Taylor polynomial of ``Lambda`` in ``(z_a, z_b)`` is the
generator of Eq. (82) in the position representation,
``-(i/2 hbar)[z_a^T S z_a - z_b^T S z_b] + (i/hbar) F.(z_a - z_b)
+ sum_jj' (2 D_jj'/hbar^2)(z_aj z_bj' - z_aj z_aj'/2 - z_bj z_bj'/2)``:
``D_jj' = (hbar^2/2) d^2 Lambda/dz_aj dz_bj'`` and the Hessian ``S`` of
``H_na`` (diagonal ``m omega_j^2 + K_j``, off-diagonal ``-(C_jj' + C_j'j)/2``)
follow from the Hessian of ``Lambda``; ``C = -S_offdiag + 2 Im D/hbar`` is the
force Jacobian (the relation under Eq. 90).  :meth:`AxialMasterEquation.linear_model`
returns these as an :class:`~optbind.linear.model.ArrayModel`.

Lamb-Dicke knob
---------------
The Lamb-Dicke parameter ``eta = (k - 1/z_R) z_zpf``, ``z_zpf =
sqrt(hbar/(2 m omega))`` (Eq. 79 frequency of particle 1), is enlarged by
replacing ``hbar`` with ``hbar_eff = hbar (eta/eta_phys)^2`` at fixed classical
forces.  The Lindblad operators scale as ``hbar_eff^(-1/2)`` (Eq. 76), so
``D`` scales as ``hbar_eff``: in the quadratures ``X_j = z_j/l_j``,
``l_j = sqrt(hbar_eff/(m_j omega_eff_j))``, with time in units of
``1/omega_1``, Eq. (82) does not depend on ``eta`` at all (with ``F^c``),
while Eq. (72) tends to it as ``eta -> 0``.

Basis
-----
Each particle lives in ``n_max + 1`` Fock states, represented on the
eigenbasis of the truncated ``X = (a + a^dag)/sqrt 2`` (a discrete-variable
representation: Gauss-Hermite nodes ``x_i``).  There the functions of the
positions are diagonal (``f(X)`` is the function of the truncated matrix), and
the linearised generator is exactly :func:`optbind.dynamics.quantum.liouvillian`
in the rotated Fock basis.  The momentum ``Y`` is the rotated truncated
``-i(a - a^dag)/sqrt 2``; gas or feedback damping is the Lindblad damping of
:mod:`optbind.dynamics.quantum` (``gamma (n_th + 1) D[a] + gamma n_th D[a^dag]``
with ``a`` at ``omega_eff``).

Units: the Liouvillians are dimensionless (time in ``1/omega_1``, ``omega_1``
the bare axial frequency of particle 1, Eq. 79); moments are in the
dimensionless quadratures ``X_j, Y_j``; everything else in SI.  QuTiP is an
optional extra (``pip install optbind[quantum]``), imported on first use.
"""
from __future__ import annotations

import numpy as np

from .. import validation as _v
from ..conventions import HBAR
from ..forces.dipoles import binding_potential, optical_potential, total_forces
from ..forces.scattering import quadrature_order, scattering_amplitudes
from ..electrodynamics.green import sphere_quadrature
from ..linear.array import LinearArray
from ..linear.model import ArrayModel

__all__ = [
    "position_grid",
    "AxialMasterEquation",
]

_KINDS = ("full", "linear")


def _qutip():
    try:
        import qutip
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise ImportError(
            "optbind.dynamics.nonlinear_quantum needs QuTiP, an optional dependency: "
            "pip install optbind[quantum]") from exc
    return qutip


def position_grid(n_max):
    """Nodes and eigenvectors of the truncated quadrature ``X = (a + a^dag)/sqrt 2``.

    Parameters
    ----------
    n_max : int
        Highest Fock state (dimension ``n_max + 1``, >= 1).

    Returns
    -------
    x : ndarray, shape (n_max + 1,)
        Eigenvalues of the truncated ``X``: the roots of the Hermite polynomial
        ``H_{n_max+1}(x)`` (Gauss-Hermite nodes), dimensionless.
    U : ndarray, shape (n_max + 1, n_max + 1)
        Real orthogonal; column ``i`` is the Fock-basis vector of node ``i``.

    Examples
    --------
    >>> import numpy as np
    >>> x, U = position_grid(2)
    >>> bool(np.allclose(x, [-np.sqrt(1.5), 0.0, np.sqrt(1.5)]))
    True
    """
    n_max = _v.integer(n_max, "n_max", minimum=1)
    off = np.sqrt(np.arange(1, n_max + 1) / 2.0)
    X = np.diag(off, 1) + np.diag(off, -1)
    x, U = np.linalg.eigh(X)
    return x, U


def _ladder(n):
    return np.diag(np.sqrt(np.arange(1, n)), 1)


class AxialMasterEquation:
    """Eq. (72) for the axial motion of the particles of a tweezer array (module docstring).

    Parameters
    ----------
    array : optbind.linear.array.LinearArray
        The physical array (foci, tweezer amplitudes, spheres); the exact field
        of Eqs. (77)-(78) is ``array.field``.  Only these inputs are used.
    eta : float
        Lamb-Dicke parameter ``(k - 1/z_R) z_zpf`` of particle 1 (> 0); sets
        ``hbar_eff``.  ``None``: the physical value.
    n_max : int
        Highest Fock state per particle (>= 1); the Hilbert space has
        ``(n_max + 1)^N`` states.
    gamma : float
        Damping rate in units of ``omega_1`` (>= 0), Lindblad form.
    n_th : float
        Bath occupation of the damping (>= 0).
    compensate : bool
        Add the static force ``F^c`` that cancels the mean force at the foci
        (default True; without it the equilibrium is displaced by
        ``~F/(m omega^2)``, which the Fock space must then hold).
    quadrature : optional
        Angular rule for ``W`` as in :func:`optbind.forces.scattering.scattering_rate`
        (default from :func:`~optbind.forces.scattering.quadrature_order`).
    step : float, optional
        Finite-difference step for the Taylor coefficients, in units of
        ``1/k`` (default ``3e-4``).

    Examples
    --------
    >>> from optbind.linear.pair import two_particle_array
    >>> me = AxialMasterEquation(two_particle_array(), eta=0.1, n_max=3, gamma=1.0)
    >>> me.dims
    [4, 4]
    >>> L = me.liouvillian("full")
    >>> L.shape
    (256, 256)
    """

    def __init__(self, array, *, eta=None, n_max, gamma=0.0, n_th=0.0, compensate=True,
                 quadrature=None, step=None):
        if not isinstance(array, LinearArray):
            raise TypeError(f"array must be an optbind.linear.array.LinearArray; got "
                            f"{type(array).__name__}")
        self.array = array
        self.field = array.field
        self.n_particles = array.n_particles
        self.n_max = _v.integer(n_max, "n_max", minimum=1)
        self.gamma = _v.real_scalar(gamma, "gamma", "omega_1", nonnegative=True)
        self.n_th = _v.real_scalar(n_th, "n_th", "phonons", nonnegative=True)
        self.compensate = _v.boolean(compensate, "compensate")
        h = 3e-4 if step is None else _v.real_scalar(step, "step", "1/k", positive=True)
        self._step = h / array.k
        self.kappa = array.kappa
        self.omega_unit = float(array.omega[0])
        m1 = float(array.masses[0])
        self.eta_physical = float(self.kappa * np.sqrt(HBAR / (2 * m1 * self.omega_unit)))
        self.eta = (self.eta_physical if eta is None
                    else _v.real_scalar(eta, "eta", "dimensionless", positive=True))
        #: effective Planck constant in J s
        self.hbar = HBAR * (self.eta / self.eta_physical) ** 2
        if quadrature is None:
            reach = self.foci_span + 4.0 / self.kappa
            quadrature = quadrature_order(np.array([[0.0, 0, 0], [reach, 0, 0]]), array.k)
        if isinstance(quadrature, tuple) and len(quadrature) == 2 and np.ndim(quadrature[0]) == 2:
            self._nodes, self._weights = quadrature
        else:
            orders = quadrature if isinstance(quadrature, (tuple, list)) else (quadrature,)
            self._nodes, self._weights = sphere_quadrature(*orders)
        self.static_force = np.zeros(self.n_particles)
        if self.compensate:
            self.static_force = -self.mean_force()
        self._taylor()
        self._grid = None

    # ---------------------------------------------------------------- geometry
    @property
    def foci_span(self):
        """Largest distance between two foci in m (0 for one particle)."""
        f = self.array.foci
        return float(np.max(np.linalg.norm(f[:, None] - f[None], axis=-1)))

    @property
    def dims(self):
        """Fock dimensions ``[n_max + 1] * N``."""
        return [self.n_max + 1] * self.n_particles

    def _positions(self, z):
        z = np.asarray(z, dtype=float)
        pos = np.broadcast_to(self.array.foci, z.shape + (3,)).copy()
        pos[..., 2] += z
        return pos

    # ------------------------------------------------------------ c-numbers
    def potential(self, z):
        """``V_L + V_opt`` (Eqs. 73, 75; full ``Re G``) at axial displacements ``z``, J.

        Parameters
        ----------
        z : array_like, shape (..., N)
            Displacements from the foci along ``e_z`` in m.
        """
        a = self.array
        pos = self._positions(z)
        return (optical_potential(pos, a.volumes, a.chi_tilde, self.field)
                + binding_potential(pos, a.volumes, a.chi, self.field, green="real"))

    def _amplitudes(self, z):
        """``L_ns`` of Eq. (76) at the configurations ``z`` (P, N): (P, 2M), with weights."""
        a = self.array
        amp = scattering_amplitudes(self._positions(z), a.volumes, a.chi, self.field,
                                    self._nodes)  # (P, M, 2)
        w = np.sqrt(self._weights)[None, :, None]
        return (amp * w).reshape(amp.shape[0], -1)

    def _parts(self, z):
        """Potential (with ``F^c``), weighted amplitudes and rates at configurations (P, N)."""
        z = np.atleast_2d(np.asarray(z, dtype=float))
        v0 = self.potential(np.zeros(self.n_particles))
        v = self.potential(z) - v0 - z @ self.static_force
        amp = self._amplitudes(z)
        scale = HBAR / self.hbar          # L_ns ~ hbar^(-1/2)
        return v, amp, scale * np.sum(np.abs(amp) ** 2, axis=1), scale

    def kernel(self, z_a, z_b):
        """The generator ``Lambda(z_a, z_b)`` of the position representation, in 1/s.

        Parameters
        ----------
        z_a, z_b : array_like, shape (Pa, N) and (Pb, N)
            Ket and bra configurations (axial displacements in m).

        Returns
        -------
        ndarray, shape (Pa, Pb), complex
            With ``hbar_eff`` (so it depends on ``eta``); includes the static
            force ``F^c``.
        """
        va, la, ra, scale = self._parts(z_a)
        vb, lb, rb, _ = self._parts(z_b)
        return (-1j / self.hbar * (va[:, None] - vb[None, :]) + scale * (la @ lb.conj().T)
                - 0.5 * ra[:, None] - 0.5 * rb[None, :])

    def kernel_pairs(self, z_a, z_b):
        """``Lambda`` at matched pairs ``(z_a[p], z_b[p])``, shape (P,), in 1/s."""
        za = np.atleast_2d(np.asarray(z_a, dtype=float))
        zb = np.atleast_2d(np.asarray(z_b, dtype=float))
        if za.shape != zb.shape or za.shape[-1] != self.n_particles:
            raise ValueError(f"z_a and z_b must both have shape (P, {self.n_particles}); "
                             f"got {za.shape} and {zb.shape}")
        va, la, ra, scale = self._parts(za)
        vb, lb, rb, _ = self._parts(zb)
        return (-1j / self.hbar * (va - vb) + scale * np.sum(la * lb.conj(), axis=1)
                - 0.5 * ra - 0.5 * rb)

    def mean_force(self):
        """Mean axial force at the foci from the generator, ``-i hbar dLambda/dz_a``, N.

        Without the static force; equals the total axial force of Eq. (C10b)
        with the full Green tensor (:func:`optbind.forces.dipoles.total_forces`).
        """
        saved = self.static_force
        self.static_force = np.zeros(self.n_particles)
        try:
            grad, _ = self._derivatives(hessian=False)
        finally:
            self.static_force = saved
        return np.real(-1j * self.hbar * grad[: self.n_particles])

    def _derivatives(self, *, hessian=True):
        """Gradient and Hessian of ``Lambda`` in ``u = (z_a, z_b)`` at 0 (central differences).

        One batched evaluation of :meth:`kernel_pairs` on the stencil; errors
        ``O(h^2)`` (cf. :func:`optbind.numerics.central_difference`).
        """
        n = self.n_particles
        m, h = 2 * n, self._step
        e = np.eye(m) * h
        pts = [e[i] for i in range(m)] + [-e[i] for i in range(m)]
        if hessian:
            for i in range(m):
                for k in range(i + 1, m):
                    for si, sk in ((1, 1), (1, -1), (-1, 1), (-1, -1)):
                        pts.append(si * e[i] + sk * e[k])
        u = np.array(pts)
        f = self.kernel_pairs(u[:, :n], u[:, n:])
        grad = (f[:m] - f[m:2 * m]) / (2 * h)
        if not hessian:
            return grad, None
        hess = np.empty((m, m), complex)
        for i in range(m):
            hess[i, i] = (f[i] + f[m + i]) / h**2     # f(0) = 0 exactly (trace)
        c = 2 * m
        for i in range(m):
            for k in range(i + 1, m):
                fpp, fpm, fmp, fmm = f[c:c + 4]
                hess[i, k] = hess[k, i] = (fpp - fpm - fmp + fmm) / (4 * h**2)
                c += 4
        return grad, hess

    def _taylor(self):
        n = self.n_particles
        grad, hess = self._derivatives()
        hb = self.hbar
        D = 0.5 * hb**2 * hess[:n, n:]
        D = 0.5 * (D + D.conj().T)
        S = 1j * hb * (hess[:n, :n] + 2.0 / hb**2 * D.real)
        #: Hessian of the Hamiltonian H_na at the foci, N/m (symmetric, real)
        self.hessian = np.real(0.5 * (S + S.T))
        #: imaginary part of the Hessian (should vanish; a check), N/m
        self.hessian_residual = np.imag(S)
        #: diffusion matrix D_jj' of Eq. (82) with hbar_eff, N^2 s
        self.D = D
        off = self.hessian - np.diag(np.diag(self.hessian))
        #: force Jacobian C_jj' = dF_j/dz_j' (zero diagonal), N/m
        self.C = -off + 2.0 * D.imag / hb
        np.fill_diagonal(self.C, 0.0)
        #: effective axial frequencies sqrt(S_jj/m_j), rad/s
        self.omega_eff = np.sqrt(np.diag(self.hessian) / self.array.masses)
        #: quadrature lengths l_j = sqrt(hbar_eff/(m_j omega_eff_j)), m
        self.length_scale = np.sqrt(hb / (self.array.masses * self.omega_eff))
        #: mean force at the foci including F^c (about 0 when compensated), N
        self.force = np.real(-1j * hb * grad[:n])

    def linear_kernel(self, z_a, z_b):
        """Second-order Taylor polynomial of :meth:`kernel`: Eq. (82), in 1/s."""
        za = np.atleast_2d(np.asarray(z_a, dtype=float))
        zb = np.atleast_2d(np.asarray(z_b, dtype=float))
        hb, S, D = self.hbar, self.hessian, self.D
        ha = 0.5 * np.einsum("pj,jk,pk->p", za, S, za) - za @ self.force
        hb_ = 0.5 * np.einsum("pj,jk,pk->p", zb, S, zb) - zb @ self.force
        cross = np.einsum("pj,jk,qk->pq", za, D, zb)
        da = np.einsum("pj,jk,pk->p", za, D.real, za)
        db = np.einsum("pj,jk,pk->p", zb, D.real, zb)
        return (-1j / hb * (ha[:, None] - hb_[None, :])
                + 2.0 / hb**2 * (cross - 0.5 * da[:, None] - 0.5 * db[None, :]))

    def linear_model(self):
        """Eq. (82) with the Taylor coefficients, as an ArrayModel in SI (physical hbar).

        ``omega = omega_eff`` and ``K = 0``; ``D`` rescaled to the physical
        ``hbar`` (the linear theory in quadratures does not depend on it);
        ``F`` the force at the foci including ``F^c`` (zero when compensated);
        damping ``gamma omega_1`` with ``n_th``.
        """
        return ArrayModel(masses=self.array.masses, omega=self.omega_eff, C=self.C,
                          D=self.D * (HBAR / self.hbar), K=np.zeros(self.n_particles),
                          F=self.force * np.sqrt(HBAR / self.hbar),
                          gamma=self.gamma * self.omega_unit, n_th=self.n_th)

    def closed_form_force(self):
        """Total axial force at the foci from Eq. (C10b), full Green tensor, in N."""
        a = self.array
        return total_forces(a.foci, a.volumes, a.chi, self.field, chi_tilde=a.chi_tilde,
                            green="full")[:, 2]

    # ------------------------------------------------------------ operators
    def _setup_grid(self):
        if self._grid is not None:
            return self._grid
        n, N = self.n_max + 1, self.n_particles
        x, U = position_grid(self.n_max)
        idx = np.indices([n] * N).reshape(N, -1).T          # (n^N, N), particle 1 major
        X = x[idx]                                           # (n^N, N) dimensionless
        a1 = _ladder(n)
        Yf = -1j * (a1 - a1.T) / np.sqrt(2.0)
        Yd = U.T @ Yf @ U
        ad = U.T @ a1 @ U
        self._grid = {"x": x, "U": U, "X": X, "Y": Yd, "a": ad}
        return self._grid

    def _embed(self, op, j):
        qutip = _qutip()
        n = self.n_max + 1
        factors = [qutip.qeye(n)] * self.n_particles
        factors[j] = qutip.Qobj(op)
        return qutip.tensor(factors) if self.n_particles > 1 else factors[0]

    def operators(self):
        """``X_j``, ``Y_j``, ``a_j`` as QuTiP operators on the position-grid basis.

        Returns
        -------
        dict
            ``"X"``, ``"Y"``, ``"a"``: lists of :class:`qutip.Qobj` (dimensionless).
        """
        g = self._setup_grid()
        return {"X": [self._embed(np.diag(g["x"]), j) for j in range(self.n_particles)],
                "Y": [self._embed(g["Y"], j) for j in range(self.n_particles)],
                "a": [self._embed(g["a"], j) for j in range(self.n_particles)]}

    def kernel_on_grid(self, kind="full"):
        """``Lambda(x_a, x_b)/omega_1`` on all pairs of grid configurations.

        The scattering kernel is assembled from one-particle amplitudes
        (``L_ns`` of Eq. 76 is a sum over particles, each term a function of its
        own position): ``W(a, b) = sum_jj' B_jj'(a_j, b_j')``.

        Parameters
        ----------
        kind : {"full", "linear"}
            Eq. (72) or its Taylor polynomial, Eq. (82).

        Returns
        -------
        ndarray, shape (n^N, n^N), complex, dimensionless
        """
        _v.choice(kind, "kind", _KINDS)
        g = self._setup_grid()
        z = g["X"] * self.length_scale[None, :]
        if kind == "linear":
            return self.linear_kernel(z, z) / self.omega_unit
        n, N = self.n_max + 1, self.n_particles
        a = self.array
        v = self.potential(z) - self.potential(np.zeros(N)) - z @ self.static_force
        amps = []
        for j in range(N):
            zj = np.zeros((n, N))
            zj[:, j] = g["x"] * self.length_scale[j]
            amp = scattering_amplitudes(self._positions(zj), a.volumes, a.chi, self.field,
                                        self._nodes, per_particle=True)[..., j]
            amps.append((amp * np.sqrt(self._weights)[None, :, None]).reshape(n, -1))
        scale = HBAR / self.hbar
        w4 = np.zeros([n] * (2 * N), complex)
        for j in range(N):
            for k in range(N):
                block = scale * (amps[j] @ amps[k].conj().T)       # (a_j, b_k)
                shape = [1] * (2 * N)
                shape[j] = n
                shape[N + k] = n
                w4 = w4 + block.reshape(shape)
        w = w4.reshape(n**N, n**N)
        rate = np.real(np.diag(w))
        lam = (-1j / self.hbar * (v[:, None] - v[None, :]) + w
               - 0.5 * rate[:, None] - 0.5 * rate[None, :])
        return lam / self.omega_unit

    def liouvillian(self, kind="full"):
        """Dimensionless Liouvillian (time in ``1/omega_1``) on the grid basis, N = 1 or 2.

        Assembled as ``L_1 (+) L_2 + diag(Lambda_int)`` from the one-particle
        Liouvillians of :meth:`steady_state` (sparse Kronecker sums, in QuTiP's
        column-stacking order); ``tests/test_quantum_regime.py`` checks the
        linearised one against :func:`optbind.dynamics.quantum.liouvillian`.

        Parameters
        ----------
        kind : {"full", "linear"}
            Eq. (72) or Eq. (82) (the Taylor polynomial of the generator).

        Returns
        -------
        qutip.Qobj
            Superoperator.
        """
        qutip = _qutip()
        import scipy.sparse as sp

        _v.choice(kind, "kind", _KINDS)
        if self.n_particles > 2:
            raise ValueError(f"liouvillian handles N = 1 or 2 particles; got "
                             f"N = {self.n_particles}")
        n = self.n_max + 1
        singles, lam4 = self._single_liouvillians(kind)
        d = self.dims
        sdims = [[d, d], [d, d]]
        if self.n_particles == 1:
            return qutip.Qobj(sp.csr_matrix(singles[0]), dims=sdims)
        n2 = n * n
        eye = sp.identity(n2, format="csr")
        lr = (sp.kron(sp.csr_matrix(singles[0]), eye) + sp.kron(eye, sp.csr_matrix(singles[1]))
              + sp.diags(lam4.transpose(2, 0, 3, 1).ravel()))
        # R-layout flat index f = (i1 + n j1) n^2 + (i2 + n j2); QuTiP's vec index
        # q = (i1 n + i2) + n^2 (j1 n + j2)
        i1, i2, j1, j2 = np.indices((n, n, n, n)).reshape(4, -1)
        f = (i1 + n * j1) * n2 + (i2 + n * j2)
        q = (i1 * n + i2) + n2 * (j1 * n + j2)
        perm = sp.csr_matrix((np.ones(f.size), (q, f)), shape=(n2 * n2,) * 2)
        return qutip.Qobj((perm @ lr @ perm.T).tocsr(), dims=sdims)

    # ------------------------------------------------------------- states
    def to_fock(self, rho):
        """Density matrix (grid basis, Qobj) -> ndarray in the product Fock basis."""
        U = self._full_rotation()
        return U @ rho.full() @ U.T

    def from_fock(self, rho_fock):
        """ndarray or Qobj in the Fock basis -> density matrix on the grid basis (Qobj)."""
        qutip = _qutip()
        r = rho_fock.full() if hasattr(rho_fock, "full") else np.asarray(rho_fock)
        U = self._full_rotation()
        d = self.dims
        return qutip.Qobj(U.T @ r @ U, dims=[d, d])

    def _full_rotation(self):
        U = self._setup_grid()["U"]
        out = U
        for _ in range(self.n_particles - 1):
            out = np.kron(out, U)
        return out

    def thermal_state(self, occupations):
        """Product of thermal states with mean phonon numbers ``occupations`` (grid basis)."""
        qutip = _qutip()
        n = _v.same_length(occupations, "occupations", self.n_particles, "phonons",
                           nonnegative=True)
        facs = [qutip.thermal_dm(self.n_max + 1, float(nj)).full() for nj in n]
        r = facs[0]
        for f in facs[1:]:
            r = np.kron(r, f)
        return self.from_fock(r / np.trace(r))

    def coherent_state(self, amplitudes):
        """Product of coherent states ``|alpha_j>`` (grid basis, density matrix)."""
        qutip = _qutip()
        al = _v.complex_array(amplitudes, "amplitudes", shape=(self.n_particles,))
        kets = [qutip.coherent(self.n_max + 1, complex(a), method="analytic").full()[:, 0]
                for a in al]
        v = kets[0]
        for k in kets[1:]:
            v = np.kron(v, k)
        v = v / np.linalg.norm(v)
        return self.from_fock(np.outer(v, v.conj()))

    def _single_liouvillians(self, kind):
        """Dense one-particle Liouvillians (grid basis, vec column-major) and Lambda_int."""
        g = self._setup_grid()
        n, N = self.n_max + 1, self.n_particles
        lam = self.kernel_on_grid(kind)
        fun = self.kernel if kind == "full" else self.linear_kernel
        eye = np.eye(n)
        a = g["a"]
        singles, parts = [], []
        for j in range(N):
            z = np.zeros((n, N))
            z[:, j] = g["x"] * self.length_scale[j]
            lj = fun(z, z) / self.omega_unit
            parts.append(lj)
            T = 0.5 * self.omega_eff[j] / self.omega_unit * (g["Y"] @ g["Y"])
            L = -1j * (np.kron(eye, T) - np.kron(T.T, eye)) + np.diag(lj.ravel(order="F"))
            rates = ((a, self.gamma * (self.n_th + 1)), (a.conj().T, self.gamma * self.n_th))
            for op, rate in rates:
                if rate > 0:
                    od = op.conj().T @ op
                    L = L + rate * (np.kron(op.conj(), op) - 0.5 * np.kron(eye, od)
                                    - 0.5 * np.kron(od.T, eye))
            singles.append(L)
        lam4 = lam.reshape([n] * (2 * N))
        for j in range(N):
            shape = [1] * (2 * N)
            shape[j], shape[N + j] = n, n
            lam4 = lam4 - parts[j].reshape(shape)
        return singles, lam4

    def steady_state(self, kind="full", *, rtol=1e-12, maxiter=20):
        """Steady state (one or two particles) by preconditioned GMRES, matrix-free.

        On the grid basis the generator splits into one-particle Liouvillians
        ``L_j`` (kinetic energy, damping and the one-particle part of
        ``Lambda``, each a dense ``n^2 x n^2`` matrix) and the diagonal
        interaction part of ``Lambda``.  In the layout
        ``R[(i1, j1), (i2, j2)] = rho[(i1, i2), (j1, j2)]`` the first is
        ``L_1 R + R L_2^T`` (a Sylvester operator, inverted through the Schur
        forms of ``L_j``: Bartels-Stewart) and the second an elementwise
        product.  GMRES solves ``(L + rho_0 t^T) x = rho_0`` (``t`` the trace,
        ``rho_0`` the product of the one-particle steady states) with the
        inverse of the one-particle part as preconditioner; the interaction is
        weak (``|C|/(m omega^2)``, ``1/(k d)``), so few iterations are needed.

        Parameters
        ----------
        kind : {"full", "linear"}
            Eq. (72) or Eq. (82).
        rtol : float
            Relative residual of GMRES (> 0).
        maxiter : int
            Largest number of GMRES restarts (>= 1).

        Returns
        -------
        qutip.Qobj
            Density matrix on the grid basis.

        Raises
        ------
        RuntimeError
            If GMRES does not converge.
        """
        import scipy.linalg as sla
        import scipy.sparse.linalg as spla

        _v.choice(kind, "kind", _KINDS)
        rtol = _v.real_scalar(rtol, "rtol", "dimensionless", positive=True)
        maxiter = _v.integer(maxiter, "maxiter", minimum=1)
        if self.n_particles > 2:
            raise ValueError(f"steady_state handles N = 1 or 2 particles; got "
                             f"N = {self.n_particles}")
        n, N = self.n_max + 1, self.n_particles
        singles, lam4 = self._single_liouvillians(kind)
        nulls = []
        for L in singles:
            w, v = np.linalg.eig(L)
            r = v[:, np.argmin(np.abs(w))].reshape(n, n, order="F")
            r = r / np.trace(r)
            nulls.append(0.5 * (r + r.conj().T))
        if N == 1:
            return self._as_qobj(nulls[0])
        # layout R[p1, p2], p_j = i_j + n j_j (column-major per particle)
        r0 = np.outer(nulls[0].ravel(order="F"), nulls[1].ravel(order="F"))
        tr = np.eye(n).ravel(order="F")

        def trace(R):
            return tr @ R @ tr

        lam_r = lam4.transpose(2, 0, 3, 1).reshape(n * n, n * n)
        L1, L2t = singles[0], singles[1].T
        shift = 1e-9
        T1, Z1 = sla.schur(L1 + shift * np.eye(n * n), output="complex")
        T2, Z2 = sla.schur(L2t, output="complex")
        trsyl = sla.get_lapack_funcs("trsyl", (T1,))

        def apply(vec):
            R = vec.reshape(n * n, n * n)
            return (L1 @ R + R @ L2t + lam_r * R + r0 * trace(R)).ravel()

        def precondition(vec):
            B = vec.reshape(n * n, n * n)
            c = trace(B)
            B = B - c * r0
            Cm = Z1.conj().T @ B @ Z2
            X, scale, info = trsyl(T1, T2, Cm)
            X = Z1 @ (X / scale) @ Z2.conj().T
            X = X - trace(X) * r0
            return (X + c * r0).ravel()

        size = (n * n) ** 2
        A = spla.LinearOperator((size, size), matvec=apply, dtype=complex)
        M = spla.LinearOperator((size, size), matvec=precondition, dtype=complex)
        x, info = spla.gmres(A, r0.ravel(), x0=r0.ravel(), M=M, rtol=rtol, atol=0.0,
                             maxiter=maxiter, restart=30)
        if info != 0:
            raise RuntimeError(f"steady_state: GMRES did not converge (info={info})")
        rho = x.reshape(n, n, n, n).transpose(1, 3, 0, 2).reshape(n * n, n * n)
        rho = 0.5 * (rho + rho.conj().T)
        return self._as_qobj(rho / np.trace(rho).real)

    def _as_qobj(self, rho):
        qutip = _qutip()
        d = self.dims
        return qutip.Qobj(rho, dims=[d, d])

    def evolve(self, rho0, times, kind="full", *, options=None):
        """Propagate with :func:`qutip.mesolve` (dimensionless times, units ``1/omega_1``).

        Parameters
        ----------
        rho0 : qutip.Qobj
            Initial density matrix on the grid basis (e.g. :meth:`thermal_state`).
        times : array_like
            Increasing dimensionless times ``omega_1 t``.
        kind : {"full", "linear"}
        options : dict, optional
            Extra :func:`qutip.mesolve` options.

        Returns
        -------
        list of qutip.Qobj
            The states at ``times``.
        """
        qutip = _qutip()
        if not isinstance(rho0, qutip.Qobj):
            raise TypeError(f"rho0 must be a qutip.Qobj; got {type(rho0).__name__}")
        if rho0.dims[0] != self.dims:
            raise ValueError(f"rho0 must live on dimensions {self.dims}; got {rho0.dims[0]}")
        times = _v.times(times, "times", strictly=True)
        opts = {"nsteps": 100000, "atol": 1e-10, "rtol": 1e-9, "store_states": True}
        if options:
            opts.update(options)
        res = qutip.mesolve(self.liouvillian(kind), rho0, times, options=opts)
        return list(res.states)

    def moments(self, rho):
        """Means and non-symmetrised covariances of ``(X_1..X_N, Y_1..Y_N)``.

        Parameters
        ----------
        rho : qutip.Qobj
            Density matrix on the grid basis.

        Returns
        -------
        mean : ndarray, shape (2N,)
        S : ndarray, shape (2N, 2N), complex
            ``<q_a q_b> - <q_a><q_b>``, dimensionless (as the SI moments of
            :mod:`optbind.dynamics.quantum` divided by ``l_j``, ``hbar/l_j``).
        """
        r = rho.full() if hasattr(rho, "full") else np.asarray(rho)
        g = self._setup_grid()
        n, N = self.n_max + 1, self.n_particles
        q = []
        for j in range(N):
            q.append(np.diag(g["X"][:, j]).astype(complex))
        for j in range(N):
            f = [np.eye(n)] * N
            f[j] = g["Y"]
            op = f[0]
            for m in f[1:]:
                op = np.kron(op, m)
            q.append(op)
        mean = np.array([np.trace(o @ r) for o in q]).real
        S = np.array([[np.trace(qa @ qb @ r) for qb in q] for qa in q]) - np.outer(mean, mean)
        return mean, S

    def position_cumulants(self, rho):
        """Excess kurtosis ``<dX^4>/<dX^2>^2 - 3`` of each ``X_j`` (0 for Gaussian states)."""
        r = rho.full() if hasattr(rho, "full") else np.asarray(rho)
        p = np.real(np.diag(r))
        X = self._setup_grid()["X"]
        m = p @ X
        d = X - m
        return (p @ d**4) / (p @ d**2) ** 2 - 3.0
