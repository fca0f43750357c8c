"""What each dashboard shows, read from the computed progress tables.

Every dashboard is a set of `Table`s (the numbers) and charts drawn from the
same rows. The page renders the tables, and the CSV and Excel downloads write
the very same rows, so a download always matches the page and its filters.
Every query here is set-based: a page makes the same number of queries
whatever the amount of data.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Max, Min, Q, Value, When
from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core import prepared
from core.formatting import number, plain_number, points, share
from core.quarters import Quarter, last_completed, quarter_range, year_quarters
from milestones.models import CommitmentProgress, KpiValue, QuarterlyReport, ReportStatus
from partnerships.models import (
    Agreement,
    Commitment,
    Kpi,
    KpiKind,
    KpiTarget,
    Milestone,
    Organisation,
    Participant,
    Phase,
    SpaceAggregation,
)
from progress.coverage import coverage
from progress.models import (
    SHORT_OF_TARGET,
    SLIPPING,
    AgreementProgress,
    NationalProgress,
    PendingRecompute,
    PhaseFigures,
    ProgressStatus,
    ProvinceProgress,
    RecomputeRun,
    RecomputeStatus,
    ReportingCompleteness,
)
from progress.rules import AgreementTerms, Rollup, clip, combine, latest_signed, usable
from progress.services import (
    COMPLETENESS_COUNTS,
    approved_readings,
    phase_completeness,
    provinces_in_phase,
)
from provinces.lineage import with_predecessors
from provinces.models import Province, Region, current_q

from . import charts
from .filters import (
    CompareFilterSet,
    DashboardFilterSet,
    MapUnits,
    ProvinceMapFilterSet,
    with_defaults,
)
from .models import ContentVersion

STATUS_LABELS = dict(ProgressStatus.choices)
AT_RISK_LIMIT = 25
# Quarter columns of a series table on the page; its downloads have them all.
PAGE_QUARTERS = 8
WORST_KPIS_NAMED = 4


# Tables ---------------------------------------------------------------------------------------


# A "points" column is a difference of figures: a share's difference is in percentage points.
NUMERIC_KINDS = ("count", "figure", "share", "int", "points")


@dataclass
class Column:
    key: str
    label: str
    kind: str = "text"
    # Downloads carry every column; a page may leave some out to stay readable.
    on_page: bool = True

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC_KINDS


def cell(text: str, css: str = "", href: str = "", demo: bool = False) -> dict:
    """One table cell as the template shows it (`dashboards.drawing`).

    A dict, not an object, as every figure a table or chart draws: the templates look
    a name up as a key first (a merged province's page has about 3,000 cells).
    """
    return {"text": text, "css": css, "href": href, "demo": demo}


@dataclass
class Table:
    """Rows of raw values, shown on the page and written to CSV and Excel alike.

    A row may carry `_share` (its figures are percentages), `_demo` (it includes
    demo data) and `<column>_href` (a link for that cell).
    """

    key: str
    title: str
    columns: list[Column]
    rows: list[dict] = field(default_factory=list)
    footer: dict | None = None
    note: str = ""
    # What an empty table says, when it can say more than that nothing is there yet.
    empty: str = ""

    @property
    def page_columns(self) -> list[Column]:
        return [column for column in self.columns if column.on_page]

    def display_rows(self) -> list[list[dict]]:
        return [self._display(row) for row in self.rows]

    def display_footer(self) -> list[dict] | None:
        return self._display(self.footer) if self.footer else None

    def _display(self, row: dict) -> list[dict]:
        cells = []
        for index, column in enumerate(self.page_columns):
            value = row.get(column.key)
            css = "num" if column.numeric else ""
            if column.kind == "status":
                css = f"status-{value}"
            cells.append(
                cell(
                    text=display_value(column.kind, value, row.get("_share", False)),
                    css=css,
                    href=row.get(f"{column.key}_href", ""),
                    demo=index == 0 and row.get("_demo", False),
                )
            )
        return cells

    def export_rows(self) -> list[list]:
        rows = [self._export(row) for row in self.rows]
        if self.footer:
            rows.append(self._export(self.footer))
        return rows

    def _export(self, row: dict) -> list:
        values = []
        for column in self.columns:
            value = row.get(column.key)
            if column.kind in NUMERIC_KINDS:
                values.append(plain_number(export_figure(column.kind, value, row.get("_share"))))
            elif column.kind == "status":
                values.append(str(STATUS_LABELS.get(value, "")) if value else "")
            elif column.kind == "quarter":
                values.append(str(Quarter.from_code(value)) if value else "")
            else:
                values.append("" if value is None else str(value))
        if self.has_demo:
            values.append(_("DEMO") if row.get("_demo") else "")
        return values

    @property
    def has_demo(self) -> bool:
        return any(row.get("_demo") for row in self.rows)

    def export_headers(self) -> list[str]:
        headers = [str(column.label) for column in self.columns]
        if self.has_demo:
            headers.append(_("Demo data"))
        return headers


# A download keeps the precision the page shows a figure with: stations and
# subscribers are whole (a projection of 137 492,5 subscribers means nothing),
# shares keep their two computed decimals.
SHARE_PLACES = Decimal("0.01")


def export_figure(kind: str, value, is_share: bool = False) -> Decimal | None:
    """A figure as a download writes it, rounded half up to the KPI's precision."""
    if value is None or value == "":
        return None
    value = Decimal(value)
    if kind in ("share",) or (kind in ("figure", "points") and is_share):
        return value.quantize(SHARE_PLACES, rounding=ROUND_HALF_UP)
    return value.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def display_value(kind: str, value, is_share: bool = False) -> str:
    if kind == "status":
        return f"{charts.STATUS_GLYPH.get(value, '')} {STATUS_LABELS.get(value, '')}".strip()
    if value is None or value == "":
        return "–" if kind != "text" else ""
    if kind == "figure":
        # Counts are whole; a projection's fraction of a station means nothing.
        return share(value) if is_share else number(value, 0)
    if kind == "points":
        return points(value) if is_share else number(value, 0)
    if kind == "share":
        return share(value)
    if kind in ("count", "int"):
        return number(value)
    if kind == "quarter":
        return str(Quarter.from_code(value))
    return str(value)


def _label(kpi: Kpi) -> str:
    return f"{kpi.name} ({kpi.unit})" if kpi.unit and kpi.unit != "%" else kpi.name


def _is_share(kpi: Kpi) -> bool:
    return kpi.kind in (KpiKind.RATIO, KpiKind.PERCENTAGE)


def _units_summary(figures, kpi: Kpi) -> str:
    """Over several units: how many reached their target, and the range of their values.

    This is all a percentage shows when it spans provinces, since percentages
    never add up across provinces.
    """
    if getattr(figures, "units_with_target", 0) < 1 or figures.units_reporting <= 1:
        return ""
    fmt = share if _is_share(kpi) else number
    return _("%(reached)s of %(units)s reached their target; range %(low)s–%(high)s") % {
        "reached": figures.units_reached_target,
        "units": figures.units_with_target,
        "low": fmt(figures.value_min),
        "high": fmt(figures.value_max),
    }


def figures_row(kpi: Kpi, figures, **extra) -> dict:
    is_ratio = kpi.kind == KpiKind.RATIO
    row = {
        "kpi": _label(kpi),
        "value": figures.value,
        # A ratio's share is worth little in a spreadsheet without its two terms.
        "numerator": getattr(figures, "numerator", None) if is_ratio else None,
        "denominator": getattr(figures, "denominator", None) if is_ratio else None,
        "target": figures.target_value,
        "attainment": figures.attainment,
        "projected": figures.projected_value,
        "status": figures.status,
        "latest_quarter": figures.latest_quarter,
        "_share": _is_share(kpi),
        "_demo": figures.includes_demo,
    }
    row["units"] = _units_summary(figures, kpi)
    if hasattr(figures, "units_expected"):
        row["coverage"] = coverage(figures)
    row.update(extra)
    return row


# A ratio's terms go to the downloads only; the page shows the share they make.
RATIO_TERMS = [
    Column("numerator", gettext_lazy("Numerator"), "count", on_page=False),
    Column("denominator", gettext_lazy("Denominator"), "count", on_page=False),
]
FIGURE_COLUMNS = [
    Column("value", gettext_lazy("Value"), "figure"),
    *RATIO_TERMS,
    Column("target", gettext_lazy("Target"), "figure"),
    Column("attainment", gettext_lazy("Share of target reached"), "share"),
    Column("projected", gettext_lazy("Projected at the target date"), "figure"),
    Column("status", gettext_lazy("Status"), "status"),
]


# Freshness ------------------------------------------------------------------------------------


@dataclass
class Freshness:
    as_of: datetime.datetime | None
    # The page's scope has no figure at all: no approved value counts in it yet.
    empty: bool
    pending: int
    last_failure: RecomputeRun | None


# A recompute is queued with the change that asks for it and done within seconds. The pages
# of the whole country name an agreement as waiting only once it has waited this long (the
# broker down, a job failing): every approval would otherwise change them twice, once when
# it is asked for and once when it is done, and each change renders them again.
PENDING_SHOWN_AFTER = datetime.timedelta(seconds=30)


def late_requests_cutoff() -> datetime.datetime:
    """Requests for a recompute made before this are late enough to show on the national pages."""
    return timezone.now() - PENDING_SHOWN_AFTER


def freshness(computed_queryset, agreement_ids=None) -> Freshness:
    """When the page's figures were last computed, and whether any recompute is owed or failed.

    A recompute rewrites every row an approval reaches and leaves the others as they
    were, still true: the newest row says when the page's figures were brought up to
    date. The oldest said 07:17 beside a value approved and computed at 07:23.
    The recomputes owed are the page's own agreements' when it names them (a
    province's or an agreement's page), at once; else every agreement's that has
    waited longer than PENDING_SHOWN_AFTER.
    """
    as_of = computed_queryset.aggregate(as_of=Max("computed_at"))["as_of"]
    empty = as_of is None
    if empty:
        # A scope without figures (a phase not begun, a province without an agreement) was
        # computed all the same, with nothing approved to count: the last recompute says when.
        as_of = RecomputeRun.objects.filter(status=RecomputeStatus.SUCCEEDED).aggregate(
            as_of=Max("finished_at")
        )["as_of"]
    last = RecomputeRun.objects.order_by("-started_at").only("status", "started_at", "error")[:1]
    last = last[0] if last else None
    pending = PendingRecompute.objects.all()
    if agreement_ids is not None:
        pending = pending.filter(agreement_id__in=agreement_ids)
    else:
        pending = pending.filter(requested_at__lte=late_requests_cutoff())
    return Freshness(
        as_of=as_of,
        empty=empty,
        pending=pending.count(),
        last_failure=last if last and last.status == RecomputeStatus.FAILED else None,
    )


# A rendered dashboard is reused until the data it shows changes (its `Page.version`);
# this bounds how long anything the version does not see, such as a new login
# name in a template, takes to show.
CACHE_SECONDS = 300
# A body is rendered once however many readers ask for it at the same moment; the others
# read the page as it was before the change, or, when there is none, wait for the render,
# up to the time the slowest render takes under load, looking every 50 ms.
RENDER_WAIT_SECONDS = 10
RENDER_POLL_SECONDS = 0.05
# How many of a page's choices and languages read lately the warming job renders: the
# national page's phases, regions and KPIs, and English, are a few; a query string with
# anything else in it is a page of its own, and there may be any number of those.
READ_CHOICES_KEPT = 12


# What tells that rows changed, without trusting the clock to move forward: rows that are
# rewritten get new ids; a report's version counts each save and step up; completeness is
# recounted in place.
REWRITTEN = ("COUNT(*)", "MAX(id)")
REPORTS = ("COUNT(*)", "SUM(version)", "MAX(updated_at)")
RECOUNTED = (
    "COUNT(*)",
    "MAX(computed_at)",
    "SUM(approved)",
    "SUM(submitted)",
    "SUM(in_progress)",
    "SUM(overdue)",
)


def data_version() -> str:
    """Changes whenever any figure or fact may have: the version of every phase's figures and
    of the completeness (`phase_versions` with no phase named). The review packs sent with
    the summaries are kept under it; the pages follow only what each shows."""
    versions = phase_versions(None)
    return f"{versions.figures}|{versions.completeness}"


class Versions(NamedTuple):
    """What `phase_versions` found: the two versions, and the phases they stand for."""

    figures: str
    completeness: str
    # With `opening`, the code of each phase the page shows (the one it opens on for a
    # choice that names none); else the codes as given.
    phases: tuple[str | None, ...]


def phase_versions(*phase_codes: str | None, opening: bool = False) -> Versions:
    """The versions of a page of the whole country about these phases: its figures', its
    completeness table's. One query.

    The figures of a phase change only with a recompute that rewrote them
    (`PhaseFigures`, counted in the same transaction), so an approval in one phase
    leaves the pages of the others cached. A phase not named, or unknown, stands for
    every phase; with `opening`, for the phase the page opens on (`latest_phase`),
    looked up in the same query, so that the page as it opens follows that phase only,
    and is kept as the page of that phase (`national_page`). The freshness line of every
    page also shows the agreements whose recompute is late and whether the last
    recompute failed. How complete the reporting is changes with every report's step,
    and is shown apart (`national_page`).
    """
    tables = {
        model.__name__: model._meta.db_table
        for model in (
            ContentVersion,
            RecomputeRun,
            PendingRecompute,
            PhaseFigures,
            Phase,
            ReportingCompleteness,
        )
    }
    opening_sql, opening_params = _opening_phase_sql() if opening else ("", [])
    if opening:
        # The phase's code, then its count: a phase without figures yet counts NULL.
        chosen = f"COALESCE((SELECT code FROM {tables['Phase']} WHERE code = %s), {opening_sql})"
        phase = (
            f"{chosen}, (SELECT f.recomputes FROM {tables['PhaseFigures']} f "
            f"JOIN {tables['Phase']} p ON p.id = f.phase_id WHERE p.code = {chosen})"
        )
    else:
        # -SUM stands for every phase, and cannot be read as one phase's count.
        phase = (
            f"COALESCE((SELECT f.recomputes FROM {tables['PhaseFigures']} f "
            f"JOIN {tables['Phase']} p ON p.id = f.phase_id WHERE p.code = %s), "
            f"-(SELECT SUM(recomputes) FROM {tables['PhaseFigures']}))"
        )
    late = "WHERE requested_at <= %s"
    # The table names come from the models, never from input; the codes are parameters.
    sql = (
        f"SELECT (SELECT MAX(number) FROM {tables['ContentVersion']}), "
        f"(SELECT id FROM {tables['RecomputeRun']} WHERE status = %s "
        f"AND id = (SELECT MAX(id) FROM {tables['RecomputeRun']})), "
        f"{', '.join([phase] * len(phase_codes))}, pending.*, completeness.* "
        f"FROM {_aggregates(tables['PendingRecompute'], late, REWRITTEN)} pending, "
        f"{_aggregates(tables['ReportingCompleteness'], '', RECOUNTED)} completeness"
    )
    params = [RecomputeStatus.FAILED]
    for code in map(_possible_phase_code, phase_codes):
        params += [code, *opening_params, code, *opening_params] if opening else [code]
    cutoff = connection.ops.adapt_datetimefield_value(late_requests_cutoff())
    row = prepared.fetch_one(
        f"dashboard_{'opening' if opening else 'phase'}_versions_{len(phase_codes)}",
        sql,
        [*params, cutoff],
    )
    content, figures = row[0], row[: -len(RECOUNTED)]
    shown = row[2 : 2 + 2 * len(phase_codes) : 2] if opening else phase_codes
    return Versions(
        "|".join(str(value) for value in figures),
        "|".join(str(value) for value in (content, *row[-len(RECOUNTED) :])),
        tuple(shown),
    )


def _possible_phase_code(code: str | None) -> str | None:
    """`code` as the query string gave it, if it can be a phase's code; else None.

    The page's form explains a bad choice; here it stands for every phase, like no
    choice, and never reaches the database (PostgreSQL refuses a NUL in a parameter).
    """
    try:
        Phase._meta.get_field("code").run_validators(code)
    except ValidationError:
        return None
    return code


def _aggregates(table: str, where: str, aggregates: tuple[str, ...]) -> str:
    """A one-row table of `aggregates` over `table`: one pass over its rows for all of them."""
    columns = ", ".join(f"{aggregate} AS a{n}" for n, aggregate in enumerate(aggregates))
    return f"(SELECT {columns} FROM {table} {where})"


def _in_ids(scope: str) -> str:
    """`IN` the ids of a query, written so that PostgreSQL looks them up by index.

    PostgreSQL cannot tell how many ids a recursive query yields and guesses hundreds
    for a page's dozen agreements, so it read whole tables of reports and figures (7 ms
    for every cached province or agreement page). As an array the ids are computed
    first, and each is looked up by index. SQLite has no arrays and needs no help.
    """
    if connection.vendor == "postgresql":
        return f"= ANY(ARRAY(SELECT id FROM {scope}))"
    return f"IN (SELECT id FROM {scope})"


def scoped_version(*, province: Province | None = None, agreement: Agreement | None = None) -> str:
    """The version of a page about one province (with its former units) or one agreement.

    Such a page shows only its own figures, reports, completeness and recomputes
    owed, so a change elsewhere (another province's approval, its recompute) leaves
    it cached; what every page shows (the facts of `ContentVersion`, a failed last
    recompute) still counts. One query, as `phase_versions`.
    """
    tables = {
        model.__name__: model._meta.db_table
        for model in (
            Province,
            Organisation,
            Agreement,
            ContentVersion,
            RecomputeRun,
            PendingRecompute,
            QuarterlyReport,
            AgreementProgress,
            ProvinceProgress,
            ReportingCompleteness,
        )
    }
    province_id = province.pk if province else None
    agreement_id = agreement.pk if agreement else None

    def rows(name: str, column: str, scope: str, aggregates: tuple[str, ...]) -> str:
        where = f"WHERE {column} {_in_ids(scope)}"
        return f"{_aggregates(tables[name], where, aggregates)} {name.lower()}"

    # The table names come from the models, never from input; the ids are parameters.
    sql = f"""
        WITH RECURSIVE lineage(id) AS (
            SELECT id FROM {tables["Province"]} WHERE id = %s
            UNION SELECT p.id FROM {tables["Province"]} p JOIN lineage l ON p.successor_id = l.id
        ),
        agreements(id) AS (
            SELECT a.id FROM {tables["Agreement"]} a
            JOIN {tables["Organisation"]} o ON o.id = a.counterparty_id
            WHERE o.province_id IN (SELECT id FROM lineage)
            UNION SELECT id FROM {tables["Agreement"]} WHERE id = %s
        ),
        page_province(id) AS (SELECT id FROM {tables["Province"]} WHERE id = %s)
        SELECT (SELECT MAX(number) FROM {tables["ContentVersion"]}),
            (SELECT id FROM {tables["RecomputeRun"]} WHERE status = %s
             AND id = (SELECT MAX(id) FROM {tables["RecomputeRun"]})),
            pendingrecompute.*, quarterlyreport.*, agreementprogress.*, provinceprogress.*,
            reportingcompleteness.*
        FROM {rows("PendingRecompute", "agreement_id", "agreements", REWRITTEN)},
            {rows("QuarterlyReport", "agreement_id", "agreements", REPORTS)},
            {rows("AgreementProgress", "agreement_id", "agreements", REWRITTEN)},
            {rows("ProvinceProgress", "province_id", "page_province", REWRITTEN)},
            {rows("ReportingCompleteness", "province_id", "page_province", RECOUNTED)}
    """
    row = prepared.fetch_one(
        "dashboard_scoped_version",
        sql,
        [province_id, agreement_id, province_id, RecomputeStatus.FAILED],
    )
    return "|".join(str(value) for value in row)


# Bodies are kept as UTF-8 (`Page.body`) under keys that say so, so that a body kept as
# text before a deploy is never read as bytes after it.
KEY_PREFIX = "dashboard:utf8:"


def cache_key(page: str, query, language: str) -> str:
    """Where a page's body is kept for one choice of filters and language, with its version."""
    choices = sorted((key, tuple(query.getlist(key))) for key in query)
    raw = f"{page}|{language}|{choices}"
    return KEY_PREFIX + hashlib.sha256(raw.encode()).hexdigest()


def current_value(cached, version: str):
    """What a cache entry kept as `(version, value)` holds, if it is of `version`; else None.

    A page's body and a download are kept this way: one of another version is never
    served as current.
    """
    if cached is not None and cached[0] == version:
        return cached[1]
    return None


def read_mark(key: str) -> str:
    """Kept for CACHE_SECONDS once a reader read the body kept at `key`."""
    return f"{key}:read"


def read_choices_key(stem: str) -> str:
    """Where the choices and languages a page was read in lately are listed."""
    return f"{KEY_PREFIX}{stem}:choices"


def render_lock(key: str, version: str) -> str:
    """Taken by the request rendering the body kept at `key` for `version`."""
    return f"{key}:{hashlib.sha256(version.encode()).hexdigest()}:rendering"


def _as_given(query: QueryDict) -> QueryDict:
    return query


@dataclass
class Page:
    """One dashboard page: its body template, its cache and download name, how it is built.

    The view serves it and the warming job renders it ahead of its readers, the
    same way: `body` is the one place a page's body is rendered and cached. A part
    that changes more often than the rest (the national page's completeness table)
    is a page of its own, kept apart and shown after the body.
    """

    name: str
    stem: str
    path: str
    build: Callable[..., dict]
    version: Callable[[], str]
    parts: tuple[Page, ...] = ()
    # The choices `query` stands for, when two queries show the same page.
    shown: Callable[[QueryDict], QueryDict] = _as_given

    def key(self, query: QueryDict, language: str) -> str:
        """Where the body for `query` in `language` is kept."""
        return cache_key(self.stem, self.shown(query), language)

    def body(self, query: QueryDict) -> bytes:
        """The page's rendered body for `query` in the active language, from the cache if there,
        as the UTF-8 the response sends.

        The cache keeps one body for each choice, with the version of the data it
        shows: a body of another version is never read as current, only while a
        render of the current one is under way (`_render_once`). It is kept as bytes,
        not text: a merged province's body is 190 KB, and as text it was decoded from
        the cache and encoded again for each reader (the view puts it in as it is).
        """
        language = translation.get_language()
        key = self.key(query, language)
        self._note_read(key, query, language)
        body = self._kept_or_rendered(key, self.shown(query))
        for part in self.parts:
            body += part._kept_or_rendered(part.key(query, language), part.shown(query))
        return body

    def _kept_or_rendered(self, key: str, query: QueryDict) -> bytes:
        version = self.version()
        cached = cache.get(key)
        body = current_value(cached, version)
        if body is None:
            body = self._render_once(key, version, query, previous=cached)
        return body

    def tables(self) -> dict:
        """Every table of the page and its parts, as downloads hold them."""
        tables = self.build(download=True)["tables"]
        for part in self.parts:
            tables.update(part.tables())
        return tables

    def _render_once(self, key: str, version: str, query: QueryDict, previous) -> bytes:
        """Render the body, unless another request is rendering it already.

        Right after the figures change, the readers of a busy page all find it out of
        date at once; without this each of them would spend the same CPU on the same
        render, and every request on the server would wait behind them. While one
        renders, or the warming job is about to (`reserve`), the others read the page as
        it was just before the change, which says as of when its figures stand, or, if
        there is none, wait for the render. A cache that cannot be reached answers None,
        not False: then there is nothing to wait for, and this request renders.
        """
        if cache.add(render_lock(key, version), 1, RENDER_WAIT_SECONDS) is False:
            if previous is not None:
                return previous[1]
            deadline = time.monotonic() + RENDER_WAIT_SECONDS
            while time.monotonic() < deadline:
                time.sleep(RENDER_POLL_SECONDS)
                body = current_value(cache.get(key), version)
                if body is not None:
                    return body
            # The other render failed or its process died: this request renders.
        return self._render(key, version, query)

    def _render(self, key: str, version: str, query: QueryDict) -> bytes:
        """Render the body and keep it; then whoever waited for this render may go on."""
        try:
            page = self.build()
            page["export_query"] = export_query(query)
            page["page_path"] = self.path
            body = render_to_string(f"dashboards/_{self.name}_body.html", page).encode()
            cache.set(key, (version, body), CACHE_SECONDS)
        finally:
            cache.delete(render_lock(key, version))
        return body

    def reserve(self, query: QueryDict) -> list[str]:
        """Keep the readers of a changed page on its previous body until the warming job
        has rendered the new one. Returns the reservations taken.

        Taken as soon as a recompute commits: between that moment and the job's render,
        the first reader of a busy page would otherwise render it in its request, which
        under a stream of approvals was the slowest twentieth of the dashboards' reads.
        Only a page with a body to show is reserved, so no reader waits for the job; if
        the job never comes, the reservation lapses after RENDER_WAIT_SECONDS and the
        next reader renders.
        """
        language = translation.get_language()
        taken = []
        for page in (self, *self.parts):
            key = page.key(query, language)
            if cache.has_key(key):
                lock = render_lock(key, page.version())
                if cache.add(lock, 1, RENDER_WAIT_SECONDS):
                    taken.append(lock)
        return taken

    def refresh(self, query: QueryDict) -> None:
        """Render what the cache does not hold current for `query`, reserved or not: the
        warming job's way to the body readers will get."""
        language = translation.get_language()
        for page in (self, *self.parts):
            key = page.key(query, language)
            version = page.version()
            if current_value(cache.get(key), version) is None:
                page._render(key, version, page.shown(query))

    def _note_read(self, key: str, query: QueryDict, language: str) -> None:
        """Note that a reader read the page with these choices, in this language, for the
        warming job (`choices_read`).

        One cache write per page, choice and language in CACHE_SECONDS, not one per read:
        the mark is only added when it is missing, and then the choice is listed with the
        page's others, the most recent READ_CHOICES_KEPT of them.
        """
        if not cache.add(read_mark(key), 1, CACHE_SECONDS):
            return
        listed = read_choices_key(self.stem)
        choices = cache.get(listed) or {}
        choices[(language, query.urlencode())] = time.time()
        latest = sorted(choices.items(), key=lambda item: item[1])[-READ_CHOICES_KEPT:]
        cache.set(listed, dict(latest), CACHE_SECONDS)

    def choices_read(self) -> list[tuple[str, QueryDict]]:
        """The languages and choices readers read the page in, in the last CACHE_SECONDS.

        A body the warming job rendered and nobody read since does not count: otherwise
        a page read once would be rendered at every change for as long as changes came.
        """
        choices = cache.get(read_choices_key(self.stem)) or {}
        read = []
        for language, encoded in choices:
            query = QueryDict(encoded)
            if cache.has_key(read_mark(self.key(query, language))):
                read.append((language, query))
        return read


def export_query(query: QueryDict) -> str:
    """The page's choices, for its download links."""
    query = query.copy()
    for key in ("export", "table"):
        query.pop(key, None)
    return query.urlencode()


def national_page(query: QueryDict) -> Page:
    """The national page for `query`'s choices.

    A choice that names no phase is the choice of the phase the page opens on: the
    page as it opens and the page of that phase are one page, kept, rendered and
    warmed once, and it follows that phase only. The body and its completeness part
    read one version query and one set of choices.
    """
    versions = functools.cache(lambda: phase_versions(query.get("phase"), opening=True))

    def shown(given: QueryDict) -> QueryDict:
        phase = versions().phases[0]
        if given.get("phase") or phase is None:
            return given
        chosen = given.copy()
        chosen["phase"] = phase
        return chosen

    choices = functools.cache(lambda: national_filterset(shown(query)))
    path = reverse("dashboards:home")
    completeness = Page(
        "completeness",
        "bang-tin-quoc-gia-bao-cao",
        path,
        lambda download=False: national_completeness(choices()),
        lambda: versions().completeness,
        shown=shown,
    )
    return Page(
        "national",
        "bang-tin-quoc-gia",
        path,
        lambda download=False: national(choices()),
        lambda: versions().figures,
        parts=(completeness,),
        shown=shown,
    )


def compare_page(query: QueryDict) -> Page:
    return Page(
        "compare",
        "so-sanh-giai-doan",
        reverse("dashboards:compare"),
        lambda download=False: compare(compare_filterset(query)),
        lambda: phase_versions(query.get("first"), query.get("second")).figures,
    )


def province_page(province: Province) -> Page:
    return Page(
        "province",
        f"tinh-{province.slug}",
        reverse("dashboards:province-dashboard", args=[province.slug]),
        lambda download=False: province_dashboard(province, download),
        lambda: scoped_version(province=province),
    )


def agreement_page(agreement: Agreement) -> Page:
    return Page(
        "agreement",
        f"thoa-thuan-{agreement.pk}",
        reverse("dashboards:agreement-dashboard", args=[agreement.pk]),
        lambda download=False: agreement_dashboard(agreement, download),
        lambda: scoped_version(agreement=agreement),
    )


def warm(agreement_id: int | None = None) -> int:
    """Render the pages a change is read on first, before anyone asks.

    The national page and the comparison as they open, in the portal's language;
    then, with each choice and in each language someone read them in within
    CACHE_SECONDS, those pages, and for one agreement's change its own page and its
    province's (the unit's and the province it merged into), for a full rebuild
    every province's and agreement's page (`pages_to_warm`). Under a stream of
    approvals, rendering every province's page whether or not anyone reads it, or
    every page in both languages, cost more CPU than the pages served. A page
    nobody read lately is rendered by its first reader. Returns how many bodies
    were rendered or found current.
    """
    renderings = pages_to_warm(agreement_id)
    for page, language, query in renderings:
        with translation.override(language):
            page.refresh(query)
    return len(renderings)


def reserve_for_warming(agreement_id: int | None = None, *, country_only=False) -> list[str]:
    """Keep the readers of the pages `warm` will render on their previous bodies until then;
    with `country_only`, of the pages of the whole country alone, which is all a request
    should spend on it (a province's and an agreement's each cost a query).

    Returns the reservations taken, for `release` when the job cannot be queued.
    """
    taken = []
    for page, language, query in pages_to_warm(agreement_id, country_only=country_only):
        with translation.override(language):
            taken += page.reserve(query)
    return taken


def release(reservations: list[str]) -> None:
    """Let the next readers render the reserved pages themselves: no job will."""
    cache.delete_many(reservations)


def pages_to_warm(
    agreement_id: int | None, *, country_only=False
) -> list[tuple[Page, str, QueryDict]]:
    """The pages `warm` renders after a change of `agreement_id`'s figures, or after a
    full rebuild (None), each with its language and choices: the pages of the whole
    country as they open, and with every choice read lately; the pages of the provinces
    and agreements the change reaches, as they were read lately.

    A full rebuild rewrites every row, so every page's version moves: without this, the
    first reader of each province's and agreement's page after each scheduled rebuild
    rendered it in their request (a merged province's, 50 × a trivial view).
    """
    if country_only:
        its_pages = []
    elif agreement_id is None:
        its_pages = [province_page(province) for province in Province.objects.all()] + [
            agreement_page(agreement) for agreement in Agreement.objects.only("pk")
        ]
    else:
        agreement = (
            Agreement.objects.select_related("counterparty__province__successor")
            .filter(pk=agreement_id)
            .first()
        )
        its_pages = []
        if agreement is not None:
            its_pages.append(agreement_page(agreement))
            unit = agreement.counterparty.province
            if unit is not None:
                its_pages += [province_page(p) for p in (unit, unit.successor) if p]
    opening = QueryDict()
    renderings = []
    for chosen in (national_page, compare_page):
        page = chosen(opening)
        renderings.append((page, settings.LANGUAGE_CODE, opening))
        renderings += [(chosen(query), language, query) for language, query in page.choices_read()]
    for page in its_pages:
        renderings += [(page, language, query) for language, query in page.choices_read()]
    distinct = {}
    for page, language, query in renderings:
        distinct.setdefault(page.key(query, language), (page, language, query))
    return list(distinct.values())


def _opening_phases():
    """The phases a dashboard may open on, best first: those with approved values, latest
    first, then (when none has any) every phase, earliest first."""
    with_values = Phase.objects.filter(
        pk__in=NationalProgress.objects.filter(reference_quarter__isnull=False).values("phase_id")
    ).order_by("-start_year")
    return with_values, Phase.objects.order_by("start_year")


def latest_phase() -> Phase | None:
    """The phase dashboards open on: the latest with approved values.

    A newer phase with nothing approved yet (just signed, or not begun) is
    offered in the choices but not opened, so no official lands on empty figures.
    """
    with_values, every = _opening_phases()
    return with_values.first() or every.first()


@functools.cache
def _opening_phase_sql() -> tuple[str, list]:
    """`latest_phase`'s code as an SQL expression, for the pages' version query.

    Compiled once per process: the ORM took 0.7 ms to write it, for each page read.
    """
    parts, params = [], []
    for queryset in _opening_phases():
        sql, part_params = queryset.values("code")[:1].query.sql_with_params()
        parts.append(f"({sql})")
        params += part_params
    return f"COALESCE({', '.join(parts)})", params


def earlier_phase(phase: Phase | None) -> Phase | None:
    """The phase before `phase` that has approved values, for the comparison."""
    if phase is None:
        return None
    with_values = Phase.objects.filter(
        start_year__lt=phase.start_year,
        pk__in=NationalProgress.objects.filter(reference_quarter__isnull=False).values("phase_id"),
    ).order_by("-start_year")
    return with_values.first() or Phase.objects.exclude(pk=phase.pk).order_by("start_year").first()


# The national dashboard ---------------------------------------------------------------------


@dataclass
class HeadlineCard:
    kpi: Kpi
    figures: object
    parts: list = field(default_factory=list)

    @property
    def is_share(self) -> bool:
        return _is_share(self.kpi)

    @property
    def coverage(self) -> str:
        return coverage(self.figures) if self.figures is not None else ""

    @property
    def spans_units(self) -> bool:
        """A percentage over several provinces: shown as how many reached their target."""
        return (
            self.kpi.space_aggregation == SpaceAggregation.NONE
            and self.figures is not None
            and self.figures.units_reporting > 1
        )


def _region_rollups(phase: Phase, kpis: list[Kpi], region: str) -> dict:
    """A region's figures: its provinces' stored roll-ups added up again, no raw values read."""
    rows = ProvinceProgress.objects.filter(
        current_q("province__"), phase=phase, kpi__in=kpis, province__region=region
    )
    parts = defaultdict(list)
    for row in rows:
        parts[row.kpi_id].append(Rollup.from_row(row))
    by_kpi = {kpi.pk: kpi for kpi in kpis}
    expected = len(provinces_in_phase(phase, region)) if parts else 0
    result = {}
    for kpi_id, rollups in parts.items():
        total = combine(by_kpi[kpi_id], rollups)
        total.provinces_expected = expected
        total.provinces_reporting = sum(1 for part in rollups if part.units_reporting)
        total.provinces_carried = sum(
            1 for part in rollups if part.units_reporting and part.units_carried
        )
        result[kpi_id] = total
    return result


def national_filterset(query) -> DashboardFilterSet:
    """The national page's choices, each one missing at its default, so the page opens filtered."""
    phase = latest_phase()
    return DashboardFilterSet(
        with_defaults(query, {"phase": phase.code if phase else None, "units": MapUnits.CURRENT}),
        queryset=AgreementProgress.objects.all(),
    )


def national(filterset: DashboardFilterSet) -> dict:
    """The national page, for the choices of `filterset` (see `national_filterset`).

    A bad choice is explained on the form, and the page meanwhile shows the default
    choices, so that its parts never disagree about what they show.
    """
    shown = filterset
    filterset = _valid_or_defaults(filterset)
    choices = filterset.form.cleaned_data
    phase = choices["phase"]
    region = choices["region"]
    chosen_statuses = choices["status"]
    kpis = list(Kpi.objects.select_related("parent").order_by("order", "code"))
    headline_kpis = [kpi for kpi in kpis if kpi.is_headline]
    map_kpi = choices["kpi"] or (headline_kpis[0] if headline_kpis else None)
    map_filter = ProvinceMapFilterSet(
        _map_data(shown.data, phase, map_kpi), queryset=ProvinceProgress.objects.all()
    )
    units = map_filter.form.cleaned_data["units"] if map_filter.is_valid() else MapUnits.CURRENT

    # Headline figures.
    if phase is None:
        figures_by_kpi = {}
    elif region:
        figures_by_kpi = _region_rollups(phase, headline_kpis, region)
    else:
        figures_by_kpi = {
            row.kpi_id: row
            for row in NationalProgress.objects.filter(phase=phase, kpi__in=headline_kpis)
        }
    cards, headline_rows, bars = [], [], []
    headline_ids = {kpi.pk for kpi in headline_kpis}
    for kpi in headline_kpis:
        figures = figures_by_kpi.get(kpi.pk)
        if figures is not None:
            provinces = getattr(figures, "provinces_reporting", 0)
            headline_rows.append(figures_row(kpi, figures, provinces=provinces))
            bars.append(
                charts.Bar(
                    kpi.name,
                    figures.attainment,
                    figures.status,
                    # A bar with no share says why, in the one status vocabulary: "no target"
                    # and "no data" are two statuses, never one caption for both.
                    caption=(_units_summary(figures, kpi) or STATUS_LABELS[figures.status])
                    if figures.attainment is None
                    else "",
                )
            )
        if kpi.parent_id in headline_ids:
            continue
        card = HeadlineCard(kpi, figures)
        card.parts = [
            (part, figures_by_kpi.get(part.pk))
            for part in headline_kpis
            if part.parent_id == kpi.pk and figures_by_kpi.get(part.pk) is not None
        ]
        cards.append(card)
    headline = Table(
        "headline",
        _("Headline KPIs"),
        [
            Column("kpi", _("KPI")),
            *FIGURE_COLUMNS,
            Column("provinces", _("Provinces reporting"), "int"),
            Column("units", _("Provinces that reached their target")),
            Column("coverage", _("As of and coverage")),
        ],
        headline_rows,
    )

    # The map.
    era = Province.objects.current() if units == MapUnits.CURRENT else Province.objects.former()
    provinces = list(era.only("pk", "name", "sort_key", "slug", "region", "latitude", "longitude"))
    map_rows = {}
    # Without a phase or a KPI the map has nothing to show, rather than every one at once.
    if phase is not None and map_kpi is not None:
        map_rows = {row.province_id: row for row in map_filter.qs}
    layout = charts.tile_layout([(p.pk, p.latitude, p.longitude) for p in provinces])
    tiles, map_table_rows = [], []
    for province in sorted(provinces, key=lambda p: p.sort_key):
        row = map_rows.get(province.pk)
        href = reverse("dashboards:province-dashboard", args=[province.slug])
        status = row.status if row else ProgressStatus.NO_DATA
        if row is None:
            figure = ""
        elif row.attainment is not None:
            figure = share(row.attainment)
        elif map_kpi.space_aggregation == SpaceAggregation.NONE and row.units_reporting > 1:
            figure = f"{row.units_reached_target}/{row.units_with_target or row.units_reporting}"
        else:
            figure = share(row.value) if _is_share(map_kpi) else number(row.value)
        row_col = layout[province.pk]
        tiles.append(
            charts.Tile(
                province.pk,
                province.name,
                row_col[0],
                row_col[1],
                status=status,
                figure=figure,
                href=href,
                dimmed=bool(region and province.region != region)
                or bool(row and chosen_statuses and status not in chosen_statuses),
            )
        )
        if row is not None and (not region or province.region == region):
            map_table_rows.append(
                figures_row(
                    map_kpi,
                    row,
                    province=province.name,
                    province_href=href,
                    agreements=row.agreements,
                )
            )
    map_table = Table(
        "map",
        _("%(kpi)s by province") % {"kpi": map_kpi.name} if map_kpi else _("By province"),
        [
            Column("province", _("Province")),
            *FIGURE_COLUMNS,
            Column("units", _("Units that reached their target")),
            Column("agreements", _("Agreements"), "int"),
            Column("coverage", _("As of and coverage")),
        ],
        map_table_rows,
    )
    # The legend's per cent signs are text, not format codes: the comments tell xgettext.
    legend = [
        (ProgressStatus.ON_TRACK, _("on track: the projection reaches the target")),
        # xgettext:no-python-format
        (ProgressStatus.AT_RISK, _("at risk: it covers 90% to 100% of the way from baseline")),
        # xgettext:no-python-format
        (ProgressStatus.OFF_TRACK, _("off track: less than 90% of the way")),
        (ProgressStatus.ACHIEVED, _("achieved: the period ended at its target")),
        (ProgressStatus.NOT_ACHIEVED, _("not achieved: the period ended short of it")),
        (ProgressStatus.NOT_REPORTING, _("not reporting for more than four quarters")),
        (ProgressStatus.NO_TARGET, _("no target: a value, but nothing to judge it by")),
        (ProgressStatus.NO_DATA, _("no data: no approved value yet")),
    ]
    map_chart = charts.tile_map(
        _("Status: %(kpi)s") % {"kpi": map_kpi.name} if map_kpi else _("Provinces by status"),
        tiles,
        legend,
    )

    at_risk = at_risk_table(filterset.qs, kpis, chosen_statuses)
    return {
        "filter": shown,
        "map_filter": map_filter,
        "phase": phase,
        "region_label": dict(Region.choices).get(region, ""),
        # The national pack is of the whole phase (every province ranked on every headline
        # KPI): its link says so when the page shows less.
        "pack_unfiltered": bool(region or choices["kpi"] or filterset.data.get("status")),
        "map_kpi": map_kpi,
        "units": units,
        "cards": cards,
        "bars": charts.attainment_bars(_("Share of target reached"), bars) if bars else None,
        "map_chart": map_chart,
        "tables": {t.key: t for t in (headline, map_table, at_risk)},
        "freshness": freshness(NationalProgress.objects.filter(phase=phase)),
    }


def _valid_or_defaults(filterset: DashboardFilterSet) -> DashboardFilterSet:
    """`filterset` when its choices are good, else the default choices: the national page and
    its completeness table show the same ones."""
    if filterset.is_valid():
        return filterset
    defaults = national_filterset(QueryDict())
    # The defaults are always valid; asking cleans them into the form's data.
    defaults.is_valid()
    return defaults


def national_completeness(filterset: DashboardFilterSet) -> dict:
    """The national page's completeness table, for its phase and region (the default choices
    after a bad one)."""
    choices = _valid_or_defaults(filterset).form.cleaned_data
    completeness = completeness_table(choices["region"], choices["phase"])
    return {"completeness": completeness, "tables": {"completeness": completeness["table"]}}


def _map_data(query, phase: Phase | None, kpi: Kpi | None) -> QueryDict:
    """The map's choices: the page's era of provinces, with the phase and KPI in force."""
    data = query.copy()
    data["phase"] = phase.code if phase else ""
    data["kpi"] = kpi.code if kpi else ""
    return data


def completeness_table(region: str = "", phase: Phase | None = None) -> dict:
    """Reporting completeness by province (of `region`, at its own quarter): of a phase's
    agreements at the last quarter of its years in which they owed reports; with no phase, of
    every agreement at the last quarter in which reports were due (the stored table)."""
    today = timezone.localdate()
    provinces = Province.objects.filter(current_q()).only("name", "slug").order_by("sort_key")
    if region:
        provinces = provinces.filter(region=region)
    if phase is None:
        found = _stored_completeness(region, last_completed(today).code)
    else:
        provinces = list(provinces)
        found = phase_completeness(phase, today, {province.pk for province in provinces})
    quarter, counted = found
    by_pk = {row.province_id: row for row in counted if row.expected}
    rows = []
    totals = defaultdict(int)
    for province in provinces if by_pk else ():
        row = by_pk.get(province.pk)
        if row is None:
            continue
        rows.append(
            {
                "province": province.name,
                "province_href": reverse("dashboards:province-dashboard", args=[province.slug]),
                **{key: getattr(row, key) for key in COMPLETENESS_COUNTS},
            }
        )
        for key in COMPLETENESS_COUNTS:
            totals[key] += getattr(row, key)
    table = Table(
        "completeness",
        _completeness_title(quarter, phase, today),
        [
            Column("province", _("Province")),
            *COMPLETENESS_COLUMNS,
        ],
        rows,
        footer={"province": _("Total"), **totals} if rows else None,
        empty=_completeness_empty(phase, today) if phase and quarter is None else "",
    )
    expected = totals["expected"]
    return {
        "quarter": quarter,
        "phase": phase,
        "table": table,
        "totals": dict(totals),
        "approved_share": Decimal(totals["approved"] * 100) / expected if expected else None,
    }


def _stored_completeness(region: str, last: int) -> tuple[Quarter | None, list]:
    """The stored counts of the current provinces at the last quarter, up to `last`, in
    which any of their reports were due."""
    scope = ReportingCompleteness.objects.filter(
        current_q("province__"), expected__gt=0, quarter__lte=last
    )
    if region:
        scope = scope.filter(province__region=region)
    quarter = scope.aggregate(latest=Max("quarter"))["latest"]
    if not quarter:
        return None, []
    return Quarter.from_code(quarter), list(scope.filter(quarter=quarter))


def _completeness_title(quarter: Quarter | None, phase: Phase | None, today) -> str:
    """Which quarter the counts are of, and of which phase; an ended phase says so."""
    if phase is None:
        return (
            _("Reporting completeness, %(quarter)s") % {"quarter": quarter}
            if quarter
            else _("Reporting completeness")
        )
    if quarter is None:
        return _("Reporting completeness, phase %(phase)s") % {"phase": phase.name}
    if phase.end_year < today.year:
        return _(
            "Reporting completeness, %(quarter)s: the last quarter of reports of the phase "
            "%(phase)s, which has ended"
        ) % {"quarter": quarter, "phase": phase.name}
    return _("Reporting completeness, %(quarter)s, phase %(phase)s") % {
        "quarter": quarter,
        "phase": phase.name,
    }


def _completeness_empty(phase: Phase, today) -> str:
    if phase.end_year < today.year:
        return _("The agreements of the phase %(phase)s no longer owe any report.") % {
            "phase": phase.name
        }
    return _("No report of the agreements of the phase %(phase)s has fallen due yet.") % {
        "phase": phase.name
    }


def at_risk_table(scope, kpis: list[Kpi], chosen: list[str] = ()) -> Table:
    """The agreements of `scope` (their KPIs' progress, filtered) with a KPI slipping, worst first.

    Slipping is judged as the period stands: off track or at risk while it runs, not
    achieved once it has ended (`SLIPPING`); an agreement with none is not listed, whatever
    else the filter lets through. The statuses `chosen` on the page also pick the provinces
    the map shows; when none of them is slipping, the empty list says so.
    """
    counts = {status: Count("pk", filter=Q(status=status)) for status in SLIPPING}
    ranked = list(
        scope.values("agreement_id")
        .annotate(
            **counts,
            short=Count("pk", filter=Q(status__in=SHORT_OF_TARGET)),
            slipping=Count("pk", filter=Q(status__in=SLIPPING)),
            lowest=Min("attainment"),
        )
        .filter(slipping__gt=0)
        .order_by(
            "-short",
            "-slipping",
            F("lowest").asc(nulls_last=True),
            "agreement_id",
        )[:AT_RISK_LIMIT]
    )
    ids = [item["agreement_id"] for item in ranked]
    # Only what the rows show: 25 agreements as models, with their counterparty, province
    # and phase, took longer to build than the page's other tables.
    agreements = {
        row["pk"]: row
        for row in Agreement.objects.filter(pk__in=ids).values(
            "pk",
            "title",
            "is_demo",
            "counterparty__name",
            "counterparty__province__name",
            "phase__name",
        )
    }
    kpi_names = {kpi.pk: kpi.name for kpi in kpis}
    kpis_by_agreement = defaultdict(list)
    demo = set()
    for agreement_id, kpi_id, status, attainment, includes_demo in (
        scope.filter(agreement_id__in=ids)
        .order_by("agreement_id", F("attainment").asc(nulls_last=True))
        .values_list("agreement_id", "kpi_id", "status", "attainment", "includes_demo")
    ):
        named = kpis_by_agreement[agreement_id]
        # The worst few say what is slipping; the counts say how much.
        if len(named) < WORST_KPIS_NAMED:
            named.append(f"{kpi_names[kpi_id]} {charts.STATUS_GLYPH[status]} {share(attainment)}")
        if includes_demo:
            demo.add(agreement_id)
    rows = []
    for item in ranked:
        agreement = agreements[item["agreement_id"]]
        rows.append(
            {
                "agreement": agreement["title"],
                "agreement_href": reverse("dashboards:agreement-dashboard", args=[agreement["pk"]]),
                "province": agreement["counterparty__province__name"]
                or agreement["counterparty__name"],
                "phase": agreement["phase__name"],
                **{status: item[status] for status in SLIPPING},
                "kpis": "; ".join(kpis_by_agreement[agreement["pk"]]),
                "_demo": agreement["is_demo"] or agreement["pk"] in demo,
            }
        )
    headers = {
        ProgressStatus.OFF_TRACK: _("KPIs off track"),
        ProgressStatus.NOT_ACHIEVED: _("KPIs not achieved"),
        ProgressStatus.AT_RISK: _("KPIs at risk"),
    }
    return Table(
        "at_risk",
        _("Agreements with KPIs slipping"),
        [
            Column("agreement", _("Agreement")),
            Column("province", _("Province, city or agency")),
            Column("phase", _("Phase")),
            # A running period is never "not achieved" and an ended one never "at risk": the
            # page shows only the counts its rows have, not a column of zeros beside KPIs
            # listed as slipping; the downloads keep all three.
            *(
                Column(status, headers[status], "int", on_page=any(row[status] for row in rows))
                for status in SLIPPING
            ),
            Column("kpis", _("Worst KPIs (share of target reached)")),
        ],
        rows,
        empty=_(
            "This list shows only agreements with KPIs not achieved, off track or at risk; "
            "the statuses chosen are shown on the map."
        )
        if chosen and not set(chosen) & set(SLIPPING)
        else _("No agreement has a KPI slipping for these choices."),
    )


# A province's dashboard -------------------------------------------------------------------------


def _by_unit(agreements: list[Agreement]) -> list[list[Agreement]]:
    """Agreements grouped by the unit that signed them, the earliest unit first, each group
    in the order of its agreements' periods (the order its targets are drawn in)."""
    groups = defaultdict(list)
    # The readings that name these agreements come in no particular order (PostgreSQL's).
    for agreement in sorted(agreements, key=lambda a: (a.period_start, a.pk)):
        groups[agreement.counterparty.province_id].append(agreement)
    return sorted(
        groups.values(),
        key=lambda group: (
            min(agreement.period_start for agreement in group),
            group[0].counterparty.province.name,
        ),
    )


def _line(kpi, group, readings, targets, projections, province) -> charts.Series:
    """One line of a KPI's chart: an agreement's values, or with `province` a unit's."""
    terms = {
        agreement.pk: AgreementTerms(
            agreement.pk, agreement.signed_on, agreement.period_start, agreement.period_end
        )
        for agreement in group
    }
    today = last_completed()
    chosen = latest_signed(
        (
            terms[agreement.pk],
            [
                reading
                for reading in clip(
                    readings.get(agreement.pk, {}).get(kpi.pk, []), terms[agreement.pk], today
                )
                if usable(kpi, reading)
            ],
        )
        for agreement in group
    )
    values = [
        (quarter, kpi.share(reading.value, reading.numerator, reading.denominator))
        for quarter, (_terms, reading) in sorted(chosen.items())
    ]
    latest = max(group, key=lambda agreement: terms[agreement.pk].seniority)
    projected = projections.get((kpi.pk, latest.pk))
    end = terms[latest.pk].last_quarter.code
    return charts.Series(
        _unit_label(latest.counterparty.province, province)
        if province
        else _agreement_label(latest),
        values,
        [
            charts.Target(
                targets[(kpi.pk, agreement.pk)].target_value,
                (terms[agreement.pk].first_quarter.code, terms[agreement.pk].last_quarter.code),
            )
            for agreement in group
            if (kpi.pk, agreement.pk) in targets
        ],
        projection=(end, projected) if projected is not None and values else None,
    )


def _unit_label(unit: Province, province: Province) -> str:
    if unit.pk == province.pk:
        return unit.name
    return _("%(name)s (former unit)") % {"name": unit.name}


def _agreement_label(agreement: Agreement) -> str:
    province = agreement.counterparty.province
    name = province.name if province else agreement.counterparty.short_name
    return f"{name} {agreement.period_label}"


def _agreement_labels(agreements: list[Agreement]) -> dict[int, str]:
    return {agreement.pk: _agreement_label(agreement) for agreement in agreements}


def _in_agreement_order(agreements: list[Agreement]) -> tuple:
    """An ordering by agreement, earliest period first, without joining the agreements."""
    ranked = sorted(agreements, key=lambda agreement: (agreement.period_start, agreement.pk))
    if len(ranked) < 2:
        return ()
    rank = Case(
        *(When(agreement_id=agreement.pk, then=Value(i)) for i, agreement in enumerate(ranked)),
        output_field=IntegerField(),
    )
    return (rank,)


def province_dashboard(province: Province, download: bool = False) -> dict:
    lineage = with_predecessors([province.pk])
    agreements = list(
        Agreement.objects.filter(counterparty__province_id__in=lineage)
        .with_state()
        .select_related("counterparty__province", "phase")
        .order_by("period_start", "signed_on", "pk")
    )
    progress_rows = list(
        ProvinceProgress.objects.filter(province=province)
        .select_related("kpi", "phase")
        .order_by("kpi__order", "kpi__code", "phase__start_year")
    )
    # The page keeps to the headline KPIs, as the national one does; a download has all.
    headline = [row for row in progress_rows if row.kpi.is_headline]
    shown = progress_rows if download or not headline else headline
    phases = sorted(
        {row.phase for row in progress_rows} | {a.phase for a in agreements},
        key=lambda p: p.start_year,
    )
    progress_table = Table(
        "progress",
        _("Progress by phase"),
        [
            Column("kpi", _("KPI")),
            Column("phase", _("Phase")),
            Column("latest_quarter", _("Latest quarter"), "quarter"),
            *FIGURE_COLUMNS,
            Column("units", _("Units that reached their target")),
            Column("coverage", _("As of and coverage")),
        ],
        [figures_row(row.kpi, row, phase=row.phase.name) for row in shown],
        note=(
            _("The headline KPIs; the downloads have every KPI.")
            if len(shown) < len(progress_rows)
            else ""
        ),
    )
    spans = [
        charts.Span(
            _agreement_label(agreement),
            agreement.period_start,
            agreement.period_end,
            signed_year=_year_fraction(agreement.signed_on),
            phase=agreement.phase.name,
            href=reverse("dashboards:agreement-dashboard", args=[agreement.pk]),
            former=agreement.counterparty.province_id != province.pk,
        )
        for agreement in agreements
    ]
    timeline = charts.timeline(
        _("Agreements of %(province)s across phases") % {"province": province.name},
        spans,
        [(phase.name, phase.start_year, phase.end_year) for phase in phases],
    )
    agreement_terms = agreements_table(agreements, province)
    ids = [agreement.pk for agreement in agreements]
    tables = {
        table.key: table
        for table in (
            progress_table,
            agreement_terms,
            participants_table(agreements),
            commitments_table(agreements),
            milestones_table(agreements),
            completeness_history(province),
        )
    }
    series_table, kpi_charts = kpi_series(agreements, every_kpi=download, province=province)
    tables[series_table.key] = series_table
    return {
        "province": province,
        "phases": phases,
        "timeline": timeline,
        "kpi_charts": kpi_charts,
        "tables": tables,
        "freshness": freshness(ProvinceProgress.objects.filter(province=province), ids),
    }


def agreements_table(agreements, province: Province, *, by_unit: bool = False) -> Table:
    """A province's agreements with their terms, each with its phase (the dashboard, every
    phase) or, `by_unit`, the unit that signed it (a pack of one phase)."""

    def unit(agreement) -> str:
        return _unit_label(agreement.counterparty.province, province)

    if by_unit:
        third, third_value = Column("unit", _("Unit at signing")), unit
    else:
        third, third_value = Column("phase", _("Phase")), lambda agreement: agreement.phase.name
    return Table(
        "agreements",
        _("Agreements"),
        [
            Column("agreement", _("Agreement")),
            Column("counterparty", _("Counterparty")),
            third,
            Column("period", _("Period")),
            Column("signed", _("Signed")),
            Column("status", _("Agreement status")),
            Column("notes", _("Source note")),
        ],
        [
            {
                "agreement": agreement.title,
                "agreement_href": reverse("dashboards:agreement-dashboard", args=[agreement.pk]),
                "counterparty": agreement.counterparty.name,
                third.key: third_value(agreement),
                "period": agreement.period_label,
                "signed": agreement.signed_label,
                "status": agreement.current_state.label,
                "notes": source_notes(agreement),
                "_demo": agreement.is_demo,
            }
            for agreement in agreements
        ],
    )


def _year_fraction(day: datetime.date | None) -> float | None:
    if day is None:
        return None
    return day.year + (day.timetuple().tm_yday - 1) / 366


def participants_table(agreements: list[Agreement]) -> Table:
    """Who signed, and who only attended, spoke or assessed: the sources tell them apart.

    `agreements` come with their counterparty and province, which label each row: the
    queries of these tables join nothing more, since writing the joins cost more than
    running them (4 ms for a page with no participant at all).
    """
    labels = _agreement_labels(agreements)
    rows = [
        {
            "agreement": labels[participant.agreement_id],
            "person": participant.person.full_name,
            "side": participant.get_side_display(),
            "role": participant.get_role_display(),
            "title": participant.title_then,
            "source": participant.source.code if participant.source_id else "",
            "note": participant.note,
        }
        for participant in Participant.objects.filter(agreement_id__in=labels)
        .in_order()
        .select_related("person", "source")
        .order_by(*_in_agreement_order(agreements), "side", "role_rank", "pk")
    ]
    return Table(
        "participants",
        _("Signers and participants"),
        [
            Column("agreement", _("Agreement")),
            Column("person", _("Person")),
            Column("side", _("Side")),
            Column("role", _("Part")),
            Column("title", _("Title held then")),
            Column("source", _("Source")),
            Column("note", _("Source note")),
        ],
        rows,
    )


def source_notes(agreement: Agreement) -> str:
    """What the sources leave uncertain about an agreement's kind, period and signing."""
    return " ".join(
        note
        for note in (agreement.kind_note, agreement.period_note, agreement.signing_note)
        if note
    )


def commitments_table(agreements: list[Agreement]) -> Table:
    """Commitments by area, each with its status in the latest approved report."""
    labels = _agreement_labels(agreements)
    commitments = list(
        Commitment.objects.filter(agreement_id__in=labels)
        .select_related("area")
        .order_by("area__order", "area__code", *_in_agreement_order(agreements), "order", "pk")
    )
    latest = {}
    if commitments:
        for update in (
            CommitmentProgress.objects.filter(
                commitment__in=commitments, report__status=ReportStatus.APPROVED
            )
            .order_by("report__quarter")
            .values(
                "commitment_id", "status", "percent_complete", "report__quarter", "report__is_demo"
            )
        ):
            latest[update["commitment_id"]] = update
    statuses = dict(CommitmentProgress._meta.get_field("status").choices)
    rows = []
    for commitment in commitments:
        update = latest.get(commitment.pk)
        rows.append(
            {
                "area": commitment.area.name,
                "agreement": labels[commitment.agreement_id],
                "commitment": commitment.text,
                "state": statuses.get(update["status"]) if update else _("Not reported yet"),
                "percent": update["percent_complete"] if update else None,
                "quarter": update["report__quarter"] if update else None,
                "_demo": bool(update and update["report__is_demo"]),
            }
        )
    return Table(
        "commitments",
        _("Commitments by area"),
        [
            Column("area", _("Area")),
            Column("agreement", _("Agreement")),
            Column("commitment", _("Commitment")),
            Column("state", _("Status")),
            Column("percent", _("Per cent complete"), "int"),
            Column("quarter", _("Reported in"), "quarter"),
        ],
        rows,
    )


def milestones_table(agreements: list[Agreement]) -> Table:
    labels = _agreement_labels(agreements)
    rows = [
        {
            "date": milestone.date_label,
            "agreement": labels[milestone.agreement_id],
            "title": milestone.title,
            "description": " ".join(
                part for part in (milestone.description, milestone.note) if part
            ),
            "_demo": milestone.is_demo,
        }
        for milestone in Milestone.objects.filter(agreement_id__in=labels).order_by(
            "occurred_on", "pk"
        )
    ]
    return Table(
        "milestones",
        _("Milestones"),
        [
            Column("date", _("Date")),
            Column("agreement", _("Agreement")),
            Column("title", _("Milestone")),
            Column("description", _("Details")),
        ],
        rows,
    )


# How complete the reporting is, in the national table and a province's history alike. A
# report overdue is one not sent by its deadline, a draft or a returned one included: the
# columns after "Approved" do not add up to the reports due.
COMPLETENESS_COLUMNS = (
    Column("expected", gettext_lazy("Reports due"), "int"),
    Column("approved", gettext_lazy("Approved"), "int"),
    Column("submitted", gettext_lazy("Submitted, awaiting review"), "int"),
    Column("in_progress", gettext_lazy("Draft or returned"), "int"),
    Column("overdue", gettext_lazy("Overdue, drafts included"), "int"),
)


def completeness_history(
    province: Province, quarters: int = 8, phase: Phase | None = None
) -> Table:
    """The province's latest `quarters` quarters, or with `phase` every quarter of that phase."""
    scope = ReportingCompleteness.objects.filter(province=province).order_by("-quarter")
    if phase is not None:
        scope = scope.filter(quarter__range=year_quarters(phase.start_year, phase.end_year))
    else:
        scope = scope[:quarters]
    rows = [
        {
            "quarter": row.quarter,
            "expected": row.expected,
            "approved": row.approved,
            "submitted": row.submitted,
            "in_progress": row.in_progress,
            "overdue": row.overdue,
        }
        for row in scope
    ]
    # Cut to the latest quarters, it says so: the province's pack lists every quarter.
    title = (
        _("Reporting completeness by quarter")
        if phase is not None or len(rows) < quarters
        else ngettext(
            "Reporting completeness of the last quarter",
            "Reporting completeness of the last %(count)s quarters",
            quarters,
        )
        % {"count": quarters}
    )
    return Table(
        "completeness",
        title,
        [Column("quarter", _("Quarter"), "quarter"), *COMPLETENESS_COLUMNS],
        rows,
    )


def kpi_series(
    agreements: list[Agreement], every_kpi: bool = False, province: Province | None = None
) -> tuple[Table, list[dict]]:
    """The charted KPIs' approved quarterly values against their targets.

    The charts are the headline KPIs' (every KPI's in a catalogue without any); the
    table under them has each agreement's figures, and with `every_kpi` (for a download)
    every KPI's. An agreement's chart draws its agreement. A province's (`province`) draws
    one line per unit, the province and each former unit merged into it, as its figures
    count them: quarter by quarter the agreement signed later (`rules.latest_signed`),
    inside its period, with each agreement's target over its own period. One line per
    agreement made 14 lines of five styles on a merged province's chart, alike in threes.
    """
    ids = [agreement.pk for agreement in agreements]
    by_id = {agreement.pk: agreement for agreement in agreements}
    kpis = {kpi.pk: kpi for kpi in Kpi.objects.all()}
    charted = {pk for pk, kpi in kpis.items() if kpi.is_headline} or set(kpis)
    listed = set(kpis) if every_kpi else charted
    points = defaultdict(lambda: defaultdict(list))
    # A ratio's numerators and denominators, quarter by quarter, for the downloads.
    terms = defaultdict(dict)
    demo = defaultdict(bool)
    readings = approved_readings(
        KpiValue.objects.filter(report__agreement_id__in=ids, kpi_id__in=listed)
    )
    for agreement_id, by_kpi in readings.items():
        for kpi_id, series in by_kpi.items():
            kpi = kpis[kpi_id]
            for reading in sorted(series, key=lambda reading: reading.quarter):
                # A ratio is charted as its share, by the one rule (Kpi.share).
                value = kpi.share(reading.value, reading.numerator, reading.denominator)
                if value is None:
                    continue
                points[kpi_id][agreement_id].append((reading.quarter, value))
                if kpi.kind == KpiKind.RATIO:
                    terms[(kpi_id, agreement_id)][reading.quarter] = (
                        reading.numerator,
                        reading.denominator,
                    )
                demo[(kpi_id, agreement_id)] |= reading.is_demo
    targets = {
        (target.kpi_id, target.agreement_id): target
        # Into a dict: the model's ordering would join the KPIs and agreements to sort them.
        for target in KpiTarget.objects.filter(agreement_id__in=ids, kpi_id__in=listed).order_by()
    }
    projections = {
        (row["kpi_id"], row["agreement_id"]): row["projected_value"]
        for row in AgreementProgress.objects.filter(agreement_id__in=ids, kpi_id__in=listed).values(
            "kpi_id", "agreement_id", "projected_value"
        )
    }
    for kpi_id, agreement_id in targets:
        points[kpi_id].setdefault(agreement_id, [])
    rows, charts_out, quarters = [], [], set()
    for kpi_id in sorted(points, key=lambda pk: (kpis[pk].order, kpis[pk].code)):
        kpi = kpis[kpi_id]
        for agreement_id, values in sorted(
            points[kpi_id].items(), key=lambda item: by_id[item[0]].period_start
        ):
            agreement = by_id[agreement_id]
            target = targets.get((kpi_id, agreement_id))
            # One row per KPI and agreement, one column per quarter: compact even when a
            # province's agreements report for many years.
            row = {
                "kpi": _label(kpi),
                "agreement": _agreement_label(agreement),
                "target": target.target_value if target else None,
                "_share": _is_share(kpi),
                "_demo": demo[(kpi_id, agreement_id)],
            }
            for quarter, value in values:
                row[f"q{quarter}"] = value
                quarters.add(quarter)
            rows.append(row)
            if every_kpi and (kpi_id, agreement_id) in terms:
                by_quarter = terms[(kpi_id, agreement_id)]
                for index, term in enumerate((_("numerator"), _("denominator"))):
                    rows.append(
                        {
                            "kpi": f"{_label(kpi)}: {term}",
                            "agreement": row["agreement"],
                            "_demo": row["_demo"],
                            **{f"q{q}": parts[index] for q, parts in by_quarter.items()},
                        }
                    )
        if kpi_id not in charted:
            continue
        groups = (
            _by_unit([by_id[pk] for pk in points[kpi_id]])
            if province
            else [
                [by_id[pk]] for pk in sorted(points[kpi_id], key=lambda pk: by_id[pk].period_start)
            ]
        )
        series = [_line(kpi, group, readings, targets, projections, province) for group in groups]
        if not any(s.points for s in series):
            continue
        charts_out.append(
            {
                "kpi": kpi,
                "chart": charts.line_chart(
                    _label(kpi), series, is_share=_is_share(kpi), key=kpi.code
                ),
                "demo": any(demo[(kpi_id, a)] for a in points[kpi_id]),
            }
        )
    # Every quarter from the first to the last: a quarter without an approved value is a
    # column of "–", not a column left out, which read as the next quarter following on.
    ordered = (
        [
            quarter.code
            for quarter in quarter_range(
                Quarter.from_code(min(quarters)), Quarter.from_code(max(quarters))
            )
        ]
        if quarters
        else []
    )
    shown = set(ordered[-PAGE_QUARTERS:])
    table = Table(
        "series",
        _("Quarterly approved values"),
        [
            Column("kpi", _("KPI")),
            Column("agreement", _("Agreement")),
            Column("target", _("Target"), "figure"),
            *(
                Column(
                    f"q{quarter}",
                    str(Quarter.from_code(quarter)),
                    "figure",
                    on_page=quarter in shown,
                )
                for quarter in ordered
            ),
        ],
        rows,
        note=(
            _(
                "The charted KPIs' latest %(shown)s of %(total)s quarters; "
                "the downloads have every KPI and quarter. A dash (–) marks a quarter "
                "without an approved value."
            )
            % {"shown": len(shown), "total": len(ordered)}
            if not every_kpi
            else ""
        ),
    )
    return table, charts_out


# An agreement's dashboard -------------------------------------------------------------------------


def agreement_dashboard(agreement: Agreement, download: bool = False) -> dict:
    # Read with what the body names here, not by the view: a reader served a kept body
    # needs the title alone, and the joins cost a reader more than this query costs a render.
    agreement = (
        Agreement.objects.with_state()
        .select_related("counterparty__province", "phase")
        .get(pk=agreement.pk)
    )
    rows = list(
        AgreementProgress.objects.filter(agreement=agreement)
        .select_related("kpi")
        .order_by("kpi__order", "kpi__code")
    )
    progress_table = Table(
        "progress",
        _("Progress by KPI"),
        [
            Column("kpi", _("KPI")),
            Column("latest_quarter", _("Latest quarter"), "quarter"),
            Column("value", _("Value"), "figure"),
            *RATIO_TERMS,
            Column("baseline", _("Baseline"), "figure"),
            Column("target", _("Target"), "figure"),
            Column("attainment", _("Share of target reached"), "share"),
            Column("change", _("Change over the last four quarters"), "points"),
            Column("projected", _("Projected at the end of the period"), "figure"),
            Column("status", _("Status"), "status"),
        ],
        [
            figures_row(row.kpi, row, baseline=row.baseline_value, change=row.change_last_year)
            for row in rows
        ],
    )
    for row in progress_table.rows:
        row.pop("units", None)
    reports = QuarterlyReport.objects.filter(agreement=agreement).order_by("-quarter")
    report_statuses = dict(ReportStatus.choices)
    reports_table = Table(
        "reports",
        _("Quarterly reports"),
        [
            Column("quarter", _("Quarter"), "quarter"),
            Column("state", _("Report status")),
            Column("source", _("Source")),
        ],
        [
            {
                "quarter": report.quarter,
                "state": report_statuses.get(report.status, report.status),
                "source": str(report.source) if report.source_id else "",
                "_demo": report.is_demo,
            }
            for report in reports.select_related("source")
        ],
    )
    series_table, kpi_charts = kpi_series([agreement], every_kpi=download)
    tables = {
        table.key: table
        for table in (
            progress_table,
            series_table,
            participants_table([agreement]),
            commitments_table([agreement]),
            milestones_table([agreement]),
            reports_table,
        )
    }
    counts = defaultdict(int)
    for row in rows:
        counts[row.status] += 1
    return {
        "agreement": agreement,
        "status_counts": [
            (status, STATUS_LABELS[status], counts[status]) for status in STATUS_LABELS
        ],
        "kpi_charts": kpi_charts,
        "tables": tables,
        "freshness": freshness(
            AgreementProgress.objects.filter(agreement=agreement), [agreement.pk]
        ),
    }


# Phase comparison --------------------------------------------------------------------------------


def compare_filterset(query) -> CompareFilterSet:
    """The comparison's choices, each one missing at its default, so the page opens filtered."""
    # The latest phase with approved values against the one before it that has some.
    second = latest_phase()
    first = earlier_phase(second)
    kpi = Kpi.objects.filter(is_headline=True).order_by("order", "code").first()
    defaults = {
        "first": first.code if first else None,
        "second": second.code if second else None,
        "kpi": kpi.code if kpi else None,
        "units": MapUnits.CURRENT,
    }
    return CompareFilterSet(with_defaults(query, defaults), queryset=ProvinceProgress.objects.all())


def compare(filterset: CompareFilterSet) -> dict:
    """Per province: what the earlier phase reached against what the later one has so far.

    A bad choice is explained on the form, and nothing else is shown meanwhile: filled in
    with the default phases, the heading and the table named a pair nobody chose beside
    the message refusing the pair chosen. Without the table, its download is refused too.
    """
    if not filterset.is_valid():
        return {"filter": filterset, "tables": {}}
    form_data, queryset = filterset.form.cleaned_data, filterset.qs
    second = form_data.get("second") or latest_phase()
    first = form_data.get("first") or earlier_phase(second)
    kpi = form_data.get("kpi") or Kpi.objects.filter(is_headline=True).order_by("order").first()
    units = form_data.get("units") or MapUnits.CURRENT
    rows_by_province = defaultdict(dict)
    if kpi is not None and first is not None:
        for row in queryset.select_related("province"):
            rows_by_province[row.province][row.phase_id] = row
    table_rows, pairs = [], []
    is_share_kpi = _is_share(kpi) if kpi else False
    for province in sorted(rows_by_province, key=lambda p: (p.sort_key, p.pk)):
        earlier = rows_by_province[province].get(first.pk)
        later = rows_by_province[province].get(second.pk)
        href = reverse("dashboards:province-dashboard", args=[province.slug])
        change = None
        if earlier and later and earlier.value is not None and later.value is not None:
            change = later.value - earlier.value
        table_rows.append(
            {
                "province": str(province),
                "province_href": href,
                "first_value": earlier.value if earlier else None,
                "first_attainment": earlier.attainment if earlier else None,
                "first_coverage": coverage(earlier) if earlier else "",
                "second_value": later.value if later else None,
                "second_attainment": later.attainment if later else None,
                "second_coverage": coverage(later) if later else "",
                "change": change,
                "_share": is_share_kpi,
                "_demo": bool(
                    (earlier and earlier.includes_demo) or (later and later.includes_demo)
                ),
            }
        )
        pairs.append(
            charts.Pair(
                province.name,
                earlier.value if earlier else None,
                later.value if later else None,
                href=href,
            )
        )
    first_name = first.name if first else ""
    second_name = second.name if second else ""
    # What a phase has reached is "so far" only while it runs.
    second_ended = second is not None and second.end_year < timezone.localdate().year
    table = Table(
        "compare",
        _("%(kpi)s: %(first)s against %(second)s")
        % {"kpi": kpi.name if kpi else "", "first": first_name, "second": second_name},
        [
            Column("province", _("Province")),
            Column("first_value", _("Reached in %(phase)s") % {"phase": first_name}, "figure"),
            Column(
                "first_attainment",
                _("Share of target, %(phase)s") % {"phase": first_name},
                "share",
            ),
            # Each phase's figures say as of when they stand: two columns of one heading
            # left a spreadsheet's reader to guess which phase each was.
            Column("first_coverage", _("As of and coverage, %(phase)s") % {"phase": first_name}),
            Column(
                "second_value",
                (
                    _("Reached by the end of %(phase)s")
                    if second_ended
                    else _("Reached so far in %(phase)s")
                )
                % {"phase": second_name},
                "figure",
            ),
            Column(
                "second_attainment",
                _("Share of target, %(phase)s") % {"phase": second_name},
                "share",
            ),
            Column("second_coverage", _("As of and coverage, %(phase)s") % {"phase": second_name}),
            Column(
                "change",
                _("Change (percentage points)") if is_share_kpi else _("Change"),
                "points",
            ),
        ],
        table_rows,
    )
    return {
        "filter": filterset,
        "kpi": kpi,
        "first": first,
        "second": second,
        "second_ended": second_ended,
        "units": units,
        "chart": charts.dumbbell(table.title, pairs, first_name, second_name, is_share_kpi)
        if pairs
        else None,
        "tables": {table.key: table},
        "freshness": freshness(
            ProvinceProgress.objects.filter(kpi=kpi) if kpi else ProvinceProgress.objects.none()
        ),
    }
