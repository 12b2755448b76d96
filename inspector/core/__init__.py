"""numpy + h5py + stdlib only: reading Keras files, the canonical model, the engine. Never imports Qt or TensorFlow."""
