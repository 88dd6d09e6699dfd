"""Who the citizen is: the customer registry and identification that cannot be guessed."""
