"""Motional spectra of the linearised array: what a position record shows (layer 4).

Definitions (sign convention of :mod:`optbind.conventions`, ``exp(-i omega t)``)
--------------------------------------------------------------------------------
For the stationary fluctuations ``x = (z_1..z_N, p_1..p_N)`` of an
:class:`~optbind.model.ArrayModel` the *non-symmetrised* spectral matrix is

.. math:: S_{ab}(\\omega) = \\int_{-\\infty}^{\\infty} d\\tau\\, e^{i\\omega\\tau}
          \\langle x_a(\\tau)\\, x_b(0)\\rangle ,

two-sided, in SI units per Hz (``int S d omega/(2 pi)`` is a second moment,
e.g. m^2 for positions).  It is Hermitian at every frequency and positive
semidefinite.  The *symmetrised* spectrum, the only one a classical record
gives, is ``Sbar_ab(omega) = [S_ab(omega) + S_ba(-omega)]/2``, the transform
of ``<{x_a(tau), x_b(0)}>/2``.

Which sideband is which.  An oscillator ``z = l (a e^{-i w0 t} + h.c.)/sqrt 2``
has ``<z(tau) z(0)> = (l^2/2)[(n+1) e^{-i w0 tau} + n e^{+i w0 tau}]``, so with
this sign **positive** frequencies carry ``n + 1`` and negative frequencies
``n``.  Light scattered at ``omega_L`` (time dependence ``exp(-i omega_L t)``)
is modulated by ``z(t)``; a photodetector registers the normally ordered field
spectrum, whose component at ``omega_L + nu`` is ``S_zz(-nu)``.  Hence

* ``S_zz(+w0)``, weight ``~ n + 1``: the **Stokes** (red, ``omega_L - w0``)
  sideband, photons that left a phonon behind;
* ``S_zz(-w0)``, weight ``~ n``: the **anti-Stokes** (blue, ``omega_L + w0``)
  sideband, photons that took a phonon away.

Closed form
-----------
With the drift ``A`` and the complex noise matrix ``Q`` of
:func:`optbind.gaussian.moment_equations` (``Q_ab dt`` is the coefficient of
``xi_a xi_b`` in this order; its antisymmetric part ``Q - Q^T`` carries the
commutators), the quantum regression theorem gives
``<x(tau) x(0)^T> = e^{A tau} S`` for ``tau >= 0`` and ``S e^{-A^T tau}`` for
``tau < 0``; transforming and using ``A S + S A^T + Q = 0``,

.. math:: S(\\omega) = H S + S H^\\dagger = H(\\omega)\\, Q\\, H(\\omega)^\\dagger ,
          \\qquad H(\\omega) = (-i\\omega - A)^{-1}

(:func:`optbind.gaussian.spectral_density`, ``symmetrised=False``).  Three
consequences are used throughout:

* ``S(omega) - S(-omega)^T = H (Q - Q^T) H^dag``: only the antisymmetric part
  of the noise makes the sidebands unequal.  For a model whose noise conserves
  the canonical commutators (``A J + J A^T = -(Q - Q^T)/(i hbar)``, i.e.
  :meth:`~optbind.model.ArrayModel.is_consistent`) this equals
  ``i hbar (H J + J H^dag)``, the Kubo relation; for positions
  ``S_ab(w) - S_ba(-w) = -i hbar [chi_ab(w) - conj(chi_ba(w))]`` with the
  susceptibility ``chi`` (m/N) of :func:`susceptibility_matrix`.  For one
  particle, ``S_zz(w) - S_zz(-w) = 2 hbar Im chi(w)``, whatever its
  occupation: the sideband imbalance is a zero-point effect.
* The weights of the two sidebands, ``W_+- = int_{omega >< 0} S d omega/(2 pi)``,
  have the closed form (:func:`sideband_weights`)
  ``W_+- = S/2 -+ (i/2 pi)[log(-A) S - S log(-A)^T]``.  For a single
  oscillator with Lindblad damping ``gamma`` this gives
  ``W_+ - W_- = l^2 atan2(w0, gamma/2)/pi -> l^2/2`` and, with
  ``W_+ + W_- = <z^2>``, weights ``(l^2/2)(n + 1)`` and ``(l^2/2) n`` up to
  ``O(gamma/w0)``.
* ``int S d omega/(2 pi) = S`` (steady-state moments of
  :func:`optbind.gaussian.steady_state`), and the symmetrised spectrum is the
  mean of ``S(omega)`` and ``S(-omega)^T``.

Independent routes (for checks and the book)
--------------------------------------------
* :func:`quantum_spectral_matrix` / :func:`quantum_correlation`: the master
  equation in a truncated Fock space (:mod:`optbind.quantum`), resolvent of
  the Liouvillian and :func:`qutip.correlation_2op_1t`;
* :func:`welch_spectral_matrix` and :func:`expected_welch_spectral_matrix`:
  symmetrised spectra estimated from sampled Langevin trajectories
  (:func:`optbind.langevin.simulate`) and the exact expectation of that
  estimator for a sampled record (aliasing and window leakage included).

All inputs and outputs are SI (rad/s for ``omega``, s for times).
"""

