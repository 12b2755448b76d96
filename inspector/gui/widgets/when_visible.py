"""`RedrawWhenVisible`: a view redraws for a new document or result when it can be seen, not while hidden.

    self.redraw = RedrawWhenVisible(self, self._redraw)
    state.result_changed.connect(self.redraw.request)

A request while the view would be seen (it is the current tab, or a window of its own) redraws at once;
requests while it is hidden (a tab behind another, a closed dock) collapse into one redraw, made when it
is shown again. So opening a model or editing a sequence costs only the drawing of the view in front.
"""

from __future__ import annotations

from collections.abc import Callable

from PyQt6.QtCore import QEvent, QObject
from PyQt6.QtWidgets import QWidget

SHOWN = (QEvent.Type.Show, QEvent.Type.ShowToParent)


class RedrawWhenVisible(QObject):
    def __init__(self, view: QWidget, redraw: Callable[[], None]) -> None:
        super().__init__(view)
        self.view = view
        self._redraw = redraw
        self.pending = False
        view.installEventFilter(self)

    def seen(self) -> bool:
        """True when the view shows when its window does (the current tab of a window, or a window)."""
        if self.view.isWindow():  # a view of its own (export, tests): nothing else would show it later
            return True
        return self.view.isVisibleTo(self.view.window())

    def request(self, *_args: object) -> None:
        """Redraw now if the view can be seen, else when it is next shown (signal arguments are ignored)."""
        if self.seen():
            self.pending = False
            self._redraw()
        else:
            self.pending = True

    def flush(self) -> None:
        """Make a pending redraw now (export, tests): the view is up to date afterwards."""
        if self.pending:
            self.pending = False
            self._redraw()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self.view and event.type() in SHOWN and self.pending and self.seen():
            self.flush()
        return False
