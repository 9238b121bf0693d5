"""Light-matter Lagrangian of small dielectrics: consistency checks and estimates.

Companion module of the book chapter ``lagrangian`` (Sec. III, App. A and B of
Rudolph et al., Phys. Rev. A 110, 063507 (2024)).  It provides

* closed-form depolarisation factors of spheroids, an independent check of
  Eq. (33) as implemented in :func:`optbind.particles.depolarization_factors`;
* the cycle-averaged external potential ``V_ext`` of Eq. (40) for point
  dipoles (optionally with the full Green tensor, i.e. ``V_ext`` plus the
  conservative Lamb-shift part, Eqs. 67 and 75);
* the cycle-averaged force and torque on an induced point dipole in the
  *total* field (Eqs. 17a, 17b in the point-dipole limit), computed directly
  from the dipole moments and the fields, to second order in the
  susceptibility;
* finite-difference derivatives of the potential with respect to positions
  and Euler angles, which Eqs. (21) and (28) state must equal those forces
  and torques;
* order-of-magnitude ratios for the approximations of Eqs. (39)-(41) and
  App. B.

Conventions: fields are ``Re[E exp(-i omega t)]``; the cycle average of
``Re[a e^{-i w t}] . M Re[b e^{-i w t}]`` is ``Re[a^* . M b]/2`` for real
``M``.  Particles are given as in :mod:`optbind.interactions` (positions
(N, 3) in m, volumes (N,) in m^3, susceptibilities scalar or (N, 3, 3)).
"""
from __future__ import annotations

import numpy as np

from .conventions import BOLTZMANN, EPSILON_0, SPEED_OF_LIGHT
from .green import (
    dyadic_green,
    dyadic_green_gradient,
    electrostatic_green,
    electrostatic_green_gradient,
)
from .interactions import check_particles
from .particles import (
    check_permittivity,
    check_positive,
    depolarization_factors,
    radiation_correction_sphere,
    rotation_matrix,
    sphere_susceptibility,
)

__all__ = [
    "spheroid_depolarization",
    "depolarization_curve",
    "spheroid_susceptibilities",
    "ball_distance_pdf",
    "sphere_radiation_correction_quad",
    "GREENS",
    "external_potential",
    "dipole_forces",
    "potential_gradient",
    "euler_rotation_axes",
    "dipole_torque",
    "orientation_potential",
    "euler_derivatives",
    "approximation_ratios",
]


# ------------------------------------------------------------ Eq. (32), (33)
def spheroid_depolarization(aspect):
    """Closed-form depolarisation factors of a spheroid (Eq. 33 integrated).

    The spheroid has semi-axes ``(a, a, c)`` with aspect ratio
    ``aspect = c / a``: ``> 1`` prolate (cigar), ``< 1`` oblate (disk).
    With eccentricity ``e``,

    * prolate: ``e^2 = 1 - 1/aspect^2``,
      ``N_c = (1 - e^2)/e^3 (artanh e - e)``;
    * oblate: ``e^2 = 1/aspect^2 - 1``,
      ``N_c = (1 + e^2)/e^3 (e - arctan e)``;

    and ``N_a = (1 - N_c)/2`` for the two equal axes (e.g. Bohren and
    Huffman, Sec. 5.3).  Near the sphere a series in ``e^2`` is used.

    Parameters
    ----------
    aspect : array_like
        Aspect ratio ``c/a`` (> 0, dimensionless).

    Returns
    -------
    ndarray, shape (..., 3)
        ``(N_a, N_a, N_c)``, dimensionless, summing to 1.
    """
    q = check_positive(aspect, "aspect", "(ratio c/a)")
    q = np.atleast_1d(q)
    n_c = np.empty_like(q)
    for i, qi in enumerate(q):
        if abs(qi - 1.0) < 1e-4:
            # series about the sphere: N_c ~ 1/3 - (2/15)(q - 1)·2 + ...
            n_c[i] = 1.0 / 3.0 - 4.0 / 15.0 * (qi - 1.0)
        elif qi > 1.0:
            e = np.sqrt(1.0 - 1.0 / qi**2)
            n_c[i] = (1.0 - e**2) / e**3 * (np.arctanh(e) - e)
        else:
            e = np.sqrt(1.0 / qi**2 - 1.0)
            n_c[i] = (1.0 + e**2) / e**3 * (e - np.arctan(e))
    n_a = 0.5 * (1.0 - n_c)
    out = np.stack([n_a, n_a, n_c], axis=-1)
    return out if np.ndim(aspect) else out[0]


