"""Up to which sphere diameter the point-dipole numbers of the book hold.

Layer 5 companion of the chapter "How small is small?".  The quantities are
those of :func:`optbind.electrodynamics.mie.point_dipole_deviation` (same names,
same definitions: ``model/exact - 1`` for a sphere of diameter ``d``), plus one
derived quantity:

``binding``
    ``(alpha_0/Re alpha_1)^2 - 1``: the optical-binding couplings of the book
    (Eqs. 75, 80, 85-87b) are products of two bare polarisabilities
    ``eps0 V chi``, while each sphere's far field in the focal plane is that of
    its exact dipole coefficient ``a_1``: for light polarised perpendicular to
    the plane of the beam and the pair axis the exact amplitude at 90 degrees
    is ``S_1(pi/2) = (3/2) a_1 [1 + O(x^4)]`` (magnetic dipole and electric
    quadrupole do not radiate there at order ``x^2``; tested).  It is the
    leading-order estimate of the size error of a binding strength.

The trap quantities need the exact stiffness of
:func:`~optbind.electrodynamics.mie.mie_axial_stiffness`, whose cost is dominated by the beam's multipole
coefficients; :class:`TrapComparison` keeps one
:class:`~optbind.electrodynamics.mie.GaussianBeam` (whose coefficients are cached
per multipole order) and one exact stiffness per radius, so that a whole
deviation curve and its crossings cost one exact solution per diameter.  The
crossings follow the rule of :func:`~optbind.electrodynamics.mie.crossing_diameter`
(geometric scan, first bracket, :func:`scipy.optimize.brentq` to ``rtol = 1e-6``).

Units: diameters, wavelengths and waists in m; deviations dimensionless.
"""

from __future__ import annotations

import itertools

import numpy as np
from scipy.optimize import brentq

from .. import validation as _v
from ..electrodynamics import mie

__all__ = [
    "QUANTITIES",
    "TRAP_QUANTITIES",
    "TrapComparison",
    "deviation_curves",
    "crossing_diameters",
]

#: Trap-frequency quantities (they need a beam waist).
TRAP_QUANTITIES = (
    "trap_frequency",
    "trap_frequency_quasistatic",
    "trap_frequency_exact_dipole",
)
#: Every quantity of this module: those of ``mie.DEVIATION_QUANTITIES`` and ``binding``.
QUANTITIES = tuple(mie.DEVIATION_QUANTITIES) + ("binding",)

_RTOL = 1e-6


def _quantity(q):
    return _v.choice(q, "quantity", QUANTITIES)


def _diameters(d):
    return _v.real_array(d, "diameters", "m", positive=True)


