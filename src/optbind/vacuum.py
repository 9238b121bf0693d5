"""Tracing out the vacuum: numerical checks of Sec. IV and App. C.

Companion module of the book chapter ``master_equation`` (Rudolph et al.,
Phys. Rev. A 110, 063507 (2024)).  It provides

* the transverse, principal-value Fourier integral of Eqs. (57), (59), (61)
  and (62) evaluated numerically in ``k`` space, to be compared with the
  closed form ``Re[G - G0]`` of Eq. (64);
* the mean force of the optical-binding master equation (72) from its
  generator (Ehrenfest theorem), for comparison with the deterministic
  force of the Langevin equation (C10b);
* heating rates: recoil (Eq. 87a) versus residual-gas collisions in the
  free-molecular (Epstein) regime, and the crossover pressure.

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

import numpy as np

from .conventions import BOLTZMANN, EPSILON_0, HBAR
from .green import dyadic_green, electrostatic_green
from .interactions import (
    _quadrature,
    amplitude_derivatives,
    binding_potential,
    check_particles,
    optical_potential,
    scattering_amplitudes,
)
from .particles import check_positive

__all__ = [
    "lamb_radial_integrals",
    "transverse_kernel",
    "transverse_kernel_closed_form",
    "generator_forces",
    "epstein_damping",
    "mean_speed",
    "recoil_phonon_rate",
    "gas_phonon_rate",
    "crossover_pressure",
    "N2_MASS",
    "wavepacket_average",
]

#: Mass of an N2 molecule in kg (28.0134 u).
N2_MASS = 28.0134 * 1.66053906660e-27


# ---------------------------------------------------------- Eqs. (59)-(64)
def _sph_j(l, x):
    from scipy.special import spherical_jn

    return spherical_jn(l, x)


def lamb_radial_integrals(x_L, split=None, tail=None):
    """Principal-value radial integrals ``J_l = P int_0^inf j_l(x)/(x^2 - x_L^2) dx``.

    ``j_l`` are spherical Bessel functions (``l = 0, 2``).  The pole at
    ``x = x_L`` is handled by :func:`scipy.integrate.quad` with
    ``weight='cauchy'`` on ``[0, split]``; the remainder ``[split, inf)``
    is integrated with the Fourier weights of QUADPACK (QAWF), writing
    ``j_0 = sin x/x`` and ``j_2 = (3/x^3 - 1/x) sin x - 3 cos x/x^2``.

    Parameters
    ----------
    x_L : float
        ``k_L r`` (> 0, dimensionless).
    split : float, optional
        End of the Cauchy interval; default ``2 x_L + 10``.
    tail : unused
        Reserved.

    Returns
    -------
    ndarray, shape (2,)
        ``(J_0, J_2)``, dimensionless.
    """
    from scipy.integrate import quad

    xl = float(check_positive(x_L, "x_L"))
    b = 2.0 * xl + 10.0 if split is None else float(split)
    if b <= xl:
        raise ValueError(f"split must exceed x_L = {xl}; got {b}")
    out = []
    lim = int(200 + 20 * xl)
    for ell in (0, 2):
        # P int_0^b j_l(x)/((x + x_L)(x - x_L)) dx
        head, _ = quad(lambda x: _sph_j(ell, x) / (x + xl), 0.0, b, weight="cauchy",
                       wvar=xl, limit=lim, epsabs=1e-13, epsrel=1e-11)
        if ell == 0:
            gs = lambda x: 1.0 / (x * (x * x - xl * xl))  # noqa: E731
            gc = None
        else:
            gs = lambda x: (3.0 / x**3 - 1.0 / x) / (x * x - xl * xl)  # noqa: E731
            gc = lambda x: -3.0 / x**2 / (x * x - xl * xl)  # noqa: E731
        tail_s, _ = quad(gs, b, np.inf, weight="sin", wvar=1.0, limlst=200, epsabs=1e-14)
        tail_c = 0.0
        if gc is not None:
            tail_c, _ = quad(gc, b, np.inf, weight="cos", wvar=1.0, limlst=200, epsabs=1e-14)
        out.append(head + tail_s + tail_c)
    return np.array(out)


def transverse_kernel(r, k):
    """Numerical ``k``-space evaluation of the Lamb-shift kernel, Eqs. (59), (61), (62).

    Computes

    .. math:: T(\\mathbf r) = \\frac{k_L^2}{(2\\pi)^3}\\,\\mathcal P\\!\\int d^3k\\,
              (\\mathbb 1 - \\hat k\\hat k)\\,\\frac{e^{i\\mathbf k\\cdot\\mathbf r}}{k^2 - k_L^2}

    by doing the angular integral analytically (Funk-Hecke:
    ``int dOmega (1 - kk) e^{ik.r} = 4 pi [2/3 j_0 1 + j_2 (rr - 1/3)]``),
    splitting ``k^2/(k^2 - k_L^2) = 1 + k_L^2/(k^2 - k_L^2)`` (the first part
    gives ``k_L^2 (1 + rr)/(8 pi r)``) and integrating the rest with
    :func:`lamb_radial_integrals`.  Eq. (64) says ``T = Re[G - G0]``.

    Parameters
    ----------
    r : array_like, shape (3,)
        Separation in m (nonzero).
    k : float
        Laser wave number ``k_L`` in 1/m (> 0).

    Returns
    -------
    ndarray, shape (3, 3)
        Real symmetric tensor in 1/m^3.
    """
    r = np.asarray(r, dtype=float)
    if r.shape != (3,) or not np.all(np.isfinite(r)):
        raise ValueError(f"r must be a finite 3-vector; got shape {r.shape}")
    dist = float(np.linalg.norm(r))
    if dist == 0.0:
        raise ValueError("r must be nonzero")
    k = float(check_positive(k, "k", "1/m"))
    rh = r / dist
    rr = np.outer(rh, rh)
    eye = np.eye(3)
    j0, j2 = lamb_radial_integrals(k * dist)
    # J_l(r) = int j_l(q r)/(q^2 - k^2) dq = r J_l(x_L) (substitute x = q r)
    smooth = k**2 * (eye + rr) / (8.0 * np.pi * dist)
    pole = k**4 / (2.0 * np.pi**2) * dist * (2.0 / 3.0 * j0 * eye + j2 * (rr - eye / 3.0))
    return smooth + pole


def transverse_kernel_closed_form(r, k):
    """``Re[G(r) - G0(r)]`` of Eq. (64), from :mod:`optbind.green` (1/m^3)."""
    return np.real(dyadic_green(r, k)) - electrostatic_green(r)


# -------------------------------------------------------- Ehrenfest forces
def generator_forces(positions, volumes, chi, field, quadrature=None, step=None,
                     chi_tilde=None):
    """Mean force on each particle from the generator of Eq. (72).

    ``F_j = -d(V_L + V_opt)/dr_j + hbar int d^2n sum_s Im[L_ns^* dL_ns/dr_j]``
    (module docstring), with ``V_L`` of Eq. (73) (susceptibility
    ``chi_tilde``), ``V_opt`` of Eq. (75) and ``L_ns`` of Eq. (76).  The
    potential gradient is a central difference, the angular integral a
    product Gauss rule.

    Parameters
    ----------
    positions : array_like, shape (N, 3)
        Mean positions in m.
    volumes : array_like, shape (N,)
        Volumes in m^3.
    chi : float or array_like
        Susceptibilities.
    field : field object
        Laser field (:class:`optbind.fields.TweezerField`).
    quadrature : optional
        Angular rule as in :func:`optbind.interactions.scattering_rate`.
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
    pos, vol, chi_arr = check_particles(positions, volumes, chi)
    chi_t = chi if chi_tilde is None else chi_tilde
    h = 1e-4 / field.k if step is None else float(check_positive(step, "step", "m"))
    n = pos.shape[0]

    def energy(p):
        return (optical_potential(p, vol, chi_t, field)
                + binding_potential(p, vol, chi_arr, field))

    cons = np.zeros((n, 3))
    for j in range(n):
        for a in range(3):
            pp = pos.copy()
            pm = pos.copy()
            pp[j, a] += h
            pm[j, a] -= h
            cons[j, a] = -(energy(pp) - energy(pm)) / (2.0 * h)
    nodes, weights = _quadrature(pos, field.k, quadrature)
    amp = scattering_amplitudes(pos, vol, chi_arr, field, nodes)  # (M, 2)
    diss = np.zeros((n, 3))
    for a in range(3):
        dl = amplitude_derivatives(pos, vol, chi_arr, field, nodes, axis=a)  # (M, 2, N)
        diss[:, a] = HBAR * np.einsum("m,ms,msj->j", weights, amp.conj(), dl).imag
    return {"conservative": cons, "dissipative": diss, "total": cons + diss}


