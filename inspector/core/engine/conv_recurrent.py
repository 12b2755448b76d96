"""ConvLSTM1D/2D/3D: the LSTM cell with convolutions instead of matrix products.

Input part: conv(x_t, kernel) with the layer's strides, padding and dilation (+ bias), for all
time steps at once. Recurrent part: conv(h_{t-1}, recurrent_kernel) with stride 1 and `same`
padding, no dilation (Keras 3 `ConvLSTMCell.recurrent_conv`, tf_keras the same).
Inside the loop everything is channels_last; gates are the last axis split in i, f, c~, o.
"""

from __future__ import annotations

import numpy as np

from inspector.core.engine.convolution import as_tuple, convolve, from_channels_last, to_channels_last
from inspector.core.engine.recurrent import Array, LSTMCell
from inspector.core.model.canonical import Layer


class ConvLSTMCell(LSTMCell):
    def __init__(self, layer: Layer, dtype: np.dtype) -> None:
        super().__init__(layer, dtype)
        config = layer.config
        self.kind = layer.class_name
        self.rank = self.kernel.ndim - 2
        self.strides = as_tuple(config.get("strides"), self.rank, "strides")
        self.dilation = as_tuple(config.get("dilation_rate"), self.rank, "dilation_rate")
        self.padding = str(config.get("padding", "valid")).lower()
        self.data_format = config.get("data_format") or "channels_last"
        ones = (1,) * self.rank
        kernel = self.recurrent_kernel

        def product(h: Array, out: Array) -> None:
            out[...] = convolve(h, kernel, ones, "same", ones)

        self.recurrent_product = product

    def project(self, x: Array) -> Array:
        """x [batch, time, *spatial, channels] -> conv + bias, [time, batch, *out, 4*filters]."""
        x = to_channels_last(x, self.data_format, 2)
        batch, steps = x.shape[:2]
        frames = np.ascontiguousarray(np.swapaxes(x, 0, 1)).reshape((steps * batch,) + x.shape[2:])
        projected = convolve(frames, self.kernel, self.strides, self.padding, self.dilation)
        if self.bias is not None:
            projected += self.bias
        return projected.reshape((steps, batch) + projected.shape[1:])

    def state_in(self, state: Array) -> Array:
        return to_channels_last(state, self.data_format, 1)

    def layer_out(self, a: Array, first_spatial_axis: int) -> Array:
        return from_channels_last(a, self.data_format, first_spatial_axis)