def depolarization_curve(aspects):
    """Depolarisation factors from Eq. (33) (Carlson form) for spheroids ``(1, 1, aspect)``.

    Parameters
    ----------
    aspects : array_like, shape (M,)
        Aspect ratios ``c/a`` (> 0).

    Returns
    -------
    ndarray, shape (M, 3)
        ``(N_1, N_2, N_3)`` with the symmetry axis last.
    """
    q = np.atleast_1d(check_positive(aspects, "aspects"))
    return np.array([depolarization_factors(1.0, 1.0, qi) for qi in q])


def spheroid_susceptibilities(eps, aspects):
    """Principal susceptibilities of Eq. (32) for spheroids.

    Parameters
    ----------
    eps : float
        Relative permittivity (> 1).
    aspects : array_like, shape (M,)
        Aspect ratios ``c/a``.

    Returns
    -------
    chi_perp, chi_axis : ndarray, shape (M,)
        Susceptibility across and along the symmetry axis,
        ``(eps - 1)/(1 + N (eps - 1))`` (dimensionless).
    """
    e = check_permittivity(eps)
    n = depolarization_curve(aspects)
    chi = (e - 1.0) / (1.0 + n * (e - 1.0))
    return chi[:, 0], chi[:, 2]


# ------------------------------------------------------------------ Eq. (68)
def ball_distance_pdf(s, radius):
    """Probability density of the distance of two uniform points in a ball.

    ``p(s) = 3 s^2/a^3 - 9 s^3/(4 a^4) + 3 s^5/(16 a^6)`` for
    ``0 <= s <= 2a`` (zero beyond).

    Parameters
    ----------
    s : array_like
        Distance in m (>= 0).
    radius : float
        Ball radius ``a`` in m (> 0).

    Returns
    -------
    ndarray
        Density in 1/m.
    """
    a = float(check_positive(radius, "radius", "m"))
    s = np.asarray(s, dtype=float)
    p = 3 * s**2 / a**3 - 9 * s**3 / (4 * a**4) + 3 * s**5 / (16 * a**6)
    return np.where((s >= 0) & (s <= 2 * a), p, 0.0)


def sphere_radiation_correction_quad(eps, radius, k):
    """Eq. (68) for a sphere by numerical integration (independent of the closed form).

    For a sphere the integrand of Eq. (68) depends on ``s = r - r'`` only;
    averaging ``(s^2 1 + s s)/s^3`` over directions gives ``(4/3)(1/s) 1``, so
    ``delta chi = k^2 chi^2 V (4/3) <1/s> / (8 pi)`` with the mean inverse
    distance ``<1/s>`` of two uniform points, integrated here with
    :func:`scipy.integrate.quad` over :func:`ball_distance_pdf`.

    Parameters
    ----------
    eps : float
        Relative permittivity (> 1).
    radius : float
        Sphere radius in m (> 0).
    k : float
        Wave number in 1/m (> 0).

    Returns
    -------
    float
        Dimensionless scalar ``delta chi``.
    """
    from scipy.integrate import quad

    a = float(check_positive(radius, "radius", "m"))
    k = float(check_positive(k, "k", "1/m"))
    chi = sphere_susceptibility(eps)
    # integrate in u = s/a to keep the numbers O(1)
    mean_inv, _ = quad(lambda u: (3 * u - 9 * u**2 / 4 + 3 * u**4 / 16), 0.0, 2.0,
                       epsabs=1e-14, epsrel=1e-12)
    mean_inv /= a
    vol = 4.0 * np.pi * a**3 / 3.0
    return k**2 * chi**2 * vol * (4.0 / 3.0) * mean_inv / (8.0 * np.pi)


# ----------------------------------------------- potentials, forces, torques
def _electrostatic(r, k):
    return electrostatic_green(r)


def _electrostatic_gradient(r, k):
    return electrostatic_green_gradient(r)


def _real_green(r, k):
    return dyadic_green(r, k).real


def _real_green_gradient(r, k):
    return dyadic_green_gradient(r, k).real


#: Green-tensor choices: ``"static"`` is ``G0`` (Eq. 9, the coupling inside
#: ``V_ext`` of Eq. 40); ``"real"`` is ``Re G`` (Eq. 4), i.e. ``V_ext`` plus the
#: conservative Lamb-shift part ``Re(G - G0)`` (Eqs. 67, 75).
GREENS = {
    "static": (_electrostatic, _electrostatic_gradient),
    "real": (_real_green, _real_green_gradient),
}


