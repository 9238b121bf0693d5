"""Printed formulas of the paper that need correcting, with numerical evidence.

:data:`REGISTRY` lists :class:`Erratum` entries.  Each has a printed and a
corrected form (implemented below as ``*_printed`` / ``*_corrected``
functions) and an ``evidence()`` function that evaluates both against an
independent route (general non-linearised expressions, finite differences,
angular quadrature, or direct time integration) and returns
``{"printed": err_p, "corrected": err_c, ...}`` with relative errors.
The index conventions are those of :mod:`optbind.conventions`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy.integrate import solve_ivp

from .conventions import EPSILON_0, HBAR
from .fields import TweezerField
from .interactions import binding_potential, gradient_forces, optical_potential

__all__ = [
    "Erratum",
    "REGISTRY",
    "get",
    "gradient_force_eq7_printed",
    "gradient_force_eq7_corrected",
    "harmonic_binding_potential_eq80",
    "amplitude_derivatives_eq81",
    "cross_diffusion_eq87b",
    "commutator_relation_eq90",
    "chain_coupling_eq97",
    "inverse_susceptibility_eq101",
    "driven_response",
]


@dataclass(frozen=True)
class Erratum:
    """One correction to a printed formula.

    Attributes
    ----------
    id : str
        Short identifier.
    equation : str
        Where it is printed, e.g. ``"Eq. (87b)"``.
    printed, corrected : str
        The printed and the corrected formula (plain-text maths).
    explanation : str
        Why, in this project's words.
    evidence : callable
        ``evidence() -> dict`` with relative errors ``"printed"`` and
        ``"corrected"`` against an independent route.
    """

    id: str
    equation: str
    printed: str
    corrected: str
    explanation: str
    evidence: Callable[[], dict]


# --------------------------------------------------------------- fixtures
def _demo_array(kd_n=6, phases=(0.7, -0.4, 1.9), thetas=(0.3, -0.8, 1.1), ratios=(1.0, 0.7, 1.3)):
    """A small irregular three-tweezer array with realistic silica parameters."""
    from .array import LinearArray
    from .parameters import load

    p = load("rieser2022")
    d = 2.0 * np.pi * kd_n / p.k
    foci = np.array([[0.0, 0.0, 0.0], [d, 0.13 * d, 0.0], [0.35 * d, 1.1 * d, 0.0]])
    pol = np.array([[np.cos(t), np.sin(t), 0.0] for t in thetas])
    amps = p.field_amplitude * (np.array(ratios) * np.exp(1j * np.array(phases)))[:, None] * pol
    vols = p.volume * np.array([1.0, 0.8, 1.2])
    return LinearArray(foci, amps, vols, p.density * vols, p.chi, p.k, p.z_R, p.chi_tilde)


def _rel(a, b):
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b))) / np.max(np.abs(b)))


# ------------------------------------------------------------------ Eq. 7
def gradient_force_eq7_printed(alpha, field, r, step=1e-10):
    """First term of Eq. (7) as printed, ``(alpha/4) d|E_L(r)|/dr`` (finite differences), N."""
    r = np.asarray(r, dtype=float)
    out = np.empty(3)
    for a in range(3):
        dr = np.zeros(3)
        dr[a] = step
        out[a] = (np.linalg.norm(field.field(r + dr)) - np.linalg.norm(field.field(r - dr))) / (2 * step)
    return 0.25 * alpha * out


def gradient_force_eq7_corrected(alpha, field, r):
    """First term of Eq. (7) corrected, ``(alpha/4) d|E_L|^2/dr = (alpha/2) Re[(dE)^* . E]``, N."""
    r = np.asarray(r, dtype=float)
    return 0.5 * alpha * np.real(field.gradient(r).conj() @ field.field(r))


def _evidence_eq7():
    from .parameters import load

    p = load("rieser2022")
    field = TweezerField([[0.0, 0.0, 0.0]], [[p.field_amplitude, 0.0, 0.0]], p.k, p.waist)
    r = np.array([0.21, -0.17, 0.4]) * p.waist
    alpha = EPSILON_0 * p.volume * p.chi
    # independent route: minus the finite-difference gradient of V_L (Eq. 73)
    h = 1e-4 * p.waist
    ref = np.empty(3)
    for a in range(3):
        dr = np.zeros(3)
        dr[a] = h
        ref[a] = -(optical_potential([r + dr], p.volume, p.chi, field)
                   - optical_potential([r - dr], p.volume, p.chi, field)) / (2 * h)
    return {
        "printed": _rel(gradient_force_eq7_printed(alpha, field, r, h), ref),
        "corrected": _rel(gradient_force_eq7_corrected(alpha, field, r), ref),
        "analytic_vs_fd": _rel(gradient_forces([r], p.volume, p.chi, field)[0], ref),
    }


# ----------------------------------------------------------------- Eq. 80
def harmonic_binding_potential_eq80(array, z, printed=False):
    """Harmonic optical-binding potential of Eq. (80), in J.

    Corrected: ``-sum_{j != j'} eps0 chi^2 k^2 V_j V_j'/(16 pi d) cos(kd)
    E_j'^* . (1 - nn) E_j [1 + i kappa dz - kappa^2 dz^2/2]``, ``dz = z_j - z_j'``.
    Printed: the same with ``E_j^* . (1 - nn) E_j``.
    """
    z = np.asarray(z, dtype=float)
    total = 0.0 + 0.0j
    for j in range(array.N):
        for jp in range(array.N):
            if j == jp:
                continue
            sep = array.foci[j] - array.foci[jp]
            d = np.linalg.norm(sep)
            nn = np.outer(sep, sep) / d**2
            left = array.amplitudes[j] if printed else array.amplitudes[jp]
            q = left.conj() @ (np.eye(3) - nn) @ array.amplitudes[j]
            dz = z[j] - z[jp]
            total += (-EPSILON_0 * array.chi**2 * array.k**2 * array.volumes[j] * array.volumes[jp]
                      / (16 * np.pi * d) * np.cos(array.k * d) * q
                      * (1 + 1j * array.kappa * dz - array.kappa**2 * dz**2 / 2))
    return float(total.real)


def _evidence_eq80():
    from .array import focal_plane_green

    arr = _demo_array()
    # independent route: Eq. (75) with the near-focus field E_j exp(i kappa z) and the
    # far-field Green tensor at the foci -- the two approximations Eq. (80) rests on.
    z = np.array([0.03, -0.05, 0.02]) / arr.k

    class NearFocus:
        k = arr.k

        def field(self, r):
            j = int(np.argmin(np.linalg.norm(r[..., :2] - arr.foci[:, :2], axis=-1)))
            return arr.amplitudes[j] * np.exp(1j * arr.kappa * r[..., 2])

    nf = NearFocus()
    pos = arr.foci + z[:, None] * np.array([0.0, 0.0, 1.0])
    e = np.array([nf.field(p) for p in pos])
    ref = 0.0
    for j in range(arr.N):
        for jp in range(arr.N):
            if j != jp:
                g = np.real(focal_plane_green(pos[j] - pos[jp], arr.k))
                ref += -0.25 * EPSILON_0 * arr.volumes[j] * arr.volumes[jp] * arr.chi**2 * np.real(
                    e[jp].conj() @ g @ e[j])
    exact = binding_potential(arr.foci, arr.volumes, arr.chi, arr.field)
    return {
        "printed": abs(harmonic_binding_potential_eq80(arr, z, True) - ref) / abs(ref),
        "corrected": abs(harmonic_binding_potential_eq80(arr, z, False) - ref) / abs(ref),
        "corrected_vs_full_eq75_at_foci": abs(harmonic_binding_potential_eq80(arr, 0 * z) - exact) / abs(exact),
    }


# ----------------------------------------------------------------- Eq. 81
def amplitude_derivatives_eq81(array, directions, printed=False):
    """``dL_ns/dz_j`` at the foci from Eq. (81), shape (M, 2, N), in s^(-1/2)/m.

    Printed: prefactor ``sqrt(eps0 k^3 V_j chi/(2 hbar)) V_j chi/(4 pi)`` and no
    focus phase.  Corrected: ``sqrt(eps0 k^3/(2 hbar)) V_j chi/(4 pi)`` times
    ``e^{-ik n.d_j}``, as follows from Eq. (76).
    """
    from .green import transverse_polarizations

    n = np.asarray(directions, dtype=float)
    t = transverse_polarizations(n)
    vchi = array.volumes * array.chi
    pref = np.sqrt(EPSILON_0 * array.k**3 * (vchi if printed else 1.0) / (2 * HBAR)) * vchi / (4 * np.pi)
    phase = 1.0 if printed else np.exp(-1j * array.k * n @ array.foci.T)
    lin = 1j * (array.kappa - array.k * n[:, 2])[:, None] * phase * pref  # (M, N)
    return np.einsum("msb,jb,mj->msj", t, array.amplitudes, lin)


def _evidence_eq81():
    from .interactions import quadrature_order
    from .green import sphere_quadrature

    arr = _demo_array()
    nodes, w = sphere_quadrature(*quadrature_order(arr.foci, arr.k))
    ref = arr.numerical_D((nodes, w))

    def dmat(printed):
        dl = amplitude_derivatives_eq81(arr, nodes, printed)
        return 0.5 * HBAR**2 * np.einsum("m,msj,msk->jk", w, dl, dl.conj())

    dl_c = amplitude_derivatives_eq81(arr, nodes, False)
    dl_nophase = dl_c * np.exp(1j * arr.k * nodes @ arr.foci.T)[:, None, :]
    d_nophase = 0.5 * HBAR**2 * np.einsum("m,msj,msk->jk", w, dl_nophase, dl_nophase.conj())
    return {"printed": _rel(dmat(True), ref), "corrected": _rel(dmat(False), ref),
            "prefactor_fixed_phase_dropped": _rel(d_nophase, ref)}


# ---------------------------------------------------------------- Eq. 87b
def cross_diffusion_eq87b(array, printed=False):
    """Off-diagonal diffusion matrix of Eq. (87b), shape (N, N) (zero diagonal), N^2 s.

    Printed: ``... sin(kd) E_j^* . (1 - n_jj' n_j'j) E_j`` = ``E_j^*(1 + nn)E_j``.
    Corrected: ``... sin(kd) E_j'^* . (1 - nn) E_j`` (``D[j, jp]`` multiplies
    ``z_j rho z_jp``).
    """
    out = np.zeros((array.N, array.N), dtype=complex)
    for j in range(array.N):
        for jp in range(array.N):
            if j == jp:
                continue
            sep = array.foci[j] - array.foci[jp]
            d = np.linalg.norm(sep)
            nn = np.outer(sep, sep) / d**2
            if printed:
                q = array.amplitudes[j].conj() @ (np.eye(3) + nn) @ array.amplitudes[j]
            else:
                q = array.amplitudes[jp].conj() @ (np.eye(3) - nn) @ array.amplitudes[j]
            out[j, jp] = (HBAR * EPSILON_0 * array.chi**2 * array.volumes[j] * array.volumes[jp]
                          * array.k**2 * array.kappa**2 / (16 * np.pi * d) * np.sin(array.k * d) * q)
    return out


def _evidence_eq87b():
    arr = _demo_array(kd_n=60)
    ref = arr.numerical_D()
    off = ~np.eye(arr.N, dtype=bool)
    return {
        "printed": _rel(cross_diffusion_eq87b(arr, True)[off], ref[off]),
        "corrected": _rel(cross_diffusion_eq87b(arr, False)[off], ref[off]),
        "k_d_min": float(arr.k * np.min(np.linalg.norm(arr.foci[1:] - arr.foci[0], axis=1))),
    }


# ----------------------------------------------------------------- Eq. 90
def commutator_relation_eq90(C, D, printed=False):
    """Residual ``C_jj' - C_j'j - rhs`` of the relation under Eq. (90), in N/m.

    Printed ``rhs = 4 i Im(D_jj')/hbar``; corrected ``rhs = 4 Im(D_jj')/hbar``.
    """
    C = np.asarray(C)
    rhs = 4.0 * np.imag(D) / HBAR * (1j if printed else 1.0)
    res = C - C.T - rhs
    np.fill_diagonal(res, 0.0)
    return res


def _evidence_eq90():
    arr = _demo_array()
    c = arr.numerical_C("full")
    d = arr.numerical_D()
    scale = np.max(np.abs(c - c.T))
    return {
        "printed": float(np.max(np.abs(commutator_relation_eq90(c, d, True))) / scale),
        "corrected": float(np.max(np.abs(commutator_relation_eq90(c, d, False))) / scale),
        "transposed_D": float(np.max(np.abs(commutator_relation_eq90(c, d.T, False))) / scale),
    }


# ----------------------------------------------------------------- Eq. 97
def chain_coupling_eq97(n_particles, kd_next, phi_next, printed=False):
    """Chain couplings of Eq. (97) in units of ``2 m omega0 g``, shape (N, N).

    Printed argument ``kd|j - j'| - phi_next (j - j')``; corrected ``+``
    (:func:`optbind.conventions.chain_phase_argument`).
    """
    from .conventions import chain_phase_argument

    j = np.arange(n_particles)[:, None]
    jp = np.arange(n_particles)[None, :]
    arg = chain_phase_argument(j, jp, kd_next, -phi_next if printed else phi_next)
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.cos(arg) / np.abs(j - jp)
    np.fill_diagonal(c, 0.0)
    return c


def _evidence_eq97():
    from .array import LinearArray
    from .parameters import load

    p = load("rieser2022")
    n_part, n, phi_next = 5, 7, np.pi / 4
    d = (np.pi / 4 + 2 * np.pi * n) / p.k
    phases = -phi_next * np.arange(n_part)  # phi_j - phi_{j+1} = phi_next
    foci = np.array([[j * d, 0.0, 0.0] for j in range(n_part)])
    amps = p.field_amplitude * np.exp(1j * phases)[:, None] * np.array([0.0, 1.0, 0.0])
    arr = LinearArray(foci, amps, [p.volume] * n_part, [p.mass] * n_part, p.chi, p.k, p.z_R)
    ref = arr.C / (EPSILON_0 * p.chi**2 * p.volume**2 * p.k**2 * arr.kappa**2
                   * p.field_amplitude**2 / (8 * np.pi * d))  # units of 2 m omega0 g, Eq. (98)
    kd = p.k * d
    return {
        "printed": _rel(chain_coupling_eq97(n_part, kd, phi_next, True), ref),
        "corrected": _rel(chain_coupling_eq97(n_part, kd, phi_next, False), ref),
        "printed_C12_C21": chain_coupling_eq97(2, kd, phi_next, True)[[0, 1], [1, 0]].tolist(),
    }


# ---------------------------------------------------------------- Eq. 101
def inverse_susceptibility_eq101(omega, omega0, gamma, C_over_m, printed=False):
    """Matrix ``chi^{-1}[omega]`` of Eq. (101) (dimensionless).

    Corrected: ``(i/(omega0 gamma)) [(omega0^2 - omega^2 - i gamma omega) 1 - C/m]``
    (Eq. 100).  Printed: ``omega^2 - omega0^2`` instead.
    """
    cm = np.asarray(C_over_m, dtype=float)
    diag = (omega**2 - omega0**2 if printed else omega0**2 - omega**2) - 1j * gamma * omega
    return 1j / (omega0 * gamma) * (diag * np.eye(cm.shape[0]) - cm)


def driven_response(omega, omega0, gamma, C_over_m, drive, t_end=None):
    """Steady-state response of Eq. (96) to a complex drive ``xi_b/m = e^{-i omega t}``.

    Integrates ``z'' + gamma z' + omega0^2 z - (C/m) z = e^{-i omega t} e_b``
    from rest with :func:`scipy.integrate.solve_ivp` (time domain, independent
    of the matrix inversion of Eqs. 100-101) and demodulates the last ten
    drive periods.

    Parameters
    ----------
    omega, omega0, gamma : float
        Drive frequency, trap frequency and damping rate (any common unit).
    C_over_m : array_like, shape (N, N)
        Couplings ``C/m`` in the same units squared.
    drive : int
        Index ``b`` of the driven particle.
    t_end : float, optional
        Integration time (default ``40/gamma``, transients ~ e^-20).

    Returns
    -------
    ndarray, shape (N,), complex
        ``A`` with ``z(t) -> A e^{-i omega t}``.
    """
    cm = np.asarray(C_over_m, dtype=float)
    n = cm.shape[0]
    f = np.zeros(n)
    f[drive] = 1.0
    period = 2 * np.pi / omega
    t_end = 40.0 / gamma if t_end is None else t_end
    t_end = period * np.ceil(t_end / period)

    def rhs(t, y):
        z, v = y[:n], y[n:]
        return np.concatenate([v, -gamma * v - omega0**2 * z + cm @ z + f * np.exp(-1j * omega * t)])

    t_eval = np.linspace(t_end - 10 * period, t_end, 2001)
    sol = solve_ivp(rhs, (0.0, t_end), np.zeros(2 * n, dtype=complex), t_eval=t_eval,
                    rtol=1e-10, atol=1e-12, method="DOP853")
    demod = sol.y[:n] * np.exp(1j * omega * sol.t)
    return np.trapezoid(demod, sol.t, axis=1) / (sol.t[-1] - sol.t[0])


def _evidence_eq101():
    omega0, gamma = 1.0, 0.05
    # a weakly and non-reciprocally coupled triple (stable: |eigenvalues of C/m| << gamma omega0)
    cm = 0.02 * np.array([[0.0, 1.0, 0.5], [0.3, 0.0, 1.0], [-0.4, 0.2, 0.0]])
    omega = 1.01
    # measured normalised response chi_ab = -i omega0 gamma z_a / (xi_b/m)
    meas = np.column_stack([-1j * omega0 * gamma * driven_response(omega, omega0, gamma, cm, b)
                            for b in range(3)])
    chi_p = np.linalg.inv(inverse_susceptibility_eq101(omega, omega0, gamma, cm, True))
    chi_c = np.linalg.inv(inverse_susceptibility_eq101(omega, omega0, gamma, cm, False))
    chi_flip = np.linalg.inv(inverse_susceptibility_eq101(omega, omega0, gamma, -cm, False))
    one = np.linalg.inv(inverse_susceptibility_eq101(omega0, omega0, gamma, np.zeros((1, 1)), True))
    return {
        "printed": _rel(chi_p, meas),
        "printed_abs": _rel(np.abs(chi_p), np.abs(meas)),
        "corrected": _rel(chi_c, meas),
        "printed_equals_conj_of_flipped_C": _rel(chi_p, np.conj(chi_flip)),
        "printed_single_particle_chi11": complex(one[0, 0]),
    }


# --------------------------------------------------------------- Fig. 2(b)
def _evidence_fig2b():
    """Who drives whom with the printed Eq. (97) (the couplings behind Fig. 2b)."""
    omega0, gamma = 1.0, 0.05
    kd = phi = np.pi / 4
    cm = 2 * omega0 * gamma * chain_coupling_eq97(2, kd, phi, printed=True)
    chi = np.linalg.inv(inverse_susceptibility_eq101(omega0, omega0, gamma, cm, True))
    # response of particle 1 to a force on particle N = 2 (transmission N -> 1), measured
    resp_1_from_2 = -1j * omega0 * gamma * driven_response(omega0, omega0, gamma, cm, 1)[0]
    resp_2_from_1 = -1j * omega0 * gamma * driven_response(omega0, omega0, gamma, cm, 0)[1]
    scale = abs(chi[1, 0])
    return {
        # printed wording: chi_N1 is the transmission from N to 1
        "printed": abs(abs(chi[1, 0]) - abs(resp_1_from_2)) / scale,
        # corrected wording: chi_N1 is the response of N to a force on 1
        "corrected": abs(abs(chi[1, 0]) - abs(resp_2_from_1)) / scale,
    }


# ------------------------------------------------------- Appendix C, (C9)
def _off_particle(coords):
    return np.array([[a[0] != b[0] for b in coords] for a in coords])


def _evidence_c9():
    """(C9) with unequal volumes: the first bracket must carry V_j', not V_j."""
    from .analysis import appendix_c as ac

    parts, field = ac.demo_pair(volume_ratio=2.2)
    coords = [(0, "z"), (1, "z"), (0, "x"), (1, "y")]
    ref = ac.correlator_general(parts, field, coords)
    off = _off_particle(coords)
    printed = ac.c9_correlator(parts, field, coords, printed=True)
    corrected = ac.c9_correlator(parts, field, coords, printed=False)
    return {
        "printed": _rel(printed[off], ref[off]),
        "corrected": _rel(corrected[off], ref[off]),
        "printed_same_particle": _rel(printed[~off], ref[~off]),
        "volume_ratio": float(parts.volumes[1] / parts.volumes[0]),
    }


