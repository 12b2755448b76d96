"""Reading the bytes of a Keras file safely: sniffing the container, careful HDF5 access, Keras 3 weight stores.

Nothing here knows what a layer means; `inspector.core.model` turns what is read into the canonical model."""
