"""Numerical checks of the identities of Sec. IV and App. C: Eqs. (54), (C8), (59)-(64).

Companion module of the appendix chapter on Appendices A-C (Rudolph et al.,
Phys. Rev. A 110, 063507 (2024)).  Every identity is evaluated by a route
that does not use it, so that the two sides can be compared number by number.

Time-window identity, Eq. (54)
------------------------------
The double time integral has the closed form (``w = omega_k -+ omega_L``)

.. math:: I(w, \\Delta t) = \\int_t^{t+\\Delta t}\\!dt'\\int_t^{t'}\\!dt''\\,
          e^{-iw(t'-t'')} = \\frac{1 - \\cos w\\Delta t}{w^2}
          - i\\Big(\\frac{\\Delta t}{w} - \\frac{\\sin w\\Delta t}{w^2}\\Big),

whose real part is ``(Delta t^2/2) sinc^2(w Delta t/2) -> pi Delta t delta(w)``
and whose imaginary part tends to ``-Delta t P(1/w)``.  Against a smooth test
function ``f`` with Fourier transform ``f^(tau) = int dw f(w) e^{-i w tau}``,

.. math:: \\frac{1}{\\Delta t}\\int dw\\, f(w) I(w,\\Delta t)
          = \\int_0^{\\Delta t}\\!d\\tau\\,\\Big(1 - \\frac{\\tau}{\\Delta t}\\Big)
          \\hat f(\\tau)
          = \\pi f(0) - i\\,\\mathcal P\\!\\!\\int\\!\\frac{f(w)}{w}dw
          - \\frac{1}{\\Delta t}\\int_0^\\infty\\!\\tau\\hat f(\\tau)\\,d\\tau + \\dots

(the first equality swaps the integrals, the second uses
``int_0^inf e^{-i w tau} d tau = pi delta(w) - i P/w``), so Eq. (54) holds with
a relative error that falls as ``1/Delta t`` with a known coefficient, up to
terms that vanish as fast as ``f^`` decays.  For the Gaussian test functions
used here every term has a closed form (Dawson and Faddeeva functions).

Fourier identities, Eqs. (59)-(64)
----------------------------------
With the outgoing prescription ``k^2 - k_L^2 - i eta`` (``eta -> 0+``) the
k-space kernel of Eqs. (57), (59), (61), (62) becomes the full

.. math:: \\frac{k_L^2}{(2\\pi)^3}\\int d^3k\\,(\\mathbb 1 - \\hat k\\hat k)
          \\frac{e^{i\\mathbf k\\cdot\\mathbf r}}{k^2 - k_L^2 - i\\eta}
          \\;\\to\\; \\mathbf G(\\mathbf r) - \\mathbf G_0(\\mathbf r),

whose real part (principal value, Eq. 61) is Eq. (64) and
:func:`optbind.green.transverse_kernel`; its imaginary part is the delta
part ``pi delta(k^2 - k_L^2)``, i.e.

.. math:: \\mathrm{Im}\\,\\mathbf G(\\mathbf r) = \\frac{k_L^3}{16\\pi^2}\\int d^2n\\,
          (\\mathbb 1 - \\mathbf n\\mathbf n)\\, e^{ik_L\\mathbf n\\cdot\\mathbf r}
          = \\frac{k_L^3}{4\\pi}\\Big[\\tfrac23 j_0(k_Lr)\\mathbb 1
          + j_2(k_Lr)\\big(\\hat r\\hat r - \\tfrac13\\mathbb 1\\big)\\Big],

(Funk-Hecke), which is also the angular integral behind the noise
correlator (C11).  With ``+ i eta`` instead one gets the incoming
(advanced) kernel, ``e^{-ik_L r}``: the sign of ``eta`` must match the time
dependence ``exp(-i omega t)`` of :mod:`optbind.conventions`.

Units: ``r`` in m, wave numbers in 1/m, ``eta`` in 1/m^2 (same units as
``k^2``), angular frequencies in rad/s and times in s.  Functions whose
arguments are scaled say "dimensionless".
"""

from __future__ import annotations

import numpy as np
from scipy.integrate import quad
from scipy.special import dawsn, erf, spherical_jn, wofz

from .. import validation as _v
from ..numerics import central_difference
from .green import plane_wave_order, sphere_quadrature, transverse_kernel

__all__ = [
    "time_window_integral",
    "time_window_integral_quadrature",
    "gaussian_principal_value",
    "eq54_smeared",
    "eq54_limit",
    "eq54_first_correction",
    "sinc2_window_smeared",
    "im_green_angular",
    "transverse_kernel_imaginary",
    "transverse_kernel_full",
    "transverse_kernel_eta",
    "transverse_projector_kspace",
    "transverse_projector_realspace",
    "inverse_laplacian_radial",
    "inverse_laplacian_gaussian",
    "principal_value_eta",
    "principal_value",
    "helmholtz_kspace",
    "helmholtz_closed_form",
    "inverse_laplacian_outgoing_kspace",
    "inverse_laplacian_outgoing_realspace",
    "eq63_closed_form",
    "eq64_from_eq63",
]


