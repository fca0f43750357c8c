"""The dashboards' cached pages follow what they show, and only that.

A draft saved again changes nothing an official sees (drafts never count), and a
province's approval changes no other province's page: those pages stay cached while
staff type and reviewers approve elsewhere. An approval in one phase leaves the pages of
the others cached, and a report's step renders again only the national page's
completeness table. A report's step (opened, submitted, returned, approved) shows at once
on its agreement's and its province's pages.
"""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.test.signals import template_rendered
from django.urls import reverse

from milestones import services
from milestones.checks import Reading
from milestones.models import ReportStatus
from partnerships.models import Agreement
from progress import services as progress

from .conftest import VIETNAM
from .factories import (
    AgreementFactory,
    KpiTargetFactory,
    KpiValueFactory,
    OrganisationFactory,
    PhaseFactory,
    QuarterlyReportFactory,
)
from .test_dashboards import EN, table_rows

pytestmark = pytest.mark.usefixtures("fresh_cache")

QUARTER = 20214


@pytest.fixture
def january_2022(laocai):
    laocai.bts_total.is_headline = True
    laocai.bts_total.save()
    with time_machine.travel(datetime.datetime(2022, 1, 10, 9, tzinfo=VIETNAM), tick=True):
        yield


def readings(laocai, stations):
    return {
        laocai.bts_total.pk: Reading(value=Decimal(stations)),
        laocai.bts_4g.pk: Reading(value=Decimal(400)),
        laocai.villages_fibre.pk: Reading(numerator=Decimal(1100), denominator=Decimal(1569)),
        laocai.level4.pk: Reading(value=Decimal(40)),
    }


def main(response) -> str:
    """The page's own content, without the per-request parts around it (forms' tokens)."""
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def report_state(client, agreement, quarter_label="Q4/2021") -> str:
    url = reverse("dashboards:agreement-dashboard", args=[agreement.pk])
    rows = table_rows(client.get(url, **EN).content.decode(), "reports")
    return {row[0]: row[1] for row in rows}.get(quarter_label, "")


@pytest.fixture
def rendered():
    """The names of the templates rendered, as the test goes."""
    names = []

    def record(sender, template, context, **kwargs):
        names.append(template.name)

    template_rendered.connect(record)
    yield names
    template_rendered.disconnect(record)


def served_from_the_cache(client, url, django_assert_max_num_queries):
    # Session, user, the unread notices, the data's version and the page's own record:
    # no rendering.
    with django_assert_max_num_queries(5):
        return main(client.get(url, **EN))


