"""The Predictions tab shows the engine's and Keras's numbers: overlays, residual, scatter, the series plot and the
per-layer table, checked against |engine - Keras| computed here from real Keras (skipped without TensorFlow)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pytest

from inspector.core.analysis.verification import verify_against_keras
from inspector.core.engine import run
from inspector.core.inputs.sequences import read_inputs, validate
from inspector.core.inputs.series import read_series, windows
from inspector.core.model.canonical import Layer, Model, frozen_mapping
from inspector.core.model.load import open_model
from inspector.demo import demo_model, demo_sequence
from inspector.gui.predictions.export import BATCH_SIZE, OVERLAY_SIZE, RESIDUAL_SIZE, SCATTER_SIZE
from inspector.reference import ReferenceJob, ReferenceResult
from tests.gui.images import png_size, shows_data
from tests.reference.reference_cases import keras_or_skip

SERIES_LENGTH, LOOK_BACK = 90, 30


@dataclass
class Case:
    model: Model
    inputs: list[np.ndarray]
    reference: ReferenceResult


def series_csv(folder: Path) -> Path:
    t = np.arange(SERIES_LENGTH)
    path = folder / "sine_series.csv"
    rows = [f"2024-{k},{np.cos(k / 8):.6f},{np.sin(2 * np.pi * k / 50):.6f}" for k in t]
    path.write_text("when,cosine,sine\n" + "\n".join(rows) + "\n")
    return path


@pytest.fixture(scope="module")
def keras_cases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Case]:
    """Real Keras, one child for both: the classifier on three sequences, the sine LSTM on series windows."""
    keras_or_skip()
    classifier = open_model(demo_model("bilstm_classifier"))
    demo = read_inputs(demo_sequence("bilstm_classifier"), classifier)[0]
    batch = [np.concatenate([demo, -demo, np.sin(np.arange(40, dtype=np.float32) / 3)[None, :, None]])]
    regressor = open_model(demo_model("sine_lstm"))
    values = read_series(series_csv(tmp_path_factory.mktemp("series"))).values
    windowed = validate([windows(values, LOOK_BACK, target_column=1, features=[1])[0].astype(np.float32)], regressor)
    job = ReferenceJob.batch([(classifier, batch), (regressor, windowed)], timeout=300)
    first, second = job.wait()
    assert first.available and second.available, (first.reason, second.reason)
    return {"classifier": Case(classifier, batch, first), "series": Case(regressor, windowed, second)}


def settle(qtbot, window) -> None:
    """Wait for the opened model's own sequence (the Sequence panel) and its engine run (the trace runner);
    show the Predictions tab (a hidden tab draws only once it shows)."""
    qtbot.waitUntil(lambda: window.state.inputs is not None and window.state.result is not None, timeout=20000)
    window.show()
    window.tabs.setCurrentWidget(window.predictions_view)


def show(qtbot, window, inputs: list[np.ndarray]) -> None:
    """Inputs into the state; wait for the window's own engine run (the trace runner) to land."""
    window.reference_runner.auto_action.setChecked(False)  # the test gives the reference itself
    settle(qtbot, window)
    window.state.set_inputs(inputs)
    qtbot.waitUntil(lambda: window.state.inputs is inputs and window.state.result is not None, timeout=20000)


def give_reference(qtbot, window, case: Case, model: Model | None = None) -> None:
    state = window.state
    state.set_reference(case.reference)
    state.set_comparison(verify_against_keras(model or case.model, state.inputs, state.result, case.reference))
    drawn(qtbot, window)


def drawn(qtbot, window) -> None:
    """The view draws in two halves (the second after a paint): wait for both."""
    qtbot.waitUntil(lambda: not window.predictions_view.pending, timeout=5000)


def bars(plot: pg.PlotItem) -> list[np.ndarray]:
    return [np.asarray(item.opts["height"]) for item in plot.items if isinstance(item, pg.BarGraphItem)]


def curves(plot: pg.PlotItem) -> dict[str, np.ndarray]:
    return {item.name(): item.yData for item in plot.items if isinstance(item, pg.PlotDataItem) and item.name()}


