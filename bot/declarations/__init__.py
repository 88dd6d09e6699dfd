"""Declarations and document requests: catalogue, answer parsing, the dialogue, submission."""
