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


@pytest.fixture(scope="module")
def port_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("port-stream-zoo")


def test_property_stepping_equals_the_whole_sequence(keras_zoo: list[dict[str, Any]], port_root: Path) -> None:
    """One test over the whole zoo (a model that does not stream is not a skipped case: its reason is the
    stream decision under test). Each port is compared with Keras in test_port_zoo; this is an extra property."""
    stepped = 0
    for key, case in ported("numpy", keras_zoo, port_root).items():
        if case.folder is None:
            continue  # refused: test_port_zoo says why
        module = import_numpy_port(case.folder)
        if not module.STREAMS or any(t.masked for step in plan_port(case.model, "numpy").steps for t in step.outputs):
            continue  # no step API, or a masked step emits zeros when stepped
        _assert_stepping_matches(module, case, key)
        stepped += 1
    assert stepped >= 100, f"only {stepped} zoo models stream: the stream decision refuses too much"


def _assert_stepping_matches(module: Any, case: Any, key: str) -> None:
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
                                           rtol=1e-5, atol=1e-5, err_msg=f"{key}: output {k} at step {t}")
