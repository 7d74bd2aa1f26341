"""`make purge` (scripts/purge.py) on a temporary SQLite tracker store."""
import asyncio
import contextlib
import importlib.util
import io
import os
import subprocess
import sys
import time
from pathlib import Path

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from headease_store.tracker_store import HeadEaseSQLTrackerStore

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("purge_script", ROOT / "scripts" / "purge.py")
purge_script = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(purge_script)


def seed(db: Path, ages_in_days):
    os.environ.pop("HEADEASE_RETENTION_DAYS", None)
    store = HeadEaseSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(db), retention_days=10000)
    for sender, age in ages_in_days.items():
        tracker = DialogueStateTracker.from_events(sender, [])
        event = UserUttered("my head hurts")
        event.timestamp = time.time() - age * 86400
        tracker.update(event)
        asyncio.run(store.save(tracker))
    return store


def purge(db: Path, *args, days_env=None):
    """Run scripts/purge.py's main() in this process with the given environment."""
    saved = dict(os.environ)
    os.environ["TRACKER_DB"] = str(db)
    os.environ.pop("HEADEASE_RETENTION_DAYS", None)
    if days_env is not None:
        os.environ["HEADEASE_RETENTION_DAYS"] = days_env
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            assert purge_script.main(list(args)) == 0
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return out.getvalue()


def senders(store):
    return set(asyncio.run(store.keys()))


def test_purge_removes_conversations_older_than_the_default_30_days(tmp_path):
    db = tmp_path / "tracker.db"
    store = seed(db, {"old1": 45, "old2": 31, "recent": 29, "today": 0})
    out = purge(db)
    assert "Purged 2 conversation(s) older than 30 days." in out
    assert senders(store) == {"recent", "today"}
    assert "Purged 0 conversation(s)" in purge(db)  # idempotent


def test_purge_period_from_environment_and_flag(tmp_path):
    db = tmp_path / "tracker.db"
    store = seed(db, {"a": 10, "b": 5, "c": 1})
    assert "Purged 1 conversation(s) older than 7 days." in purge(db, days_env="7")
    assert senders(store) == {"b", "c"}
    assert "Purged 1 conversation(s) older than 2 days." in purge(db, "--days", "2", days_env="7")
    assert senders(store) == {"c"}


def test_missing_database_is_not_created(tmp_path):
    db = tmp_path / "none.db"
    assert "nothing to purge" in purge(db)
    assert not db.exists()


def test_command_line(tmp_path):
    """The command `make purge` runs, as a separate process reading endpoints.yml."""
    db = tmp_path / "tracker.db"
    store = seed(db, {"old": 40, "new": 1})
    env = dict(os.environ, TRACKER_DB=str(db), PYTHONPATH=str(ROOT), RASA_TELEMETRY_ENABLED="false")
    env.pop("HEADEASE_RETENTION_DAYS", None)
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "purge.py")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180,
    )
    assert result.returncode == 0, result.stderr
    assert "Purged 1 conversation(s) older than 30 days." in result.stdout
    assert senders(store) == {"new"}


def test_command_line_on_postgresql(postgres):
    """`make purge ENDPOINTS=endpoints.cluster.yml`: the scaled-out PostgreSQL tracker store."""
    database = f"purge_{os.getpid()}"
    postgres.sql(f'CREATE DATABASE "{database}"', database="postgres")
    store = HeadEaseSQLTrackerStore(
        domain=Domain.empty(), dialect="postgresql", host="127.0.0.1", port=postgres.port,
        db=database, username=postgres.user, retention_days=10000,
    )
    for sender, age in {"old": 40, "older": 400, "new": 1}.items():
        tracker = DialogueStateTracker.from_events(sender, [])
        event = UserUttered("my head hurts")
        event.timestamp = time.time() - age * 86400
        tracker.update(event)
        asyncio.run(store.save(tracker))
    env = dict(os.environ, **postgres.env())
    env.update(PG_DB=database, PG_PASSWORD="", REDIS_HOST="127.0.0.1", REDIS_PORT="6379",
               PYTHONPATH=str(ROOT), RASA_TELEMETRY_ENABLED="false")
    env.pop("HEADEASE_RETENTION_DAYS", None)
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "purge.py"), "--endpoints", str(ROOT / "endpoints.cluster.yml")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Purged 2 conversation(s) older than 30 days." in result.stdout
    assert senders(store) == {"new"}