def test_class_probabilities_overlay_as_grouped_bars(qtbot, window, open_and_wait, keras_cases) -> None:
    case = keras_cases["classifier"]
    open_and_wait(demo="bilstm_classifier")
    show(qtbot, window, case.inputs)
    give_reference(qtbot, window, case)
    window.state.select_sequence(2)
    view, engine = window.predictions_view, window.state.result.outputs[0]
    manual, keras = bars(view.overlay_plot)
    np.testing.assert_array_equal(manual, engine[2])
    np.testing.assert_array_equal(keras, case.reference.outputs[0][2])
    residual = bars(view.residual_plot)[0]
    np.testing.assert_allclose(residual, engine[2].astype(np.float64) - case.reference.outputs[0][2])
    runtime = case.reference.runtime
    assert runtime and runtime in view.overlay_plot.titleLabel.text
    assert f"Keras reference: {runtime}" in view.header.text() and "agrees to" in view.header.text()
    keras_x, manual_y = next(item for item in view.scatter_plot.items if isinstance(item, pg.ScatterPlotItem)).getData()
    np.testing.assert_allclose(keras_x, case.reference.outputs[0].ravel())  # every value: Keras on x,
    np.testing.assert_allclose(manual_y, engine.ravel())  # the engine's on y, pair by pair


def test_the_table_shows_each_layers_max_error(qtbot, window, open_and_wait, keras_cases) -> None:
    case = keras_cases["classifier"]
    open_and_wait(demo="bilstm_classifier")
    show(qtbot, window, case.inputs)
    give_reference(qtbot, window, case)
    table, result = window.predictions_view.table, window.state.result
    assert table.rowCount() == 2
    for row, name in enumerate(("bidirectional", "dense_2")):
        error = max(np.abs(e.astype(np.float64) - k).max()
                    for e, k in zip(result.layer_outputs[name], case.reference.layer_outputs[name], strict=True))
        assert table.cell_text(row, 0) == name
        assert table.cell_text(row, 2) == f"{error:.2e}"
        assert table.cell_text(row, 4) == "agrees" and table.cell_text(row, 5) == ""


def with_recurrent_activation(model: Model, name: str, activation: str) -> Model:
    """The model with every direction of layer `name` using another recurrent_activation."""
    layer = model.layer(name)

    def changed(child: Layer) -> Layer:
        return replace(child, config=frozen_mapping({**child.config, "recurrent_activation": activation}))

    new = replace(layer, children=frozen_mapping({key: changed(child) for key, child in layer.children.items()}))
    return replace(model, layers=tuple(new if item.name == name else item for item in model.layers))


def test_a_difference_shows_its_layer_and_the_diagnosis(qtbot, window, open_and_wait, keras_cases) -> None:
    """The engine runs a model whose LSTMs use hard_sigmoid; Keras the file (sigmoid): the diagnosis names it."""
    case = keras_cases["classifier"]
    open_and_wait(demo="bilstm_classifier")
    show(qtbot, window, case.inputs)
    wrong = with_recurrent_activation(case.model, "bidirectional", "hard_sigmoid_keras2")
    window.state.set_result(run(wrong, window.state.inputs, record_trace=True))
    give_reference(qtbot, window, case, model=wrong)
    view = window.predictions_view
    assert view.table.cell_text(0, 4) == "differs"
    assert "fits" in view.table.cell_text(0, 5) and "recurrent_activation" in view.table.cell_text(0, 5)
    assert view.table.cell_text(1, 5) == "follows from bidirectional, which differs first"
    assert "differs by" in view.header.text() and "at layer bidirectional" in view.header.text()