def _green_pair(green):
    if green not in GREENS:
        raise ValueError(f"green must be one of {sorted(GREENS)}; got {green!r}")
    return GREENS[green]


def external_potential(positions, volumes, chi, field, green="static"):
    """Cycle-averaged point-dipole potential of Eq. (40), in J.

    ``V = -(eps0/4) sum_j V_j E_j^* . chi_j E_j
    - (eps0/4) sum_{j != j'} V_j V_j' Re[E_j^* . chi_j G(r_j - r_j') chi_j' E_j']``
    with ``E_j = E_L(r_j)`` and ``G = G0`` (``green="static"``, Eq. 40) or
    ``G = Re G`` (``green="real"``: Eq. 40 plus the Lamb shift of Eq. 67
    without its ``delta chi`` term, i.e. ``V_L`` of Eq. 73 with ``chi`` plus
    ``V_opt`` of Eq. 75).

    Parameters
    ----------
    positions : array_like, shape (N, 3)
        Positions in m.
    volumes : array_like, shape (N,)
        Volumes in m^3.
    chi : float or array_like
        Susceptibilities (scalar, (N,), (3, 3) or (N, 3, 3)).
    field : field object
        Laser field with ``k``, ``field(r)`` (see :mod:`optbind.fields`).
    green : {"static", "real"}
        Coupling tensor.

    Returns
    -------
    float
        Energy in J.
    """
    pos, vol, chi = check_particles(positions, volumes, chi)
    g_fun, _ = _green_pair(green)
    e = field.field(pos)
    a = vol[:, None] * np.einsum("jbc,jc->jb", chi, e)  # V_j chi_j E_j
    val = -0.25 * EPSILON_0 * np.real(np.einsum("jb,jb->", e.conj(), a))
    n = pos.shape[0]
    for j in range(n):
        for jp in range(n):
            if j != jp:
                g = g_fun(pos[j] - pos[jp], field.k)
                val -= 0.25 * EPSILON_0 * np.real(a[j].conj() @ g @ a[jp])
    return float(val)


def _induced_dipoles(pos, vol, chi, field, g_fun):
    """First- and second-order induced dipoles (C m) and the first-order fields."""
    e = field.field(pos)
    p1 = EPSILON_0 * vol[:, None] * np.einsum("jbc,jc->jb", chi, e)
    n = pos.shape[0]
    p2 = np.zeros_like(p1)
    for j in range(n):
        for jp in range(n):
            if j != jp:
                g = g_fun(pos[j] - pos[jp], field.k)
                p2[j] += vol[j] * chi[j] @ g @ p1[jp]
    return e, p1, p2


def dipole_forces(positions, volumes, chi, field, green="static"):
    """Cycle-averaged force on each induced dipole in the total field (Eq. 17a).

    Point-dipole limit of Eq. (17a): ``F_j,a = (1/2) Re[p_j^* . d_a E(r_j)]``
    with the gradient acting on the field only.  The field at particle ``j``
    is the laser plus the fields ``G(r - r_j') p_j'/eps0`` of the other
    dipoles; the dipoles ``p_j = eps0 V_j chi_j [E_L(r_j) + sum_j' G p_j'/eps0]``
    are expanded to second order in ``chi`` and the force is truncated at
    second order (no multiple scattering).

    Parameters
    ----------
    positions, volumes, chi, field
        As in :func:`external_potential`; ``field`` must also provide
        ``gradient(r)`` with ``[..., a, b] = d E_b/d r_a``.
    green : {"static", "real"}
        ``G0`` (the instantaneous field of Eq. 10) or ``Re G``.

    Returns
    -------
    ndarray, shape (N, 3)
        Forces in N.
    """
    pos, vol, chi = check_particles(positions, volumes, chi)
    g_fun, dg_fun = _green_pair(green)
    e, p1, p2 = _induced_dipoles(pos, vol, chi, field, g_fun)
    de = field.gradient(pos)  # (N, a, b)
    n = pos.shape[0]
    out = np.zeros((n, 3))
    for j in range(n):
        # laser-field gradient acting on the full (2nd-order) dipole
        f = np.einsum("b,ab->a", (p1[j] + p2[j]).conj(), de[j])
        for jp in range(n):
            if jp != j:
                dg = dg_fun(pos[j] - pos[jp], field.k)  # [a, b, c] = d_a G_bc
                f = f + np.einsum("b,abc,c->a", p1[j].conj(), dg, p1[jp]) / EPSILON_0
        out[j] = 0.5 * np.real(f)
    return out


