"""Synthetic data at national scale, for the benchmark and for trying the dashboards under load.

It is shaped like what the portal will hold. The 63 former units signed in the 2014–2020
and 2021–2025 phases, within those years; the 34 current provinces sign from the merger on,
in the 2026–2030 phase. A report belongs to a quarter of its agreement's period, from the
signing to the last completed quarter. Every agreement of a unit reports that unit's one
series of figures, and a current province's figures start from the sum of the units merged
into it. Some units stop reporting, some current provinces have reported only once or twice,
a few reports were approved after their deadline and a few of the latest are not approved.

Every row it makes is flagged demo, its agreements' titles and organisations' names start
with SCALE_MARK and the KPIs it adds to the catalogue have SCALE_KPI codes, so a second run
replaces the first and `--clear` removes it all (a synthetic KPI only once nothing else
uses it) without touching the seed facts or anyone's reports.

With DEBUG off it refuses to run without --yes: that is how production runs, and
synthetic figures would show on its dashboards.
"""

from __future__ import annotations

import datetime
import itertools
import math
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from tqdm import tqdm

from core.commands import PortalCommand
from core.quarters import Quarter, last_completed, quarter_range
from milestones.models import KpiValue, QuarterlyReport, ReportStatus
from milestones.schedule import deadline_for
from partnerships.models import (
    HUNDRED,
    Agreement,
    AgreementKind,
    Kpi,
    KpiKind,
    KpiTarget,
    Organisation,
    OrganisationKind,
    Phase,
    SpaceAggregation,
    TimeAggregation,
    percent_of,
)
from partnerships.reference import PHASES, load_reference_data
from partnerships.reference import phases as reference_phases
from progress import services as progress
from progress.models import PendingRecompute
from provinces.models import Province

SCALE_MARK = "[Quy mô]"
SCALE_KPI = "scale_kpi_"
# Ten times what the portal will hold (300 agreements, 30 KPIs): enough for any benchmark,
# and a mistyped number cannot fill the disk.
MOST_AGREEMENTS, MOST_KPIS = 3000, 300
FIRST_QUARTER = Quarter(2014, 1)
BATCH = 5000
# Of the synthetic KPIs added to reach the requested number, one in five is a
# ratio and one in ten a percentage, as in the real catalogue.
RATIO_EVERY, PERCENTAGE_EVERY = 5, 10
FIRST, SECOND, CURRENT = (code for code, _start, _end in PHASES)
# A unit's first agreement of a phase is its strategic one; more agreements in the
# same phase are narrower programmes and agreements signed later in the phase.
KINDS = (
    AgreementKind.STRATEGIC,
    AgreementKind.PROGRAMME,
    AgreementKind.AGREEMENT,
    AgreementKind.MOU,
)
# How often the real pattern departs from the plain one (Quảng Bình's 2015–2020 and
# 2020–2025, Tuyên Quang's 2017–2022), as shares of the agreements it can happen to.
LATE_START, EARLY_START, OVERLAPPING = 0.2, 0.15, 1 / 40
STOPPING, SHORT = 0.1, 0.15
LATE, UNAPPROVED, DRAFT = 0.06, 0.15, 0.4
# The quarters in which the units that stop reporting send their last report.
STOPS = quarter_range(Quarter(2023, 1), Quarter(2024, 4))
NARRATIVE = "Số liệu quy mô tổng hợp (minh họa)."
TENTH = Decimal("0.1")


