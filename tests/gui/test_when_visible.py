"""RedrawWhenVisible: requests while a tab is behind another collapse into one redraw when it comes forward."""

from __future__ import annotations

from PyQt6.QtWidgets import QMainWindow, QTabWidget, QWidget

from inspector.gui.widgets.when_visible import RedrawWhenVisible


def _window(qtbot) -> tuple[QMainWindow, QTabWidget, dict[str, RedrawWhenVisible], list[str]]:
    calls: list[str] = []
    window, tabs = QMainWindow(), QTabWidget()
    qtbot.addWidget(window)
    redraws = {}
    for name in ("front", "back"):
        page = QWidget()
        tabs.addTab(page, name)
        redraws[name] = RedrawWhenVisible(page, lambda n=name: calls.append(n))
    window.setCentralWidget(tabs)
    return window, tabs, redraws, calls


def test_hidden_tabs_wait_until_they_are_shown(qtbot) -> None:
    window, tabs, redraws, calls = _window(qtbot)
    window.show()
    qtbot.waitExposed(window)
    for _ in range(3):
        redraws["front"].request()
        redraws["back"].request()
    assert calls == ["front"] * 3
    tabs.setCurrentIndex(1)
    assert calls == ["front"] * 3 + ["back"]  # three requests, one redraw
    tabs.setCurrentIndex(0)
    assert calls[-1] == "back"  # nothing new for front: no redraw


def test_a_window_not_yet_shown_draws_its_current_tab_only(qtbot) -> None:
    window, tabs, redraws, calls = _window(qtbot)
    redraws["front"].request()
    redraws["back"].request()
    assert calls == ["front"]
    tabs.setCurrentIndex(1)
    assert calls == ["front", "back"]


def test_a_view_of_its_own_always_draws(qtbot) -> None:
    calls: list[int] = []
    view = QWidget()
    qtbot.addWidget(view)
    redraw = RedrawWhenVisible(view, lambda: calls.append(1))
    redraw.request()
    redraw.flush()
    assert calls == [1]
