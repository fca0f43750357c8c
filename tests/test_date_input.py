"""Dates are read day first on every path, in both languages, and never swapped.

05/02/2026 is 5 February 2026 for a Vietnamese official and for one browsing in
English alike; 31/12/2030 is a date, not an error; what cannot be read is refused
with an example of the form to follow, and a day its month does not have (31/02/2021),
typed in the right form, is refused as no date.
"""

import datetime
import re

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from rest_framework import serializers

from core.api import DateField
from core.parsing import parse_date
from milestones import imports
from milestones.models import KpiValue, QuarterlyReport
from partnerships.models import Agreement

from .admin_forms import add, page_text
from .api import token_client, url
from .conftest import report_form_data
from .factories import OrganisationFactory, PhaseFactory
from .test_api_permissions import complete_report
from .test_import import csv_bytes

FEBRUARY_5 = datetime.date(2026, 2, 5)
TYPED = {
    "05/02/2026": FEBRUARY_5,
    "5/2/2026": FEBRUARY_5,
    "2026-02-05": FEBRUARY_5,
    "05-02-2026": FEBRUARY_5,
    "31/12/2030": datetime.date(2030, 12, 31),
}
REFUSAL = {
    "vi": "Nhập ngày theo dạng ngày/tháng/năm, ví dụ 05/02/2026",
    "en": "Enter a date as day/month/year, such as 05/02/2026",
}
# Typed in a form dates are typed in, naming a day the calendar does not have.
NO_SUCH_DAY = {
    "vi": {
        "31/02/2021": "Ngày 31/02/2021 không có trên lịch: tháng 2/2021 có 28 ngày.",
        "2023-02-29": "Ngày 2023-02-29 không có trên lịch: tháng 2/2023 có 28 ngày.",
        "31.04.2021": "Ngày 31.04.2021 không có trên lịch: tháng 4/2021 có 30 ngày.",
    },
    "en": {
        "31/02/2021": "31/02/2021 is no date: February 2021 has 28 days.",
        "2023-02-29": "2023-02-29 is no date: February 2023 has 28 days.",
        "31.04.2021": "31.04.2021 is no date: April 2021 has 30 days.",
    },
}
IMPOSSIBLE = [
    (language, typed, said)
    for language, days in NO_SUCH_DAY.items()
    for typed, said in days.items()
]


def admin_signing_date_field(admin_user):
    """The signing date as the admin's agreement form reads it."""
    request = RequestFactory().get("/admin/partnerships/agreement/add/")
    request.user = admin_user
    form = admin.site._registry[Agreement].get_form(request)
    return form.base_fields["signed_on"]


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(("typed", "meant"), list(TYPED.items()))
def test_the_admin_reads_a_typed_date_day_first(db, admin_user, language, typed, meant):
    with translation.override(language):
        assert admin_signing_date_field(admin_user).clean(typed) == meant


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_admin_refuses_a_month_first_date_with_an_example(db, admin_user, language):
    with translation.override(language):
        with pytest.raises(ValidationError) as refused:
            admin_signing_date_field(admin_user).clean("12/31/2030")
        assert REFUSAL[language] in refused.value.messages[0]


@pytest.mark.parametrize(("language", "typed", "said"), IMPOSSIBLE)
def test_the_admin_says_a_day_its_month_does_not_have_is_no_date(
    db, admin_user, language, typed, said
):
    with translation.override(language), pytest.raises(ValidationError) as refused:
        admin_signing_date_field(admin_user).clean(typed)
    assert refused.value.messages == [said]


def _admin_date_fields(admin_user):
    """A date of each kind of admin page: an agreement's own, a target's in its inline rows,
    and a reported value's, whose page is no history page."""
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    agreements = admin.site._registry[Agreement]
    targets = next(
        inline
        for inline in agreements.get_inline_instances(request)
        if inline.model.__name__ == "KpiTarget"
    )
    values = admin.site._registry[KpiValue]
    return [
        agreements.get_form(request).base_fields["signed_on"],
        targets.get_formset(request).form.base_fields["target_on"],
        values.get_form(request).base_fields["measured_on"],
    ]


