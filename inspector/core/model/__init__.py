"""The canonical model and how every Keras dialect becomes it: configs, layer building, weight roles,
weights-only inference, activations bound to the writing Keras, and `open_model` (load.py)."""
