"""Photon scattering: the Lindblad amplitudes of Eq. (76), recoil noise and Ehrenfest forces.

Particles and fields are given as in :mod:`optbind.forces.dipoles` (positions
``(N, 3)`` or ``(..., N, 3)`` in m, volumes in m^3, susceptibilities, a field
object).  Implemented:

* the amplitudes ``L_ns`` of Eq. (76) for scattering directions ``n`` and
  polarisations ``s`` (:func:`scattering_amplitudes`) and their position
  derivatives (:func:`amplitude_derivatives`);
* angular integrals of their products: the photon scattering rate
  ``int d^2n sum_s |L_ns|^2`` (:func:`scattering_rate`) and the momentum
  diffusion matrix ``D_jj' = (hbar^2/2) int d^2n sum_s (dL_ns/dz_j)(dL_ns/dz_j')^*``
  (:func:`diffusion_matrix`), the coefficient of ``z_j rho z_j'`` when Eq. (72)
  is expanded to second order (Eq. 82);
* the mean force from the generator of Eq. (72) (Ehrenfest theorem,
  :func:`generator_forces`) and averages over a wave packet
  (:func:`wavepacket_average`);
* the momentum carried away by the scattered light (:func:`radiated_momentum_rate`).

Ehrenfest theorem for Eq. (72)
------------------------------
With ``[p_j, f(r)] = -i hbar d f/d r_j`` and
``Tr[p D[L] rho] = <L^dag [p, L] + [L^dag, p] L>/2`` one finds

.. math:: \\frac{d\\langle \\mathbf p_j\\rangle}{dt}
   = -\\Big\\langle \\frac{\\partial (V_L + V_{\\rm opt})}{\\partial \\mathbf r_j}\\Big\\rangle
   + \\hbar \\int d^2n \\sum_s \\big\\langle \\mathrm{Im}
     [L_{ns}^* \\partial_{\\mathbf r_j} L_{ns}]\\big\\rangle ,

where ``L_ns`` are the c-number functions of Eq. (76).  For a wave packet
narrow compared with the wavelength the expectation values are the
functions at the mean positions.
"""
from __future__ import annotations

import itertools
import numbers

import numpy as np

from .. import validation as _v
from ..conventions import EPSILON_0, HBAR
from ..electrodynamics.green import (
    plane_wave_order,
    sphere_quadrature,
    transverse_polarizations,
)
from ..numerics import central_difference
from .dipoles import _setup, binding_potential, optical_potential

__all__ = [
    "scattering_amplitudes",
    "amplitude_derivatives",
    "quadrature_order",
    "scattering_rate",
    "diffusion_matrix",
    "generator_forces",
    "wavepacket_average",
    "radiated_momentum_rate",
]


def _amplitude_prefactor(k):
    """``sqrt(eps0 k^3/(2 hbar))/(4 pi)`` of Eq. (76), in C/(J m^2 s^(1/2))."""
    return np.sqrt(EPSILON_0 * k**3 / (2.0 * HBAR)) / (4.0 * np.pi)


def scattering_amplitudes(positions, volumes, chi, field, directions, *, per_particle=False):
    """Lindblad amplitudes ``L_ns`` of Eq. (76) at fixed particle positions.

    Parameters
    ----------
    positions, volumes, chi, field
        See :mod:`optbind.forces.dipoles`.
    directions : array_like, shape (M, 3)
        Unit scattering directions ``n``.
    per_particle : bool, optional
        If True return the single-particle terms instead of their sum.

    Returns
    -------
    ndarray, shape (..., M, 2) or (..., M, 2, N), complex
        In s^(-1/2); polarisations from
        :func:`optbind.green.transverse_polarizations`.
    """
    pos, vol, chi = _setup(positions, volumes, chi, field)
    n = _v.unit_vectors(directions, "directions", atol=1e-8)
    _v.boolean(per_particle, "per_particle")
    t = transverse_polarizations(n)  # (M, 2, 3) real
    e = field.field(pos)
    p = np.einsum("jbc,...jc->...jb", chi, e) * vol[:, None]  # V_j chi_j E(r_j)
    phase = np.exp(-1j * field.k * np.einsum("ma,...ja->...mj", n, pos))
    amp = _amplitude_prefactor(field.k) * np.einsum("msb,...jb,...mj->...msj", t, p, phase)
    return amp if per_particle else amp.sum(axis=-1)


