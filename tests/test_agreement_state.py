"""An agreement's state follows from its dates and today, unless it was terminated early.

Each state is checked on the days it begins and ends, in Python (`state_on`) and in SQL
(`with_state`, `in_state`), which must always agree.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from milestones.schedule import reportable_quarters
from partnerships.models import Agreement, AgreementState

from .api import token_client, url
from .factories import AgreementFactory, OrganisationFactory, PhaseFactory, ProvinceFactory

pytestmark = pytest.mark.django_db

d = datetime.date
NOT_YET, IN_FORCE, ENDED, SUPERSEDED, TERMINATED = (
    AgreementState.NOT_YET_IN_FORCE,
    AgreementState.IN_FORCE,
    AgreementState.ENDED,
    AgreementState.SUPERSEDED,
    AgreementState.TERMINATED,
)


@pytest.fixture
def phase():
    return PhaseFactory(code="2021-2025", name="2021–2025", start_year=2021, end_year=2025)


def _lao_cai(phase, **fields):
    """Lào Cai's 2021–2025 agreement, signed on 5 August 2021."""
    return AgreementFactory(phase=phase, signed_on=d(2021, 8, 5), **fields)


def _after_the_merger(agreement, **fields):
    """The next agreement of the unit, signed by the province it became part of in 2025."""
    former = agreement.counterparty.province
    former.successor = ProvinceFactory()
    former.save()
    counterparty = OrganisationFactory(province=former.successor)
    return AgreementFactory(counterparty=counterparty, predecessor=agreement, **fields)


def _assert_state(agreement, today, expected):
    assert agreement.state_on(today) == expected
    assert Agreement.objects.with_state(today).get(pk=agreement.pk).state == expected
    for state in AgreementState:
        found = Agreement.objects.in_state(state, today).filter(pk=agreement.pk).exists()
        assert found == (state == expected), state
    in_force = Agreement.objects.in_force(today).filter(pk=agreement.pk).exists()
    assert in_force == (expected == IN_FORCE)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (d(2021, 8, 4), NOT_YET),
        (d(2021, 8, 5), IN_FORCE),
        (d(2025, 12, 31), IN_FORCE),
        (d(2026, 1, 1), ENDED),
    ],
)
def test_it_is_in_force_from_signing_to_the_end_of_its_period(phase, today, expected):
    _assert_state(_lao_cai(phase), today, expected)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (d(2020, 12, 31), NOT_YET),
        (d(2021, 1, 1), IN_FORCE),
    ],
)
def test_it_starts_with_the_period_when_the_signing_date_is_unknown(phase, today, expected):
    _assert_state(AgreementFactory(phase=phase, signed_on=None), today, expected)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (d(2025, 9, 23), IN_FORCE),
        (d(2025, 9, 24), SUPERSEDED),
        (d(2026, 1, 1), SUPERSEDED),
    ],
)
def test_it_is_superseded_once_a_successor_is_signed(phase, today, expected):
    agreement = _lao_cai(phase)
    next_phase = PhaseFactory(code="2026-2030", name="2026–2030", start_year=2026, end_year=2030)
    _after_the_merger(agreement, phase=next_phase, signed_on=d(2025, 9, 24))
    _assert_state(agreement, today, expected)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (d(2025, 12, 31), IN_FORCE),
        (d(2026, 1, 1), SUPERSEDED),
    ],
)
def test_it_is_superseded_when_an_undated_successors_period_begins(phase, today, expected):
    agreement = _lao_cai(phase)
    next_phase = PhaseFactory(code="2026-2030", name="2026–2030", start_year=2026, end_year=2030)
    _after_the_merger(agreement, phase=next_phase, signed_on=None)
    _assert_state(agreement, today, expected)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (d(2023, 6, 29), IN_FORCE),
        (d(2023, 6, 30), TERMINATED),
        (d(2026, 1, 1), TERMINATED),
    ],
)
def test_it_is_terminated_from_the_day_it_was_ended_early(phase, today, expected):
    agreement = _lao_cai(phase, terminated_on=d(2023, 6, 30))
    # A successor signed after the termination does not hide it.
    AgreementFactory(
        phase=phase,
        counterparty=agreement.counterparty,
        predecessor=agreement,
        signed_on=d(2023, 9, 1),
    )
    _assert_state(agreement, today, expected)