def potential_gradient(fun, positions, j, step):
    """Central-difference gradient of ``fun(positions)`` with respect to ``r_j``.

    Parameters
    ----------
    fun : callable
        ``fun(positions) -> float`` (energy in J).
    positions : array_like, shape (N, 3)
        Positions in m.
    j : int
        Particle index.
    step : float
        Step in m (> 0).

    Returns
    -------
    ndarray, shape (3,)
        ``d fun / d r_j`` in J/m (so ``-`` this is the force).
    """
    h = float(check_positive(step, "step", "m"))
    pos = np.asarray(positions, dtype=float)
    out = np.empty(3)
    for a in range(3):
        pp = pos.copy()
        pm = pos.copy()
        pp[j, a] += h
        pm[j, a] -= h
        out[a] = (fun(pp) - fun(pm)) / (2.0 * h)
    return out


def euler_rotation_axes(alpha, beta, gamma):
    """Instantaneous rotation axes ``n_mu`` of the Euler angles (text above Eq. 27).

    For ``R = R_z(alpha) R_y(beta) R_z(gamma)``, ``d R/d mu = [n_mu]_x R`` with
    ``n_alpha = e_z``, ``n_beta = R_z(alpha) e_y`` and
    ``n_gamma = R_z(alpha) R_y(beta) e_z``.

    Returns
    -------
    ndarray, shape (3, 3)
        Rows ``n_alpha, n_beta, n_gamma`` (unit vectors).
    """
    ez = np.array([0.0, 0.0, 1.0])
    ey = np.array([0.0, 1.0, 0.0])
    n_a = ez
    n_b = rotation_matrix(alpha, 0.0, 0.0) @ ey
    n_g = rotation_matrix(alpha, beta, 0.0) @ ez
    return np.stack([n_a, n_b, n_g])


def _chi_rotated(chi_body, euler):
    rot = rotation_matrix(*euler)
    return rot @ np.asarray(chi_body, dtype=float) @ rot.T


def orientation_potential(euler, chi_body, positions, volumes, chi_others, field, green="static"):
    """``V_ext`` (Eq. 40, cycle-averaged) as a function of particle 0's orientation.

    Particle 0 has the body-frame susceptibility ``chi_body`` rotated by
    ``euler`` (z-y'-z'', Eq. 16); the others have ``chi_others``.

    Parameters
    ----------
    euler : array_like, shape (3,)
        Euler angles of particle 0 in rad.
    chi_body : array_like, shape (3, 3)
        Body-frame susceptibility of particle 0 (real symmetric).
    positions, volumes : array_like
        All particles (particle 0 first).
    chi_others : array_like, shape (N - 1, 3, 3)
        Lab-frame susceptibilities of particles 1 ... N - 1.
    field : field object
    green : {"static", "real"}

    Returns
    -------
    float
        Energy in J.
    """
    chi0 = _chi_rotated(chi_body, euler)
    chis = np.concatenate([chi0[None], np.asarray(chi_others, dtype=float).reshape(-1, 3, 3)])
    return external_potential(positions, volumes, chis, field, green)


def dipole_torque(euler, chi_body, positions, volumes, chi_others, field, green="static"):
    """Cycle-averaged torque on particle 0 in the total field (Eq. 17b, point dipole).

    ``N = (1/2) Re[p_0^* x E(r_0)]``: for a point dipole only the intrinsic
    term of Eq. (17b) survives; the dipole and field are expanded to second
    order in the susceptibilities, as in :func:`dipole_forces`.

    Returns
    -------
    ndarray, shape (3,)
        Torque in N m.
    """
    chi0 = _chi_rotated(chi_body, euler)
    chis = np.concatenate([chi0[None], np.asarray(chi_others, dtype=float).reshape(-1, 3, 3)])
    pos, vol, chi = check_particles(positions, volumes, chis)
    g_fun, _ = _green_pair(green)
    e, p1, p2 = _induced_dipoles(pos, vol, chi, field, g_fun)
    e_scat = np.zeros(3, dtype=complex)
    for jp in range(1, pos.shape[0]):
        e_scat += g_fun(pos[0] - pos[jp], field.k) @ p1[jp] / EPSILON_0
    tq = np.cross((p1[0] + p2[0]).conj(), e[0]) + np.cross(p1[0].conj(), e_scat)
    return 0.5 * np.real(tq)


