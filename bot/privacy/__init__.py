"""Data protection duties: export and deletion per person, retention."""
