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
from inspector.gui.predictions.plot_parts import class_ticks, prepare, say, set_ranges, span, symmetric, title
from inspector.gui.widgets.heatmaps import TITLE_SIZE, CellAxis
from inspector.gui.widgets.plain import shown_html
from inspector.gui.widgets.plot_item import new_plot

MANUAL_COLOUR = "#1f77b4"
KERAS_COLOUR = "#ff7f0e"
PORT_COLOUR = "#9467bd"
COLOURS = {"manual": MANUAL_COLOUR, "keras": KERAS_COLOUR, "port": PORT_COLOUR}
SYMBOLS = {"manual": ("o", 9), "keras": ("x", 11), "port": ("t", 10)}
TRUE_COLOUR = "#222222"
RESIDUAL_COLOUR = "#d62728"
PROBABILITY_ACTIVATIONS = ("softmax", "sigmoid")
MAX_SCATTER_POINTS = 5000  # an even subsample beyond this: 20,000 symbols take ~100 ms to build
# beyond this many points a line needs no symbols, and thick lines are drawn without antialiasing: Qt paints
# an antialiased 2-3 px line through 1,000 noisy points in ~170 ms, an aliased one in 3 ms
MAX_SYMBOL_POINTS = 60
BAR_WIDTH = 0.38
BARS_WIDTH = 0.76  # the group of bars of one class
MAX_BAR_LABELS = 12


@dataclass(frozen=True, eq=False)
class Predictions:
    """One model output for the whole batch from the engine, from Keras when there is a reference, and from
    the ported code when it ran on these sequences."""

    name: str  # the output layer
    manual: np.ndarray  # [batch, ...]
    keras: np.ndarray | None = None  # same shape, or None
    runtime: str = ""  # "tf_keras 2.21.0", "keras 3.15.1"
    note: str = ""  # why there is no Keras output
    probabilities: bool = False  # a softmax / sigmoid head: bars, not lines
    targets: np.ndarray | None = None  # the true next value after each window of a loaded series
    target_offset: int = 0  # series time index of targets[0] (the look-back)
    target_name: str = ""
    port: np.ndarray | None = None  # what the exported code printed, same shape, or None
    port_title: str = ""  # "numpy", "JavaScript", "C"

    @property
    def keras_label(self) -> str:
        return f"Keras ({self.runtime})" if self.keras is not None else "Keras"

    @property
    def port_label(self) -> str:
        return f"ported {self.port_title}"

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
    return new_plot(bottom=CellAxis("bottom"))


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
                     targets: np.ndarray | None = None, target_offset: int = 0, target_name: str = "",
                     port=None) -> Predictions:
    """Predictions of model output `output` from an engine Result, a ReferenceResult (or None) and a
    PortedRun (or None)."""
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
    ported = np.asarray(port.outputs[output], np.float64) if port is not None and output < len(port.outputs) else None
    return Predictions(name, manual, keras, runtime, note or "no Keras reference yet",
                       is_probability_output(model, output), usable, target_offset, target_name,
                       ported if ported is not None and ported.shape == manual.shape else None,
                       port.title if port is not None else "")


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


def overlay_series(data: Predictions, sequence: int, component: int) -> list[tuple[str, np.ndarray, str]]:
    """(label, values, kind) of one sequence: manual, then Keras and the ported code when they are there."""
    series = [("manual (numpy)", data.manual, "manual"), (data.keras_label, data.keras, "keras"),
              (data.port_label, data.port, "port")]
    return [(label, sequence_values(values, sequence, component, data.has_time_axis), kind)
            for label, values, kind in series if values is not None]


