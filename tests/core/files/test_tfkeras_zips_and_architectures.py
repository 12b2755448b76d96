"""tf.keras 2.13 / 2.15 files and weights read with their architecture, against the outputs that writer's
Keras computed (tests/fixtures/tfkeras, made by make_fixtures.py there with tensorflow-cpu 2.13 and 2.15).

Every pair a repository might ship is tried: the .keras zip alone; save_weights in the zip-era layout and
in legacy HDF5, each with to_json() output, with to_yaml() output and with the full .keras file.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import h5py
import numpy as np
import pytest

from inspector.core.engine import run
from inspector.core.errors import CorruptFile, UnsafeFile, UnsupportedModel
from inspector.core.io import keras_yaml
from inspector.core.model.load import open_model

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "tfkeras"
ATOL = 1e-5
WRITERS = ("tf213", "tf215")
MODELS = ("functional", "stacked")


def stem(model: str, writer: str) -> Path:
    return FIXTURES / f"{model}.{writer}"


def pairs(model: str, writer: str) -> list[tuple[str, str | None]]:
    base = str(stem(model, writer))
    found = [(f"{base}.keras", None)]
    for weights in (".weights.h5", ".legacy.h5"):
        found += [(base + weights, base + architecture) for architecture in (".json", ".yaml", ".flow.yaml", ".keras")]
    if Path(f"{base}.windows.keras").exists():
        found.append((f"{base}.windows.keras", None))
    return found


CASES = [pytest.param(m, w, weights, arch, id=f"{Path(weights).name}+{Path(arch).name if arch else 'alone'}")
         for m in MODELS for w in WRITERS for weights, arch in pairs(m, w)]


def keras_output(model: str, writer: str) -> tuple[np.ndarray, np.ndarray]:
    with np.load(f"{stem(model, writer)}.io.npz") as data:
        return data["in0"], data["out0"]


@pytest.mark.parametrize("model_id, writer, weights, architecture", CASES)
def test_runs_as_the_writing_keras_did(model_id: str, writer: str, weights: str, architecture: str | None) -> None:
    model = open_model(weights, architecture)
    assert model.keras_major == 2 and model.format.startswith("tfkeras")
    assert model.architecture == (architecture or "")
    x, expected = keras_output(model_id, writer)
    np.testing.assert_allclose(run(model, x).outputs[0], expected, atol=ATOL, rtol=0)


@pytest.mark.parametrize("writer", WRITERS)
def test_zip_is_read_with_keras2_semantics_and_every_weight(writer: str) -> None:
    model = open_model(f"{stem('functional', writer)}.keras")
    assert model.format == "tfkeras-zip" and model.keras_version.startswith(writer[2] + "." + writer[3:])
    assert model.layer("enc").config["recurrent_activation"] == "hard_sigmoid_keras2"
    assert model.layer("enc").params == 3 * 16 + 4 * 16 + 16
    assert not [w for w in model.warnings if "hard_sigmoid" not in w]


def test_tf213_numbers_layers_with_weights_twice() -> None:
    """The second Dense of the nested model is stored as dense_2 by tf.keras 2.13, dense_1 by 2.15."""
    stored = {name for name, _ in open_model(f"{stem('stacked', 'tf213')}.keras").layer("per_step_td").stored}
    assert any("/dense_2/" in name for name in stored)


@pytest.mark.parametrize("style", ["yaml", "flow.yaml"])
@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize("model_id", MODELS)
def test_yaml_reads_as_the_same_config_as_json(model_id: str, writer: str, style: str) -> None:
    base = stem(model_id, writer)
    from_yaml = keras_yaml.loads(Path(f"{base}.{style}").read_text())
    assert json.loads(json.dumps(from_yaml)) == json.loads(Path(f"{base}.json").read_text())


@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system", "!!python/name:os.system",
                                 "!!python/object:collections.OrderedDict"])
def test_yaml_with_python_code_tags_is_refused(tmp_path: Path, tag: str) -> None:
    text = Path(f"{stem('functional', 'tf215')}.yaml").read_text().replace("name: enc", f"name: {tag} [ls]", 1)
    path = tmp_path / "model.yaml"
    path.write_text(text)
    with pytest.raises(UnsafeFile, match="never builds"):
        open_model(f"{stem('functional', 'tf215')}.legacy.h5", path)


def test_positions_decide_for_legacy_weights_whatever_the_names(tmp_path: Path) -> None:
    """A model rebuilt in a new session has other layer names; load_weights matches by position."""
    config = Path(f"{stem('functional', 'tf215')}.json").read_text()
    renamed = config.replace('"enc"', '"lstm_7"').replace('"head"', '"dense_9"').replace('"both_ways"', '"bi_3"')
    path = tmp_path / "architecture.json"
    path.write_text(renamed)
    model = open_model(f"{stem('functional', 'tf215')}.legacy.h5", path)
    x, expected = keras_output("functional", "tf215")
    np.testing.assert_allclose(run(model, x).outputs[0], expected, atol=ATOL, rtol=0)


def _architecture_without_head(folder: Path) -> Path:
    """The tf 2.15 functional model's architecture with its Dense head taken off: a network with fewer layers."""
    config = json.loads(Path(f"{stem('functional', 'tf215')}.json").read_text())
    body = config["config"]
    body["layers"] = [layer for layer in body["layers"] if layer["config"]["name"] != "head"]
    body["output_layers"] = [["both_ways", 0, 0]]
    path = folder / "no_head.json"
    path.write_text(json.dumps(config))
    return path


