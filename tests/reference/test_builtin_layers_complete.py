"""The table of built-in layer classes (inspector/core/model/builtin_layers.py) names every layer class
the installed Keras 3 and tf_keras export, so a built-in class is never called custom code. The class
names are listed by a child process that imports Keras (they are the names Keras writes in files)."""

from __future__ import annotations

import json
import subprocess
import sys

from reference_cases import keras_or_skip

from inspector.core.model.builtin_layers import BUILTIN_CLASSES

LIST_CLASSES = """
import inspect, json, os
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
os.environ["KERAS_BACKEND"] = "tensorflow"
import keras, tf_keras

def names(modules, base):
    found = set()
    for module in modules:
        for value in vars(module).values():
            if inspect.isclass(value) and issubclass(value, base):
                found.add(value.__name__)
    return sorted(found)

experimental = tf_keras.layers.experimental
print(json.dumps({
    "keras3": names([keras.layers], keras.layers.Layer),
    "tf_keras": names([tf_keras.layers, experimental, experimental.preprocessing], tf_keras.layers.Layer),
}))
"""
ABSTRACT = {"Layer", "Wrapper", "AbstractRNNCell", "PreprocessingLayer"}  # base classes: never in a file


def test_every_installed_keras_layer_class_is_in_the_table() -> None:
    keras_or_skip()
    done = subprocess.run([sys.executable, "-c", LIST_CLASSES], capture_output=True, text=True, timeout=300,
                          check=True)
    exported = json.loads(done.stdout.strip().splitlines()[-1])
    for runtime, classes in exported.items():
        assert len(classes) > 100, runtime
        missing = sorted(set(classes) - BUILTIN_CLASSES - ABSTRACT)
        assert not missing, f"{runtime} exports layer classes the table does not list: {missing}"
