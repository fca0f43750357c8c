"""Targets that look wrong are saved as entered, with a warning naming the KPI and the figures:
below the baseline where higher is better (above it where lower is better), or a part's
target above its whole's in the same agreement."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from partnerships.models import KpiTarget

from .admin_forms import form_data, page_text
from .admin_pages import as_posted
from .api import EN, VI
from .factories import AgreementFactory, KpiFactory, KpiTargetFactory

pytestmark = pytest.mark.django_db

CHECK = {
    "vi": "Số liệu đã được lưu như đã nhập; đề nghị đối chiếu lại với văn bản thỏa thuận.",
    "en": "The figures were saved as entered: check them against the agreement.",
}


def _messages(response) -> list[tuple[str, str]]:
    """The messages the page shows after the save, each with its kind (success, warning)."""
    listed = re.search(r'<ul class="messagelist">(.*?)</ul>', page_text(response), re.S)
    items = re.findall(r'<li class="(\w+)">(.*?)</li>', listed.group(1), re.S) if listed else []
    return [(kind, " ".join(text.split())) for kind, text in items]


def _warnings(response) -> list[str]:
    return [text for kind, text in _messages(response) if kind == "warning"]


def _saved(client, target, headers=VI, **changes):
    """The page shown after saving `target`'s own admin page with `changes`."""
    url = reverse("admin:partnerships_kpitarget_change", args=[target.pk])
    response = client.post(url, form_data(target, **changes), **headers)
    assert response.status_code == 302
    return client.get(response.url, **headers)


@pytest.fixture
def agreement():
    return AgreementFactory(phase__start_year=2021, phase__end_year=2025)


@pytest.fixture
def stations():
    total = KpiFactory(code="bts_total", name_vi="Tổng số trạm BTS", name_en="BTS stations")
    part = KpiFactory(code="bts_4g", name_vi="Trạm BTS 4G", name_en="4G BTS stations", parent=total)
    return total, part


@pytest.mark.parametrize(("headers", "language"), [(VI, "vi"), (EN, "en")])
def test_a_target_below_its_baseline_where_higher_is_better_is_saved_with_a_warning(
    admin_client, agreement, headers, language
):
    kpi = KpiFactory(name_vi="Trạm BTS 4G", name_en="4G BTS stations")
    target = KpiTargetFactory(agreement=agreement, kpi=kpi, baseline_value=1250, target_value=1500)

    shown = _saved(admin_client, target, headers, target_value="1200")

    target.refresh_from_db()
    assert target.target_value == 1200
    expected = {
        "vi": "Mục tiêu về Trạm BTS 4G (1.200) thấp hơn giá trị ban đầu (1.250), trong khi "
        "chỉ tiêu này càng cao càng tốt.",
        "en": "The target for 4G BTS stations (1,200) is below its baseline (1,250), though "
        "higher is better for this KPI.",
    }[language]
    assert _warnings(shown) == [f"{expected} {CHECK[language]}"]
    # Saved, as Django's admin says beside it.
    assert "success" in [kind for kind, _text in _messages(shown)]


def test_a_target_above_its_baseline_where_lower_is_better_is_saved_with_a_warning(
    admin_client, agreement
):
    kpi = KpiFactory(name_vi="Tỷ lệ hồ sơ trễ hạn", higher_is_better=False, percentage=True)
    target = KpiTargetFactory(
        agreement=agreement, kpi=kpi, baseline_value=Decimal("12.5"), target_value=10
    )

    shown = _saved(admin_client, target, target_value="15,25")

    assert _warnings(shown) == [
        "Mục tiêu về Tỷ lệ hồ sơ trễ hạn (15,25) cao hơn giá trị ban đầu (12,5), trong khi chỉ "
        f"tiêu này càng thấp càng tốt. {CHECK['vi']}"
    ]
    target.refresh_from_db()
    assert str(target.target_value) == "15.25"


