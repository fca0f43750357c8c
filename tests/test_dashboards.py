"""The national, province, agreement and comparison dashboards, as a signed-in official sees them."""

import datetime
import re

import pytest
import time_machine
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from core.quarters import Quarter
from dashboards.filters import ProvinceMapFilterSet
from milestones.models import QuarterlyReport
from partnerships.filters import KpiTargetFilterSet
from partnerships.models import KpiTarget
from progress import services as progress
from progress.models import PendingRecompute, ProvinceProgress
from progress.tasks import request_recompute
from provinces.access import Role

from .conftest import VIETNAM
from .dashboard_world import build_world
from .factories import KpiFactory, KpiValueFactory, PhaseFactory, UserFactory
from .progress_data import agreement_for, report, target

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
VI = {"HTTP_ACCEPT_LANGUAGE": "vi"}


pytestmark = pytest.mark.usefixtures("fresh_cache")


@pytest.fixture(scope="module")
def world(mid_2025, module_provinces):
    """Built once for the module; each test's own changes are undone after it."""
    return build_world(module_provinces)


def page(client, url, headers=EN):
    response = client.get(url, **headers)
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def table_rows(html: str, key: str) -> list[list[str]]:
    """The text of each body row of the table `data-table=key`."""
    table = re.search(rf'<table data-table="{key}">(.*?)</table>', html, re.S)
    assert table, f"no table {key}"
    body = re.search(r"<tbody>(.*?)</tbody>", table.group(1), re.S).group(1)
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        rows.append([re.sub(r"<[^>]+>", "", cell).strip() for cell in cells])
    return rows


def by_name(rows: list[list[str]]) -> dict[str, list[str]]:
    """Rows keyed by their first cell, without its unit and DEMO badge."""
    return {row[0].removesuffix(" DEMO").split(" (")[0]: row for row in rows}


def test_it_asks_for_sign_in(client, world):
    response = client.get("/")
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_it_shows_lao_cai_ftth_of_2020_in_vietnamese_number_format(client_official, world):
    vietnamese = page(client_official, "/?phase=2014-2020", VI)
    assert "46.495" in vietnamese
    english = page(client_official, "/?phase=2014-2020", EN)
    assert "46,495" in english


def test_it_shows_headline_totals_against_targets(client_official, world):
    html = page(client_official, "/")
    rows = by_name(table_rows(html, "headline"))
    ftth = rows["FTTH subscribers"]
    # 55,000 + 33,000 + 44,000 subscribers, against 60,000 + 38,000 + 49,000.
    assert ftth[1:4] == ["132,000", "147,000", "89.8%"]
    assert "At risk" in ftth[5]
    assert "DEMO" in ftth[0]
    # A percentage never adds up: it shows how many provinces reached their target.
    level4 = rows["Level-4 public services"]
    assert level4[1] == "–"
    assert "1 of 3 reached their target; range 40.0%–85.0%" in level4[7]
    assert "Off track" in level4[5]


def test_it_filters_by_phase(client_official, world):
    latest = table_rows(page(client_official, "/"), "headline")
    earlier = table_rows(page(client_official, "/?phase=2014-2020"), "headline")
    assert latest[0][1] == "3,130"
    assert earlier[0][1] == "1,000"


def test_it_filters_by_region(client_official, world):
    html = page(client_official, "/?region=north_central")
    bts = table_rows(html, "headline")[0]
    assert bts[1] == "1,010"
    assert "North Central" in html


def test_it_switches_the_map_between_current_and_former_provinces(client_official, world):
    current = page(client_official, "/")
    former = page(client_official, "/?units=former")
    assert len(re.findall(r'class="tile"', current)) == 3
    assert len(re.findall(r'class="tile"', former)) == 5
    # The merged Lào Cai adds up its former units: 1,160 + 960 stations, and their targets.
    lao_cai = by_name(table_rows(current, "map"))["Lào Cai"]
    assert lao_cai[1:3] == ["2,120", "2,120"]
    assert reverse("dashboards:province-dashboard", args=["lao-cai"]) in current