def test_it_stops_reporting_with_the_quarter_of_an_early_termination(phase):
    agreement = _lao_cai(phase, terminated_on=d(2023, 5, 15))
    quarters = reportable_quarters(agreement, today=d(2026, 1, 31))
    assert (quarters[0].code, quarters[-1].code) == (20213, 20232)
    ended = _lao_cai(phase)
    assert reportable_quarters(ended, today=d(2026, 1, 31))[-1].code == 20254


def test_it_lets_the_admin_record_an_early_termination(client, admin_user, phase):
    agreement = _lao_cai(phase, title="Thỏa thuận Lào Cai – VNPT")
    client.force_login(admin_user)
    form = {
        "title": agreement.title,
        "counterparty": agreement.counterparty_id,
        "kind": agreement.kind,
        "phase": phase.pk,
        "period_start": "2021",
        "period_end": "2025",
        "signed_on": "2021-08-05",
        "signed_precision": "day",
        "signing_mode": "unknown",
        "terminated_on": "2023-06-30",
        "termination_note": "Quyết định số 12/QĐ-UBND",
    }
    for prefix in ("participants", "commitments", "targets", "milestones"):
        form.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    change = reverse("admin:partnerships_agreement_change", args=[agreement.pk])
    assert client.post(change, form).status_code == 302
    agreement.refresh_from_db()
    assert (agreement.terminated_on, agreement.termination_note) == (
        d(2023, 6, 30),
        "Quyết định số 12/QĐ-UBND",
    )
    changelist = reverse("admin:partnerships_agreement_changelist")
    listed = client.get(changelist, {"state": "terminated"}, HTTP_ACCEPT_LANGUAGE="en")
    assert [row.pk for row in listed.context["cl"].result_list] == [agreement.pk]
    assert "Terminated early" in listed.content.decode()
    assert not client.get(changelist, {"state": "in_force"}).context["cl"].result_list


def _label(state, language):
    """The label in `language`: the page must speak the reader's language."""
    with translation.override(language):
        return str(state.label)


@pytest.mark.parametrize(("language", "status_heading"), [("vi", "Trạng thái"), ("en", "Status")])
def test_it_shows_the_state_on_the_agreement_pages(
    client, official, phase, language, status_heading
):
    terminated = _lao_cai(phase, terminated_on=d(2023, 6, 30))
    earlier = AgreementFactory(phase=PhaseFactory(start_year=2014, end_year=2020))
    AgreementFactory(phase=phase, counterparty=earlier.counterparty, predecessor=earlier)
    client.force_login(official)
    header = {"HTTP_ACCEPT_LANGUAGE": language}

    # The record and its dashboard say it alike.
    for address in (
        terminated.get_absolute_url(),
        reverse("dashboards:agreement-dashboard", args=[terminated.pk]),
    ):
        page = client.get(address, **header).content.decode()
        assert status_heading in page
        assert f'class="status-terminated">{_label(TERMINATED, language)}' in page
    listing = client.get(reverse("partnerships:agreement-list"), **header).content.decode()
    assert _label(TERMINATED, language) in listing
    assert f'class="status-superseded">{_label(SUPERSEDED, language)}' in listing


@pytest.mark.parametrize("language", ["vi", "en"])
def test_it_gives_the_state_in_the_api(official, phase, language):
    terminated = _lao_cai(phase, terminated_on=d(2023, 6, 30))
    api = token_client(official, language)
    found = api.get(url("agreement-detail", terminated.pk)).json()
    assert (found["state"], found["status"], found["terminated_on"]) == (
        "terminated",
        "terminated",
        "2023-06-30",
    )
    assert found["state_label"] == _label(TERMINATED, language)
    listed = api.get(url("agreement-list"), {"status": "terminated"}).json()["results"]
    assert [row["id"] for row in listed] == [terminated.pk]
