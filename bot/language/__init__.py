"""German text understanding: the NLU component, details in free text, dates, formatting."""
