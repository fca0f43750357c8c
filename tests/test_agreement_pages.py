"""The agreement list and an agreement's page, as a signed-in user sees them."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from core.dates import DatePrecision
from partnerships.models import ParticipantRole, ParticipantSide, SigningMode

from .factories import (
    AgreementFactory,
    CommitmentAreaFactory,
    CommitmentFactory,
    KpiFactory,
    KpiTargetFactory,
    MilestoneFactory,
    OrganisationFactory,
    ParticipantFactory,
    PersonFactory,
    PhaseFactory,
    SourceFactory,
)

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _page(client, agreement):
    response = client.get(agreement.get_absolute_url(), **EN)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def lai_chau_mou(provinces):
    """The Lai Châu memorandum as article 000 tells it."""
    source = SourceFactory(code="000", title="Lai Châu và VNPT ký biên bản ghi nhớ")
    agreement = AgreementFactory(
        counterparty=OrganisationFactory(province=provinces.former_lai_chau),
        title="Biên bản ghi nhớ hợp tác VT-CNTT Lai Châu – VNPT 2021–2025",
        kind="mou",
        phase=PhaseFactory(start_year=2021, end_year=2025),
        signed_on=datetime.date(2021, 4, 29),
        place="Hà Nội",
        signing_mode=SigningMode.IN_PERSON,
        notes="The article does not say when the memorandum ends.",
    )
    agreement.sources.add(source)
    ParticipantFactory(
        agreement=agreement,
        person=PersonFactory(full_name="Tống Thanh Hải"),
        title_then="Phó Chủ tịch Thường trực UBND tỉnh",
        source=source,
    )
    ParticipantFactory(
        agreement=agreement,
        person=PersonFactory(full_name="Tô Dũng Thái"),
        side=ParticipantSide.VNPT,
        title_then="Phó Tổng Giám đốc VNPT",
    )
    return agreement


def test_it_shows_an_agreements_facts(official_client, lai_chau_mou, provinces):
    content = _page(official_client, lai_chau_mou)
    assert "Memorandum of understanding" in content
    assert "2021–2025" in content
    assert "29 Apr 2021" in content
    assert "04/29/2021" not in content
    assert "Hà Nội" in content
    assert "In person" in content
    assert "Tống Thanh Hải" in content
    assert "Phó Chủ tịch Thường trực UBND tỉnh" in content
    assert "Tô Dũng Thái" in content
    assert "Lai Châu và VNPT ký biên bản ghi nhớ" in content


def test_it_links_the_province_as_it_was_and_as_it_is(official_client, lai_chau_mou, provinces):
    content = _page(official_client, lai_chau_mou)
    assert provinces.former_lai_chau.get_absolute_url() in content
    assert "now part of" in content
    assert provinces.lai_chau.get_absolute_url() in content


def test_it_shows_the_notes_on_uncertainty_visibly(official_client, lai_chau_mou):
    content = _page(official_client, lai_chau_mou)
    assert 'role="note"' in content
    assert "The article does not say when the memorandum ends." in content


def test_it_shows_a_month_precision_date_without_a_day(official_client, db):
    agreement = AgreementFactory(
        phase=PhaseFactory(start_year=2014, end_year=2020),
        signed_on=datetime.date(2014, 8, 1),
        signed_precision=DatePrecision.MONTH,
    )
    MilestoneFactory(
        agreement=agreement,
        title="Hoàn thành cáp quang",
        occurred_on=datetime.date(2019, 11, 1),
        precision=DatePrecision.MONTH,
    )
    content = _page(official_client, agreement)
    assert "August 2014" in content
    assert "November 2019" in content
    assert "08/01/2014" not in content
    assert "11/01/2019" not in content
    assert "Aug. 1" not in content


def test_it_shows_a_year_precision_date_as_the_year_alone(official_client, db):
    agreement = AgreementFactory(
        phase=PhaseFactory(start_year=2014, end_year=2020),
        signed_on=datetime.date(2015, 1, 1),
        signed_precision=DatePrecision.YEAR,
    )
    content = _page(official_client, agreement)
    assert "<dd>2015" in content
    assert "01/01/2015" not in content


def test_it_groups_commitments_by_area(official_client, db):
    agreement = AgreementFactory()
    infrastructure = CommitmentAreaFactory(
        code="infrastructure", name_en="Telecom infrastructure", order=1
    )
    security = CommitmentAreaFactory(code="security", name_en="Information security", order=2)
    CommitmentFactory(agreement=agreement, area=security, text="Giám sát an toàn thông tin")
    CommitmentFactory(agreement=agreement, area=infrastructure, text="Phủ sóng 4G toàn bộ thôn")
    CommitmentFactory(
        agreement=agreement, area=infrastructure, text="Cáp quang đến 22 xã biên giới"
    )
    content = _page(official_client, agreement)
    assert content.count("<h3>Telecom infrastructure</h3>") == 1
    assert content.index("Telecom infrastructure") < content.index("Phủ sóng 4G toàn bộ thôn")
    assert content.index("Cáp quang đến 22 xã biên giới") < content.index("Information security")
    assert content.index("Information security") < content.index("Giám sát an toàn thông tin")


def test_it_shows_kpi_targets_with_baseline_and_dates(official_client, db):
    agreement = AgreementFactory()
    KpiTargetFactory(
        agreement=agreement,
        kpi=KpiFactory(code="bts_total", name_en="BTS stations", unit_en="stations"),
        baseline_value=1000,
        baseline_on=datetime.date(2020, 12, 31),
        target_value=1250,
        target_on=datetime.date(2025, 12, 31),
    )
    KpiTargetFactory(
        agreement=agreement,
        kpi=KpiFactory(code="villages_fibre", name_en="Villages with fibre", ratio=True),
        baseline_value=Decimal("65.26"),
        target_value=100,
    )
    content = _page(official_client, agreement)
    assert "BTS stations" in content
    assert "1,000 stations" in content
    assert "1,250 stations" in content
    assert "31 Dec 2020" in content
    assert "31 Dec 2025" in content
    # A share as the dashboards write it (core.formatting.share), not to the stored decimals.
    assert "65.3%" in content and "65.26" not in content
    assert "100.0%" in content


def test_it_links_predecessor_and_successor_agreements(official_client, db):
    older = AgreementFactory(
        phase=PhaseFactory(start_year=2014, end_year=2020),
        title="Thỏa thuận 2015–2020",
        signed_on=datetime.date(2015, 1, 1),
        signed_precision=DatePrecision.YEAR,
    )
    newer = AgreementFactory(
        counterparty=older.counterparty, predecessor=older, title="Thỏa thuận 2020–2025"
    )
    assert newer.title in _page(official_client, older)
    assert newer.get_absolute_url() in _page(official_client, older)
    assert older.get_absolute_url() in _page(official_client, newer)


def test_it_marks_only_demo_rows(official_client, db):
    real = AgreementFactory()
    KpiTargetFactory(agreement=real)
    MilestoneFactory(agreement=real)
    assert 'class="badge demo"' not in _page(official_client, real)

    demo = AgreementFactory(is_demo=True)
    KpiTargetFactory(agreement=demo, is_demo=True)
    MilestoneFactory(agreement=demo, is_demo=True)
    assert _page(official_client, demo).count('class="badge demo"') == 3

    listing = official_client.get(reverse("partnerships:agreement-list")).content.decode()
    assert listing.count('class="badge demo"') == 1


def test_it_lists_agreements_with_links_to_pages_and_provinces(
    official_client, lai_chau_mou, provinces
):
    response = official_client.get(reverse("partnerships:agreement-list"), **EN)
    content = response.content.decode()
    assert lai_chau_mou.get_absolute_url() in content
    assert provinces.former_lai_chau.get_absolute_url() in content
    assert "1 agreement" in content


def _province_cells(content: str) -> list[str]:
    cells = re.findall(r'<td data-label="Province">(.*?)</td>', content, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in cells]


def test_the_list_points_to_the_province_a_unit_became_part_of_only_when_it_changed(
    official_client, lai_chau_mou, provinces
):
    AgreementFactory(counterparty=OrganisationFactory(province=provinces.former_quang_binh))
    content = official_client.get(reverse("partnerships:agreement-list"), **EN).content.decode()
    # Lai Châu kept its borders: "Lai Châu → Lai Châu" would say nothing.
    assert sorted(_province_cells(content)) == ["Lai Châu", "Quảng Bình → Quảng Trị"]
    assert provinces.quang_tri.get_absolute_url() in content


def test_it_pages_the_list_and_keeps_the_filters(official_client, db):
    phase = PhaseFactory(start_year=2014, end_year=2020)
    for _number in range(30):
        AgreementFactory(phase=phase, signed_on=datetime.date(2014, 9, 17))
    AgreementFactory()
    response = official_client.get(reverse("partnerships:agreement-list"), {"phase": phase.code})
    assert len(response.context["page"].object_list) == 25
    assert f"?phase={phase.code}&amp;page=2" in response.content.decode()
    second = official_client.get(
        reverse("partnerships:agreement-list"), {"phase": phase.code, "page": 2}
    )
    assert len(second.context["page"].object_list) == 5


def test_it_answers_404_for_an_unknown_agreement(official_client, db):
    assert (
        official_client.get(reverse("partnerships:agreement-detail", args=[999])).status_code == 404
    )


def _agreements(count):
    phase = PhaseFactory()
    for _number in range(count):
        agreement = AgreementFactory(phase=phase, is_demo=True)
        ParticipantFactory(agreement=agreement)
        CommitmentFactory(agreement=agreement)
    return agreement


@pytest.mark.parametrize("count", [2, 12])
def test_it_lists_agreements_in_a_fixed_number_of_queries(
    official_client, django_assert_max_num_queries, count
):
    _agreements(count)
    # Session, user, the header's unread count, the filter form's three lists, count and page.
    with django_assert_max_num_queries(8):
        response = official_client.get(reverse("partnerships:agreement-list"))
    assert len(response.context["page"].object_list) == count


@pytest.mark.parametrize("count", [2, 12])
def test_it_shows_an_agreement_in_a_fixed_number_of_queries(
    official_client, django_assert_max_num_queries, count
):
    agreement = AgreementFactory()
    for number in range(count):
        ParticipantFactory(agreement=agreement, role=ParticipantRole.ATTENDED)
        CommitmentFactory(agreement=agreement, area=CommitmentAreaFactory(code=f"area-q{number}"))
        KpiTargetFactory(agreement=agreement)
        MilestoneFactory(agreement=agreement)
        AgreementFactory(counterparty=agreement.counterparty, predecessor=agreement)
        agreement.sources.add(SourceFactory())
    # Session, user, the header's unread count, the agreement with its parties, then one
    # query per kind of part: signatories, commitments, targets, milestones, successors, sources.
    with django_assert_max_num_queries(10):
        response = official_client.get(agreement.get_absolute_url())
    assert response.status_code == 200


@pytest.fixture
def quang_binh_2020(provinces):
    """Quảng Bình's 2020 agreement as article 002 tells it: people named, no signer."""
    source = SourceFactory(code="002")
    agreement = AgreementFactory(
        phase=PhaseFactory(start_year=2021, end_year=2025),
        signed_on=datetime.date(2020, 9, 24),
        period_start=2020,
        period_note="Bài 002 cũng gọi đây là thỏa thuận giai đoạn 2021–2025.",
        signing_note="Bài 002 không nêu tên người ký.",
    )
    ParticipantFactory(
        agreement=agreement,
        person=PersonFactory(full_name="Trần Công Thuật"),
        role=ParticipantRole.SPOKE,
        title_then="Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh, Trưởng đoàn Đại biểu Quốc hội tỉnh",
        source=source,
        note="Bài 002 không nói ai ký.",
    )
    ParticipantFactory(
        agreement=agreement,
        person=PersonFactory(full_name="Nguyễn Tiến Hoàng"),
        role=ParticipantRole.ATTENDED,
        title_then="Tỉnh ủy viên, Phó Chủ tịch UBND tỉnh",
        source=source,
    )
    return agreement


