"""A dashboard missing from the cache is rendered once, however many readers ask at once.

Right after the figures change, every official reading a busy page finds it missing at the
same moment. One request renders it; the others wait for that render instead of spending
the same CPU again, and all of them read the same page. A render that fails, or whose
process died, does not leave the others waiting for nothing.
"""

import threading
import time
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.http import QueryDict
from django.test.signals import template_rendered
from django.utils import translation

from dashboards import receivers
from dashboards import services as dashboards
from progress import services as progress

BODY = "dashboards/_national_body.html"
READERS = 4


@pytest.fixture
def national_renders():
    renders = []

    def count(sender, template, context, **kwargs):
        if template.name == BODY:
            renders.append(template.name)

    template_rendered.connect(count)
    yield renders
    template_rendered.disconnect(count)


@pytest.fixture
def body_renders():
    """The dashboards' bodies and parts rendered during the test, each with its language."""
    renders = []

    def count(sender, template, context, **kwargs):
        if template.name.startswith("dashboards/_"):
            renders.append((translation.get_language(), template.name))

    template_rendered.connect(count)
    yield renders
    template_rendered.disconnect(count)


def body_of(page, language: str = "vi", query: QueryDict | None = None) -> str:
    """The page's body as a reader in `language` with these choices gets it."""
    with translation.override(language):
        return page.body(query or QueryDict()).decode()


def national_body() -> str:
    return body_of(dashboards.national_page(QueryDict()))