from __future__ import annotations

import warnings

import numpy as np
import scipy.linalg as sla
import scipy.signal

from .. import validation as _v
from ..conventions import HBAR
from ..linear.model import ArrayModel
from . import moments as _mo

__all__ = [
    "spectral_matrix",
    "position_spectra",
    "momentum_spectra",
    "susceptibility_matrix",
    "commutator_spectrum",
    "kubo_commutator_spectrum",
    "noise_contributions",
    "NOISE_TERMS",
    "correlation_function",
    "sideband_weights",
    "sideband_asymmetry",
    "zero_point_spectrum",
    "welch_spectral_matrix",
    "welch_cross_spectra",
    "expected_welch_spectral_matrix",
    "quantum_spectral_matrix",
    "quantum_correlation",
]

_ORDERINGS = ("nonsymmetrised", "symmetrised")
#: Names of the terms of :func:`noise_contributions`, in summation order.
NOISE_TERMS = ("damping", "recoil", "correlated_recoil", "im_cross")


# ------------------------------------------------------------------ checks
def _check_model(model):
    if not isinstance(model, ArrayModel):
        raise TypeError(
            f"model must be an optbind.model.ArrayModel; got {type(model).__name__}"
        )
    return model


def _omega(omega):
    w = np.atleast_1d(_v.real_array(omega, "omega", "rad/s"))
    if w.ndim != 1:
        raise ValueError(f"omega must be 1-dimensional (rad/s); got shape {w.shape}")
    return w


def _particle(model, particle, name="particle"):
    n = model.n_particles
    return _v.integer(particle, name, minimum=-n, maximum=n - 1) % n


def _canonical_j(n):
    """``J`` with ``[x_a, x_b] = i J_ab`` for ``x = (X, Y)`` (``[X_j, Y_j] = i``)."""
    J = np.zeros((2 * n, 2 * n))
    J[:n, n:] = np.eye(n)
    J[n:, :n] = -np.eye(n)
    return J


def _scaled(model, damping, source):
    eqs = _mo.moment_equations(model, damping=damping, source=source)
    A, Q, _ = eqs.scaled()
    _mo.check_stability(A)
    return eqs, A, Q


# --------------------------------------------------------- closed forms
def spectral_matrix(model: ArrayModel, omega, *, ordering: str = "nonsymmetrised",
                    damping: str = "lindblad", source: str = "langevin") -> np.ndarray:
    """Spectral matrix of all quadratures, ``S_ab(omega)`` (module docstring).

    Parameters
    ----------
    model : ArrayModel
        Stable array, SI units.
    omega : array_like, shape (F,)
        Angular frequencies in rad/s, either sign.
    ordering : {"nonsymmetrised", "symmetrised"}
        ``S_ab(omega) = int e^{i omega tau} <x_a(tau) x_b(0)>`` or its
        symmetrised form ``[S_ab(omega) + S_ba(-omega)]/2``.
    damping, source : str
        As in :func:`optbind.gaussian.moment_equations`.

    Returns
    -------
    ndarray, shape (F, 2N, 2N), complex
        Rows/columns ``(z_1..z_N, p_1..p_N)``; m^2/Hz, m kg m/s /Hz, (kg m/s)^2/Hz.
    """
    _check_model(model)
    _v.choice(ordering, "ordering", _ORDERINGS)
    return _mo.spectral_density(
        model,
        _omega(omega),
        damping=damping,
        source=source,
        symmetrised=ordering == "symmetrised",
    )