def euler_derivatives(fun, euler, step):
    """Central differences ``d fun / d mu`` for the three Euler angles.

    Parameters
    ----------
    fun : callable
        ``fun(euler) -> float``.
    euler : array_like, shape (3,)
        Angles in rad.
    step : float
        Step in rad (> 0).

    Returns
    -------
    ndarray, shape (3,)
    """
    h = float(check_positive(step, "step", "rad"))
    eu = np.asarray(euler, dtype=float)
    out = np.empty(3)
    for m in range(3):
        ep = eu.copy()
        em = eu.copy()
        ep[m] += h
        em[m] -= h
        out[m] = (fun(ep) - fun(em)) / (2.0 * h)
    return out


# ------------------------------------------------------- App. B estimates
def approximation_ratios(diameter, wavelength, permittivity, density, separation,
                         power, waist, temperature=295.0):
    """Dimensionless sizes of the terms dropped between Eq. (18) and Eq. (39).

    All are order-of-magnitude estimates for a homogeneous sphere:

    ``ka``
        Size parameter (radius ``a``); the quasi-static solution (Eq. 31)
        and ``V_ext`` (Eq. 40) assume ``ka << 1``; Mie corrections to the
        polarisability are ``O((ka)^2)``.
    ``delta_chi_over_chi``
        Radiation correction (Eq. 68) relative to ``chi``:
        ``(4/15) chi (ka)^2``.
    ``v_over_c``
        Thermal speed ``sqrt(k_B T/m)`` over ``c``: size of the velocity
        term of Eq. (B4) relative to ``V_int`` (``q' d/dq ~ v k`` against
        ``d/dt ~ omega_L = c k``).
    ``v_over_c_ground``
        Same with the zero-point speed ``sqrt(hbar omega/(2 m))`` of the
        trapped ground state (omega of Eq. 79).
    ``scattered_over_laser_self``
        Field radiated by a particle at its own position relative to the
        laser (radiation-reaction part, ``k^3 V chi/(6 pi)``): the size of the
        dropped terms quadratic in the scattered field relative to the kept
        linear ones.
    ``scattered_over_laser_pair``
        Far field of one particle at the other, ``k^2 V chi/(4 pi d)``:
        the relative size of multiple scattering (dropped in Eq. 36) and of
        the second term of the second line of Eq. (B1).
    ``static_pair``
        Near-field (electrostatic) coupling ``V chi/(4 pi d^3)``.
    ``light_transit_over_period``
        Light crossing time of the particle over the mechanical period
        (rigid-body assumption, text below Eq. 20).

    Parameters
    ----------
    diameter : float
        Sphere diameter in m.
    wavelength : float
        Laser wavelength in m.
    permittivity : float
        Relative permittivity (> 1).
    density : float
        Mass density in kg/m^3.
    separation : float
        Interparticle distance in m.
    power : float
        Tweezer power in W.
    waist : float
        Tweezer waist in m.
    temperature : float, optional
        Gas / motional temperature in K.

    Returns
    -------
    dict
        Name -> float (dimensionless).
    """
    from .conventions import HBAR
    from .fields import field_amplitude_from_power, rayleigh_range, trap_frequency

    d = float(check_positive(diameter, "diameter", "m"))
    lam = float(check_positive(wavelength, "wavelength", "m"))
    rho = float(check_positive(density, "density", "kg/m^3"))
    sep = float(check_positive(separation, "separation", "m"))
    temp = float(check_positive(temperature, "temperature", "K"))
    chi = sphere_susceptibility(permittivity)
    k = 2.0 * np.pi / lam
    a = 0.5 * d
    vol = np.pi * d**3 / 6.0
    mass = rho * vol
    dchi = radiation_correction_sphere(permittivity, a, k)
    z_r = rayleigh_range(k, waist)
    e0 = field_amplitude_from_power(power, waist)
    omega = float(trap_frequency(chi + dchi, vol, mass, e0, z_r))
    v_th = np.sqrt(BOLTZMANN * temp / mass)
    v_zp = np.sqrt(HBAR * omega / (2.0 * mass))
    return {
        "ka": k * a,
        "delta_chi_over_chi": dchi / chi,
        "v_over_c": v_th / SPEED_OF_LIGHT,
        "v_over_c_ground": v_zp / SPEED_OF_LIGHT,
        "scattered_over_laser_self": k**3 * vol * chi / (6.0 * np.pi),
        "scattered_over_laser_pair": k**2 * vol * chi / (4.0 * np.pi * sep),
        "static_pair": vol * chi / (4.0 * np.pi * sep**3),
        "light_transit_over_period": (d * np.sqrt(permittivity) / SPEED_OF_LIGHT) * omega / (2 * np.pi),
    }
