"""Every log line of a request, and of the jobs it queues, names the request."""

import logging

import pytest
from celery import shared_task

from core.queue import publish
from core.requests import request_id

pytestmark = pytest.mark.django_db


def test_each_request_gets_an_id_it_answers_with_and_logs_one_line_for(client, caplog):
    caplog.set_level(logging.INFO, logger="portal.requests")
    response = client.get("/healthz")
    given = response["X-Request-ID"]
    assert len(given) == 16
    line = next(r for r in caplog.records if r.name == "portal.requests")
    assert line.getMessage().startswith("GET /healthz 503")
    assert line.request_id == given


def test_it_keeps_the_proxys_id_and_refuses_a_strange_one(client):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="nginx-42")["X-Request-ID"] == "nginx-42"
    strange = client.get("/healthz", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"]
    assert strange != "<script>" and len(strange) == 16


SEEN_BY_JOBS = []


@shared_task
def note_request_id():
    SEEN_BY_JOBS.append(request_id.get())


def test_a_job_runs_under_the_id_of_the_request_that_queued_it():
    SEEN_BY_JOBS.clear()
    before = request_id.get()
    token = request_id.set("req-123")
    try:
        assert publish(note_request_id)
    finally:
        request_id.reset(token)
    # A job the schedule starts has an id of its own.
    note_request_id.apply_async()
    assert SEEN_BY_JOBS[0] == "req-123"
    assert SEEN_BY_JOBS[1].startswith("job-")
    assert request_id.get() == before, "a finished job leaves no id of its own behind"
