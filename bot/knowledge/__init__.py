"""Answers computed from content: FAQ, hours, contacts, the KdU check, fallbacks."""
