"""Voice gateway: callers talk to the assistant with local Vosk recognition and Piper synthesis."""
