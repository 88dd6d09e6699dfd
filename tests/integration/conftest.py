import pytest

from tests.integration.servers import Assistant


@pytest.fixture(scope="session")
def assistant(tmp_path_factory):
    """The whole assistant (embedded Redis, action server, two Rasa servers), as `make run` starts it."""
    running = Assistant(tmp_path_factory.mktemp("assistant"), rasa_servers=2).start()
    yield running
    running.stop()
