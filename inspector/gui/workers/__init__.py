"""Background jobs of the window (open, trace, per-step outputs, Keras reference) on one worker base."""
