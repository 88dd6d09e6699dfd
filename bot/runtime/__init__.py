"""The processes and their Rasa integration: `make run`, the Rasa and action servers, the tracker store."""