# ------------------------------------------------------ Appendix C, (C11)
def _evidence_c11():
    """(C11) between two particles: prefactor hbar eps0/2 and Im on G only."""
    from .analysis import appendix_c as ac

    parts, field = ac.demo_pair(volume_ratio=2.2)
    coords = [(0, "z"), (1, "z"), (0, "x"), (1, "y")]
    ref = ac.correlator_general(parts, field, coords)
    off = _off_particle(coords)

    def c11(printed):
        out = np.zeros_like(ref)
        for ia, a in enumerate(coords):
            for ib, b in enumerate(coords):
                if a[0] != b[0]:
                    out[ia, ib] = ac.c11_correlator(parts, field, a, b, printed=printed)
        return out[off]

    corr = c11(False)
    return {
        "printed": _rel(c11(True), ref[off]),
        "corrected": _rel(corr, ref[off]),
        # Im placed on G only but the printed prefactor hbar eps0/8: off by 4
        "printed_prefactor_only": _rel(corr / 4.0, ref[off]),
    }


# ------------------------------------------------------ Appendix C, (C12)
def _evidence_c12():
    """(C12) for two centre-of-mass coordinates in elliptically polarised light."""
    from .analysis import appendix_c as ac

    parts, field = ac.demo_elliptic(ellipticity=0.6)
    coords = [(0, q) for q in "xyz"]
    ref = ac.correlator_general(parts, field, coords)
    off = ~np.eye(3, dtype=bool)
    printed = ac.appendix_c_correlator(parts, field, coords, printed=True)
    corrected = ac.appendix_c_correlator(parts, field, coords, printed=False)
    rot, rfield = ac.demo_rotor()
    rcoords = [(0, q) for q in ac.COORDINATES]
    rref = ac.correlator_general(rot, rfield, rcoords)
    return {
        "printed": _rel(printed[off], ref[off]),
        "corrected": _rel(corrected[off], ref[off]),
        "printed_diagonal": _rel(np.diag(printed), np.diag(ref)),
        "printed_rotor_all_six": _rel(
            ac.appendix_c_correlator(rot, rfield, rcoords, printed=True), rref),
    }