def test_it_colours_the_map_by_the_chosen_kpi(client_official, world):
    html = page(client_official, "/?kpi=ftth_subscribers&units=former")
    assert "FTTH subscribers by province" in html
    quang_binh = by_name(table_rows(html, "map"))["Quảng Bình"]
    assert quang_binh[1:4] == ["44,000", "49,000", "89.8%"]


def chosen_kpi(html: str) -> list[str]:
    """The values of the KPI options the filter form marks as chosen."""
    select = re.search(r'<select name="kpi".*?</select>', html, re.S)
    assert select, "no KPI selector"
    return re.findall(r'<option value="([^"]*)" selected>', select.group(0))


@pytest.mark.parametrize("spelt", ["FTTH_SUBSCRIBERS", "ftth-subscribers", "Ftth_Subscribers"])
def test_a_kpi_code_spelled_otherwise_shows_and_chooses_that_kpi(client_official, world, spelt):
    exact = page(client_official, "/?kpi=ftth_subscribers&units=former")
    html = page(client_official, f"/?kpi={spelt}&units=former")

    assert "FTTH subscribers by province" in html
    for table in ("headline", "map", "at_risk"):
        assert table_rows(html, table) == table_rows(exact, table)
    assert chosen_kpi(html) == chosen_kpi(exact) == ["ftth_subscribers"]
    compared = page(client_official, f"/compare/?kpi={spelt}")
    assert table_rows(compared, "compare") == table_rows(
        page(client_official, "/compare/?kpi=ftth_subscribers"), "compare"
    )
    assert chosen_kpi(compared) == ["ftth_subscribers"]


def test_the_map_reads_a_kpi_code_as_every_list_does(world):
    def map_filter(kpi):
        data = QueryDict(mutable=True)
        data.update({"phase": "2021-2025", "kpi": kpi, "units": "former"})
        return ProvinceMapFilterSet(data, queryset=ProvinceProgress.objects.all())

    exact = list(map_filter("ftth_subscribers").qs)
    assert exact
    assert list(map_filter("FTTH-Subscribers").qs) == exact
    # A code naming no KPI is refused with the field named, as on the other lists.
    unknown = map_filter("no_such_kpi")
    targets = KpiTargetFilterSet(QueryDict("kpi=no_such_kpi"), queryset=KpiTarget.objects.all())
    assert not unknown.is_valid()
    assert unknown.errors["kpi"] == targets.errors["kpi"]


def test_it_lists_the_agreements_slipping_worst_first(client_official, world):
    rows = table_rows(page(client_official, "/"), "at_risk")
    # Quảng Bình is off track on fibre and level-4 services; Lào Cai on level-4 only.
    assert [row[0].removesuffix(" DEMO") for row in rows[:2]] == [
        "Thỏa thuận Quảng Bình – VNPT 2021–2025",
        "Thỏa thuận Lào Cai – VNPT 2021–2025",
    ]
    assert [row[3] for row in rows[:2]] == ["2", "1"]


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        (
            EN,
            "This list shows only agreements with KPIs not achieved, off track or at risk; "
            "the statuses chosen are shown on the map.",
        ),
        (
            VI,
            "Danh sách này chỉ gồm các thỏa thuận có chỉ tiêu không đạt mục tiêu, chậm tiến độ "
            "hoặc có nguy cơ chậm; các trạng thái đã chọn được thể hiện trên bản đồ.",
        ),
    ],
)
def test_a_choice_of_statuses_the_slipping_list_never_shows_is_explained(
    client_official, world, headers, message
):
    # "On track" picks the provinces on the map; the list, which shows only what is
    # slipping, says why it is empty rather than looking like good news.
    on_track = page(client_official, "/?status=on_track", headers)
    assert 'data-table="at_risk"' not in on_track
    assert message in on_track
    assert 'class="errorlist"' not in on_track