class TrapComparison:
    """Point-dipole trap frequencies against the exact sphere, in one shared beam.

    Parameters
    ----------
    wavelength : float
        Vacuum wavelength in m (> 0).
    permittivity : float
        Relative permittivity (> 1).
    waist : float
        Waist of the :class:`~optbind.electrodynamics.mie.GaussianBeam` in m (> 0).
    n_angular : int, optional
        Angular-spectrum nodes of the beam (as in ``point_dipole_deviation``).

    Notes
    -----
    ``deviation(q, d)`` equals ``mie.point_dipole_deviation(q, d, ...)`` for the
    three :data:`TRAP_QUANTITIES` (to rounding; tested): ``sqrt(kappa_model /
    kappa_exact) - 1`` with the dipole stiffness of ``alpha_0``, ``Re alpha_1``
    or ``eps0 V (chi + delta chi)`` (Eqs. 68, 74) in the same beam.
    """

    def __init__(self, wavelength, permittivity, waist, *, n_angular=64):
        self.wavelength = _v.real_scalar(wavelength, "wavelength", "m", positive=True)
        self.permittivity = _v.permittivity(permittivity)
        self.waist = _v.real_scalar(waist, "waist", "m", positive=True)
        self.k = 2.0 * np.pi / self.wavelength
        n_angular = _v.integer(n_angular, "n_angular", minimum=8)
        self.beam = mie.GaussianBeam(self.k, self.waist, n_angular=n_angular)
        self._exact = {}

    def exact_stiffness(self, radius):
        """Exact axial stiffness at the focus (N/m per (V/m)^2), memoised per radius."""
        a = _v.real_scalar(radius, "radius", "m", positive=True)
        if a not in self._exact:
            self._exact[a] = mie.mie_axial_stiffness(a, self.permittivity, self.beam)
        return self._exact[a]

    def _model_polarizability(self, quantity, a):
        eps, k = self.permittivity, self.k
        if quantity == "trap_frequency":
            return float(mie.corrected_polarizability(a, eps, k))
        if quantity == "trap_frequency_quasistatic":
            return float(mie.quasistatic_polarizability(a, eps))
        return mie.mie_polarizability(a, eps, k)

    def deviation(self, quantity, diameter):
        """``sqrt(kappa_model/kappa_exact) - 1`` for one trap quantity and diameter.

        ``nan`` where the ratio of the stiffnesses is not positive (for
        ``trap_frequency_exact_dipole`` beyond the first dipole resonance,
        where ``Re alpha_1 < 0``).
        """
        _v.choice(quantity, "quantity", TRAP_QUANTITIES)
        a = 0.5 * _v.real_scalar(diameter, "diameter", "m", positive=True)
        alpha = self._model_polarizability(quantity, a)
        ratio = mie.dipole_axial_stiffness(alpha, self.beam) / self.exact_stiffness(a)
        # beyond the first dipole resonance Re alpha_1 < 0: no trap frequency
        return float(np.sqrt(ratio)) - 1.0 if ratio > 0 else float("nan")

    def crossing(self, quantity, level, *, d_min=5e-9, d_max=2e-6, n_scan=24):
        """Smallest diameter (m) at which ``|deviation| = level`` (``nan`` if never).

        Same rule as :func:`optbind.electrodynamics.mie.crossing_diameter`.
        """
        _v.choice(quantity, "quantity", TRAP_QUANTITIES)
        return _first_crossing(
            lambda d: self.deviation(quantity, d), level, d_min, d_max, n_scan
        )


def _binding(d, wavelength, permittivity):
    dev = mie.point_dipole_deviation(
        "polarizability_quasistatic",
        d,
        wavelength=wavelength,
        permittivity=permittivity,
    )
    return (1.0 + dev) ** 2 - 1.0


def _first_crossing(fun, level, d_min, d_max, n_scan):
    level = _v.real_scalar(level, "level", positive=True)
    d_min = _v.real_scalar(d_min, "d_min", "m", positive=True)
    d_max = _v.real_scalar(d_max, "d_max", "m", positive=True)
    if d_max <= d_min:
        raise ValueError(f"d_max must exceed d_min; got {d_min!r}, {d_max!r}")
    n_scan = _v.integer(n_scan, "n_scan", minimum=2)

    def f(d):
        return abs(float(fun(d))) - level

    grid = np.geomspace(d_min, d_max, n_scan)
    if f(grid[0]) >= 0:
        raise ValueError(f"|deviation| already >= level at d_min = {d_min:g} m")
    for lo, hi in itertools.pairwise(grid):
        if f(hi) >= 0:
            return float(brentq(f, lo, hi, rtol=_RTOL, xtol=1e-15))
    return float("nan")