def position_spectra(model: ArrayModel, omega, *, ordering: str = "nonsymmetrised",
                     damping: str = "lindblad", source: str = "langevin") -> np.ndarray:
    """Position (cross-)spectra ``S_{z_a z_b}(omega)`` in m^2/Hz, shape (F, N, N).

    ``[f, a, a]`` is particle ``a``'s spectrum (positive ``omega``: Stokes
    sideband, negative: anti-Stokes), ``[f, a, b]`` the cross-spectrum.
    Arguments as in :func:`spectral_matrix`.
    """
    n = _check_model(model).n_particles
    return spectral_matrix(
        model, omega, ordering=ordering, damping=damping, source=source
    )[:, :n, :n]


def momentum_spectra(model: ArrayModel, omega, *, ordering: str = "nonsymmetrised",
                     damping: str = "lindblad", source: str = "langevin") -> np.ndarray:
    """Momentum (cross-)spectra ``S_{p_a p_b}(omega)``, (kg m/s)^2/Hz, shape (F, N, N).

    Arguments as in :func:`spectral_matrix`.
    """
    n = _check_model(model).n_particles
    return spectral_matrix(
        model, omega, ordering=ordering, damping=damping, source=source
    )[:, n:, n:]


def susceptibility_matrix(
    model: ArrayModel, omega, *, damping: str = "lindblad", source: str = "langevin"
) -> np.ndarray:
    """Mechanical susceptibility ``chi_ab(omega)`` in m/N, shape (F, N, N).

    ``z_a[omega] = sum_b chi_ab(omega) F_b[omega]`` for forces ``F_b`` added to
    ``dp_b/dt``: the ``(z, p)`` block of :func:`optbind.gaussian.transfer_matrix`.
    For identical particles and Brownian damping this is the SI form of
    :func:`optbind.response.susceptibility` (Eq. 101 without its normalisation):
    ``chi_SI = i chi_101/(m omega0 gamma)``; with Lindblad damping ``omega0^2``
    is replaced by ``omega0^2 + gamma^2/4``.
    """
    n = _check_model(model).n_particles
    H = _mo.transfer_matrix(model, _omega(omega), damping=damping, source=source)
    return H[:, :n, n:]


def commutator_spectrum(
    model: ArrayModel, omega, *, damping: str = "lindblad", source: str = "langevin"
) -> np.ndarray:
    """``S(omega) - S(-omega)^T = H (Q - Q^T) H^dag``: the sideband imbalance, SI.

    ``[f, a, b] = S_ab(omega) - S_ba(-omega)``, the transform of
    ``<[x_a(tau), x_b(0)]>``; Hermitian at every frequency and odd,
    ``out(-omega) = -out(omega)^T``.  For a canonical (consistent) model it
    equals :func:`kubo_commutator_spectrum`.

    Returns
    -------
    ndarray, shape (F, 2N, 2N), complex
    """
    _check_model(model)
    eqs, A, Q = _scaled(model, damping, source)
    H = _mo._transfer_scaled(A, _omega(omega))
    out = H @ (Q - Q.T) @ np.conj(np.swapaxes(H, -1, -2))
    return out * np.outer(eqs.scale, eqs.scale)


def kubo_commutator_spectrum(
    model: ArrayModel, omega, *, damping: str = "lindblad", source: str = "langevin"
) -> np.ndarray:
    """What :func:`commutator_spectrum` must be for canonical operators (Kubo), SI.

    ``i hbar [H(omega) J + J H(omega)^dag]`` with ``[x_a, x_b] = i hbar J_ab``;
    the drift alone fixes it.  Position block:
    ``-i hbar [chi(omega) - chi(omega)^dag]`` (:func:`susceptibility_matrix`).

    Returns a complex array of shape (F, 2N, 2N).
    """
    _check_model(model)
    eqs, A, _ = _scaled(model, damping, source)
    H = _mo._transfer_scaled(A, _omega(omega))
    J = _canonical_j(model.n_particles)
    out = 1j * (H @ J + J @ np.conj(np.swapaxes(H, -1, -2)))
    return out * np.outer(eqs.scale, eqs.scale)


