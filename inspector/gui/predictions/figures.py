"""Drawing the predictions: the same code for the Predictions tab and for PNG export.

The numpy ("manual") output and the Keras output of one model output, overlaid: lines across time
steps for a sequence output, across output index for a vector, grouped bars for class
probabilities (a softmax or sigmoid head). Then the residual (manual - Keras), a scatter with Keras
on x and manual on y around y = x, and the output across the batch (the windows of a loaded series,
with the true next values). Every title names the Keras that computed the reference, or says why
there is none; without it only the manual output is drawn.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QPen

from inspector.core.model.canonical import Model
from inspector.gui.widgets.heatmaps import TITLE_SIZE, CellAxis, plain_numbers, set_label

MANUAL_COLOUR = "#1f77b4"
KERAS_COLOUR = "#ff7f0e"
TRUE_COLOUR = "#222222"
RESIDUAL_COLOUR = "#d62728"
PROBABILITY_ACTIVATIONS = ("softmax", "sigmoid")
MAX_SCATTER_POINTS = 5000  # an even subsample beyond this: 20,000 symbols take ~100 ms to build
# beyond this many points a line needs no symbols, and thick lines are drawn without antialiasing: Qt paints
# an antialiased 2-3 px line through 1,000 noisy points in ~170 ms, an aliased one in 3 ms
MAX_SYMBOL_POINTS = 60
BAR_WIDTH = 0.38
MAX_BAR_LABELS = 12
SAY_WIDTH = 300  # pixels: a message in an empty plot wraps at this width


@dataclass(frozen=True, eq=False)
class Predictions:
    """One model output for the whole batch from the engine, and from Keras when there is a reference."""

    name: str  # the output layer
    manual: np.ndarray  # [batch, ...]
    keras: np.ndarray | None = None  # same shape, or None
    runtime: str = ""  # "tf_keras 2.21.0", "keras 3.15.1"
    note: str = ""  # why there is no Keras output
    probabilities: bool = False  # a softmax / sigmoid head: bars, not lines
    targets: np.ndarray | None = None  # the true next value after each window of a loaded series
    target_offset: int = 0  # series time index of targets[0] (the look-back)
    target_name: str = ""

    @property
    def keras_label(self) -> str:
        return f"Keras ({self.runtime})" if self.keras is not None else "Keras"

    @property
    def per_sequence(self) -> np.ndarray:
        """Manual values of each sequence flattened: [batch, values]."""
        return self.manual.reshape(self.manual.shape[0], -1)

    @property
    def components(self) -> int:
        """Values per time step (sequence outputs) or per sequence (vector outputs)."""
        sample = self.manual[0]
        if sample.ndim >= 2:
            return int(np.prod(sample.shape[1:]))
        return int(sample.size)

    @property
    def has_time_axis(self) -> bool:
        return self.manual.ndim >= 3


def index_plot() -> pg.PlotItem:
    """A plot whose x axis counts (time steps, classes, sequences): ticks only on whole numbers."""
    return pg.PlotItem(axisItems={"bottom": CellAxis("bottom")})


def is_probability_output(model: Model, output: int = 0) -> bool:
    """A head whose last activation is softmax or sigmoid (directly, in Activation/Softmax or TimeDistributed)."""
    try:
        layer = model.layer(model.outputs[output].layer)
    except (IndexError, KeyError):
        return False
    inner = layer.children.get("layer", layer) if layer.class_name == "TimeDistributed" else layer
    if inner.class_name == "Softmax":
        return True
    return str(inner.config.get("activation", "")).lower() in PROBABILITY_ACTIVATIONS


def make_predictions(model: Model, result, reference, output: int = 0, note: str = "",
                     targets: np.ndarray | None = None, target_offset: int = 0, target_name: str = "") -> Predictions:
    """Predictions of model output `output` from an engine Result and a ReferenceResult (or None)."""
    manual = np.asarray(result.outputs[output], dtype=np.float64)
    keras, runtime = None, ""
    if reference is not None and reference.available and output < len(reference.outputs):
        candidate = np.asarray(reference.outputs[output], dtype=np.float64)
        if candidate.shape == manual.shape:
            keras, runtime = candidate, reference.runtime
        else:
            note = f"Keras gave shape {candidate.shape}, the engine {manual.shape}"
    elif reference is not None and not reference.available:
        note = f"Keras reference unavailable: {reference.reason}"
    name = model.outputs[output].layer if output < len(model.outputs) else f"output {output}"
    usable = targets if targets is not None and len(targets) == manual.shape[0] else None
    return Predictions(name, manual, keras, runtime, note or "no Keras reference yet",
                       is_probability_output(model, output), usable, target_offset, target_name)


# ----- one sequence ------------------------------------------------------------------------------

def sequence_values(values: np.ndarray, sequence: int, component: int, has_time_axis: bool) -> np.ndarray:
    """What the overlay plots for one sequence: one component over time, or the whole vector."""
    sample = values[sequence]
    if has_time_axis:
        return sample.reshape(sample.shape[0], -1)[:, component]
    return sample.reshape(-1)


def x_label(data: Predictions) -> str:
    if data.has_time_axis:
        return "time step"
    return "class" if data.probabilities else "output index"


def draw_overlay(plot: pg.PlotItem, data: Predictions, sequence: int = 0, component: int = 0) -> None:
    """Manual and Keras outputs of one sequence on one plot."""
    _prepare(plot, x_label(data), "probability" if data.probabilities else "output value")
    manual = sequence_values(data.manual, sequence, component, data.has_time_axis)
    keras = sequence_values(data.keras, sequence, component, data.has_time_axis) if data.keras is not None else None
    legend = plot.addLegend(offset=(-10, 10), labelTextSize=TITLE_SIZE)
    legend.setBrush(pg.mkBrush(255, 255, 255, 210))
    if data.probabilities and not data.has_time_axis:
        _grouped_bars(plot, manual, keras, data.keras_label)
    else:
        _lines(plot, manual, keras, data.keras_label)
    unit = "class" if data.probabilities else "unit"
    which = f" {unit} {component}" if data.has_time_axis and data.components > 1 else ""
    versus = f"manual (numpy) vs {data.keras_label}" if keras is not None else "manual (numpy) only, no Keras reference"
    _title(plot, f"{data.name}{which}, sequence {sequence + 1}: {versus}")


def _lines(plot: pg.PlotItem, manual: np.ndarray, keras: np.ndarray | None, keras_label: str) -> None:
    x = np.arange(manual.size)
    few = manual.size <= MAX_SYMBOL_POINTS
    _set_ranges(plot, (-1.0, 1.0) if manual.size == 1 else (-0.5, manual.size - 0.5),
                _span(manual if keras is None else np.concatenate([manual, keras]), readable=True))
    plot.plot(x, manual, pen=pg.mkPen(MANUAL_COLOUR, width=3), name="manual (numpy)", antialias=few,
              symbol="o" if few else None, symbolSize=9, symbolBrush=MANUAL_COLOUR, symbolPen=None)
    if keras is not None:  # dashed on top: where they agree the blue line shows through the gaps
        plot.plot(x, keras, pen=_keras_pen(few), name=keras_label,
                  antialias=few, symbol="x" if few else None, symbolSize=11, symbolBrush=KERAS_COLOUR,
                  symbolPen=KERAS_COLOUR)
    if manual.size == 1:
        _label_values(plot, float(manual[0]), None if keras is None else float(keras[0]), keras_label)


def _grouped_bars(plot: pg.PlotItem, manual: np.ndarray, keras: np.ndarray | None, keras_label: str) -> None:
    x = np.arange(manual.size, dtype=float)
    top = max(1.0, float(np.nanmax(manual)) if manual.size else 1.0)
    _set_ranges(plot, (-0.6, manual.size - 0.4), (0.0, top * 1.12))
    shift = BAR_WIDTH / 2 if keras is not None else 0.0
    plot.addItem(pg.BarGraphItem(x=x - shift, height=manual, width=BAR_WIDTH, brush=MANUAL_COLOUR, pen=None,
                                 name="manual (numpy)"))
    if keras is not None:
        plot.addItem(pg.BarGraphItem(x=x + shift, height=keras, width=BAR_WIDTH, brush=KERAS_COLOUR, pen=None,
                                     name=keras_label))
    _class_ticks(plot, manual.size)
    if manual.size <= MAX_BAR_LABELS:  # small probabilities are invisible as bars: write them
        for k, value in enumerate(manual):
            label = pg.TextItem(f"{value:.3f}", color="#333333", anchor=(0.5, 1))
            plot.addItem(label)
            label.setPos(float(k), float(max(value, keras[k] if keras is not None else value)))


def draw_residual(plot: pg.PlotItem, data: Predictions, sequence: int = 0, component: int = 0) -> None:
    """manual - Keras for the sequence the overlay shows, with a zero line."""
    _prepare(plot, x_label(data), "manual - Keras")
    if data.keras is None:
        _say(plot, f"no residual: {data.note}", keep_x=True)  # x is the overlay's
        _title(plot, "residual (manual - Keras)")
        return
    residual = (sequence_values(data.manual, sequence, component, data.has_time_axis)
                - sequence_values(data.keras, sequence, component, data.has_time_axis))
    x = np.arange(residual.size, dtype=float)
    bars = data.probabilities and not data.has_time_axis
    width = (-0.6, residual.size - 0.4) if bars else (-1.0, 1.0) if residual.size == 1 else (-0.5, residual.size - 0.5)
    _set_ranges(plot, width, _symmetric(residual))
    plot.addItem(pg.InfiniteLine(0, angle=0, pen=pg.mkPen("#888888", width=1)))
    if bars:
        plot.addItem(pg.BarGraphItem(x=x, height=residual, width=BAR_WIDTH, brush=RESIDUAL_COLOUR, pen=None))
        _class_ticks(plot, residual.size)
    else:
        few = residual.size <= MAX_SYMBOL_POINTS
        plot.plot(x, residual, pen=pg.mkPen(RESIDUAL_COLOUR, width=2), antialias=few, symbol="o" if few else None,
                  symbolSize=6, symbolBrush=RESIDUAL_COLOUR, symbolPen=None)
    _title(plot, f"residual, sequence {sequence + 1}: max |manual - Keras| = {np.abs(residual).max():.2e} "
                 f"({data.runtime})")


def draw_scatter(plot: pg.PlotItem, data: Predictions) -> None:
    """Every value of the output (whole batch): Keras on x, manual on y; on the line y = x they agree."""
    _prepare(plot, f"{data.keras_label} output", "manual (numpy) output")
    _title(plot, f"{data.name}: every value, manual vs Keras")
    if data.keras is None:
        _say(plot, f"no scatter: {data.note}")
        return
    keras, manual = data.keras.reshape(-1), data.manual.reshape(-1)
    finite = np.isfinite(keras) & np.isfinite(manual)
    keras, manual = keras[finite], manual[finite]
    if keras.size > MAX_SCATTER_POINTS:  # an even subsample: the picture, not every point
        keep = np.linspace(0, keras.size - 1, MAX_SCATTER_POINTS).astype(int)
        keras, manual = keras[keep], manual[keep]
    low, high = _span(np.concatenate([keras, manual]), readable=True)
    _set_ranges(plot, (low, high), (low, high))
    plot.plot([low, high], [low, high], pen=pg.mkPen("#888888", width=1, style=Qt.PenStyle.DashLine))
    # a bare ScatterPlotItem: a PlotDataItem would rebuild thousands of symbols on every range change
    plot.addItem(pg.ScatterPlotItem(keras, manual, size=6, pen=None, brush=pg.mkBrush(31, 119, 180, 150)))


# ----- the batch / a series -----------------------------------------------------------------------

def has_batch_plot(data: Predictions) -> bool:
    """A value per sequence to plot across the batch: vector outputs of a batch of two or more."""
    return not data.has_time_axis and data.manual.shape[0] > 1


def draw_batch(plot: pg.PlotItem, data: Predictions, component: int = 0, sequence: int | None = None) -> None:
    """One output value per sequence across the batch; for a loaded series, at the series time of the
    value each window predicts, with the true values."""
    series = data.targets is not None
    _prepare(plot, "time in the series (the value each window predicts)" if series else "sequence in the batch",
             "probability" if data.probabilities else "output value")
    legend = plot.addLegend(offset=(-10, 10), labelTextSize=TITLE_SIZE)
    legend.setBrush(pg.mkBrush(255, 255, 255, 210))
    manual = data.per_sequence[:, component]
    x = np.arange(manual.size, dtype=float) + (data.target_offset if series else 0)
    few = manual.size <= MAX_SYMBOL_POINTS
    keras = data.keras.reshape(data.keras.shape[0], -1)[:, component] if data.keras is not None else None
    shown = [values for values in (manual, keras, data.targets if series else None) if values is not None]
    _set_ranges(plot, (x[0] - 0.5, x[-1] + 0.5), _span(np.concatenate(shown)))
    if series:
        plot.plot(x, data.targets, pen=pg.mkPen(TRUE_COLOUR, width=1), name=f"true ({data.target_name})",
                  symbol="o" if few else None, symbolSize=5, symbolBrush=TRUE_COLOUR, symbolPen=None)
    plot.plot(x, manual, pen=pg.mkPen(MANUAL_COLOUR, width=3), name="manual (numpy)", antialias=few)
    if keras is not None:
        plot.plot(x, keras, pen=_keras_pen(few), name=data.keras_label,
                  antialias=few)
    if sequence is not None and 0 <= sequence < manual.size:
        plot.addItem(pg.InfiniteLine(x[sequence], angle=90, pen=pg.mkPen("#2ca02c", width=1)))
    what = f"{data.name}" + (f" [{component}]" if data.components > 1 else "")
    keras_part = f"vs {data.keras_label}" if data.keras is not None else "only (no Keras reference)"
    if series:
        _title(plot, f"{what} across the series: true next value vs manual {keras_part}")
    else:
        _title(plot, f"{what} across the batch: manual {keras_part}")


# ----- helpers ---------------------------------------------------------------------------------------

def _prepare(plot: pg.PlotItem, bottom: str, left: str) -> None:
    plot.clear()
    plot.getAxis("bottom").setTicks(None)
    for axis in ("left", "bottom"):
        plain_numbers(plot.getAxis(axis))
    set_label(plot, "bottom", bottom)
    set_label(plot, "left", left)
    plot.showGrid(x=True, y=True, alpha=0.25)
    plot.disableAutoRange()  # each figure sets its ranges before adding items (View All still works)


def _title(plot: pg.PlotItem, text: str) -> None:
    """The title; it may be cut rather than widen the plot beyond its widget."""
    label = plot.titleLabel
    if "updateMin" not in vars(label):
        # pyqtgraph's LabelItem sets its minimum width to the text's on every resize, which then grows
        # the whole layout past its view (cut off on the right); keep the minimum small for good
        measure = label.updateMin

        def narrow() -> None:
            measure()
            label.setMinimumWidth(10)
            label._sizeHint[Qt.SizeHint.MinimumSize] = (10, label._sizeHint[Qt.SizeHint.MinimumSize][1])

        label.updateMin = narrow
    plot.setTitle(text, size=TITLE_SIZE)


def _say(plot: pg.PlotItem, text: str, keep_x: bool = False) -> None:
    """A message, wrapped, in the middle of an empty plot; `keep_x` for a plot whose x axis is linked."""
    plot.setYRange(0, 1, padding=0)
    if not keep_x:
        plot.setXRange(0, 1, padding=0)
    (left, right), _ = plot.vb.viewRange()
    item = pg.TextItem(color="#555555", anchor=(0.5, 0.5))
    shown = plot.vb.width()  # 0 before the first layout (an export): then SAY_WIDTH
    item.setTextWidth(0.85 * shown if shown > 100 else SAY_WIDTH)
    item.setPlainText(text)
    plot.addItem(item)
    item.setPos((left + right) / 2, 0.5)


def _symmetric(values: np.ndarray) -> tuple[float, float]:
    finite = np.abs(values[np.isfinite(values)])
    limit = float(finite.max()) if finite.size else 0.0
    limit = limit * 1.15 if limit > 0 else 1e-7
    return -limit, limit


def _keras_pen(few: bool) -> QPen:
    """Dashed, over the manual line; 1 px when there are many points (a thick dashed line through 1,000 noisy
    points takes Qt ~60 ms to paint, a 1 px one 1 ms)."""
    return pg.mkPen(KERAS_COLOUR, width=2 if few else 1, style=Qt.PenStyle.DashLine)


def _set_ranges(plot: pg.PlotItem, x: tuple[float, float], y: tuple[float, float]) -> None:
    """Both ranges before any item is added: pyqtgraph recomputes every item on each range change."""
    plot.setRange(xRange=x, yRange=y, padding=0)


def _class_ticks(plot: pg.PlotItem, count: int) -> None:
    plot.getAxis("bottom").setTicks([[(float(k), f"class {k}") for k in range(count)]])


def _span(values: np.ndarray, readable: bool = False) -> tuple[float, float]:
    """(low, high) around the finite values; `readable`: at least a tenth of their magnitude wide, so
    values that agree to 1e-7 look equal instead of filling the plot with their rounding difference."""
    values = values[np.isfinite(values)]
    if values.size == 0:
        return 0.0, 1.0
    low, high = float(values.min()), float(values.max())
    if readable:
        least = 0.1 * max(abs(low), abs(high)) or 1.0
        if high - low < least:
            centre = (low + high) / 2
            low, high = centre - least / 2, centre + least / 2
    pad = (high - low) * 0.05 or max(abs(high), 1.0) * 0.05
    return low - pad, high + pad


def _label_values(plot: pg.PlotItem, manual: float, keras: float | None, keras_label: str) -> None:
    """One output value: its numbers written next to the point (the plot cannot show 1e-7 apart)."""
    text = f"manual (numpy): {manual:.9g}"
    if keras is not None:
        text += f"\n{keras_label}: {keras:.9g}\ndifference: {manual - keras:.2e}"
    item = pg.TextItem(text, color="#333333", anchor=(0, 0.5))  # left of the point: the legend is right
    plot.addItem(item)
    item.setPos(-0.95, manual)