def deviation_curves(
    diameters,
    *,
    wavelength,
    permittivity,
    waist=None,
    quantities=QUANTITIES,
    n_angular=64,
    trap=None,
):
    """Relative deviations of several point-dipole quantities against Mie theory.

    Parameters
    ----------
    diameters : array_like
        Sphere diameters in m (> 0).
    wavelength : float
        Vacuum wavelength in m.
    permittivity : float
        Relative permittivity (> 1).
    waist : float, optional
        Beam waist in m; without it the trap quantities are skipped.
    quantities : sequence of str, optional
        Subset of :data:`QUANTITIES`.
    n_angular : int, optional
        Beam quadrature (trap quantities).
    trap : TrapComparison, optional
        Reuse an existing comparison (and its memoised exact stiffnesses);
        it must have the same wavelength, permittivity and waist.

    Returns
    -------
    dict
        ``{quantity: ndarray}`` (dimensionless, shape of ``diameters``).
    """
    d = _diameters(diameters)
    quantities = [_quantity(q) for q in quantities]
    trap = _trap_for(trap, quantities, wavelength, permittivity, waist, n_angular)
    out = {}
    for q in quantities:
        if q in TRAP_QUANTITIES:
            if trap is None:
                continue
            vals = [trap.deviation(q, di) for di in d.ravel()]
            out[q] = np.array(vals).reshape(d.shape)
        elif q == "binding":
            out[q] = _binding(d, wavelength, permittivity)
        else:
            out[q] = mie.point_dipole_deviation(
                q, d, wavelength=wavelength, permittivity=permittivity
            )
    return out


def _trap_for(trap, quantities, wavelength, permittivity, waist, n_angular):
    """The given comparison (checked), a new one if trap quantities need it, or None."""
    if trap is None and waist is not None and set(quantities) & set(TRAP_QUANTITIES):
        return TrapComparison(wavelength, permittivity, waist, n_angular=n_angular)
    _check_trap(trap, wavelength, permittivity, waist)
    return trap


def _check_trap(trap, wavelength, permittivity, waist):
    if trap is None:
        return
    if not isinstance(trap, TrapComparison):
        raise TypeError("trap must be a TrapComparison")
    same = (
        np.isclose(trap.wavelength, float(wavelength), rtol=1e-12)
        and np.isclose(trap.permittivity, float(permittivity), rtol=1e-12)
        and waist is not None
        and np.isclose(trap.waist, float(waist), rtol=1e-12)
    )
    if not same:
        raise ValueError("trap was built for another wavelength, permittivity or waist")


def crossing_diameters(
    *,
    wavelength,
    permittivity,
    waist=None,
    levels=(0.01, 0.1),
    quantities=QUANTITIES,
    d_min=5e-9,
    d_max=2e-6,
    n_scan=24,
    n_angular=64,
    trap=None,
):
    """Diameters at which each deviation first reaches each level (for tables).

    The same table as :func:`optbind.electrodynamics.mie.crossing_table`, plus
    ``binding``, with one beam and one exact stiffness per diameter for the trap
    quantities (a few seconds instead of about a minute per wavelength).

    Parameters
    ----------
    wavelength, permittivity, waist, quantities, n_angular, trap
        As in :func:`deviation_curves`.
    levels : sequence of float, optional
        Relative deviations (> 0).
    d_min, d_max : float, optional
        Scan range in m.
    n_scan : int, optional
        Geometric scan points (>= 2).

    Returns
    -------
    dict
        ``{quantity: [diameter in m at each level]}`` (``nan``: not reached
        below ``d_max``).
    """
    quantities = [_quantity(q) for q in quantities]
    levels = [_v.real_scalar(lv, "level", positive=True) for lv in levels]
    trap = _trap_for(trap, quantities, wavelength, permittivity, waist, n_angular)
    out = {}
    for q in quantities:
        if q in TRAP_QUANTITIES:
            if trap is None:
                continue
            out[q] = [
                trap.crossing(q, lv, d_min=d_min, d_max=d_max, n_scan=n_scan)
                for lv in levels
            ]
            continue
        if q == "binding":
            fun = lambda d: _binding(d, wavelength, permittivity)  # noqa: E731
        else:
            fun = lambda d, q=q: mie.point_dipole_deviation(  # noqa: E731
                q, d, wavelength=wavelength, permittivity=permittivity
            )
        out[q] = [_first_crossing(fun, lv, d_min, d_max, n_scan) for lv in levels]
    return out
