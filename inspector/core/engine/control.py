"""Progress reports and cancellation for one engine run (the GUI runs the engine in a worker)."""

from __future__ import annotations

from collections.abc import Callable


class Cancelled(Exception):
    """The caller's `cancelled()` predicate returned True; the run stopped between steps."""


class RunControl:
    """Reports progress as a fraction in [0, 1] and stops the run when asked to.

    The graph announces each call (`begin_call`); recurrent loops report the fraction of
    their time steps done (`inner`). Reports are throttled to about 200 per run.
    """

    def __init__(
        self,
        progress: Callable[[float], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
        calls: int = 1,
    ) -> None:
        self._progress = progress
        self._cancelled = cancelled
        self._calls = max(calls, 1)
        self._call = 0
        self._last = -1.0
        self.active = progress is not None or cancelled is not None

    def check(self) -> None:
        """Raise `Cancelled` if the caller asked to stop."""
        if self._cancelled is not None and self._cancelled():
            raise Cancelled("the run was cancelled")

    def begin_call(self, index: int) -> None:
        self._call = index
        self.check()
        self._report(index / self._calls)

    def inner(self, fraction: float) -> None:
        """Called from inside a layer: `fraction` of the current call is done."""
        self.check()
        self._report((self._call + fraction) / self._calls)

    def finish(self) -> None:
        self._report(1.0, force=True)

    def _report(self, fraction: float, force: bool = False) -> None:
        if self._progress is None:
            return
        if force or fraction - self._last >= 0.005:
            self._last = fraction
            self._progress(min(max(fraction, 0.0), 1.0))
