"""The Units tab: the per-unit table, saturation plots, pattern selection and match, occlusion over time."""
