"""The review-conference packs: a province's, an agreement's and the nation's results as PDF."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from core.formatting import number, share
from milestones.models import ReportStatus
from partnerships.models import Phase
from progress.coverage import coverage
from progress.models import ProgressStatus
from provinces.access import Role

from .api import token_client
from .api import url as api_url
from .dashboard_world import build_world
from .factories import UserFactory
from .progress_data import agreement_for, province_row, report

pytestmark = pytest.mark.usefixtures("fresh_cache")


@pytest.fixture(scope="module")
def world(mid_2025, module_provinces):
    return build_world(module_provinces)


def pdf_pages(response) -> list[str]:
    """The text of each page of a PDF answer, as a reader's PDF tool extracts it."""
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return [page.extract_text() for page in reader.pages]


def flat(pages: list[str]) -> str:
    return re.sub(r"\s+", " ", " ".join(pages))


def province_pack_url(province, **query) -> str:
    url = reverse("dashboards:province-pack", args=[province.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def agreement_pack_url(agreement, **query) -> str:
    url = reverse("dashboards:agreement-pack", args=[agreement.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def lao_cai_2014_vi(client_official, world, module_provinces):
    phase = Phase.objects.get(start_year=2014)
    return pdf_pages(
        client_official.get(province_pack_url(module_provinces.lao_cai, phase=phase.code))
    )


def test_lao_cais_2014_2020_pack_shows_its_end_2020_facts_with_their_source(lao_cai_2014_vi):
    text = flat(lao_cai_2014_vi)
    assert "Kết quả hợp tác của tỉnh Lào Cai với VNPT, 2014–2020" in text
    assert "Số liệu tính đến Quý 4/2020" in text
    assert "46.495" in text
    assert "1.000" in text
    assert "Lào Cai và VNPT ký thỏa thuận" in text
    # The cover: the agreement, its signing date and what the pack counts.
    assert "Thỏa thuận hợp tác chiến lược Lào Cai – VNPT 2014–2020" in text
    assert "17/09/2014" in text
    assert "Quý đã phê duyệt: Quý 4/2020" in text


def test_every_page_carries_the_portal_title_data_date_choices_and_its_number(lao_cai_2014_vi):
    total = len(lao_cai_2014_vi)
    assert total >= 2
    for number_, page in enumerate(lao_cai_2014_vi, start=1):
        page = re.sub(r"\s+", " ", page)
        assert "Cổng thông tin hợp tác VNPT" in page
        assert "Kết quả hợp tác của tỉnh Lào Cai" in page
        assert "Số liệu tính đến Quý 4/2020" in page
        assert "Giai đoạn: 2014–2020" in page
        assert "Ngôn ngữ: Tiếng Việt" in page
        assert f"Trang {number_} / {total}" in page


def test_the_pack_comes_in_english_on_request(client_official, world, module_provinces):
    phase = Phase.objects.get(start_year=2014)
    text = flat(
        pdf_pages(
            client_official.get(
                province_pack_url(module_provinces.lao_cai, phase=phase.code, lang="en")
            )
        )
    )
    assert "Cooperation results of Lào Cai province with VNPT, 2014–2020" in text
    assert "Data as of Q4/2020" in text
    assert "46,495" in text
    assert "Page 1 / " in text
    assert "Số liệu tính đến" not in text


def test_the_pack_follows_the_readers_language_when_none_is_asked(
    client_official, world, module_provinces
):
    response = client_official.get(
        province_pack_url(module_provinces.lao_cai), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "Data as of" in flat(pdf_pages(response))
    assert 'filename="bao-cao-tinh-lao-cai-' in response["Content-Disposition"]


def test_the_figures_are_the_dashboards_for_the_same_choice(
    client_official, world, module_provinces
):
    lao_cai = module_provinces.lao_cai
    text = flat(pdf_pages(client_official.get(province_pack_url(lao_cai))))
    html = client_official.get(
        reverse("dashboards:province-dashboard", args=[lao_cai.slug]), HTTP_ACCEPT_LANGUAGE="vi"
    ).content.decode()
    with translation.override("vi"):
        for code in ("ftth_subscribers", "bts_total"):
            row = province_row(lao_cai, world.kpis[code])
            assert number(row.value, 0) in text
            assert number(row.value, 0) in html
            assert coverage(row) in text
    assert "Số liệu tính đến Quý 2/2025" in text


def test_quang_tris_pack_names_the_former_quang_binh(client_official, world, module_provinces):
    text = flat(pdf_pages(client_official.get(province_pack_url(module_provinces.quang_tri))))
    assert "Quảng Bình" in text
    # One wording for a province and a city alike, and the merger's one verb.
    assert "Bao gồm các đơn vị cũ đã sáp nhập vào địa phương này: tỉnh Quảng Bình" in text
    assert "hợp nhất" not in text
    assert "Thỏa thuận Quảng Bình – VNPT 2021–2025" in text


def test_a_pack_with_drafts_says_so_and_never_counts_them(client_official, world, module_provinces):
    ftth = world.kpis["ftth_subscribers"]
    draft = report(world.lao_cai_2021, "2025Q3", {ftth: 987654}, status=ReportStatus.DRAFT)
    draft.narrative = "Bản nháp chưa duyệt: không được in"
    draft.save()
    report(world.yen_bai_2021, "2025Q3", {ftth: 876543}, status=ReportStatus.SUBMITTED)
    text = flat(pdf_pages(client_official.get(province_pack_url(module_provinces.lao_cai))))
    assert (
        "Chưa tính, còn là bản nháp hoặc đã gửi: Quý 3/2025 (1 đã gửi, 1 bản nháp hoặc bị trả lại)"
        in text
    )
    assert "987.654" not in text
    assert "876.543" not in text
    assert "Bản nháp chưa duyệt" not in text
    assert "Số liệu tính đến Quý 2/2025" in text


def test_a_pack_counts_only_the_quarters_of_its_phase(client_official, world, module_provinces):
    # A 2020–2025 agreement of the former Quảng Bình, in the phase 2021–2025: its 2020
    # reports belong to 2014–2020, and count in none of this phase's figures.
    bts = world.kpis["bts_total"]
    early = agreement_for(
        module_provinces.former_quang_binh, period_start=2020, title="Thỏa thuận 2020–2025"
    )
    report(early, "2020Q3", {bts: 900})
    report(early, "2020Q4", {bts: 910}, status=ReportStatus.SUBMITTED)
    report(early, "2025Q2", {bts: 990}, status=ReportStatus.SUBMITTED)
    for url in (
        province_pack_url(module_provinces.quang_tri, phase="2021-2025", lang="en"),
        reverse("dashboards:national-pack") + "?phase=2021-2025&lang=en",
    ):
        text = flat(pdf_pages(client_official.get(url)))
        assert "Approved quarters: Q3/2024 to Q2/2025 (4 quarters)" in text, url
        assert "Not counted, still draft or submitted: Q2/2025 (1 submitted)" in text, url
        assert "Q4/2020" not in text, url


def test_a_staff_user_gets_no_drafts_of_a_province_outside_their_assignment(
    client, world, module_provinces
):
    staff = UserFactory(
        username="staff_pack", roles=[Role.STAFF], provinces=[module_provinces.quang_tri]
    )
    client.force_login(staff)
    draft = report(
        world.lao_cai_2021,
        "2025Q3",
        {world.kpis["ftth_subscribers"]: 987654},
        status=ReportStatus.DRAFT,
    )
    draft.narrative = "Bản nháp của Lào Cai"
    draft.save()
    text = flat(pdf_pages(client.get(province_pack_url(module_provinces.lao_cai))))
    assert "987.654" not in text
    assert "Bản nháp của Lào Cai" not in text


def test_the_agreement_pack_shows_its_progress_participants_and_narrative(client_official, world):
    agreement = world.lao_cai_2021
    latest = agreement.reports.get(quarter=20252)
    latest.narrative = "Hoàn thành phủ sóng 4G đến các thôn, bản vùng cao."
    latest.save()
    text = flat(pdf_pages(client_official.get(agreement_pack_url(agreement))))
    assert "Kết quả hợp tác của thỏa thuận: Thỏa thuận Lào Cai – VNPT 2021–2025" in text
    assert "Chủ tịch UBND tỉnh" in text
    assert "Hoàn thành phủ sóng 4G đến các thôn, bản vùng cao." in text
    assert "Phủ sóng 100% thôn, bản" in text
    assert "MINH HỌA" in text
    assert "Số liệu tính đến Quý 2/2025" in text


def test_an_agreement_pack_names_what_it_has_not_instead_of_printing_empty_parts(
    client_official, world, module_provinces
):
    bare = agreement_for(module_provinces.former_lai_chau, title="Thỏa thuận chưa có số liệu")
    text = flat(pdf_pages(client_official.get(agreement_pack_url(bare))))
    for said in (
        "Nguồn không nêu tên người ký hay thành phần tham dự.",
        "Chưa có chỉ tiêu nào được giao mục tiêu hoặc có giá trị được phê duyệt.",
        "Chưa ghi nhận mốc thực hiện nào.",
        "Chưa có báo cáo quý nào.",
    ):
        assert said in text, said
    # Nobody chose anything here; and no heading stands over charts that are not there.
    assert "Chưa có dữ liệu cho các lựa chọn này." not in text
    assert "Giá trị theo quý so với mục tiêu" not in text


QUANG_BINH_NARRATIVE = "Quảng Bình hoàn thành phủ sóng 5G tại trung tâm thành phố Đồng Hới."


@pytest.mark.parametrize(
    "roles,assigned",
    [([Role.STAFF], "lao_cai"), ([], None)],
    ids=["staff of another province", "no role"],
)
def test_a_pack_prints_no_narrative_of_a_report_its_reader_may_not_open(
    client, world, module_provinces, roles, assigned
):
    latest = world.quang_binh_2021.reports.get(quarter=20252)
    latest.narrative = QUANG_BINH_NARRATIVE
    latest.save()
    provinces = [getattr(module_provinces, assigned)] if assigned else []
    client.force_login(UserFactory(username="pack_reader", roles=roles, provinces=provinces))
    assert client.get(reverse("milestones:report-detail", args=[latest.pk])).status_code == 404
    for url in (
        agreement_pack_url(world.quang_binh_2021, lang="en"),
        province_pack_url(module_provinces.quang_tri, lang="en"),
    ):
        text = flat(pdf_pages(client.get(url)))
        assert QUANG_BINH_NARRATIVE not in text, url
        assert (
            "The narrative of 1 agreement is left out: only those who may open its reports "
            "read it." in text
        ), url
        assert "No approved report with a narrative yet." not in text, url


def test_a_pack_prints_the_narrative_to_those_who_may_open_the_report(
    client, official, world, module_provinces
):
    latest = world.quang_binh_2021.reports.get(quarter=20252)
    latest.narrative = QUANG_BINH_NARRATIVE
    latest.save()
    quang_tri_staff = UserFactory(
        username="staff_quangtri_pack", roles=[Role.STAFF], provinces=[module_provinces.quang_tri]
    )
    for reader in (official, quang_tri_staff):
        client.force_login(reader)
        assert client.get(reverse("milestones:report-detail", args=[latest.pk])).status_code == 200
        text = flat(pdf_pages(client.get(agreement_pack_url(world.quang_binh_2021, lang="en"))))
        assert QUANG_BINH_NARRATIVE in text, reader.username
        assert "left out" not in text, reader.username


def test_an_agreement_pack_is_of_any_phase_its_period_counts_in(
    client_official, world, module_provinces
):
    # Like Tuyên Quang's 2017–2022 agreement: signed in 2014–2020, counting in 2021–2025 too.
    bts = world.kpis["bts_total"]
    agreement = agreement_for(
        module_provinces.former_lai_chau,
        start=2014,
        end=2020,
        period_start=2017,
        period_end=2022,
        signed_on=datetime.date(2017, 3, 15),
        title="Thỏa thuận Lai Châu – VNPT 2017–2022",
    )
    report(agreement, "2020Q4", {bts: 500})
    report(agreement, "2021Q1", {bts: 510})
    report(agreement, "2022Q4", {bts: 560})
    later = flat(pdf_pages(client_official.get(agreement_pack_url(agreement, phase="2021-2025"))))
    assert "Giai đoạn: 2021–2025" in later
    assert "Quý đã phê duyệt: Quý 1/2021, Quý 4/2022" in later
    assert "Quý 4/2020" not in later
    earlier = flat(pdf_pages(client_official.get(agreement_pack_url(agreement, phase="2014-2020"))))
    assert "Giai đoạn: 2014–2020" in earlier
    assert "Quý đã phê duyệt: Quý 4/2020" in earlier
    assert "Quý 4/2020, Quý 1/2021" not in earlier


def test_the_national_print_link_says_it_is_of_the_whole_phase_when_the_page_is_filtered(
    client_official, world
):
    filtered = client_official.get(
        "/?phase=2014-2020&region=northern_midlands&kpi=bts_total&status=achieved",
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert f'href="{reverse("dashboards:national-pack")}?phase=2014-2020"' in filtered
    assert "(the whole phase: every region, KPI and status, not the choices below)" in filtered
    whole = client_official.get("/?phase=2014-2020", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "the whole phase" not in whole


def test_an_english_pack_names_provinces_in_english(client_official, world, module_provinces):
    text = flat(
        pdf_pages(client_official.get(province_pack_url(module_provinces.quang_tri, lang="en")))
    )
    assert "Cooperation results of Quảng Trị province with VNPT" in text
    assert "merged into it: Quảng Bình province, Quảng Trị province" in text
    assert "Tỉnh" not in text


def test_the_national_pack_ranks_every_province_on_each_headline_kpi(client_official, world):
    text = flat(pdf_pages(client_official.get(reverse("dashboards:national-pack"))))
    assert "Xếp hạng các tỉnh theo từng KPI chủ yếu" in text
    assert "Lào Cai" in text and "Quảng Trị" in text
    assert "Thỏa thuận có chỉ tiêu chậm tiến độ" in text
    assert "Trang 1 / " in text


def test_every_dashboard_offers_print_pdf(client_official, world, module_provinces):
    pages = {
        "/": reverse("dashboards:national-pack"),
        reverse("dashboards:province-dashboard", args=[module_provinces.lao_cai.slug]): reverse(
            "dashboards:province-pack", args=[module_provinces.lao_cai.slug]
        ),
        reverse("dashboards:agreement-dashboard", args=[world.lao_cai_2021.pk]): reverse(
            "dashboards:agreement-pack", args=[world.lao_cai_2021.pk]
        ),
    }
    for dashboard, pack in pages.items():
        html = client_official.get(dashboard, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "Print / PDF" in html
        assert f'href="{pack}' in html


def test_packs_ask_for_sign_in(client, world, module_provinces):
    for url in (
        reverse("dashboards:national-pack"),
        province_pack_url(module_provinces.lao_cai),
        agreement_pack_url(world.lao_cai_2021),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("login") in response["Location"]


def test_bad_choices_get_a_clear_not_found(client_official, world, module_provinces):
    lao_cai = module_provinces.lao_cai
    response = client_official.get(province_pack_url(lao_cai, phase="1990-1995"))
    assert response.status_code == 404
    assert "Không có giai đoạn “1990-1995”" in response.content.decode()
    response = client_official.get(province_pack_url(lao_cai, lang="fr"))
    assert response.status_code == 404
    assert "fr" in response.content.decode()
    response = client_official.get(
        reverse("dashboards:national-pack") + "?phase=nope", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 404
    assert "There is no phase “nope”." in response.content.decode()
    response = client_official.get(
        agreement_pack_url(world.lao_cai_2021, phase="2014-2020"), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 404
    assert (
        "This agreement runs 2021–2025 and counts in no quarter of the phase 2014–2020."
        in response.content.decode()
    )
    assert client_official.get("/dashboards/provinces/atlantis/pack/").status_code == 404
    assert client_official.get("/dashboards/agreements/999999/pack/").status_code == 404


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_pack_says_what_the_api_says_in_either_language(
    client_official, official, world, module_provinces, language
):
    text = flat(
        pdf_pages(
            client_official.get(
                province_pack_url(module_provinces.lao_cai, phase="2021-2025", lang=language)
            )
        )
    )
    for kpi in ("bts_total", "ftth_subscribers"):
        response = token_client(official, language=language).get(
            api_url("province-progress-list"),
            {"province": "lao-cai", "phase": "2021-2025", "kpi": kpi},
        )
        (served,) = response.json()["results"]
        with translation.override(language):
            assert number(Decimal(served["value"]), 0) in text
            assert share(Decimal(served["attainment"])) in text
            assert str(ProgressStatus(served["status"]).label) in text
        assert served["coverage"] in text
