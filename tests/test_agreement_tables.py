"""A province's page lists the participants, commitments and milestones of its agreements, each
row naming its agreement, the agreement of the earliest period first."""

import datetime

import pytest
from django.utils import translation

from dashboards import services as dashboards
from partnerships.models import Agreement

from .factories import (
    AgreementFactory,
    CommitmentAreaFactory,
    CommitmentFactory,
    MilestoneFactory,
    OrganisationFactory,
    ParticipantFactory,
    PhaseFactory,
    ProvinceFactory,
)


@pytest.fixture
def two_agreements(db):
    province = ProvinceFactory(name="Lào Cai", former=True)
    committee = OrganisationFactory(province=province)
    # The later period is entered first, so its row comes first by key.
    later = AgreementFactory(counterparty=committee, phase=PhaseFactory())
    earlier = AgreementFactory(
        counterparty=committee, phase=PhaseFactory(start_year=2014, end_year=2020)
    )
    return list(
        Agreement.objects.filter(pk__in=[later.pk, earlier.pk]).select_related(
            "counterparty__province", "phase"
        )
    )


def test_each_row_names_its_agreement_the_earliest_period_first(two_agreements):
    later, earlier = sorted(two_agreements, key=lambda agreement: -agreement.period_start)
    area = CommitmentAreaFactory()
    for agreement in (later, earlier):
        ParticipantFactory(agreement=agreement)
        CommitmentFactory(agreement=agreement, area=area)
    MilestoneFactory(agreement=later, occurred_on=datetime.date(2021, 4, 29))
    MilestoneFactory(agreement=earlier, occurred_on=datetime.date(2015, 5, 12))

    with translation.override("vi"):
        participants = dashboards.participants_table(two_agreements).rows
        commitments = dashboards.commitments_table(two_agreements).rows
        milestones = dashboards.milestones_table(two_agreements).rows

    expected = ["Lào Cai 2014–2020", "Lào Cai 2021–2025"]
    assert [row["agreement"] for row in participants] == expected
    assert [row["agreement"] for row in commitments] == expected
    assert [row["agreement"] for row in milestones] == expected
    assert {row["state"] for row in commitments} == {"Chưa báo cáo"}


def test_an_agreement_without_commitments_asks_one_query_for_them(
    two_agreements, django_assert_num_queries
):
    with django_assert_num_queries(1):
        assert dashboards.commitments_table(two_agreements).rows == []