def noise_contributions(
    model: ArrayModel, omega, *, damping: str = "lindblad", source: str = "langevin"
) -> dict:
    """Split ``S(omega) = H Q H^dag`` by the origin of the noise (SI).

    ``Q`` is linear in the diffusion matrix (``Q_pp = 2 D^T`` plus the gas
    terms), so the non-symmetrised spectrum is the sum of

    ``"damping"``
        gas (or cold) damping: thermal and zero-point noise, and the
        ``i hbar gamma/2`` commutator terms;
    ``"recoil"``
        ``2 diag(D)``: every particle's own recoil (Eq. 87a);
    ``"correlated_recoil"``
        ``2 Re D`` off the diagonal (Eq. 87b): correlated recoil, symmetric,
        it changes the symmetrised cross-spectra only;
    ``"im_cross"``
        ``2 i Im D^T`` off the diagonal: antisymmetric, it drops out of every
        symmetrised spectrum and changes only the sideband imbalance
        :func:`commutator_spectrum`.

    Returns
    -------
    dict
        ``{name: ndarray (F, 2N, 2N)}`` for the names in :data:`NOISE_TERMS`;
        they sum to :func:`spectral_matrix`.
    """
    _check_model(model)
    eqs, A, Q = _scaled(model, damping, source)
    n = model.n_particles
    s = eqs.scale
    D = model.D * np.outer(s[n:], s[n:]) ** -1  # D in the scaled momenta
    off = ~np.eye(n, dtype=bool)
    pieces = {
        "recoil": 2.0 * np.diag(np.diag(D)).T,
        "correlated_recoil": np.where(off, 2.0 * D.real.T, 0.0),
        "im_cross": np.where(off, 2j * D.imag.T, 0.0),
    }
    blocks = {}
    total_pp = np.zeros((n, n), complex)
    for key, pp in pieces.items():
        q = np.zeros_like(Q)
        q[n:, n:] = pp
        total_pp += pp
        blocks[key] = q
    qd = Q.copy()
    qd[n:, n:] -= total_pp
    blocks["damping"] = qd
    H = _mo._transfer_scaled(A, _omega(omega))
    Hd = np.conj(np.swapaxes(H, -1, -2))
    ss = np.outer(s, s)
    return {key: (H @ blocks[key] @ Hd) * ss for key in NOISE_TERMS}


def correlation_function(
    model: ArrayModel, tau, *, damping: str = "lindblad", source: str = "langevin"
) -> np.ndarray:
    """Stationary correlations ``<dx_a(tau) dx_b(0)>`` (regression theorem), SI.

    ``e^{A tau} S`` for ``tau >= 0`` and ``S e^{-A^T tau}`` for ``tau < 0``,
    with ``S`` from :func:`optbind.gaussian.steady_state`.

    Parameters
    ----------
    model : ArrayModel
        Stable array.
    tau : array_like, shape (T,)
        Delays in s, either sign.
    damping, source : str
        As in :func:`optbind.gaussian.moment_equations`.

    Returns
    -------
    ndarray, shape (T, 2N, 2N), complex
    """
    _check_model(model)
    tau = np.atleast_1d(_v.real_array(tau, "tau", "s"))
    if tau.ndim != 1:
        raise ValueError(f"tau must be 1-dimensional (s); got shape {tau.shape}")
    eqs, A, _ = _scaled(model, damping, source)
    st = _mo.steady_state(model, damping=damping, source=source)
    s = eqs.scale
    S = st.S / np.outer(s, s)
    prop = sla.expm(A[None] * np.abs(tau)[:, None, None])  # e^{A |tau|}
    out = np.where((tau >= 0)[:, None, None], prop @ S, S @ np.swapaxes(prop, 1, 2))
    return out * np.outer(s, s)


def _log_minus_drift(A):
    """Principal ``log(-A)`` of a stable drift, computed for ``-A/||A||``.

    The scalar shift ``log ||A||`` commutes with everything and cancels in
    :func:`sideband_weights`.  The accuracy is checked here (``expm`` round
    trip) instead of through SciPy's warning.
    """
    scale = float(np.linalg.norm(A, 2))
    M = -A / scale
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        L = sla.logm(M)
    err = np.linalg.norm(sla.expm(L) - M, 1) / np.linalg.norm(M, 1)
    if not err < 1e-8:
        raise ValueError(
            f"log(-A) is inaccurate (relative error {err:.1e}); the drift "
            "is too close to defective for the closed-form sideband weights"
        )
    return L.real if np.isrealobj(A) else L