class Command(PortalCommand):
    help = (
        "Build synthetic demo data at national scale: every province record, 300 agreements "
        "over the three phases, 30 KPIs and the quarterly reports of each agreement's period "
        "up to the last completed quarter, then recompute progress. It replaces the data of "
        "an earlier run. With DEBUG off it refuses to run without --yes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--agreements",
            type=int,
            default=300,
            help=f"How many agreements, from 1 to {MOST_AGREEMENTS} (default: 300).",
        )
        parser.add_argument(
            "--kpis",
            type=int,
            default=30,
            help=(
                f"How many KPIs, from 1 to {MOST_KPIS} (default: 30): the catalogue's first, "
                "completed with synthetic ones."
            ),
        )
        parser.add_argument(
            "--quarters",
            type=int,
            help=(
                "Only the latest N quarters up to the last completed one "
                "(by default every quarter since Q1/2014)."
            ),
        )
        parser.add_argument(
            "--seed",
            default="generate_scale_data",
            help="Seed of the random choices: the same seed gives the same data.",
        )
        parser.add_argument(
            "--clear",
            action="store_true",
            help=(
                "Only remove the synthetic scale data: every row an earlier run wrote, its "
                "synthetic KPIs included unless something else uses them; then recompute."
            ),
        )
        parser.add_argument(
            "--no-recompute", action="store_true", help="Leave the progress tables alone."
        )
        parser.add_argument(
            "--yes",
            action="store_true",
            help=(
                "Write the data even though DEBUG is off. Without it the command refuses, "
                "so that synthetic figures never reach a production database by mistake."
            ),
        )

    def handle(self, *args, **options):
        if options["clear"]:
            removed = clear_scale_data()
            self.stdout.write(
                _("Removed %(agreements)s and %(kpis)s.")
                % {
                    "agreements": ngettext(
                        "%(count)s synthetic agreement",
                        "%(count)s synthetic agreements",
                        removed.agreements,
                    )
                    % {"count": removed.agreements},
                    "kpis": ngettext(
                        "%(count)s synthetic KPI", "%(count)s synthetic KPIs", removed.kpis
                    )
                    % {"count": removed.kpis},
                }
            )
            self._recompute(options)
            return
        last = last_completed()
        every_quarter = len(quarter_range(FIRST_QUARTER, last))
        # Checked before anything is removed: a refused run leaves the data as it was.
        self._check(options, every_quarter)
        clear_scale_data()
        if Province.objects.count() < 97:
            call_command("load_provinces", verbosity=0, language=options["language"])
        first = FIRST_QUARTER
        if options["quarters"]:
            first = max(first, _quarter_at(last.index() - options["quarters"] + 1))
        seed = options["seed"]
        rng = random.Random(seed)
        quiet = options["verbosity"] == 0
        with transaction.atomic():
            # The catalogue's KPIs come first: its headline ones are what the dashboards open on.
            load_reference_data()
            kpis = _kpis(options["kpis"])
            phases = reference_phases()
            plans = _plan(options["agreements"], phases, rng)
            figures = _figures(kpis, phases, seed)
            agreements = _agreements(plans)
            _targets(plans, kpis, figures, rng)
            values = _reports(plans, kpis, figures, (first, last), rng, quiet, self.stderr)
        progress.refresh_statistics(Agreement, QuarterlyReport, KpiValue, KpiTarget)
        quarters = len(quarter_range(first, last))
        self.stdout.write(
            _("%(agreements)s, %(kpis)s, %(quarters)s: %(values)s.")
            % {
                "agreements": ngettext(
                    "%(count)s agreement", "%(count)s agreements", len(agreements)
                )
                % {"count": len(agreements)},
                "kpis": ngettext("%(count)s KPI", "%(count)s KPIs", len(kpis))
                % {"count": len(kpis)},
                "quarters": ngettext("%(count)s quarter", "%(count)s quarters", quarters)
                % {"count": quarters},
                "values": ngettext("%(count)s value", "%(count)s values", values)
                % {"count": values},
            }
        )
        self._recompute(options)

    def _check(self, options, every_quarter: int):
        bounds = (
            ("agreements", "--agreements", MOST_AGREEMENTS),
            ("kpis", "--kpis", MOST_KPIS),
            ("quarters", "--quarters", every_quarter),
        )
        for key, option, most in bounds:
            given = options[key]
            if given is not None and not 1 <= given <= most:
                raise CommandError(
                    _("%(option)s must be a whole number from 1 to %(most)s; %(given)s was given.")
                    % {"option": option, "most": most, "given": given}
                )
        if not settings.DEBUG and not options["yes"]:
            raise CommandError(
                _(
                    "DEBUG is off, as in production: this command would write synthetic "
                    "agreements, reports and KPIs into the database, and the dashboards would "
                    "show them. Run it with DEBUG=1, or add --yes if this database is for "
                    "benchmarks or trials."
                )
            )

    def _recompute(self, options):
        if not options["no_recompute"]:
            call_command(
                "recompute_progress",
                verbosity=options["verbosity"],
                language=options["language"],
            )


class Cleared(NamedTuple):
    agreements: int
    kpis: int


