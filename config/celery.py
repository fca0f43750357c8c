import gc
import os

from celery import Celery
from celery.signals import task_postrun, task_prerun, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The id of the request that queued a job, for the job's log lines (core/requests.py);
# a scheduled job gets one of its own.
_tokens = {}


@task_prerun.connect
def adopt_request_id(task_id=None, task=None, **kwargs):
    from core.requests import request_id

    # A worker finds the message's headers on the request; a job run in-process, in them.
    headers = getattr(task.request, "headers", None) or {}
    given = (
        getattr(task.request, "request_id", None)
        or headers.get("request_id")
        or f"job-{(task_id or '')[:8]}"
    )
    _tokens[task_id] = request_id.set(given)


@task_postrun.connect
def drop_request_id(task_id=None, **kwargs):
    from core.requests import request_id

    token = _tokens.pop(task_id, None)
    if token is not None:
        request_id.reset(token)


@worker_process_init.connect
def freeze_loaded_code(**kwargs):
    # As gunicorn's workers do (deploy/gunicorn.conf.py): the collector's full passes
    # then walk only what the jobs created, not the loaded portal.
    gc.freeze()