def sideband_weights(
    model: ArrayModel, *, damping: str = "lindblad", source: str = "langevin"
):
    """Weights of the positive- and negative-frequency halves of the spectra (SI).

    ``W_+ = int_0^inf S(omega) d omega/(2 pi)`` and ``W_- = int_{-inf}^0``, in
    closed form from ``int_0^W (-i omega - A)^{-1} d omega
    = i[log(-i W - A) - log(-A)]``:

    .. math:: W_\\pm = \\frac{S}{2} \\mp \\frac{i}{2\\pi}
              \\big[\\log(-A)\\, S - S \\log(-A)^T\\big],

    with ``S`` the steady-state moment matrix.  ``W_+ + W_- = S``; the
    difference depends only on the drift and the commutators in ``S``.

    Returns
    -------
    W_plus, W_minus : ndarray, shape (2N, 2N), complex
        SI second moments (m^2 in the ``zz`` block).  ``W_plus[j, j]`` for a
        position is the Stokes, ``W_minus[j, j]`` the anti-Stokes weight.
    """
    _check_model(model)
    eqs, A, _ = _scaled(model, damping, source)
    st = _mo.steady_state(model, damping=damping, source=source)
    s = eqs.scale
    S = st.S / np.outer(s, s)
    L = _log_minus_drift(A)
    half = (1j / (2 * np.pi)) * (L @ S - S @ L.T)
    ss = np.outer(s, s)
    return (S / 2 - half) * ss, (S / 2 + half) * ss


def sideband_asymmetry(model: ArrayModel, particle: int = 0, *,
                       damping: str = "lindblad", source: str = "langevin") -> dict:
    """Heterodyne sideband weights of one particle and the occupation they imply.

    Parameters
    ----------
    model : ArrayModel
        Stable array.
    particle : int
        Particle index (0-based; negative counts from the end).
    damping, source : str
        As in :func:`optbind.gaussian.moment_equations`.

    Returns
    -------
    dict
        ``"stokes"`` (``W_+``, m^2), ``"anti_stokes"`` (``W_-``, m^2),
        ``"ratio"`` ``W_+/W_-`` (``-> (n + 1)/n``), ``"imbalance"``
        ``(W_+ - W_-)/l^2`` (``-> 1/2``, a zero-point effect),
        ``"n_sideband"`` ``W_-/(W_+ - W_-)`` (the occupation an experiment
        infers from the ratio), ``"n_phonon"`` (the occupation
        ``<a^dag a>`` at ``omega_eff`` from :func:`optbind.gaussian.phonon_occupation`).
    """
    j = _particle(_check_model(model), particle)
    wp, wm = sideband_weights(model, damping=damping, source=source)
    st = _mo.steady_state(model, damping=damping, source=source)
    n_ph = float(_mo.phonon_occupation(model, st)[j])
    plus, minus = float(wp[j, j].real), float(wm[j, j].real)
    ell2 = float(model.length_scale[j] ** 2)
    return {
        "stokes": plus,
        "anti_stokes": minus,
        "ratio": plus / minus if minus > 0 else np.inf,
        "imbalance": (plus - minus) / ell2,
        "n_sideband": minus / (plus - minus),
        "n_phonon": n_ph,
    }


def zero_point_spectrum(model: ArrayModel, particle: int = 0, *,
                        damping: str = "lindblad", source: str = "langevin") -> float:
    """``2 hbar Im chi_jj(omega_eff_j)`` in m^2/Hz: zero-point spectrum at resonance.

    By the Kubo relation, ``S_zz(w) - S_zz(-w) = 2 hbar Im chi(w)``; in the
    ground state the anti-Stokes side is empty, so this is the height of the
    Stokes peak of a ground-state particle (``2 l^2/gamma`` for one Lindblad
    oscillator with ``gamma << omega``).  Used as the unit of detection noise.
    """
    j = _particle(_check_model(model), particle)
    w = model.omega_eff[j]
    chi = susceptibility_matrix(model, [w], damping=damping, source=source)[0, j, j]
    return float(2 * HBAR * chi.imag)


