"""The quantum regime: where Eq. (82) holds, and how Eq. (72) departs from it (beyond the paper).

* :func:`lamb_dicke_table` -- for every packaged parameter set the Lamb-Dicke
  parameter ``eta = (k - 1/z_R) z_zpf``, the amplitudes ``kappa z_rms =
  eta sqrt(2n + 1)`` at given occupations and at a temperature (from
  :mod:`optbind.analysis.linearisation`), and the displacement of the
  equilibrium by the constant force of Eq. (86), ``kappa F/(m omega^2)``;
* :func:`deviation_scan` -- stationary states of the non-linearised master
  equation (72) (:class:`optbind.dynamics.nonlinear_quantum.AxialMasterEquation`)
  against Eq. (82) for a range of artificially enlarged Lamb-Dicke
  parameters, with power-law fits (:func:`fit_exponent`);
* :func:`fock_convergence` -- the same comparison at several Fock cut-offs;
* :func:`propagation` -- time evolution of both equations from one initial state.

The covariances are compared in the dimensionless quadratures ``X_j =
z_j/l_j``, ``Y_j = p_j l_j/hbar_eff``, in which Eq. (82) does not depend on
``eta`` (see :mod:`optbind.dynamics.nonlinear_quantum`).
"""
from __future__ import annotations

import numpy as np

from .. import validation as _v
from ..dynamics import moments as _moments
from ..dynamics.records import LabelledResult
from ..electrodynamics.dda import fit_power_law
from ..electrodynamics.fields import gouy_wavenumber
from ..linear.array import LinearArray
from ..linear.pair import two_particle_array
from ..parameters import available, load
from .linearisation import lamb_dicke_parameter, thermal_amplitude, thermal_occupation

__all__ = [
    "lamb_dicke_table",
    "gaussian_reference",
    "compare_steady_states",
    "deviation_scan",
    "fit_exponent",
    "fock_convergence",
    "propagation",
]


def lamb_dicke_table(*, occupations=(0.0, 1.0, 10.0, 100.0), temperature=295.0, names=None):
    """Lamb-Dicke parameters, thermal amplitudes and static displacements per parameter set.

    Parameters
    ----------
    occupations : sequence of float
        Phonon numbers ``n`` (>= 0) for the column ``kappa_z_n``.
    temperature : float
        Temperature in K (> 0) for ``kappa_z_T`` (Bose-Einstein occupation of
        the axial mode at the Eq. 79 frequency).
    names : sequence of str, optional
        Parameter sets (default :func:`optbind.parameters.available`).

    Returns
    -------
    LabelledResult
        Dimension ``parameter_set``: ``eta``, ``omega`` (rad/s), ``n_T``
        (phonons at ``temperature``), ``kappa_z_T``, ``kappa_z_static``
        (``kappa F_1/(m omega^2)`` for the set's pair,
        :func:`optbind.linear.pair.two_particle_array`); dimensions
        ``(parameter_set, occupation)``: ``kappa_z_n``.

    Examples
    --------
    >>> t = lamb_dicke_table(occupations=(0.0,), names=["delic2020"])
    >>> round(float(t["eta"][0]) * 1e5, 2)
    5.24
    """
    names = list(available()) if names is None else [str(n) for n in names]
    occ = np.atleast_1d(_v.real_array(occupations, "occupations", "phonons",
                                      nonnegative=True))
    temp = _v.real_scalar(temperature, "temperature", "K", positive=True)
    sets = [load(n) for n in names]
    eta = np.array([lamb_dicke_parameter(p) for p in sets])
    kappa = np.array([gouy_wavenumber(p.k, p.z_R) for p in sets])
    n_t = np.array([float(thermal_occupation(p, temp)) for p in sets])
    z_t = np.array([float(thermal_amplitude(p, temperature=temp)) for p in sets])
    z_n = np.array([thermal_amplitude(p, occupation=occ) for p in sets])
    static = []
    for p in sets:
        arr = two_particle_array(params=p)
        static.append(arr.kappa * arr.F[0] / (arr.masses[0] * arr.omega[0] ** 2))
    return LabelledResult(
        data={"eta": eta, "omega": np.array([p.omega for p in sets]), "n_T": n_t,
              "kappa_z_T": kappa * z_t, "kappa_z_static": np.array(static),
              "kappa_z_n": kappa[:, None] * z_n},
        dims={"eta": ("parameter_set",), "omega": ("parameter_set",),
              "n_T": ("parameter_set",), "kappa_z_T": ("parameter_set",),
              "kappa_z_static": ("parameter_set",),
              "kappa_z_n": ("parameter_set", "occupation")},
        coords={"parameter_set": np.array(names), "occupation": occ},
        units={"eta": "1", "omega": "rad/s", "n_T": "phonons", "kappa_z_T": "1",
               "kappa_z_static": "1", "kappa_z_n": "1", "parameter_set": "",
               "occupation": "phonons"},
        attrs={"temperature": temp},
    )


