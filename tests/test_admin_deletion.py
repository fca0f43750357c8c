"""A phase, agreement or KPI entered by mistake can be deleted in the admin, its computed
figures with it; one that reports, values or agreements depend on cannot, and the page says so.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from milestones.models import ReportStatus
from partnerships.models import Agreement, Kpi, Phase, Source
from progress import services as progress
from progress.models import (
    AgreementProgress,
    NationalProgress,
    PendingRecompute,
    ProvinceProgress,
    RecomputeRun,
    ReportingCompleteness,
)
from provinces.access import Role
from provinces.services import ensure_role_groups

from .admin_pages import page_words
from .api import EN, VI
from .factories import (
    AgreementFactory,
    KpiFactory,
    KpiTargetFactory,
    KpiValueFactory,
    OrganisationFactory,
    PhaseFactory,
    QuarterlyReportFactory,
    SourceFactory,
    UserFactory,
)
from .progress_data import agreement_for, catalogue, report, snapshot

pytestmark = pytest.mark.django_db

# What Django's delete page says when the account may not delete something that would go
# with the item (the Vietnamese is Django's own, typo included), and when something protects it.
NO_PERMISSION = {"vi": "Tài khoản của bạn không được cấp quyển xóa", "en": "your account doesn"}
PROTECTED = {"vi": "được bảo vệ", "en": "protected"}
HEADERS = {"vi": VI, "en": EN}


@pytest.fixture
def portal_admin(client):
    """The portal's administrators' group, not a superuser: it reads the computed figures
    and may delete none of them."""
    ensure_role_groups()
    client.force_login(UserFactory(username="admin", is_staff=True, roles=[Role.ADMIN]))
    return client


def _delete_url(obj):
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_delete", args=[obj.pk])


def _page(client, obj, language="vi"):
    return client.get(_delete_url(obj), **HEADERS[language])


def _offers_deletion(response, language):
    """Whether the page asks to confirm the deletion, rather than refusing it."""
    words = page_words(response)
    return (
        'name="post"' in response.content.decode()
        and NO_PERMISSION[language] not in words
        and PROTECTED[language] not in words
    )


def _figures_of(agreement):
    """The rows the recompute writes for an agreement, and a record of its runs."""
    now = timezone.now()
    kpi = KpiFactory()
    AgreementProgress.objects.create(agreement=agreement, kpi=kpi, value=5, computed_at=now)
    RecomputeRun.objects.create(agreement=agreement, started_at=now)
    PendingRecompute.objects.create(agreement=agreement, requested_at=now)
    return kpi


def _phase_figures(phase, kpi):
    now = timezone.now()
    NationalProgress.objects.create(phase=phase, kpi=kpi, value=5, computed_at=now)
    ProvinceProgress.objects.create(
        province=OrganisationFactory().province, phase=phase, kpi=kpi, value=5, computed_at=now
    )


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_portals_admin_deletes_an_agreement_with_its_figures(portal_admin, language):
    agreement = AgreementFactory()
    kpi = _figures_of(agreement)
    KpiTargetFactory(agreement=agreement, kpi=kpi)
    source = SourceFactory()
    agreement.sources.add(source)

    assert _offers_deletion(_page(portal_admin, agreement, language), language)
    response = portal_admin.post(_delete_url(agreement), {"post": "yes"}, **HEADERS[language])
    assert response.status_code == 302
    assert not Agreement.objects.filter(pk=agreement.pk).exists()
    for model in (AgreementProgress, RecomputeRun, PendingRecompute):
        assert not model.objects.filter(agreement_id=agreement.pk).exists()
    # Only its link to the source goes.
    assert Source.objects.filter(pk=source.pk).exists()


def test_the_delete_page_lists_the_figures_and_links_that_go_with_an_agreement(portal_admin):
    agreement = AgreementFactory()
    _figures_of(agreement)
    agreement.sources.add(SourceFactory(code="VNA-1", title="Lào Cai ký kết với VNPT"))

    vietnamese = page_words(_page(portal_admin, agreement, "vi"))
    english = page_words(_page(portal_admin, agreement, "en"))

    assert "Tiến độ thỏa thuận: 1" in vietnamese
    assert "Lượt tính lại: 1" in vietnamese
    assert "Liên kết với nguồn: [VNA-1] Lào Cai ký kết với VNPT" in vietnamese
    assert "Link to source: [VNA-1] Lào Cai ký kết với VNPT" in english
    for page in (vietnamese, english):
        assert "Agreement_sources object" not in page
        assert "relationship" not in page


def test_the_source_delete_page_names_the_agreements_that_cite_it(admin_client):
    source = SourceFactory()
    for title in ("Thỏa thuận với Lào Cai", "Thỏa thuận với Quảng Trị"):
        AgreementFactory(title=title).sources.add(source)

    vietnamese = page_words(_page(admin_client, source, "vi"))
    english = page_words(_page(admin_client, source, "en"))

    assert "Liên kết với thỏa thuận: 2" in vietnamese
    assert "Liên kết với thỏa thuận: Thỏa thuận với Lào Cai" in vietnamese
    assert "Links to agreements: 2" in english
    assert "Link to agreement: Thỏa thuận với Quảng Trị" in english
    for page in (vietnamese, english):
        assert "Agreement_sources object" not in page
        assert "relationship" not in page
    assert admin_client.post(_delete_url(source), {"post": "yes"}, **VI).status_code == 302
    assert Agreement.objects.count() == 2


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_portals_admin_deletes_a_phase_with_its_figures(portal_admin, language):
    phase = PhaseFactory(start_year=2031, end_year=2035)
    _phase_figures(phase, KpiFactory())

    assert _offers_deletion(_page(portal_admin, phase, language), language)
    response = portal_admin.post(_delete_url(phase), {"post": "yes"}, **HEADERS[language])
    assert response.status_code == 302
    assert not Phase.objects.filter(pk=phase.pk).exists()
    assert not NationalProgress.objects.filter(phase_id=phase.pk).exists()
    assert not ProvinceProgress.objects.filter(phase_id=phase.pk).exists()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_portals_admin_deletes_a_kpi_with_its_figures(portal_admin, language):
    kpi = _figures_of(AgreementFactory())
    _phase_figures(PhaseFactory(start_year=2031, end_year=2035), kpi)

    assert _offers_deletion(_page(portal_admin, kpi, language), language)
    response = portal_admin.post(_delete_url(kpi), {"post": "yes"}, **HEADERS[language])
    assert response.status_code == 302
    assert not Kpi.objects.filter(pk=kpi.pk).exists()


def test_a_superuser_deletes_agreements_with_figures_from_the_list(admin_client):
    agreements = [AgreementFactory(), AgreementFactory()]
    for agreement in agreements:
        _figures_of(agreement)

    response = admin_client.post(
        reverse("admin:partnerships_agreement_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [agreement.pk for agreement in agreements],
            "post": "yes",
        },
        **VI,
    )

    assert response.status_code == 302
    assert not Agreement.objects.exists()


def test_an_agreement_with_reports_stays_and_the_page_names_them(portal_admin):
    agreement = AgreementFactory(title="Thỏa thuận với Lào Cai")
    _figures_of(agreement)
    QuarterlyReportFactory(agreement=agreement, quarter=20214, status=ReportStatus.APPROVED)

    page = page_words(_page(portal_admin, agreement))

    assert PROTECTED["vi"] in page
    assert "Báo cáo quý: Thỏa thuận với Lào Cai — Quý 4/2021" in page
    assert NO_PERMISSION["vi"] not in page
    assert portal_admin.post(_delete_url(agreement), {"post": "yes"}, **VI).status_code == 200
    assert Agreement.objects.filter(pk=agreement.pk).exists()
    assert AgreementProgress.objects.filter(agreement=agreement).exists()


def test_a_kpi_with_reported_values_stays_and_the_page_names_them(portal_admin):
    kpi = KpiFactory(name_vi="Tổng số trạm BTS")
    _phase_figures(PhaseFactory(start_year=2031, end_year=2035), kpi)
    KpiValueFactory(kpi=kpi, value=1200)

    page = page_words(_page(portal_admin, kpi))

    assert PROTECTED["vi"] in page
    assert "Giá trị chỉ tiêu (KPI): Tổng số trạm BTS: 1.200" in page
    assert NO_PERMISSION["vi"] not in page
    assert portal_admin.post(_delete_url(kpi), {"post": "yes"}, **VI).status_code == 200
    assert Kpi.objects.filter(pk=kpi.pk).exists()


def test_a_phase_with_agreements_stays_and_the_page_names_them(portal_admin):
    phase = PhaseFactory(start_year=2016, end_year=2020)
    _phase_figures(phase, KpiFactory())
    AgreementFactory(phase=phase, title="Thỏa thuận với Lào Cai")

    page = page_words(_page(portal_admin, phase))

    assert PROTECTED["vi"] in page
    assert "Thỏa thuận: Thỏa thuận với Lào Cai" in page
    assert NO_PERMISSION["vi"] not in page
    assert portal_admin.post(_delete_url(phase), {"post": "yes"}, **VI).status_code == 200
    assert Phase.objects.filter(pk=phase.pk).exists()


def test_the_figures_are_recomputed_once_an_agreement_is_deleted(
    admin_client, provinces, django_capture_on_commit_callbacks
):
    bts = catalogue()["bts_total"]
    kept = agreement_for(provinces.former_lao_cai)
    report(kept, "2021Q4", {bts: 500})
    # Signed by mistake in the same province and phase; it owes reports it never sent.
    mistaken = AgreementFactory(
        counterparty=kept.counterparty, phase=kept.phase, signed_on=datetime.date(2021, 4, 29)
    )
    progress.recompute_all()
    owed = ReportingCompleteness.objects.get(province=provinces.former_lao_cai, quarter=20214)
    assert owed.expected == 2

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(_delete_url(mistaken), {"post": "yes"}, **VI)

    assert response.status_code == 302
    owed = ReportingCompleteness.objects.get(province=provinces.former_lao_cai, quarter=20214)
    assert owed.expected == 1


def test_deleting_an_agreement_recomputes_its_province_as_the_full_rebuild_would(
    admin_client, provinces, django_capture_on_commit_callbacks
):
    bts = catalogue()["bts_total"]
    kept = agreement_for(provinces.former_lao_cai)
    report(kept, "2023Q4", {bts: 500})
    # Signed later in the same province and phase by mistake, before any report: the unit
    # was judged by its target.
    mistaken = AgreementFactory(
        counterparty=kept.counterparty, phase=kept.phase, signed_on=datetime.date(2022, 5, 6)
    )
    KpiTargetFactory(agreement=mistaken, kpi=bts, target_value=1000)
    elsewhere = agreement_for(provinces.former_yen_bai)
    report(elsewhere, "2023Q4", {bts: 300})
    progress.recompute_all()
    unit = ProvinceProgress.objects.get(
        province=provinces.former_lao_cai, phase=kept.phase, kpi=bts
    )
    assert (unit.value, unit.target_value, unit.agreements) == (500, 1000, 2)
    full_rebuilds = RecomputeRun.objects.filter(agreement__isnull=True).count()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(_delete_url(mistaken), {"post": "yes"}, **VI)

    assert response.status_code == 302
    # Rewritten rows are new rows.
    unit = ProvinceProgress.objects.get(
        province=provinces.former_lao_cai, phase=kept.phase, kpi=bts
    )
    assert (unit.value, unit.target_value, unit.agreements) == (500, None, 1)
    merged = ProvinceProgress.objects.get(province=provinces.lao_cai, phase=kept.phase, kpi=bts)
    assert (merged.value, merged.target_value) == (800, None)
    national = NationalProgress.objects.get(phase=kept.phase, kpi=bts)
    assert (national.value, national.target_value) == (800, None)
    # Only the province was recomputed, and to the figures the full rebuild gives.
    assert RecomputeRun.objects.filter(agreement__isnull=True).count() == full_rebuilds
    after_deletion = snapshot()
    progress.recompute_all()
    assert snapshot() == after_deletion
