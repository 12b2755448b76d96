"""STFTSpectrogram (Keras 3): the short-time Fourier transform as a strided 1-d convolution of each channel
with the stored real and imaginary kernels [frame_length, 1, fft_length // 2 + 1], then the mode's output
(real, imag, angle, stft, psd, magnitude, log), as keras/src/layers/preprocessing/stft_spectrogram.py does.
channels_last only (TensorFlow has no channels_first 1-d convolution on a CPU either).
"""

from __future__ import annotations

import numpy as np

from inspector.core.engine.context import Context
from inspector.core.engine.convolution import convolve
from inspector.core.engine.registry import Array, Mask, register
from inspector.core.model.canonical import Layer

EPSILON = 1e-7  # keras.backend.epsilon()


def _frames(layer: Layer, x: Array, kernel: Array) -> Array:
    """[batch, time, channels] -> [batch, channels, freq, frames]."""
    config = layer.config
    batch, steps, channels = x.shape
    step = int(config.get("frame_step") or int(config.get("frame_length", 256)) // 2)
    signal = np.moveaxis(x, 2, 1).reshape(batch * channels, steps, 1)
    y = convolve(signal, kernel, (step,), str(config.get("padding", "valid")).lower(), (1,))  # [b*c, frames, f]
    return np.moveaxis(y, 2, 1).reshape(batch, channels, y.shape[2], y.shape[1])


def _layout(layer: Layer, y: Array) -> Array:
    """[batch, channels, freq, frames] -> [batch, frames, freq, channels] or [batch, frames, channels*freq]."""
    if layer.config.get("expand_dims"):
        return np.transpose(y, (0, 3, 2, 1))
    return np.moveaxis(y.reshape(y.shape[0], -1, y.shape[3]), 1, 2)


@register("STFTSpectrogram", mask="drop")
def stft_spectrogram(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Array:
    mode = str(layer.config.get("mode", "log"))
    x = ctx.floats(inputs[0])
    if mode in ("real", "imag"):
        return _layout(layer, _frames(layer, x, ctx.weight(layer, f"{mode}_kernel")))
    real = _frames(layer, x, ctx.weight(layer, "real_kernel"))
    imag = _frames(layer, x, ctx.weight(layer, "imag_kernel"))
    if mode == "angle":
        return _layout(layer, np.arctan2(imag, real))
    if mode == "stft":
        return _layout(layer, np.concatenate([real, imag], axis=2))
    power = np.square(real) + np.square(imag)
    if mode == "psd":
        shifted = np.pad(power[:, :, 1:-1, :], [(0, 0), (0, 0), (1, 1), (0, 0)])
        return _layout(layer, power + shifted)
    magnitude = _layout(layer, np.sqrt(np.maximum(power, x.dtype.type(EPSILON))))
    return magnitude if mode == "magnitude" else np.log(np.maximum(magnitude, x.dtype.type(EPSILON)))
