"""Shared fixtures: the real servers, started once per test session when a test needs them."""
import pytest

from tests.support.stack import start_stack


@pytest.fixture(scope="session")
def bot_stack(tmp_path_factory):
    """Action server + Rasa server (REST, socket.io, HTTP API with token) + web widget."""
    stack = start_stack(tmp_path_factory.mktemp("stack"))
    yield stack
    stack.stop()


@pytest.fixture(scope="session")
def postgres():
    """A real PostgreSQL server (Debian's package) on a free loopback port, for this test session."""
    from cluster.services import Postgres

    server = Postgres().start()
    yield server
    server.stop()
