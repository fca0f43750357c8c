"""What the admin shows its administrators, in Vietnamese and in English: quarters and years
as the portal writes them, a quarter typed into the address, and the History pages."""

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone, translation

from milestones.models import QuarterlyReport
from progress.models import (
    AgreementProgress,
    NationalProgress,
    ProvinceProgress,
    ReportingCompleteness,
)

from .admin_forms import page_text
from .admin_pages import page_words
from .api import EN, VI
from .factories import (
    AgreementFactory,
    KpiFactory,
    OrganisationFactory,
    PhaseFactory,
    QuarterlyReportFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _cells(response, name) -> list[str]:
    """The list's cells of one column, or a read-only page's value of one field, as read."""
    page = page_text(response)
    cells = re.findall(rf'<td class="field-{name}[^"]*">(.*?)</td>', page, re.S)
    cells += re.findall(
        rf'<div class="form-row[^"]*field-{name}\b.*?<div class="readonly">(.*?)</div>', page, re.S
    )
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells]


# A quarter typed into the list's address.


@pytest.fixture
def reports():
    return {
        "Q4/2024": QuarterlyReportFactory(quarter=20244),
        "Q1/2025": QuarterlyReportFactory(quarter=20251),
    }


def _reports_listed(client, quarter):
    response = client.get(
        reverse("admin:milestones_quarterlyreport_changelist"), {"quarter": quarter}, **VI
    )
    assert response.status_code == 200
    return sorted(_cells(response, "quarter"))


@pytest.mark.parametrize("typed", ["20244", "Q4/2024", "Quý 4/2024", "quý 4/2024", " q4/2024 "])
def test_a_quarter_typed_as_the_portal_writes_it_filters_the_reports(admin_client, reports, typed):
    assert _reports_listed(admin_client, typed) == ["Quý 4/2024"]


def test_a_typed_quarter_shows_as_the_chosen_one(admin_client, reports):
    response = admin_client.get(
        reverse("admin:milestones_quarterlyreport_changelist"), {"quarter": "Quý 4/2024"}, **VI
    )
    chosen = re.findall(r'<li class="selected">\s*<a[^>]*>(.*?)</a>', page_text(response), re.S)
    assert "Quý 4/2024" in [label.strip() for label in chosen]


@pytest.mark.parametrize("typed", ["abc", "Q5/2024", "Quý 4/20x4", "2024Q", "99999999999999999999"])
def test_an_unreadable_quarter_lists_every_report_as_django_does(admin_client, reports, typed):
    url = reverse("admin:milestones_quarterlyreport_changelist")

    response = admin_client.get(url, {"quarter": typed}, **VI)

    assert response.status_code == 302
    assert response["Location"] == f"{url}?e=1"
    assert _reports_listed(admin_client, "") == ["Quý 1/2025", "Quý 4/2024"]
    assert QuarterlyReport.objects.count() == 2


def test_the_completeness_list_reads_a_typed_quarter_too(admin_client):
    province = OrganisationFactory().province
    for quarter in (20244, 20251):
        ReportingCompleteness.objects.create(
            province=province, quarter=quarter, expected=1, computed_at=timezone.now()
        )
    url = reverse("admin:progress_reportingcompleteness_changelist")

    assert _cells(admin_client.get(url, {"quarter": "Quý 1/2025"}, **VI), "quarter") == [
        "Quý 1/2025"
    ]
    assert admin_client.get(url, {"quarter": "Q9/2025"}, **VI).status_code == 302


# Quarters and years as the portal writes them.


def _column_sort_link(response, name) -> tuple[str, str]:
    """A list column's title, and the address its title links to to sort by it."""
    heading = re.search(
        rf'<th scope="col" class="[^"]*\bcolumn-{name}\b[^"]*">(.*?)</th>',
        page_text(response),
        re.S,
    )
    assert heading, f"no sortable column {name}"
    link = re.search(r'<div class="text"><a href="([^"]*)">(.*?)</a>', heading.group(1), re.S)
    return link.group(2).strip(), link.group(1)