def test_a_part_above_its_whole_on_the_agreement_page_is_saved_with_a_warning(
    admin_client, agreement, stations
):
    total, part = stations
    KpiTargetFactory(agreement=agreement, kpi=total, target_value=1200)
    KpiTargetFactory(agreement=agreement, kpi=part, target_value=900)
    url = reverse("admin:partnerships_agreement_change", args=[agreement.pk])
    page = as_posted(admin_client.get(url))
    row = next(
        name.removesuffix("-kpi")
        for name, value in page.items()
        if name.startswith("targets-") and name.endswith("-kpi") and str(value) == str(part.pk)
    )

    response = admin_client.post(url, {**page, f"{row}-target_value": "1300"}, **VI)
    assert response.status_code == 302
    shown = admin_client.get(response.url, **VI)

    assert _warnings(shown) == [
        "Mục tiêu về Trạm BTS 4G (1.300) cao hơn mục tiêu về Tổng số trạm BTS (1.200), trong "
        f"khi Trạm BTS 4G là một phần của Tổng số trạm BTS. {CHECK['vi']}"
    ]
    assert KpiTarget.objects.get(agreement=agreement, kpi=part).target_value == 1300


def test_a_whole_lowered_below_its_part_is_saved_with_a_warning(admin_client, agreement, stations):
    total, part = stations
    whole = KpiTargetFactory(agreement=agreement, kpi=total, target_value=1200)
    KpiTargetFactory(agreement=agreement, kpi=part, target_value=900)

    shown = _saved(admin_client, whole, EN, target_value="800")

    assert _warnings(shown) == [
        "The target for 4G BTS stations (900) is above the target for BTS stations (800), "
        f"which it is part of. {CHECK['en']}"
    ]


def test_a_part_of_another_agreement_is_not_compared(admin_client, agreement, stations):
    total, part = stations
    KpiTargetFactory(kpi=part, target_value=5000)
    whole = KpiTargetFactory(agreement=agreement, kpi=total, target_value=1200)

    assert _warnings(_saved(admin_client, whole, target_value="1100")) == []


def test_plausible_targets_are_saved_without_a_warning(admin_client, agreement, stations):
    total, part = stations
    KpiTargetFactory(agreement=agreement, kpi=total, baseline_value=1000, target_value=1200)
    target = KpiTargetFactory(agreement=agreement, kpi=part, baseline_value=700, target_value=900)

    shown = _saved(admin_client, target, target_value="1200")

    assert [kind for kind, _text in _messages(shown)] == ["success"]


def test_a_target_the_page_left_as_it_was_is_not_warned_of_again(admin_client, agreement, stations):
    total, part = stations
    KpiTargetFactory(agreement=agreement, kpi=total, target_value=1200)
    KpiTargetFactory(agreement=agreement, kpi=part, baseline_value=950, target_value=900)
    url = reverse("admin:partnerships_agreement_change", args=[agreement.pk])

    response = admin_client.post(url, {**as_posted(admin_client.get(url)), "notes": "Ghi chú"})

    assert response.status_code == 302
    assert _warnings(admin_client.get(response.url)) == []


def test_an_agreements_targets_are_read_once_however_many_are_checked(
    agreement, stations, django_assert_num_queries
):
    from partnerships.services import implausible_targets

    total, part = stations
    targets = [
        KpiTargetFactory(agreement=agreement, kpi=total, target_value=1000),
        KpiTargetFactory(agreement=agreement, kpi=part, target_value=1200),
    ]
    targets += [KpiTargetFactory(agreement=agreement, target_value=10) for _ in range(3)]

    with django_assert_num_queries(1):
        doubts = implausible_targets(targets)

    assert doubts == [
        "Mục tiêu về Trạm BTS 4G (1.200) cao hơn mục tiêu về Tổng số trạm BTS (1.000), trong "
        "khi Trạm BTS 4G là một phần của Tổng số trạm BTS."
    ]