def gaussian_reference(engine):
    """Steady covariance of Eq. (82) from the Gaussian engine, in the quadratures.

    :func:`optbind.dynamics.moments.steady_state` (``source="master"``) of
    ``engine.linear_model()``, divided by ``(l_j, hbar/l_j)``: no Fock
    truncation.

    Parameters
    ----------
    engine : optbind.dynamics.nonlinear_quantum.AxialMasterEquation

    Returns
    -------
    (ndarray, ndarray)
        Mean (2N,) and non-symmetrised covariance (2N, 2N), dimensionless.
    """
    from ..conventions import HBAR

    model = engine.linear_model()
    g = _moments.steady_state(model, source="master")
    ell = model.length_scale
    s = np.concatenate([ell, HBAR / ell])
    return g.mean / s, g.S / np.outer(s, s)


def _occupations(mean, S, n):
    second = np.real(np.diag(S)) + mean**2
    return 0.5 * (second[:n] + second[n:] - 1.0)


def compare_steady_states(engine):
    """Stationary Eq. (72) against Eq. (82) on the same Fock space, and Eq. (82) exact.

    Parameters
    ----------
    engine : optbind.dynamics.nonlinear_quantum.AxialMasterEquation

    Returns
    -------
    dict
        ``rel_cov`` ``= ||S_72 - S_82||_F/||S_82||_F`` (same truncation),
        ``rel_occupation`` (N,) ``= n_72/n_82 - 1``, ``mean`` (2N,) of Eq. (72)
        (Eq. 82 has zero mean with the static force compensated),
        ``kurtosis`` (N,) excess kurtosis of ``X_j`` under Eq. (72) minus that of
        Eq. (82) on the same Fock space (a truncation artefact, zero for exact Gaussians),
        ``truncation`` ``= ||S_82 - S_gauss||_F/||S_gauss||_F``,
        ``occupation`` (N,) of Eq. (82) and the moments themselves.
    """
    n = engine.n_particles
    rf = engine.steady_state("full")
    rl = engine.steady_state("linear")
    mf, sf = engine.moments(rf)
    ml, sl = engine.moments(rl)
    mg, sg = gaussian_reference(engine)
    occ_f, occ_l = _occupations(mf, sf, n), _occupations(ml, sl, n)
    return {
        "rel_cov": float(np.linalg.norm(sf - sl) / np.linalg.norm(sl)),
        "rel_occupation": occ_f / occ_l - 1.0,
        "mean": mf,
        "kurtosis": engine.position_cumulants(rf) - engine.position_cumulants(rl),
        "truncation": float(np.linalg.norm(sl - sg) / np.linalg.norm(sg)),
        "occupation": occ_l,
        "S_full": sf, "S_linear": sl, "S_gauss": sg,
    }


def _engine(array, eta, n_max, gamma, n_th):
    from ..dynamics.nonlinear_quantum import AxialMasterEquation

    return AxialMasterEquation(array, eta=eta, n_max=n_max, gamma=gamma, n_th=n_th)


def _array(array):
    if array is None:
        return two_particle_array()
    if not isinstance(array, LinearArray):
        raise TypeError(f"array must be an optbind.linear.array.LinearArray or None; got "
                        f"{type(array).__name__}")
    return array


def deviation_scan(etas, *, array=None, n_max=11, gamma=1.0, n_th=0.0):
    """Deviation of stationary Eq. (72) from Eq. (82) against the Lamb-Dicke parameter.

    Parameters
    ----------
    etas : array_like
        Lamb-Dicke parameters (> 0).
    array : LinearArray, optional
        Default :func:`optbind.linear.pair.two_particle_array` (``rieser2022``).
    n_max : int
        Fock cut-off per particle.
    gamma, n_th : float
        Lindblad damping rate (units of ``omega_1``) and bath occupation.

    Returns
    -------
    LabelledResult
        Dimension ``eta``: ``rel_cov``, ``truncation``; ``(eta, particle)``:
        ``rel_occupation``, ``mean_X``, ``mean_Y``, ``kurtosis``; attribute
        ``occupation_1`` (phonons of particle 1 under Eq. 82).
    """
    etas = np.atleast_1d(_v.real_array(etas, "etas", "dimensionless", positive=True))
    arr = _array(array)
    n_max = _v.integer(n_max, "n_max", minimum=2)
    rows = [compare_steady_states(_engine(arr, e, n_max, gamma, n_th)) for e in etas]
    n = arr.n_particles
    return LabelledResult(
        data={"rel_cov": np.array([r["rel_cov"] for r in rows]),
              "truncation": np.array([r["truncation"] for r in rows]),
              "rel_occupation": np.array([r["rel_occupation"] for r in rows]),
              "mean_X": np.array([r["mean"][:n] for r in rows]),
              "mean_Y": np.array([r["mean"][n:] for r in rows]),
              "kurtosis": np.array([r["kurtosis"] for r in rows])},
        dims={"rel_cov": ("eta",), "truncation": ("eta",),
              "rel_occupation": ("eta", "particle"), "mean_X": ("eta", "particle"),
              "mean_Y": ("eta", "particle"), "kurtosis": ("eta", "particle")},
        coords={"eta": etas, "particle": np.arange(1, n + 1)},
        units={"rel_cov": "1", "truncation": "1", "rel_occupation": "1", "mean_X": "1",
               "mean_Y": "1", "kurtosis": "1", "eta": "1", "particle": ""},
        attrs={"n_max": n_max, "gamma": float(gamma), "n_th": float(n_th),
               "occupation_1": float(rows[0]["occupation"][0])},
    )