# ------------------------------------------------------------------ checks
def _vector(r, name="r"):
    r = _v.vectors(r, name, "m", shape=(3,))
    dist = float(np.linalg.norm(r))
    if dist == 0.0:
        raise ValueError(f"{name} must be nonzero (the kernels are singular at r = 0)")
    return r, dist


def _separation(r, k):
    """Checked separation ``r`` (3-vector, m, nonzero), ``|r|`` and ``k`` (1/m, > 0)."""
    r, dist = _vector(r)
    return r, dist, _v.real_scalar(k, "k", "1/m", positive=True)


def _distance(r, k):
    """Checked distance ``r`` (m, > 0) and wave number ``k`` (1/m, > 0)."""
    r = _v.real_scalar(r, "r", "m", positive=True)
    return r, _v.real_scalar(k, "k", "1/m", positive=True)


def _derivative4(fun, x, step):
    """``d fun/d x[i]`` with an O(step^4) error, from :func:`central_difference`.

    Richardson's ``[4 D(h) - D(2h)]/3`` of the central difference ``D`` is the
    five-point stencil ``[8 (f(x+h) - f(x-h)) - (f(x+2h) - f(x-2h))]/(12 h)``.
    """
    d_h = central_difference(fun, x, step)
    return (4.0 * d_h - central_difference(fun, x, 2.0 * step)) / 3.0


def _cquad(fun, a, b, **kw):
    """``quad`` of a complex integrand (real and imaginary parts separately)."""
    re = quad(lambda x: np.real(fun(x)), a, b, **kw)[0]
    im = quad(lambda x: np.imag(fun(x)), a, b, **kw)[0]
    return re + 1j * im


# ---------------------------------------------------------------- Eq. (54)
def time_window_integral(w, delta_t):
    """Closed form of the double time integral on the left of Eq. (54).

    ``I(w) = int_0^dt dt' int_0^t' dt'' exp(-i w (t' - t''))``
    ``= (1 - cos w dt)/w^2 - i (dt/w - sin(w dt)/w^2)`` (module docstring);
    for ``|w dt| < 1e-2`` the Taylor series ``dt^2 sum_n (-i w dt)^n/(n+2)!``
    is used.

    Parameters
    ----------
    w : array_like
        Detuning ``omega_k -+ omega_L`` in rad/s (real, finite).
    delta_t : float
        Coarse-graining time ``Delta t`` in s (> 0).

    Returns
    -------
    ndarray, complex
        ``I`` in s^2.
    """
    dt = _v.real_scalar(delta_t, "delta_t", "s", positive=True)
    w = np.asarray(w)
    if np.iscomplexobj(w) or not np.all(np.isfinite(w)):
        raise ValueError("w must be real and finite (rad/s)")
    w = w.astype(float)
    x = w * dt
    small = np.abs(x) < 1e-2
    xs = np.where(small, 1.0, x)
    exact = dt**2 * ((1.0 - np.exp(-1j * xs)) / xs**2 - 1j / xs)
    series = np.zeros_like(x, dtype=complex)
    fact = 2.0
    for n in range(8):
        series += (-1j * x) ** n / fact
        fact *= n + 3
    return np.where(small, dt**2 * series, exact)


def time_window_integral_quadrature(w, delta_t, *, n_nodes=96):
    """The double integral of Eq. (54) by nested Gauss-Legendre quadrature.

    Independent of the closed form :func:`time_window_integral`; accurate to
    rounding for ``|w delta_t| < ~ n_nodes``.

    Parameters
    ----------
    w : array_like
        Detuning in rad/s.
    delta_t : float
        Window in s (> 0).
    n_nodes : int, optional
        Nodes per dimension (>= 2).

    Returns
    -------
    ndarray, complex
        Same shape as ``w``, in s^2.
    """
    dt = _v.real_scalar(delta_t, "delta_t", "s", positive=True)
    if isinstance(n_nodes, (bool, np.bool_)) or int(n_nodes) != n_nodes or n_nodes < 2:
        raise ValueError(f"n_nodes must be an integer >= 2; got {n_nodes!r}")
    w = np.asarray(w, dtype=float)
    x, wx = np.polynomial.legendre.leggauss(int(n_nodes))
    u = 0.5 * (x + 1.0)  # nodes on [0, 1]
    wu = 0.5 * wx
    t1 = dt * u  # t'
    # t'' = t' s, dt'' = t' ds
    tau = t1[:, None] * (1.0 - u[None, :])  # t' - t''
    jac = (dt * wu)[:, None] * (t1[:, None] * wu[None, :])
    return np.einsum("ab,...ab->...", jac, np.exp(-1j * w[..., None, None] * tau))


def _gauss(center, width):
    c = _v.real_scalar(center, "center")
    s = _v.real_scalar(width, "width", "rad/s", positive=True)
    return c, s


