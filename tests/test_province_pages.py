"""The province list and a province's page, as a signed-in user sees them."""

import datetime

import pytest
from django.urls import reverse

from core.dates import DatePrecision

from .factories import AgreementFactory, OrganisationFactory, PhaseFactory, ProvinceFactory

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _agreement_of(province, **kwargs):
    committee = province.organisations.first() or OrganisationFactory(province=province)
    return AgreementFactory(counterparty=committee, **kwargs)


def _rows(response):
    return [province.pk for province in response.context["page"].object_list]


def test_it_lists_current_and_former_provinces_with_their_mergers(official_client, provinces):
    response = official_client.get(reverse("provinces:list"), **EN)
    content = response.content.decode()
    assert response.status_code == 200
    assert set(_rows(response)) == {
        provinces.lao_cai.pk,
        provinces.former_lao_cai.pk,
        provinces.former_yen_bai.pk,
        provinces.quang_tri.pk,
        provinces.former_quang_binh.pk,
        provinces.former_quang_tri.pk,
        provinces.lai_chau.pk,
        provinces.former_lai_chau.pk,
    }
    assert provinces.former_yen_bai.get_absolute_url() in content
    assert "merged into" in content
    assert "absorbed" in content
    assert "former, until" in content


def test_it_filters_by_current_or_former(official_client, provinces):
    current = _rows(official_client.get(reverse("provinces:list"), {"status": "current"}))
    former = _rows(official_client.get(reverse("provinces:list"), {"status": "former"}))
    assert set(current) == {provinces.lao_cai.pk, provinces.quang_tri.pk, provinces.lai_chau.pk}
    assert provinces.former_quang_binh.pk in former
    assert provinces.quang_tri.pk not in former


def test_it_filters_by_region(official_client, provinces):
    rows = _rows(official_client.get(reverse("provinces:list"), {"region": "north_central"}))
    assert set(rows) == {
        provinces.quang_tri.pk,
        provinces.former_quang_binh.pk,
        provinces.former_quang_tri.pk,
    }


def test_it_refuses_an_unknown_region_with_a_message(official_client, provinces):
    response = official_client.get(reverse("provinces:list"), {"region": "atlantis"}, **EN)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_it_counts_a_current_provinces_agreements_through_its_merged_units(
    official_client, provinces
):
    _agreement_of(provinces.former_quang_binh)
    _agreement_of(provinces.former_quang_binh)
    _agreement_of(provinces.former_quang_tri)
    response = official_client.get(reverse("provinces:list"), {"status": "current"})
    counts = {
        province.pk: province.own_agreements + province.merged_agreements
        for province in response.context["page"].object_list
    }
    assert counts == {provinces.quang_tri.pk: 3, provinces.lao_cai.pk: 0, provinces.lai_chau.pk: 0}
    assert f"?province={provinces.quang_tri.slug}" in response.content.decode()


def test_it_pages_the_list_and_keeps_the_filters(official_client, db):
    for number in range(55):
        ProvinceFactory(name=f"Tỉnh phân trang {number:02d}", region="southeast")
    response = official_client.get(reverse("provinces:list"), {"region": "southeast"})
    assert len(response.context["page"].object_list) == 50
    assert "?region=southeast&amp;page=2" in response.content.decode()
    second = official_client.get(reverse("provinces:list"), {"region": "southeast", "page": 2})
    assert len(second.context["page"].object_list) == 5


