"""Dates are read day first on every path, in both languages, and never swapped.

05/02/2026 is 5 February 2026 for a Vietnamese official and for one browsing in
English alike; 31/12/2030 is a date, not an error; what cannot be read is refused
with an example of the form to follow.
"""

import datetime

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from rest_framework import serializers

from core.parsing import parse_date
from milestones.models import QuarterlyReport
from partnerships.models import Agreement

from .conftest import report_form_data

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


class MeasuredOn(serializers.Serializer):
    """The API's date field, as the report values' serializer declares it."""

    measured_on = serializers.DateField()


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