# ------------------------------------------------------------ heating rates
def mean_speed(temperature, gas_mass=N2_MASS):
    """Mean thermal speed ``sqrt(8 k_B T/(pi m_g))`` of gas molecules, in m/s."""
    t = float(check_positive(temperature, "temperature", "K"))
    m = float(check_positive(gas_mass, "gas_mass", "kg"))
    return np.sqrt(8.0 * BOLTZMANN * t / (np.pi * m))


def epstein_damping(pressure, radius, density, temperature=295.0, gas_mass=N2_MASS):
    """Free-molecular (Epstein) damping rate of a sphere, in 1/s.

    Epstein's drag for diffuse reflection with full thermal accommodation is
    ``F = -(1 + pi/8)(4 pi/3) a^2 n m_g v_bar u``; dividing by the mass
    ``(4 pi/3) a^3 rho`` and using ``n m_g v_bar = 8 p/(pi v_bar)`` gives

    .. math:: \\gamma_g = \\Big(1 + \\frac{\\pi}{8}\\Big)\\frac{8}{\\pi}
              \\frac{p}{\\rho\\, a\\, \\bar v}
              = \\Big(1 + \\frac{8}{\\pi}\\Big)\\frac{p}{\\rho\\, a\\, \\bar v} .

    Parameters
    ----------
    pressure : array_like
        Gas pressure in Pa (>= 0; 1 mbar = 100 Pa).
    radius : float
        Sphere radius in m.
    density : float
        Sphere mass density in kg/m^3.
    temperature : float, optional
        Gas temperature in K.
    gas_mass : float, optional
        Molecular mass in kg (default N2).

    Returns
    -------
    ndarray
        Energy damping rate ``gamma_g`` in 1/s (velocity damping).
    """
    p = np.asarray(pressure, dtype=float)
    if not np.all(np.isfinite(p)) or np.any(p < 0):
        raise ValueError(f"pressure must be finite and >= 0 (Pa); got {pressure!r}")
    a = float(check_positive(radius, "radius", "m"))
    rho = float(check_positive(density, "density", "kg/m^3"))
    vbar = mean_speed(temperature, gas_mass)
    return (1.0 + 8.0 / np.pi) * p / (rho * a * vbar)