def _participant_rows(content):
    section = content.split("<h2>Signers and participants</h2>")[1].split("<h2>")[0]
    rows = re.findall(r"<tr>(.*?)</tr>", section.split("<tbody>")[1], re.S)
    return [
        [re.sub(r"<[^>]+>", " ", cell).split() for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
        for row in rows
    ]


def test_it_shows_each_persons_part_and_says_when_no_signer_is_named(
    official_client, quang_binh_2020
):
    content = _page(official_client, quang_binh_2020)
    assert "<h2>Signers and participants</h2>" in content
    assert "Title held then" in content
    rows = {" ".join(row[0]): " ".join(row[3]) for row in _participant_rows(content)}
    assert rows["Trần Công Thuật"].startswith("Attended and spoke")
    assert "Bài 002 không nói ai ký." in rows["Trần Công Thuật"]
    assert rows["Nguyễn Tiến Hoàng"] == "Attended"
    assert "The sources name no signer." in content


def test_it_lists_the_signers_first_on_each_side(official_client, lai_chau_mou):
    ParticipantFactory(
        agreement=lai_chau_mou,
        person=PersonFactory(full_name="Phạm Đức Long"),
        side=ParticipantSide.VNPT,
        role=ParticipantRole.SPOKE,
        title_then="Chủ tịch Tập đoàn VNPT",
    )
    content = _page(official_client, lai_chau_mou)
    people = [" ".join(row[0]) for row in _participant_rows(content)]
    assert people == ["Tống Thanh Hải", "Tô Dũng Thái", "Phạm Đức Long"]
    assert "The sources name no signer." not in content


def test_it_shows_what_is_inferred_beside_the_fact(official_client, quang_binh_2020):
    content = _page(official_client, quang_binh_2020)
    facts = content.split('<dl class="facts">')[1].split("</dl>")[0]
    period = facts.split("<dt>Period</dt>")[1].split("<dt>")[0]
    signed = facts.split("<dt>Signed</dt>")[1].split("<dt>")[0]
    assert "Source note: Bài 002 cũng gọi đây là thỏa thuận giai đoạn 2021–2025." in period
    assert "Source note: Bài 002 không nêu tên người ký." in signed


def test_it_marks_an_inferred_date_in_the_agreement_list(official_client, quang_binh_2020):
    content = official_client.get(reverse("partnerships:agreement-list"), **EN).content.decode()
    assert 'title="Bài 002 không nêu tên người ký."' in content
    assert "the agreement's page gives the note" in content


def test_it_flags_a_demo_baseline_and_names_a_published_ones_source(official_client, db):
    agreement = AgreementFactory()
    KpiTargetFactory(
        agreement=agreement,
        kpi=KpiFactory(code="bts_total", kind="count", order=1),
        baseline_value=1000,
        baseline_source=SourceFactory(code="003"),
        is_demo=True,
    )
    KpiTargetFactory(
        agreement=agreement,
        kpi=KpiFactory(code="villages_mobile", kind="count", order=2),
        baseline_value=1556,
        baseline_is_demo=True,
        is_demo=True,
    )
    content = _page(official_client, agreement)
    rows = content.split("<h2>KPI targets</h2>")[1].split("</table>")[0].split("<tr>")[2:]
    assert "(003)" in rows[0] and "DEMO</span></td>\n      <td>" not in rows[0].split("</td>")[1]
    baseline_cells = [row.split("</td>")[1] for row in rows]
    assert ["DEMO" in cell for cell in baseline_cells] == [False, True]
