"""Handover to a person: queue, ownership, transcripts (state) and where a conversation goes (routing)."""
