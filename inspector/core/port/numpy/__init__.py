"""The numpy port generator: to_numpy (the model file), layers (recurrent, attention and merge
functions), spatial (convolutions, pooling, padding, resizing), source (fixed text: activations,
time loop, helpers, runner)."""