def test_an_ended_phase_lists_the_agreements_short_of_their_targets_as_slipping(
    client_official, world
):
    # 2014–2020 has ended: Lào Cai's 1,000 stations fall short of a target of 1,200.
    target(world.lao_cai_2014, world.kpis["bts_total"], 1200)
    progress.recompute_agreement(world.lao_cai_2014.pk)
    html = page(client_official, "/?phase=2014-2020")
    table = re.search(r'<table data-table="at_risk">.*?</thead>', html, re.S).group(0)
    assert "KPIs not achieved" in table
    # An ended period is never off track or at risk: no column of zeros says otherwise.
    assert "KPIs off track" not in table
    assert "KPIs at risk" not in table
    rows = table_rows(html, "at_risk")
    assert [(row[0], row[3]) for row in rows] == [
        ("Thỏa thuận hợp tác chiến lược Lào Cai – VNPT 2014–2020", "1")
    ]
    assert "✗" in rows[0][4]
    # An ended period is never at risk: the list says so rather than listing anything.
    at_risk = page(client_official, "/?phase=2014-2020&status=at_risk")
    assert 'data-table="at_risk"' not in at_risk
    assert "No agreement has a KPI slipping for these choices." in at_risk


def test_it_shows_completeness_of_the_last_quarter_due(client_official, world):
    html = page(client_official, "/")
    assert "Reporting completeness, Q2/2025, phase 2021–2025" in html
    assert table_rows(html, "completeness") == [
        ["Lào Cai", "2", "2", "0", "0", "0"],
        ["Quảng Trị", "1", "1", "0", "0", "0"],
    ]
    # The 2014–2020 agreement's reports, owed until the end of 2021, are not this year's.
    earlier = page(client_official, "/?phase=2014-2020")
    assert "The agreements of the phase 2014–2020 no longer owe any report." in earlier
    assert 'data-table="completeness"' not in earlier


def test_it_says_when_its_figures_were_computed(client_official, world):
    html = page(client_official, "/")
    assert "Figures computed at" in html
    assert "waiting for a recompute" not in html
    request_recompute(world.lao_cai_2021.pk, reason="test")
    assert PendingRecompute.objects.count() == 1
    # The agreement's own page says so at once; the national page once the recompute is
    # late, as when the broker is down (a queued one is done within seconds).
    agreement = reverse("dashboards:agreement-dashboard", args=[world.lao_cai_2021.pk])
    assert "1 agreement waiting for a recompute" in page(client_official, agreement)
    assert "waiting for a recompute" not in page(client_official, "/")
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=31)):
        assert "1 agreement waiting for a recompute" in page(client_official, "/")


def test_it_explains_a_bad_filter_choice_instead_of_failing(client_official, world):
    html = page(client_official, "/?phase=1990-1995&kpi=nothing&region=mars")
    assert 'class="errorlist"' in html
    assert "Select a valid choice" in html


def test_it_draws_charts_without_any_script(client_official, world):
    for url in (
        "/",
        reverse("dashboards:province-dashboard", args=["lao-cai"]),
        reverse("dashboards:agreement-dashboard", args=[world.lao_cai_2021.pk]),
        "/compare/",
    ):
        html = page(client_official, url)
        assert "<svg" in html
        # The one script only scrolls and focuses the charts' frames: the charts are drawn
        # without it.
        assert re.findall(r"<script\b[^>]*>", html) == [
            '<script src="/static/js/chart-frames.js" defer>'
        ]
        # Each chart is a named image, or a named group when it holds links; a picture that
        # only repeats them (a legend's sample, an axis kept in view) is hidden from readers.
        for svg in re.findall(r"<svg\b[^>]*>", html):
            if 'aria-hidden="true"' in svg:
                continue
            assert re.search(r'role="(img|group)"', svg) and 'aria-label="' in svg, (url, svg)