def recoil_phonon_rate(diffusion, mass, omega):
    """Recoil heating in phonons per second, ``D/(m hbar omega)``.

    From the Langevin equation (88b) with ``<xi xi> = 2 D delta`` (Eq. 89):
    ``d<p^2>/dt = 2 D``, so the energy grows as ``dE/dt = D/m``; dividing by
    the phonon energy ``hbar omega`` gives the rate.

    Parameters
    ----------
    diffusion : array_like
        ``D_jj`` in N^2 s (Eq. 87a).
    mass : array_like
        Mass in kg.
    omega : array_like
        Trap frequency in rad/s.

    Returns
    -------
    ndarray
        Rate in 1/s.
    """
    dd = np.asarray(diffusion, dtype=float)
    if not np.all(np.isfinite(dd)) or np.any(dd < 0):
        raise ValueError(f"diffusion must be finite and >= 0; got {diffusion!r}")
    m = check_positive(mass, "mass", "kg")
    w = check_positive(omega, "omega", "rad/s")
    return dd / (m * HBAR * w)


def gas_phonon_rate(gamma_gas, omega, temperature=295.0):
    """Gas heating in phonons per second from the ground state, ``gamma_g k_B T/(hbar omega)``.

    Parameters
    ----------
    gamma_gas : array_like
        Damping rate in 1/s (>= 0).
    omega : float
        Trap frequency in rad/s.
    temperature : float, optional
        Gas temperature in K.
    """
    g = np.asarray(gamma_gas, dtype=float)
    if not np.all(np.isfinite(g)) or np.any(g < 0):
        raise ValueError(f"gamma_gas must be finite and >= 0 (1/s); got {gamma_gas!r}")
    w = float(check_positive(omega, "omega", "rad/s"))
    t = float(check_positive(temperature, "temperature", "K"))
    return g * BOLTZMANN * t / (HBAR * w)


def crossover_pressure(diffusion, mass, radius, density, temperature=295.0, gas_mass=N2_MASS):
    """Pressure (Pa) at which gas heating equals recoil heating.

    Solves ``gamma_g(p) k_B T = D/m``; it does not depend on the trap
    frequency.  Below this pressure photon recoil (and hence the correlated
    shot noise of Eq. 87b) dominates.

    Parameters
    ----------
    diffusion : float
        ``D_jj`` in N^2 s.
    mass, radius, density : float
        Particle mass (kg), radius (m) and density (kg/m^3).
    temperature : float, optional
        Gas temperature in K.
    gas_mass : float, optional
        Molecular mass in kg.

    Returns
    -------
    float
        Pressure in Pa.
    """
    dd = float(check_positive(diffusion, "diffusion", "N^2 s"))
    m = float(check_positive(mass, "mass", "kg"))
    t = float(check_positive(temperature, "temperature", "K"))
    per_pa = epstein_damping(1.0, radius, density, t, gas_mass)
    return dd / (m * BOLTZMANN * t * per_pa)


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
    import itertools

    s = float(check_positive(sigma, "sigma", "m"))
    pos = np.asarray(positions, dtype=float)
    n = pos.size
    acc = None
    count = 0
    for signs in itertools.product((-1.0, 1.0), repeat=n):
        val = np.asarray(fun(pos + s * np.reshape(signs, pos.shape)))
        acc = val if acc is None else acc + val
        count += 1
    return acc / count