def test_every_admin_date_says_a_day_its_month_does_not_have_is_no_date(db, admin_user):
    with translation.override("en"):
        for field in _admin_date_fields(admin_user):
            with pytest.raises(ValidationError) as refused:
                field.clean("31/02/2021")
            assert refused.value.messages == [NO_SUCH_DAY["en"]["31/02/2021"]], field


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_admins_agreement_page_says_the_signing_date_is_no_date(
    admin_client, provinces, language
):
    committee = OrganisationFactory(province=provinces.former_lao_cai)
    data = {
        "counterparty": committee.pk,
        "title": "Thỏa thuận hợp tác 2021–2025",
        "kind": "strategic",
        "phase": PhaseFactory(start_year=2021, end_year=2025).pk,
        "period_start": "2021",
        "period_end": "2025",
        "signed_on": "31/02/2021",
        "signed_precision": "day",
        "signing_mode": "unknown",
    }
    admin_client.cookies["django_language"] = language
    response = add(admin_client, Agreement, data)
    assert response.status_code == 200
    assert NO_SUCH_DAY[language]["31/02/2021"] in page_text(response)
    assert not Agreement.objects.exists()


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(("typed", "meant"), list(TYPED.items()))
def test_the_import_reads_a_typed_date_day_first(language, typed, meant):
    with translation.override(language):
        assert parse_date(typed) == meant


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_import_refuses_a_month_first_date_with_an_example(language):
    with translation.override(language):
        with pytest.raises(ValidationError) as refused:
            parse_date("12/31/2030")
        assert REFUSAL[language] in refused.value.messages[0]


@pytest.mark.parametrize(("language", "typed", "said"), IMPOSSIBLE)
def test_the_import_says_a_day_its_month_does_not_have_is_no_date(language, typed, said):
    with translation.override(language), pytest.raises(ValidationError) as refused:
        parse_date(typed)
    assert refused.value.messages == [said]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_an_import_row_with_no_such_date_is_refused_in_its_column(staff_laocai, laocai, language):
    content = csv_bytes(
        ["Lào Cai", "", "2021Q4", "bts_total", "1100", "31/02/2021"],
        header=["province", "agreement_id", "quarter", "kpi", "value", "measured_on"],
    )
    with translation.override(language):
        plan = imports.plan_import(imports.read_rows(content, "f.csv"), staff_laocai)
        errors = [(error.column, error.message) for error in plan.errors]
        column = str(imports.COLUMN_LABELS["measured_on"])
    assert errors == [(column, NO_SUCH_DAY[language]["31/02/2021"])]


class MeasuredOn(serializers.Serializer):
    """The API's date field, as the report values' serializer declares it."""

    measured_on = DateField()


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(("typed", "meant"), list(TYPED.items()))
def test_the_api_reads_a_typed_date_day_first(language, typed, meant):
    with translation.override(language):
        serializer = MeasuredOn(data={"measured_on": typed})
        assert serializer.is_valid(), serializer.errors
        assert serializer.validated_data["measured_on"] == meant


@pytest.mark.parametrize(
    ("language", "example"),
    [("vi", "ví dụ 05/02/2026"), ("en", "for example 05/02/2026")],
)
def test_the_api_refuses_a_month_first_date_with_an_example(language, example):
    with translation.override(language):
        serializer = MeasuredOn(data={"measured_on": "12/31/2030"})
        assert not serializer.is_valid()
        message = str(serializer.errors["measured_on"][0])
    assert example in message
    # Each form the API reads, named once: the forms' own, day first.
    assert "DD/MM/YYYY, YYYY-MM-DD, DD-MM-YYYY, DD.MM.YYYY" in message
    assert message.count("YYYY-MM-DD") == 1


