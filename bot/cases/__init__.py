"""Durable cases (Vorgänge) for the Jobcenter's teams."""