@pytest.mark.django_db(transaction=True)
def test_readers_arriving_together_at_a_missing_page_render_it_once(laocai, national_renders):
    progress.recompute_all()
    cache.clear()
    together = threading.Barrier(READERS)
    bodies = []

    def read():
        together.wait(10)
        bodies.append(national_body())
        connection.close()

    readers = [threading.Thread(target=read) for _ in range(READERS)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join(30)

    assert len(bodies) == READERS
    assert len(set(bodies)) == 1
    assert "Lào Cai" in bodies[0]
    assert national_renders == [BODY]


def test_a_reader_does_not_wait_for_a_render_that_failed(laocai, fresh_cache, national_renders):
    progress.recompute_all()
    page = dashboards.national_page(QueryDict())
    build = page.build

    def failing_build(**kwargs):
        raise RuntimeError("the database went away mid-render")

    page.build = failing_build
    with translation.override("vi"), pytest.raises(RuntimeError):
        page.body(QueryDict())
    page.build = build

    # The failed render left nothing behind to wait for: the next reader renders at once.
    assert "Lào Cai" in national_body()
    assert national_renders == [BODY]


def test_a_reader_renders_itself_when_the_render_it_waits_for_never_comes(
    laocai, fresh_cache, national_renders, monkeypatch
):
    progress.recompute_all()
    monkeypatch.setattr(dashboards, "RENDER_WAIT_SECONDS", 0.3)
    page = dashboards.national_page(QueryDict())
    key = page.key(QueryDict(), "vi")
    # A worker took the page to render and was killed before it wrote anything.
    version = page.version()
    cache.add(dashboards.render_lock(key, version), 1, 60)

    assert "Lào Cai" in national_body()
    assert national_renders == [BODY]


def test_while_a_changed_page_renders_its_readers_get_it_as_it_was_at_once(
    laocai, fresh_cache, national_renders, monkeypatch
):
    progress.recompute_all()
    before = national_body()
    progress.recompute_all()
    # Another request is rendering the changed page: this reader neither waits nor renders.
    monkeypatch.setattr(dashboards, "RENDER_WAIT_SECONDS", 5)
    page = dashboards.national_page(QueryDict())
    lock = dashboards.render_lock(page.key(QueryDict(), "vi"), page.version())
    cache.add(lock, 1, 60)
    started = time.monotonic()
    assert national_body() == before
    assert time.monotonic() - started < 1
    assert national_renders == [BODY]

    # Once that render is done (here: abandoned), the next reader gets the current page.
    cache.delete(lock)
    after = national_body()
    assert national_renders == [BODY, BODY]
    assert national_body() == after
    assert national_renders == [BODY, BODY]


@pytest.fixture
def warming(settings, monkeypatch):
    """Warming on, its jobs kept here rather than run (`queued`); `broker_up` says whether
    they can be queued at all."""
    settings.DASHBOARD_WARMING = True
    jobs = SimpleNamespace(queued=[], broker_up=True)

    def publish(task, *args):
        if jobs.broker_up:
            jobs.queued.append(args)
        return jobs.broker_up

    monkeypatch.setattr(receivers, "publish", publish)
    return jobs


def read_then_recompute(capture_on_commit) -> str:
    """The national page as a reader got it, before a recompute that changes its version."""
    progress.recompute_all()
    before = national_body()
    with capture_on_commit(execute=True):
        progress.recompute_all()
    return before


def test_after_a_recompute_readers_keep_the_page_as_it_was_until_the_warming_job_renders_it(
    laocai, fresh_cache, national_renders, warming, django_capture_on_commit_callbacks
):
    before = read_then_recompute(django_capture_on_commit_callbacks)
    # The figures changed; the worker's job to render the page is queued, not yet run.
    assert warming.queued == [(None,)]
    started = time.monotonic()
    assert national_body() == before
    assert time.monotonic() - started < 1
    assert national_renders == [BODY]

    # The job renders the page once; its readers then get that render.
    dashboards.warm(*warming.queued[0])
    assert national_renders == [BODY, BODY]
    after = national_body()
    assert national_renders == [BODY, BODY]
    assert after != before
    page = dashboards.national_page(QueryDict())
    version, body = cache.get(page.key(QueryDict(), "vi"))
    assert version == page.version()
    assert after.startswith(body.decode())


def test_a_page_kept_for_a_warming_job_that_never_comes_is_rendered_by_a_reader(
    laocai, fresh_cache, national_renders, warming, monkeypatch, django_capture_on_commit_callbacks
):
    # The job was queued, and its worker died before running it.
    monkeypatch.setattr(dashboards, "RENDER_WAIT_SECONDS", 0.3)
    before = read_then_recompute(django_capture_on_commit_callbacks)
    assert national_body() == before

    time.sleep(0.4)
    national_body()
    assert national_renders == [BODY, BODY]


def test_a_page_whose_warming_job_could_not_be_queued_is_rendered_by_its_next_reader(
    laocai, fresh_cache, national_renders, warming, monkeypatch, django_capture_on_commit_callbacks
):
    # The broker is down: no job will render the page, so nobody is kept waiting for one.
    warming.broker_up = False
    monkeypatch.setattr(dashboards, "RENDER_WAIT_SECONDS", 5)
    before = read_then_recompute(django_capture_on_commit_callbacks)

    assert national_body() != before
    assert national_renders == [BODY, BODY]


def test_only_a_page_with_a_body_to_show_is_kept_for_the_warming_job(
    laocai, fresh_cache, national_renders, warming, monkeypatch, django_capture_on_commit_callbacks
):
    # Nobody read the page yet: its first reader renders it at once rather than wait.
    monkeypatch.setattr(dashboards, "RENDER_WAIT_SECONDS", 5)
    with django_capture_on_commit_callbacks(execute=True):
        progress.recompute_all()
    started = time.monotonic()
    assert "Lào Cai" in national_body()
    assert time.monotonic() - started < 2
    assert national_renders == [BODY]


def test_after_a_full_rebuild_the_job_renders_the_province_and_agreement_pages_read_lately(
    laocai, provinces, fresh_cache, warming, body_renders, django_capture_on_commit_callbacks
):
    # The scheduled rebuild rewrites every row: each page's version moves at once.
    progress.recompute_all()
    read_lately = dashboards.province_page(provinces.lao_cai)
    agreement = dashboards.agreement_page(laocai.agreement)
    before = {page.stem: body_of(page) for page in (read_lately, agreement)}
    unread = dashboards.province_page(provinces.quang_tri)
    with django_capture_on_commit_callbacks(execute=True):
        progress.recompute_all()
    assert warming.queued == [(None,)]
    body_renders.clear()

    # Until the job has run, their readers get them as they were, without rendering.
    assert {page.stem: body_of(page) for page in (read_lately, agreement)} == before
    assert body_renders == []
    dashboards.warm(*warming.queued[0])
    rendered_by_the_job = sorted(name for _language, name in body_renders)
    for page in (read_lately, agreement):
        assert dashboards.current_value(cache.get(page.key(QueryDict(), "vi")), page.version())
        assert "Lào Cai" in body_of(page)
    assert sorted(name for _language, name in body_renders) == rendered_by_the_job
    assert "dashboards/_province_body.html" in rendered_by_the_job
    assert "dashboards/_agreement_body.html" in rendered_by_the_job
    # Nobody read Quảng Trị's page: the job left it to its first reader.
    assert unread.choices_read() == []


def test_the_job_renders_each_choice_and_language_read_lately_and_nothing_else(
    laocai, provinces, fresh_cache, warming, body_renders, django_capture_on_commit_callbacks
):
    progress.recompute_all()
    chosen = QueryDict("phase=2021-2025&region=northern_midlands")
    english = body_of(dashboards.national_page(chosen), "en", chosen)
    lao_cai = dashboards.province_page(provinces.lao_cai)
    body_of(lao_cai)
    # Five minutes later nobody has read Lào Cai's page again: it no longer counts as read.
    cache.delete(dashboards.read_mark(lao_cai.key(QueryDict(), "vi")))
    with django_capture_on_commit_callbacks(execute=True):
        progress.recompute_all()
    body_renders.clear()

    dashboards.warm(*warming.queued[0])
    by_the_job = list(body_renders)
    again = body_of(dashboards.national_page(chosen), "en", chosen)
    assert ("en", BODY) in by_the_job
    assert ("vi", "dashboards/_province_body.html") not in by_the_job
    # The English reader of that choice got the job's render, without rendering.
    assert body_renders == by_the_job
    assert "Lào Cai" in again and "Lào Cai" in english


def test_an_edit_of_a_fact_has_the_worker_render_the_pages_again(
    laocai, fresh_cache, national_renders, warming, monkeypatch, django_capture_on_commit_callbacks
):
    progress.recompute_all()
    before = national_body()
    provinces_looked_at = []
    read = dashboards.province_page
    monkeypatch.setattr(
        dashboards, "province_page", lambda *args: provinces_looked_at.append(args) or read(*args)
    )
    # An administrator renames the agreement: every page naming it is rendered again.
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        laocai.agreement.title = "Thỏa thuận hợp tác VT-CNTT tỉnh Lào Cai (sửa tên)"
        laocai.agreement.save()

    assert warming.queued == [(None,)]
    # The save's request keeps the country's pages for the worker, and looks at no
    # province's page: each would cost it a query.
    assert provinces_looked_at == []
    # Until the worker has, readers keep the page as it was, at once.
    assert national_body() == before
    assert national_renders == [BODY]
    # The worker renders it once; its readers then get that render.
    dashboards.warm(*warming.queued[0])
    assert national_renders == [BODY, BODY]
    national_body()
    assert national_renders == [BODY, BODY]
