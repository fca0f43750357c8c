"""Every model in the admin opens for the administrator: lists, searches, pages, history."""

import datetime

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token, TokenProxy
from simple_history.admin import SimpleHistoryAdmin

from dashboards.models import PackBatch
from milestones.models import CommitmentProgress, Evidence, KpiValue, QuarterlyReport, ReportStatus
from notifications.models import DailyRun, Notification, Preference
from partnerships.models import (
    Agreement,
    Commitment,
    CommitmentArea,
    Kpi,
    KpiTarget,
    Milestone,
    Organisation,
    Participant,
    Person,
    Phase,
    Source,
)
from progress.models import (
    AgreementProgress,
    NationalProgress,
    PendingRecompute,
    ProvinceProgress,
    RecomputeRun,
    ReportingCompleteness,
)
from provinces.models import Province, ProvinceAssignment

from .factories import (
    AgreementFactory,
    CommitmentFactory,
    CommitmentProgressFactory,
    KpiFactory,
    KpiTargetFactory,
    KpiValueFactory,
    MilestoneFactory,
    NotificationFactory,
    OrganisationFactory,
    ParticipantFactory,
    PersonFactory,
    PhaseFactory,
    PreferenceFactory,
    QuarterlyReportFactory,
    SourceFactory,
    UserFactory,
)


def _now():
    return timezone.now()


def _evidence():
    report = QuarterlyReportFactory()
    return Evidence.objects.create(
        report=report,
        file="evidence/1/20214/bao-cao.pdf",
        original_name="bao-cao.pdf",
        content_type="application/pdf",
        size=1200,
    )


def _agreement_progress():
    return AgreementProgress.objects.create(
        agreement=AgreementFactory(), kpi=KpiFactory(), value=5, computed_at=_now()
    )


def _province_progress():
    return ProvinceProgress.objects.create(
        province=OrganisationFactory().province,
        phase=PhaseFactory(),
        kpi=KpiFactory(),
        value=5,
        computed_at=_now(),
    )


def _national_progress():
    return NationalProgress.objects.create(
        phase=PhaseFactory(), kpi=KpiFactory(), value=5, computed_at=_now()
    )


def _completeness():
    return ReportingCompleteness.objects.create(
        province=OrganisationFactory().province, quarter=20214, expected=2, computed_at=_now()
    )


def _access(model, **fields):
    common = {"user_agent": "Firefox", "ip_address": "10.0.0.1", "username": "lao_cai"}
    return model.objects.create(**common, http_accept="*/*", path_info="/accounts/login/", **fields)


# One builder per registered model: a model added to the admin without one
# makes test_it_builds_every_registered_model fail rather than go untested.
BUILDERS = {
    Province: lambda: OrganisationFactory().province,
    ProvinceAssignment: lambda: ProvinceAssignment.objects.create(
        user=UserFactory(), province=OrganisationFactory().province
    ),
    get_user_model(): UserFactory,
    Group: lambda: Group.objects.create(name="reviewer"),
    TokenProxy: lambda: TokenProxy.objects.get(key=Token.objects.create(user=UserFactory()).key),
    Source: SourceFactory,
    Phase: PhaseFactory,
    Organisation: OrganisationFactory,
    Person: PersonFactory,
    CommitmentArea: lambda: CommitmentFactory().area,
    Commitment: CommitmentFactory,
    Participant: ParticipantFactory,
    Agreement: AgreementFactory,
    Kpi: KpiFactory,
    KpiTarget: KpiTargetFactory,
    Milestone: MilestoneFactory,
    QuarterlyReport: QuarterlyReportFactory,
    KpiValue: KpiValueFactory,
    CommitmentProgress: CommitmentProgressFactory,
    Evidence: _evidence,
    AgreementProgress: _agreement_progress,
    ProvinceProgress: _province_progress,
    NationalProgress: _national_progress,
    ReportingCompleteness: _completeness,
    RecomputeRun: lambda: RecomputeRun.objects.create(
        agreement=AgreementFactory(), started_at=_now()
    ),
    PendingRecompute: lambda: PendingRecompute.objects.create(
        agreement=AgreementFactory(), requested_at=_now()
    ),
    Notification: NotificationFactory,
    Preference: PreferenceFactory,
    DailyRun: lambda: DailyRun.objects.create(day=datetime.date(2025, 10, 13), notices=3),
    AccessAttempt: lambda: _access(
        AccessAttempt, get_data="", post_data="username=lao_cai", failures_since_start=3
    ),
    AccessFailureLog: lambda: _access(AccessFailureLog, locked_out=False),
    AccessLog: lambda: _access(AccessLog),
    PackBatch: lambda: PackBatch.objects.create(
        phase=PhaseFactory(),
        total=3,
        built=2,
        failures=[{"province": "Quảng Trị", "error": "ValueError: biểu đồ"}],
    ),
}

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_it_builds_every_registered_model():
    assert set(REGISTERED) <= set(BUILDERS)


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_it_lists_every_model_with_and_without_a_search(admin_client, model):
    BUILDERS[model]()
    assert admin_client.get(_url(model, "changelist")).status_code == 200
    assert admin_client.get(_url(model, "changelist"), {"q": "quảng bình"}).status_code == 200
    assert admin_client.get(_url(model, "changelist"), {"q": "lao cai 2021"}).status_code == 200


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_it_opens_every_change_page(admin_client, model):
    obj = BUILDERS[model]()
    assert admin_client.get(_url(model, "change", obj.pk)).status_code == 200


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_it_opens_every_add_page_it_offers(admin_client, admin_user, model):
    request = RequestFactory().get("/")
    request.user = admin_user
    offers_add = admin.site._registry[model].has_add_permission(request)
    expected = 200 if offers_add else 403
    assert admin_client.get(_url(model, "add")).status_code == expected


