"""The Sequence dock: the table to type and paste into, files, generators and the batch."""
