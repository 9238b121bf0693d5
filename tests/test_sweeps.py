"""Parameter sweeps of stochastic ensembles (optbind.dynamics.sweeps): labelled results,
seeding, and equality of serial and dask.distributed runs."""

from __future__ import annotations

import numpy as np
import pytest

from optbind.dynamics.records import LabelledResult
from optbind.dynamics.sweeps import pair_limit_cycle_task, run_sweep

GRID = {"power_ratio": [0.8, 1.0], "phi": [np.pi / 2, np.pi / 3]}
UNITS = {
    "power_ratio": "1",
    "phi": "rad",
    "rms_kappa_z": "1",
    "energy": "J",
    "particle": "1",
}
#: a cheap version of the task (4 trajectories, 15 trap periods)
KW = dict(n_traj=4, n_periods=15.0, steps_per_period=40, record_every=4)


def _sweep(**kw):
    return run_sweep(
        pair_limit_cycle_task,
        GRID,
        task_kwargs=KW,
        units=UNITS,
        dims={"rms_kappa_z": ("particle",)},
        **kw,
    )


@pytest.fixture(scope="module")
def serial():
    return _sweep(seed=5)


def test_serial_sweep_is_labelled_and_reproducible(serial, tmp_path):
    assert serial.dims["rms_kappa_z"] == ("power_ratio", "phi", "particle")
    assert serial.dims["energy"] == ("power_ratio", "phi")
    assert serial["rms_kappa_z"].shape == (2, 2, 2)
    assert np.array_equal(serial.coords["phi"], GRID["phi"])
    assert serial.units["energy"] == "J" and serial.attrs["backend"] == "serial"
    assert np.all(serial["rms_kappa_z"] > 0) and np.all(np.isfinite(serial["energy"]))
    again = _sweep(seed=5)
    assert again.equals(serial)
    other = _sweep(seed=6)
    assert not np.array_equal(other["energy"], serial["energy"])
    back = LabelledResult.from_npz(serial.to_npz(tmp_path / "sweep.npz"))
    assert back.equals(serial) and back.attrs["seed"] == 5
    text = serial.to_csv(tmp_path / "e.csv", variables=["energy"]).read_text()
    assert "power_ratio [1], phi [rad], energy [J]" in text


def test_sweep_validates_its_input():
    with pytest.raises(TypeError):
        run_sweep("task", GRID)
    with pytest.raises(TypeError):
        run_sweep(pair_limit_cycle_task, [])
    with pytest.raises(ValueError, match="grid"):
        run_sweep(pair_limit_cycle_task, {"phi": []})
    with pytest.raises(TypeError, match="seed"):
        run_sweep(pair_limit_cycle_task, GRID, seed=1.5)
    with pytest.raises(TypeError, match="client"):
        run_sweep(pair_limit_cycle_task, GRID, client=object(), units=UNITS)
    with pytest.raises(ValueError, match="units"):
        run_sweep(lambda seed, x: {"y": x}, {"x": [1.0]}, units={"x": "1"})


@pytest.mark.slow
def test_dask_cluster_gives_the_serial_results(serial):
    """A local two-worker cluster (separate processes) reproduces the serial sweep bit
    for bit: every grid point's generator is spawned from the same SeedSequence."""
    distributed = pytest.importorskip(
        "distributed",
        reason="the optional extra 'parallel' (dask[distributed]) is not " "installed",
    )
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        par = _sweep(seed=5, client=client)
    assert par.attrs["backend"] == "dask"
    for name in serial.variables:
        assert np.array_equal(par[name], serial[name])
    assert par.dims == serial.dims and par.units == serial.units
