"""What is fed to a model: reading and checking input files, text and CSV cells, generated sequences,
series cut into look-back windows, and the batch being edited before it is valid."""
