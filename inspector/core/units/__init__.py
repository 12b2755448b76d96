"""Understanding the units of recurrent layers: per-unit statistics, ordering and clustering, pattern
selection and matching across a batch, and occlusion over time. Sits at the analysis level (reads the
engine's trace and results); nothing below it imports it."""
