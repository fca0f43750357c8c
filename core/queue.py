"""Queueing background jobs: after the change that asked for them commits, by id."""

import logging

from django.db import transaction

from .requests import request_id

logger = logging.getLogger(__name__)


def publish(task, *args) -> bool:
    """Queue a task now; never raise.

    Callers run this from `transaction.on_commit` (see `publish_on_commit`), so
    the change is saved by now and a broker that is down must not reach the
    user: callers record what is owed (a pending recompute) or accept the loss
    (an e-mail), and the failure is logged. Returns whether the task was queued.
    """
    try:
        task.apply_async(
            args,
            # The job's log lines carry the id of the request that queued it.
            headers={"request_id": request_id.get()},
            retry=True,
            retry_policy={"max_retries": 1, "interval_start": 0.2, "interval_step": 0.5},
        )
    except Exception as exc:
        # One line: with the broker down every request would otherwise log a traceback.
        logger.warning("Could not queue %s%s: %s: %s", task.name, args, type(exc).__name__, exc)
        return False
    return True


def publish_on_commit(task, *args) -> None:
    """Queue a task by id once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: publish(task, *args))
