"""Search ignores diacritics and case, in the admin and on the pages, on every database."""

import pytest
from django.urls import reverse

from milestones.models import KpiValue, QuarterlyReport
from partnerships.models import Agreement, Kpi, KpiTarget, Organisation, Person
from provinces.models import Province, ProvinceAssignment

from .factories import (
    AgreementFactory,
    KpiFactory,
    KpiTargetFactory,
    KpiValueFactory,
    OrganisationFactory,
    PersonFactory,
    QuarterlyReportFactory,
)

QUERIES = {
    "lao cai": "lao_cai",
    "LAO CAI": "lao_cai",
    "Lào Cai": "lao_cai",
    "quang binh": "quang_binh",
    "Quảng Bình": "quang_binh",
    "QUẢNG BÌNH": "quang_binh",
}


@pytest.fixture
def rows(provinces, staff_laocai):
    lao_cai = AgreementFactory(
        counterparty=OrganisationFactory(province=provinces.former_lao_cai),
        title="Thỏa thuận hợp tác về viễn thông và chuyển đổi số",
    )
    quang_binh = AgreementFactory(
        counterparty=OrganisationFactory(province=provinces.former_quang_binh),
        title="Thỏa thuận hợp tác chiến lược giai đoạn 2020–2025",
    )
    return {"lao_cai": lao_cai, "quang_binh": quang_binh}


def _admin_results(client, model, query):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = client.get(url, {"q": query})
    assert response.status_code == 200
    return set(response.context["cl"].result_list)


@pytest.mark.parametrize("query", QUERIES)
def test_it_finds_provinces_in_the_admin(admin_client, provinces, query):
    expected = {
        "lao_cai": {provinces.lao_cai, provinces.former_lao_cai},
        "quang_binh": {provinces.former_quang_binh},
    }[QUERIES[query]]
    assert _admin_results(admin_client, Province, query) == expected


@pytest.mark.parametrize("query", QUERIES)
def test_it_finds_agreements_and_organisations_in_the_admin(admin_client, rows, query):
    agreement = rows[QUERIES[query]]
    assert _admin_results(admin_client, Agreement, query) == {agreement}
    assert _admin_results(admin_client, Organisation, query) == {agreement.counterparty}


@pytest.mark.parametrize("query", QUERIES)
def test_it_finds_rows_through_their_province_or_agreement_in_the_admin(
    admin_client, rows, staff_laocai, query
):
    agreement = rows[QUERIES[query]]
    report = QuarterlyReportFactory(agreement=agreement)
    QuarterlyReportFactory(
        agreement=rows["lao_cai" if agreement != rows["lao_cai"] else "quang_binh"]
    )
    assert _admin_results(admin_client, QuarterlyReport, query) == {report}
    assignments = _admin_results(admin_client, ProvinceAssignment, query)
    expected = (
        set(staff_laocai.province_assignments.all()) if QUERIES[query] == "lao_cai" else set()
    )
    assert assignments == expected


def test_it_still_searches_a_related_models_own_text_in_the_admin(admin_client, rows, staff_laocai):
    assert _admin_results(admin_client, ProvinceAssignment, "staff_laocai") == set(
        staff_laocai.province_assignments.all()
    )


@pytest.mark.parametrize("query", ["tong thanh hai", "TỐNG THANH HẢI", "Tống Thanh Hải"])
def test_it_finds_people_in_the_admin(admin_client, db, query):
    person = PersonFactory(full_name="Tống Thanh Hải")
    PersonFactory(full_name="Trần Công Thuật")
    assert _admin_results(admin_client, Person, query) == {person}


@pytest.mark.parametrize("query", ["trạm phát sóng", "tram phat song", "TRAM PHAT SONG"])
def test_it_finds_kpis_and_their_targets_in_the_admin_without_diacritics(admin_client, db, query):
    kpi = KpiFactory(name_vi="Trạm phát sóng vùng lõm", name_en="Stations in coverage gaps")
    other = KpiFactory(name_vi="Thuê bao cáp quang", name_en="Fibre subscribers")
    target = KpiTargetFactory(kpi=kpi)
    KpiTargetFactory(kpi=other)
    value = KpiValueFactory(kpi=kpi)
    KpiValueFactory(kpi=other)
    assert _admin_results(admin_client, Kpi, query) == {kpi}
    assert _admin_results(admin_client, KpiTarget, query) == {target}
    assert _admin_results(admin_client, KpiValue, query) == {value}
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "term": query,
            "app_label": "partnerships",
            "model_name": "kpitarget",
            "field_name": "kpi",
        },
    )
    assert [row["id"] for row in response.json()["results"]] == [str(kpi.pk)]


@pytest.mark.parametrize("query", QUERIES)
def test_it_finds_provinces_on_the_province_list(official_client, provinces, query):
    response = official_client.get(reverse("provinces:list"), {"q": query})
    found = set(response.context["page"].object_list)
    expected = {
        "lao_cai": {provinces.lao_cai, provinces.former_lao_cai},
        "quang_binh": {provinces.former_quang_binh},
    }[QUERIES[query]]
    assert found == expected


@pytest.mark.parametrize("query", QUERIES)
def test_it_finds_agreements_on_the_agreement_list(official_client, rows, query):
    response = official_client.get(reverse("partnerships:agreement-list"), {"q": query})
    assert set(response.context["page"].object_list) == {rows[QUERIES[query]]}


def test_it_matches_every_word_in_any_order(official_client, rows):
    response = official_client.get(reverse("partnerships:agreement-list"), {"q": "binh chien luoc"})
    assert set(response.context["page"].object_list) == {rows["quang_binh"]}
    response = official_client.get(reverse("partnerships:agreement-list"), {"q": "binh chuyen doi"})
    assert set(response.context["page"].object_list) == set()
