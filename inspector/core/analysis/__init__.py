"""Answers computed from the model and the engine's results: gate views and weight statistics,
per-step outputs, engine-versus-Keras comparison, diagnosis and verification, model descriptions."""