# ----------------------------------------------------- Langevin route
def welch_spectral_matrix(x, dt: float, *, nperseg: int, window: str = "hann"):
    """Symmetrised spectral matrix from sampled records, with standard errors.

    Welch cross-spectral densities (:func:`scipy.signal.csd`, two-sided, no
    detrending) of every pair of columns, one estimate per trajectory; the
    estimate is their mean and the error the standard error of that mean
    (trajectories are independent).  ``csd(x_a, x_b)`` averages
    ``conj(FFT x_a) FFT x_b`` with NumPy's ``e^{-i omega t}`` FFT, which is
    ``x_a[omega] conj(x_b[omega])`` in the convention of this package: it
    estimates ``Sbar_ab(omega)``.

    Parameters
    ----------
    x : array_like, shape (T, n_traj, K)
        Real samples (e.g. :func:`optbind.langevin.simulate`), uniform step.
    dt : float
        Sampling step in s.
    nperseg : int
        Segment length (>= 8, <= T).
    window : str
        Window name for :func:`scipy.signal.get_window`.

    Returns
    -------
    omega : ndarray, shape (F,)
        Increasing angular frequencies in rad/s (``F = nperseg``).
    S : ndarray, shape (F, K, K), complex
        Mean estimate of ``Sbar(omega)`` (units of ``x^2``/Hz).
    err : ndarray, shape (F, K, K), complex
        Standard errors: ``err.real`` of ``S.real``, ``err.imag`` of ``S.imag``
        (NaN for a single trajectory).
    """
    dt = _v.real_scalar(dt, "dt", "s", positive=True)
    x = _v.real_array(x, "x", ndim=3)
    T, n_traj, K = x.shape
    nperseg = _v.integer(nperseg, "nperseg", minimum=8, maximum=T)
    f, est = welch_cross_spectra(x, dt, nperseg=nperseg, window=window, axis=0)
    order = np.argsort(f)
    est = est[order]
    mean = est.mean(axis=1)
    if n_traj > 1:
        err = est.real.std(axis=1, ddof=1) + 1j * est.imag.std(axis=1, ddof=1)
        err = err / np.sqrt(n_traj)
    else:
        err = np.full_like(mean, np.nan)
    return 2 * np.pi * f[order], mean, err


def welch_cross_spectra(x, dt, *, nperseg, window="hann", axis=0):
    """All Welch cross-spectra ``csd(x_a, x_b)`` of the last axis of ``x`` (two-sided).

    One call of :func:`scipy.signal.csd` per pair with half-overlapping
    segments, no detrending and density scaling: ``out[..., a, b]`` estimates
    ``<conj(X_a) X_b>`` per frequency, the frequency on the former ``axis``.

    Parameters
    ----------
    x : array_like, shape (..., K)
        Real or complex samples on a uniform grid along ``axis``.
    dt : float
        Sampling step in s (> 0).
    nperseg : int
        Segment length (>= 8, at most the length of ``axis``).
    window : str
        Window name for :func:`scipy.signal.get_window`.
    axis : int
        Time axis.

    Returns
    -------
    f : ndarray, shape (nperseg,)
        Frequencies in Hz (scipy's order, not sorted).
    C : ndarray, shape (nperseg, ..., K, K), complex
        Cross-spectral densities (units of ``x^2``/Hz), frequency first.
    """
    dt = _v.real_scalar(dt, "dt", "s", positive=True)
    x = np.asarray(x)
    axis = _v.integer(axis, "axis", minimum=-x.ndim + 1, maximum=x.ndim - 2)
    L = _v.integer(nperseg, "nperseg", minimum=8, maximum=x.shape[axis])
    if not isinstance(window, str):
        raise TypeError(f"window must be a window name (str); got {type(window).__name__}")
    K = x.shape[-1]
    out = None
    for a in range(K):
        for b in range(K):
            f, c = scipy.signal.csd(x[..., a], x[..., b], fs=1.0 / dt, window=window,
                                    nperseg=L, noverlap=L // 2, detrend=False,
                                    return_onesided=False, scaling="density", axis=axis)
            c = np.moveaxis(c, axis, 0)
            if out is None:
                out = np.empty(c.shape + (K, K), complex)
            out[..., a, b] = c
    return f, out


def expected_welch_spectral_matrix(model: ArrayModel, dt: float, *, nperseg: int,
                                   window: str = "hann", damping: str = "lindblad",
                                   source: str = "langevin"):
    """Exact expectation of :func:`welch_spectral_matrix` for the sampled process.

    ``E[P_ab(f_k)] = (dt/sum w^2) sum_s R_w(s) C_ab(s dt) e^{2 pi i f_k s dt}``
    with the window autocorrelation ``R_w(s) = sum_m w_{m+s} w_m`` and the
    symmetrised covariance function ``C(tau) = Re <x(tau) x(0)^T>``
    (:func:`correlation_function`), for lags ``|s| < nperseg``.  It differs
    from ``Sbar(2 pi f_k)`` by aliasing and window leakage; comparing with it
    leaves only the statistical error.

    Returns
    -------
    omega : ndarray, shape (F,)
        Increasing angular frequencies (rad/s), the grid of
        :func:`welch_spectral_matrix`.
    S : ndarray, shape (F, 2N, 2N), complex
    """
    _check_model(model)
    dt = _v.real_scalar(dt, "dt", "s", positive=True)
    L = _v.integer(nperseg, "nperseg", minimum=8)
    if not isinstance(window, str):
        raise TypeError(
            f"window must be a window name (str); got {type(window).__name__}"
        )
    eqs, A, _ = _scaled(model, damping, source)
    st = _mo.steady_state(model, damping=damping, source=source)
    s = eqs.scale
    V = st.S.real / np.outer(s, s)
    Phi = sla.expm(A * dt)
    n2 = A.shape[0]
    C = np.empty((L, n2, n2))  # C(s dt) = Phi^s V, s >= 0
    C[0] = V
    for k in range(1, L):
        C[k] = Phi @ C[k - 1]
    w = scipy.signal.get_window(window, L)
    R = np.correlate(w, w, mode="full")[L - 1 :]  # R_w(s), s = 0..L-1
    g_pos = R[:, None, None] * C  # lags s >= 0
    g_neg = R[:, None, None] * np.swapaxes(C, 1, 2)  # lags -s: C(-s) = C(s)^T
    h = g_pos.astype(complex)
    h[1:] += g_neg[1:][::-1]  # lag s - L folded onto s
    P = np.fft.ifft(h, axis=0) * L * dt / np.sum(w**2)  # e^{+2 pi i k s / L}
    f = np.fft.fftfreq(L, dt)
    order = np.argsort(f)
    return 2 * np.pi * f[order], P[order] * np.outer(s, s)


