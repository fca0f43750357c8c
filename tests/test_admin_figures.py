"""Figures typed in the admin are read as the report form reads them, in the user's language.

An official adds a KPI target on the agreement's admin page and types it as they
write numbers: 12,5 and 79.500 in Vietnamese, 12.5 and 79,500 in English. What
is stored is what they meant, a fraction of a station is refused as the report
form refuses it, and the page shows the stored figure back in their language.
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from partnerships.models import KpiTarget

from .admin_pages import as_posted, row_errors
from .factories import AgreementFactory, KpiFactory, KpiTargetFactory


@pytest.fixture
def agreement(db):
    return AgreementFactory(phase__start_year=2021, phase__end_year=2025)


def _change_url(agreement):
    return reverse("admin:partnerships_agreement_change", args=[agreement.pk])


def _add_target(client, agreement, kpi, language, **typed):
    """Open the agreement's admin page, add a target row for the KPI as typed, save."""
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    data = as_posted(client.get(_change_url(agreement), **headers))
    row = int(data["targets-TOTAL_FORMS"])
    data["targets-TOTAL_FORMS"] = str(row + 1)
    data.update(
        {
            f"targets-{row}-kpi": str(kpi.pk),
            f"targets-{row}-target_on": "31/12/2025",
            **{f"targets-{row}-{name}": value for name, value in typed.items()},
        }
    )
    return client.post(_change_url(agreement), data, **headers)


@pytest.mark.parametrize(
    ("language", "kind", "typed", "stored"),
    [
        ("vi", "percentage", "12,5", Decimal("12.5")),
        ("vi", "percentage", "91,75", Decimal("91.75")),
        ("vi", "count", "79.500", Decimal("79500")),
        ("vi", "count", "79 500", Decimal("79500")),
        ("vi", "count", "1.234.000", Decimal("1234000")),
        ("en", "percentage", "12.5", Decimal("12.5")),
        ("en", "count", "79,500", Decimal("79500")),
        ("en", "count", "1,234,000", Decimal("1234000")),
    ],
)
def test_a_target_typed_in_the_admin_is_stored_as_meant(
    admin_client, agreement, language, kind, typed, stored
):
    kpi = KpiFactory(**{kind: True} if kind != "count" else {})
    response = _add_target(
        admin_client, agreement, kpi, language, target_value=typed, baseline_value=typed
    )
    assert response.status_code == 302, row_errors(response)
    target = KpiTarget.objects.get(agreement=agreement, kpi=kpi)
    assert (target.target_value, target.baseline_value) == (stored, stored)


@pytest.mark.parametrize(
    ("language", "typed", "message"),
    [
        (
            "vi",
            "1.234,5",
            "Trạm phát sóng phải là số nguyên (đơn vị: trạm); 1.234,5 có phần thập phân.",
        ),
        ("vi", "12,5", "Trạm phát sóng phải là số nguyên (đơn vị: trạm); 12,5 có phần thập phân."),
        (
            "en",
            "1,234.5",
            "BTS stations is a count of whole stations: 1,234.5 is not a whole number.",
        ),
    ],
)
def test_a_fraction_of_a_station_is_refused_as_the_report_form_refuses_it(
    admin_client, agreement, language, typed, message
):
    kpi = KpiFactory(name_vi="Trạm phát sóng", name_en="BTS stations")
    KpiTargetFactory(agreement=agreement, kpi=KpiFactory(), target_value=300)
    response = _add_target(admin_client, agreement, kpi, language, target_value=typed)
    assert response.status_code == 200
    assert message in row_errors(response)
    assert not KpiTarget.objects.filter(kpi=kpi).exists()
    assert KpiTarget.objects.get(agreement=agreement).target_value == 300


def test_a_fractional_baseline_of_a_count_is_refused_too(admin_client, agreement):
    kpi = KpiFactory(name_vi="Trạm phát sóng")
    response = _add_target(
        admin_client, agreement, kpi, "vi", target_value="300", baseline_value="12,5"
    )
    assert response.status_code == 200
    assert "Trạm phát sóng phải là số nguyên (đơn vị: trạm); 12,5 có phần thập phân." in (
        row_errors(response)
    )
    assert not KpiTarget.objects.filter(kpi=kpi).exists()


def test_a_share_above_a_hundred_is_still_refused(admin_client, agreement):
    kpi = KpiFactory(percentage=True)
    response = _add_target(admin_client, agreement, kpi, "vi", target_value="100,5")
    assert "Tỷ lệ không được vượt quá 100 phần trăm." in row_errors(response)
    assert not KpiTarget.objects.filter(kpi=kpi).exists()


def test_the_admin_shows_a_stored_figure_in_the_users_language(admin_client, agreement):
    target = KpiTargetFactory(
        agreement=agreement, kpi=KpiFactory(percentage=True), target_value=Decimal("91.5")
    )
    url = reverse("admin:partnerships_kpitarget_change", args=[target.pk])
    vietnamese = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    english = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # A text input, not type=number, which Chromium in Vietnamese reads 12,5 in as 125.
    # As the user would type it again: no trailing zeros.
    assert 'type="text" name="target_value" value="91,5" inputmode="decimal"' in vietnamese
    assert 'type="text" name="target_value" value="91.5" inputmode="decimal"' in english


def test_a_target_changed_on_its_own_admin_page_is_read_in_vietnamese(admin_client, agreement):
    target = KpiTargetFactory(agreement=agreement, kpi=KpiFactory(), target_value=300)
    url = reverse("admin:partnerships_kpitarget_change", args=[target.pk])
    response = admin_client.post(
        url,
        {
            "agreement": agreement.pk,
            "kpi": target.kpi_id,
            "baseline_value": "46.495",
            "target_value": "79.500",
            "target_on": "31/12/2025",
        },
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.baseline_value, target.target_value) == (Decimal("46495"), Decimal("79500"))
    assert target.target_on == datetime.date(2025, 12, 31)
