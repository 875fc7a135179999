"""Lint rules for post-mortems: blaming language, completeness, consistency."""
