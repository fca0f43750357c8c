"""Each model-level rule refuses bad input with its message, in the models and in the admin."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from core.dates import DatePrecision
from milestones.models import CommitmentProgress, KpiValue
from partnerships.models import (
    Agreement,
    Kpi,
    KpiTarget,
    Milestone,
    Organisation,
    OrganisationKind,
    Phase,
)

from .factories import (
    AgreementFactory,
    CommitmentFactory,
    KpiFactory,
    OrganisationFactory,
    PhaseFactory,
    QuarterlyReportFactory,
    SourceFactory,
)


def _errors(obj):
    """The English messages, by field, that full_clean() gives for obj."""
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            obj.full_clean()
        # Messages are translated when they are read, so read them in English.
        return refused.value.message_dict


def _value(kpi, **fields):
    return KpiValue(report=QuarterlyReportFactory(quarter=20204), kpi=kpi, **fields)


def test_it_refuses_a_numerator_above_its_denominator(db):
    value = _value(KpiFactory(ratio=True), numerator=1570, denominator=1569)
    assert _errors(value)["numerator"] == [
        "The numerator (1,570) cannot be greater than the denominator (1,569)."
    ]


def test_it_refuses_a_negative_count(db):
    assert _errors(_value(KpiFactory(), value=-3))["value"] == ["A count cannot be negative."]


def test_it_refuses_a_negative_numerator(db):
    value = _value(KpiFactory(ratio=True), numerator=-1, denominator=10)
    assert _errors(value)["numerator"] == ["A count cannot be negative."]


def test_it_refuses_a_zero_denominator(db):
    value = _value(KpiFactory(ratio=True), numerator=0, denominator=0)
    assert _errors(value)["denominator"] == ["The denominator must be greater than zero."]


def test_it_refuses_a_percentage_above_100_in_a_reading(db):
    value = _value(KpiFactory(percentage=True), value=130)
    assert _errors(value)["value"] == ["A percentage cannot be above 100."]


def test_it_refuses_a_share_above_100_in_a_target(db):
    target = KpiTarget(
        agreement=AgreementFactory(),
        kpi=KpiFactory(percentage=True),
        baseline_value=30,
        target_value=120,
        target_on=datetime.date(2025, 12, 31),
    )
    assert _errors(target)["target_value"] == ["A share cannot be above 100 per cent."]


def test_it_refuses_a_negative_target(db):
    target = KpiTarget(
        agreement=AgreementFactory(),
        kpi=KpiFactory(),
        baseline_value=-5,
        target_value=100,
        target_on=datetime.date(2025, 12, 31),
    )
    assert _errors(target)["baseline_value"] == ["A target or baseline cannot be negative."]


def test_it_refuses_a_target_date_before_the_baseline(db):
    target = KpiTarget(
        agreement=AgreementFactory(),
        kpi=KpiFactory(),
        baseline_value=5,
        baseline_on=datetime.date(2021, 1, 1),
        target_value=100,
        target_on=datetime.date(2020, 12, 31),
    )
    assert _errors(target)["target_on"] == ["The target date cannot come before the baseline date."]


@pytest.mark.parametrize(
    ("target_on", "shown"),
    [(datetime.date(2030, 12, 31), "31 Dec 2030"), (datetime.date(2019, 1, 1), "1 Jan 2019")],
)
def test_it_refuses_a_target_date_outside_the_agreements_period(db, target_on, shown):
    target = KpiTarget(
        agreement=AgreementFactory(phase=PhaseFactory(start_year=2021, end_year=2025)),
        kpi=KpiFactory(),
        target_value=100,
        target_on=target_on,
    )
    assert _errors(target)["target_on"] == [
        f"The target date {shown} lies outside the agreement's period (2021–2025): choose a "
        "date from 1 Jan 2021 to 31 Dec 2025."
    ]


@pytest.mark.parametrize("target_on", [datetime.date(2021, 1, 1), datetime.date(2025, 12, 31)])
def test_it_accepts_a_target_date_on_either_end_of_the_period(db, target_on):
    agreement = AgreementFactory(phase=PhaseFactory(start_year=2021, end_year=2025))
    KpiTarget(agreement=agreement, kpi=KpiFactory(), target_value=100, target_on=target_on).save()
    assert agreement.targets.get().target_on == target_on


def test_it_refuses_a_sourced_baseline_flagged_as_demo(db):
    target = KpiTarget(
        agreement=AgreementFactory(),
        kpi=KpiFactory(),
        baseline_value=1000,
        baseline_source=SourceFactory(code="003"),
        baseline_is_demo=True,
        target_value=1500,
        target_on=datetime.date(2025, 12, 31),
    )
    assert _errors(target)["baseline_is_demo"] == [
        "A baseline taken from a source is a fact, not demo data: clear one of the two."
    ]


def test_it_refuses_a_period_that_ends_before_it_starts(db):
    agreement = AgreementFactory.build(
        counterparty=OrganisationFactory(), phase=PhaseFactory(), period_start=2025, period_end=2021
    )
    assert _errors(agreement)["period_end"] == [
        "The period cannot end (2021) before it starts (2025)."
    ]


def test_it_refuses_a_phase_that_ends_before_it_starts(db):
    phase = Phase(code="2025-2021", name="2025–2021", start_year=2025, end_year=2021)
    assert _errors(phase)["end_year"] == ["A phase cannot end before it starts."]


def test_it_refuses_a_signing_date_outside_the_phase(db):
    agreement = AgreementFactory.build(
        counterparty=OrganisationFactory(),
        phase=PhaseFactory(start_year=2021, end_year=2025),
        signed_on=datetime.date(2014, 9, 17),
    )
    assert _errors(agreement)["signed_on"] == [
        "The signing date 17 Sep 2014 lies outside the phase 2021–2025."
    ]


def test_it_accepts_a_signing_in_the_year_before_the_phase(db):
    agreement = AgreementFactory.build(
        counterparty=OrganisationFactory(),
        phase=PhaseFactory(start_year=2021, end_year=2025),
        signed_on=datetime.date(2020, 9, 24),
    )
    agreement.full_clean()


def test_it_refuses_a_month_precision_date_not_on_the_first(db):
    agreement = AgreementFactory.build(
        counterparty=OrganisationFactory(),
        phase=PhaseFactory(start_year=2014, end_year=2020),
        signed_on=datetime.date(2014, 8, 15),
        signed_precision=DatePrecision.MONTH,
    )
    milestone = Milestone(
        agreement=AgreementFactory(),
        title="Hoàn thành cáp quang",
        occurred_on=datetime.date(2020, 9, 17),
        precision=DatePrecision.MONTH,
    )
    message = "A date known only to the month must be stored as the month's first day."
    assert _errors(agreement)["signed_on"] == [message]
    assert _errors(milestone)["occurred_on"] == [message]


def test_it_refuses_a_year_precision_date_not_on_the_first_of_january(db):
    agreement = AgreementFactory.build(
        counterparty=OrganisationFactory(),
        phase=PhaseFactory(start_year=2014, end_year=2020),
        signed_on=datetime.date(2015, 6, 1),
        signed_precision=DatePrecision.YEAR,
    )
    assert _errors(agreement)["signed_on"] == [
        "A date known only to the year must be stored as 1 January."
    ]


def test_it_refuses_a_measured_date_outside_the_reports_quarter(db):
    value = _value(KpiFactory(), value=1000, measured_on=datetime.date(2021, 1, 15))
    assert _errors(value)["measured_on"] == [
        "The date 15 Jan 2021 lies outside Q4/2020 (1 Oct 2020 – 31 Dec 2020)."
    ]


def test_it_refuses_commitment_progress_above_100(db):
    progress = CommitmentProgress(
        report=QuarterlyReportFactory(), commitment=CommitmentFactory(), percent_complete=140
    )
    assert _errors(progress)["percent_complete"] == ["A percentage cannot be above 100."]


def test_it_refuses_a_peoples_committee_without_a_province(db):
    committee = Organisation(name="UBND tỉnh", kind=OrganisationKind.PEOPLES_COMMITTEE)
    assert _errors(committee)["province"] == ["A People's Committee belongs to a province."]


def test_it_refuses_a_ratio_added_up_as_a_plain_sum(db):
    kpi = Kpi(
        code="villages_fibre",
        name_vi="Thôn có cáp quang",
        name_en="Villages with fibre",
        kind="ratio",
        space_aggregation="sum",
    )
    assert _errors(kpi)["space_aggregation"] == [
        "A ratio adds up as a sum of numerators over denominators."
    ]


def test_it_refuses_bad_rows_on_save_too_and_stores_nothing(db):
    agreement = AgreementFactory.build(
        counterparty=OrganisationFactory(), phase=PhaseFactory(), period_start=2025, period_end=2021
    )
    with pytest.raises(ValidationError):
        agreement.save()
    with pytest.raises(ValidationError):
        _value(KpiFactory(ratio=True), numerator=5, denominator=4).save()
    assert not Agreement.objects.filter(period_start=2025).exists()
    assert not KpiValue.objects.exists()


# The admin shows the same messages on its forms, never a server error.

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _management(*prefixes, total=0):
    data = {}
    for prefix in prefixes:
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": str(total),
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    return data


def _agreement_form(**overrides):
    phase = PhaseFactory(start_year=2021, end_year=2025)
    data = {
        "title": "Biên bản ghi nhớ Lai Châu – VNPT",
        "counterparty": OrganisationFactory().pk,
        "kind": "mou",
        "phase": phase.pk,
        "period_start": "2021",
        "period_end": "2025",
        "signed_on": "2021-04-29",
        "signed_precision": "day",
        "place": "Hà Nội",
        "signing_mode": "in_person",
        "notes": "",
        **_management("participants", "commitments", "targets", "milestones"),
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"period_start": "2025", "period_end": "2021"}, "cannot end (2021) before it starts"),
        ({"signed_on": "2014-09-17"}, "lies outside the phase 2021–2025"),
        (
            {"signed_on": "2021-04-29", "signed_precision": "month"},
            "must be stored as the month&#x27;s first day",
        ),
        (
            {"terminated_on": "2026-01-01"},
            "can only be terminated between its signing and the end of its period",
        ),
        (
            {"terminated_on": "2021-04-28"},
            "can only be terminated between its signing and the end of its period",
        ),
    ],
)
def test_it_shows_an_agreements_errors_in_the_admin(admin_client, db, overrides, message):
    response = admin_client.post(
        reverse("admin:partnerships_agreement_add"), _agreement_form(**overrides), **EN
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Agreement.objects.exists()


def test_it_saves_a_valid_agreement_through_the_admin(admin_client, db):
    response = admin_client.post(reverse("admin:partnerships_agreement_add"), _agreement_form())
    assert response.status_code == 302
    assert Agreement.objects.get().search_text.startswith("bien ban ghi nho lai chau")


def test_it_shows_an_inline_targets_error_in_the_admin(admin_client, db):
    kpi = KpiFactory(percentage=True)
    data = _agreement_form(
        **_management("targets", total=1),
        **{
            "targets-0-kpi": kpi.pk,
            "targets-0-target_value": "130",
            "targets-0-target_on": "2025-12-31",
        },
    )
    response = admin_client.post(reverse("admin:partnerships_agreement_add"), data, **EN)
    assert response.status_code == 200
    assert "A share cannot be above 100 per cent." in response.content.decode()
    assert not Agreement.objects.exists()


def test_it_refuses_a_target_dated_after_a_new_agreements_period_in_the_admin(admin_client, db):
    data = _agreement_form(
        **_management("targets", total=1),
        **{
            "targets-0-kpi": KpiFactory().pk,
            "targets-0-target_value": "1500",
            "targets-0-target_on": "2030-12-31",
        },
    )
    response = admin_client.post(reverse("admin:partnerships_agreement_add"), data, **EN)
    assert response.status_code == 200
    assert (
        "The target date 31 Dec 2030 lies outside the agreement&#x27;s period (2021–2025)"
        in response.content.decode()
    )
    assert not Agreement.objects.exists()


def test_it_shows_a_readings_error_on_an_open_report_in_the_admin(admin_client, db):
    report = QuarterlyReportFactory(quarter=20204)
    kpi = KpiFactory(ratio=True)
    data = {
        "narrative": "",
        "source": "",
        **_management("values", total=1),
        **_management("commitment_updates", "evidence"),
        "values-0-kpi": kpi.pk,
        "values-0-numerator": "1570",
        "values-0-denominator": "1569",
        "values-0-measured_on": "2021-01-15",
    }
    response = admin_client.post(
        reverse("admin:milestones_quarterlyreport_change", args=[report.pk]), data, **EN
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "cannot be greater than the denominator" in content
    assert "lies outside Q4/2020" in content
    assert not KpiValue.objects.exists()


def test_it_asks_for_the_kpi_of_a_reading_instead_of_failing(admin_client, db):
    report = QuarterlyReportFactory(quarter=20204)
    data = {
        "narrative": "",
        "source": "",
        **_management("values", total=1),
        **_management("commitment_updates", "evidence"),
        "values-0-value": "12",
    }
    response = admin_client.post(
        reverse("admin:milestones_quarterlyreport_change", args=[report.pk]), data, **EN
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
