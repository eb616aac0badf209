"""A computed report written out: text, CSV, HTML and JSON, and pseudonyms for sharing."""