def draw_overlay(plot: pg.PlotItem, data: Predictions, sequence: int = 0, component: int = 0) -> None:
    """Manual, Keras and ported outputs of one sequence on one plot."""
    prepare(plot, x_label(data), "probability" if data.probabilities else "output value")
    series = overlay_series(data, sequence, component)
    legend = plot.addLegend(offset=(-10, 10), labelTextSize=TITLE_SIZE)
    legend.setBrush(pg.mkBrush(255, 255, 255, 210))
    if data.probabilities and not data.has_time_axis:
        _grouped_bars(plot, series)
    else:
        _lines(plot, series)
    unit = "class" if data.probabilities else "unit"
    which = f" {unit} {component}" if data.has_time_axis and data.components > 1 else ""
    versus = " vs ".join(label for label, _values, _kind in series)
    if data.keras is None:
        versus += ", no Keras reference" if data.port is not None else " only, no Keras reference"
    title(plot, f"{data.name}{which}, sequence {sequence + 1}: {versus}")


def _lines(plot: pg.PlotItem, series: list[tuple[str, np.ndarray, str]]) -> None:
    """Manual solid, Keras dashed and the port dotted on top: where they agree the lines show through each other."""
    first = series[0][1]
    x = np.arange(first.size)
    few = first.size <= MAX_SYMBOL_POINTS
    set_ranges(plot, (-1.0, 1.0) if first.size == 1 else (-0.5, first.size - 0.5),
               span(np.concatenate([values for _label, values, _kind in series]), readable=True))
    for label, values, kind in series:
        symbol, size = SYMBOLS[kind]
        plot.plot(x, values, pen=_pen(kind, few), name=label, antialias=few, symbol=symbol if few else None,
                  symbolSize=size, symbolBrush=COLOURS[kind], symbolPen=COLOURS[kind] if kind == "keras" else None)
    if first.size == 1:
        _label_values(plot, series)


def _grouped_bars(plot: pg.PlotItem, series: list[tuple[str, np.ndarray, str]]) -> None:
    manual = series[0][1]
    x = np.arange(manual.size, dtype=float)
    top = max(1.0, float(np.nanmax(manual)) if manual.size else 1.0)
    set_ranges(plot, (-0.6, manual.size - 0.4), (0.0, top * 1.12))
    width = BARS_WIDTH / len(series) if len(series) > 1 else BAR_WIDTH
    for k, (label, values, kind) in enumerate(series):
        offset = (k - (len(series) - 1) / 2) * width
        plot.addItem(pg.BarGraphItem(x=x + offset, height=values, width=width, brush=COLOURS[kind], pen=None,
                                     name=label))
    class_ticks(plot, manual.size)
    if manual.size <= MAX_BAR_LABELS:  # small probabilities are invisible as bars: write them
        highest = np.nanmax(np.stack([values for _label, values, _kind in series]), axis=0)
        for k, value in enumerate(manual):
            label = pg.TextItem(f"{value:.3f}", color="#333333", anchor=(0.5, 1))
            plot.addItem(label)
            label.setPos(float(k), float(highest[k]))


def residual_series(data: Predictions, sequence: int, component: int) -> list[tuple[str, np.ndarray, str]]:
    """(label, values, colour): manual - Keras, and the port minus Keras (minus the engine without Keras)."""
    values = {label: values for label, values, _kind in overlay_series(data, sequence, component)}
    manual = values["manual (numpy)"]
    keras = values.get(data.keras_label) if data.keras is not None else None
    found = [] if keras is None else [("manual - Keras", manual - keras, RESIDUAL_COLOUR)]
    if data.port is not None:
        against, name = (keras, "Keras") if keras is not None else (manual, "manual")
        found.append((f"port - {name}", values[data.port_label] - against, PORT_COLOUR))
    return found


