"""Which files beside a weights-only file are offered as its architecture, and in which order."""

from __future__ import annotations

import shutil
from pathlib import Path

from inspector.core.io.companions import find_companions
from inspector.core.model.load import open_model

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "tfkeras"


def names(paths: list[str]) -> list[str]:
    return [Path(p).name for p in paths]


def test_same_stem_first_then_usual_names_then_model_files(tmp_path: Path) -> None:
    for name in ("lstm_weights.h5", "config.json", "model.json", "lstm.yaml", "lstm_weights.json", "notes.txt",
                 "full_model.keras", "other.weights.h5", "checkpoint.hdf5", "data.csv"):
        (tmp_path / name).write_bytes(b"x")
    found = names(find_companions(tmp_path / "lstm_weights.h5"))
    assert found == ["lstm_weights.json", "lstm.yaml", "model.json", "config.json", "checkpoint.hdf5",
                     "full_model.keras"]


def test_a_folder_of_many_models_offers_only_the_related_ones(tmp_path: Path) -> None:
    for name in ("net_weights.h5", "other_a.keras", "other_b.keras", "other_c.h5", "other_d.h5", "net_full.keras"):
        (tmp_path / name).write_bytes(b"x")
    assert names(find_companions(tmp_path / "net_weights.h5")) == ["net_full.keras"]
    (tmp_path / "net_full.keras").unlink()
    assert names(find_companions(tmp_path / "net_weights.h5")) == []


def test_nothing_beside_means_no_offer(tmp_path: Path) -> None:
    (tmp_path / "w.h5").write_bytes(b"x")
    assert find_companions(tmp_path / "w.h5") == []


def test_a_weights_only_file_says_where_its_architecture_may_be(tmp_path: Path) -> None:
    weights = tmp_path / "gates.weights.h5"
    shutil.copyfile(FIXTURES / "functional.tf215.weights.h5", weights)
    assert not any("beside it" in w for w in open_model(weights).warnings)
    shutil.copyfile(FIXTURES / "functional.tf215.json", tmp_path / "gates.json")
    hint = [w for w in open_model(weights).warnings if "beside it" in w]
    assert hint and "gates.json" in hint[0] and "--architecture" in hint[0]
