"""What counts as a conversation-store outage, for the channels' reply guard.

A message whose turn fails because PostgreSQL (tracker store) or Redis (lock store) cannot be
reached, or because another turn of the same conversation saved first, was not taken in: nothing
of it is stored (a turn is saved in one transaction at its end). The reply guard answers it with
the `not_received` message (the red-flag screen of the message, the emergency signs and number,
and a request to send it again) and logs one line with the error's type, never a traceback: a
store restart must not flood the logs, and SQL errors can carry the statement's data.
"""
from __future__ import annotations


class ConcurrentTurnError(RuntimeError):
    """Another turn of this conversation was saved after this one read the conversation.

    The lock store normally makes that impossible; it can happen when Redis restarted (its locks
    are gone) while a turn was running. The later turn is refused as a whole, so turns never
    interleave in the tracker store; the client sends the message again.
    """


def is_store_outage(error: BaseException) -> bool:
    """True for the errors of an unreachable or restarting tracker or lock store."""
    if isinstance(error, ConcurrentTurnError):
        return True
    try:
        import sqlalchemy.exc as sa_exc

        if isinstance(error, (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.DisconnectionError,
                              sa_exc.TimeoutError)):
            return True
    except ImportError:  # pragma: no cover - SQLAlchemy is a Rasa dependency
        pass
    try:
        import redis.exceptions as redis_exc

        if isinstance(error, (redis_exc.ConnectionError, redis_exc.TimeoutError, redis_exc.BusyLoadingError)):
            return True
    except ImportError:  # pragma: no cover - redis is a Rasa dependency
        pass
    from rasa.core.lock_store import LockError

    # The conversation's lock could not be had in time (its lease outlives a crashed holder).
    return isinstance(error, LockError)