def draw_residual(plot: pg.PlotItem, data: Predictions, sequence: int = 0, component: int = 0) -> None:
    """manual - Keras (and port - Keras) for the sequence the overlay shows, with a zero line."""
    residuals = residual_series(data, sequence, component)
    prepare(plot, x_label(data), residuals[0][0] if len(residuals) == 1 else "difference" if residuals else
            "manual - Keras")
    if not residuals:
        say(plot, f"no residual: {data.note}", keep_x=True)  # x is the overlay's
        title(plot, "residual (manual - Keras)")
        return
    size = residuals[0][1].size
    x = np.arange(size, dtype=float)
    bars = data.probabilities and not data.has_time_axis
    width = (-0.6, size - 0.4) if bars else (-1.0, 1.0) if size == 1 else (-0.5, size - 0.5)
    set_ranges(plot, width, symmetric(np.concatenate([values for _label, values, _colour in residuals])))
    plot.addItem(pg.InfiniteLine(0, angle=0, pen=pg.mkPen("#888888", width=1)))
    if len(residuals) > 1:
        plot.addLegend(offset=(-10, 10), labelTextSize=TITLE_SIZE).setBrush(pg.mkBrush(255, 255, 255, 210))
    few = size <= MAX_SYMBOL_POINTS
    for k, (label, residual, colour) in enumerate(residuals):
        if bars:
            shift = (k - (len(residuals) - 1) / 2) * BAR_WIDTH
            plot.addItem(pg.BarGraphItem(x=x + shift, height=residual, width=BAR_WIDTH, brush=colour, pen=None,
                                         name=label))
        else:
            plot.plot(x, residual, pen=pg.mkPen(colour, width=2), antialias=few, symbol="o" if few else None,
                      symbolSize=6, symbolBrush=colour, symbolPen=None, name=label)
    if bars:
        class_ticks(plot, size)
    maxima = "max " + ", ".join(f"|{label}| = {np.abs(values).max():.2e}" for label, values, _colour in residuals)
    title(plot, f"residual, sequence {sequence + 1}: {maxima}" + (f" ({data.runtime})" if data.runtime else ""))


def draw_scatter(plot: pg.PlotItem, data: Predictions) -> None:
    """Every value of the output (whole batch): Keras on x, manual on y; on the line y = x they agree."""
    ported = f" and {data.port_label}" if data.port is not None else ""
    prepare(plot, f"{data.keras_label} output", f"manual (numpy){ported} output")
    title(plot, f"{data.name}: every value, manual{ported} vs Keras")
    if data.keras is None:
        say(plot, f"no scatter: {data.note}")
        return
    keras, manual = data.keras.reshape(-1), data.manual.reshape(-1)
    finite = np.isfinite(keras) & np.isfinite(manual)
    keras, manual = keras[finite], manual[finite]
    keep = np.arange(keras.size)
    if keras.size > MAX_SCATTER_POINTS:  # an even subsample: the picture, not every point
        keep = np.linspace(0, keras.size - 1, MAX_SCATTER_POINTS).astype(int)
        keras, manual = keras[keep], manual[keep]
    low, high = span(np.concatenate([keras, manual]), readable=True)
    set_ranges(plot, (low, high), (low, high))
    plot.plot([low, high], [low, high], pen=pg.mkPen("#888888", width=1, style=Qt.PenStyle.DashLine))
    if data.port is not None:
        plot.addLegend(offset=(10, 10), labelTextSize=TITLE_SIZE).setBrush(pg.mkBrush(255, 255, 255, 210))
    # a bare ScatterPlotItem: a PlotDataItem would rebuild thousands of symbols on every range change
    plot.addItem(pg.ScatterPlotItem(keras, manual, size=6, pen=None, brush=pg.mkBrush(31, 119, 180, 150),
                                    name="manual (numpy)"))
    if data.port is not None:  # the port's values over Keras's, the same points when it agrees
        ported = data.port.reshape(-1)[finite]
        ported = ported[keep] if ported.size > MAX_SCATTER_POINTS else ported
        plot.addItem(pg.ScatterPlotItem(keras, ported, size=7, pen=pg.mkPen(PORT_COLOUR), brush=None,
                                        symbol="t", name=data.port_label))


# ----- the batch / a series -----------------------------------------------------------------------

def has_batch_plot(data: Predictions) -> bool:
    """A value per sequence to plot across the batch: vector outputs of a batch of two or more."""
    return not data.has_time_axis and data.manual.shape[0] > 1


