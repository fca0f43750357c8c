"""seed_demo: every fact of the source articles, exactly; synthetic data always flagged.

The expected facts below are typed again from the articles on purpose, independently
of the loader's own tables, so a slip in either shows up here.
"""

import datetime
import io
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import translation

from milestones.models import KpiValue, QuarterlyReport, ReportStatus
from milestones.schedule import worklist
from partnerships.models import (
    Agreement,
    CommitmentArea,
    Kpi,
    KpiTarget,
    Milestone,
    Organisation,
    OrganisationKind,
    Person,
    Phase,
    Signatory,
    Source,
)
from progress.models import AgreementProgress, NationalProgress
from provinces.access import Action, Role, province_scope, roles_of
from provinces.models import Province

d = datetime.date
ETHNIC_MINORITY_COMMITTEE = "Ủy ban Dân tộc"


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the module, inside a transaction rolled back at the end.

    The hasher matches the suite's per-test `fast_password_hashing`, so the demo
    passwords hashed here still check inside the tests.
    """
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        call_command("seed_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def data(seeded, db):
    """Each test runs in its own savepoint on top of the seeded data."""


def agreement(party: str, period_start: int) -> Agreement:
    """An agreement by its counterparty (a former province's name, or the agency) and start."""
    if party == ETHNIC_MINORITY_COMMITTEE:
        lookup = {"counterparty__name": party}
    else:
        lookup = {
            "counterparty__province__name": party,
            "counterparty__province__valid_until__isnull": False,
        }
    return Agreement.objects.get(period_start=period_start, is_demo=False, **lookup)


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_it_gives_identical_counts_when_run_twice(data):
    before = row_counts()
    out = io.StringIO()
    with translation.override("en"):
        call_command("seed_demo", stdout=out)
    assert row_counts() == before
    assert before["partnerships.Agreement"] == 19
    assert before["partnerships.HistoricalAgreement"] > 0
    assert "staff_laocai" in out.getvalue()
    assert "Demo accounts" in out.getvalue()


# Mid-2025: the 2021–2025 agreements run; an earlier one is superseded once its province has
# signed the next (the six demo successors included), else it has ended.
STATE_DAY = d(2025, 6, 30)

AGREEMENTS = [
    # party, start, end, kind, phase, signed on, precision, state on STATE_DAY, sources
    ("Điện Biên", 2014, 2020, "strategic", "2014-2020", d(2014, 8, 1), "month", "superseded", {"001"}),
    ("Hà Nam", 2014, 2020, "strategic", "2014-2020", d(2014, 8, 1), "month", "superseded", {"001"}),
    ("Kiên Giang", 2014, 2020, "strategic", "2014-2020", d(2014, 9, 4), "day", "superseded", {"001"}),
    (ETHNIC_MINORITY_COMMITTEE, 2014, 2020, "programme", "2014-2020", d(2014, 9, 1), "month", "ended", {"001"}),
    ("Ninh Thuận", 2014, 2020, "strategic", "2014-2020", d(2014, 9, 1), "month", "superseded", {"001"}),
    ("Nghệ An", 2014, 2020, "strategic", "2014-2020", d(2014, 9, 1), "month", "superseded", {"001"}),
    ("Hòa Bình", 2014, 2020, "strategic", "2014-2020", d(2014, 9, 1), "month", "superseded", {"001"}),
    ("Lào Cai", 2014, 2020, "strategic", "2014-2020", d(2014, 9, 17), "day", "superseded", {"001", "003"}),
    ("Quảng Bình", 2015, 2020, "strategic", "2014-2020", d(2015, 1, 1), "year", "superseded", {"002"}),
    ("Tuyên Quang", 2017, 2022, "strategic", "2014-2020", d(2017, 1, 1), "year", "ended", {"004"}),
    ("Quảng Bình", 2020, 2025, "strategic", "2021-2025", d(2020, 9, 24), "day", "in_force", {"002"}),
    ("Lai Châu", 2021, 2025, "mou", "2021-2025", d(2021, 4, 29), "day", "in_force", {"000"}),
    ("Lào Cai", 2021, 2025, "agreement", "2021-2025", d(2021, 8, 5), "day", "in_force", {"003"}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("party", "start", "end", "kind", "phase", "signed_on", "precision", "state", "sources"),
    AGREEMENTS,
)
def test_it_loads_every_agreement_of_the_articles(
    data, party, start, end, kind, phase, signed_on, precision, state, sources
):
    found = agreement(party, start)
    assert (found.period_end, found.kind, found.phase.code) == (end, kind, phase)
    assert (found.signed_on, found.signed_precision, found.state_on(STATE_DAY)) == (
        signed_on,
        precision,
        state,
    )
    assert Agreement.objects.in_state(state, STATE_DAY).filter(pk=found.pk).exists()
    assert found.terminated_on is None, "no article reports an early termination"
    assert set(found.sources.values_list("code", flat=True)) == sources
    assert not found.is_demo
    if found.counterparty.province:
        assert not found.counterparty.province.is_current


def test_it_loads_no_other_real_agreement(data):
    assert Agreement.objects.filter(is_demo=False).count() == len(AGREEMENTS)


@pytest.mark.parametrize("party", [ETHNIC_MINORITY_COMMITTEE, "Ninh Thuận", "Nghệ An", "Hòa Bình"])
def test_it_keeps_the_unpaired_september_dates_in_a_note(data, party):
    notes = agreement(party, 2014).notes
    for candidate in ("9/9", "11/9", "13/9", "15/9"):
        assert candidate in notes
    assert "001" in notes


def test_it_says_which_dates_are_inferred(data):
    assert "2015–2020" in agreement("Quảng Bình", 2015).notes
    assert "2017–2022" in agreement("Tuyên Quang", 2017).notes
    quang_binh = agreement("Quảng Bình", 2020).notes
    assert "2020–2025" in quang_binh
    assert "2021–2025" in quang_binh


def test_it_records_place_and_mode_where_the_articles_give_them(data):
    lai_chau = agreement("Lai Châu", 2021)
    assert (lai_chau.place, lai_chau.signing_mode) == ("Hà Nội", "in_person")
    assert agreement("Lào Cai", 2021).signing_mode == "video"
    assert agreement("Kiên Giang", 2014).signing_mode == "unknown"


def test_it_links_agreements_to_their_predecessors(data):
    assert agreement("Lào Cai", 2021).predecessor == agreement("Lào Cai", 2014)
    assert agreement("Quảng Bình", 2020).predecessor == agreement("Quảng Bình", 2015)
    lai_chau = agreement("Lai Châu", 2021)
    # Article 000 mentions a 2014–2020 agreement but gives nothing about it.
    assert lai_chau.predecessor is None
    assert "2014–2020" in lai_chau.notes
    assert not Agreement.objects.filter(counterparty=lai_chau.counterparty, period_start=2014)


SIGNATORIES = [
    ("Kiên Giang", 2014, "Nguyễn Thanh Nghị", "counterparty", "signed", "Phó Bí thư Tỉnh ủy, Phó Chủ tịch UBND tỉnh Kiên Giang", "001"),
    ("Kiên Giang", 2014, "Trần Mạnh Hùng", "vnpt", "signed", "Tổng Giám đốc Tập đoàn VNPT", "001"),
    ("Quảng Bình", 2020, "Trần Công Thuật", "counterparty", "signed", "Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh Quảng Bình", "002"),
    ("Quảng Bình", 2020, "Nguyễn Tiến Hoàng", "counterparty", "attended", "Tỉnh ủy viên, Phó Chủ tịch UBND tỉnh Quảng Bình", "002"),
    ("Quảng Bình", 2020, "Phạm Đức Long", "vnpt", "signed", "Bí thư Đảng ủy, Chủ tịch Hội đồng thành viên, Tổng Giám đốc Tập đoàn VNPT", "002"),
    ("Tuyên Quang", 2017, "Phạm Đức Long", "vnpt", "spoke", "Tổng Giám đốc Tập đoàn VNPT", "004"),
    ("Lai Châu", 2021, "Tống Thanh Hải", "counterparty", "signed", "Phó Chủ tịch thường trực UBND tỉnh Lai Châu", "000"),
    ("Lai Châu", 2021, "Tô Dũng Thái", "vnpt", "signed", "Phó Tổng Giám đốc Tập đoàn VNPT", "000"),
    ("Lào Cai", 2021, "Trịnh Xuân Trường", "counterparty", "signed", "Chủ tịch UBND tỉnh Lào Cai", "003"),
    ("Lào Cai", 2021, "Huỳnh Quang Liêm", "vnpt", "signed", "Tổng Giám đốc Tập đoàn VNPT", "003"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("party", "start", "person", "side", "role", "title", "source"), SIGNATORIES
)
def test_it_loads_every_signatory_with_the_title_held_then(
    data, party, start, person, side, role, title, source
):
    signatory = Signatory.objects.get(agreement=agreement(party, start), person__full_name=person)
    assert (signatory.side, signatory.role, signatory.title_at_signing) == (side, role, title)
    assert signatory.source.code == source


def test_it_keeps_one_person_per_human(data):
    assert Signatory.objects.count() == len(SIGNATORIES)
    assert Person.objects.count() == len({row[2] for row in SIGNATORIES})
    long_ = Person.objects.get(full_name="Phạm Đức Long")
    assert set(long_.signatures.values_list("title_at_signing", flat=True)) == {
        "Tổng Giám đốc Tập đoàn VNPT",
        "Bí thư Đảng ủy, Chủ tịch Hội đồng thành viên, Tổng Giám đốc Tập đoàn VNPT",
    }


LAO_CAI_2020 = [
    ("bts_total", 1000, None, None),
    ("bts_2g", 311, None, None),
    ("bts_3g", 391, None, None),
    ("bts_4g", 298, None, None),
    ("communes_mobile", None, 152, 152),
    ("villages_4g", None, 1542, 1569),
    ("mobile_subscribers", 222402, None, None),
    ("mobile_broadband_subscribers", 70198, None, None),
    ("villages_fibre", None, 1024, 1569),
    ("ftth_subscribers", 46495, None, None),
    ("igate_agencies_pct", 100, None, None),
    ("ioffice_provincial_units", 119, None, None),
    ("ioffice_district_committees", 9, None, None),
    ("ioffice_communes", 152, None, None),
]


def fact_report(party, start, quarter, source) -> QuarterlyReport:
    report = QuarterlyReport.objects.get(agreement=agreement(party, start), quarter=quarter)
    assert report.status == ReportStatus.APPROVED
    assert report.source.code == source
    assert not report.is_demo
    return report


@pytest.mark.parametrize(("kpi", "value", "numerator", "denominator"), LAO_CAI_2020)
def test_it_loads_every_lao_cai_figure_for_the_end_of_2020(
    data, kpi, value, numerator, denominator
):
    report = fact_report("Lào Cai", 2014, 20204, "003")
    reading = report.values.get(kpi__code=kpi)
    if value is None:
        assert (reading.numerator, reading.denominator) == (numerator, denominator)
        assert reading.value == Decimal(numerator * 100 / denominator).quantize(Decimal("0.01"))
    else:
        assert reading.value == value


def test_it_loads_no_other_lao_cai_figure_and_notes_the_rounded_share(data):
    report = fact_report("Lào Cai", 2014, 20204, "003")
    assert report.values.count() == len(LAO_CAI_2020)
    assert "65%" in report.values.get(kpi__code="villages_fibre").note


def test_it_loads_the_quang_binh_figures_of_september_2020(data):
    report = fact_report("Quảng Bình", 2015, 20203, "002")
    assert report.values.count() == 2
    level4 = report.values.get(kpi__code="level4_services_pct")
    assert level4.value == 30
    assert "17/NQ-CP" in level4.note
    fibre = report.values.get(kpi__code="agencies_fibre_pct")
    assert fibre.value == 100
    assert fibre.measured_on == d(2020, 9, 17)


MILESTONES = [
    ("Tân Trạch", d(2020, 9, 17), "day"),
    ("một cửa điện tử", d(2020, 9, 24), "day"),
    ("đô thị thông minh", d(2020, 9, 24), "day"),
    ("Hội nghị truyền hình", d(2020, 9, 1), "month"),
    ("tổng kết 5 năm", d(2020, 9, 24), "day"),
]


@pytest.mark.parametrize(("words", "occurred_on", "precision"), MILESTONES)
def test_it_loads_the_quang_binh_milestones(data, words, occurred_on, precision):
    milestone = Milestone.objects.get(title__contains=words, is_demo=False)
    assert (milestone.occurred_on, milestone.precision) == (occurred_on, precision)
    assert milestone.source.code == "002"
    assert milestone.agreement.counterparty.province.name == "Quảng Bình"


def test_it_invents_no_milestone(data):
    assert Milestone.objects.filter(is_demo=False).count() == len(MILESTONES)
    assert not Milestone.objects.filter(agreement__counterparty__province__name="Lào Cai")


def test_it_loads_the_lai_chau_coverage_target(data):
    target = KpiTarget.objects.get(
        agreement=agreement("Lai Châu", 2021), kpi__code="villages_mobile"
    )
    assert (target.target_value, target.target_on) == (100, d(2025, 12, 31))
    assert target.source.code == "000"
    assert not target.is_demo


def test_it_loads_the_commitments_of_each_article(data):
    def areas(party, start):
        return list(
            agreement(party, start).commitments.values_list("area__code", flat=True).distinct()
        )

    assert agreement("Lai Châu", 2021).commitments.count() == 6
    assert "innovation" in areas("Lai Châu", 2021)
    assert "ethnic-minority-services" in areas(ETHNIC_MINORITY_COMMITTEE, 2014)
    assert agreement(ETHNIC_MINORITY_COMMITTEE, 2014).commitments.count() == 4
    assert "digital-transformation" in areas("Lào Cai", 2021)
    assert "smart-city" in areas("Tuyên Quang", 2017)
    assert "smart-city" in areas("Quảng Bình", 2020)
    assert set(areas("Kiên Giang", 2014)) == {
        "it-infrastructure",
        "e-government",
        "information-security",
        "human-resources",
    }
    # Article 001 gives no content for the August signings or for Lào Cai's.
    assert not agreement("Điện Biên", 2014).commitments.exists()


def test_it_loads_the_catalogues(data):
    assert set(Kpi.objects.values_list("code", flat=True)) == {
        "bts_total", "bts_2g", "bts_3g", "bts_4g", "mobile_subscribers",
        "mobile_broadband_subscribers", "ftth_subscribers", "ioffice_provincial_units",
        "ioffice_district_committees", "ioffice_communes", "communes_mobile", "villages_4g",
        "villages_mobile", "villages_fibre", "level4_services_pct", "igate_agencies_pct",
        "agencies_fibre_pct",
    }  # fmt: skip
    assert set(Kpi.objects.filter(is_headline=True).values_list("code", flat=True)) == {
        "bts_total", "bts_2g", "bts_3g", "bts_4g", "ftth_subscribers",
        "mobile_broadband_subscribers", "villages_fibre", "villages_4g", "level4_services_pct",
    }  # fmt: skip
    assert set(Kpi.objects.filter(parent__code="bts_total").values_list("code", flat=True)) == {
        "bts_2g",
        "bts_3g",
        "bts_4g",
    }
    assert set(Kpi.objects.filter(kind="ratio").values_list("space_aggregation", flat=True)) == {
        "ratio_of_sums"
    }
    assert set(Phase.objects.values_list("code", flat=True)) == {
        "2014-2020",
        "2021-2025",
        "2026-2030",
    }
    assert CommitmentArea.objects.count() == 9
    with translation.override("en"):
        assert CommitmentArea.objects.get(code="smart-city").name == (
            "Smart city and operations centres"
        )
    assert set(Source.objects.values_list("code", flat=True)) == {"000", "001", "002", "003", "004"}
    assert Source.objects.get(code="001").publisher == "VnMedia"
    assert Source.objects.get(code="002").published_on == d(2020, 9, 24)


def test_it_attaches_each_committee_to_the_province_as_it_was(data):
    committees = Organisation.objects.filter(kind=OrganisationKind.PEOPLES_COMMITTEE)
    assert committees.count() == 10
    assert not committees.filter(province__valid_until__isnull=True).exists()
    agency = Organisation.objects.get(name=ETHNIC_MINORITY_COMMITTEE)
    assert (agency.kind, agency.province) == (OrganisationKind.CENTRAL_AGENCY, None)
    assert Organisation.objects.get(kind=OrganisationKind.VNPT).short_name == "VNPT"


def test_it_never_flags_a_fact_as_demo_and_always_flags_synthetic_data(data):
    assert not QuarterlyReport.objects.filter(source__isnull=False, is_demo=True).exists()
    assert not QuarterlyReport.objects.filter(source__isnull=True, is_demo=False).exists()
    assert not QuarterlyReport.objects.filter(agreement__is_demo=True, is_demo=False).exists()
    assert not KpiTarget.objects.filter(source__isnull=True, is_demo=False).exists()
    assert not KpiTarget.objects.filter(source__isnull=False, is_demo=True).exists()
    assert not Agreement.objects.filter(is_demo=True, sources__isnull=False).exists()
    demo = Agreement.objects.filter(is_demo=True).select_related("predecessor__counterparty")
    assert demo.count() == 6
    for synthetic in demo:
        assert "minh họa" in synthetic.title
        assert synthetic.predecessor.counterparty == synthetic.counterparty
        assert not synthetic.predecessor.is_demo
        assert synthetic.reports.exists()


def test_it_makes_synthetic_values_that_pass_the_entry_rules(data):
    values = KpiValue.objects.filter(report__is_demo=True).select_related("kpi", "report")
    by_report = {}
    for reading in values:
        assert not reading.kpi.reading_errors(reading.value, reading.numerator, reading.denominator)
        by_report.setdefault(reading.report, {})[reading.kpi.code] = reading
    for readings in by_report.values():
        parts = sum(readings[code].value for code in ("bts_2g", "bts_3g", "bts_4g"))
        assert parts <= readings["bts_total"].value
        assert readings["villages_4g"].numerator <= readings["villages_mobile"].numerator
        subscribers = readings["mobile_subscribers"].value
        assert readings["mobile_broadband_subscribers"].value <= subscribers
    # Stocks grow: the last synthetic quarter of every series has more stations than the first.
    for synthetic in Agreement.objects.filter(reports__is_demo=True).distinct():
        totals = list(
            KpiValue.objects.filter(report__agreement=synthetic, kpi__code="bts_total")
            .order_by("report__quarter")
            .values_list("value", flat=True)
        )
        assert totals == sorted(totals)


def test_it_gives_dashboards_demo_targets_from_lao_cai_baselines(data):
    targets = KpiTarget.objects.filter(agreement=agreement("Lào Cai", 2021), is_demo=True)
    baseline = {t.kpi.code: t.baseline_value for t in targets.select_related("kpi")}
    assert baseline["bts_total"] == 1000
    assert baseline["ftth_subscribers"] == 46495
    assert baseline["villages_fibre"] == Decimal("65.26")
    assert {t.baseline_on for t in targets} == {d(2020, 12, 31)}
    assert all(t.target_value >= t.baseline_value for t in targets)


@pytest.mark.parametrize(
    ("username", "role", "province"),
    [
        ("admin", Role.ADMIN, None),
        ("official", Role.OFFICIAL, None),
        ("staff_laocai", Role.STAFF, "Lào Cai"),
        ("staff_quangtri", Role.STAFF, "Quảng Trị"),
        ("reviewer", Role.REVIEWER, None),
    ],
)
def test_it_creates_the_demo_accounts(data, username, role, province):
    user = get_user_model().objects.get(username=username)
    assert role in roles_of(user)
    assert user.check_password("demo")
    assert user.is_superuser == (username == "admin")
    assigned = [a.province for a in user.province_assignments.select_related("province")]
    if province is None:
        assert assigned == []
    else:
        assert [(p.name, p.is_current) for p in assigned] == [(province, True)]


def test_it_leaves_staff_laocai_reports_to_fill_in(data):
    staff = get_user_model().objects.get(username="staff_laocai")
    scope = province_scope(staff, Action.EDIT)
    assert Province.objects.former().get(name="Yên Bái").pk in scope
    in_scope = Agreement.objects.in_force(d(2025, 12, 31)).filter(counterparty__province__in=scope)
    assert in_scope.exists()
    assert in_scope.exclude(reports__quarter=20254).exists()
    assert in_scope.exclude(reports__quarter=20253).exists()
    assert in_scope.filter(reports__quarter=20252, reports__status=ReportStatus.APPROVED).exists()


def test_it_shows_the_missing_quarters_in_the_staff_worklists(data):
    """The current agreements owe their last two quarters; the closed 2014–2020 ones owe none."""
    for username, title_words in (("staff_laocai", "Lào Cai"), ("staff_quangtri", "Quảng Bình")):
        staff = get_user_model().objects.get(username=username)
        due = {
            (item.agreement.title, item.quarter.code)
            for item in worklist(staff, today=d(2026, 1, 31))
            if item.report is None
        }
        assert {quarter for title, quarter in due if title_words in title} == {20253, 20254}


def test_it_leaves_quang_binh_reports_to_fill_in(data):
    quang_binh = agreement("Quảng Bình", 2020)
    assert quang_binh.reports.filter(quarter=20252).exists()
    assert not quang_binh.reports.filter(quarter__in=[20253, 20254]).exists()


def test_it_leaves_one_report_for_the_reviewer(data):
    waiting = QuarterlyReport.objects.filter(status=ReportStatus.SUBMITTED)
    assert waiting.count() == 1
    report = waiting.get()
    assert (report.quarter, report.is_demo, report.agreement.is_demo) == (20253, True, True)
    reviewer = get_user_model().objects.get(username="reviewer")
    assert province_scope(reviewer, Action.REVIEW) is None


def test_it_computes_progress_for_the_dashboards(data):
    lao_cai = AgreementProgress.objects.get(
        agreement=agreement("Lào Cai", 2021), kpi__code="bts_4g"
    )
    assert lao_cai.latest_quarter == 20252
    assert lao_cai.target_value is not None
    assert NationalProgress.objects.filter(phase__code="2021-2025", kpi__code="bts_total").exists()
