"""Tools for content editors: checks, evaluation report, model loading, learning from conversations."""
