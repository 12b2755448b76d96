"""The Weights tab: W, U and b of every gate as heatmaps, per-gate statistics and histograms, and their PNGs."""