@pytest.mark.parametrize(
    "model",
    [model for model in REGISTERED if isinstance(admin.site._registry[model], SimpleHistoryAdmin)],
    ids=lambda model: model._meta.label,
)
def test_it_shows_the_history_of_tracked_models(admin_client, model):
    obj = BUILDERS[model]()
    assert admin_client.get(_url(model, "history", obj.pk)).status_code == 200


def test_it_keeps_the_computed_tables_read_only(admin_client):
    progress = _agreement_progress()
    response = admin_client.post(_url(AgreementProgress, "change", progress.pk), {"value": "999"})
    assert response.status_code == 403
    progress.refresh_from_db()
    assert progress.value == 5


def test_it_shows_an_agreements_parts_inline(admin_client):
    agreement = AgreementFactory()
    ParticipantFactory(agreement=agreement, person__full_name="Tống Thanh Hải")
    CommitmentFactory(agreement=agreement, text="Phủ sóng 100% thôn bản")
    KpiTargetFactory(agreement=agreement, kpi__name_vi="Thôn có 4G", kpi__ratio=True)
    MilestoneFactory(agreement=agreement, title="Khai trương trung tâm điều hành")
    content = admin_client.get(_url(Agreement, "change", agreement.pk)).content.decode()
    for text in ("Tống Thanh Hải", "Phủ sóng 100% thôn bản", "Thôn có 4G", "Khai trương"):
        assert text in content


def test_it_shows_the_provinces_assigned_to_a_user(admin_client, staff_laocai):
    content = admin_client.get(_url(get_user_model(), "change", staff_laocai.pk)).content
    assert "Lào Cai".encode() in content
    # Django's own user page is still there: the password is managed the usual way.
    assert b"password" in content


def test_it_lets_an_open_reports_figures_be_edited_but_not_an_approved_ones(admin_client):
    draft = KpiValueFactory(report__status=ReportStatus.DRAFT).report
    approved = KpiValueFactory(report__status=ReportStatus.APPROVED).report
    draft_page = admin_client.get(_url(QuarterlyReport, "change", draft.pk)).content.decode()
    approved_page = admin_client.get(_url(QuarterlyReport, "change", approved.pk)).content.decode()
    assert 'name="values-0-value"' in draft_page
    assert 'name="values-0-value"' not in approved_page


def test_it_records_who_created_a_report_in_the_admin(admin_client, admin_user):
    agreement = AgreementFactory(
        phase__start_year=2021, phase__end_year=2025, signed_on=datetime.date(2021, 4, 29)
    )
    response = admin_client.post(
        _url(QuarterlyReport, "add"),
        {
            "agreement": agreement.pk,
            "quarter": "20221",
            "narrative": "",
            "source": "",
            **{
                f"{prefix}-{key}": value
                for prefix in ("values", "commitment_updates", "evidence")
                for key, value in (
                    ("TOTAL_FORMS", "0"),
                    ("INITIAL_FORMS", "0"),
                    ("MIN_NUM_FORMS", "0"),
                    ("MAX_NUM_FORMS", "1000"),
                )
            },
        },
    )
    assert response.status_code == 302
    report = QuarterlyReport.objects.get(agreement=agreement)
    assert report.created_by == admin_user
    assert report.status == ReportStatus.DRAFT
