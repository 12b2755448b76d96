"""The numpy port generator: to_numpy (the model file), layers (recurrent, attention and merge
functions), spatial (convolutions, pooling, padding, cropping, resizing), statistics (normalizations,
EinsumDense, lookups), source (fixed text: activations, time loop, helpers, runner)."""