def test_it_shows_a_provinces_agreements_participants_commitments_and_milestones(
    client_official, world
):
    html = page(client_official, reverse("dashboards:province-dashboard", args=["lao-cai"]))
    assert "Agreements across phases" in html
    agreements = [row[0] for row in table_rows(html, "agreements")]
    assert agreements == [
        "Thỏa thuận hợp tác chiến lược Lào Cai – VNPT 2014–2020",
        "Thỏa thuận Lào Cai – VNPT 2021–2025 DEMO",
        "Thỏa thuận Yên Bái – VNPT 2021–2025 DEMO",
    ]
    assert table_rows(html, "participants")[0][3:5] == ["Signed", "Chủ tịch UBND tỉnh"]
    assert "Signers and participants" in html
    assert table_rows(html, "commitments")[0][2] == "Phủ sóng 100% thôn, bản"
    assert table_rows(html, "milestones")[0][2] == "Ký kết thỏa thuận"
    progress_rows = table_rows(html, "progress")
    ftth_2014 = [r for r in progress_rows if r[0].startswith("FTTH") and r[1] == "2014–2020"]
    assert ftth_2014[0][3] == "46,495"
    # One row per KPI and agreement, one column per quarter from Q4/2020 to Q2/2025, none
    # skipped; the page shows the latest eight, Q3/2023 (nothing approved) onwards.
    series = table_rows(html, "series")
    ftth_2014 = next(
        row for row in series if row[:2] == ["FTTH subscribers (subscribers)", "Lào Cai 2014–2020"]
    )
    assert ftth_2014[2:] == ["–"] * 9
    table = re.search(r'<table data-table="series">.*?</table>', html, re.S).group(0)
    headers = re.findall(r"<th[^>]*>([^<]*)</th>", table)
    assert headers[3:6] == ["Q3/2023", "Q4/2023", "Q1/2024"]
    assert headers[-1] == "Q2/2025"
    assert "latest 8 of 19 quarters" in html


def test_it_tells_a_former_units_dashboard_where_it_went(client_official, world):
    html = page(
        client_official, reverse("dashboards:province-dashboard", args=["lao-cai-truoc-2025"])
    )
    assert "merged into Lào Cai" in html


def test_it_shows_an_agreements_progress_with_projection(client_official, world):
    html = page(
        client_official, reverse("dashboards:agreement-dashboard", args=[world.lao_cai_2021.pk])
    )
    rows = by_name(table_rows(html, "progress"))
    ftth = rows["FTTH subscribers"]
    # 55,000 in Q2/2025, 1,000 more a quarter: 57,000 by Q4/2025, 95% of 60,000.
    assert ftth[1:3] == ["Q2/2025", "55,000"]
    assert ftth[4:8] == ["60,000", "91.7%", "–", "57,000"]
    assert "At risk" in ftth[8]


def test_it_returns_not_found_for_unknown_dashboards(client_official, world):
    assert client_official.get("/dashboards/provinces/atlantis/").status_code == 404
    assert client_official.get("/dashboards/agreements/999999/").status_code == 404


def test_it_compares_what_each_phase_reached(client_official, world):
    html = page(client_official, "/compare/?kpi=ftth_subscribers")
    rows = by_name(table_rows(html, "compare"))
    lao_cai = rows["Lào Cai"]
    assert lao_cai[1] == "46,495"
    assert lao_cai[4] == "88,000"
    assert lao_cai[7] == "41,505"
    former = table_rows(
        page(client_official, "/compare/?kpi=ftth_subscribers&units=former"), "compare"
    )
    assert set(by_name(former)) == {"Lào Cai", "Yên Bái", "Quảng Bình"}


