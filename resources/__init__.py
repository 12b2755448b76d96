"""Bundled demo models and sequences (installed as the package `inspector.resources`)."""
