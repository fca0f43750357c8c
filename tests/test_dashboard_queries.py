"""Each dashboard makes the same number of queries whatever the amount of data.

The budgets hold at two sizes of data: if a page started to query once per
province, agreement or KPI, the larger size would break its budget.
"""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partnerships.models import Commitment
from progress import services as progress

from .dashboard_world import build_world
from .factories import CommitmentAreaFactory
from .progress_data import agreement_for, report

# Measured baselines (session, user and groups for the sign-in, the header's count of unread
# notifications, then the page's own reads); a page that needs more must say why here.
# An agreement's page reads the agreement twice when it renders: bare for the page around
# the body, which is all a reader of a kept body needs, then with its counterparty,
# province and phase for the body.
# The national page's completeness box counts its phase's own reports, which the stored
# table (by province and quarter, over every phase) cannot tell apart: the phase's
# agreements, the reports of the quarter shown, the lineage and the provinces listed.
# The national map reads its KPI's code as every list reads one (`KpiFilter`): a lookup
# of the KPI the page's own form has read already, so that a code has one reading.
# A region's figures, added up from its provinces' stored rows, count the region's
# provinces that signed for the phase (`progress.services.provinces_in_phase`): the
# agreements, the lineage and the region's provinces among them.
BUDGETS = {
    "national": 25,
    "national_region": 27,
    "province": 20,
    "agreement": 19,
    "compare": 20,
}


pytestmark = pytest.mark.usefixtures("fresh_cache")


def urls(world) -> dict[str, str]:
    return {
        "national": "/?units=former&kpi=ftth_subscribers",
        "national_region": "/?region=northern_midlands&status=off_track",
        "province": reverse("dashboards:province-dashboard", args=["lao-cai"]),
        "agreement": reverse("dashboards:agreement-dashboard", args=[world.lao_cai_2021.pk]),
        "compare": "/compare/?units=former",
    }


@pytest.fixture(scope="module", params=[1, 4], ids=["small", "four-times-larger"])
def world(request, mid_2025, module_provinces):
    """Each size built once for the module, in a savepoint undone before the next size."""
    provinces = module_provinces
    with transaction.atomic():
        world = build_world(provinces, scale=request.param)
        if request.param > 1:
            # More quarters of history for the same agreements, too.
            for quarter in ("2022Q1", "2022Q2", "2022Q3", "2022Q4", "2023Q1", "2023Q2"):
                report(world.lao_cai_2021, quarter, {world.kpis["bts_total"]: 900})
            for unit in (provinces.former_lai_chau, provinces.former_quang_tri):
                report(agreement_for(unit), "2024Q4", {world.kpis["ftth_subscribers"]: 1000})
            progress.recompute_all()
        yield world
        transaction.set_rollback(True)


@pytest.mark.parametrize("name", list(BUDGETS))
def test_it_keeps_each_dashboards_queries_within_budget(
    name, world, client, official, django_assert_max_num_queries
):
    client.force_login(official)
    with django_assert_max_num_queries(BUDGETS[name]):
        response = client.get(urls(world)[name])
    assert response.status_code == 200


@pytest.mark.parametrize("name", list(BUDGETS))
def test_it_serves_each_dashboard_again_from_a_handful_of_queries(
    name, world, client, official, django_assert_max_num_queries
):
    client.force_login(official)
    client.get(urls(world)[name])
    # Session, user, the header's unread count, the one query that says whether the data
    # changed, and a province or agreement page's own record (its title names it).
    with django_assert_max_num_queries(5):
        response = client.get(urls(world)[name])
    assert response.status_code == 200
    assert b"<h1" in response.content


def test_it_renders_a_dashboard_again_once_a_fact_on_it_is_edited(
    world, client, official, django_capture_on_commit_callbacks
):
    client.force_login(official)
    url = reverse("dashboards:agreement-dashboard", args=[world.lao_cai_2021.pk])
    client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        world.lao_cai_2021.title = "Thỏa thuận đã sửa tên"
        world.lao_cai_2021.save()
    # The heading is part of the shared body, not of the page around it.
    assert "<h1>Thỏa thuận đã sửa tên" in client.get(url).content.decode()


def test_it_renders_the_changed_pages_ahead_of_their_first_reader(
    world,
    client,
    official,
    settings,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    settings.DASHBOARD_WARMING = True
    agreement = world.lao_cai_2021
    province = agreement.counterparty.province
    agreement_url = reverse("dashboards:agreement-dashboard", args=[agreement.pk])
    province_url = reverse("dashboards:province-dashboard", args=[province.slug])
    client.force_login(official)
    # Officials read the agreement and its unit before the change; nobody read the rest.
    for url in (agreement_url, province_url):
        assert client.get(url, HTTP_ACCEPT_LANGUAGE="vi").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        report(agreement, "2025Q3", {world.kpis["bts_total"]: 1300})
        progress.recompute_agreement(agreement.pk)

    for url in ("/", "/compare/", agreement_url, province_url):
        # Session, user, the header's unread count, the data's version, and the page's
        # own record: no rendering.
        with django_assert_max_num_queries(5):
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="vi")
        assert response.status_code == 200
        if url == agreement_url:
            assert "1.300" in response.content.decode()
    # The province it merged into, which nobody read lately, is rendered by its first
    # reader; so is a page in English, as only the portal's language is warmed.
    for url, language in (
        (reverse("dashboards:province-dashboard", args=[province.successor.slug]), "vi"),
        ("/", "en"),
    ):
        with CaptureQueriesContext(connection) as first_read:
            response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        assert len(first_read) > 5


def test_a_save_that_writes_many_history_rows_bumps_the_content_version_once(
    world, django_capture_on_commit_callbacks
):
    from dashboards.receivers import bump_content_version

    area = CommitmentAreaFactory()
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        # An admin's save of an agreement with a row of commitments: a history row each.
        for number in range(5):
            Commitment.objects.create(
                agreement=world.lao_cai_2021, area=area, text=f"Cam kết {number}"
            )
    assert [callback for callback in callbacks if callback is bump_content_version] == [
        bump_content_version
    ]
