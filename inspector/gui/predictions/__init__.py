"""The Predictions tab: the numpy engine's output against Keras's, residual, scatter, per-layer errors."""