def test_a_draft_saved_again_leaves_the_pages_of_others_cached(
    january_2022,
    laocai,
    quangbinh,
    staff_laocai,
    client_official,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    progress.recompute_all()
    with django_capture_on_commit_callbacks(execute=True):
        report = services.get_or_create_report(laocai.agreement, QUARTER, staff_laocai)
    untouched = [
        "/",
        "/compare/",
        reverse("dashboards:agreement-dashboard", args=[quangbinh.agreement.pk]),
        reverse("dashboards:province-dashboard", args=["quang-tri"]),
    ]
    own = reverse("dashboards:agreement-dashboard", args=[laocai.agreement.pk])
    before = {url: main(client_official.get(url, **EN)) for url in [*untouched, own]}

    for stations in (1100, 1150, 1200):
        with django_capture_on_commit_callbacks(execute=True):
            report = services.save_draft(
                report, staff_laocai, version=report.version, readings=readings(laocai, stations)
            )

    for url in untouched:
        assert (
            served_from_the_cache(client_official, url, django_assert_max_num_queries)
            == (before[url])
        )
    # Its own agreement's page is rendered again, and shows the same: drafts never count.
    assert main(client_official.get(own, **EN)) == before[own]


def test_an_approval_renews_its_own_pages_and_leaves_other_provinces_cached(
    january_2022,
    laocai,
    quangbinh,
    staff_laocai,
    reviewer,
    client_official,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    # Quảng Bình has reported the quarter already, so Lào Cai's approval moves no phase's
    # reference quarter (which would change every province's "as of").
    approved = QuarterlyReportFactory(
        agreement=quangbinh.agreement, quarter=QUARTER, status=ReportStatus.APPROVED
    )
    KpiValueFactory(report=approved, kpi=quangbinh.bts_total, value=1000)
    progress.recompute_all()
    other = reverse("dashboards:province-dashboard", args=["quang-tri"])
    other_agreement = reverse("dashboards:agreement-dashboard", args=[quangbinh.agreement.pk])
    own = reverse("dashboards:province-dashboard", args=["lao-cai"])
    before = {url: main(client_official.get(url, **EN)) for url in (other, other_agreement, own)}
    assert "1,100" not in before[own]

    with django_capture_on_commit_callbacks(execute=True):
        report = services.get_or_create_report(laocai.agreement, QUARTER, staff_laocai)
        report = services.save_and_submit(
            report, staff_laocai, version=report.version, readings=readings(laocai, 1100)
        )
        services.approve_report(report, reviewer, version=report.version)

    for url in (other, other_agreement):
        assert (
            served_from_the_cache(client_official, url, django_assert_max_num_queries)
            == (before[url])
        )
    assert "1,100" in main(client_official.get(own, **EN))
    assert table_rows(client_official.get("/", **EN).content.decode(), "headline")[0][1] == (
        "2,100"
    )


def test_each_step_of_a_report_shows_at_once_on_the_cached_pages(
    january_2022,
    laocai,
    staff_laocai,
    reviewer,
    client_official,
    django_capture_on_commit_callbacks,
):
    progress.recompute_all()
    assert report_state(client_official, laocai.agreement) == ""
    with django_capture_on_commit_callbacks(execute=True):
        report = services.get_or_create_report(laocai.agreement, QUARTER, staff_laocai)
        report = services.save_draft(
            report, staff_laocai, version=report.version, readings=readings(laocai, 1100)
        )
    assert report_state(client_official, laocai.agreement) == "Draft"

    with django_capture_on_commit_callbacks(execute=True):
        report = services.submit_report(report, staff_laocai, report.version)
    assert report_state(client_official, laocai.agreement) == "Submitted"

    with django_capture_on_commit_callbacks(execute=True):
        report = services.return_report(report, reviewer, report.version, "Thiếu minh chứng")
    assert report_state(client_official, laocai.agreement) == "Returned for changes"

    with django_capture_on_commit_callbacks(execute=True):
        report = services.submit_report(report, staff_laocai, report.version)
        services.approve_report(report, reviewer, version=report.version)
    assert report_state(client_official, laocai.agreement) == "Approved"
    national = client_official.get("/", **EN).content.decode()
    assert table_rows(national, "headline")[0][1] == "1,100"


def approved_in_2014_2020(quangbinh):
    """Quảng Bình's agreement of 2014–2020, with its target and 750 stations approved."""
    earlier = AgreementFactory(
        counterparty=quangbinh.agreement.counterparty,
        phase=PhaseFactory(start_year=2014, end_year=2020),
        signed_on=datetime.date(2016, 3, 1),
    )
    KpiTargetFactory(agreement=earlier, kpi=quangbinh.bts_total, target_value=800)
    approved = QuarterlyReportFactory(agreement=earlier, quarter=20194, status="approved")
    KpiValueFactory(report=approved, kpi=quangbinh.bts_total, value=750)


def test_an_approval_in_one_phase_leaves_the_pages_of_another_cached(
    january_2022,
    laocai,
    quangbinh,
    staff_laocai,
    reviewer,
    client_official,
    rendered,
    django_capture_on_commit_callbacks,
):
    approved_in_2014_2020(quangbinh)
    progress.recompute_all()
    other_phase = "/?phase=2014-2020"
    this_phase = "/?phase=2021-2025"
    before = main(client_official.get(other_phase, **EN))
    assert table_rows(before, "headline")[0][1] == "750"
    assert "1,100" not in main(client_official.get(this_phase, **EN))

    with django_capture_on_commit_callbacks(execute=True):
        report = services.get_or_create_report(laocai.agreement, QUARTER, staff_laocai)
        report = services.save_and_submit(
            report, staff_laocai, version=report.version, readings=readings(laocai, 1100)
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_report(report, reviewer, version=report.version)

    rendered.clear()
    after = main(client_official.get(other_phase, **EN))
    # The approval counts in the completeness of its own phase, not of this one.
    assert "dashboards/_national_body.html" not in rendered
    assert figures_of(after) == figures_of(before)
    assert "The agreements of the phase 2014–2020 no longer owe any report." in after
    approved_in = main(client_official.get(this_phase, **EN))
    assert table_rows(approved_in, "headline")[0][1] == "2,100"
    assert table_rows(approved_in, "completeness")[0][:3] == ["Lào Cai", "1", "1"]
    # The page as it opens is 2021–2025's, where the approval was.
    assert table_rows(main(client_official.get("/", **EN)), "headline")[0][1] == "2,100"


def test_the_page_as_it_opens_is_the_page_of_its_phase_rendered_once(
    january_2022, laocai, client_official, rendered
):
    progress.recompute_all()
    opened = main(client_official.get("/", **EN))
    rendered.clear()

    chosen = main(client_official.get("/?phase=2021-2025", **EN))
    assert "dashboards/_national_body.html" not in rendered
    assert chosen == opened
    # Its downloads name the phase shown, whichever way the reader came.
    assert '"?phase=2021-2025&amp;export=csv&amp;table=headline"' in opened


def test_figures_of_another_phase_leave_the_page_as_it_opens_cached(
    january_2022, laocai, quangbinh, client_official, rendered
):
    earlier = AgreementFactory(
        counterparty=quangbinh.agreement.counterparty,
        phase=PhaseFactory(start_year=2014, end_year=2020),
        signed_on=datetime.date(2016, 3, 1),
    )
    KpiTargetFactory(agreement=earlier, kpi=quangbinh.bts_total, target_value=800)
    progress.recompute_all()
    opened = figures_of(main(client_official.get("/", **EN)))
    assert "phase 2021–2025" in opened

    # A late report of 2019 is approved: only 2014–2020's figures change.
    late = QuarterlyReportFactory(agreement=earlier, quarter=20194, status="approved")
    KpiValueFactory(report=late, kpi=quangbinh.bts_total, value=750)
    progress.recompute_agreement(earlier.pk)
    rendered.clear()

    assert figures_of(main(client_official.get("/", **EN))) == opened
    assert "dashboards/_national_body.html" not in rendered
    earlier_phase = main(client_official.get("/?phase=2014-2020", **EN))
    assert table_rows(earlier_phase, "headline")[0][1] == "750"


def test_a_reports_step_renders_only_the_national_completeness_again(
    january_2022,
    laocai,
    staff_laocai,
    client_official,
    rendered,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    progress.recompute_all()
    url = "/?phase=2021-2025"
    compare = "/compare/"
    compared = main(client_official.get(compare, **EN))
    assert table_rows(main(client_official.get(url, **EN)), "completeness")[0][3] == "0"

    with django_capture_on_commit_callbacks(execute=True):
        report = services.get_or_create_report(laocai.agreement, QUARTER, staff_laocai)
        services.save_and_submit(
            report, staff_laocai, version=report.version, readings=readings(laocai, 1100)
        )
    rendered.clear()
    page = main(client_official.get(url, **EN))

    # Province, reports due, approved, submitted: the submission shows at once.
    assert table_rows(page, "completeness")[0][:4] == ["Lào Cai", "1", "0", "1"]
    assert "dashboards/_completeness_body.html" in rendered
    assert "dashboards/_national_body.html" not in rendered
    assert served_from_the_cache(client_official, compare, django_assert_max_num_queries) == (
        compared
    )


def test_an_agreement_of_no_province_renews_its_phases_slipping_agreements(
    january_2022,
    laocai,
    reviewer,
    client_official,
    django_capture_on_commit_callbacks,
):
    agency = OrganisationFactory(province=None, name="Bộ Thông tin", short_name="Bộ TT")
    # Filed under 2021–2025, signed in 2020 for a period that lies before the phase: a row
    # stored before a period had to share a year with its phase, so written around save().
    agreement = AgreementFactory(
        counterparty=agency, phase=laocai.agreement.phase, signed_on=datetime.date(2020, 9, 1)
    )
    Agreement.objects.filter(pk=agreement.pk).update(period_start=2019, period_end=2020)
    agreement.refresh_from_db()
    KpiTargetFactory(agreement=agreement, kpi=laocai.bts_total, target_value=1500)
    progress.recompute_all()
    url = "/?phase=2021-2025"
    # Listed only once a KPI slips.
    assert agreement.title not in by_title(main(client_official.get(url, **EN)))

    report = QuarterlyReportFactory(agreement=agreement, quarter=20204, submitted=True)
    KpiValueFactory(report=report, kpi=laocai.bts_total, value=100)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_report(report, reviewer, version=report.version)

    # Agreement, agency, phase, then its worst KPIs: the period ended short of the target.
    row = by_title(main(client_official.get(url, **EN)))[agreement.title]
    assert row[1:3] == ["Bộ Thông tin", "2021–2025"]
    # The counts shown are those of the statuses slipping here; the worst KPIs come last.
    assert row[-1].startswith("BTS stations")


def figures_of(page: str) -> str:
    """The national page without its completeness table, which every report's step changes."""
    return page[: page.index('<section aria-labelledby="completeness-title">')]


def by_title(page: str) -> dict[str, list[str]]:
    # With no agreement slipping the list is no table, but a sentence saying so.
    if 'data-table="at_risk"' not in page:
        return {}
    return {row[0].removesuffix(" DEMO"): row for row in table_rows(page, "at_risk")}


def test_a_page_of_two_phases_says_when_its_newest_figures_were_computed(
    january_2022,
    laocai,
    quangbinh,
    staff_laocai,
    reviewer,
    client_official,
    django_capture_on_commit_callbacks,
):
    approved_in_2014_2020(quangbinh)
    with time_machine.travel(datetime.datetime(2022, 1, 10, 9, 0, tzinfo=VIETNAM), tick=False):
        progress.recompute_all()

    # Approved and computed half an hour later, in 2021–2025 only: the 2014–2020 rows are
    # still true, and the page's figures are as of the approval.
    with time_machine.travel(datetime.datetime(2022, 1, 10, 9, 30, tzinfo=VIETNAM), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            report = services.get_or_create_report(laocai.agreement, QUARTER, staff_laocai)
            report = services.save_and_submit(
                report, staff_laocai, version=report.version, readings=readings(laocai, 1100)
            )
        with django_capture_on_commit_callbacks(execute=True):
            services.approve_report(report, reviewer, version=report.version)

    compare = main(client_official.get("/compare/?first=2014-2020&second=2021-2025", **EN))
    assert 'data-as-of="2022-01-10T09:30:00+07:00"' in compare
    assert "Figures computed at" in compare
