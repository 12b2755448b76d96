"""Pieces every view uses: heatmap building blocks, the plot pool, PNG export, the sequence picker."""