def gaussian_principal_value(center, width):
    """``P int dw f(w)/w`` for ``f(w) = exp(-(w - center)^2/(2 width^2))``.

    Equals ``2 sqrt(pi) F(center/(sqrt(2) width))`` with Dawson's integral
    ``F`` (the Hilbert transform of a Gaussian).

    Parameters
    ----------
    center : float
        Centre of the test function, rad/s.
    width : float
        Standard deviation, rad/s (> 0).

    Returns
    -------
    float
        Dimensionless (the integral of ``f/w``).
    """
    c, s = _gauss(center, width)
    return float(2.0 * np.sqrt(np.pi) * dawsn(c / (np.sqrt(2.0) * s)))


def _gaussian_fourier(tau, c, s):
    """``f^(tau) = int dw f(w) e^{-i w tau}`` for the Gaussian test function (rad/s)."""
    return s * np.sqrt(2.0 * np.pi) * np.exp(-1j * c * tau - 0.5 * (s * tau) ** 2)


def eq54_smeared(delta_t, *, center, width, method="time"):
    """``(1/Delta t) int dw f(w) I(w, Delta t)`` for a Gaussian test function.

    Parameters
    ----------
    delta_t : float
        Window ``Delta t`` in s (> 0).
    center, width : float
        Test function ``f(w) = exp(-(w - center)^2/(2 width^2))``, rad/s.
    method : {"time", "frequency"}
        ``"time"``: swap the integrals and integrate
        ``(1 - tau/Delta t) f^(tau)`` over ``[0, Delta t]`` (smooth, fast for
        any ``Delta t``).  ``"frequency"``: integrate ``f(w) I(w)`` over ``w``
        with the closed form of :func:`time_window_integral` (oscillatory;
        intended for ``width * delta_t < ~ 200``).  The two are independent.

    Returns
    -------
    complex
        In rad/s units of ``f``'s argument (``pi f(0)`` has the units of ``f``,
        i.e. dimensionless here).
    """
    dt = _v.real_scalar(delta_t, "delta_t", "s", positive=True)
    c, s = _gauss(center, width)
    if method == "time":
        t_max = min(dt, 14.0 / s)
        # 1 - tau/dt weights the transform; split for the oscillation e^{-i c tau}
        n_osc = max(1, int(abs(c) * t_max / np.pi))
        fun = lambda t: (1.0 - t / dt) * _gaussian_fourier(t, c, s)  # noqa: E731
        return complex(
            _cquad(fun, 0.0, t_max, limit=200 + 4 * n_osc, epsabs=0.0, epsrel=1e-13)
        )
    if method == "frequency":
        lo, hi = c - 12.0 * s, c + 12.0 * s
        fun = lambda w: np.exp(-0.5 * ((w - c) / s) ** 2) * time_window_integral(
            w, dt
        )  # noqa: E731
        n_osc = int((hi - lo) * dt / np.pi) + 1
        pts = [0.0] if lo < 0.0 < hi else None
        val = _cquad(
            fun, lo, hi, limit=400 + 8 * n_osc, points=pts, epsabs=0.0, epsrel=1e-12
        )
        return complex(val / dt)
    raise ValueError(f"method must be 'time' or 'frequency'; got {method!r}")


def eq54_limit(*, center, width):
    """Right side of Eq. (54) against the Gaussian test function, per ``Delta t``.

    ``pi f(0) - i P int f(w)/w dw`` (dimensionless).
    """
    c, s = _gauss(center, width)
    return complex(
        np.pi * np.exp(-0.5 * (c / s) ** 2) - 1j * gaussian_principal_value(c, s)
    )


def eq54_first_correction(*, center, width):
    """Coefficient ``-int_0^inf tau f^(tau) d tau`` of the ``1/Delta t`` term, Eq. (54).

    Closed form for the Gaussian test function,
    ``-(sqrt(2 pi)/width) [1 - i a sqrt(pi) w(-a)]`` with ``a = center/(sqrt 2 width)``
    and the Faddeeva function ``w``; for ``center = 0`` it is ``-sqrt(2 pi)/width``.

    Returns
    -------
    complex
        In rad/s (so ``coefficient / Delta t`` is dimensionless).
    """
    c, s = _gauss(center, width)
    a = c / (np.sqrt(2.0) * s)
    return complex(
        -np.sqrt(2.0 * np.pi) / s * (1.0 - 1j * a * np.sqrt(np.pi) * wofz(-a))
    )