def test_it_compares_the_earlier_phase_first_whichever_order_is_asked(client_official, world):
    html = page(client_official, "/compare/?kpi=ftth_subscribers&first=2021-2025&second=2014-2020")
    assert "Compare phases: 2014–2020 · 2021–2025" in html
    assert "Reached so far in 2021–2025" in html
    # A gain stays a gain: 46,495 subscribers in 2020, 88,000 now.
    lao_cai = by_name(table_rows(html, "compare"))["Lào Cai"]
    assert (lao_cai[1], lao_cai[4], lao_cai[7]) == ("46,495", "88,000", "41,505")


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        (EN, "Choose two different phases: a phase compared with itself shows nothing."),
        (
            VI,
            "Hãy chọn hai giai đoạn khác nhau: so sánh một giai đoạn với chính nó không cho thấy gì.",
        ),
    ],
)
def test_it_refuses_to_compare_a_phase_with_itself(client_official, world, headers, message):
    html = page(client_official, "/compare/?first=2021-2025&second=2021-2025", headers)
    assert 'class="errorlist"' in html
    assert message in html
    assert 'data-table="compare"' not in html
    # Beside the refusal, no heading or table names another pair than the one chosen.
    heading = re.search(r"<h1>(.*?)</h1>", html, re.S).group(1)
    assert "·" not in heading and "2014–2020" not in heading
    assert "<table" not in html and "<figure" not in html


def test_a_bad_choice_names_no_comparison(client_official, world):
    html = page(client_official, "/compare/?kpi=no-such-kpi&first=2014-2020&second=2021-2025")
    assert 'class="errorlist"' in html
    assert re.search(r"<h1>Compare phases</h1>", html)
    assert 'data-table="compare"' not in html


def test_it_says_the_coverage_of_a_merged_provinces_figures_in_the_comparison(
    client_official, world
):
    rows = by_name(table_rows(page(client_official, "/compare/?kpi=ftth_subscribers"), "compare"))
    lao_cai = rows["Lào Cai"]
    # As the province's own page says it: the quarter, and how many former units reported.
    assert lao_cai[3] == "as of Q4/2020 · 1 of 2 former units reporting"
    assert lao_cai[6] == "as of Q2/2025 · 2 of 2 former units reporting"


def test_it_gives_the_change_of_a_share_in_percentage_points(client_official, world):
    url = "/compare/?kpi=villages_fibre"
    english = page(client_official, url)
    assert "Change (percentage points)" in english
    # 1,024 of 1,569 villages (65.3%) then; 1,130 + 730 of 1,569 + 1,200 (67.2%) now.
    assert by_name(table_rows(english, "compare"))["Lào Cai"][7] == "1.9 pp"
    vietnamese = page(client_official, url, VI)
    assert "Thay đổi (điểm phần trăm)" in vietnamese
    rows = table_rows(vietnamese, "compare")
    assert next(row for row in rows if row[0].startswith("Lào Cai"))[7] == "1,9 điểm %"


def test_it_says_when_a_scope_without_figures_was_computed(
    client_official, module_provinces, world
):
    PhaseFactory(start_year=2026, end_year=2030)
    for url in (
        "/?phase=2026-2030",
        reverse("dashboards:province-dashboard", args=[module_provinces.lai_chau.slug]),
        reverse("dashboards:province-dashboard", args=[module_provinces.former_quang_tri.slug]),
    ):
        html = page(client_official, url)
        assert "not computed yet" not in html
        assert re.search(r"Figures computed at [^<]*\d{4}[^<]* · no approved value yet", html), url
    assert " · no approved value yet" not in page(client_official, "/")


def test_it_projects_nothing_without_a_target_on_any_province_page(client_official, world):
    # 2014–2020 had no targets: neither the former unit nor the province it merged into
    # projects its 1,000 stations anywhere.
    for slug in ("lao-cai-truoc-2025", "lao-cai"):
        html = page(client_official, reverse("dashboards:province-dashboard", args=[slug]))
        rows = [row for row in table_rows(html, "progress") if row[1] == "2014–2020"]
        bts = by_name(rows)["BTS stations"]
        assert bts[3] == "1,000"
        assert bts[4:7] == ["–", "–", "–"], slug
        assert "No target" in bts[7]