def amplitude_derivatives(positions, volumes, chi, field, directions, *, axis=2):
    """Derivatives ``dL_ns/dr_{j,axis}`` of Eq. (76), shape (..., M, 2, N), in s^(-1/2)/m.

    ``d/dr_{j,a} [chi_j E_L(r_j) e^{-ik n.r_j}] = chi_j [d_a E_L - i k n_a E_L] e^{-ik n.r_j}``:
    the focus phase ``e^{-ik n.d_j}`` is kept (Eq. 81 as printed drops it,
    erratum ``eq81-prefactor-and-phase``).

    Parameters
    ----------
    positions, volumes, chi, field, directions
        See :func:`scattering_amplitudes`.
    axis : {0, 1, 2}
        Cartesian component of ``r_j`` to differentiate (2 = ``z``).
    """
    pos, vol, chi = _setup(positions, volumes, chi, field)
    n = _v.unit_vectors(directions, "directions", atol=1e-8)
    axis = _v.integer(axis, "axis", minimum=0, maximum=2)
    t = transverse_polarizations(n)
    e = field.field(pos)
    de = field.gradient(pos)[..., axis, :]  # (..., N, 3)
    phase = np.exp(-1j * field.k * np.einsum("ma,...ja->...mj", n, pos))
    ce = np.einsum("jbc,...jc->...jb", chi, e) * vol[:, None]
    cde = np.einsum("jbc,...jc->...jb", chi, de) * vol[:, None]
    inner = (cde[..., None, :, :]
             - 1j * field.k * n[:, axis][:, None, None] * ce[..., None, :, :])
    return _amplitude_prefactor(field.k) * np.einsum("msb,...mjb,...mj->...msj", t, inner,
                                                    phase)


def quadrature_order(positions, k):
    """Gauss-Legendre orders resolving ``exp(-ik n.(r_j - r_j'))`` for all pairs.

    :func:`optbind.green.plane_wave_order` at ``k R`` with ``R`` the largest
    separation.

    Parameters
    ----------
    positions : array_like, shape (..., N, 3)
        Particle positions in metres.
    k : float
        Wave number in 1/m.

    Returns
    -------
    (int, int)
        ``(n_theta, n_phi)`` with ``n_phi = 2 n_theta``.
    """
    pos = _v.vectors(positions, "positions", "m")
    k = _v.real_scalar(k, "k", "1/m", nonnegative=True)
    pos = pos.reshape(-1, pos.shape[-2] if pos.ndim > 1 else 1, 3)
    big_r = (float(np.max(np.linalg.norm(pos[:, :, None] - pos[:, None], axis=-1)))
             if pos.shape[1] > 1 else 0.0)
    n_theta = plane_wave_order(k * big_r)
    return n_theta, 2 * n_theta


def _quadrature(positions, k, quadrature):
    """Nodes and weights from ``None`` (automatic), an order, a pair of orders or a rule."""
    if quadrature is None:
        return sphere_quadrature(*quadrature_order(positions, k))
    if isinstance(quadrature, tuple) and len(quadrature) == 2 and np.ndim(quadrature[0]) == 2:
        nodes = _v.unit_vectors(quadrature[0], "quadrature nodes", atol=1e-8)
        weights = _v.real_array(quadrature[1], "quadrature weights", "sr",
                                shape=(nodes.shape[0],), nonnegative=True)
        return nodes, weights
    if isinstance(quadrature, (tuple, list)) and len(quadrature) == 2:
        return sphere_quadrature(_v.integer(quadrature[0], "quadrature[0] (n_theta)",
                                            minimum=1),
                                 _v.integer(quadrature[1], "quadrature[1] (n_phi)",
                                            minimum=1))
    if (isinstance(quadrature, (tuple, list))
            or not isinstance(quadrature, numbers.Integral)):
        raise TypeError("quadrature must be None, an integer >= 1 (n_theta), a pair "
                        "(n_theta, n_phi) or a rule (nodes, weights); got "
                        f"{quadrature!r}")
    return sphere_quadrature(_v.integer(quadrature, "quadrature (n_theta)", minimum=1))