def sinc2_window_smeared(delta_t, *, f_center, f_width, g_width):
    """Eq. (C8) against a Gaussian test function ``g(tau) = exp(-tau^2/(2 g_width^2))``.

    Computes ``int d tau g(tau) int dW f(W) sinc^2(W delta_t/2) e^{-i W tau}
    = int dW f(W) sinc^2(W delta_t/2) g^(W)`` with ``W = omega_k - omega_L``,
    ``f(W) = exp(-(W - f_center)^2/(2 f_width^2))`` and
    ``g^(W) = g_width sqrt(2 pi) exp(-g_width^2 W^2/2)``.  Eq. (C8) says this
    tends to ``2 pi f(0) g(0) = 2 pi f(0)`` when ``g`` varies slowly on the scale
    ``delta_t``; the relative error falls as ``1/g_width^2``.

    Parameters
    ----------
    delta_t : float
        Window in s (> 0).
    f_center, f_width : float
        Spectral test function (rad/s).
    g_width : float
        Width of the time test function in s (> 0).

    Returns
    -------
    (complex, float)
        The smeared value and the limit ``2 pi f(0)`` (dimensionless).
    """
    dt = _v.real_scalar(delta_t, "delta_t", "s", positive=True)
    c, s = _gauss(f_center, f_width)
    tg = _v.real_scalar(g_width, "g_width", "s", positive=True)

    def fun(w):
        return (
            np.exp(-0.5 * ((w - c) / s) ** 2)
            * np.sinc(w * dt / (2.0 * np.pi)) ** 2
            * tg
            * np.sqrt(2.0 * np.pi)
            * np.exp(-0.5 * (tg * w) ** 2)
        )

    half = 12.0 / tg
    val = quad(fun, -half, half, limit=400, epsabs=0.0, epsrel=1e-13)[0]
    return complex(val), float(2.0 * np.pi * np.exp(-0.5 * (c / s) ** 2))


# --------------------------------------------------------- Im G, Eq. (64)
def im_green_angular(r, k, *, n_theta=None):
    """``Im G(r) = k^3/(16 pi^2) int d^2n (1 - n n) exp(i k n.r)`` by quadrature.

    The plane-wave (angular) representation of the imaginary part of the
    Green tensor of Eq. (2); it is the integral over scattering directions that
    turns the product of Lindblad amplitudes (C9) into (C11).

    Parameters
    ----------
    r : array_like, shape (3,)
        Separation in m (nonzero).
    k : float
        Wave number in 1/m (> 0).
    n_theta : int, optional
        Gauss-Legendre order in ``cos(theta)`` (default resolves ``k r``).

    Returns
    -------
    ndarray, shape (3, 3), real
        In 1/m^3.
    """
    r, dist, k = _separation(r, k)
    nt = plane_wave_order(k * dist) if n_theta is None else int(n_theta)
    nodes, weights = sphere_quadrature(nt)
    proj = np.eye(3) - nodes[:, :, None] * nodes[:, None, :]
    phase = np.exp(1j * (k * (nodes @ r)))
    val = np.einsum("m,mab,m->ab", weights, proj, phase)
    return np.real(val) * k**3 / (16.0 * np.pi**2)


def _funk_hecke(j0, j2, rh):
    """``(2/3) j0 1 + j2 (rh rh - 1/3)``, the tensor form of Funk-Hecke.

    With ``j_l = j_l(x)``: ``(1/4 pi) int dOmega (1 - nn) e^{i x n.rh}``; with
    radial integrals of ``j_l`` in place of ``j_l``: the k-space kernels.
    """
    return 2.0 / 3.0 * j0 * np.eye(3) + j2 * (np.outer(rh, rh) - np.eye(3) / 3.0)


def transverse_kernel_imaginary(r, k):
    """Imaginary (delta) part of the k-space kernel of Eqs. (59), (62): ``Im G(r)``.

    ``pi delta(k^2 - k_L^2)`` in the outgoing prescription gives
    ``k_L^3/(4 pi) [(2/3) j0(k_L r) 1 + j2(k_L r)(rh rh - 1/3)]`` (Funk-Hecke);
    at ``r -> 0`` this is ``k^3/(6 pi) 1``, the imaginary part of Eq. (66).

    Parameters
    ----------
    r : array_like, shape (3,)
        Separation in m (nonzero).
    k : float
        Laser wave number in 1/m (> 0).

    Returns
    -------
    ndarray, shape (3, 3), real, 1/m^3
    """
    r, dist, k = _separation(r, k)
    x = k * dist
    return k**3 / (4.0 * np.pi) * _funk_hecke(spherical_jn(0, x), spherical_jn(2, x),
                                              r / dist)


def transverse_kernel_full(r, k):
    """The full k-space kernel ``G - G0`` of Eqs. (59)-(64), real and imaginary part.

    Real part: :func:`optbind.green.transverse_kernel` (principal value,
    Eqs. 59, 61, 62, evaluated in k space); imaginary part:
    :func:`transverse_kernel_imaginary`.

    Returns
    -------
    ndarray, shape (3, 3), complex, 1/m^3
    """
    return transverse_kernel(r, k) + 1j * transverse_kernel_imaginary(r, k)


_J_INT = {0: np.pi / 2.0, 2: np.pi / 4.0}  # int_0^inf j_l(x) dx