def test_the_headline_bars_name_a_kpi_without_a_target_as_having_no_target(client_official, world):
    html = page(client_official, "/?phase=2014-2020")
    assert "no target or no data" not in html
    assert "○ No target" in re.search(r"<svg.*?</svg>", html, re.S).group(0)


def test_it_adds_the_comparison_to_the_navigation(client_official, world):
    assert reverse("dashboards:compare") in page(client_official, reverse("milestones:report-list"))


def test_a_page_read_from_the_cache_is_whole_and_names_its_own_reader(client, world):
    # The body is kept once for everyone; the page around it is each reader's.
    first = UserFactory(username="first", first_name="<b>Ngô</b>", roles=[Role.OFFICIAL])
    second = UserFactory(username="second", first_name="Lê Thị Hoa", roles=[Role.OFFICIAL])
    url = reverse("dashboards:province-dashboard", args=["lao-cai"])
    client.force_login(first)
    rendered = page(client, url, VI)
    client.force_login(second)
    kept = page(client, url, VI)
    assert "&lt;b&gt;Ngô&lt;/b&gt;" in rendered
    assert "Lê Thị Hoa" in kept and "Ngô" not in kept
    for html in (rendered, kept):
        assert html.count('data-table="progress"') == 1
        assert html.rstrip().endswith("</html>")
    body = re.search(r"<main.*</main>", rendered, re.S).group(0)
    assert re.search(r"<main.*</main>", kept, re.S).group(0) == body


def test_it_shows_new_figures_as_soon_as_they_are_recomputed(client_official, official, world):
    before = table_rows(page(client_official, "/"), "headline")[0]
    assert before[1] == "3,130"
    # Once Q3/2025 has ended, Yên Bái reports it; the others stand as of Q2/2025, carried.
    with time_machine.travel(datetime.datetime(2025, 10, 15, 9, tzinfo=VIETNAM), tick=True):
        report(world.yen_bai_2021, "2025Q3", {world.kpis["bts_total"]: 1000})
        progress.recompute_agreement(world.yen_bai_2021.pk)
        client_official.force_login(official)  # two months on, the session has expired
        after = table_rows(page(client_official, "/"), "headline")[0]
    assert after[1] == "3,170"


def test_it_opens_on_a_newer_phase_once_it_has_an_approved_value(
    client_official, official, module_provinces, world
):
    signed = agreement_for(
        module_provinces.lao_cai, start=2026, end=2030, signed_on=datetime.date(2025, 7, 20)
    )
    target(signed, world.kpis["bts_total"], 3000)
    progress.recompute_all()
    assert "phase 2021–2025" in page(client_official, "/")

    # The first report of 2026–2030 is approved: the page as it opens moves to that phase,
    # though it was kept as the page of 2021–2025.
    with time_machine.travel(datetime.datetime(2026, 10, 15, 9, tzinfo=VIETNAM), tick=True):
        report(signed, "2026Q3", {world.kpis["bts_total"]: 1200})
        progress.recompute_agreement(signed.pk)
        client_official.force_login(official)
        html = page(client_official, "/")
    assert "phase 2026–2030" in html
    assert table_rows(html, "headline")[0][1] == "1,200"


def test_it_opens_on_the_latest_phase_with_figures_and_offers_a_newer_empty_one(
    client_official, module_provinces, world
):
    # An admin records a 2026–2030 agreement with one target; nothing is reported yet.
    signed = agreement_for(
        module_provinces.lao_cai, start=2026, end=2030, signed_on=datetime.date(2025, 7, 20)
    )
    target(signed, world.kpis["bts_total"], 3000)
    progress.recompute_all()

    html = page(client_official, "/")
    assert "phase 2021–2025" in html
    newer = signed.phase
    assert f'<option value="{newer.code}">2026–2030</option>' in html
    assert "phase 2026–2030" in page(client_official, f"/?phase={newer.code}")
    html = page(client_official, "/compare/?kpi=ftth_subscribers")
    assert "2014–2020 against 2021–2025" in html


