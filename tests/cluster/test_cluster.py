"""The scaled-out cluster under load: 2 Rasa servers behind nginx, PostgreSQL, Redis lock store.

Runs cluster/loadtest.py (200 concurrent conversations by default; HEADEASE_CLUSTER_CONVERSATIONS
for fewer on a slow machine) and checks its audit of every tracker stored in PostgreSQL.
"""
import os

import pytest

from cluster import loadtest

pytestmark = pytest.mark.services


def test_200_conversations_across_two_instances_lose_duplicate_and_reorder_nothing():
    conversations = int(os.environ.get("HEADEASE_CLUSTER_CONVERSATIONS") or 200)
    summary = loadtest.run(conversations)
    assert summary["problems"] == [] and summary["problem_count"] == 0
    assert summary["http_errors"] == 0 and summary["failed_replies"] == 0
    assert summary["messages_sent"] == conversations * len(loadtest.SCRIPTS[0])
    # Both instances served, and conversations really moved between them mid-way.
    assert len(summary["per_instance"]) == 2
    assert min(summary["per_instance"].values()) >= summary["messages_sent"] // 4
    assert summary["instance_switches_within_conversations"] >= conversations