# ------------------------------------------------------ quantum route
def _fock_steady_state(L):
    """Steady state of a Liouvillian: ``L rho = 0``, one row replaced by ``Tr rho = 1``.

    One sparse LU factorisation (:func:`scipy.sparse.linalg.spsolve`); for the
    coupled pairs used here it is several times faster than
    :func:`qutip.steadystate` with its default options.  Returns a Hermitian
    ``qutip.Qobj``.
    """
    from .quantum import qutip  # ImportError naming the extra if QuTiP is missing
    import scipy.sparse.linalg as spla

    M = L.to("csr").data.as_scipy().tocsr().astype(complex)
    dim = int(round(np.sqrt(M.shape[0])))
    trace = np.zeros(M.shape[0], complex)
    trace[:: dim + 1] = 1.0  # vec(rho)[i + i dim] = rho_ii
    M = M.tolil()
    M[0, :] = trace
    rhs = np.zeros(M.shape[0], complex)
    rhs[0] = 1.0
    x = spla.spsolve(M.tocsc(), rhs)
    rho = x.reshape(dim, dim, order="F")  # QuTiP stacks columns
    return qutip.Qobj(0.5 * (rho + rho.conj().T), dims=L.dims[0])


def _pairs(pairs, n2):
    arr = np.asarray(pairs)
    if arr.ndim != 2 or arr.shape[1] != 2 or arr.dtype.kind not in "iu":
        raise TypeError("pairs must be a non-empty sequence of integer (a, b) pairs")
    if arr.shape[0] < 1 or np.any(arr < 0) or np.any(arr >= n2):
        raise ValueError(f"pairs must hold quadrature indices in [0, {n2 - 1}]")
    return arr


def quantum_correlation(model: ArrayModel, tau, pairs, *, n_max: int,
                        damping: str = "lindblad", options: dict | None = None):
    """Correlations ``<dx_a(tau) dx_b(0)>`` from :func:`qutip.correlation_2op_1t`.

    The master equation of :func:`optbind.quantum.liouvillian` (Eq. 82 plus
    damping) on Fock states ``0..n_max`` per particle, started in its steady
    state (fluctuation operators ``x - <x>``, dimensionless quadratures
    internally).  The master equation corresponds to ``source="master"`` of
    the Gaussian engine.  Check convergence in ``n_max``.

    Parameters
    ----------
    model : ArrayModel
        Stable array.
    tau : array_like, shape (T,)
        Increasing delays in s, starting at 0.
    pairs : sequence of (int, int)
        Quadrature indices ``(a, b)`` in ``(z_1..z_N, p_1..p_N)`` order.
    n_max : int
        Highest Fock state per particle.
    damping : {"lindblad", "brownian"}
        Gas-damping model.
    options : dict, optional
        Options of the QuTiP master-equation solver (default ``atol=1e-10``,
        ``rtol=1e-8``, ``nsteps=100000``).

    Returns
    -------
    ndarray, shape (T, P), complex
        SI correlations, one column per pair.
    """
    from .quantum import qutip  # ImportError naming the extra if QuTiP is missing

    from . import quantum as _qu  # optional dependency (QuTiP)

    _check_model(model)
    tau = _v.times(tau, "tau", strictly=True, nonnegative=True)
    if tau[0] != 0:
        raise ValueError("tau must start at 0 (s)")
    n_max = _v.integer(n_max, "n_max", minimum=1)
    pairs = _pairs(pairs, 2 * model.n_particles)
    A, _, _ = _mo.moment_equations(model, damping=damping, source="master").scaled()
    _mo.check_stability(A)
    opts = {"atol": 1e-10, "rtol": 1e-8, "nsteps": 100000}
    if options:
        opts.update(options)
    ops = _qu.operators(model, n_max=n_max)
    L = _qu.liouvillian(model, ops, damping=damping)
    rho = _fock_steady_state(L)
    dq = [x - qutip.expect(x, rho) for x in ops.quadratures]
    out = np.empty((tau.size, len(pairs)), complex)
    with qutip.CoreOptions(auto_tidyup=False):
        for k, (a, b) in enumerate(pairs):
            out[:, k] = qutip.correlation_2op_1t(
                L, rho, tau, [], dq[a], dq[b], options=opts
            )
    s = ops.scale
    return out * (s[pairs[:, 0]] * s[pairs[:, 1]])[None, :]


