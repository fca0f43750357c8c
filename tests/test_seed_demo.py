"""seed_demo: every fact of the source articles, exactly; synthetic data always flagged.

The expected facts below are typed again from the articles on purpose, independently
of the loader's own tables, so a slip in either shows up here.
"""

import datetime
import io
import re
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
    Participant,
    Person,
    Phase,
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
    # The same figures every run: nothing to write, nothing to recompute.
    assert "Nothing changed" in out.getvalue()
    assert before["partnerships.Agreement"] == 20
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
    ("Lai Châu", 2014, 2020, "strategic", "2014-2020", None, "day", "superseded", {"000"}),
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
def test_it_keeps_the_unpaired_september_dates_in_a_note_on_the_signing(data, party):
    note = agreement(party, 2014).signing_note
    for candidate in ("9/9", "11/9", "13/9", "15/9"):
        assert candidate in note
    assert "001" in note


# party, start, the note's field, words that must be in it: what is inferred, not stated.
INFERRED = [
    ("Điện Biên", 2014, "kind_note", ["suy ra", "hợp tác chiến lược", "2014–2020", "tháng 9/2014"]),
    ("Hà Nam", 2014, "kind_note", ["suy ra", "hợp tác chiến lược", "2014–2020", "tháng 9/2014"]),
    ("Điện Biên", 2014, "signing_note", ["tháng 8/2014", "không nêu ngày"]),
    ("Hà Nam", 2014, "signing_note", ["tháng 8/2014", "không nêu ngày"]),
    ("Kiên Giang", 2014, "signing_note", ["4/9/2014", "chú thích ảnh"]),
    ("Lai Châu", 2014, "kind_note", ["hợp tác chiến lược", "2014–2020"]),
    ("Lai Châu", 2014, "signing_note", ["không nêu ngày"]),
    ("Quảng Bình", 2015, "period_note", ["2015–2020", "24/9/2020"]),
    ("Quảng Bình", 2015, "signing_note", ["suy ra", "2015"]),
    ("Tuyên Quang", 2017, "period_note", ["2017–2022", "không khớp", "2014–2020", "2021–2025"]),
    ("Tuyên Quang", 2017, "signing_note", ["suy ra", "2017"]),
    ("Tuyên Quang", 2017, "notes", ["26/NQ-CP", "không nêu tên người ký"]),
    ("Quảng Bình", 2020, "period_note", ["2020–2025", "2021–2025"]),
    ("Quảng Bình", 2020, "signing_note", ["24/9/2020", "không nêu tên người ký"]),
    ("Lai Châu", 2021, "signing_note", ["29/4", "Hà Nội", "năm 2021 được suy ra", "25/02/2021", "trực tiếp được suy ra"]),
]  # fmt: skip


@pytest.mark.parametrize(("party", "start", "field", "words"), INFERRED)
def test_it_says_what_is_inferred_beside_the_fact(data, party, start, field, words):
    note = getattr(agreement(party, start), field)
    for word in words:
        assert word in note


def test_it_records_place_and_mode_where_the_articles_give_them(data):
    lai_chau = agreement("Lai Châu", 2021)
    assert (lai_chau.place, lai_chau.signing_mode) == ("Hà Nội", "in_person")
    assert agreement("Lào Cai", 2021).signing_mode == "video"
    assert agreement("Kiên Giang", 2014).signing_mode == "unknown"


def test_it_links_agreements_to_their_predecessors(data):
    assert agreement("Lào Cai", 2021).predecessor == agreement("Lào Cai", 2014)
    assert agreement("Quảng Bình", 2020).predecessor == agreement("Quảng Bình", 2015)
    # Article 000 calls the memorandum the sequel of a 2014–2020 strategic cooperation.
    assert agreement("Lai Châu", 2021).predecessor == agreement("Lai Châu", 2014)


def test_it_records_the_lai_chau_predecessor_without_inventing_its_date_or_content(data):
    earlier = agreement("Lai Châu", 2014)
    with translation.override("vi"):
        assert (earlier.signed_on, earlier.signed_label) == (None, "chưa rõ")
    assert not earlier.participants.exists()
    assert not earlier.commitments.exists()