def test_an_agreements_change_of_a_share_is_in_percentage_points(client_official, world):
    kpis = world.kpis
    report(
        world.lao_cai_2021,
        "2024Q2",
        {
            kpis["bts_total"]: 1000,
            kpis["villages_fibre"]: (1000, 1569),
            kpis["level4_services_pct"]: 30,
        },
    )
    progress.recompute_all()
    url = reverse("dashboards:agreement-dashboard", args=[world.lao_cai_2021.pk])

    rows = by_name(table_rows(page(client_official, url), "progress"))
    # 72.02% of the villages against 63.73% a year before; 40% of services against 30%.
    assert rows["Villages reached by fibre"][6] == "8.3 pp"
    assert rows["Level-4 public services"][6] == "10.0 pp"
    assert rows["BTS stations"][6] == "160"
    vietnamese = table_rows(page(client_official, url, VI), "progress")
    assert [row[6] for row in vietnamese if "%" in row[6]] == ["8,3 điểm %", "10,0 điểm %"]


# An empty section says what is missing, in words that fit; "nothing to show for these
# choices" is for a page whose reader chose something.
GENERIC_EMPTY = "Nothing to show for these choices yet."


def test_a_province_without_an_agreement_says_so_once_and_shows_no_empty_sections(
    client_official, module_provinces, world
):
    html = page(
        client_official,
        reverse("dashboards:province-dashboard", args=[module_provinces.lai_chau.slug]),
    )
    assert "No agreement is recorded for this province or city." in html
    for leftover in (
        GENERIC_EMPTY,
        "Quarterly values against targets",
        "The charts' figures as a table",
        "A triangle marks the signing",
        "data-table=",
    ):
        assert leftover not in html, leftover


def test_an_agreement_without_figures_or_facts_names_what_is_missing(
    client_official, module_provinces, world
):
    bare = agreement_for(module_provinces.former_lai_chau, title="Thỏa thuận chưa có số liệu")
    html = page(client_official, reverse("dashboards:agreement-dashboard", args=[bare.pk]))
    for said in (
        "No KPI has a target or an approved value yet.",
        "No commitment is recorded.",
        "The sources name no signer or participant.",
        "No milestone is recorded.",
        "No quarterly report yet.",
    ):
        assert said in html, said
    assert GENERIC_EMPTY not in html
    assert "Quarterly values against targets" not in html
    assert "<dt>KPIs</dt>" not in html
    # The agreement with figures keeps its charts and the line of its KPIs' statuses.
    full = page(
        client_official, reverse("dashboards:agreement-dashboard", args=[world.lao_cai_2021.pk])
    )
    assert "Quarterly values against targets" in full and "<dt>KPIs</dt>" in full


def test_a_merged_unit_is_told_of_as_a_province_or_city_in_english(client_official, world):
    html = page(client_official, reverse("dashboards:province-dashboard", args=["lao-cai"]))
    assert "Figures add up the former units merged into this province or city." in html
    assert "since merged into this province or city." in html
    assert "this province." not in html


def _add_to_lao_cai_q2_2025(world, kpi, value, target_value=None):
    """A value of `kpi` in Lào Cai's approved report of Q2/2025, and its target if given."""
    approved = QuarterlyReport.objects.get(
        agreement=world.lao_cai_2021, quarter=Quarter.parse("2025Q2").code
    )
    KpiValueFactory(report=approved, kpi=kpi, value=value)
    if target_value is not None:
        target(world.lao_cai_2021, kpi, target_value)
    progress.recompute_all()