def scattering_rate(positions, volumes, chi, field, *, quadrature=None):
    """Total photon scattering rate ``int d^2n sum_s |L_ns|^2`` (Eqs. 72, 76), in 1/s.

    Parameters
    ----------
    positions, volumes, chi, field
        See :func:`scattering_amplitudes`.
    quadrature : None, int, (n_theta, n_phi) or (nodes, weights), optional
        Angular rule; default from :func:`quadrature_order`.

    Returns
    -------
    float or ndarray of the batch shape
        Photons per second.
    """
    nodes, weights = _quadrature(positions, field.k, quadrature)
    amp = scattering_amplitudes(positions, volumes, chi, field, nodes)
    val = np.einsum("m,...ms->...", weights, np.abs(amp) ** 2)
    return float(val) if np.ndim(val) == 0 else val


def diffusion_matrix(positions, volumes, chi, field, *, quadrature=None, axis=2):
    """Momentum diffusion matrix from the Lindblad amplitudes, cf. Eqs. (82), (87), (C9).

    ``D_jj' = (hbar^2/2) int d^2n sum_s (dL_ns/dq_j)(dL_ns/dq_j')^*`` with
    ``q_j = r_{j,axis}``; ``D[j, jp]`` is the coefficient of ``z_j rho z_jp``
    (:mod:`optbind.conventions`).

    Parameters
    ----------
    positions, volumes, chi, field
        See :func:`scattering_amplitudes`.
    quadrature : optional
        As in :func:`scattering_rate`.
    axis : {0, 1, 2}
        Displacement component (2 = ``z``, the axial motion of Sec. V A).

    Returns
    -------
    ndarray, shape (..., N, N), complex
        Hermitian positive semidefinite, in N^2 s.

    Examples
    --------
    The quadrature agrees with the closed forms of Eq. (87) (corrected 87b):

    >>> import numpy as np
    >>> from optbind.linear.pair import two_particle_array
    >>> a = two_particle_array()
    >>> D = diffusion_matrix(a.foci, a.volumes, a.chi, a.field)
    >>> bool(np.max(np.abs(D - a.D)) < 1e-3 * np.max(np.abs(a.D)))
    True
    """
    nodes, weights = _quadrature(positions, field.k, quadrature)
    dl = amplitude_derivatives(positions, volumes, chi, field, nodes, axis=axis)
    return 0.5 * HBAR**2 * np.einsum("m,...msj,...msk->...jk", weights, dl, dl.conj())


def generator_forces(positions, volumes, chi, field, *, quadrature=None, step=None,
                     chi_tilde=None):
    """Mean force on each particle from the generator of Eq. (72).

    ``F_j = -d(V_L + V_opt)/dr_j + hbar int d^2n sum_s Im[L_ns^* dL_ns/dr_j]``
    (module docstring), with ``V_L`` of Eq. (73) (susceptibility
    ``chi_tilde``), ``V_opt`` of Eq. (75) and ``L_ns`` of Eq. (76).  The
    potential gradient is a central difference
    (:func:`optbind.numerics.central_difference`), the angular integral a
    product Gauss rule.

    Parameters
    ----------
    positions : array_like, shape (N, 3)
        Mean positions in m.
    volumes, chi, field
        See :func:`scattering_amplitudes`.
    quadrature : optional
        Angular rule as in :func:`scattering_rate`.
    step : float, optional
        Finite-difference step in m (default ``1e-4 / k``).
    chi_tilde : optional
        Renormalised susceptibility for ``V_L`` (default ``chi``).

    Returns
    -------
    dict
        ``"conservative"`` and ``"dissipative"`` (N, 3) arrays and their sum
        ``"total"``, in N.
    """
    pos, vol, chi_arr = _setup(positions, volumes, chi, field)
    if pos.ndim != 2:
        raise ValueError(f"positions must have shape (N, 3); got {pos.shape}")
    chi_t = chi_arr if chi_tilde is None else chi_tilde
    h = 1e-4 / field.k if step is None else _v.real_scalar(step, "step", "m", positive=True)

    def energy(p):
        return (optical_potential(p, vol, chi_t, field)
                + binding_potential(p, vol, chi_arr, field, green="real"))

    cons = -central_difference(energy, pos, h)
    nodes, weights = _quadrature(pos, field.k, quadrature)
    amp = scattering_amplitudes(pos, vol, chi_arr, field, nodes)  # (M, 2)
    diss = np.zeros_like(pos)
    for a in range(3):
        dl = amplitude_derivatives(pos, vol, chi_arr, field, nodes, axis=a)  # (M, 2, N)
        diss[:, a] = HBAR * np.einsum("m,ms,msj->j", weights, amp.conj(), dl).imag
    return {"conservative": cons, "dissipative": diss, "total": cons + diss}


