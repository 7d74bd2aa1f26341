"""Shared fixtures: the real servers, started once per test session when a test needs them.

Test tiers (pytest.ini): a test that starts servers is marked `e2e`; one that starts a database,
Redis, nginx, a browser or a Rasa process is marked `services` (here, from the fixtures it uses,
so a new test cannot forget it); one that needs the trained model is marked `model`. `make
test-fast` runs everything else; `make test` runs the fast tier first, then the rest.
"""
import pytest

# Fixtures that start a real process: any test using one is in the `services` tier.
SERVICE_FIXTURES = frozenset({"bot_stack", "postgres", "redis_server", "stack", "channel_stack", "platform_stub",
                              "action_server"})


def pytest_collection_modifyitems(config, items):
    for item in items:
        if SERVICE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.services)

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
