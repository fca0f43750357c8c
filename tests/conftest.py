"""Personas and a small map of provinces that most tests share.

The map mirrors the 2025 merger for the provinces the demo uses: the current
Lào Cai absorbed the former Lào Cai and Yên Bái; the current Quảng Trị absorbed
the former Quảng Bình and Quảng Trị; Lai Châu kept its borders.
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.test.utils import override_settings
from django.urls import reverse

from milestones.models import QuarterlyReport, ReportStatus
from provinces.access import Role
from provinces.models import Province, Region

from .factories import ProvinceFactory, UserFactory

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass
class ProvinceMap:
    lao_cai: Province
    former_lao_cai: Province
    former_yen_bai: Province
    quang_tri: Province
    former_quang_binh: Province
    former_quang_tri: Province
    lai_chau: Province
    former_lai_chau: Province


def _current_and_former(name, key, code, former_codes, region):
    current = ProvinceFactory(name=name, key=key, code=code, region=region)
    formers = [
        ProvinceFactory(
            former=True,
            name=former_name,
            key=former_key,
            code=former_code,
            region=region,
            successor=current,
        )
        for former_name, former_key, former_code in former_codes
    ]
    return current, formers


@pytest.fixture
def provinces(db) -> ProvinceMap:
    return build_province_map()


@pytest.fixture(scope="module")
def module_db(django_db_setup, django_db_blocker):
    """One transaction around a whole module, for data its tests share: built once, undone at the end.

    Each test still runs inside it in a savepoint of its own (pytest-django's `db`),
    so what one test changes is undone before the next. Only for modules whose
    tests need no commit (no `transaction=True`).
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def mid_2025():
    """Today in August 2025, inside the 2021–2025 phase, for worlds whose figures stop then.

    The status of a figure depends on whether its period has ended; frozen here,
    a test's expectations do not change as the calendar moves on.
    """
    with time_machine.travel(datetime.datetime(2025, 8, 15, 9, tzinfo=VIETNAM), tick=True):
        yield


@pytest.fixture(scope="module")
def module_provinces(module_db) -> ProvinceMap:
    """The same map as `provinces`, built once for a module that builds on it once too."""
    return build_province_map()


def build_province_map() -> ProvinceMap:
    lao_cai, (former_lao_cai, former_yen_bai) = _current_and_former(
        "Lào Cai",
        "tinhlaocai",
        "15",
        [("Lào Cai", "tinhlaocai", "10"), ("Yên Bái", "tinhyenbai", "15")],
        Region.NORTHERN_MIDLANDS,
    )
    quang_tri, (former_quang_binh, former_quang_tri) = _current_and_former(
        "Quảng Trị",
        "tinhquangtri",
        "44",
        [("Quảng Bình", "tinhquangbinh", "44"), ("Quảng Trị", "tinhquangtri", "45")],
        Region.NORTH_CENTRAL,
    )
    lai_chau, (former_lai_chau,) = _current_and_former(
        "Lai Châu",
        "tinhlaichau",
        "12",
        [("Lai Châu", "tinhlaichau", "12")],
        Region.NORTHERN_MIDLANDS,
    )
    return ProvinceMap(
        lao_cai=lao_cai,
        former_lao_cai=former_lao_cai,
        former_yen_bai=former_yen_bai,
        quang_tri=quang_tri,
        former_quang_binh=former_quang_binh,
        former_quang_tri=former_quang_tri,
        lai_chau=lai_chau,
        former_lai_chau=former_lai_chau,
    )


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    """Tests run with DEBUG off but without `collectstatic`, so no manifest exists."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session", autouse=True)
def plain_http():
    """The test client and the live server speak plain HTTP; production redirects it to
    HTTPS (tests/test_security_headers.py turns the redirect on to check it).

    For the whole session, before the live server builds its middleware, which reads
    the setting once."""
    with override_settings(SECURE_SSL_REDIRECT=False):
        yield


@pytest.fixture(scope="session", autouse=True)
def redis_asked_every_time():
    """A test that stops Redis would leave it skipped (core/breaker.py) for the tests
    after it; tests/test_redis_hung.py turns the skipping on to check it."""
    with override_settings(REDIS_SKIP_SECONDS=0):
        yield


@pytest.fixture(autouse=True)
def fresh_throttles():
    """The API's request counts start at zero in each test, as they would in a new minute."""
    throttle = caches["throttle"]
    if isinstance(throttle, LocMemCache):
        throttle.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashing costs a fifth of a second a user; tests build hundreds of users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def official(db):
    return UserFactory(username="official", roles=[Role.OFFICIAL])


@pytest.fixture
def admin_client(client, admin_user):
    """The `client` itself signed in as the administrator persona: pytest-django's own
    `admin_client` is a second client, so a test taking both would hold two sessions."""
    client.force_login(admin_user)
    return client


@pytest.fixture
def official_client(client, official):
    client.force_login(official)
    return client


@pytest.fixture
def staff_laocai(provinces):
    return UserFactory(username="staff_laocai", roles=[Role.STAFF], provinces=[provinces.lao_cai])


@pytest.fixture
def staff_quangtri(provinces):
    return UserFactory(
        username="staff_quangtri", roles=[Role.STAFF], provinces=[provinces.quang_tri]
    )


@pytest.fixture
def reviewer(db):
    return UserFactory(username="reviewer", roles=[Role.REVIEWER])


@dataclass
class ReportingScenario:
    """An agreement with targets of every KPI kind and an approved previous quarter."""

    agreement: object
    bts_total: object
    bts_4g: object
    villages_fibre: object
    level4: object
    commitment: object
    previous_report: object
    quarter: int = 20214


def build_reporting_scenario(province, name) -> ReportingScenario:
    import datetime

    from milestones.models import ReportStatus

    from .factories import (
        AgreementFactory,
        CommitmentFactory,
        KpiFactory,
        KpiTargetFactory,
        KpiValueFactory,
        OrganisationFactory,
        PhaseFactory,
        QuarterlyReportFactory,
    )

    organisation = OrganisationFactory(
        province=province, name=f"UBND tỉnh {name}", short_name=f"UBND {name}"
    )
    agreement = AgreementFactory(
        counterparty=organisation,
        phase=PhaseFactory(start_year=2021, end_year=2025),
        signed_on=datetime.date(2021, 8, 5),
        title=f"Thỏa thuận hợp tác {name} – VNPT 2021–2025",
    )
    bts_total = KpiFactory(code="bts_total", name_en="BTS stations", name_vi="Trạm BTS")
    bts_4g = KpiFactory(
        code="bts_4g", name_en="4G stations", name_vi="Trạm BTS 4G", parent=bts_total
    )
    villages_fibre = KpiFactory(
        code="villages_fibre",
        ratio=True,
        name_en="Villages with fibre",
        name_vi="Thôn có cáp quang",
    )
    level4 = KpiFactory(
        code="level4_services_pct",
        percentage=True,
        name_en="Level-4 public services",
        name_vi="Dịch vụ công mức độ 4",
    )
    for kpi, target in ((bts_total, 1500), (bts_4g, 900), (villages_fibre, 100), (level4, 80)):
        KpiTargetFactory(agreement=agreement, kpi=kpi, target_value=target)
    previous = QuarterlyReportFactory(
        agreement=agreement, quarter=20213, status=ReportStatus.APPROVED
    )
    KpiValueFactory(report=previous, kpi=bts_total, value=1000)
    KpiValueFactory(report=previous, kpi=bts_4g, value=300)
    KpiValueFactory(
        report=previous, kpi=villages_fibre, value=None, numerator=1024, denominator=1569
    )
    KpiValueFactory(report=previous, kpi=level4, value=30)
    commitment = CommitmentFactory(agreement=agreement, text="Phủ sóng 100% thôn, bản")
    return ReportingScenario(
        agreement, bts_total, bts_4g, villages_fibre, level4, commitment, previous
    )


@pytest.fixture
def laocai(provinces) -> ReportingScenario:
    return build_reporting_scenario(provinces.former_lao_cai, "Lào Cai")


@pytest.fixture
def quangbinh(provinces, laocai) -> ReportingScenario:
    """Quảng Bình's agreement, sharing the KPI catalogue with Lào Cai's."""
    return build_reporting_scenario(provinces.former_quang_binh, "Quảng Bình")


def report_form_data(scenario: ReportingScenario, version: int = 0, **overrides) -> dict:
    """A complete, valid entry-form submission; override fields by their form names."""
    data = {
        "version": version,
        "kpi-bts_total-value": "1100",
        "kpi-bts_4g-value": "400",
        "kpi-villages_fibre-numerator": "1100",
        "kpi-villages_fibre-denominator": "1569",
        "kpi-level4_services_pct-value": "40",
        f"commitment-{scenario.commitment.pk}-status": "in_progress",
        f"commitment-{scenario.commitment.pk}-percent_complete": "50",
        "narrative": "Quý này lắp thêm 100 trạm.",
    }
    data.update(overrides)
    return data


@pytest.fixture
def submitted_laocai(client, staff_laocai, laocai):
    """Lào Cai's report of the scenario's quarter, submitted by its staff through the form;
    the client is signed out again."""
    client.force_login(staff_laocai)
    edit = reverse("milestones:report-edit", args=[laocai.agreement.pk, laocai.quarter])
    client.post(edit, report_form_data(laocai, submit="1"))
    client.logout()
    report = QuarterlyReport.objects.get(agreement=laocai.agreement, quarter=laocai.quarter)
    assert report.status == ReportStatus.SUBMITTED
    return report


@pytest.fixture(scope="module")
def chromium():
    """One headless Chromium per test module; each test gets a fresh context from `page`."""
    from playwright.sync_api import sync_playwright

    from .browser import launch_chromium

    # Playwright's sync API keeps an asyncio event loop running in this thread while it is
    # started, and Django then refuses synchronous database calls here (factories, the flush
    # after each test). No async code shares those connections, so allowing them is safe.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    """A fresh Chromium tab for a `browser` test against pytest-django's `live_server`.

    It asks for English, so tests assert on the English msgids that the Vietnamese
    catalogue will translate; a test of the Vietnamese default opens its own context.
    """
    from .browser import TIMEOUT_MS

    context = chromium.new_context(locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def fresh_cache(db):
    """An empty cache: a page cached by one test must not answer the next, whose data differ."""
    cache.clear()


@pytest.fixture
def client_official(client, official):
    client.force_login(official)
    return client