def clear_scale_data() -> Cleared:
    """Remove every row an earlier run wrote, and the history its removal writes."""
    agreements = Agreement.objects.filter(title__startswith=SCALE_MARK)
    with transaction.atomic():
        # A raw delete: the values, a hundred thousand and more, have nothing pointing at
        # them, and a delete row by row wrote a history row for each, only to remove it below.
        values = KpiValue.objects.filter(report__agreement__in=agreements)
        values._raw_delete(values.db)
        QuarterlyReport.objects.filter(agreement__in=agreements).delete()
        KpiTarget.objects.filter(agreement__in=agreements).delete()
        PendingRecompute.objects.filter(agreement__in=agreements).delete()
        count = agreements.count()
        organisations = list(
            Organisation.objects.filter(name__startswith=SCALE_MARK).values_list("pk", flat=True)
        )
        agreements.delete()
        Organisation.objects.filter(pk__in=organisations).delete()
        kpis = _own_unused_kpis()
        Kpi.objects.filter(pk__in=kpis).delete()
        # Each deletion above wrote a history row, as did the creation of the organisations
        # and KPIs: synthetic rows all, found through the titles the history keeps.
        scale = Agreement.history.filter(title__startswith=SCALE_MARK).values("id")
        reports = QuarterlyReport.history.filter(agreement_id__in=scale).values("id")
        KpiValue.history.filter(report_id__in=reports).delete()
        QuarterlyReport.history.filter(agreement_id__in=scale).delete()
        KpiTarget.history.filter(agreement_id__in=scale).delete()
        Agreement.history.filter(title__startswith=SCALE_MARK).delete()
        Organisation.history.filter(name__startswith=SCALE_MARK).delete()
        Kpi.history.filter(id__in=kpis).delete()
    return Cleared(count, len(kpis))


def _scale_kpi(number: int) -> dict[str, str]:
    """The code and names of the `number`th synthetic KPI: what `--clear` knows it by."""
    return {
        "code": f"{SCALE_KPI}{number:02d}",
        "name_vi": f"Chỉ tiêu quy mô {number:02d} (minh họa)",
        "name_en": f"Scale indicator {number:02d} (demo)",
    }


def _own_unused_kpis() -> list[int]:
    """The synthetic KPIs as this command made them, which no value, target or part uses.

    A KPI an administrator took over (renamed, or used for real figures) is kept.
    """
    unused = Kpi.objects.filter(
        code__startswith=SCALE_KPI,
        values__isnull=True,
        targets__isnull=True,
        parts__isnull=True,
    )
    own = []
    for kpi in unused.only("code", "name_vi", "name_en"):
        number = kpi.code.removeprefix(SCALE_KPI)
        names = {"code": kpi.code, "name_vi": kpi.name_vi, "name_en": kpi.name_en}
        if number.isdigit() and _scale_kpi(int(number)) == names:
            own.append(kpi.pk)
    return own