def test_series_windows_become_the_batch_and_overlay_the_true_values(
        qtbot, window, open_and_wait, keras_cases, tmp_path: Path) -> None:
    case = keras_cases["series"]
    open_and_wait(demo="sine_lstm")
    window.reference_runner.auto_action.setChecked(False)
    settle(qtbot, window)
    controls = window.predictions_view.series
    assert controls.load(series_csv(tmp_path))
    controls.target_box.setCurrentIndex(1)  # "sine"; the model reads one feature: the target column
    assert controls.apply()
    np.testing.assert_array_equal(window.state.inputs[0], case.inputs[0])
    qtbot.waitUntil(lambda: window.state.result is not None, timeout=20000)
    give_reference(qtbot, window, case)
    view = window.predictions_view
    assert not view.batch_widget.isHidden()
    shown = curves(view.batch_plot)
    np.testing.assert_array_equal(shown["manual (numpy)"], window.state.result.outputs[0][:, 0])
    np.testing.assert_array_equal(shown[f"Keras ({case.reference.runtime})"], case.reference.outputs[0][:, 0])
    np.testing.assert_allclose(shown["true (sine)"], np.sin(2 * np.pi * np.arange(LOOK_BACK, SERIES_LENGTH) / 50),
                               atol=1e-6)
    x = [item for item in view.batch_plot.items if isinstance(item, pg.PlotDataItem)][0].xData
    assert x[0] == LOOK_BACK and x[-1] == SERIES_LENGTH - 1  # plotted at the time of the value predicted
    assert "across the series" in view.batch_plot.titleLabel.text
    written = view.export_plots(tmp_path / "out")
    sizes = {"overlay": OVERLAY_SIZE, "residual": RESIDUAL_SIZE, "scatter": SCATTER_SIZE, "series": BATCH_SIZE}
    pngs = [path for path in written if path.suffix == ".png"]
    assert sorted(p.stem.rsplit("_", 1)[1] for p in pngs) == sorted(sizes)
    for path in pngs:
        assert png_size(path) == sizes[path.stem.rsplit("_", 1)[1]] and shows_data(path), path.name
    assert (tmp_path / "out" / "predictions_layers.csv").read_text().count("agrees") == 2


def test_without_a_reference_only_the_manual_output_is_drawn(qtbot, window, open_and_wait, dialogs) -> None:
    open_and_wait(demo="sine_lstm")
    window.reference_runner.auto_action.setChecked(False)
    settle(qtbot, window)
    window.state.set_reference(ReferenceResult(False, reason="TensorFlow is not installed"))
    drawn(qtbot, window)
    view = window.predictions_view
    assert list(curves(view.overlay_plot)) == ["manual (numpy)"]
    np.testing.assert_array_equal(curves(view.overlay_plot)["manual (numpy)"], window.state.result.outputs[0][0])
    assert "manual (numpy) only, no Keras reference" in view.overlay_plot.titleLabel.text
    for plot in (view.residual_plot, view.scatter_plot):
        said = [item.toPlainText() for item in plot.items if isinstance(item, pg.TextItem)]
        assert said and said[0].endswith(": Keras reference unavailable: TensorFlow is not installed"), said
    assert view.header.text().count("Keras reference unavailable: TensorFlow is not installed") == 1
    assert view.table.rowCount() == 0 and "unavailable" in view.table_note.text()
    assert not dialogs


def test_a_hidden_tab_draws_when_it_shows(qtbot, window, open_and_wait) -> None:
    window.show()
    open_and_wait(demo="sine_lstm")
    qtbot.waitUntil(lambda: window.state.result is not None, timeout=20000)
    view = window.predictions_view
    assert window.tabs.currentWidget() is not view and view.data is None  # nothing drawn while hidden
    window.tabs.setCurrentWidget(view)
    assert view.data is not None
    np.testing.assert_array_equal(curves(view.overlay_plot)["manual (numpy)"], window.state.result.outputs[0][0])


def test_a_bad_series_is_refused_inline(qtbot, window, open_and_wait, dialogs, tmp_path: Path) -> None:
    open_and_wait(demo="sine_lstm")
    settle(qtbot, window)
    before = window.state.inputs
    short = tmp_path / "short.csv"
    short.write_text("v\n" + "\n".join(str(k) for k in range(12)) + "\n")
    controls = window.predictions_view.series
    assert not controls.load(short)
    assert "a look-back of 30 needs at least 31" in controls.info.text()
    assert window.state.inputs is before and not dialogs
