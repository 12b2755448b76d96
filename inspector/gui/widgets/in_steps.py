"""`DrawInSteps`: a large figure drawn over several event-loop turns, so the window answers meanwhile.

    self.drawing = DrawInSteps(self)
    self.drawing.start(self._steps())   # a generator: draws a part, yields, draws the next part, ...
    self.drawing.finish()               # the rest now (export, reading the figure)

Each part runs in a turn of the event loop of its own: one part per turn across every drawing of the
window, taken in turn (two views drawing at once never add their parts up in one turn). Starting a new
drawing drops what is left of the one before (closing it, so its `finally` blocks run), so a newer
document or selection never finishes an older picture. `frozen(widget)` around the parts paints the
finished figure once instead of after every part.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from functools import cache

from PyQt6 import sip
from PyQt6.QtCore import QObject, QTimer
from PyQt6.QtWidgets import QWidget

STOCK_AFTER_MS = 300  # plots made ahead (plot_pool.stock) start this long after a view is built: the window shows first

Steps = Generator[None, None, None]


class DrawInSteps(QObject):
    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._steps: Steps | None = None
        self._running = False  # a part is being drawn (it may read the figure: that must not finish it)

    @property
    def done(self) -> bool:
        """False while parts of the last drawing are still to come."""
        return self._steps is None

    def start(self, steps: Steps) -> None:
        """Draw the parts in the coming turns (the first one too: the turn that asked may be busy enough);
        an older drawing is dropped."""
        self._drop()
        self._steps = steps
        _turns().ask(self)

    def cancel(self) -> None:
        """Drop what is left of the last drawing."""
        self._drop()
        self._steps = None
        _turns().forget(self)

    def finish(self) -> None:
        """Draw every part left now: the figure is complete afterwards (called from a part: nothing)."""
        while self._steps is not None and not self._running:
            self.next_part()
        if self._steps is None:
            _turns().forget(self)

    def _drop(self) -> None:
        """Close the drawing in progress (not the one running now: `next_part` closes it when its part returns)."""
        if self._steps is not None and not self._running:
            self._steps.close()

    def next_part(self) -> None:
        """Draw the next part now."""
        steps = self._steps
        if steps is None:
            return
        self._running = True
        try:
            next(steps)
        except StopIteration:
            if self._steps is steps:  # a part may have started a newer drawing
                self._steps = None
            return
        except RuntimeError as error:  # the window closed meanwhile and Qt deleted what the drawing draws into
            if "has been deleted" not in str(error):
                raise
            self._steps = None
            return
        finally:
            self._running = False
        if self._steps is not steps:  # the part started a newer drawing: this one is over
            steps.close()


class _Turns(QObject):
    """The drawings with parts to come, each drawing one part per event-loop turn, in turn."""

    def __init__(self) -> None:
        super().__init__()
        self.waiting: deque[DrawInSteps] = deque()
        self.timer = QTimer(self, singleShot=True, interval=0, timeout=self._turn)

    def ask(self, drawing: DrawInSteps) -> None:
        if drawing not in self.waiting:
            self.waiting.append(drawing)
        if not self.timer.isActive():
            self.timer.start()

    def forget(self, drawing: DrawInSteps) -> None:
        if drawing in self.waiting:
            self.waiting.remove(drawing)

    def _turn(self) -> None:
        while self.waiting and sip.isdeleted(self.waiting[0]):  # its view was deleted: nothing to draw into
            self.waiting.popleft()
        if self.waiting:
            drawing = self.waiting.popleft()
            drawing.next_part()
            if not drawing.done and drawing not in self.waiting:
                self.waiting.append(drawing)
        if self.waiting:
            self.timer.start()


@cache
def _turns() -> _Turns:
    return _Turns()


@contextmanager
def frozen(widget: QWidget) -> Iterator[None]:
    """No painting of `widget` while the parts inside are drawn: one paint of the finished figure instead of
    one per part (each part re-lays the grid out, and a paint then redraws every axis: 30-50 ms)."""
    widget.setUpdatesEnabled(False)
    try:
        yield
    finally:
        if not sip.isdeleted(widget):  # else the window was deleted meanwhile: nothing left to paint
            widget.setUpdatesEnabled(True)