@pytest.mark.parametrize(
    ("headers", "title", "written"),
    [(VI, "Quý", ["Quý 4/2024", "Quý 1/2025"]), (EN, "Quarter", ["Q4/2024", "Q1/2025"])],
)
def test_the_reports_list_shows_and_sorts_its_quarter_as_written(
    admin_client, reports, headers, title, written
):
    url = reverse("admin:milestones_quarterlyreport_changelist")

    shown_title, sort = _column_sort_link(admin_client.get(url, **headers), "quarter")
    earliest_first = admin_client.get(url + sort, **headers)

    assert shown_title == title
    assert _cells(earliest_first, "quarter") == written
    _title, reverse_sort = _column_sort_link(earliest_first, "quarter")
    assert _cells(admin_client.get(url + reverse_sort, **headers), "quarter") == written[::-1]
    assert "20.244" not in page_words(earliest_first)
    assert "20,244" not in page_words(earliest_first)


def test_a_saved_reports_page_shows_its_quarter_as_written(admin_client, reports):
    url = reverse("admin:milestones_quarterlyreport_change", args=[reports["Q4/2024"].pk])

    assert _cells(admin_client.get(url, **VI), "quarter") == ["Quý 4/2024"]
    assert _cells(admin_client.get(url, **EN), "quarter") == ["Q4/2024"]


@pytest.mark.parametrize(("headers", "years"), [(VI, ["2014", "2020"]), (EN, ["2014", "2020"])])
def test_the_phases_show_their_years_ungrouped(admin_client, headers, years):
    PhaseFactory(start_year=2014, end_year=2020)
    response = admin_client.get(reverse("admin:partnerships_phase_changelist"), **headers)

    assert [*_cells(response, "start_year"), *_cells(response, "end_year")] == years
    assert "2.014" not in page_words(response)
    assert "2,014" not in page_words(response)


