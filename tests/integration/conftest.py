import pytest

from tests.integration.servers import Assistant, free_port, packaged_voice_models

# Tests type much faster than people; the flood limits themselves are tested in test_handover.py
# (the `live` assistant keeps the production limit per conversation).
# Debug logging makes Rasa log every user message: test_logs_carry_no_personal_data checks the redaction.
# Outgoing e-mail goes to a local SMTP server on this port (started by tests/integration/test_outbound.py).
TEST_ENV = {"CHAT_LIMIT_PER_SESSION": "1000/10", "CHAT_LIMIT_PER_ADDRESS": "100000/60",
            "DESK_LIMIT_PER_ADDRESS": "100000/60", "LOG_LEVEL": "DEBUG",
            "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(free_port())}


@pytest.fixture(scope="session")
def assistant(tmp_path_factory):
    """The whole assistant (embedded Redis, action server, two Rasa servers), as `make run` starts it."""
    running = Assistant(tmp_path_factory.mktemp("assistant"), rasa_servers=2,
                        extra_env={**TEST_ENV, **packaged_voice_models(), "VOICE_SILENCE_SECONDS": "4", "VOICE_SILENCE_PROMPTS": "1"},
                        voice=True).start()
    yield running
    running.stop()