REGISTRY = [
    Erratum(
        "eq7-intensity", "Eq. (7), first term",
        "F_j = (alpha/4) d|E_L(r_j)|/dr_j + ...",
        "F_j = (alpha/4) d|E_L(r_j)|^2/dr_j + ...",
        "The gradient force is minus the gradient of V_L = -(alpha/4)|E_L|^2 (Eq. 73); "
        "the printed modulus is dimensionally inconsistent.",
        _evidence_eq7,
    ),
    Erratum(
        "eq80-partner-amplitude", "Eq. (80)",
        "... E_j^* . (1 - n n) E_j cos(k d) [1 + i kappa (z_j - z_j') - ...]",
        "... E_j'^* . (1 - n n) E_j cos(k d) [1 + i kappa (z_j - z_j') - ...]",
        "Expanding Eq. (75) pairs the conjugate field at particle j' with the field at j; "
        "the printed form loses the partner's amplitude, phase and polarisation.",
        _evidence_eq80,
    ),
    Erratum(
        "eq81-prefactor-and-phase", "Eq. (81)",
        "sqrt(eps0 k^3 V_j chi/(2 hbar)) V_j chi/(4 pi) t^* . E_j [1 + i(kappa - k n_z) z_j ...]",
        "sqrt(eps0 k^3/(2 hbar)) V_j chi/(4 pi) t^* . E_j e^{-i k n.d_j} [1 + i(kappa - k n_z) z_j ...]",
        "Eq. (76) has no V_j chi under the square root, and the focus phase e^{-ik n.d_j} "
        "must be kept: it produces the sin(kd)/(kd) interference in D_jj'.",
        _evidence_eq81,
    ),
    Erratum(
        "eq87b-projector", "Eq. (87b)",
        "D_jj' = ... sin(k d) E_j^* . (1 - n_jj' n_j'j) E_j  [= E_j^*(1 + nn)E_j]",
        "D_jj' = ... sin(k d) E_j'^* . (1 - n_jj' n_jj') E_j",
        "The angular integral of the amplitude products gives the transverse projector "
        "1 - nn (since n_j'j = -n_jj', the printed form is 1 + nn) and, for D[j, jp] "
        "multiplying z_j rho z_jp, the vectors E_j'^* ... E_j.",
        _evidence_eq87b,
    ),
    Erratum(
        "eq90-commutator", "text under Eq. (90)",
        "C_jj' - C_j'j = 4 i Im(D_jj')/hbar",
        "C_jj' - C_j'j = 4 Im(D_jj')/hbar",
        "Both sides must be real; with D[j, jp] the coefficient of z_j rho z_jp the sign "
        "is + (with D transposed it would be -). Holds exactly for the general "
        "expressions at the foci, not only in the far field.",
        _evidence_eq90,
    ),
    Erratum(
        "eq97-phase-sign", "Eq. (97)",
        "C_jj' = 2 m omega0 g cos[k d |j - j'| - phi_next (j - j')]/|j - j'|",
        "C_jj' = 2 m omega0 g cos[k d |j - j'| + phi_next (j - j')]/|j - j'|",
        "With phi_next = phi_j - phi_{j+1}, Eq. (85) gives the + sign; the printed sign "
        "swaps C_12 and C_21 relative to Eq. (91).",
        _evidence_eq97,
    ),
    Erratum(
        "eq101-sign", "Eq. (101)",
        "[chi^-1]_jj' = i/(omega0 gamma) [(omega^2 - omega0^2 - i gamma omega) delta - C/m]",
        "[chi^-1]_jj' = i/(omega0 gamma) [(omega0^2 - omega^2 - i gamma omega) delta - C/m]",
        "Only the sign consistent with Eq. (100) gives the response of the equations of "
        "motion; both give chi_11(omega0) = 1 for one particle, but the printed matrix is "
        "the complex conjugate of the correct one with C -> -C.",
        _evidence_eq101,
    ),
    Erratum(
        "fig2b-direction", "text after Eq. (101), Fig. 2(b)",
        "chi_N1 describes signal transmission from particle N to particle 1",
        "chi_N1 is the response of particle N to a force on particle 1 (transmission 1 -> N)",
        "In the index order of Eq. (100) the first index of chi is the responding particle. "
        "With the couplings of the printed Eq. (97) particle 1 drives particle 2, so chi_21 "
        "is large and the transmission from 2 to 1 vanishes.",
        _evidence_fig2b,
    ),
    Erratum(
        "c9-volume-index", "Eq. (C9)",
        "[d/dq_j' V_j t . chi_j' E_L^*(r_j') e^{i k_L n.r_j'}] A "
        "[d/dq_j V_j t^* . chi_j E_L(r_j) e^{-i k_L n.r_j}]",
        "[d/dq_j' V_j' t . chi_j' E_L^*(r_j') e^{i k_L n.r_j'}] A "
        "[d/dq_j V_j t^* . chi_j E_L(r_j) e^{-i k_L n.r_j}]",
        "Each bracket is the derivative of one particle's Lindblad amplitude (76), so "
        "the bracket of particle j' carries that particle's volume, as in (C7b). The "
        "slip only shows between particles of different size; the prefactor "
        "hbar eps0 k^3/(32 pi^2) and the index order are right.",
        _evidence_c9,
    ),
    Erratum(
        "c11-prefactor", "Eq. (C11)",
        "<xi_q'^j' xi_q^j> = (hbar eps0/8) d^2/dq_j' dq_j V_j V_j' "
        "E_L^*(r_j') . chi_j' Im[G(r_j - r_j') chi_j E_L(r_j)] delta(t - t')",
        "<xi_q'^j' xi_q^j> = (hbar eps0/2) d^2/dq_j' dq_j V_j V_j' "
        "E_L^*(r_j') . chi_j' Im[G(r_j - r_j')] chi_j E_L(r_j) delta(t - t')",
        "The angular integral of (C9) is int d^2n (1 - nn) e^{ik n.r} "
        "= (16 pi^2/k^3) Im G(r), which with hbar eps0 k^3/(32 pi^2) gives "
        "hbar eps0/2, four times the printed factor; the imaginary part belongs to "
        "the Green tensor alone, not to the complex field G chi_j E_L. With the "
        "corrected form, (C11) reproduces Eq. (87b) at the foci.",
        _evidence_c11,
    ),
    Erratum(
        "c12-ordering", "Eq. (C12), last term",
        "... - k_L^2 [V_j dr_j/dq_j' . chi_j E_L^*(r_j)] "
        "[V_j dr_j/dq_j . chi_j E_L(r_j)]",
        "... - (k_L^2/2) {[V_j dr_j/dq_j' . chi_j E_L^*] [V_j dr_j/dq_j . chi_j E_L] "
        "+ [V_j dr_j/dq_j . chi_j E_L^*] [V_j dr_j/dq_j' . chi_j E_L]}",
        "The fourth angular moment int n_a n_b n_c n_d d^2n is symmetric in all "
        "indices, so the two centre-of-mass directions enter symmetrically: the real "
        "part of the printed product. The printed form is right for q = q', for Euler "
        "angles and for linear polarisation, but gives a spurious imaginary part for "
        "two different centre-of-mass coordinates when the local field is "
        "elliptically polarised.",
        _evidence_c12,
    ),
]


def get(erratum_id):
    """Return the registry entry with the given ``id``."""
    for e in REGISTRY:
        if e.id == erratum_id:
            return e
    raise KeyError(f"no erratum {erratum_id!r}; known: {[e.id for e in REGISTRY]}")
