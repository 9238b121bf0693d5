"""The conventions of this package and of the book, stated once.

Every module of :mod:`optbind` and every chapter of the book follows the rules
below.  Where the paper (Rudolph et al., Phys. Rev. A 110, 063507 (2024)) prints
a formula that disagrees with them, the disagreement is listed, with the
numerical evidence, in :mod:`optbind.analysis.errata` and in the book's errata appendix.

Time dependence and Fourier sign
--------------------------------
Optical fields are ``Re[E(r) exp(-i omega_L t)]`` (Sec. II of the paper), so an
outgoing spherical wave is ``exp(+i k r) / r`` and the dipole Green tensor is
Eq. (2)/(4) with ``exp(+i k_L r)``.  Mechanical signals use the same sign:

.. math::  z(t) = \\int \\frac{d\\omega}{2\\pi}\\, e^{-i\\omega t} z[\\omega],
           \\qquad \\partial_t \\to -i\\omega .

With this sign a damped oscillator ``z'' + gamma z' + omega0^2 z`` becomes
``(omega0^2 - omega^2 - i gamma omega) z[omega]`` as in Eq. (100).

Index order of couplings
------------------------
``C[j, jp]`` (the paper's ``C_{jj'}``, Eq. 85) is the force on particle ``j`` per
unit displacement of particle ``jp``:

.. math:: C_{jj'} = \\partial F_j / \\partial z_{j'} \\quad (j \\ne j'),

so the linearised equations of motion read
``p_j' = ... + sum_{j'} C_{jj'} (z_{j'} - z_j)`` (Eq. 88b).  ``C[j, jp] != 0``
and ``C[jp, j] == 0`` means that ``jp`` drives ``j`` but not the reverse: a
signal travels from ``jp`` to ``j``.

Diffusion matrix
----------------
``D[j, jp]`` is the coefficient of ``z_j rho z_jp`` in the linearised master
equation (Eq. 82): ``(2 D_{jj'}/hbar^2) (z_j rho z_{j'} - {z_{j'} z_j, rho}/2)``.
It is Hermitian, ``D[jp, j] = conj(D[j, jp])``, and the noise forces obey
``<xi_jp(t') xi_j(t)> = 2 D_jj' delta(t - t')`` (Eq. 89).  With this order the
off-diagonal element is proportional to ``E_{j'}^* . (1 - n n) E_j``
(corrected Eq. 87b) and the commutator relation under Eq. (90) reads

.. math:: C_{jj'} - C_{j'j} = 4\\,\\mathrm{Im}(D_{jj'})/\\hbar .

Susceptibility matrix
---------------------
``chi[a, b]`` is the response of particle ``a`` to a force on particle ``b``:
``z_a[omega] = sum_b chi_ab[omega] xi_b[omega] * (normalisation)``.  It is the
inverse of the matrix of Eq. (100), normalised as in Eq. (101) so that a single
undamped-by-coupling particle has ``chi_11(omega0) = 1``:

.. math:: [\\chi^{-1}]_{jj'} = \\frac{i}{\\omega_0\\gamma}
          \\big[(\\omega_0^2 - \\omega^2 - i\\gamma\\omega)\\delta_{jj'} - C_{jj'}/m\\big].

Tweezer phases
--------------
Tweezer ``j`` has complex amplitude ``E_j = |E_j| exp(i phi_j) e_j`` with a real
unit polarisation ``e_j`` orthogonal to the optical axis ``e_z``.  For two
tweezers the relative phase is ``phi = phi_1 - phi_2`` (``E_1 = E_2 exp(i phi)``,
Sec. V B).  In a chain the next-neighbour phase difference is
``phi_next = phi_j - phi_{j+1}`` (text below Eq. 97).  With these definitions the
chain couplings of Eq. (85) are

.. math:: C_{jj'} = \\frac{2 m \\omega_0 g}{|j-j'|}
          \\cos\\!\\big[k d_{\\rm next} |j-j'| + \\varphi_{\\rm next} (j-j')\\big],

i.e. Eq. (97) with the sign in front of ``phi_next`` reversed.  For
``k d_next = phi_next = pi/4`` the next-neighbour couplings are
``C[j, j+1] = 2 m omega0 g`` and ``C[j+1, j] = 0``: particle ``j+1`` drives
particle ``j``, the signal runs from particle ``N`` towards particle ``1`` and
the amplified response element is ``chi[0, N-1]`` (0-based), the response of the
first particle to a force on the last.

Geometry
--------
All tweezers propagate along ``+e_z``; their foci ``d_j`` lie in the plane
``z = 0`` and particles move along ``z`` only in the linearised array model
(Sec. V A).  ``n_{jj'} = (d_j - d_{j'})/|d_j - d_{j'}|``.

Units
-----
SI throughout (metres, seconds, kilograms, volts per metre).  Angular
frequencies are in rad/s.  A function that also accepts frequencies in any
common unit (the chain and response functions, which the book uses in units
of the damping rate ``gamma_g``) says so in its module docstring, and a
function whose inputs and outputs are pure numbers says "dimensionless".

Names
-----
One name per quantity across the public API:

* plural names hold one value per particle (``positions``, ``volumes``,
  ``masses``, ``foci``, ``amplitudes``), singular names one value
  (``mass``, ``volume``, ``radius``);
* ``n_particles`` is a number of particles; ``n_max`` the highest Fock state;
  ``occupations`` thermal phonon numbers;
* ``permittivity`` is the relative permittivity ``eps``; ``chi`` the
  dielectric susceptibility tensor of Eq. (32) and ``chi_tilde`` its
  renormalised value (Eq. 74); the *mechanical* susceptibility of
  Eqs. (100)-(101) is the function :func:`optbind.response.susceptibility`;
* ``radius`` for spheres, ``semi_axes = (a1, a2, a3)`` for ellipsoids,
  ``euler = (alpha, beta, gamma)`` for orientations (z-y'-z''),
  ``polarizability`` for ``alpha = eps0 V chi``;
* ``k`` is the laser wave number ``k_L`` (1/m), ``kappa = k - 1/z_R`` the
  Gouy-reduced axial wave number (:func:`optbind.fields.gouy_wavenumber`);
* ``gamma`` is the gas damping rate, ``damping`` the damping model
  (``"lindblad"`` by default in every engine), ``seed`` the source of
  randomness (an int, ``None`` or a :class:`numpy.random.Generator`).

Options are keyword-only.
"""
from __future__ import annotations

