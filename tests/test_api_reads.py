"""Reading the portal's records through the API: lineage, filters, pagination, ordering."""

import datetime

import django_filters
import pytest
from django.utils import timezone
from drf_spectacular.generators import EndpointEnumerator

from core.filters import BooleanFilter
from milestones.models import ReportStatus
from progress.models import AgreementProgress, ProvinceProgress

from .api import token_client, url
from .factories import (
    AgreementFactory,
    KpiValueFactory,
    OrganisationFactory,
    ParticipantFactory,
    PhaseFactory,
    QuarterlyReportFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(official):
    return token_client(official)


def by_slug(results):
    return {item["slug"]: item for item in results}


def test_it_lists_current_and_former_provinces_with_their_lineage(api, provinces):
    results = api.get(url("province-list")).json()["results"]
    provinces_by_slug = by_slug(results)
    quang_binh = provinces_by_slug["quang-binh-truoc-2025"]
    assert quang_binh["is_current"] is False
    assert quang_binh["successor"]["slug"] == "quang-tri"
    quang_tri = provinces_by_slug["quang-tri"]
    assert {p["slug"] for p in quang_tri["predecessors"]} == {
        "quang-binh-truoc-2025",
        "quang-tri-truoc-2025",
    }


def test_it_filters_provinces_with_the_pages_filterset(api, provinces):
    former = api.get(url("province-list"), {"status": "former"}).json()["results"]
    assert all(not item["is_current"] for item in former)
    found = api.get(url("province-list"), {"q": "quang binh"}).json()["results"]
    assert [item["slug"] for item in found] == ["quang-binh-truoc-2025"]


def test_it_answers_a_bad_filter_value_with_400(api, provinces):
    response = api.get(url("province-list"), {"region": "atlantis"})
    assert response.status_code == 400
    assert "region" in response.json()["errors"]


def test_it_shows_an_agreement_with_signatories_commitments_and_provinces(api, laocai):
    source = SourceFactory(code="003")
    laocai.agreement.sources.add(source)
    ParticipantFactory(agreement=laocai.agreement, title_then="Chủ tịch UBND tỉnh")
    data = api.get(url("agreement-detail", laocai.agreement.pk)).json()
    assert data["title"] == laocai.agreement.title
    assert data["province"]["slug"] == "lao-cai-truoc-2025"
    assert data["current_province"]["slug"] == "lao-cai"
    assert data["sources"] == ["003"]
    assert data["participants"][0]["title_then"] == "Chủ tịch UBND tỉnh"
    assert data["commitments"][0]["text"] == "Phủ sóng 100% thôn, bản"


def test_it_counts_a_former_provinces_agreements_for_the_province_it_became(
    api, provinces, laocai, quangbinh
):
    results = api.get(url("agreement-list"), {"province": "quang-tri"}).json()["results"]
    assert [item["id"] for item in results] == [quangbinh.agreement.pk]


def test_it_lists_agreements_in_a_fixed_number_of_queries(
    api, provinces, laocai, quangbinh, django_assert_max_num_queries
):
    for number in range(5):
        agreement = AgreementFactory(
            counterparty=OrganisationFactory(
                province=provinces.former_yen_bai, name=f"UBND {number}"
            ),
            phase=PhaseFactory(start_year=2021, end_year=2025),
        )
        ParticipantFactory(agreement=agreement)
    api.get(url("agreement-list"))
    with django_assert_max_num_queries(10):
        response = api.get(url("agreement-list"))
    assert response.json()["count"] == 7


def test_it_pages_and_orders_lists(api, provinces):
    first = api.get(url("province-list"), {"ordering": "-name"}).json()
    assert first["count"] == 8
    names = [item["name"] for item in first["results"]]
    assert names == sorted(names, reverse=True)


def test_it_looks_kpis_up_by_code(api, laocai):
    data = api.get(url("kpi-detail", "bts_4g")).json()
    assert data["parent"] == "bts_total"
    assert data["kind"] == "count"
    ratios = api.get(url("kpi-list"), {"kind": "ratio"}).json()["results"]
    assert [item["code"] for item in ratios] == ["villages_fibre"]


def test_it_lists_targets_of_an_agreement(api, laocai):
    results = api.get(url("target-list"), {"agreement": laocai.agreement.pk}).json()["results"]
    assert {item["kpi"]: item["target_value"] for item in results} == {
        "bts_total": "1500.00",
        "bts_4g": "900.00",
        "villages_fibre": "100.00",
        "level4_services_pct": "80.00",
    }


def test_it_serves_only_approved_values(api, laocai):
    draft = QuarterlyReportFactory(agreement=laocai.agreement, quarter=20214)
    KpiValueFactory(report=draft, kpi=laocai.bts_total, value=5000)
    results = api.get(url("value-list"), {"kpi": "bts_total"}).json()["results"]
    assert [(item["quarter"], item["value"]) for item in results] == [("2021Q3", "1000.00")]


def test_it_filters_values_by_province_lineage_and_quarter(api, laocai, quangbinh):
    later = QuarterlyReportFactory(
        agreement=quangbinh.agreement, quarter=20221, status=ReportStatus.APPROVED
    )
    KpiValueFactory(report=later, kpi=quangbinh.bts_total, value=1200)
    results = api.get(
        url("value-list"), {"province": "quang-tri", "kpi": "bts_total", "quarter_from": "Q1/2022"}
    ).json()["results"]
    assert [(item["province"]["slug"], item["quarter"]) for item in results] == [
        ("quang-binh-truoc-2025", "2022Q1")
    ]
    ratio = api.get(url("value-list"), {"kpi": "villages_fibre", "province": "lao-cai"}).json()
    item = ratio["results"][0]
    assert (item["numerator"], item["denominator"]) == ("1024.00", "1569.00")


def test_it_refuses_a_quarter_it_cannot_read(api, laocai):
    response = api.get(url("value-list"), {"quarter": "autumn"})
    assert response.status_code == 400
    assert "quarter" in response.json()["errors"]


def test_it_serves_the_computed_progress(api, provinces, laocai):
    now = timezone.now()
    AgreementProgress.objects.create(
        agreement=laocai.agreement,
        kpi=laocai.bts_total,
        latest_quarter=20213,
        value=1000,
        target_value=1500,
        attainment=20,
        status="at_risk",
        computed_at=now,
    )
    ProvinceProgress.objects.create(
        province=provinces.lao_cai,
        phase=laocai.agreement.phase,
        kpi=laocai.bts_total,
        latest_quarter=20213,
        value=1000,
        status="at_risk",
        agreements=1,
        computed_at=now,
    )
    agreement_rows = api.get(
        url("agreement-progress-list"), {"agreement": laocai.agreement.pk}
    ).json()["results"]
    assert [(row["kpi"], row["latest_quarter"], row["status"]) for row in agreement_rows] == [
        ("bts_total", "2021Q3", "at_risk")
    ]
    province_rows = api.get(
        url("province-progress-list"), {"province": "lao-cai", "phase": "2021-2025"}
    ).json()["results"]
    assert [(row["province"]["slug"], row["value"]) for row in province_rows] == [
        ("lao-cai", "1000.00")
    ]
    assert api.get(url("national-progress-list")).json()["count"] == 0


def test_it_lists_the_endpoints_at_the_root(api):
    root = api.get("/api/v1/").json()
    assert root["report"].endswith("/api/v1/reports/")
    assert root["province"].endswith("/api/v1/provinces/")


def test_it_reads_with_the_browser_session_too(client, official, provinces):
    client.force_login(official)
    response = client.get(url("province-list"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.json()["count"] == 8


def test_it_keeps_dates_and_partial_dates_as_the_sources_give_them(api, provinces):
    agreement = AgreementFactory(
        counterparty=OrganisationFactory(province=provinces.former_quang_binh),
        phase=PhaseFactory(start_year=2014, end_year=2020),
        signed_on=datetime.date(2015, 1, 1),
        signed_precision="year",
    )
    data = api.get(url("agreement-detail", agreement.pk)).json()
    assert (data["signed_on"], data["signed_precision"], data["signed_label"]) == (
        "2015-01-01",
        "year",
        "2015",
    )


def test_it_renders_the_browsable_api_for_a_signed_in_browser(client, staff_laocai, laocai):
    from .test_api_permissions import complete_report

    report = complete_report(laocai)
    client.force_login(staff_laocai)
    for path in (
        url("report-list"),
        url("report-detail", report.pk),
        url("agreement-list"),
        url("value-list"),
        "/api/v1/",
    ):
        response = client.get(path, HTTP_ACCEPT="text/html", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200, path
        assert "Django REST framework" in response.content.decode()


def test_it_lists_reports_with_their_values_in_a_fixed_number_of_queries(
    api, laocai, quangbinh, django_assert_num_queries
):
    for quarter in (20221, 20222, 20223):
        for scenario in (laocai, quangbinh):
            report = QuarterlyReportFactory(
                agreement=scenario.agreement, quarter=quarter, status=ReportStatus.APPROVED
            )
            KpiValueFactory(report=report, kpi=scenario.bts_total, value=quarter % 10 * 100)
            KpiValueFactory(report=report, kpi=scenario.level4, value=50)
    api.get(url("report-list"))
    # Token and user; the count and the page; its values, their KPIs and commitments.
    with django_assert_num_queries(7):
        response = api.get(url("report-list"))
    reports = response.json()["results"]
    assert len(reports) == 8
    latest = reports[0]
    assert latest["quarter"] == "2022Q3"
    assert {value["kpi"]: value["value"] for value in latest["values"]} == {
        "bts_total": "300.00",
        "level4_services_pct": "50.00",
    }


@pytest.fixture
def demo_value(laocai):
    """An approved demonstration value next to the scenario's real ones (2021Q3)."""
    demo = QuarterlyReportFactory(
        agreement=laocai.agreement, quarter=20214, status=ReportStatus.APPROVED, is_demo=True
    )
    return KpiValueFactory(report=demo, kpi=laocai.bts_total, value=1100)


@pytest.mark.parametrize(
    ("given", "quarters"),
    [
        ("true", ["2021Q4"]),
        ("True", ["2021Q4"]),
        ("1", ["2021Q4"]),
        ("false", ["2021Q3"]),
        ("0", ["2021Q3"]),
        ("", ["2021Q3", "2021Q4"]),
    ],
)
def test_a_yes_or_no_filter_reads_true_false_1_and_0(api, laocai, demo_value, given, quarters):
    response = api.get(url("value-list"), {"kpi": "bts_total", "is_demo": given})
    assert response.status_code == 200, response.json()
    assert sorted(item["quarter"] for item in response.json()["results"]) == quarters


@pytest.mark.parametrize(
    ("endpoint", "name", "given"),
    [
        ("value-list", "is_demo", "no"),
        ("value-list", "is_demo", "maybe"),
        ("value-list", "is_demo", "2"),
        ("target-list", "is_demo", "no"),
        ("kpi-list", "is_headline", "maybe"),
    ],
)
def test_a_yes_or_no_filter_refuses_any_other_value_naming_it(
    api, laocai, demo_value, endpoint, name, given
):
    response = api.get(url(endpoint), {name: given})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"] == {name: ["Enter true or false (or 1 or 0)."]}


def test_a_yes_or_no_filter_refuses_in_the_clients_language(official, laocai):
    response = token_client(official, language="vi").get(url("value-list"), {"is_demo": "có"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"is_demo": ["Nhập true hoặc false (hoặc 1, 0)."]}


def test_every_yes_or_no_filter_of_the_api_is_the_strict_one():
    """A filterset with django-filter's own BooleanFilter would answer a bad value with the
    whole list again; core.filters.FilterSet gives a boolean named in Meta.fields the strict one."""
    found = {
        (view.filterset_class.__name__, name, type(filter_) is BooleanFilter)
        for _path, _regex, _method, callback in EndpointEnumerator().get_api_endpoints()
        if (view := getattr(callback, "cls", None)) and getattr(view, "filterset_class", None)
        for name, filter_ in view.filterset_class.base_filters.items()
        if isinstance(filter_, django_filters.BooleanFilter)
    }
    assert {
        ("ApprovedValueFilterSet", "is_demo", True),
        ("KpiTargetFilterSet", "is_demo", True),
        ("KpiFilterSet", "is_headline", True),
    } <= found
    assert [entry for entry in found if not entry[2]] == []
