"""The Model dock: layer tree, file facts and warnings of the open model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QColor
from PyQt6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QStyle,
    QTreeWidget,
    QTreeWidgetItem,
    QTreeWidgetItemIterator,
    QVBoxLayout,
    QWidget,
)

from inspector.core.model.canonical import Layer, Model, inner_model
from inspector.core.model.model_warnings import non_finite_count
from inspector.gui.state import Document, InspectorState
from inspector.gui.widgets.plain import plain, shown, tip

TREE_COLUMNS = ("layer", "class", "output shape", "params", "runs")
ROLE = Qt.ItemDataRole.UserRole
NOT_RUNNABLE = QColor("#b00020")
NAME_WIDTH = 150


def shape_text(shape: Any) -> str:
    """(None, 30, 32) for one output, two shapes side by side for several; ? when unknown."""
    if shape is None:
        return "?"
    if shape and isinstance(shape[0], (list, tuple)):
        return " ".join(shape_text(s) for s in shape)
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ")"


def class_text(layer: Layer) -> str:
    stored = layer.stored_class or layer.class_name
    return layer.class_name if stored == layer.class_name else f"{layer.class_name} (stored {stored})"


def runs_text(layer: Layer) -> str:
    return "yes" if layer.runnable else f"no: {layer.reason or 'cannot run'}"


class ModelPanel(QWidget):
    def __init__(self, state: InspectorState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(TREE_COLUMNS)
        self.tree.setUniformRowHeights(True)
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.tree.setColumnWidth(0, NAME_WIDTH)  # long names (dprnn_block/bidirectional/...) are elided
        self.tree.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.tree.currentItemChanged.connect(self._on_current_item)
        self.facts = QFormLayout()
        self.facts.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.warnings = QListWidget()
        self.warnings.setWordWrap(True)
        self._layout()
        state.document_changed.connect(self._on_document)
        state.selection_changed.connect(self._on_selection)

    def _layout(self) -> None:
        facts_box = QGroupBox("File")
        facts_box.setLayout(self.facts)
        warnings_box = QGroupBox("Warnings")
        QVBoxLayout(warnings_box).addWidget(self.warnings)
        splitter = QSplitter(Qt.Orientation.Vertical)
        for widget in (self.tree, facts_box, warnings_box):
            splitter.addWidget(widget)
        splitter.setSizes([380, 190, 150])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(splitter)

    # ----- state -> panel ---------------------------------------------------------------------
    def _on_document(self, document: Document) -> None:
        self._fill_tree(document)
        self._fill_facts(document)
        self._fill_warnings(document)

    def _fill_tree(self, document: Document) -> None:
        self.tree.blockSignals(True)
        self.tree.clear()
        for layer in document.model.layers:
            item = self._layer_item(layer, document.output_shapes.get(layer.name), layer.name, "")
            self._add_children(item, layer, layer.name)
            self.tree.addTopLevelItem(item)
        self.tree.expandAll()
        self.tree.blockSignals(False)

    def _add_children(self, item: QTreeWidgetItem, layer: Layer, owner: str) -> None:
        """Wrapped layers (forward/backward, layer) and the layers of a model used as a layer, at any depth; a
        layer of a model used as a layer is selected by its own path ("encoder/lstm"), a wrapped one by its owner."""
        nested = inner_model(layer)
        for key, child in layer.children.items():
            if child.class_name == "InputLayer":  # a nested model's input: nothing to show
                continue
            direction = key if key in ("forward", "backward") and layer.class_name == "Bidirectional" else ""
            path = f"{owner}/{child.name}" if nested is layer else owner
            child_item = self._layer_item(child, None, path, direction, label=key)
            item.addChild(child_item)
            self._add_children(child_item, child, path)

    def _layer_item(self, layer: Layer, shape: Any, owner: str, direction: str, label: str = "") -> QTreeWidgetItem:
        shape_cell = shape_text(shape) if not label else ""
        item = QTreeWidgetItem([shown(label or layer.name), shown(class_text(layer)), shape_cell,
                                f"{layer.params:,}", shown(runs_text(layer))])
        item.setData(0, ROLE, (owner, direction))
        item.setToolTip(0, tip(layer.name))
        item.setTextAlignment(3, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        item.setToolTip(4, tip(runs_text(layer)))
        if not layer.runnable:
            item.setForeground(4, NOT_RUNNABLE)
        bad = non_finite_count(layer)
        if bad:  # the same fact as the model warning, where the user looks at the layer
            item.setIcon(0, self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning))
            item.setForeground(3, NOT_RUNNABLE)
            item.setToolTip(0, tip(f"{layer.name}: {bad:,} weight values are NaN or Inf"))
            item.setToolTip(3, item.toolTip(0))
        return item

    def _fill_facts(self, document: Document) -> None:
        while self.facts.rowCount():
            self.facts.removeRow(0)
        for name, value in facts(document):
            label = plain(QLabel(shown(value)))
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setWordWrap(True)
            label.setToolTip(tip(value))
            self.facts.addRow(f"{name}:", label)

    def _fill_warnings(self, document: Document) -> None:
        self.warnings.clear()
        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        for text in document.model.warnings + document.notes:
            self.warnings.addItem(QListWidgetItem(icon, shown(text)))
        if self.warnings.count() == 0:
            self.warnings.addItem("none")

    def _on_selection(self, layer_name: str, direction: str) -> None:
        self.tree.blockSignals(True)
        iterator = QTreeWidgetItemIterator(self.tree)
        while (item := iterator.value()) is not None:
            if item.data(0, ROLE)[0] == layer_name:  # the first item of the layer: its own row, not a wrapped one
                self.tree.setCurrentItem(_child_for(item, direction) or item)
                break
            iterator += 1
        self.tree.blockSignals(False)

    # ----- panel -> state ---------------------------------------------------------------------
    def _on_current_item(self, item: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        if item is not None:
            layer_name, direction = item.data(0, ROLE)
            self.state.select_layer(layer_name, direction or None)


def _child_for(item: QTreeWidgetItem, direction: str) -> QTreeWidgetItem | None:
    for index in range(item.childCount()):
        child = item.child(index)
        if child is not None and direction and child.data(0, ROLE)[1] == direction:
            return child
    return None


def facts(document: Document) -> list[tuple[str, str]]:
    """(name, value) rows of the File box."""
    model: Model = document.model
    rows = [
        ("file", document.title),
        *([("architecture", Path(model.architecture).name)] if model.architecture else []),
        ("format", model.format),
        ("Keras version", model.keras_version or "unknown"),
        ("backend", model.backend or "unknown"),
        ("parameters", f"{sum(layer.params for layer in model.layers):,}"),
        ("inputs", ", ".join(f"{s.name} {shape_text(s.shape)}" for s in model.inputs) or "-"),
        ("path", str(document.path)),
        ("opened in", f"{document.seconds:.2f} s"),
    ]
    if document.sequence is not None:
        steps, features = document.sequence.shape
        rows.append(("demo sequence", f"{steps} time steps x {features} feature{'s' * (features != 1)}"))
    return rows