import numpy as np

from . import validation as _v

#: Physical constants (CODATA 2018, exact or as in scipy.constants).
from scipy.constants import c as SPEED_OF_LIGHT  # noqa: N812
from scipy.constants import epsilon_0 as EPSILON_0  # noqa: N812
from scipy.constants import hbar as HBAR  # noqa: N812
from scipy.constants import k as BOLTZMANN  # noqa: N812

__all__ = [
    "SPEED_OF_LIGHT",
    "EPSILON_0",
    "HBAR",
    "BOLTZMANN",
    "FOURIER_SIGN",
    "chain_phase_argument",
]

#: Sign of the exponent of the time dependence ``exp(FOURIER_SIGN * i omega t)``.
FOURIER_SIGN = -1


def chain_phase_argument(j, jp, kd_next, phi_next):
    """Argument of the cosine in the chain couplings (corrected Eq. 97).

    Parameters
    ----------
    j, jp : array_like of int
        Particle indices (any common origin); ``j`` feels the force, ``jp``
        is displaced.
    kd_next : float
        ``k_L d_next`` (dimensionless).
    phi_next : float
        ``phi_j - phi_{j+1}`` in radians.

    Returns
    -------
    ndarray
        ``kd_next |j - jp| + phi_next (j - jp)``, dimensionless.
    """
    j = _v.integer_array(j, "j")
    jp = _v.integer_array(jp, "jp")
    kd_next = _v.real_scalar(kd_next, "kd_next", "rad")
    phi_next = _v.real_scalar(phi_next, "phi_next", "rad")
    return kd_next * np.abs(j - jp) + phi_next * (j - jp)