def _near_pole(fun, x_l, x2):
    """``int_0^b fun`` with ``b = 2 x_L + 12`` and break points around the pole.

    Returns the integral and ``b`` (where the caller's Fourier tail starts).
    """
    b = 2.0 * x_l + 12.0
    half = np.sqrt(abs(np.imag(x2))) + 1e-300
    pts = sorted({max(x_l - 4 * half, 1e-9), x_l, min(x_l + 4 * half, b - 1e-9)})
    return _cquad(fun, 0.0, b, points=pts, limit=800, epsabs=1e-15, epsrel=1e-12), b


def _pole_integral(ell, x_l, x2):
    """``int_0^inf j_l(x)/(x^2 - X) dx`` for complex ``X = x2`` near ``x_l^2``.

    Dimensionless.

    Head ``[0, b]`` by adaptive quadrature with a break point at the pole,
    tail by QUADPACK's Fourier rule with ``j_0 = sin x/x`` and
    ``j_2 = (3/x^3 - 1/x) sin x - 3 cos x/x^2``.
    """
    head, b = _near_pole(lambda x: spherical_jn(ell, x) / (x * x - x2), x_l, x2)

    def fourier(g, weight):
        return _cquad(g, b, np.inf, weight=weight, wvar=1.0, limlst=200, epsabs=1e-15)

    if ell == 0:
        return head + fourier(lambda x: 1.0 / (x * (x * x - x2)), "sin")
    return (head + fourier(lambda x: (3.0 / x**3 - 1.0 / x) / (x * x - x2), "sin")
            + fourier(lambda x: -3.0 / x**2 / (x * x - x2), "cos"))


def transverse_kernel_eta(r, k, eta):
    """k-space kernel of Eqs. (59), (62) at finite ``eta``, numerically.

    ``(k_L^2/(2 pi)^3) int d^3q (1 - qq) e^{iq.r}/(q^2 - k_L^2 - i eta)``: the
    angular integral by Funk-Hecke, ``q^2/(q^2 - kappa^2) = 1 + kappa^2/(q^2 -
    kappa^2)`` with ``kappa^2 = k_L^2 + i eta``; the first part integrates to
    ``k_L^2 (1 + rh rh)/(8 pi r)``, the second by quadrature.  Tends to
    ``G - G0`` (outgoing) as ``eta -> 0+`` and to its complex conjugate
    (incoming) as ``eta -> 0-``; the difference is ``O(eta)``.

    Parameters
    ----------
    r, k
        As in :func:`transverse_kernel_imaginary`.
    eta : float
        Regulator in 1/m^2 (nonzero, ``|eta| << k^2``; sign selects the
        prescription).

    Returns
    -------
    ndarray, shape (3, 3), complex, 1/m^3
    """
    r, dist, k = _separation(r, k)
    eta = _v.real_scalar(eta, "eta")
    if eta == 0.0:
        raise ValueError(
            "eta must be nonzero (use transverse_kernel_full for eta -> 0)"
        )
    x_l = k * dist
    x2 = (k**2 + 1j * eta) * dist**2
    rh = r / dist
    smooth = k**2 * (np.eye(3) + np.outer(rh, rh)) / (8.0 * np.pi * dist)
    j0 = _pole_integral(0, x_l, x2)
    j2 = _pole_integral(2, x_l, x2)
    # int q^2 j_l(qr)/(q^2 - kappa^2) dq = (1/r)[int j_l dx + X int j_l/(x^2 - X) dx]
    pole = k**2 / (2.0 * np.pi**2) * (x2 / dist) * _funk_hecke(j0, j2, rh)
    return smooth + pole


# ---------------------------------------------------------------- Eq. (59)
def transverse_projector_kspace(r, width, *, n_radial=96, n_theta=None):
    """Left side of Eq. (59) for ``f(k) = exp(-k^2 width^2/2)``, by 3-d quadrature.

    ``int d^3k (1 - kk/k^2) e^{ik.r} f(k)`` on a spherical product grid
    (Gauss-Legendre in ``|k|`` on ``[0, 10/width]`` and in ``cos theta``,
    trapezoid in ``phi``): the projector is applied in k space, mode by mode.

    Parameters
    ----------
    r : array_like, shape (3,)
        Position in m (nonzero).
    width : float
        Width ``sigma`` of the test function in m (> 0).
    n_radial : int, optional
        Radial nodes.
    n_theta : int, optional
        Polar nodes (default resolves ``10 |r|/width``).

    Returns
    -------
    ndarray, shape (3, 3), real, 1/m^3
    """
    r, dist = _vector(r)
    s = _v.real_scalar(width, "width", "m", positive=True)
    k_max = 10.0 / s
    nt = plane_wave_order(k_max * dist) if n_theta is None else int(n_theta)
    nodes, weights = sphere_quadrature(nt)
    x, wx = np.polynomial.legendre.leggauss(int(n_radial))
    kk = 0.5 * k_max * (x + 1.0)
    wk = 0.5 * k_max * wx * kk**2 * np.exp(-0.5 * (kk * s) ** 2)
    proj = np.eye(3) - nodes[:, :, None] * nodes[:, None, :]
    phase = np.exp(1j * np.outer(kk, nodes @ r))  # (K, M)
    val = np.einsum("k,m,km,mab->ab", wk, weights, phase, proj)
    return np.real(val)