def fit_exponent(etas, values):
    """Power law ``|value| = c eta^p`` by least squares in log-log.

    :func:`optbind.electrodynamics.dda.fit_power_law` on ``|values|``.

    Returns
    -------
    dict
        ``exponent``, ``exponent_error`` (1 sigma), ``prefactor``.

    Examples
    --------
    >>> import numpy as np
    >>> e = np.array([0.01, 0.02, 0.04])
    >>> round(fit_exponent(e, 3 * e**2)["exponent"], 6)
    2.0
    """
    return fit_power_law(etas, np.abs(np.asarray(values, dtype=float)))


def fock_convergence(n_maxes, *, eta=0.1, array=None, gamma=1.0, n_th=0.0):
    """:func:`compare_steady_states` at several Fock cut-offs (one ``eta``).

    Returns
    -------
    LabelledResult
        Dimension ``n_max``: ``rel_cov``, ``truncation``, ``mean_X1``, ``kurtosis_1``.
    """
    ns = np.atleast_1d(_v.integer_array(n_maxes, "n_maxes", minimum=2))
    arr = _array(array)
    rows = [compare_steady_states(_engine(arr, eta, int(n), gamma, n_th)) for n in ns]
    return LabelledResult(
        data={"rel_cov": np.array([r["rel_cov"] for r in rows]),
              "truncation": np.array([r["truncation"] for r in rows]),
              "mean_X1": np.array([r["mean"][0] for r in rows]),
              "kurtosis_1": np.array([r["kurtosis"][0] for r in rows])},
        dims={k: ("n_max",) for k in ("rel_cov", "truncation", "mean_X1", "kurtosis_1")},
        coords={"n_max": ns},
        units={"rel_cov": "1", "truncation": "1", "mean_X1": "1", "kurtosis_1": "1",
               "n_max": "phonons"},
        attrs={"eta": float(eta), "gamma": float(gamma), "n_th": float(n_th)},
    )


def propagation(etas, times, *, array=None, n_max=8, gamma=1.0, n_th=0.0,
                amplitudes=(0.0, 1.5)):
    """Eq. (72) and Eq. (82) propagated with QuTiP from coherent states.

    Parameters
    ----------
    etas : array_like
        Lamb-Dicke parameters (> 0); Eq. (82) is the same for all of them.
    times : array_like
        Dimensionless times ``omega_1 t`` (increasing).
    array, n_max, gamma, n_th
        As in :func:`deviation_scan`.
    amplitudes : sequence of complex
        Coherent amplitudes ``<a_j>`` of the initial product state.

    Returns
    -------
    LabelledResult
        ``mean_X`` and ``occupation`` with dimensions ``(model, time,
        particle)``; model ``0`` is Eq. (82), ``1..`` Eq. (72) at ``etas``.
    """
    etas = np.atleast_1d(_v.real_array(etas, "etas", "dimensionless", positive=True))
    times = _v.times(times, "times", strictly=True)
    arr = _array(array)
    n = arr.n_particles
    mean, occ = [], []
    for i, eta in enumerate(etas):
        eng = _engine(arr, eta, n_max, gamma, n_th)
        rho0 = eng.coherent_state(amplitudes)
        kinds = ("linear", "full") if i == 0 else ("full",)
        for kind in kinds:
            states = eng.evolve(rho0, times, kind)
            mo = [eng.moments(r) for r in states]
            mean.append([m[:n] for m, _ in mo])
            occ.append([_occupations(m, s, n) for m, s in mo])
    return LabelledResult(
        data={"mean_X": np.array(mean), "occupation": np.array(occ)},
        dims={"mean_X": ("model", "time", "particle"),
              "occupation": ("model", "time", "particle")},
        coords={"model": np.arange(len(etas) + 1), "time": times,
                "particle": np.arange(1, n + 1)},
        units={"mean_X": "1", "occupation": "phonons", "model": "", "time": "1/omega_1",
               "particle": ""},
        attrs={"etas": ",".join(f"{e:g}" for e in etas), "n_max": int(n_max),
               "gamma": float(gamma), "n_th": float(n_th)},
    )
