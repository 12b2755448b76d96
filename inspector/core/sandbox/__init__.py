"""Opening a model file in a child process limited in memory and time, and the JSON + raw-bytes pipe format
the canonical model crosses back in. A file that crashes, hangs or floods the parser cannot take the caller down."""
