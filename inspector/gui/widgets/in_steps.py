"""`DrawInSteps`: a large figure drawn over several event-loop turns, so the window answers meanwhile.

    self.drawing = DrawInSteps(self)
    self.drawing.start(self._steps())   # a generator: draws a part, yields, draws the next part, ...
    self.drawing.finish()               # the rest now (export, reading the figure)

Each part runs in its own turn of the event loop (a 0 ms timer); starting a new drawing drops what is
left of the one before, so a newer document or selection never finishes an older picture.
"""

from __future__ import annotations

from collections.abc import Iterator

from PyQt6.QtCore import QObject, QTimer


class DrawInSteps(QObject):
    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._steps: Iterator[None] | None = None
        self._running = False  # a part is being drawn (it may read the figure: that must not finish it)
        self._turn = QTimer(self, singleShot=True, interval=0, timeout=self._next)

    @property
    def done(self) -> bool:
        """False while parts of the last drawing are still to come."""
        return self._steps is None

    def start(self, steps: Iterator[None]) -> None:
        """Draw the parts in the coming turns (the first one too: the turn that asked may be busy enough);
        an older drawing is dropped."""
        self._steps = steps
        self._turn.start()

    def cancel(self) -> None:
        """Drop what is left of the last drawing."""
        self._steps = None
        self._turn.stop()

    def finish(self) -> None:
        """Draw every part left now: the figure is complete afterwards (called from a part: nothing)."""
        while self._steps is not None and not self._running:
            self._turn.stop()
            self._next()

    def _next(self) -> None:
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
        if self._steps is steps:
            self._turn.start()