def wavepacket_average(fun, positions, sigma):
    """Average ``fun(positions)`` over independent Gaussian spreads of all coordinates.

    Uses the two-point Gauss-Hermite rule per coordinate (nodes
    ``+-sigma``), exact for polynomials of degree three; for a packet
    narrow compared with the wavelength the error is ``O((k sigma)^4)``.
    Since the Lindblad operators of Eq. (76) and the potentials are
    functions of the positions only, the expectation values in the
    Ehrenfest theorem are such averages over the position distribution.

    Parameters
    ----------
    fun : callable
        ``fun(positions) -> ndarray`` (any fixed shape).
    positions : array_like, shape (N, 3)
        Mean positions in m.
    sigma : float
        Position standard deviation of every coordinate in m (> 0).

    Returns
    -------
    ndarray
        The average, same shape as ``fun``'s output.
    """
    if not callable(fun):
        raise TypeError("fun must be callable: fun(positions) -> array")
    s = _v.real_scalar(sigma, "sigma", "m", positive=True)
    pos = _v.vectors(positions, "positions", "m")
    signs = np.array(list(itertools.product((-1.0, 1.0), repeat=pos.size)))
    vals = [np.asarray(fun(pos + s * sg.reshape(pos.shape))) for sg in signs]
    return np.mean(vals, axis=0)


def radiated_momentum_rate(positions, dipoles, k, *, n_theta=None):
    """Momentum per unit time carried to infinity by the light the dipoles radiate, in N.

    ``dP/dt = (k^4/(32 pi^2 eps0)) int d^2n  n |sum_j (1 - n n) p_j e^{-ik n . r_j}|^2``
    (cycle-averaged far-field momentum flux ``eps0 |E|^2 / 2`` through a
    large sphere).  The recoil on the emitters is ``-dP/dt``.  Only the
    interference terms ``j != j'`` contribute: a single dipole radiates
    symmetrically.

    Parameters
    ----------
    positions : array_like, shape (N, 3)
        Dipole positions in m.
    dipoles : array_like, shape (N, 3), complex
        Complex dipole amplitudes in C m.
    k : float
        Wave number in 1/m.
    n_theta : int, optional
        Gauss-Legendre order of the sphere quadrature; default from
        :func:`quadrature_order`.

    Returns
    -------
    ndarray, shape (3,), float
    """
    r = _v.vectors(positions, "positions", "m", shape=(None, 3))
    p = _v.complex_array(dipoles, "dipoles", "C m", shape=r.shape)
    k = _v.real_scalar(k, "k", "1/m", nonnegative=True)
    if n_theta is None:
        n_theta = quadrature_order(r, k)[0]
    n, w = sphere_quadrature(n_theta)
    amp = np.einsum("mj,jb->mb", np.exp(-1j * k * n @ r.T), p)
    amp_perp = amp - n * np.einsum("mb,mb->m", n, amp)[:, None]
    inten = np.sum(np.abs(amp_perp) ** 2, axis=1)
    return k**4 / (32.0 * np.pi**2 * EPSILON_0) * (w * inten) @ n
