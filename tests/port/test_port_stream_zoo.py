"""Every zoo model whose port streams, stepped one time step at a time, gives what the whole sequence
gives: the check that the streaming API is offered only when every layer acts within a time step
(normalization, softmax or a Rescaling array along time, or a Permute that moves time, would not).

The numpy port is stepped in this process (the three languages share the plan and its stream
decision; tests/port/test_port_command.py steps the JavaScript and C APIs). Models with a Keras mask
are left out: stepped, a masked step emits zeros rather than the previous output, as Keras stateful
layers called one step at a time do.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from inspector.core.port import plan_port
from tests.port.porting import import_numpy_port
from tests.port.test_port_zoo import ported
from tests.zoo.recipes import all_recipes


@pytest.fixture(scope="module")
def port_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("port-stream-zoo")


@pytest.mark.parametrize("recipe_id, runtime", [pytest.param(r.id, rt, id=f"{r.id}-{rt}")
                                                for r in all_recipes() for rt in r.runtimes])
def test_stepping_equals_the_whole_sequence(recipe_id: str, runtime: str, keras_zoo: list[dict[str, Any]],
                                            port_root: Path) -> None:
    case = ported("numpy", keras_zoo, port_root).get(f"{recipe_id}-{runtime}")
    if case is None or case.folder is None:
        pytest.skip("not ported to numpy (test_port_zoo says why)")
    module = import_numpy_port(case.folder)
    if not module.STREAMS:
        pytest.skip(module.STREAM_REASON)
    if any(t.masked for step in plan_port(case.model, "numpy").steps for t in step.outputs):
        pytest.skip("a masked step emits zeros when stepped")
    weights = module.load_weights(case.folder / "weights.npz")
    whole = module.predict(case.inputs, weights)
    stream = module.Stream(weights)
    steps = case.inputs[0].shape[1]
    for t in range(steps):
        stepped = stream.step([x[:, t] for x in case.inputs])
        for k, (one, full) in enumerate(zip(stepped, whole, strict=True)):
            timed = full.ndim >= 2 and full.shape[1] == steps and one.shape[1] == 1
            if timed or t == steps - 1:
                np.testing.assert_allclose(one[:, 0] if timed else one, full[:, t] if timed else full,
                                           rtol=1e-5, atol=1e-5, err_msg=f"output {k} at step {t}")