def inverse_laplacian_gaussian(r, width, *, derivatives=False):
    """Closed form of Eq. (60) for ``F(r) = int d^3k e^{ik.r} exp(-k^2 width^2/2)``.

    ``F = (2 pi)^{3/2} width^{-3} exp(-r^2/(2 width^2))`` has total charge
    ``(2 pi)^3``, so ``Delta^{-1} F = -(2 pi)^3 erf(r/(sqrt 2 width))/(4 pi r)``
    (the potential of a Gaussian charge).

    Parameters
    ----------
    r : array_like
        Radius (or radii) in m (> 0).
    width : float
        ``sigma`` in m.
    derivatives : bool, optional
        Also return the first and second radial derivatives.

    Returns
    -------
    ndarray or tuple of ndarray
        ``h(r)`` (and ``h'``, ``h''``), in 1/m, 1/m^2, 1/m^3.
    """
    r = np.asarray(r, dtype=float)
    if not np.all(np.isfinite(r)) or np.any(r <= 0):
        raise ValueError("r must be finite and > 0 (m)")
    s = np.sqrt(2.0) * _v.real_scalar(width, "width", "m", positive=True)
    q = -((2.0 * np.pi) ** 3) / (4.0 * np.pi)
    e = erf(r / s)
    e1 = 2.0 / (s * np.sqrt(np.pi)) * np.exp(-((r / s) ** 2))
    e2 = -2.0 * r / s**2 * e1
    h = q * e / r
    if not derivatives:
        return h
    h1 = q * (e1 / r - e / r**2)
    h2 = q * (e2 / r - 2.0 * e1 / r**2 + 2.0 * e / r**3)
    return h, h1, h2


def transverse_projector_realspace(r, width):
    """Right side of Eq. (59), ``[1 - (grad grad) Delta^{-1}] F``, in closed form.

    With the radial function ``h = Delta^{-1} F`` of
    :func:`inverse_laplacian_gaussian`, ``d_a d_b h = h'' rh_a rh_b +
    (h'/r)(delta_ab - rh_a rh_b)``.

    Returns
    -------
    ndarray, shape (3, 3), real, 1/m^3
    """
    r, dist = _vector(r)
    s = _v.real_scalar(width, "width", "m", positive=True)
    f = (2.0 * np.pi) ** 1.5 / s**3 * np.exp(-0.5 * (dist / s) ** 2)
    _, h1, h2 = inverse_laplacian_gaussian(dist, s, derivatives=True)
    rr = np.outer(r, r) / dist**2
    hess = h2 * rr + h1 / dist * (np.eye(3) - rr)
    return f * np.eye(3) - hess


# ---------------------------------------------------------------- Eq. (60)
def inverse_laplacian_radial(f, r, *, scale=None):
    """Eq. (60) for a radial function, ``-int d^3r' f(r')/(4 pi |r - r'|)``.

    The angular integral of ``1/|r - r'|`` is ``4 pi/max(r, r')``, so
    ``[Delta^{-1} f](r) = -(1/r) int_0^r f(s) s^2 ds - int_r^inf f(s) s ds``.

    Parameters
    ----------
    f : callable
        Real radial function ``f(s)`` (decaying faster than ``1/s^2``).
    r : float
        Radius in m (> 0).
    scale : float, optional
        Length (m) on which ``f`` decays; the outer integral is split at
        ``r + 40 scale`` so that the adaptive rule sees the function.  Default
        ``r``.

    Returns
    -------
    float
    """
    if not callable(f):
        raise TypeError("f must be callable: f(s) -> float")
    r = _v.real_scalar(r, "r", "m", positive=True)
    ell = r if scale is None else _v.real_scalar(scale, "scale", "m", positive=True)
    kw = dict(limit=200, epsabs=0.0, epsrel=1e-12)
    inner = quad(lambda s: f(s) * s * s, 0.0, r, **kw)[0]
    mid = quad(lambda s: f(s) * s, r, r + 40.0 * ell, **kw)[0]
    far = quad(
        lambda s: f(s) * s,
        r + 40.0 * ell,
        np.inf,
        limit=200,
        epsabs=1e-14 * abs(mid) + 1e-300,
        epsrel=1e-12,
    )[0]
    return -inner / r - mid - far


# ---------------------------------------------------------------- Eq. (61)
def _pole_range(g, k, k_max):
    """Checked ``k`` and the dimensionless limits ``top = k_max/k``, ``min(3, top)``."""
    if not callable(g):
        raise TypeError("g must be callable: g(q) -> float")
    k = _v.real_scalar(k, "k", "1/m", positive=True)
    if k_max is None:
        return k, np.inf, 3.0
    top = _v.real_scalar(k_max, "k_max", "1/m", positive=True) / k
    return k, top, min(3.0, top)