@pytest.mark.parametrize(("language", "typed", "said"), IMPOSSIBLE)
def test_the_api_says_a_day_its_month_does_not_have_is_no_date(language, typed, said):
    with translation.override(language):
        serializer = MeasuredOn(data={"measured_on": typed})
        assert not serializer.is_valid()
        assert [str(message) for message in serializer.errors["measured_on"]] == [said]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_report_change_through_the_api_with_no_such_date_is_refused(
    staff_laocai, laocai, language
):
    draft = complete_report(laocai)
    sent = {
        "version": draft.version,
        "values": [{"kpi": "bts_total", "value": "1100", "measured_on": "31/02/2021"}],
    }
    client = token_client(staff_laocai, language=language)
    response = client.patch(url("report-detail", draft.pk), sent, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "kpi-bts_total-measured_on": [NO_SUCH_DAY[language]["31/02/2021"]]
    }


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_report_form_says_a_day_its_month_does_not_have_is_no_date(
    client, staff_laocai, laocai, language
):
    client.force_login(staff_laocai)
    url_ = reverse("milestones:report-edit", args=[laocai.agreement.pk, laocai.quarter])
    data = report_form_data(laocai, **{"kpi-bts_total-measured_on": "31/02/2021"})
    response = client.post(url_, data, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert NO_SUCH_DAY[language]["31/02/2021"] in page_text(response)
    assert not QuarterlyReport.objects.filter(
        agreement=laocai.agreement, quarter=laocai.quarter
    ).exists()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_report_form_reads_a_typed_measurement_date_day_first(
    client, staff_laocai, laocai, language
):
    client.force_login(staff_laocai)
    url = reverse("milestones:report-edit", args=[laocai.agreement.pk, laocai.quarter])
    data = report_form_data(laocai, **{"kpi-bts_total-measured_on": "05/10/2021"})
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 302
    report = QuarterlyReport.objects.get(agreement=laocai.agreement, quarter=laocai.quarter)
    # 5 October, inside Q4/2021; read month first it would be 10 May, outside the quarter.
    assert report.values.get(kpi=laocai.bts_total).measured_on == datetime.date(2021, 10, 5)


FOURTH_QUARTER_2025 = 20254
DECEMBER_11 = datetime.date(2025, 12, 11)
PLACEHOLDER = {"vi": 'placeholder="ngày/tháng/năm"', "en": 'placeholder="dd/mm/yyyy"'}


def _measured_on_q4_2025(client, staff, scenario, typed, language, *, autosave=False):
    """The BTS count's date of measurement, typed into the form of Q4/2025 (or sent by its
    autosave) on a page in `language`."""
    client.force_login(staff)
    name = "milestones:report-autosave" if autosave else "milestones:report-edit"
    address = reverse(name, args=[scenario.agreement.pk, FOURTH_QUARTER_2025])
    data = report_form_data(scenario, **{"kpi-bts_total-measured_on": typed})
    return client.post(address, data, HTTP_ACCEPT_LANGUAGE=language)


def _stored_measurement(scenario):
    report = QuarterlyReport.objects.get(agreement=scenario.agreement, quarter=FOURTH_QUARTER_2025)
    return report.values.get(kpi=scenario.bts_total).measured_on


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_report_form_asks_for_the_date_as_text_day_first(
    client, staff_laocai, laocai, language
):
    client.force_login(staff_laocai)
    url_ = reverse("milestones:report-edit", args=[laocai.agreement.pk, FOURTH_QUARTER_2025])
    page = page_text(client.get(url_, HTTP_ACCEPT_LANGUAGE=language))
    field = re.search(r'<input[^>]*name="kpi-bts_total-measured_on"[^>]*>', page).group(0)
    # Not type=date, whose order is the browser's locale: mm/dd/yyyy in an English Chromium.
    assert 'type="text"' in field
    assert PLACEHOLDER[language] in field


@pytest.mark.parametrize("autosave", [False, True], ids=["saved", "autosaved"])
@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_date_typed_day_first_is_stored_as_typed_and_shown_back_so(
    client, staff_laocai, laocai, language, autosave
):
    response = _measured_on_q4_2025(
        client, staff_laocai, laocai, "11/12/2025", language, autosave=autosave
    )
    assert response.status_code == (200 if autosave else 302)
    # 11 December; read month first it would be 12 November, inside the quarter as well.
    assert _stored_measurement(laocai) == DECEMBER_11
    url_ = reverse("milestones:report-edit", args=[laocai.agreement.pk, FOURTH_QUARTER_2025])
    page = page_text(client.get(url_, HTTP_ACCEPT_LANGUAGE=language))
    assert re.search(r'name="kpi-bts_total-measured_on"[^>]*value="11/12/2025"', page)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_report_form_still_takes_a_date_written_year_first(
    client, staff_laocai, laocai, language
):
    response = _measured_on_q4_2025(client, staff_laocai, laocai, "2025-12-11", language)
    assert response.status_code == 302
    assert _stored_measurement(laocai) == DECEMBER_11


@pytest.mark.parametrize(
    ("language", "typed", "said"),
    [
        ("vi", "31/02/2025", "Ngày 31/02/2025 không có trên lịch: tháng 2/2025 có 28 ngày."),
        ("en", "31/02/2025", "31/02/2025 is no date: February 2025 has 28 days."),
        # Typed month first, or as the browser's date box took it: refused, never swapped.
        ("vi", "12/31/2025", REFUSAL["vi"]),
        ("en", "12/31/2025", REFUSAL["en"]),
        ("vi", "11122025", REFUSAL["vi"]),
        ("en", "11122025", REFUSAL["en"]),
    ],
)
def test_the_report_form_refuses_a_date_it_cannot_read_day_first_saying_why(
    client, staff_laocai, laocai, language, typed, said
):
    response = _measured_on_q4_2025(client, staff_laocai, laocai, typed, language)
    assert response.status_code == 200
    assert said in page_text(response)
    assert f'value="{typed}"' in page_text(response), "what was typed stays to be corrected"
    assert not QuarterlyReport.objects.filter(
        agreement=laocai.agreement, quarter=FOURTH_QUARTER_2025
    ).exists()
