"""Each filter of the agreement list, alone and together."""

import datetime

import pytest
from django.urls import reverse

from partnerships.models import AgreementKind, OrganisationKind

from .factories import AgreementFactory, OrganisationFactory, PhaseFactory
from .test_notifications import described_by_missing

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def agreements(provinces):
    """Quảng Bình's two agreements, Lào Cai's, the former Quảng Trị's, and a central agency's.

    Today the first Quảng Bình agreement is superseded by the second, Lào Cai's was terminated
    early and the others have ended.
    """
    early = PhaseFactory(start_year=2014, end_year=2020)
    late = PhaseFactory(start_year=2021, end_year=2025)
    quang_binh = OrganisationFactory(province=provinces.former_quang_binh)
    quang_binh_2015 = AgreementFactory(
        counterparty=quang_binh,
        phase=early,
        period_start=2015,
        signed_on=datetime.date(2015, 1, 1),
        signed_precision="year",
    )
    return {
        "quang_binh_2015": quang_binh_2015,
        "quang_binh_2020": AgreementFactory(
            counterparty=quang_binh,
            phase=late,
            period_start=2020,
            signed_on=datetime.date(2020, 9, 24),
            predecessor=quang_binh_2015,
        ),
        "lao_cai_2014": AgreementFactory(
            counterparty=OrganisationFactory(province=provinces.former_lao_cai),
            phase=early,
            signed_on=datetime.date(2014, 9, 17),
            terminated_on=datetime.date(2018, 6, 30),
        ),
        "quang_tri_2021": AgreementFactory(
            counterparty=OrganisationFactory(province=provinces.former_quang_tri),
            phase=late,
            kind=AgreementKind.MOU,
        ),
        "ethnic_affairs_2014": AgreementFactory(
            counterparty=OrganisationFactory(
                province=None,
                name="Ủy ban Dân tộc",
                short_name="Ủy ban Dân tộc",
                kind=OrganisationKind.CENTRAL_AGENCY,
            ),
            phase=early,
            kind=AgreementKind.PROGRAMME,
            signed_on=datetime.date(2014, 9, 1),
            signed_precision="month",
        ),
    }


def _found(client, agreements, **params):
    response = client.get(reverse("partnerships:agreement-list"), params, **EN)
    assert response.status_code == 200
    names = {agreement.pk: name for name, agreement in agreements.items()}
    return {names[agreement.pk] for agreement in response.context["page"].object_list}


def test_it_filters_by_phase(official_client, agreements):
    assert _found(official_client, agreements, phase="2014-2020") == {
        "quang_binh_2015",
        "lao_cai_2014",
        "ethnic_affairs_2014",
    }


def test_it_filters_by_kind(official_client, agreements):
    assert _found(official_client, agreements, kind="mou") == {"quang_tri_2021"}
    assert _found(official_client, agreements, kind="programme") == {"ethnic_affairs_2014"}


def test_it_filters_by_counterparty(official_client, agreements):
    counterparty = agreements["quang_binh_2015"].counterparty.pk
    assert _found(official_client, agreements, counterparty=counterparty) == {
        "quang_binh_2015",
        "quang_binh_2020",
    }


def test_it_matches_a_current_provinces_merged_units(official_client, agreements, provinces):
    assert _found(official_client, agreements, province=provinces.quang_tri.slug) == {
        "quang_binh_2015",
        "quang_binh_2020",
        "quang_tri_2021",
    }


def test_it_matches_only_a_former_provinces_own_agreements(official_client, agreements, provinces):
    assert _found(official_client, agreements, province=provinces.former_quang_binh.slug) == {
        "quang_binh_2015",
        "quang_binh_2020",
    }
    assert _found(official_client, agreements, province=provinces.former_quang_tri.slug) == {
        "quang_tri_2021"
    }


def test_it_filters_by_signing_year(official_client, agreements):
    assert _found(official_client, agreements, signed_year=2014) == {
        "lao_cai_2014",
        "ethnic_affairs_2014",
    }
    assert _found(official_client, agreements, signed_year=2020) == {"quang_binh_2020"}


def test_it_filters_by_status(official_client, agreements):
    """`status` keeps its name and filters by today's state, derived from the dates."""
    assert _found(official_client, agreements, status="superseded") == {"quang_binh_2015"}
    assert _found(official_client, agreements, status="terminated") == {"lao_cai_2014"}
    assert _found(official_client, agreements, status="ended") == {
        "quang_binh_2020",
        "quang_tri_2021",
        "ethnic_affairs_2014",
    }
    assert _found(official_client, agreements, status="in_force") == set()


def test_it_searches_titles_counterparties_and_provinces(official_client, agreements):
    assert _found(official_client, agreements, q="dan toc") == {"ethnic_affairs_2014"}
    assert _found(official_client, agreements, q="lao cai") == {"lao_cai_2014"}


def test_it_combines_filters(official_client, agreements, provinces):
    found = _found(
        official_client,
        agreements,
        province=provinces.quang_tri.slug,
        phase="2014-2020",
        status="superseded",
        signed_year=2015,
    )
    assert found == {"quang_binh_2015"}
    assert _found(official_client, agreements, province=provinces.lao_cai.slug, kind="mou") == set()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        # A year's own example: a whole number's (1490) makes no sense for a year.
        ({"signed_year": "năm ngoái"}, "Enter a year, such as 2021."),
        ({"signed_year": "2021.5"}, "Enter a year, such as 2021."),
        ({"signed_year": "1066"}, "greater than or equal to 1990"),
        ({"province": "atlantis"}, "Select a valid choice."),
        ({"phase": "1990-1995"}, "Select a valid choice."),
    ],
)
def test_it_explains_bad_filter_values_instead_of_failing(
    official_client, agreements, params, message
):
    response = official_client.get(reverse("partnerships:agreement-list"), params, **EN)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    # The message under the id the refused filter's control names in aria-describedby.
    (name,) = params
    assert f'id="id_{name}_error"' in page
    assert described_by_missing(page) == []


def test_a_year_that_is_no_number_is_asked_for_as_a_year_in_vietnamese(official_client, agreements):
    response = official_client.get(reverse("partnerships:agreement-list"), {"signed_year": "abc"})
    assert "Nhập một năm, ví dụ 2021." in response.content.decode()


def test_it_keeps_the_chosen_filters_in_the_form(official_client, agreements, provinces):
    content = official_client.get(
        reverse("partnerships:agreement-list"),
        {"province": provinces.quang_tri.slug, "signed_year": 2015},
    ).content.decode()
    assert f'<option value="{provinces.quang_tri.slug}" selected>' in content
    assert 'value="2015"' in content