def _quarter_at(index: int) -> Quarter:
    return Quarter(index // 4, index % 4 + 1)


def _kpis(count: int) -> list[Kpi]:
    """The first `count` KPIs of the catalogue, completed with synthetic ones."""
    kpis = list(Kpi.objects.order_by("order", "code")[:count])
    order = max([kpi.order for kpi in kpis] + [0])
    number = 0
    while len(kpis) < count:
        number += 1
        marks = _scale_kpi(number)
        if number % PERCENTAGE_EVERY == 0:
            kind, space, unit = KpiKind.PERCENTAGE, SpaceAggregation.NONE, "%"
        elif number % RATIO_EVERY == 0:
            kind, space, unit = KpiKind.RATIO, SpaceAggregation.RATIO_OF_SUMS, "thôn"
        else:
            kind, space, unit = KpiKind.COUNT, SpaceAggregation.SUM, "đơn vị"
        kpi, _created = Kpi.objects.get_or_create(
            code=marks["code"],
            defaults={
                "name_vi": marks["name_vi"],
                "name_en": marks["name_en"],
                "unit_vi": unit,
                "unit_en": unit,
                "kind": kind,
                "time_aggregation": TimeAggregation.LATEST,
                "space_aggregation": space,
                "order": order + number,
            },
        )
        kpis.append(kpi)
    return kpis


# Which agreements: units, phases, periods, signing days and how they report -----------


@dataclass
class Plan:
    """One agreement to make, and how its unit reports on it."""

    province: Province
    phase: Phase
    round: int
    period: tuple[int, int] = (0, 0)
    signed_on: datetime.date | None = None
    predecessor: Plan | None = None
    # A unit that stops reporting sends nothing after this quarter.
    stops_after: Quarter | None = None
    # A current province that has reported only its first quarter or two.
    keeps: int | None = None
    agreement: Agreement | None = None

    @property
    def first_quarter(self) -> Quarter:
        return max(Quarter.containing(self.signed_on), Quarter(self.period[0], 1))


def _plan(count: int, phases: dict[str, Phase], rng: random.Random) -> list[Plan]:
    """`count` agreements, taken in turn from every unit so that any number gives a mix.

    A round gives each former unit one agreement in each of its phases and each current
    province one; the rounds after the first add narrower agreements signed later.
    """
    former = list(Province.objects.former().order_by("code", "key"))
    current = list(Province.objects.current().order_by("code", "key"))
    cycle = []
    for index in range(max(len(former), len(current))):
        if index < len(former):
            cycle += [(former[index], phases[FIRST]), (former[index], phases[SECOND])]
        if index < len(current):
            cycle.append((current[index], phases[CURRENT]))
    plans = [
        Plan(province, phase, number // len(cycle))
        for number, (province, phase) in zip(range(count), itertools.cycle(cycle))
    ]
    by_phase = {
        code: [plan for plan in plans if plan.phase == phase] for code, phase in phases.items()
    }
    _plan_first_phase(by_phase[FIRST], rng)
    earlier = {(plan.province.pk, plan.round): plan for plan in by_phase[FIRST]}
    for plan in by_phase[SECOND]:
        plan.predecessor = earlier.get((plan.province.pk, plan.round))
        _plan_second_phase(plan, rng)
    merger = Province.objects.former().aggregate(day=Max("valid_until"))["day"]
    for plan in by_phase[CURRENT]:
        _plan_current(plan, merger, rng)
    for plan in _some(rng, by_phase[SECOND], STOPPING):
        plan.stops_after = rng.choice(
            [quarter for quarter in STOPS if quarter >= plan.first_quarter]
        )
    for plan in _some(rng, by_phase[CURRENT], SHORT):
        plan.keeps = rng.choice((1, 2))
    return plans


def _some(rng: random.Random, plans: list[Plan], share: float) -> list[Plan]:
    """About `share` of `plans`, at least one when there are any."""
    if not plans:
        return []
    return rng.sample(plans, max(1, round(len(plans) * share)))


def _plan_first_phase(plans: list[Plan], rng: random.Random):
    first_round = [plan for plan in plans if not plan.round]
    overlapping = _some(rng, first_round, OVERLAPPING)
    rest = [plan for plan in first_round if plan not in overlapping]
    late = rng.sample(rest, round(len(rest) * LATE_START))
    for plan in plans:
        start, end = plan.phase.start_year, plan.phase.end_year
        if plan.round:
            start += rng.randint(1, 3)
        elif plan in overlapping:
            # Running into the next phase (Tuyên Quang's 2017–2022).
            start, end = start + 3, end + 2
        elif plan in late:
            # Quảng Bình's 2015–2020.
            start += 1
        plan.period = (start, end)
        plan.signed_on = _day_in(rng, datetime.date(start, 1, 1), datetime.date(start, 12, 20))


def _plan_second_phase(plan: Plan, rng: random.Random):
    start, end = plan.phase.start_year, plan.phase.end_year
    before = plan.predecessor
    if plan.round:
        start += rng.randint(1, 3)
    elif before and before.period[1] >= start:
        # After an agreement that ran into this phase.
        start = before.period[1] + 1
    elif rng.random() < LATE_START:
        # Signed in the last year of the first phase (Quảng Bình's 2020–2025).
        start -= 1
    plan.period = (start, end)
    plan.signed_on = _day_in(rng, datetime.date(start, 1, 1), datetime.date(start, 12, 20))


def _plan_current(plan: Plan, merger: datetime.date, rng: random.Random):
    """Signed from the day after the merger, by a province that exists from then on."""
    start, end = plan.phase.start_year, plan.phase.end_year
    opens = merger + datetime.timedelta(days=1)
    if plan.round:
        first, last = datetime.date(start, 1, 1), datetime.date(start, 6, 30)
    elif rng.random() < EARLY_START:
        # Running from the months after the merger (a 2025–2030 agreement).
        start -= 1
        first, last = opens + datetime.timedelta(days=31), datetime.date(start, 12, 20)
    else:
        first, last = opens, datetime.date(start, 3, 31)
    plan.period = (start, end)
    plan.signed_on = _day_in(rng, first, last)


def _day_in(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


# The figures each unit reports, quarter by quarter ------------------------------------


class Figure(NamedTuple):
    """One reading: a count or a percentage, or a ratio's share with its two parts."""

    value: int | Decimal
    numerator: int | None = None
    denominator: int | None = None


def _ratio(numerator: int, denominator: int) -> Figure:
    return Figure(percent_of(numerator, denominator), numerator, denominator)


def _figures(kpis: list[Kpi], phases: dict[str, Phase], seed: str) -> dict:
    """Each unit's figures by (province, KPI) and quarter, whatever agreements it signed.

    Former units run from the quarter before the first phase to the end of the second;
    a current province is the sum of its former units until they end with 2025, then
    grows on its own to the end of its phase. Seeded per unit, so a unit's figures do not
    depend on how many agreements are made.
    """
    parts = {
        kpi.pk: parent
        for kpi in kpis
        for parent in kpis
        if kpi.parent_id == parent.pk
        and kpi.kind == parent.kind == KpiKind.COUNT
        and kpi.time_aggregation == parent.time_aggregation
    }
    ordered = sorted(kpis, key=lambda kpi: _depth(kpi.pk, parts))
    former_quarters = quarter_range(
        Quarter(phases[FIRST].start_year, 1).previous(), Quarter(phases[SECOND].end_year, 4)
    )
    own_quarters = quarter_range(former_quarters[-1].next(), Quarter(phases[CURRENT].end_year, 4))
    figures = {}
    merged = {}
    for unit in Province.objects.former().order_by("code", "key"):
        rng = random.Random(f"{seed}:{unit.slug}")
        series = _walk(ordered, parts, _fresh(ordered, parts, rng), former_quarters, rng)
        merged.setdefault(unit.successor_id, []).append(series)
        figures.update({(unit.pk, pk): by_quarter for pk, by_quarter in series.items()})
    for unit in Province.objects.current().order_by("code", "key"):
        rng = random.Random(f"{seed}:{unit.slug}")
        if unit.pk in merged:
            series = {
                kpi.pk: {
                    quarter: _combined(kpi, [former[kpi.pk][quarter] for former in merged[unit.pk]])
                    for quarter in former_quarters
                }
                for kpi in ordered
            }
        else:
            series = _walk(ordered, parts, _fresh(ordered, parts, rng), former_quarters, rng)
        begin = {kpi.pk: series[kpi.pk][former_quarters[-1]] for kpi in ordered}
        grown = _walk(ordered, parts, begin, own_quarters, rng)
        for kpi in ordered:
            series[kpi.pk].update(grown[kpi.pk])
        figures.update({(unit.pk, pk): by_quarter for pk, by_quarter in series.items()})
    return figures


def _depth(pk: int, parts: dict[int, Kpi]) -> int:
    return 0 if pk not in parts else 1 + _depth(parts[pk].pk, parts)


def _fresh(kpis: list[Kpi], parts: dict[int, Kpi], rng: random.Random) -> dict[int, Figure]:
    """A unit's figures before its first agreement, at a size of its own."""
    size = rng.uniform(0.5, 3)
    # Ratios counting the same thing (villages) share the unit's number of them.
    wholes = {}
    begin = {}
    for kpi in kpis:
        parent = parts.get(kpi.pk)
        if parent:
            siblings = sum(1 for other in parts.values() if other.pk == parent.pk)
            per_mille = rng.randint(150, max(150, 950 // siblings))
            begin[kpi.pk] = Figure(begin[parent.pk].value * per_mille // 1000)
        elif kpi.kind == KpiKind.RATIO:
            whole = wholes.setdefault(kpi.unit_vi, int(rng.randint(150, 2500) * size))
            begin[kpi.pk] = _ratio(int(whole * rng.uniform(0.2, 0.6)), whole)
        elif kpi.kind == KpiKind.PERCENTAGE:
            begin[kpi.pk] = Figure(Decimal(str(round(rng.uniform(5, 45), 1))))
        elif kpi.is_stock:
            begin[kpi.pk] = Figure(int(rng.randint(100, 4000) * size))
        else:
            begin[kpi.pk] = Figure(int(rng.randint(20, 400) * size))
    return begin


def _walk(kpis, parts, begin: dict[int, Figure], quarters, rng) -> dict[int, dict]:
    """Figures for `quarters`, the first included, grown one quarter at a time from `begin`.

    A part keeps its share of its total from `begin`, so it never exceeds the total and
    grows with it.
    """
    series = {kpi.pk: {} for kpi in kpis}
    latest = dict(begin)
    for quarter in quarters:
        for kpi in kpis:
            parent = parts.get(kpi.pk)
            if parent:
                whole = begin[parent.pk].value
                share = begin[kpi.pk].value
                latest[kpi.pk] = Figure(latest[parent.pk].value * share // whole if whole else 0)
            else:
                latest[kpi.pk] = _grown(kpi, latest[kpi.pk], rng)
            series[kpi.pk][quarter] = latest[kpi.pk]
    return series


def _grown(kpi: Kpi, figure: Figure, rng: random.Random) -> Figure:
    """The next quarter: stocks never fall nor triple, so no entry warning would fire."""
    if kpi.kind == KpiKind.RATIO:
        gap = figure.denominator - figure.numerator
        return _ratio(
            figure.numerator + math.ceil(gap * rng.uniform(0.02, 0.08)), figure.denominator
        )
    if kpi.kind == KpiKind.PERCENTAGE:
        step = Decimal(str(round(rng.uniform(0.3, 2.5), 1)))
        return Figure(min(HUNDRED, figure.value + step))
    if kpi.is_stock:
        return Figure(figure.value + round(figure.value * rng.uniform(0.004, 0.03)))
    return Figure(round(figure.value * rng.uniform(0.9, 1.15)))


def _combined(kpi: Kpi, figures: list[Figure]) -> Figure:
    """Several former units' figures as one: sums, a ratio of sums, a mean percentage."""
    if kpi.kind == KpiKind.RATIO:
        return _ratio(sum(f.numerator for f in figures), sum(f.denominator for f in figures))
    if kpi.kind == KpiKind.PERCENTAGE:
        return Figure((sum(f.value for f in figures) / len(figures)).quantize(TENTH))
    return Figure(sum(f.value for f in figures))


# Writing the agreements, their targets and their reports ------------------------------


def _agreements(plans: list[Plan]) -> list[Agreement]:
    organisations = {}
    for province in Province.objects.order_by("code", "key"):
        organisations[province.pk] = Organisation.objects.create(
            name=f"{SCALE_MARK} UBND {province.full_name} #{province.pk}",
            short_name=f"UBND {province.name}",
            kind=OrganisationKind.PEOPLES_COMMITTEE,
            province=province,
        )
    # Agreements that follow another are written once the one they follow has its key.
    for following in (False, True):
        batch = []
        for number, plan in enumerate(plans, start=1):
            if (plan.predecessor is not None) != following:
                continue
            start, end = plan.period
            plan.agreement = Agreement(
                counterparty=organisations[plan.province.pk],
                title=f"{SCALE_MARK} Thỏa thuận {number} – {plan.province.name} {start}–{end}",
                kind=KINDS[plan.round % len(KINDS)],
                phase=plan.phase,
                period_start=start,
                period_end=end,
                signed_on=plan.signed_on,
                predecessor=plan.predecessor.agreement if plan.predecessor else None,
                is_demo=True,
            )
            # bulk_create skips save(), where the model refuses impossible dates.
            plan.agreement.clean()
            plan.agreement.search_text = plan.agreement.build_search_text()
            batch.append(plan.agreement)
        Agreement.objects.bulk_create(batch)
    return [plan.agreement for plan in plans]


def _targets(plans, kpis, figures, rng: random.Random):
    """A target per KPI, from the figure before the first report to the period's end.

    The target lies a little above or below where the unit is heading, so every status
    appears.
    """
    targets = []
    for plan in plans:
        baseline_quarter = plan.first_quarter.previous()
        end = Quarter(plan.period[1], 4)
        for kpi in kpis:
            series = figures[(plan.province.pk, kpi.pk)]
            goal = Decimal(str(round(rng.uniform(0.75, 1.3), 3)))
            if kpi.is_stock:
                baseline = series[baseline_quarter].value
                value = baseline + (series[end].value - baseline) * goal
            else:
                baseline = None
                reported = quarter_range(plan.first_quarter, end)
                value = sum(series[quarter].value for quarter in reported) * goal
            if kpi.kind == KpiKind.COUNT:
                value = Decimal(round(value))
            else:
                value = min(HUNDRED, value).quantize(TENTH)
            targets.append(
                KpiTarget(
                    agreement=plan.agreement,
                    kpi=kpi,
                    baseline_value=baseline,
                    baseline_on=baseline_quarter.end if baseline is not None else None,
                    target_value=value,
                    target_on=datetime.date(plan.period[1], 12, 31),
                    is_demo=True,
                    note="Chỉ tiêu quy mô tổng hợp (minh họa).",
                )
            )
    KpiTarget.objects.bulk_create(targets, batch_size=BATCH)


def _reports(plans, kpis, figures, window, rng, quiet, stream) -> int:
    """The reports each agreement owes, within its period and `window`, with their values."""
    first, last = window
    now = timezone.now()
    written = 0
    pending = []
    for plan in tqdm(plans, desc=_("Agreements"), disable=quiet, file=stream):
        agreement = plan.agreement
        # A value belongs to a quarter of its agreement's period, from the signing on, and
        # no quarter is reported before it is over.
        quarters = [
            quarter
            for quarter in quarter_range(
                max(first, plan.first_quarter), min(last, Quarter(plan.period[1], 4))
            )
            if plan.stops_after is None or quarter <= plan.stops_after
        ][: plan.keeps]
        reports = QuarterlyReport.objects.bulk_create(
            _report(agreement, quarter, quarter == last, now, rng) for quarter in quarters
        )
        for report in reports:
            for kpi in kpis:
                figure = figures[(plan.province.pk, kpi.pk)][report.period]
                pending.append(_value(report, kpi, figure))
        if len(pending) >= BATCH:
            KpiValue.objects.bulk_create(pending, batch_size=BATCH)
            written += len(pending)
            pending = []
    KpiValue.objects.bulk_create(pending, batch_size=BATCH)
    return written + len(pending)


def _report(agreement, quarter: Quarter, latest: bool, now, rng) -> QuarterlyReport:
    """Mostly approved by the deadline; some approved late, some of the latest not yet."""
    deadline = deadline_for(quarter)
    status = ReportStatus.APPROVED
    if latest and rng.random() < UNAPPROVED:
        status = ReportStatus.DRAFT if rng.random() < DRAFT else ReportStatus.SUBMITTED
    if rng.random() < LATE:
        submitted = deadline + datetime.timedelta(days=rng.randint(1, 45))
        reviewed = submitted + datetime.timedelta(days=rng.randint(1, 10))
    else:
        submitted = quarter.end + datetime.timedelta(
            days=rng.randint(3, (deadline - quarter.end).days - 2)
        )
        reviewed = submitted + datetime.timedelta(days=rng.randint(0, (deadline - submitted).days))
    submitted_at = min(now, _at(submitted, rng))
    reviewed_at = min(now, max(submitted_at, _at(reviewed, rng)))
    return QuarterlyReport(
        agreement=agreement,
        quarter=quarter.code,
        status=status,
        is_demo=True,
        submitted_at=None if status == ReportStatus.DRAFT else submitted_at,
        reviewed_at=reviewed_at if status == ReportStatus.APPROVED else None,
        narrative=NARRATIVE,
    )


def _at(day: datetime.date, rng: random.Random) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(rng.randint(8, 17))))


def _value(report, kpi, figure: Figure) -> KpiValue:
    if kpi.kind == KpiKind.RATIO:
        return KpiValue(
            report=report,
            kpi=kpi,
            numerator=Decimal(figure.numerator),
            denominator=Decimal(figure.denominator),
            value=figure.value,
        )
    return KpiValue(report=report, kpi=kpi, value=Decimal(figure.value))
