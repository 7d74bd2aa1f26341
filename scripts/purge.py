"""Purge conversations older than the retention period from the configured tracker store.

`make purge` (or `.venv/bin/python scripts/purge.py [--days N] [--endpoints endpoints.yml]`).
Reads the tracker store from endpoints.yml with the same environment defaults as scripts/env.sh
(TRACKER_DB=var/tracker.db); the period is --days, else HEADEASE_RETENTION_DAYS, else 30 days.
The HeadEase SQL tracker store purges when it is opened, so opening it is the purge.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoints", default=str(ROOT / "endpoints.yml"))
    parser.add_argument("--days", type=float, help="retention period in days (default: HEADEASE_RETENTION_DAYS or 30)")
    args = parser.parse_args(argv)

    os.environ["RASA_TELEMETRY_ENABLED"] = "false"  # a health product sends nothing out
    os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    os.environ.setdefault("TRACKER_DB", str(ROOT / "var" / "tracker.db"))
    os.environ.setdefault("ACTION_ENDPOINT_URL", "http://127.0.0.1:5055/webhook")
    if args.days is not None:
        if args.days <= 0:
            parser.error("--days must be positive")
        os.environ["HEADEASE_RETENTION_DAYS"] = str(args.days)
    logging.basicConfig(level=logging.WARNING)

    from rasa.core.tracker_store import TrackerStore
    from rasa.core.utils import AvailableEndpoints
    from rasa.shared.core.domain import Domain

    config = AvailableEndpoints.read_endpoints(args.endpoints).tracker_store
    if config is None:
        print("No tracker store configured in endpoints.yml: conversations are kept in memory only.")
        return 0
    if config.kwargs.get("dialect") == "sqlite" and not Path(config.kwargs.get("db", "")).exists():
        print(f"No tracker database at {config.kwargs.get('db')}: nothing to purge.")
        return 0
    store = TrackerStore.create(config, domain=Domain.empty())
    purged = getattr(store, "purged_on_start", None)
    if purged is None:
        print(f"The configured tracker store ({config.type}) has no retention purge.", file=sys.stderr)
        return 1
    print(f"Purged {purged} conversation(s) older than {store.retention_days:g} days.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
