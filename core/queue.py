"""Queueing background jobs: after the change that asked for them commits, by id."""

import functools
import logging

from django.db import connection, transaction

from .breaker import breaker
from .requests import request_id

logger = logging.getLogger(__name__)


def broker_breaker(app):
    """A broker that hangs would hold every approval for its socket timeout (settings:
    CELERY_SOCKET_TIMEOUT); after one publish fails, this process takes the fallback at
    once for REDIS_SKIP_SECONDS."""
    return breaker("The job broker", app.conf.broker_url or "")


def publish(task, *args) -> bool:
    """Queue a task now; never raise.

    Callers run this from `transaction.on_commit` (see `publish_on_commit`), so
    the change is saved by now and a broker that is down must not reach the
    user: callers record what is owed (a pending recompute) or accept the loss
    (an e-mail), and the failure is logged. Returns whether the task was queued.
    """
    skipping = broker_breaker(task.app)
    if skipping.open:
        return False
    try:
        task.apply_async(
            args,
            # The job's log lines carry the id of the request that queued it.
            headers={"request_id": request_id.get()},
            # No retry: each try of a broker that hangs waits out CELERY_SOCKET_TIMEOUT in
            # the user's request, and what is not queued is recorded or made up anyway.
            # (redis-py reconnects a pooled connection the broker closed by itself.)
            retry=False,
        )
    except Exception as exc:
        if not task.app.conf.task_always_eager:
            skipping.trip(exc)
        # One line: with the broker down every request would otherwise log a traceback.
        logger.warning("Could not queue %s%s: %s: %s", task.name, args, type(exc).__name__, exc)
        return False
    return True


def on_commit_once(key: tuple, callback) -> None:
    """Run `callback` once the current transaction commits, once for each `key` in it.

    A batch (an import of many reports) asks for the same job once per row; one job
    after its commit does the same work. The callbacks of one transaction share what
    has run; one dropped with a rolled-back savepoint never runs, so never counts.
    """
    batch = next(
        (waiting.batch for _, waiting, _ in connection.run_on_commit if isinstance(waiting, _Once)),
        set(),
    )
    transaction.on_commit(_Once(key, callback, batch))


class _Once:
    def __init__(self, key: tuple, callback, batch: set):
        self.key, self.callback, self.batch = key, callback, batch

    def __call__(self):
        # Django runs a transaction's callbacks after its commit, outside any. One run
        # inside a transaction was caught by a test (captureOnCommitCallbacks), which
        # runs each as its own commit would.
        if not connection.in_atomic_block:
            if self.key in self.batch:
                return
            self.batch.add(self.key)
        self.callback()


def publish_on_commit(task, *args) -> None:
    """Queue a task by id once the current transaction commits (at once outside one)."""
    on_commit_once(("publish", task.name, args), functools.partial(publish, task, *args))