def draw_batch(plot: pg.PlotItem, data: Predictions, component: int = 0, sequence: int | None = None) -> None:
    """One output value per sequence across the batch; for a loaded series, at the series time of the
    value each window predicts, with the true values."""
    series = data.targets is not None
    prepare(plot, "time in the series (the value each window predicts)" if series else "sequence in the batch",
             "probability" if data.probabilities else "output value")
    legend = plot.addLegend(offset=(-10, 10), labelTextSize=TITLE_SIZE)
    legend.setBrush(pg.mkBrush(255, 255, 255, 210))
    manual = data.per_sequence[:, component]
    x = np.arange(manual.size, dtype=float) + (data.target_offset if series else 0)
    few = manual.size <= MAX_SYMBOL_POINTS
    keras = data.keras.reshape(data.keras.shape[0], -1)[:, component] if data.keras is not None else None
    port = data.port.reshape(data.port.shape[0], -1)[:, component] if data.port is not None else None
    shown = [values for values in (manual, keras, port, data.targets if series else None) if values is not None]
    set_ranges(plot, (x[0] - 0.5, x[-1] + 0.5), span(np.concatenate(shown)))
    if series:
        plot.plot(x, data.targets, pen=pg.mkPen(TRUE_COLOUR, width=1), name=f"true ({shown_html(data.target_name)})",
                  symbol="o" if few else None, symbolSize=5, symbolBrush=TRUE_COLOUR, symbolPen=None)
    plot.plot(x, manual, pen=pg.mkPen(MANUAL_COLOUR, width=3), name="manual (numpy)", antialias=few)
    if keras is not None:
        plot.plot(x, keras, pen=_keras_pen(few), name=data.keras_label,
                  antialias=few)
    if port is not None:
        plot.plot(x, port, pen=_pen("port", few), name=data.port_label, antialias=few)
    if sequence is not None and 0 <= sequence < manual.size:
        plot.addItem(pg.InfiniteLine(x[sequence], angle=90, pen=pg.mkPen("#2ca02c", width=1)))
    what = f"{data.name}" + (f" [{component}]" if data.components > 1 else "")
    keras_part = f"vs {data.keras_label}" if data.keras is not None else "only (no Keras reference)"
    keras_part += f" vs {data.port_label}" if data.port is not None else ""
    if series:
        title(plot, f"{what} across the series: true next value vs manual {keras_part}")
    else:
        title(plot, f"{what} across the batch: manual {keras_part}")


# ----- helpers ---------------------------------------------------------------------------------------

def _keras_pen(few: bool) -> QPen:
    """Dashed, over the manual line; 1 px when there are many points (a thick dashed line through 1,000 noisy
    points takes Qt ~60 ms to paint, a 1 px one 1 ms)."""
    return pg.mkPen(KERAS_COLOUR, width=2 if few else 1, style=Qt.PenStyle.DashLine)


def _pen(kind: str, few: bool) -> QPen:
    if kind == "keras":
        return _keras_pen(few)
    if kind == "port":
        return pg.mkPen(PORT_COLOUR, width=2 if few else 1, style=Qt.PenStyle.DotLine)
    return pg.mkPen(MANUAL_COLOUR, width=3)


def _label_values(plot: pg.PlotItem, series: list[tuple[str, np.ndarray, str]]) -> None:
    """One output value: its numbers written next to the point (the plot cannot show 1e-7 apart)."""
    manual = float(series[0][1][0])
    lines = [f"{label}: {float(values[0]):.9g}" for label, values, _kind in series]
    keras = [float(values[0]) for _label, values, kind in series if kind == "keras"]
    if keras:
        lines.append(f"manual - Keras: {manual - keras[0]:.2e}")
    item = pg.TextItem("\n".join(lines), color="#333333", anchor=(0, 0.5))  # left of the point: the legend is right
    plot.addItem(item)
    item.setPos(-0.95, manual)