def quantum_spectral_matrix(model: ArrayModel, omega, *, n_max: int, quadratures=None,
                            damping: str = "lindblad", decay: float = 1e-9,
                            points_per_period: int = 64, options: dict | None = None):
    """Non-symmetrised spectra from QuTiP two-time correlation functions (SI).

    ``S_ab(omega) = I_ab(omega) + conj(I_ba(omega))`` with the half-line
    transforms ``I_ab(omega) = int_0^inf e^{i omega tau} <x_a(tau) x_b(0)> d tau``
    of :func:`quantum_correlation` (negative delays from
    ``<x_a(-tau) x_b(0)> = conj(<x_b(tau) x_a(0)>)``), evaluated with
    Simpson's rule on a grid of ``points_per_period`` points per period of
    the fastest mode (error ``~ (2 pi/points)^4/180``) up to the delay at which
    the slowest mode has decayed by ``decay``.

    Parameters
    ----------
    model : ArrayModel
        Stable array.
    omega : array_like, shape (F,)
        Angular frequencies in rad/s.
    n_max : int
        Highest Fock state per particle.
    quadratures : sequence of int, optional
        Indices in ``(z_1..z_N, p_1..p_N)``; default: all positions.
    damping : {"lindblad", "brownian"}
        Gas-damping model.
    decay : float
        Truncation of the delay axis, in (0, 1).
    points_per_period : int
        Sampling of the delay axis (>= 16).
    options : dict, optional
        Solver options for :func:`quantum_correlation`.

    Returns
    -------
    ndarray, shape (F, K, K), complex
        ``S_{q_a q_b}(omega)`` for the chosen quadratures.
    """
    import scipy.integrate as si

    _check_model(model)
    omega = _omega(omega)
    n2 = 2 * model.n_particles
    q = (
        np.arange(model.n_particles)
        if quadratures is None
        else _v.integer_array(quadratures, "quadratures", minimum=0)
    )
    if q.ndim != 1 or q.size < 1 or np.any(q >= n2):
        raise ValueError(f"quadratures must be a 1-D list of indices in [0, {n2 - 1}]")
    decay = _v.real_scalar(
        decay, "decay", minimum=0.0, maximum=1.0, strict_min=True, strict_max=True
    )
    ppp = _v.integer(points_per_period, "points_per_period", minimum=16)
    A, _, _ = _mo.moment_equations(model, damping=damping, source="master").scaled()
    ev = np.linalg.eigvals(A)
    kappa = -float(np.max(ev.real))
    if kappa <= 0:
        _mo.check_stability(A)
    fastest = max(float(np.max(np.abs(ev.imag))), float(np.max(np.abs(omega))), kappa)
    t_end = np.log(1.0 / decay) / kappa
    n_pts = int(np.ceil(t_end * fastest * ppp / (2 * np.pi) / 2)) * 2 + 1
    tau = np.linspace(0.0, t_end, n_pts)
    K = q.size
    pairs = [(int(q[a]), int(q[b])) for a in range(K) for b in range(K)]
    corr = quantum_correlation(
        model, tau, pairs, n_max=n_max, damping=damping, options=options
    ).reshape(tau.size, K, K)
    phase = np.exp(1j * omega[:, None] * tau[None, :])  # (F, T)
    half = si.simpson(phase[:, :, None, None] * corr[None], x=tau, axis=1)
    return half + np.conj(np.swapaxes(half, 1, 2))
