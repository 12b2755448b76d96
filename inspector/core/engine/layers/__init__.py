"""The non-recurrent and recurrent layer functions, one module per family, registered by Keras class name."""
