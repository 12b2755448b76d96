"""numpy + h5py + stdlib only; never imports Qt, TensorFlow or Keras.

Data flows one way, one room per stage: `io` (the file's bytes) -> `model` (the canonical model)
-> `engine` (numpy layers and the trace) -> `analysis` (comparisons, statistics, views of weights
and gates). Beside them: `sandbox` (opening a file in a child process) and `inputs` (what is fed
to a model). `errors` holds the exception types every room raises.
"""
