"""A computed report written out: text, CSV, HTML, and pseudonyms for sharing."""
