"""DrawInSteps: one part per event-loop turn across every drawing; a dropped drawing is closed; `frozen`
paints a figure once, when its parts are all drawn."""

from __future__ import annotations

from PyQt6.QtWidgets import QApplication, QWidget

from inspector.gui.widgets.in_steps import DrawInSteps, frozen


def _parts(name: str, log: list[str], count: int = 3):
    try:
        for k in range(count):
            log.append(f"{name}{k}")
            yield
    finally:
        log.append(f"{name} closed")


def test_two_drawings_take_turns_one_part_per_turn(qtbot) -> None:
    owner = QWidget()
    qtbot.addWidget(owner)
    log: list[str] = []
    first, second = DrawInSteps(owner), DrawInSteps(owner)
    first.start(_parts("a", log))
    second.start(_parts("b", log))
    turns = []
    while not (first.done and second.done):
        before = len(log)
        QApplication.processEvents()
        turns.append(log[before:])
    assert [part for turn in turns for part in turn if "closed" not in part] == ["a0", "b0", "a1", "b1", "a2", "b2"]
    assert all(len([p for p in turn if "closed" not in p]) <= 1 for turn in turns)  # never two parts in one turn


def test_a_new_drawing_drops_and_closes_the_old_one(qtbot) -> None:
    owner = QWidget()
    qtbot.addWidget(owner)
    log: list[str] = []
    drawing = DrawInSteps(owner)
    drawing.start(_parts("old", log))
    drawing.next_part()
    drawing.start(_parts("new", log, count=2))
    assert log == ["old0", "old closed"]
    drawing.finish()
    assert log[2:] == ["new0", "new1", "new closed"] and drawing.done


def test_frozen_paints_once_when_done_even_when_dropped(qtbot) -> None:
    owner, plots = QWidget(), QWidget()
    qtbot.addWidget(owner)
    seen: list[bool] = []

    def steps():
        with frozen(plots):
            for _ in range(3):
                seen.append(plots.updatesEnabled())
                yield

    drawing = DrawInSteps(owner)
    drawing.start(steps())
    drawing.finish()
    assert seen == [False, False, False] and plots.updatesEnabled()
    drawing.start(steps())
    drawing.next_part()
    assert not plots.updatesEnabled()
    drawing.cancel()  # dropped half-way: the widget paints again
    assert plots.updatesEnabled()