# Who the articles name at each agreement, and what they did: only those said to sign signed.
PARTICIPANTS = [
    ("Kiên Giang", 2014, "Nguyễn Thanh Nghị", "counterparty", "signed", "Phó Bí thư Tỉnh ủy, Phó Chủ tịch UBND tỉnh Kiên Giang", "001"),
    ("Kiên Giang", 2014, "Trần Mạnh Hùng", "vnpt", "signed", "Tổng Giám đốc Tập đoàn VNPT", "001"),
    ("Lào Cai", 2014, "Đặng Xuân Phong", "counterparty", "assessed", "Bí thư Tỉnh ủy Lào Cai", "003"),
    ("Quảng Bình", 2020, "Trần Công Thuật", "counterparty", "spoke", "Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh, Trưởng đoàn Đại biểu Quốc hội tỉnh Quảng Bình", "002"),
    ("Quảng Bình", 2020, "Nguyễn Tiến Hoàng", "counterparty", "attended", "Tỉnh ủy viên, Phó Chủ tịch UBND tỉnh Quảng Bình", "002"),
    ("Quảng Bình", 2020, "Phạm Đức Long", "vnpt", "spoke", "Bí thư Đảng ủy, Chủ tịch Hội đồng thành viên, Tổng Giám đốc Tập đoàn VNPT", "002"),
    ("Tuyên Quang", 2017, "Phạm Đức Long", "vnpt", "spoke", "Tổng Giám đốc Tập đoàn VNPT", "004"),
    ("Lai Châu", 2021, "Tống Thanh Hải", "counterparty", "signed", "Phó Chủ tịch thường trực UBND tỉnh Lai Châu", "000"),
    ("Lai Châu", 2021, "Tô Dũng Thái", "vnpt", "signed", "Phó Tổng Giám đốc Tập đoàn VNPT", "000"),
    ("Lai Châu", 2021, "Phạm Đức Long", "vnpt", "spoke", "Chủ tịch Tập đoàn VNPT", "000"),
    ("Lào Cai", 2021, "Trịnh Xuân Trường", "counterparty", "signed", "Chủ tịch UBND tỉnh Lào Cai", "003"),
    ("Lào Cai", 2021, "Huỳnh Quang Liêm", "vnpt", "signed", "Tổng Giám đốc Tập đoàn VNPT", "003"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("party", "start", "person", "side", "role", "title", "source"), PARTICIPANTS
)
def test_it_loads_each_persons_part_with_the_title_held_then(
    data, party, start, person, side, role, title, source
):
    found = Participant.objects.get(agreement=agreement(party, start), person__full_name=person)
    assert (found.side, found.role, found.title_then) == (side, role, title)
    assert found.source.code == source


@pytest.mark.parametrize(
    ("party", "start"),
    [("Quảng Bình", 2020), ("Tuyên Quang", 2017), ("Quảng Bình", 2015), ("Điện Biên", 2014)],
)
def test_it_names_no_signer_where_the_article_names_none(data, party, start):
    found = agreement(party, start)
    assert not found.participants.filter(role="signed").exists()
    assert not found.has_named_signer


def test_it_notes_the_parts_the_article_leaves_unclear(data):
    quang_binh = agreement("Quảng Bình", 2020).participants.all()
    assert all("không nói ai ký" in participant.note for participant in quang_binh)
    assert "không nêu" in Participant.objects.get(person__full_name="Đặng Xuân Phong").note


def test_it_keeps_one_person_per_human(data):
    assert Participant.objects.count() == len(PARTICIPANTS)
    assert Person.objects.count() == len({row[2] for row in PARTICIPANTS})
    long_ = Person.objects.get(full_name="Phạm Đức Long").participations
    assert sorted(long_.values_list("agreement__period_start", "role", "title_then")) == [
        (2017, "spoke", "Tổng Giám đốc Tập đoàn VNPT"),
        (
            2020,
            "spoke",
            "Bí thư Đảng ủy, Chủ tịch Hội đồng thành viên, Tổng Giám đốc Tập đoàn VNPT",
        ),
        (2021, "spoke", "Chủ tịch Tập đoàn VNPT"),
    ]


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
    for reached in ("tổ chức, doanh nghiệp", "người dân"):
        assert reached in fibre.note


def test_it_reports_quang_binhs_thirty_per_cent_once(data):
    """The article's Q3/2020 share belongs to the 2015 agreement; no demo report repeats it."""
    level4 = KpiValue.objects.filter(
        report__agreement__counterparty__province__name="Quảng Bình",
        report__quarter=20203,
        kpi__code="level4_services_pct",
    )
    assert [(v.report.agreement.period_start, v.report.is_demo) for v in level4] == [(2015, False)]


def test_it_writes_no_demo_figure_before_2021(data):
    """The 2014–2020 phase shows the articles' facts alone, even under a 2020–2025 agreement."""
    assert not QuarterlyReport.objects.filter(is_demo=True, quarter__lt=20211).exists()
    quang_binh = agreement("Quảng Bình", 2020)
    assert min(quang_binh.reports.values_list("quarter", flat=True)) == 20211


@pytest.mark.usefixtures("fresh_cache")
def test_the_2014_2020_headlines_are_the_articles_figures(data, client):
    client.force_login(get_user_model().objects.get(username="official"))
    page = client.get("/?phase=2014-2020", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    cards = dict(re.findall(r'data-kpi="(\w+)">(.*?)</article>', page, re.S))
    # Quảng Bình's 30% of September 2020 (article 002), carried to the phase's last quarter.
    level4 = re.sub(r"<[^>]+>|\s+", " ", cards["level4_services_pct"])
    assert " 30.0% " in level4 and "carried from Q3/2020" in level4, level4
    assert " 1,000 " in re.sub(r"<[^>]+>|\s+", " ", cards["bts_total"])
    for kpi, card in cards.items():
        assert "badge demo" not in card, kpi


def test_no_demo_figure_repeats_an_articles_figure(data):
    """Each demo value of a unit differs from every figure the articles give for it."""
    facts = {}
    for reading in KpiValue.objects.filter(report__source__isnull=False).select_related(
        "report__agreement__counterparty", "kpi"
    ):
        unit = reading.report.agreement.counterparty.province_id
        facts.setdefault((unit, reading.kpi.code), set()).add(reading.value)
    compared = set()
    for reading in KpiValue.objects.filter(report__is_demo=True).select_related(
        "report__agreement__counterparty__province", "kpi"
    ):
        province = reading.report.agreement.counterparty.province
        published = facts.get((province.pk, reading.kpi.code), set())
        assert reading.value not in published, (province.name, reading.kpi.code, reading)
        if published:
            compared.add((province.name, reading.kpi.code))
    assert {name for name, _kpi in compared} == {"Lào Cai", "Quảng Bình"}
    assert ("Lào Cai", "bts_2g") in compared
    assert ("Quảng Bình", "level4_services_pct") in compared


def test_it_decommissions_2g_stations_slowly(data):
    """From Lào Cai's 311 at the end of 2020, a few 2G stations go every quarter."""
    for synthetic in Agreement.objects.filter(reports__is_demo=True).distinct():
        stations = list(
            KpiValue.objects.filter(report__agreement=synthetic, kpi__code="bts_2g")
            .order_by("report__quarter")
            .values_list("value", flat=True)
        )
        assert stations == sorted(stations, reverse=True) and len(set(stations)) == len(stations)
        assert stations[-1] > stations[0] * Decimal("0.7"), synthetic
    lao_cai = KpiValue.objects.filter(
        report__agreement=agreement("Lào Cai", 2021), kpi__code="bts_2g"
    ).order_by("report__quarter")
    assert 290 < lao_cai.first().value < 311


def test_it_names_no_internal_command_to_the_reader(data):
    texts = [
        *QuarterlyReport.objects.filter(is_demo=True).values_list("narrative", flat=True),
        *KpiTarget.objects.filter(is_demo=True).values_list("note", flat=True),
        *Agreement.objects.filter(is_demo=True).values_list("notes", flat=True),
    ]
    assert texts
    for text in texts:
        assert "seed_demo" not in text and "lệnh" not in text
        assert "minh họa" in text
    for note in KpiTarget.objects.filter(is_demo=True).values_list("note", flat=True):
        assert note.startswith("Chỉ tiêu") and "không phải số liệu thực" in note


# party, start, words in the title, date, precision, source; "by": done by then, day not given.
MILESTONES = [
    ("Quảng Bình", 2015, "Tân Trạch", d(2020, 9, 17), "day", "002"),
    ("Quảng Bình", 2015, "một cửa điện tử", d(2020, 9, 24), "day", "002"),
    ("Quảng Bình", 2015, "Khởi động Trung tâm điều hành", d(2020, 9, 24), "day", "002"),
    ("Quảng Bình", 2015, "Hội nghị truyền hình trực tuyến", d(2020, 9, 24), "by", "002"),
    ("Quảng Bình", 2015, "E-Cabinet", d(2020, 9, 24), "by", "002"),
    ("Quảng Bình", 2015, "thí điểm", d(2020, 9, 24), "by", "002"),
    ("Quảng Bình", 2015, "tổng kết 5 năm", d(2020, 9, 24), "day", "002"),
    ("Quảng Bình", 2015, "bằng khen", d(2020, 9, 24), "day", "002"),
    ("Lào Cai", 2014, "cấp huyện, cấp xã", d(2020, 12, 31), "by", "003"),
    ("Lào Cai", 2014, "Cổng thông tin điện tử", d(2020, 12, 31), "by", "003"),
    ("Lào Cai", 2014, "Cổng du lịch", d(2020, 12, 31), "by", "003"),
    ("Lào Cai", 2014, "lưu trú trực tuyến", d(2020, 12, 31), "by", "003"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("party", "start", "words", "occurred_on", "precision", "source"), MILESTONES
)
def test_it_loads_the_milestones_of_the_articles(
    data, party, start, words, occurred_on, precision, source
):
    milestone = Milestone.objects.get(title__contains=words, is_demo=False)
    assert milestone.agreement == agreement(party, start)
    assert (milestone.occurred_on, milestone.precision) == (occurred_on, precision)
    assert milestone.source.code == source
    if precision == "by":
        assert "không nêu ngày" in milestone.note
        with translation.override("vi"):
            assert milestone.date_label.startswith("tính đến ")


def test_it_invents_no_milestone(data):
    assert Milestone.objects.filter(is_demo=False).count() == len(MILESTONES)


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

    assert agreement("Lai Châu", 2021).commitments.count() == 7
    assert "innovation" in areas("Lai Châu", 2021)
    assert "information-security" in areas("Lai Châu", 2021)
    assert "ethnic-minority-services" in areas(ETHNIC_MINORITY_COMMITTEE, 2014)
    assert agreement(ETHNIC_MINORITY_COMMITTEE, 2014).commitments.count() == 5
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


# party, start, words of one commitment: the facts an audit found missing.
COMMITMENT_FACTS = [
    ("Lai Châu", 2021, "Quỹ dịch vụ viễn thông công ích"),
    ("Lai Châu", 2021, "22 xã biên giới"),
    ("Kiên Giang", 2014, "Chính phủ điện tử của tỉnh trước năm 2020"),
    ("Ninh Thuận", 2014, "Chính phủ điện tử của tỉnh trước năm 2020"),
    ("Nghệ An", 2014, "Chính phủ điện tử của tỉnh trước năm 2020"),
    ("Hòa Bình", 2014, "Chính phủ điện tử của tỉnh trước năm 2020"),
    (ETHNIC_MINORITY_COMMITTEE, 2014, "Chính phủ điện tử trước năm 2020"),
    ("Tuyên Quang", 2017, "doanh nghiệp khác"),
    ("Lào Cai", 2021, "20 tỉnh, thành phố dẫn đầu về chuyển đổi số"),
    ("Lào Cai", 2021, "10 tỉnh, thành phố dẫn đầu về chỉ số năng lực cạnh tranh cấp tỉnh (PCI)"),
]


@pytest.mark.parametrize(("party", "start", "words"), COMMITMENT_FACTS)
def test_it_loads_each_commitment_fact_with_its_source(data, party, start, words):
    found = agreement(party, start)
    commitment = found.commitments.get(text__contains=words)
    assert commitment.source.code in found.sources.values_list("code", flat=True)


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
    assert not KpiTarget.objects.filter(baseline_source__isnull=False, baseline_is_demo=True)
    assert not KpiTarget.objects.filter(
        baseline_value__isnull=False, baseline_source__isnull=True, baseline_is_demo=False
    ).exists()
    demo = Agreement.objects.filter(is_demo=True).select_related("predecessor__counterparty")
    assert demo.count() == 6
    for synthetic in demo:
        # The DEMO badge marks it on the pages; its title reads as a real one would.
        assert synthetic.title.startswith("Thỏa thuận hợp tác chiến lược về VT-CNTT")
        assert "minh họa" in synthetic.notes
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


# Lào Cai's end-2020 figures of article 003 are the baselines of its 2021–2025 agreement.
LAO_CAI_BASELINES = {
    "bts_total": Decimal(1000),
    "bts_4g": Decimal(298),
    "mobile_broadband_subscribers": Decimal(70198),
    "ftth_subscribers": Decimal(46495),
    "villages_4g": Decimal("98.28"),
    "villages_fibre": Decimal("65.26"),
}


def test_it_takes_lao_cais_baselines_from_article_003_and_flags_the_rest(data):
    targets = KpiTarget.objects.filter(agreement=agreement("Lào Cai", 2021)).select_related(
        "kpi", "baseline_source"
    )
    assert {t.kpi.code: t.baseline_value for t in targets if not t.baseline_is_demo} == (
        LAO_CAI_BASELINES
    )
    for target in targets:
        assert target.is_demo, "the targets themselves are synthetic"
        assert target.target_value >= target.baseline_value
        if target.kpi.code in LAO_CAI_BASELINES:
            assert (target.baseline_source.code, target.baseline_on) == ("003", d(2020, 12, 31))
        else:
            assert (target.baseline_source, target.baseline_is_demo) == (None, True)


def test_it_takes_quang_binhs_level4_baseline_from_article_002(data):
    targets = KpiTarget.objects.filter(agreement=agreement("Quảng Bình", 2020))
    level4 = targets.get(kpi__code="level4_services_pct")
    assert (level4.baseline_value, level4.baseline_source.code) == (30, "002")
    assert not level4.baseline_is_demo
    assert not targets.exclude(pk=level4.pk).filter(baseline_is_demo=False).exists()


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
    """The current agreements owe their last two quarters; the closed 2014–2020 ones owe none.

    Quảng Bình's 2020–2025 agreement also owes its two quarters of 2020: demo figures start
    in 2021, and article 002 gives that September's figures under the 2015–2020 agreement.
    """
    owed = (("staff_laocai", "Lào Cai", set()), ("staff_quangtri", "Quảng Bình", {20203, 20204}))
    for username, title_words, of_2020 in owed:
        staff = get_user_model().objects.get(username=username)
        due = {
            (item.agreement.title, item.quarter.code)
            for item in worklist(staff, today=d(2026, 1, 31))
            if item.report is None
        }
        assert {quarter for title, quarter in due if title_words in title} == {
            20253,
            20254,
            *of_2020,
        }


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


def test_it_takes_away_a_part_the_articles_do_not_support_when_seeded_again(data):
    """A database seeded when Quảng Bình's attendees were recorded as signers is corrected."""
    thuat = Person.objects.get(full_name="Trần Công Thuật")
    quang_binh = agreement("Quảng Bình", 2020)
    Participant.objects.create(
        agreement=quang_binh,
        person=thuat,
        side="counterparty",
        role="signed",
        title_then="Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh Quảng Bình",
    )
    call_command("seed_demo", stdout=io.StringIO())
    assert list(quang_binh.participants.filter(person=thuat).values_list("role", flat=True)) == [
        "spoke"
    ]
    assert Participant.objects.count() == len(PARTICIPANTS)


def test_it_takes_away_what_an_earlier_seed_wrote_over_the_articles_when_seeded_again(data):
    """Its Q4/2020 report outranked Quảng Bình's 30%; Lào Cai's 152 of 152 communes repeated 003."""
    level4 = Kpi.objects.get(code="level4_services_pct")
    communes = Kpi.objects.get(code="communes_mobile")
    old = QuarterlyReport.objects.create(
        agreement=agreement("Quảng Bình", 2020),
        quarter=20204,
        status=ReportStatus.APPROVED,
        is_demo=True,
    )
    KpiValue.objects.create(report=old, kpi=level4, value=Decimal("35.5"))
    lao_cai = agreement("Lào Cai", 2021).reports.get(quarter=20252)
    KpiValue.objects.create(report=lao_cai, kpi=communes, numerator=152, denominator=152)
    call_command("seed_demo", stdout=io.StringIO())
    assert not QuarterlyReport.objects.filter(pk=old.pk).exists()
    assert not lao_cai.values.filter(kpi=communes).exists()
    assert NationalProgress.objects.get(phase__code="2014-2020", kpi=level4).value == 30