def test_a_phase_read_without_the_right_to_change_it_shows_its_years_ungrouped(client):
    reader = UserFactory(username="reader", is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_phase"))
    client.force_login(reader)
    phase = PhaseFactory(start_year=2014, end_year=2020)

    response = client.get(reverse("admin:partnerships_phase_change", args=[phase.pk]), **VI)

    assert _cells(response, "start_year") == ["2014"]
    assert _cells(response, "end_year") == ["2020"]


@pytest.fixture
def figures():
    """A national, a province's and an agreement's figures standing at Q2/2025, referred to
    Q4/2024, with a province's unit carried from Q3/2024."""
    phase, kpi, now = PhaseFactory(), KpiFactory(), timezone.now()
    quarters = {"latest_quarter": 20252, "reference_quarter": 20244}
    return {
        "nationalprogress": NationalProgress.objects.create(
            phase=phase, kpi=kpi, value=5, computed_at=now, **quarters
        ),
        "provinceprogress": ProvinceProgress.objects.create(
            province=OrganisationFactory().province,
            phase=phase,
            kpi=kpi,
            value=5,
            computed_at=now,
            carried_from=20243,
            carried_until=20243,
            **quarters,
        ),
        "agreementprogress": AgreementProgress.objects.create(
            agreement=AgreementFactory(), kpi=kpi, value=5, computed_at=now, latest_quarter=20252
        ),
    }


@pytest.mark.parametrize("table", ["nationalprogress", "provinceprogress", "agreementprogress"])
@pytest.mark.parametrize(("headers", "written"), [(VI, "Quý 2/2025"), (EN, "Q2/2025")])
def test_the_progress_lists_show_the_quarter_of_the_figures(
    admin_client, figures, table, headers, written
):
    response = admin_client.get(reverse(f"admin:progress_{table}_changelist"), **headers)

    assert _cells(response, "latest_quarter") == [written]
    assert "20.252" not in page_words(response)
    assert "20,252" not in page_words(response)


@pytest.mark.parametrize("table", ["nationalprogress", "provinceprogress"])
def test_the_progress_pages_show_every_quarter_as_written(admin_client, figures, table):
    url = reverse(f"admin:progress_{table}_change", args=[figures[table].pk])

    vietnamese = page_words(admin_client.get(url, **VI))
    english = page_words(admin_client.get(url, **EN))

    assert "Số liệu tính đến quý: Quý 2/2025" in vietnamese
    assert "Quý tham chiếu: Quý 4/2024" in vietnamese
    assert "As of quarter: Q2/2025" in english
    assert "Reference quarter: Q4/2024" in english
    for grouped in ("20.252", "20.244", "20,252", "20,244", "None"):
        assert grouped not in vietnamese
        assert grouped not in english


def test_a_province_figures_page_shows_the_quarters_carried(admin_client, figures):
    url = reverse("admin:progress_provinceprogress_change", args=[figures["provinceprogress"].pk])
    response = admin_client.get(url, **VI)

    assert _cells(response, "carried_from") == ["Quý 3/2024"]
    assert _cells(response, "carried_until") == ["Quý 3/2024"]
    national = reverse(
        "admin:progress_nationalprogress_change", args=[figures["nationalprogress"].pk]
    )
    # No quarter carried: the dash the admin writes for every empty value.
    assert _cells(admin_client.get(national, **VI), "carried_from") == ["-"]


def test_the_completeness_page_shows_its_quarter_as_written(admin_client):
    row = ReportingCompleteness.objects.create(
        province=OrganisationFactory().province,
        quarter=20214,
        expected=2,
        computed_at=timezone.now(),
    )
    url = reverse("admin:progress_reportingcompleteness_change", args=[row.pk])

    assert _cells(admin_client.get(url, **VI), "quarter") == ["Quý 4/2021"]
    assert _cells(admin_client.get(url, **EN), "quarter") == ["Q4/2021"]


# The History pages (django-simple-history) in the reader's language.


@pytest.fixture
def agreement():
    agreement = AgreementFactory()
    agreement.sources.add(SourceFactory())
    return agreement


def _history_url(agreement):
    return reverse("admin:partnerships_agreement_history", args=[agreement.pk])


def _version_url(agreement):
    version = agreement.history.earliest()
    return reverse(
        "admin:partnerships_agreement_simple_history", args=[agreement.pk, version.history_id]
    )


def test_the_history_page_speaks_vietnamese(admin_client, agreement):
    page = page_words(admin_client.get(_history_url(agreement), **VI))

    assert "Chọn một thời điểm trong danh sách dưới đây để khôi phục bản ghi" in page
    assert "Choose a date" not in page
    assert "Lý do thay đổi" in page


class _Table(HTMLParser):
    """The rows of the History page's table, each cell's text under its column's heading."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.headings, self.rows, self._cell, self._inside = [], [], None, False

    def handle_starttag(self, tag, attrs):
        if tag == "table" and ("id", "change-history") in attrs:
            self._inside = True
        elif self._inside and tag == "tr":
            self.rows.append([])
        elif self._inside and tag in ("th", "td"):
            self._cell = ""

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data

    def handle_endtag(self, tag):
        if tag == "table":
            self._inside = False
        elif self._inside and tag in ("th", "td") and self._cell is not None:
            text, self._cell = " ".join(self._cell.split()), None
            (self.headings if tag == "th" else self.rows[-1]).append(text)


def _history_rows(response) -> list[dict]:
    table = _Table()
    table.feed(response.content.decode())
    return [dict(zip(table.headings, row, strict=True)) for row in table.rows if row]


@pytest.mark.parametrize(("headers", "reason"), [(VI, "Lý do thay đổi"), (EN, "Change reason")])
def test_a_change_without_a_reason_shows_an_empty_reason(admin_client, agreement, headers, reason):
    rows = _history_rows(admin_client.get(_history_url(agreement), **headers))

    assert [row[reason] for row in rows] == ["", ""]


def test_the_revert_page_speaks_vietnamese(admin_client, agreement):
    response = admin_client.get(_version_url(agreement), **VI)
    page = page_words(response)

    assert "Trang chủ › Hợp tác › Thỏa thuận ›" in page
    assert "› Lịch sử › Khôi phục thỏa thuận" in page
    assert "Nhấn nút “Khôi phục” bên dưới để đưa bản ghi về phiên bản này." in page
    assert 'value="Khôi phục"' in page_text(response)
    for english in ("Partnerships", "Historical", "Revert", "Press the"):
        assert english not in page


def test_the_revert_page_speaks_english(admin_client, agreement):
    response = admin_client.get(_version_url(agreement), **EN)
    page = page_words(response)

    assert "Home › Partnerships › Agreements ›" in page
    assert "› History › Revert agreement" in page
    assert "Press the 'Revert' button below to revert to this version of the object." in page
    assert 'value="Revert"' in page_text(response)
    assert "Historical" not in page


@pytest.mark.parametrize(("language", "written"), [("vi", "1.469"), ("en", "1,469")])
def test_a_figure_row_is_named_by_its_figure_as_the_pages_write_it(language, written):
    # Breadcrumbs and deletion lists name a row by its KPI and figure: "BTS: 1.469", not
    # "BTS: 1469.00".
    row = ProvinceProgress(kpi=KpiFactory(name_vi="BTS", name_en="BTS"), value="1469.00")
    with translation.override(language):
        assert str(row) == f"BTS: {written}"