def test_weights_of_another_network_are_refused_in_one_line(tmp_path: Path) -> None:
    path = _architecture_without_head(tmp_path)
    with pytest.raises(UnsupportedModel, match=r"holds weights for 3 layers .* architecture has 2 layers") as info:
        open_model(f"{stem('functional', 'tf215')}.legacy.h5", path)
    assert "\n" not in str(info.value)


def test_the_first_layer_that_does_not_fit_is_named() -> None:
    with pytest.raises(UnsupportedModel, match=r"layer 'last' \(SimpleRNN\) needs 3 weight arrays .* gives 2"):
        open_model(f"{stem('functional', 'tf215')}.legacy.h5", f"{stem('stacked', 'tf215')}.json")


def test_a_layer_that_does_not_fit_is_named_with_both_shapes(tmp_path: Path) -> None:
    config = json.loads(Path(f"{stem('functional', 'tf215')}.json").read_text())
    enc = next(layer for layer in config["config"]["layers"] if layer["config"]["name"] == "enc")
    enc["config"]["units"] = 6
    path = tmp_path / "wider.json"
    path.write_text(json.dumps(config))
    with pytest.raises(UnsupportedModel, match=r"layer 'enc' \(LSTM\) .* \(3, 16\) in the weights file .* \(\?, 24\)"):
        open_model(f"{stem('functional', 'tf215')}.legacy.h5", path)


def test_a_weights_only_file_is_no_architecture(tmp_path: Path) -> None:
    with pytest.raises(CorruptFile, match="weights only"):
        open_model(f"{stem('functional', 'tf215')}.legacy.h5", f"{stem('functional', 'tf213')}.weights.h5")


def test_a_declared_layer_without_weights_is_said_loudly(tmp_path: Path) -> None:
    source = Path(f"{stem('functional', 'tf213')}.keras")
    target = tmp_path / "missing_lstm.keras"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for member in old.namelist():
            data = old.read(member)
            if member == "model.weights.h5":
                buffer = io.BytesIO(data)
                with h5py.File(buffer, "a") as handle:
                    del handle["_layer_checkpoint_dependencies/lstm"]
                data = buffer.getvalue()
            new.writestr(member, data)
    model = open_model(target)
    enc = model.layer("enc")
    assert not enc.runnable and "holds none" in enc.reason
    assert any(w.startswith("layer enc (LSTM)") and "holds none" in w for w in model.warnings)


def test_a_weights_store_of_another_network_is_refused_in_one_line() -> None:
    with pytest.raises(UnsupportedModel, match=r"layer 'cells' \(Sequential\) finds no weights .* layers/rnn"):
        open_model(f"{stem('functional', 'tf215')}.weights.h5", f"{stem('stacked', 'tf215')}.json")


def test_a_weights_store_with_an_extra_layer_is_refused(tmp_path: Path) -> None:
    path = _architecture_without_head(tmp_path)
    with pytest.raises(UnsupportedModel, match="holds weights under layers/dense that no layer"):
        open_model(f"{stem('functional', 'tf215')}.weights.h5", path)


def test_weights_alone_show_a_bidirectional_layer_by_its_directions() -> None:
    """tf.keras 2.3+ names Bidirectional weights 'both_ways/forward_gru/gru_cell/kernel:0'."""
    model = open_model(f"{stem('functional', 'tf215')}.legacy.h5")
    assert [(layer.name, layer.class_name) for layer in model.layers] == [
        ("enc", "LSTM"), ("both_ways", "Bidirectional"), ("head", "Dense")]
    assert not any("custom" in w for w in model.warnings)



@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize("model_id", MODELS)
def test_config_json_of_an_unzipped_tfkeras_file_keeps_keras2_semantics(tmp_path: Path, model_id: str,
                                                                        writer: str) -> None:
    """Unzipped: config.json + model.weights.h5. tf.keras wrapped objects in {module, ...} as Keras 3
    does, but computes hard_sigmoid as Keras 2."""
    with zipfile.ZipFile(f"{stem(model_id, writer)}.keras") as archive:
        archive.extractall(tmp_path, members=["config.json", "model.weights.h5"])
    model = open_model(tmp_path / "model.weights.h5", tmp_path / "config.json")
    assert model.keras_major == 2
    x, expected = keras_output(model_id, writer)
    np.testing.assert_allclose(run(model, x).outputs[0], expected, atol=ATOL, rtol=0)
