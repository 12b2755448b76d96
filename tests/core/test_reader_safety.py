"""The reader refuses what could hurt and reads Keras's odd-but-legal attribute forms.

Files here are written with h5py/zipfile by the tests themselves: they are crafted on purpose
(external links, oversized datasets, path traversal), which no Keras would write.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import h5py
import numpy as np
import pytest

from inspector.core.errors import CorruptFile, UnsafeFile
from inspector.core.model.load import open_model

DENSE_CONFIG = {
    "class_name": "Sequential",
    "config": {"name": "s", "layers": [
        {"class_name": "Dense", "config": {"name": "dense", "units": 2, "activation": "linear",
                                           "use_bias": True, "batch_input_shape": [None, 3]}},
    ]},
}


def write_legacy(path: Path, *, split_names: bool = False, as_bytes: bool = False) -> h5py.File:
    handle = h5py.File(path, "w")
    text = json.dumps(DENSE_CONFIG)
    handle.attrs["model_config"] = text.encode() if as_bytes else text
    handle.attrs["keras_version"] = b"2.2.4" if as_bytes else "2.2.4"
    handle.attrs["backend"] = "tensorflow"
    weights = handle.create_group("model_weights")
    if split_names:  # Keras splits attributes over HDF5's 64 KiB limit into name0, name1, ...
        weights.attrs["layer_names0"] = np.array([b"dense"])
        weights.attrs["layer_names1"] = np.array([], dtype="S1")
    else:
        weights.attrs["layer_names"] = np.array([b"dense"])
    group = weights.create_group("dense")
    group.attrs["weight_names"] = np.array([b"dense/kernel:0", b"dense/bias:0"])
    group.create_dataset("dense/kernel:0", data=np.arange(6, dtype="float32").reshape(3, 2))
    group.create_dataset("dense/bias:0", data=np.ones(2, dtype="float32"))
    return handle


@pytest.mark.parametrize("split_names, as_bytes", [(False, False), (True, False), (False, True)])
def test_attribute_forms_are_read(tmp_path: Path, split_names: bool, as_bytes: bool) -> None:
    path = tmp_path / "model.h5"
    write_legacy(path, split_names=split_names, as_bytes=as_bytes).close()
    model = open_model(path)
    np.testing.assert_array_equal(model.layer("dense").weights["kernel"], np.arange(6).reshape(3, 2))
    assert model.format == "keras2-h5" and model.inputs[0].shape == (None, 3)


def test_external_link_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.h5"
    with h5py.File(other, "w") as handle:
        handle["secret"] = np.zeros(3)
    path = tmp_path / "model.h5"
    handle = write_legacy(path)
    del handle["model_weights/dense/dense/bias:0"]
    handle["model_weights/dense/dense/bias:0"] = h5py.ExternalLink(str(other), "secret")
    handle.close()
    with pytest.raises(UnsafeFile, match="external link"):
        open_model(path)


def test_dataset_declaring_more_than_the_file_holds_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "model.h5"
    handle = write_legacy(path)
    del handle["model_weights/dense/dense/kernel:0"]
    handle["model_weights/dense"].create_dataset("dense/kernel:0", shape=(30000, 3000), dtype="float32")
    handle.close()
    with pytest.raises(UnsafeFile, match="declares"):
        open_model(path)


def test_virtual_dataset_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "model.h5"
    handle = write_legacy(path)
    layout = h5py.VirtualLayout(shape=(3, 2), dtype="float32")
    layout[:] = h5py.VirtualSource(str(tmp_path / "elsewhere.h5"), "data", shape=(3, 2))
    del handle["model_weights/dense/dense/kernel:0"]
    handle["model_weights/dense"].create_virtual_dataset("dense/kernel:0", layout)
    handle.close()
    with pytest.raises(UnsafeFile, match="virtual"):
        open_model(path)


def test_external_storage_is_refused(tmp_path: Path) -> None:
    raw = tmp_path / "raw.bin"
    raw.write_bytes(np.zeros(6, dtype="float32").tobytes())
    path = tmp_path / "model.h5"
    handle = write_legacy(path)
    del handle["model_weights/dense/dense/kernel:0"]
    handle["model_weights/dense"].create_dataset("dense/kernel:0", shape=(3, 2), dtype="float32",
                                                 external=[(str(raw), 0, h5py.h5f.UNLIMITED)])
    handle.close()
    with pytest.raises(UnsafeFile, match="external file"):
        open_model(path)


def write_zip(path: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def test_zip_path_traversal_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "model.keras"
    write_zip(path, {"config.json": b"{}", "../../evil.py": b"print(1)"})
    with pytest.raises(UnsafeFile, match="unsafe path"):
        open_model(path)


def test_zip_bomb_member_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from inspector.core.io import containers as read_files

    monkeypatch.setattr(read_files, "MAX_WEIGHTS_BYTES", 1000)
    path = tmp_path / "model.keras"
    write_zip(path, {"config.json": json.dumps(DENSE_CONFIG).encode(), "model.weights.h5": b"\0" * 100_000})
    with pytest.raises(UnsafeFile, match="declares"):
        open_model(path)


def test_zip_without_config_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "model.keras"
    write_zip(path, {"metadata.json": b"{}"})
    with pytest.raises(CorruptFile, match="config.json"):
        open_model(path)


def test_truncated_file_is_corrupt(tmp_path: Path, corpus_dir: Path) -> None:
    data = (corpus_dir / "models" / "k3_bilstm_legacy_380.h5").read_bytes()
    path = tmp_path / "cut.h5"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises((CorruptFile, UnsafeFile)):
        open_model(path)


def test_source_never_uses_code_loading() -> None:
    """No marshal, pickle, eval or exec anywhere in the package."""
    import re

    root = Path(__file__).resolve().parents[2] / "inspector"
    banned = re.compile(r"\bmarshal\.loads|\bpickle\.loads?\(|(?<![\w.])(eval|exec)\(|allow_pickle=True")
    offenders = [p.name for p in root.rglob("*.py") if banned.search(p.read_text())]
    assert offenders == []


# ----- session 2: every refusal of issue 8 has its own test ----------------------------------------

@pytest.mark.parametrize("name", ["/etc/passwd", "C:/Windows/evil.dll", "..\\..\\evil.py", "assets/../../evil.py"])
def test_zip_member_names_that_escape_are_refused(tmp_path: Path, name: str) -> None:
    path = tmp_path / "model.keras"
    write_zip(path, {"config.json": json.dumps(DENSE_CONFIG).encode(), name: b"x"})
    with pytest.raises(UnsafeFile, match="unsafe path"):
        open_model(path)


def test_hard_link_cycle_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cycle.weights.h5"
    with h5py.File(path, "w") as handle:
        handle.create_group("layers/dense/vars")["0"] = np.zeros((3, 2), "float32")
        handle["layers/dense/loop"] = handle["layers"]  # a second hard link to an ancestor
    with pytest.raises(UnsafeFile, match="link cycle"):
        open_model(path)


def test_soft_link_cycle_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "model.h5"
    handle = write_legacy(path)
    del handle["model_weights/dense/dense/bias:0"]
    handle["model_weights/dense/dense/bias:0"] = h5py.SoftLink("/model_weights/dense/dense/bias:0")
    handle.close()
    with pytest.raises(UnsafeFile, match="link cycle"):
        open_model(path)


def test_hdf5_decompression_bomb_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "model.h5"
    handle = write_legacy(path)
    del handle["model_weights/dense/dense/kernel:0"]
    handle["model_weights/dense"].create_dataset("dense/kernel:0", shape=(6000, 6000), dtype="float32",
                                                 compression="gzip", chunks=(1000, 1000))
    handle.close()
    assert path.stat().st_size < 1024**2
    with pytest.raises(UnsafeFile, match="would expand"):
        open_model(path)


def test_a_pipe_is_not_read(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "model.h5"
    os.mkfifo(fifo)
    with pytest.raises(CorruptFile, match="not a regular file"):
        open_model(fifo)  # would block forever on open() if it were read


def custom_config(model_class: str = "Sequential", layer_class: str = "MyAttention") -> dict:
    config = json.loads(json.dumps(DENSE_CONFIG))
    config["class_name"] = model_class
    config["config"]["layers"].append({"class_name": layer_class, "config": {"name": "mine", "units": 2}})
    return config


def test_unknown_layer_class_is_listed_not_run(tmp_path: Path) -> None:
    from inspector.core.engine import check_runnable
    from inspector.core.errors import UnsupportedModel

    path = tmp_path / "model.h5"
    handle = write_legacy(path)
    handle.attrs["model_config"] = json.dumps(custom_config())
    handle.close()
    model = open_model(path)
    layer = model.layer("mine")
    assert not layer.runnable and "custom code" in layer.reason
    assert any("mine (MyAttention) is a custom layer" in w for w in model.warnings)
    with pytest.raises(UnsupportedModel, match="mine"):
        check_runnable(model)


def test_unknown_model_class_is_refused(tmp_path: Path) -> None:
    from inspector.core.errors import UnsupportedModel

    path = tmp_path / "model.h5"
    handle = write_legacy(path)
    handle.attrs["model_config"] = json.dumps(custom_config(model_class="MySubclassedModel"))
    handle.close()
    with pytest.raises(UnsupportedModel, match="MySubclassedModel"):
        open_model(path)


def test_lambda_layer_is_listed_and_its_payload_never_runs(tmp_path: Path) -> None:
    from inspector.core.engine import check_runnable
    from inspector.core.errors import UnsupportedModel
    from tests.core.hostile_files import write_lambda_file

    marker = tmp_path / "marker"
    model = open_model(write_lambda_file(tmp_path / "payload.h5", marker))
    layer = model.layer("payload")
    assert layer.stored_class == "Lambda" and not layer.runnable and "never runs code" in layer.reason
    assert any("Lambda layer" in w and "never loaded or run" in w for w in model.warnings)
    assert model.layer("lstm").runnable
    with pytest.raises(UnsupportedModel, match="payload"):
        check_runnable(model)
    assert not marker.exists()


@pytest.mark.parametrize("dtype", ["float16", "int8"])
def test_narrow_weights_are_computed_in_float32(tmp_path: Path, dtype: str) -> None:
    """The engine (checked against Keras elsewhere) gives exactly what it gives on the float32 values."""
    from dataclasses import replace

    from inspector.core.engine import run
    from inspector.core.model.canonical import frozen_mapping
    from tests.core.hostile_files import write_lstm

    path = tmp_path / "narrow.h5"
    write_lstm(path, dtype)
    model = open_model(path)
    lstm = model.layer("lstm")
    assert {a.dtype for a in lstm.weights.values()} == {np.dtype(dtype)}
    assert any(f"stores weights as {dtype}" in w for w in model.warnings)
    wide = replace(lstm, weights=frozen_mapping({k: v.astype("float32") for k, v in lstm.weights.items()}))
    wide_model = replace(model, layers=tuple(wide if layer is lstm else layer for layer in model.layers))
    x = np.random.default_rng(2).normal(size=(2, 4, 3)).astype("float32")
    out, expected = run(model, [x]).outputs[0], run(wide_model, [x]).outputs[0]
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, expected)


def test_nan_and_inf_weights_are_flagged(tmp_path: Path) -> None:
    from tests.core.hostile_files import write_lstm

    path = tmp_path / "nan.h5"
    bad = np.full((2, 8), 0.5)
    bad[0, 1], bad[1, 2] = np.nan, np.inf
    write_lstm(path, "float32", {"lstm/recurrent_kernel:0": bad})
    model = open_model(path)
    assert "layer lstm: 2 weight values are NaN or Inf; outputs that depend on them are NaN too" in model.warnings
