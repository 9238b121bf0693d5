"""One stationary state, three engines: optbind.analysis.stationary.

QuTiP (truncated Fock space), the Lyapunov equation and Langevin trajectories are
independent implementations of the linearised dynamics (Eqs. 82-83 and 88-89).
"""

import numpy as np
import pytest

from optbind.analysis.stationary import stationary_moments_three_ways
from optbind.model import ArrayModel

pytest.importorskip("qutip", reason="QuTiP is optional (optbind[quantum])")


def _model():
    """Nonreciprocal pair, correlated recoil, Im D_12 from Eq. (90'); ~0.1 phonons."""
    d12 = 0.01 + 1j * (0.10 - 0.02) / 4
    return ArrayModel.dimensionless(
        omega_eff=[1.0, 1.1], C=[[0.0, 0.10], [0.02, 0.0]],
        D=[[0.02, d12], [np.conj(d12), 0.025]], gamma=0.3, n_th=0.02)


def test_three_engines_agree():
    r = stationary_moments_three_ways(_model(), n_max=5, n_traj=200, n_steps=1000,
                                      seed=2024)
    # QuTiP: measured 5.3e-4 at n_max = 5 and 3.6e-3 at n_max = 4 (ratio 0.145 per
    # level, about n/(n+1) for n = 0.11); margins 4 and 2
    assert r["error_qutip"] < 2e-3
    assert r["error_qutip"] < 0.3 * r["error_qutip_lower"]
    # Langevin: measured 1.4 standard errors at most over 10 entries (seed 2024); a
    # 4.5 sigma bound fails by chance with probability ~1e-4
    assert r["z_max"] < 4.5
    assert np.allclose(r["gaussian"], r["gaussian"].T, rtol=0, atol=1e-15)
    assert np.all(r["occupation"] > 0) and np.all(r["occupation"] < 0.5)


def test_bad_input_names_the_parameter():
    with pytest.raises(TypeError, match="model"):
        stationary_moments_three_ways("pair", n_max=5, n_traj=10, n_steps=10)
    with pytest.raises(ValueError, match="n_traj"):
        stationary_moments_three_ways(_model(), n_max=5, n_traj=1, n_steps=10)
    with pytest.raises(ValueError, match="n_max"):
        stationary_moments_three_ways(_model(), n_max=1, n_traj=10, n_steps=10)
