"""Shared plumbing: settings, the clock, Redis, rate limits, redaction, web headers, YAML loading, the Rasa
server's start-up tuning (perf)."""