def principal_value_eta(g, k, eta, *, k_max=None):
    """``int_0^inf g(q)/(q^2 - k^2 - i eta) dq`` at finite ``eta`` (Eq. 61), complex.

    Its real part tends to ``P int g/(q^2 - k^2)`` (Eq. 61), its imaginary part
    to ``pi g(k)/(2 k)`` (the delta part), both with an ``O(eta)`` error.  The
    quadrature runs in the dimensionless variable ``x = q/k``.

    Parameters
    ----------
    g : callable
        Smooth test function of ``q`` (1/m), decaying.
    k : float
        Pole position in 1/m (> 0).
    eta : float
        Regulator in 1/m^2 (nonzero).
    k_max : float, optional
        Upper limit in 1/m (default ``inf``).

    Returns
    -------
    complex
    """
    k, top, b = _pole_range(g, k, k_max)
    e = _v.real_scalar(eta, "eta") / k**2
    if e == 0.0:
        raise ValueError("eta must be nonzero; use principal_value for eta -> 0")
    half = abs(e) / 2.0
    pts = [max(1.0 - 5 * half, 1e-12), 1.0, 1.0 + 5 * half]
    fun = lambda x: g(k * x) / (x * x - 1.0 - 1j * e)  # noqa: E731
    head = _cquad(fun, 0.0, b, points=pts, limit=1000, epsabs=0.0, epsrel=1e-12)
    tail = (
        _cquad(fun, b, top, limit=400, epsabs=1e-14 * abs(head) + 1e-300, epsrel=1e-12)
        if top > b
        else 0.0
    )
    return complex((head + tail) / k)


def principal_value(g, k, *, k_max=None):
    """``P int_0^inf g(q)/(q^2 - k^2) dq`` with QUADPACK's Cauchy weight (a float).

    ``g``, ``k`` and ``k_max`` as in :func:`principal_value_eta`.
    """
    k, top, b = _pole_range(g, k, k_max)
    head = quad(lambda x: g(k * x) / (x + 1.0), 0.0, b, weight="cauchy", wvar=1.0,
                limit=400, epsabs=0.0, epsrel=1e-12)[0]
    tail = (quad(lambda x: g(k * x) / (x * x - 1.0), b, top, limit=400,
                 epsabs=1e-14 * abs(head) + 1e-300, epsrel=1e-12)[0]
            if top > b else 0.0)
    return float((head + tail) / k)


# ---------------------------------------------------------------- Eq. (62)
def _kappa(k, eta):
    kap = np.sqrt(complex(k * k, eta))
    return kap if kap.imag >= 0 else -kap


def helmholtz_closed_form(r, k, eta=0.0):
    """``k^2 e^{i kappa r}/(4 pi r)``, ``kappa = sqrt(k^2 + i eta)``, ``Im kappa >= 0``.

    ``eta -> 0+`` gives the outgoing right side of Eq. (62),
    ``k_L^2 e^{ik_L r}/(4 pi r)``; ``eta -> 0-`` the incoming one.

    Parameters
    ----------
    r : float
        Distance in m (> 0).
    k : float
        Wave number in 1/m (> 0).
    eta : float, optional
        Regulator in 1/m^2 (0: the limit ``0+``).

    Returns
    -------
    complex, 1/m^3
    """
    r, k = _distance(r, k)
    kap = k if eta == 0.0 else _kappa(k, _v.real_scalar(eta, "eta"))
    return complex(k**2 * np.exp(1j * kap * r) / (4.0 * np.pi * r))


def helmholtz_kspace(r, k, eta):
    """Left side of Eq. (62) at finite ``eta``, by radial quadrature in k space.

    ``(k_L^2/(2 pi)^3) int d^3q e^{iq.r}/(q^2 - kappa^2)
    = (k_L^2/(2 pi^2 r)) int_0^inf q sin(q r)/(q^2 - kappa^2) dq`` with
    ``q/(q^2 - kappa^2) = 1/q + kappa^2/(q (q^2 - kappa^2))`` and
    ``int_0^inf sin(qr)/q dq = pi/2``; the remainder decays as ``q^-3``.
    ``r`` (m), ``k`` (1/m) as in :func:`helmholtz_closed_form`; ``eta`` (1/m^2)
    must be nonzero.  Returns a complex number in 1/m^3.
    """
    r, k, head_tail = _eta_sine_integral(r, k, eta, numerator=True)
    return complex(k**2 / (2.0 * np.pi**2 * r) * (np.pi / 2.0 + head_tail))


