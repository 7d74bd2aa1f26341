"""Background tasks of the messaging webhooks: the webhook answers the platform at once and handles
the update afterwards; a task that fails is logged by its error type only (never user text)."""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Set

logger = logging.getLogger(__name__)


def spawn(tasks: Set[asyncio.Task], coroutine: Awaitable[Any], platform: str) -> None:
    """Run ``coroutine`` in the background, kept in ``tasks`` until it finishes."""
    task = asyncio.ensure_future(coroutine)
    tasks.add(task)

    def done(finished: asyncio.Task) -> None:
        tasks.discard(finished)
        if not finished.cancelled() and finished.exception() is not None:
            logger.error("%s update handling failed: %s", platform, type(finished.exception()).__name__)

    task.add_done_callback(done)