def test_it_shows_a_current_provinces_predecessors_and_their_agreements_by_phase(
    official_client, provinces
):
    older = _agreement_of(
        provinces.former_quang_binh,
        phase=PhaseFactory(start_year=2014, end_year=2020),
        title="Thỏa thuận Quảng Bình 2015–2020",
        signed_on=datetime.date(2015, 1, 1),
        signed_precision=DatePrecision.YEAR,
    )
    newer = _agreement_of(
        provinces.former_quang_binh,
        phase=PhaseFactory(start_year=2021, end_year=2025),
        title="Thỏa thuận Quảng Bình 2020–2025",
        signed_on=datetime.date(2020, 9, 24),
    )
    unrelated = _agreement_of(provinces.former_lao_cai, title="Thỏa thuận Lào Cai")
    response = official_client.get(provinces.quang_tri.get_absolute_url(), **EN)
    content = response.content.decode()
    assert response.status_code == 200
    assert provinces.former_quang_binh.get_absolute_url() in content
    assert provinces.former_quang_tri.get_absolute_url() in content
    assert content.index("Phase 2014–2020") < content.index(older.title)
    assert content.index(older.title) < content.index("Phase 2021–2025")
    assert content.index("Phase 2021–2025") < content.index(newer.title)
    assert unrelated.title not in content
    assert ">2015<" in content
    assert "Strategic cooperation agreement" in content
    # A unit may have merged into a city: the page never calls it a province alone.
    assert "units merged into this province or city." in content
    assert "this province." not in content
    # Each phase's table scrolls in a frame of its own, named after its phase.
    for phase in ("2014–2020", "2021–2025"):
        assert f'tabindex="0" role="region" aria-label="Phase {phase}">\n<table>' in content


def test_a_province_without_agreements_is_called_a_province_or_city(official_client, provinces):
    content = official_client.get(provinces.lai_chau.get_absolute_url(), **EN).content.decode()
    assert "No agreement is recorded for this province or city." in content


def test_the_list_scrolls_in_a_named_frame(official_client, provinces):
    content = official_client.get(reverse("provinces:list"), **EN).content.decode()
    assert '<div class="scroll" tabindex="0" role="region" aria-label="Provinces">' in content


def test_it_shows_a_former_provinces_successor_and_only_its_own_agreements(
    official_client, provinces
):
    own = _agreement_of(provinces.former_quang_binh, title="Thỏa thuận Quảng Bình")
    neighbour = _agreement_of(provinces.former_quang_tri, title="Thỏa thuận Quảng Trị cũ")
    response = official_client.get(provinces.former_quang_binh.get_absolute_url(), **EN)
    content = response.content.decode()
    assert provinces.quang_tri.get_absolute_url() in content
    assert "also count for Quảng Trị" in content
    assert "until 30 Jun 2025" in content
    assert own.title in content
    assert neighbour.title not in content


def test_it_marks_only_demo_agreements(official_client, provinces):
    _agreement_of(provinces.former_lai_chau, title="Thỏa thuận thật")
    page = official_client.get(provinces.lai_chau.get_absolute_url()).content.decode()
    assert 'class="badge demo"' not in page
    _agreement_of(provinces.former_lai_chau, title="Thỏa thuận mẫu", is_demo=True)
    page = official_client.get(provinces.lai_chau.get_absolute_url()).content.decode()
    assert page.count('class="badge demo"') == 1


def test_it_answers_404_for_an_unknown_province(official_client, db):
    assert official_client.get(reverse("provinces:detail", args=["khong-co"])).status_code == 404


def _merged_province_with(count):
    current = ProvinceFactory()
    for _number in range(count):
        former = ProvinceFactory(former=True, successor=current)
        _agreement_of(former)
    return current


@pytest.mark.parametrize("count", [2, 12])
def test_it_lists_provinces_in_a_fixed_number_of_queries(
    official_client, django_assert_max_num_queries, count
):
    _merged_province_with(count)
    # Session, user, the header's unread count, count, page with its predecessors: the same
    # at any size.
    with django_assert_max_num_queries(6):
        response = official_client.get(reverse("provinces:list"))
    assert len(response.context["page"].object_list) == count + 1


@pytest.mark.parametrize("count", [2, 12])
def test_it_shows_a_province_in_a_fixed_number_of_queries(
    official_client, django_assert_max_num_queries, count
):
    province = _merged_province_with(count)
    # Session, user, province, predecessors, the lineage (two steps) and agreements.
    with django_assert_max_num_queries(7):
        response = official_client.get(province.get_absolute_url())
    assert response.content.decode().count("/agreements/") >= count