def figure_of(html: str, kpi_name: str) -> str:
    """A KPI's chart with its legend and note, as the page shows them."""
    figures = re.findall(r"<figure\b.*?</figure>", html, re.S)
    return next(figure for figure in figures if f"<strong>{kpi_name}</strong>" in figure)


def test_a_kpi_chart_explains_only_the_lines_it_draws(client_official, world):
    stations_2g = KpiFactory(
        code="bts_2g", name_en="2G BTS stations", name_vi="Trạm BTS 2G", is_headline=True, order=9
    )
    _add_to_lao_cai_q2_2025(world, stations_2g, 300)
    html = page(
        client_official, reverse("dashboards:agreement-dashboard", args=[world.lao_cai_2021.pk])
    )
    # No target, so no dashed line and no projection: the chart says nothing of them.
    without = figure_of(html, "2G BTS stations")
    assert "<polyline" in without
    assert "Dashed line" not in without and "Dotted line" not in without
    # Stations have a target, projected to 2025: both lines are drawn, and both explained.
    with_target = figure_of(html, "BTS stations")
    assert 'stroke-dasharray="8 4"' in with_target and 'stroke-dasharray="1 4"' in with_target
    assert (
        '<p class="chart-note">Dashed line: target. Dotted line: projection to the end of the '
        "period.</p>" in with_target
    )


def test_a_cards_part_says_its_share_is_of_its_target(client_official, world):
    _add_to_lao_cai_q2_2025(world, world.kpis["bts_4g"], 400, target_value=500)
    card = re.search(
        r'<article[^>]*data-kpi="bts_total".*?</article>', page(client_official, "/"), re.S
    )
    assert "<li>4G BTS stations: 400 (80.0% of the target reached)</li>" in card.group(0)
    card = re.search(
        r'<article[^>]*data-kpi="bts_total".*?</article>', page(client_official, "/", VI), re.S
    )
    assert "<li>Trạm BTS 4G: 400 (đạt 80,0% mục tiêu)</li>" in card.group(0)


def svg_texts(svg: str) -> list[str]:
    """Each text of a chart as a reader sees it: its lines joined."""
    texts = re.findall(r"<text\b[^>]*>(.*?)</text>", svg, re.S)
    return [
        " ".join(re.findall(r"<tspan[^>]*>([^<]*)</tspan>", text)) or re.sub(r"<[^>]+>", "", text)
        for text in texts
    ]


def test_the_headline_bars_never_cut_a_kpis_name_mid_phrase(client_official, world):
    villages = KpiFactory(
        code="villages_fibre_groups",
        name_en="Villages and residential groups reached by fibre",
        name_vi="Thôn, bản, tổ dân phố có cáp quang",
        is_headline=True,
        order=10,
    )
    _add_to_lao_cai_q2_2025(world, villages, 1200, target_value=1500)
    html = page(client_official, "/")
    for layout in ("bars-beside", "bars-above"):
        frame = re.search(rf'<div class="chart-frame {layout}".*?</svg>', html, re.S).group(0)
        names = svg_texts(frame)
        assert "Villages and residential groups reached by fibre" in names, layout
        # Never cut at a count of letters: "… reached" read as another indicator.
        assert "Villages and residential groups reached" not in names, layout
    beside = re.search(r'<div class="chart-frame bars-beside".*?</svg>', html, re.S).group(0)
    assert re.search(
        r'<tspan x="242" y="[\d.]+">Villages and residential</tspan>'
        r'<tspan x="242" y="[\d.]+">groups reached by fibre</tspan>',
        beside,
    )


def test_a_dashboards_table_scrolls_in_a_frame_a_screen_reader_names(client_official, world):
    html = page(client_official, "/")
    frames = re.findall(
        r'<div class="scroll" tabindex="0" role="region" aria-label="([^"]+)">', html
    )
    assert frames, "every table of the page is in a named frame"
    assert html.count('<div class="scroll"') == len(frames)