def _eta_sine_integral(r, k, eta, *, numerator):
    """Checked ``r``, ``k`` and ``int_0^inf sin(x) g(x) dx``.

    ``g = X/(x (x^2 - X))`` (``numerator=True``) or ``1/(x (x^2 - X))``, with
    ``X = (k^2 + i eta) r^2``.

    The near-pole region ``[0, 2 x_L + 12]`` is integrated with breakpoints
    around ``x_L``, the rest with QUADPACK's Fourier weight.
    """
    r, k = _distance(r, k)
    eta = _v.real_scalar(eta, "eta")
    if eta == 0.0:
        raise ValueError("eta must be nonzero")
    x_l, x2 = k * r, (k * k + 1j * eta) * r * r
    num = x2 if numerator else 1.0

    def g(x):
        return num / (x * (x * x - x2))

    head, b = _near_pole(lambda x: np.sin(x) * g(x), x_l, x2)
    tail = _cquad(g, b, np.inf, weight="sin", wvar=1.0, limlst=200)
    return r, k, head + tail


# ---------------------------------------------------------------- Eq. (63)
def eq63_closed_form(r, k):
    """Right side of Eq. (63), ``(1 - e^{ikr})/(4 pi r)`` in 1/m."""
    r, k = _distance(r, k)
    return complex((1.0 - np.exp(1j * k * r)) / (4.0 * np.pi * r))


def inverse_laplacian_outgoing_kspace(r, k, eta):
    """Eq. (63) in k space: ``Delta^{-1}`` as the multiplier ``-1/q^2`` on Eq. (62).

    ``-(k_L^2/(2 pi^2 r)) int_0^inf sin(qr)/(q (q^2 - kappa^2)) dq`` at finite
    ``eta``, by quadrature (the integrand decays as ``q^-3``).  Tends to Eq. (63)
    as ``eta -> 0+``.

    Returns
    -------
    complex, 1/m
    """
    r, k, head_tail = _eta_sine_integral(r, k, eta, numerator=False)
    # int dq sin(qr)/(q(q^2 - kappa^2)) = r^2 int dx sin x/(x(x^2 - X))
    return complex(-(k**2) / (2.0 * np.pi**2 * r) * r * r * head_tail)


def inverse_laplacian_outgoing_realspace(r, k, damping):
    """Eq. (63) in real space: Eq. (60) applied to ``k^2 e^{(ik - eps) s}/(4 pi s)``.

    The source decays only as ``1/s``, so the convolution of Eq. (60) needs a
    regulator: the Abel factor ``e^{-eps s}`` (the real-space counterpart of
    ``eta``).  By the shell formula of :func:`inverse_laplacian_radial`,
    ``-(k^2/(4 pi r)) int_0^r s e^{(ik-eps)s} ds - (k^2/4 pi) int_r^inf
    e^{(ik-eps)s} ds``, the second integral with QUADPACK's Fourier weights.
    Tends to Eq. (63) as ``eps -> 0`` with an ``O(eps/k)`` error.

    ``r`` (m) and ``k`` (1/m) as in :func:`helmholtz_closed_form`; ``damping`` is
    ``eps`` in 1/m (> 0).  Returns a complex number in 1/m.
    """
    r, k = _distance(r, k)
    eps = _v.real_scalar(damping, "damping", "1/m", positive=True)
    n_osc = int(k * r / np.pi) + 1
    inner = _cquad(
        lambda s: s * np.exp((1j * k - eps) * s),
        0.0,
        r,
        limit=200 + 4 * n_osc,
        epsabs=0.0,
        epsrel=1e-12,
    )
    amp = lambda s: np.exp(-eps * s)  # noqa: E731
    outer = (
        quad(amp, r, np.inf, weight="cos", wvar=k, limlst=400)[0]
        + 1j * quad(amp, r, np.inf, weight="sin", wvar=k, limlst=400)[0]
    )
    return complex(-(k**2) / (4.0 * np.pi) * (inner / r + outer))


# ---------------------------------------------------------------- Eq. (64)
def eq64_from_eq63(r, k, *, step=None):
    """Left side of Eq. (64) built from Eq. (63) with a finite-difference Hessian.

    ``k^2 e^{ikr}/(4 pi r) 1 - grad grad [(1 - e^{ikr})/(4 pi r)]``, the Hessian
    by fourth-order central differences of the scalar of Eq. (63) (the
    five-point first derivative applied twice).  Eq. (64) says this is
    ``G(r) - G0(r)`` (compare with :mod:`optbind.green`).

    ``r`` (m, nonzero) and ``k`` (1/m) as in :func:`im_green_angular`;
    ``step`` is the difference step in m (default ``1e-3 min(r, 1/k)``).

    Returns
    -------
    ndarray, shape (3, 3), complex, 1/m^3
    """
    r, dist, k = _separation(r, k)
    if step is None:
        h = 1e-3 * min(dist, 1.0 / k)
    else:
        h = _v.real_scalar(step, "step", "m", positive=True)

    def phi(x):
        d = np.linalg.norm(x)
        return (1.0 - np.exp(1j * k * d)) / (4.0 * np.pi * d)

    hess = _derivative4(lambda y: _derivative4(phi, y, h), r, h)
    hess = 0.5 * (hess + hess.T)  # d_a d_b = d_b d_a up to rounding
    return k**2 * np.exp(1j * k * dist) / (4.0 * np.pi * dist) * np.eye(3) - hess
