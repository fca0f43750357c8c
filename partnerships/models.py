import datetime
import re
import textwrap
from decimal import ROUND_HALF_UP, Decimal
from operator import attrgetter

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.collation import CollatedModel
from core.dates import (
    DatePrecision,
    format_partial_date,
    partial_date_bounds,
    validate_partial_date,
)
from core.formatting import date_label, first_few, number
from core.links import walk
from core.parsing import FIRST_YEAR, LAST_YEAR, thousands_hint
from core.quarters import Quarter, runs_label
from core.search import SearchableModel, fold, fold_code
from provinces.access import ScopedQuerySet
from provinces.lineage import with_predecessors
from provinces.models import Province


class BilingualName(models.Model):
    """A catalogue entry named in Vietnamese and English, and known by its `code`."""

    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    # Each name as a search reads it (`fold`), kept by save() so that the database itself
    # refuses a twin that two saves at once would each have found absent in clean().
    folded_name_vi = models.TextField(_("folded name (Vietnamese)"), null=True, editable=False)
    folded_name_en = models.TextField(_("folded name (English)"), null=True, editable=False)

    # The refusal of a name another entry already bears, naming that entry's %(code)s and
    # the %(existing)s name.
    name_twin_message = ""

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "vi").startswith("en") else self.name_vi

    def __str__(self):
        return self.name

    def name_twin_errors(self) -> dict[str, str]:
        """The names that read as another entry's name, in either language, by field.

        Selectors list the entries by name and the import finds one by its name in either
        language, folded (`fold`): "TỔNG SỐ TRẠM BTS" beside "Tổng số trạm BTS" would be one
        entry shown twice, and an import row naming it would land on either.
        """
        others = others_than(self)
        errors = {}
        for field in ("name_vi", "name_en"):
            folded = _folded_name(getattr(self, field))
            if folded is None:
                continue
            twin = others.filter(Q(folded_name_vi=folded) | Q(folded_name_en=folded)).first()
            if twin is not None:
                existing = twin.name_vi if twin.folded_name_vi == folded else twin.name_en
                errors[field] = self.name_twin_message % {"code": twin.code, "existing": existing}
        return errors

    def save(self, *args, **kwargs):
        self.folded_name_vi = _folded_name(self.name_vi)
        self.folded_name_en = _folded_name(self.name_en)
        _also_update(kwargs, "folded_name_vi", "folded_name_en")
        super().save(*args, **kwargs)


class Source(models.Model):
    """A published article or document that facts in the portal come from."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=300)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    url = models.URLField(_("address"), blank=True)
    excerpt = models.TextField(_("excerpt"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ("code",)

    def __str__(self):
        return f"[{self.code}] {self.title}"


_YEARS_IN_NAME = re.compile(r"(?<!\d)\d{4}(?!\d)")


class Phase(models.Model):
    """A national phase of cooperation, such as 2014–2020 or 2021–2025."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ("start_year",)

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        for field in ("start_year", "end_year"):
            year = getattr(self, field)
            if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
                errors[field] = _("Enter a year between %(first)s and %(last)s.") % {
                    "first": FIRST_YEAR,
                    "last": LAST_YEAR,
                }
        if not errors and self.start_year and self.end_year:
            if self.end_year < self.start_year:
                errors["end_year"] = _("A phase cannot end before it starts.")
            elif (named := _YEARS_IN_NAME.findall(self.name or "")) and named != [
                str(self.start_year),
                str(self.end_year),
            ]:
                # Pages show the name; years it states must be the ones the figures use.
                errors["name"] = _(
                    "The name shows the years %(named)s but the phase runs %(start)s–%(end)s: "
                    "make the two agree."
                ) % {"named": "–".join(named), "start": self.start_year, "end": self.end_year}
            elif refusals := self._years_refusals():
                errors[NON_FIELD_ERRORS] = refusals
        if errors:
            raise ValidationError(errors)

    def _years_refusals(self) -> list[str]:
        """Why new years, or a new phase's, are refused: they overlap another phase, or leave
        agreements or targets of the phase outside them. Unchanged years are not checked again:
        an edit of the name alone reads nothing more."""
        stored = None
        if self.pk is not None:
            stored = Phase.objects.filter(pk=self.pk).values_list("start_year", "end_year").first()
        if stored == (self.start_year, self.end_year):
            return []
        refusals = [self._overlap()]
        if stored is not None:
            refusals += [self._misfits(), self._targets_left_out(stored)]
        return [refusal for refusal in refusals if refusal]

    def _overlap(self) -> str:
        """The other phases its years share a year with, named.

        A quarter belongs to the one phase whose years hold it: phases that overlap would
        both count it, and both be offered wherever a phase is chosen.
        """
        overlapping = Phase.objects.filter(
            start_year__lte=self.end_year, end_year__gte=self.start_year
        )
        others = list(others_than(self, overlapping))
        if not others:
            return ""
        return ngettext(
            "The years %(start)s–%(end)s share years with the phase %(phases)s: a quarter "
            "belongs to one phase only. Choose years the other phase does not have.",
            "The years %(start)s–%(end)s share years with the phases %(phases)s: a quarter "
            "belongs to one phase only. Choose years the other phases do not have.",
            len(others),
        ) % {
            "start": self.start_year,
            "end": self.end_year,
            "phases": ", ".join(phase.dated_name for phase in others),
        }

    @property
    def dated_name(self) -> str:
        """The name with the phase's years, unless it states them already."""
        if _YEARS_IN_NAME.search(self.name):
            return self.name
        return f"{self.name} ({self.start_year}–{self.end_year})"

    def _targets_left_out(self, stored: tuple[int, int]) -> str:
        """How many targets of the phase's agreements its new years would leave out.

        A target judges the figures of the phase whose years hold its date
        (`target_dated_in`): one the stored years hold and the new ones do not would
        quietly stop judging this phase's province and national figures.
        """
        years = (
            KpiTarget.objects.filter(agreement__phase=self)
            .filter(target_dated_in(stored))
            .exclude(target_dated_in((self.start_year, self.end_year)))
            .values_list("target_on__year", flat=True)
        )
        years = list(years)
        if not years:
            return ""
        return ngettext(
            "%(count)s KPI target of this phase's agreements is dated in %(years)s, outside the "
            "years %(start)s–%(end)s: it would no longer judge the province and national "
            "figures of this phase. Change its date first.",
            "%(count)s KPI targets of this phase's agreements are dated in %(years)s, outside "
            "the years %(start)s–%(end)s: they would no longer judge the province and national "
            "figures of this phase. Change their dates first.",
            len(years),
        ) % {
            "count": len(years),
            "years": ", ".join(str(year) for year in sorted(set(years))),
            "start": self.start_year,
            "end": self.end_year,
        }

    def _misfits(self) -> str:
        """Which of the phase's agreements its new years would leave impossible to save.

        Their own rules judge them (`Agreement._period_error`, `Agreement._signing_error`).
        """
        misfits = [
            agreement
            for agreement in self.agreements.order_by("period_start", "pk")
            if agreement._period_error(self) or agreement._signing_error(self)
        ]
        if not misfits:
            return ""
        return ngettext(
            "%(count)s agreement of this phase would no longer fit the years %(start)s–%(end)s "
            "(its period must share a year with the phase, and it must be signed from the year "
            "before the phase to its last year): %(agreements)s. Move it to another phase or "
            "change its period first.",
            "%(count)s agreements of this phase would no longer fit the years %(start)s–%(end)s "
            "(their periods must share a year with the phase, and they must be signed from the "
            "year before the phase to its last year): %(agreements)s. Move them to another phase "
            "or change their periods first.",
            len(misfits),
        ) % {
            "count": len(misfits),
            "start": self.start_year,
            "end": self.end_year,
            "agreements": named_agreements(misfits),
        }


def others_than(instance, rows=None):
    """`rows` (every row of the instance's model by default) but the instance itself, which a
    rule about the other rows must not count: an unsaved one is none of them yet."""
    rows = type(instance)._default_manager.all() if rows is None else rows
    return rows if instance.pk is None else rows.exclude(pk=instance.pk)


def named_agreements(agreements) -> str:
    """Agreements as a refusal names them: title, period and signing, the first few only."""
    return first_few(agreement.described for agreement in agreements)


class OrganisationKind(models.TextChoices):
    PEOPLES_COMMITTEE = "ppc", _("Provincial People's Committee")
    CENTRAL_AGENCY = "central_agency", _("Central agency")
    VNPT = "vnpt", _("VNPT")
    OTHER = "other", _("Other")


class OrganisationQuerySet(ScopedQuerySet):
    province_path = "province"


class Organisation(CollatedModel, SearchableModel):
    """A party to agreements: a Provincial People's Committee, a central agency or VNPT."""

    search_fields = ("name", "short_name")

    # Unique per province, not alone: the committee of a province that kept its name
    # after the 2025 merger bears the same name as the former unit's.
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    province = models.ForeignKey(
        Province,
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
        help_text=_("For a People's Committee: the province as it was when it signed."),
    )
    # The name as a search reads it (`fold`), kept by save() so that the database itself
    # refuses a twin that two saves at once would each have found absent in clean().
    # Empty (a name of no letters or digits) is stored as NULL, which no constraint holds.
    folded_name = models.TextField(_("folded name"), null=True, editable=False)
    # The sort key and folded name derive from the name; their history would only repeat it.
    history = HistoricalRecords(excluded_fields=["sort_key", "folded_name"])

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")
        ordering = ("sort_key", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("name", "province"),
                name="organisation_unique_name_per_province",
                violation_error_message=_(
                    "A partner organisation of this name already exists in this province."
                ),
            ),
            # NULLs differ in a unique index: the organisations of no province need their own.
            models.UniqueConstraint(
                fields=("name",),
                condition=Q(province__isnull=True),
                name="organisation_unique_name_without_province",
                violation_error_message=_(
                    "A partner organisation of this name and no province already exists."
                ),
            ),
            models.UniqueConstraint(
                fields=("province", "folded_name"),
                name="organisation_unique_folded_name_per_province",
            ),
            models.UniqueConstraint(
                fields=("folded_name",),
                condition=Q(province__isnull=True),
                name="organisation_unique_folded_name_without_province",
            ),
            # VNPT is the one other side of every agreement; its units are of another kind.
            models.UniqueConstraint(
                fields=("kind",),
                condition=Q(kind=OrganisationKind.VNPT),
                name="organisation_one_vnpt",
            ),
        ]

    def __str__(self):
        # Reads the province: list and choose organisations with select_related("province").
        return self.province.dated(self.name) if self.province_id else self.name

    def clean(self):
        if self.kind == OrganisationKind.PEOPLES_COMMITTEE and not self.province_id:
            raise ValidationError({"province": _("A People's Committee belongs to a province.")})
        if twin := self._folded_twin():
            message = (
                _(
                    "This province already has the partner organisation “%(existing)s”: the "
                    "names differ only in capitals, accents or spaces."
                )
                if self.province_id
                else _(
                    "A partner organisation of no province, “%(existing)s”, already exists: the "
                    "names differ only in capitals, accents or spaces."
                )
            )
            raise ValidationError({"name": message % {"existing": twin.name}})
        if vnpt := self._other_vnpt():
            raise ValidationError(
                {
                    "kind": _(
                        "VNPT is already in the portal as “%(existing)s”, and there is one VNPT: "
                        "edit that organisation, or give this one another kind."
                    )
                    % {"existing": vnpt.name}
                }
            )
        if refusal := self._agreements_refusal():
            raise ValidationError(refusal)

    def _agreements_refusal(self) -> dict[str, str]:
        """Why a new kind or province would leave its agreements impossible to save.

        Each agreement's own rule judges it (`Agreement._counterparty_error`): VNPT is never
        the counterparty, and a committee's province existed when it signed.
        """
        if self.pk is None:
            return {}
        stored = Organisation.objects.filter(pk=self.pk).values_list("kind", "province_id").first()
        if stored in (None, (self.kind, self.province_id)):
            return {}
        misfits = [
            agreement
            for agreement in self.agreements.order_by("period_start", "pk")
            if agreement._counterparty_error(self)
        ]
        if not misfits:
            return {}
        named = {"count": len(misfits), "agreements": named_agreements(misfits)}
        if self.kind == OrganisationKind.VNPT:
            return {
                "kind": ngettext(
                    "This organisation is the counterparty of %(count)s agreement: "
                    "%(agreements)s. VNPT is the other side of every agreement, so a "
                    "counterparty cannot be of the kind VNPT.",
                    "This organisation is the counterparty of %(count)s agreements: "
                    "%(agreements)s. VNPT is the other side of every agreement, so a "
                    "counterparty cannot be of the kind VNPT.",
                    len(misfits),
                )
                % named
            }
        return {
            "province": ngettext(
                "%(province)s did not exist when %(count)s agreement of this organisation was "
                "signed: %(agreements)s. A unit signs only while it exists: choose the province "
                "as it was at the signing.",
                "%(province)s did not exist when %(count)s agreements of this organisation were "
                "signed: %(agreements)s. A unit signs only while it exists: choose the province "
                "as it was at the signing.",
                len(misfits),
            )
            % {**named, "province": self.province.name}
        }

    def _folded_twin(self):
        """Another organisation of the province whose name reads the same to a search.

        Searches fold case, accents and spaces (`fold`), so "ỦY BAN…" beside "Ủy ban…"
        would be one organisation found twice. An identical name is the constraint's.
        """
        folded = _folded_name(self.name)
        if folded is None:
            return None
        others = Organisation.objects.filter(province_id=self.province_id, folded_name=folded)
        others = others_than(self, others.exclude(name=self.name))
        return others.only("name").first()

    def _other_vnpt(self):
        """The organisation of the kind VNPT, when this one would be a second."""
        if self.kind != OrganisationKind.VNPT:
            return None
        others = others_than(self, Organisation.objects.filter(kind=OrganisationKind.VNPT))
        return others.only("name").first()

    def save(self, *args, **kwargs):
        self.folded_name = _folded_name(self.name)
        _also_update(kwargs, "folded_name")
        super().save(*args, **kwargs)


def _folded_name(name: str) -> str | None:
    """What a folded name column stores for `name`; the data migrations store the same.

    A name of no letters or digits is stored as NULL, which no unique constraint holds.
    """
    return fold(name) or None


def _also_update(save_kwargs: dict, *fields: str):
    """A save of some fields also writes `fields`, which save() derives from them."""
    if save_kwargs.get("update_fields") is not None:
        save_kwargs["update_fields"] = {*save_kwargs["update_fields"], *fields}


class Person(SearchableModel):
    """A named leader. Titles change over time, so they are kept per part in an agreement."""

    search_fields = ("full_name",)

    full_name = models.CharField(_("full name"), max_length=150)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    notes = models.TextField(_("notes"), blank=True)
    # The name as a search reads it (`fold`), kept by save(), as an organisation's is.
    folded_name = models.TextField(_("folded name"), null=True, editable=False)
    # The search text and folded name derive from the name; their history would only repeat it.
    history = HistoricalRecords(excluded_fields=["search_text", "folded_name"])

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ("full_name",)
        # Namesakes in different organisations are different people, told apart by their
        # organisation. People of no organisation are refused a twin by clean() alone: an
        # organisation's deletion leaves its people without one, and a database rule would
        # make that deletion fail on a namesake.
        constraints = [
            models.UniqueConstraint(
                fields=("organisation", "folded_name"),
                name="person_unique_folded_name_per_organisation",
            ),
        ]

    def __str__(self):
        return self.full_name

    def clean(self):
        if twin := self._folded_twin():
            message = (
                _(
                    "%(organisation)s already has a person named “%(existing)s”: the names "
                    "differ only in capitals, accents or spaces."
                )
                if self.organisation_id
                else _(
                    "A person of no organisation, “%(existing)s”, already exists: the names "
                    "differ only in capitals, accents or spaces. If they are two people, give "
                    "this one an organisation."
                )
            )
            raise ValidationError(
                {
                    "full_name": message
                    % {"existing": twin.full_name, "organisation": self.organisation}
                }
            )

    def _folded_twin(self):
        """Another person of the same organisation (or of none) whose name reads the same.

        Participants are chosen by name: "TRỊNH XUÂN TRƯỜNG" beside "Trịnh Xuân Trường" of
        the same committee would be one person listed twice, with their parts split
        between the two.
        """
        folded = _folded_name(self.full_name)
        if folded is None:
            return None
        others = others_than(
            self, Person.objects.filter(organisation_id=self.organisation_id, folded_name=folded)
        )
        return others.only("full_name").first()

    def save(self, *args, **kwargs):
        self.folded_name = _folded_name(self.full_name)
        _also_update(kwargs, "folded_name")
        super().save(*args, **kwargs)


class CommitmentArea(BilingualName):
    """A field of cooperation: infrastructure, e-government, security, training…"""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # The folded names derive from the names; their history would only repeat them.
    history = HistoricalRecords(excluded_fields=["folded_name_vi", "folded_name_en"])

    name_twin_message = _(
        "The commitment area %(code)s is already named “%(existing)s”: the names differ only "
        "in capitals, accents or spaces."
    )

    class Meta:
        verbose_name = _("commitment area")
        verbose_name_plural = _("commitment areas")
        ordering = ("order", "code")
        constraints = [
            models.UniqueConstraint(
                fields=("folded_name_vi",), name="commitmentarea_unique_folded_name_vi"
            ),
            models.UniqueConstraint(
                fields=("folded_name_en",), name="commitmentarea_unique_folded_name_en"
            ),
        ]

    def clean(self):
        if errors := self.name_twin_errors():
            raise ValidationError(errors)


class AgreementKind(models.TextChoices):
    MOU = "mou", _("Memorandum of understanding")
    STRATEGIC = "strategic", _("Strategic cooperation agreement")
    PROGRAMME = "programme", _("Cooperation programme")
    AGREEMENT = "agreement", _("Cooperation agreement")


class AgreementState(models.TextChoices):
    """Where an agreement stands on a given day; derived, never stored (see `Agreement.state_on`)."""

    NOT_YET_IN_FORCE = "not_yet_in_force", _("Not yet in force")
    IN_FORCE = "in_force", _("In force")
    ENDED = "ended", _("Ended")
    SUPERSEDED = "superseded", _("Superseded by a later agreement")
    TERMINATED = "terminated", _("Terminated early")


class SigningMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("By video link")
    UNKNOWN = "unknown", _("Not reported")


class AgreementQuerySet(ScopedQuerySet):
    province_path = "counterparty__province"

    def for_province(self, province: Province):
        """A current province's agreements include those of the units merged into it."""
        return self.filter(counterparty__province_id__in=with_predecessors([province.pk]))

    def with_related(self):
        return self.select_related("counterparty__province__successor", "phase", "predecessor")

    # The state rule in SQL; `Agreement.state_on` is the same rule in Python, and
    # tests/test_agreement_state.py holds the two together on every boundary.

    def signed_by(self, today: datetime.date | None = None):
        """Agreements signed on or before `today`: their reports can fall due."""
        return self.filter(_signed_by(today or timezone.localdate()))

    def with_state(self, today: datetime.date | None = None):
        """Annotate `state`, an `AgreementState` value, as it stands on `today`."""
        today = today or timezone.localdate()
        signed_successor = Agreement.objects.filter(predecessor=OuterRef("pk")).filter(
            _signed_by(today)
        )
        return self.annotate(
            state=Case(
                When(terminated_on__lte=today, then=Value(AgreementState.TERMINATED)),
                When(Exists(signed_successor), then=Value(AgreementState.SUPERSEDED)),
                When(
                    Q(signed_on__gt=today) | Q(signed_on__isnull=True, period_start__gt=today.year),
                    then=Value(AgreementState.NOT_YET_IN_FORCE),
                ),
                When(period_end__lt=today.year, then=Value(AgreementState.ENDED)),
                default=Value(AgreementState.IN_FORCE),
                output_field=models.CharField(),
            )
        )

    def in_state(self, state: str, today: datetime.date | None = None):
        return self.with_state(today).filter(state=state)

    def in_force(self, today: datetime.date | None = None):
        return self.in_state(AgreementState.IN_FORCE, today)


def _same_unit(previous: Organisation, counterparty: Organisation) -> bool:
    """Whether an agreement with `counterparty` can follow one with `previous`.

    The same organisation, or a committee of the same province or of a former unit
    merged into it: a current province's agreements continue its former units'.
    """
    if previous.pk == counterparty.pk:
        return True
    if previous.province_id is None or counterparty.province_id is None:
        return False
    if previous.province_id == counterparty.province_id:
        return True
    return previous.province_id in with_predecessors([counterparty.province_id])


def _signed_by(today: datetime.date) -> Q:
    """Signed on or before `today`; without a known signing date, once its period has begun."""
    return Q(signed_on__lte=today) | Q(signed_on__isnull=True, period_start__lte=today.year)


class Agreement(SearchableModel):
    """An agreement between VNPT and a province or central agency."""

    counterparty = models.ForeignKey(
        Organisation,
        verbose_name=_("counterparty"),
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=AgreementKind.choices)
    phase = models.ForeignKey(
        Phase, verbose_name=_("phase"), on_delete=models.PROTECT, related_name="agreements"
    )
    period_start = models.PositiveSmallIntegerField(_("period from (year)"))
    period_end = models.PositiveSmallIntegerField(_("period to (year)"))
    signed_on = models.DateField(_("signing date"), null=True, blank=True)
    signed_precision = models.CharField(
        _("precision of the signing date"),
        max_length=8,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )
    place = models.CharField(_("place of signing"), max_length=200, blank=True)
    signing_mode = models.CharField(
        _("signing mode"),
        max_length=12,
        choices=SigningMode.choices,
        default=SigningMode.UNKNOWN,
    )
    predecessor = models.ForeignKey(
        "self",
        verbose_name=_("previous agreement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="successors",
    )
    # Whether an agreement is in force follows from its dates; only an early end is recorded.
    terminated_on = models.DateField(
        _("terminated early on"),
        null=True,
        blank=True,
        help_text=_("Only when the parties ended the agreement before its period ran out."),
    )
    termination_note = models.CharField(
        _("termination note"),
        max_length=300,
        blank=True,
        help_text=_("The decision or document that ended it."),
    )
    sources = models.ManyToManyField(
        Source, verbose_name=_("sources"), blank=True, related_name="agreements"
    )
    notes = models.TextField(
        _("notes"), blank=True, help_text=_("What the sources leave uncertain, and why.")
    )
    # What the sources state and what is inferred, next to the fact it concerns.
    kind_note = models.CharField(
        _("note on the kind"),
        max_length=500,
        blank=True,
        help_text=_("When the kind or phase is inferred rather than stated."),
    )
    period_note = models.CharField(
        _("note on the period"),
        max_length=500,
        blank=True,
        help_text=_("When the period is uncertain or fits no national phase."),
    )
    signing_note = models.CharField(
        _("note on the signing"),
        max_length=500,
        blank=True,
        help_text=_("What of the date, place and mode of signing is inferred rather than stated."),
    )
    is_demo = models.BooleanField(
        _("demo data"), default=False, help_text=_("A synthetic agreement made for demonstration.")
    )
    history = HistoricalRecords(m2m_fields=[sources])

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ("-period_start", "counterparty__sort_key")

    def __str__(self):
        return self.title

    def build_search_text(self):
        province = self.counterparty.province if self.counterparty_id else None
        parts = [self.title, self.counterparty.name if self.counterparty_id else ""]
        if province:
            parts.append(province.name)
        return fold(" ".join(parts))

    def get_absolute_url(self):
        return reverse("partnerships:agreement-detail", args=[self.pk])

    @property
    def period_label(self) -> str:
        return f"{self.period_start}–{self.period_end}"

    @property
    def signed_label(self) -> str:
        return format_partial_date(self.signed_on, self.signed_precision)

    @property
    def described(self) -> str:
        """The agreement as a refusal names it: title, period and signing."""
        return f"{self} ({self.period_label}, {self.signed_label})"

    @property
    def has_named_signer(self) -> bool:
        """Whether the sources name anyone who signed (reads prefetched participants)."""
        return any(p.role == ParticipantRole.SIGNED for p in self.participants.all())

    def covers(self, quarter: Quarter) -> bool:
        """Whether `quarter` lies inside the agreement's period.

        The one rule for a report's quarter (`milestones.checks.period_refusal`), a
        target's date and a period that would leave either outside it.
        """
        return self.period_start <= quarter.year <= self.period_end

    def is_signed_by(self, today: datetime.date) -> bool:
        if self.signed_on:
            return self.signed_on <= today
        return self.period_start <= today.year

    def state_on(self, today: datetime.date | None = None) -> AgreementState:
        """The state on `today`; `AgreementQuerySet.with_state` is the same rule in SQL."""
        today = today or timezone.localdate()
        if self.terminated_on and self.terminated_on <= today:
            return AgreementState.TERMINATED
        if any(successor.is_signed_by(today) for successor in self.successors.all()):
            return AgreementState.SUPERSEDED
        if not self.is_signed_by(today):
            return AgreementState.NOT_YET_IN_FORCE
        if today.year > self.period_end:
            return AgreementState.ENDED
        return AgreementState.IN_FORCE

    @property
    def current_state(self) -> AgreementState:
        """Today's state, read from the `state` annotation when the row was loaded `with_state()`."""
        if hasattr(self, "state"):
            return AgreementState(self.state)
        return self.state_on()

    def clean(self):
        errors = {}
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = _(
                "The period cannot end (%(end)s) before it starts (%(start)s)."
            ) % {
                "end": self.period_end,
                "start": self.period_start,
            }
        try:
            validate_partial_date(self.signed_on, self.signed_precision, "signed_on")
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if signing := self._signing_error():
            errors["signed_on"] = signing
        if self.terminated_on and self.period_start and self.period_end:
            # Past its period an agreement has ended of itself: there is nothing left to terminate.
            earliest = self.signed_on or datetime.date(self.period_start, 1, 1)
            if not earliest <= self.terminated_on <= datetime.date(self.period_end, 12, 31):
                errors["terminated_on"] = _(
                    "An agreement can only be terminated between its signing and the end of its "
                    "period."
                )
        for field, message in (
            ("period_start", self._period_error()),
            ("counterparty", self._counterparty_error()),
            ("predecessor", self._predecessor_error()),
        ):
            if message and field not in errors:
                errors[field] = message
        for field, messages in self._left_outside().items():
            if field not in errors:
                errors[field] = messages
        if errors:
            raise ValidationError(errors)

    def _left_outside(self) -> dict[str, list[str]]:
        """The reports and targets a new period would leave outside it, by the end they pass.

        Values outside the period never count (`progress.rules.clip`) and a target outside
        it judges no province or national figure, so such a period would quietly change the
        dashboards while the reports still show as approved. Only a new period is checked: a
        report stored outside the period by an old import is `check_values`' to list, and
        must not block every other edit of the agreement.
        """
        if self.pk is None or self.period_start is None or self.period_end is None:
            return {}
        if self.period_end < self.period_start or self._period_error():
            return {}
        stored = (
            Agreement.objects.filter(pk=self.pk).values_list("period_start", "period_end").first()
        )
        if stored in (None, (self.period_start, self.period_end)):
            return {}
        reports, targets = {}, {}
        for code in self.reports.values_list("quarter", flat=True):
            quarter = Quarter.from_code(code)
            if not self.covers(quarter):
                reports.setdefault(self._end_passed(quarter.year), set()).add(quarter)
        for day in self.targets.values_list("target_on", flat=True):
            if not self.covers(Quarter.containing(day)):
                targets.setdefault(self._end_passed(day.year), []).append(day)
        errors = {}
        for field, quarters in reports.items():
            errors.setdefault(field, []).append(
                _(
                    "The agreement has reports for %(quarters)s, outside the period %(period)s: "
                    "their figures would no longer count. Keep those quarters in the period, or "
                    "delete the reports first."
                )
                % {"quarters": runs_label(quarters), "period": self.period_label}
            )
        for field, days in targets.items():
            errors.setdefault(field, []).append(
                ngettext(
                    "%(count)s KPI target of the agreement is dated %(dates)s, outside the period "
                    "%(period)s: change its date first.",
                    "%(count)s KPI targets of the agreement are dated %(dates)s, outside the "
                    "period %(period)s: change their dates first.",
                    len(days),
                )
                % {
                    "count": len(days),
                    "dates": ", ".join(date_label(day) for day in sorted(set(days))),
                    "period": self.period_label,
                }
            )
        return errors

    def _end_passed(self, year: int) -> str:
        """The field of the period's end that a year outside the period lies beyond."""
        return "period_start" if year < self.period_start else "period_end"

    def _signing_error(self, phase=None):
        """Why the signing date does not fit `phase` (the agreement's own by default)."""
        phase = phase or (self.phase if self.phase_id else None)
        # A phase's agreements may be signed in the year before it opens
        # (Quảng Bình signed its 2021–2025 agreement in September 2020).
        if (
            self.signed_on
            and phase
            and not (phase.start_year - 1 <= self.signed_on.year <= phase.end_year)
        ):
            return _("The signing date %(date)s lies outside the phase %(phase)s.") % {
                "date": self.signed_label,
                "phase": phase.name,
            }
        return None

    def _period_error(self, phase=None):
        """Why the period is refused, alone or with `phase` (the agreement's own by default)."""
        if self.period_start is None or self.period_end is None:
            return None
        if self.period_start < FIRST_YEAR or self.period_end > LAST_YEAR:
            return _("The period must lie between %(first)s and %(last)s.") % {
                "first": FIRST_YEAR,
                "last": LAST_YEAR,
            }
        if self.period_end < self.period_start:
            # Backwards, it shares a year with nothing: `clean` says why on its end year.
            return None
        phase = phase or (self.phase if self.phase_id else None)
        # A period may run past its phase (Tuyên Quang's 2017–2022 in 2014–2020) or open
        # the year before it (Quảng Bình's 2020–2025), but it shares years with it.
        if phase and (self.period_end < phase.start_year or self.period_start > phase.end_year):
            return _(
                "The period %(period)s shares no year with the phase %(phase)s: choose the "
                "phase it belongs to."
            ) % {"period": self.period_label, "phase": phase.name}
        return None

    def _counterparty_error(self, counterparty=None):
        """Why `counterparty` (the agreement's own by default) cannot have signed it."""
        counterparty = counterparty or (self.counterparty if self.counterparty_id else None)
        if counterparty is None:
            return None
        if counterparty.kind == OrganisationKind.VNPT:
            return _("VNPT is the other side of every agreement; it cannot be the counterparty.")
        province = counterparty.province
        missed = self.signing_outside(province) if province else None
        if missed == "valid_until":
            return _(
                "%(province)s existed only until %(until)s and signed nothing after that: "
                "choose the committee of the province it became part of."
            ) % {"province": province.name, "until": date_label(province.valid_until)}
        if missed == "valid_from":
            return _(
                "%(province)s exists only from %(from)s, after the signing: choose the committee "
                "of the former unit that signed."
            ) % {"province": province.name, "from": date_label(province.valid_from)}
        return None

    def signing_outside(self, province: Province) -> str | None:
        """Which of `province`'s dates the signing falls outside, as its field's name.

        "valid_until" when the unit had ended before the signing, "valid_from" when it
        did not exist yet, None when it existed then. A unit signs only while it exists:
        before the 2025 merger the former units, from it on the current provinces. Without
        a signing date, its period tells; a date known to the year or month fits if any day
        of it does. The one rule for an agreement's counterparty, an organisation's province
        and a province's own dates.
        """
        if self.signed_on:
            first, last = partial_date_bounds(self.signed_on, self.signed_precision)
            too_late = province.valid_until and first and first > province.valid_until
            too_early = province.valid_from and last < province.valid_from
        elif self.period_start is not None and self.period_end is not None:
            too_late = province.valid_until and self.period_start > province.valid_until.year
            too_early = province.valid_from and self.period_end < province.valid_from.year
        else:
            return None
        if too_late:
            return "valid_until"
        if too_early:
            return "valid_from"
        return None

    def _predecessor_error(self):
        if not self.predecessor_id:
            return None
        if self.predecessor_id == self.pk:
            return _("An agreement cannot follow itself.")
        previous = self.predecessor
        if self.pk and self.pk in (link.pk for link in walk(previous, attrgetter("predecessor"))):
            return _(
                "%(previous)s already follows this agreement, directly or through others: "
                "an agreement cannot follow one that follows it."
            ) % {"previous": previous}
        if self.counterparty_id and not _same_unit(previous.counterparty, self.counterparty):
            return _(
                "The previous agreement was signed with %(previous)s: an agreement can only "
                "follow one of the same province (or of a former unit merged into it) or "
                "agency."
            ) % {"previous": previous.counterparty}
        if self.period_start and previous.period_start > self.period_start:
            return _(
                "The previous agreement (%(previous)s) starts after this one (%(period)s)."
            ) % {"previous": previous.period_label, "period": self.period_label}
        if self.signed_on and previous.signed_on and previous.signed_on > self.signed_on:
            return _(
                "The previous agreement was signed on %(previous)s, after this one (%(date)s)."
            ) % {"previous": previous.signed_label, "date": self.signed_label}
        return None

    def save(self, *args, **kwargs):
        # Bad periods and dates are refused on every save, not only through forms.
        self.clean()
        super().save(*args, **kwargs)


class ParticipantSide(models.TextChoices):
    COUNTERPARTY = "counterparty", _("Province or agency")
    VNPT = "vnpt", _("VNPT")


class ParticipantRole(models.TextChoices):
    """What the article says a person did; one who spoke was there, so speaking implies attending."""

    SIGNED = "signed", pgettext_lazy("part at an agreement", "Signed")
    SPOKE = "spoke", _("Attended and spoke")
    ATTENDED = "attended", _("Attended")
    ASSESSED = "assessed", _("Assessed the results")


class ParticipantQuerySet(models.QuerySet):
    def in_order(self):
        """Province side first, then VNPT's; on each, signers before speakers and attendees."""
        rank = Case(
            *(When(role=role, then=Value(i)) for i, role in enumerate(ParticipantRole.values)),
            output_field=models.IntegerField(),
        )
        return self.annotate(role_rank=rank).order_by("side", "role_rank", "pk")


class Participant(models.Model):
    """A person's part in an agreement (its signing, its review), with the title held then.

    Signers and those who only attended or spoke are told apart: an article naming
    no signer gives the agreement none.
    """

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.CASCADE,
        related_name="participants",
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="participations"
    )
    side = models.CharField(_("side"), max_length=16, choices=ParticipantSide.choices)
    role = models.CharField(
        _("role"), max_length=12, choices=ParticipantRole.choices, default=ParticipantRole.SIGNED
    )
    title_then = models.CharField(_("title held then"), max_length=300)
    source = models.ForeignKey(
        Source, verbose_name=_("source"), null=True, blank=True, on_delete=models.SET_NULL
    )
    note = models.TextField(
        _("note"), blank=True, help_text=_("What the source leaves uncertain about this part.")
    )
    history = HistoricalRecords()

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("signers and participants")
        ordering = ("side", "role", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("agreement", "person", "role"),
                name="participant_unique_role",
                violation_error_message=_(
                    "This person already has this role in the agreement: "
                    "change the role or remove the row."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.person} — {self.title_then}"

    def clean(self):
        if not (self.agreement_id and self.person_id and self.side and self.role):
            return
        others = others_than(
            self,
            Participant.objects.filter(
                agreement_id=self.agreement_id, person_id=self.person_id, side=self.side
            ),
        )
        if refusal := attended_twice([self, *others]):
            raise ValidationError({"role": refusal})


# Signing and speaking each mean the person was there: listed as attending beside either,
# they would count twice among those present.
PRESENT_BY_ANOTHER_PART = (ParticipantRole.SIGNED, ParticipantRole.SPOKE)


def attended_twice(parts) -> str:
    """Why `parts` of one agreement list a person as attending beside signing or speaking on
    the same side, or "". The one rule for a part saved beside stored ones and for the rows
    of one page."""
    roles = {}
    for part in parts:
        # A part without a person yet is refused for that on its own.
        if part.person_id is not None:
            roles.setdefault((part.person_id, part.side), set()).add(part.role)
    for (person_id, _side), held in roles.items():
        present = [role for role in PRESENT_BY_ANOTHER_PART if role in held]
        if ParticipantRole.ATTENDED in held and present:
            person = next(part.person for part in parts if part.person_id == person_id)
            return _(
                "%(person)s is listed on this side both as “%(role)s” and as “%(attended)s”: "
                "whoever signed or spoke was there, so keep only the “%(role)s” row."
            ) % {
                "person": person,
                "role": ParticipantRole(present[0]).label,
                "attended": ParticipantRole.ATTENDED.label,
            }
    return ""


class ResponsibleSide(models.TextChoices):
    VNPT = "vnpt", _("VNPT")
    COUNTERPARTY = "counterparty", _("Province or agency")
    BOTH = "both", _("Both")


class Commitment(models.Model):
    """Something an agreement commits one or both sides to do."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="commitments"
    )
    area = models.ForeignKey(
        CommitmentArea,
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    text = models.TextField(_("commitment"))
    responsible = models.CharField(
        _("responsible side"),
        max_length=16,
        choices=ResponsibleSide.choices,
        default=ResponsibleSide.BOTH,
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    source = models.ForeignKey(
        Source, verbose_name=_("source"), null=True, blank=True, on_delete=models.SET_NULL
    )
    note = models.CharField(
        _("note"),
        max_length=500,
        blank=True,
        help_text=_("When the source implies the commitment rather than stating it."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ("agreement", "area__order", "order", "pk")

    def __str__(self):
        return textwrap.shorten(self.text, 80, placeholder=" …")

    @property
    def short_text(self) -> str:
        """The commitment as a label or a line of history names it: whole words and an ellipsis,
        never "Internet tốc đ"."""
        return textwrap.shorten(self.text, 60, placeholder=" …")


# The KPI catalogue, targets and milestones: the measurable terms of an agreement.
# Their tables keep the names they were created with in the milestones app.

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def percent_of(part, whole) -> Decimal | None:
    """`part` as a percentage of `whole`, to two decimals rounded half up; None without a whole.

    The one rule turning a ratio (villages with fibre of all villages) into a share.
    """
    if part is None or not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)


class KpiKind(models.TextChoices):
    COUNT = "count", _("Count")
    RATIO = "ratio", _("Ratio (numerator of denominator)")
    PERCENTAGE = "percentage", _("Percentage")


class TimeAggregation(models.TextChoices):
    LATEST = "latest", _("Latest value in the period (stock)")
    SUM = "sum", _("Sum over the period (flow)")


class SpaceAggregation(models.TextChoices):
    SUM = "sum", _("Sum across provinces")
    RATIO_OF_SUMS = "ratio_of_sums", _("Sum of numerators over sum of denominators")
    NONE = "none", _("Not added up across provinces")


class Kpi(SearchableModel, BilingualName):
    """A measurable indicator in the catalogue, with the rules for adding it up."""

    search_fields = ("code", "name_vi", "name_en")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    # The code as the import and the API read one (`fold_code`), kept by save() so that
    # the database itself refuses a twin, as it does a twin name.
    folded_code = models.TextField(_("folded code"), null=True, editable=False)
    unit_vi = models.CharField(_("unit (Vietnamese)"), max_length=40, blank=True)
    unit_en = models.CharField(_("unit (English)"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=KpiKind.choices)
    time_aggregation = models.CharField(
        _("over time"),
        max_length=8,
        choices=TimeAggregation.choices,
        default=TimeAggregation.LATEST,
    )
    space_aggregation = models.CharField(
        _("across provinces"), max_length=16, choices=SpaceAggregation.choices
    )
    higher_is_better = models.BooleanField(_("higher is better"), default=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="parts",
        help_text=_("A sub-count never exceeds this total (4G stations within all stations)."),
    )
    area = models.ForeignKey(
        CommitmentArea,
        verbose_name=_("commitment area"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="kpis",
    )
    is_headline = models.BooleanField(_("headline on the national dashboard"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    description = models.TextField(_("description"), blank=True)
    # The search text and folded code and names derive from the code and names; their
    # history would only repeat them.
    history = HistoricalRecords(
        table_name="partnerships_historicalkpi",
        excluded_fields=["search_text", "folded_code", "folded_name_vi", "folded_name_en"],
    )

    name_twin_message = _(
        "The KPI %(code)s is already named “%(existing)s”: the names differ only in capitals, "
        "accents or spaces."
    )

    class Meta:
        db_table = "milestones_kpi"
        verbose_name = _("KPI")
        verbose_name_plural = _("KPI catalogue")
        ordering = ("order", "code")
        constraints = [
            models.UniqueConstraint(fields=("folded_code",), name="kpi_unique_folded_code"),
            models.UniqueConstraint(fields=("folded_name_vi",), name="kpi_unique_folded_name_vi"),
            models.UniqueConstraint(fields=("folded_name_en",), name="kpi_unique_folded_name_en"),
        ]

    @property
    def unit(self) -> str:
        return self.unit_en if (get_language() or "vi").startswith("en") else self.unit_vi

    @property
    def is_stock(self) -> bool:
        return self.time_aggregation == TimeAggregation.LATEST

    def clean(self):
        if self.kind == KpiKind.RATIO and self.space_aggregation == SpaceAggregation.SUM:
            raise ValidationError(
                {
                    "space_aggregation": _(
                        "A ratio adds up as a sum of numerators over denominators."
                    )
                }
            )
        if self.kind != KpiKind.RATIO and self.space_aggregation == SpaceAggregation.RATIO_OF_SUMS:
            raise ValidationError(
                {"space_aggregation": _("Only a ratio has numerators and denominators to add up.")}
            )
        errors = self.name_twin_errors()
        if twin := self._code_twin():
            errors["code"] = _(
                "The KPI “%(existing)s” already has the code %(code)s: codes that differ only in "
                "capitals, or in “-” for “_”, are one code to the import and the API."
            ) % {"existing": twin.name, "code": twin.code}
        if self.pk and self.kind:
            stored = Kpi.objects.filter(pk=self.pk).values_list("kind", flat=True).first()
            # Values and targets were entered as the stored kind: read as another they
            # would mean something else (a count of stations shown as a percentage).
            if stored and stored != self.kind and (self.values.exists() or self.targets.exists()):
                errors["kind"] = _(
                    "This KPI already has reported values or targets of the kind “%(kind)s”, so "
                    "its kind cannot change. Create a new KPI of the kind you need instead."
                ) % {"kind": KpiKind(stored).label}
        if self.parent_id and self.pk in (
            kpi.pk for kpi in walk(self.parent, attrgetter("parent"))
        ):
            errors["parent"] = _(
                "A KPI cannot be part of itself, directly or through the KPIs it contains."
            )
        if errors:
            raise ValidationError(errors)

    def _code_twin(self):
        """Another KPI whose code reads as this one's; an identical code is the field's own
        unique rule."""
        folded = fold_code(self.code)
        if not folded:
            return None
        others = others_than(self, Kpi.objects.filter(folded_code=folded).exclude(code=self.code))
        return others.first()

    def save(self, *args, **kwargs):
        self.folded_code = fold_code(self.code) or None
        _also_update(kwargs, "folded_code")
        super().save(*args, **kwargs)

    def reading_errors(self, value=None, numerator=None, denominator=None, prefix=""):
        """Field errors for one reading of this KPI; the one rule every entry path uses."""
        errors = {}
        if self.kind == KpiKind.RATIO:
            if numerator is None:
                errors[f"{prefix}numerator"] = _("Enter the numerator.")
            elif numerator < 0:
                errors[f"{prefix}numerator"] = _("A count cannot be negative.")
            elif not _whole(numerator):
                errors[f"{prefix}numerator"] = self._fraction_error(numerator)
            if denominator is None:
                errors[f"{prefix}denominator"] = _("Enter the denominator.")
            elif denominator <= 0:
                errors[f"{prefix}denominator"] = _("The denominator must be greater than zero.")
            elif not _whole(denominator):
                errors[f"{prefix}denominator"] = self._fraction_error(denominator)
            if not errors and numerator > denominator:
                errors[f"{prefix}numerator"] = _(
                    "The numerator (%(numerator)s) cannot be greater than the denominator "
                    "(%(denominator)s)."
                ) % {"numerator": number(numerator), "denominator": number(denominator)}
        elif value is None:
            errors[f"{prefix}value"] = _("Enter a value.")
        elif value < 0:
            errors[f"{prefix}value"] = _("A count cannot be negative.")
        elif self.kind == KpiKind.PERCENTAGE and value > HUNDRED:
            errors[f"{prefix}value"] = _("A percentage cannot be above 100.")
        elif fraction := self.fraction_error(value):
            errors[f"{prefix}value"] = fraction
        return errors

    def fraction_error(self, value) -> str:
        """Why a figure of this KPI is refused as a fraction, or "" when it may be one.

        A reading, a baseline and a target of a count are all counted whole.
        """
        if self.kind == KpiKind.COUNT and not _whole(value):
            return self._fraction_error(value)
        return ""

    def _fraction_error(self, value) -> str:
        """Stations, subscribers and villages are counted whole; a percentage may be 91,7.

        A count read as a fraction may be thousands grouped as the other language groups
        them (1.480 on an English page): the refusal says how to write those.
        """
        told = {
            "kpi": self.name,
            "unit": self.unit or _("units"),
            # As typed: 1.490,5, not 1.490,50.
            "value": number(value, max(0, -Decimal(value).normalize().as_tuple().exponent)),
        }
        if hint := thousands_hint(Decimal(value)):
            return _(
                "%(kpi)s is a count of whole %(unit)s: %(value)s is not a whole number; %(hint)s."
            ) % {**told, "hint": hint}
        return _("%(kpi)s is a count of whole %(unit)s: %(value)s is not a whole number.") % told

    def share(self, value=None, numerator=None, denominator=None):
        """The reading as a comparable number: a ratio becomes a percentage."""
        if self.kind == KpiKind.RATIO:
            return percent_of(numerator, denominator)
        return value


def _whole(value) -> bool:
    return Decimal(value) == Decimal(value).to_integral_value()


def target_dated_in(years: tuple[int, int]) -> Q:
    """Targets that judge the figures of a phase of `years`: those whose date they hold.

    `progress.rules.target_in_years` is the same rule for a target in hand; a stored
    target always has its date.
    """
    return Q(target_on__year__gte=years[0], target_on__year__lte=years[1])


class KpiTargetQuerySet(ScopedQuerySet):
    province_path = "agreement__counterparty__province"


class KpiTarget(models.Model):
    """What an agreement commits to reach for one KPI, from a baseline."""

    agreement = models.ForeignKey(
        "Agreement", verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="targets"
    )
    kpi = models.ForeignKey(
        Kpi, verbose_name=_("KPI"), on_delete=models.PROTECT, related_name="targets"
    )
    baseline_value = models.DecimalField(
        _("baseline"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    baseline_on = models.DateField(_("baseline date"), null=True, blank=True)
    # A baseline can be a published figure while the target beside it is not.
    baseline_source = models.ForeignKey(
        Source,
        verbose_name=_("source of the baseline"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="baselines",
    )
    baseline_is_demo = models.BooleanField(
        _("baseline is demo data"),
        default=False,
        help_text=_("A synthetic baseline made for demonstration."),
    )
    target_value = models.DecimalField(
        _("target"),
        max_digits=16,
        decimal_places=2,
        help_text=_("For a ratio: the share to reach, in per cent."),
    )
    target_on = models.DateField(_("target date"))
    source = models.ForeignKey(
        Source,
        verbose_name=_("source of the target"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    note = models.TextField(_("note"), blank=True)
    is_demo = models.BooleanField(
        _("target is demo data"),
        default=False,
        help_text=_("A synthetic target made for demonstration."),
    )
    history = HistoricalRecords(table_name="milestones_historicalkpitarget")

    objects = KpiTargetQuerySet.as_manager()

    class Meta:
        db_table = "milestones_kpitarget"
        verbose_name = _("KPI target")
        verbose_name_plural = _("KPI targets")
        ordering = ("agreement", "kpi__order")
        constraints = [
            models.UniqueConstraint(fields=("agreement", "kpi"), name="target_unique_per_kpi"),
        ]

    def __str__(self):
        return f"{self.kpi}: {self.target_value}"

    def clean(self):
        errors = {}
        for field in ("baseline_value", "target_value") if self.kpi_id else ():
            value = getattr(self, field)
            if value is None:
                continue
            if value < 0:
                errors[field] = _("A target or baseline cannot be negative.")
            elif self.kpi.kind in (KpiKind.RATIO, KpiKind.PERCENTAGE) and value > HUNDRED:
                errors[field] = _("A share cannot be above 100 per cent.")
            elif fraction := self.kpi.fraction_error(value):
                errors[field] = fraction
        if self.baseline_on and self.target_on and self.target_on < self.baseline_on:
            errors["target_on"] = _("The target date cannot come before the baseline date.")
        elif refusal := self._period_refusal():
            errors["target_on"] = refusal
        if self.baseline_source_id and self.baseline_is_demo:
            errors["baseline_is_demo"] = _(
                "A baseline taken from a source is a fact, not demo data: clear one of the two."
            )
        if errors:
            raise ValidationError(errors)

    def _period_refusal(self) -> str:
        """Why the target date is refused for lying outside the agreement's period, or "".

        The province and national figures count a target only in the phase whose years hold
        its date (`target_dated_in`): outside the period, it would judge the agreement's own
        page alone. The agreement may be the unsaved one of an admin page adding both.
        """
        try:
            agreement = self.agreement
        except Agreement.DoesNotExist:
            return ""
        start, end = agreement.period_start, agreement.period_end
        # A period missing or backwards has its own error on the agreement.
        if self.target_on is None or start is None or end is None or end < start:
            return ""
        if agreement.covers(Quarter.containing(self.target_on)):
            return ""
        return _(
            "The target date %(date)s lies outside the agreement's period (%(period)s): choose "
            "a date from %(first)s to %(last)s."
        ) % {
            "date": date_label(self.target_on),
            "period": agreement.period_label,
            "first": date_label(datetime.date(start, 1, 1)),
            "last": date_label(datetime.date(end, 12, 31)),
        }

    def save(self, *args, **kwargs):
        self.clean()
        super().save(*args, **kwargs)


class Milestone(models.Model):
    """A dated event in an agreement's life: a launch, a completed network, a review."""

    agreement = models.ForeignKey(
        "Agreement",
        verbose_name=_("agreement"),
        on_delete=models.CASCADE,
        related_name="milestones",
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    occurred_on = models.DateField(_("date"))
    precision = models.CharField(
        _("precision of the date"),
        max_length=8,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )
    area = models.ForeignKey(
        CommitmentArea,
        verbose_name=_("commitment area"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    source = models.ForeignKey(
        Source, verbose_name=_("source"), null=True, blank=True, on_delete=models.SET_NULL
    )
    note = models.CharField(
        _("note"),
        max_length=500,
        blank=True,
        help_text=_("What the source leaves uncertain, such as a date it does not give."),
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    history = HistoricalRecords(table_name="milestones_historicalmilestone")

    class Meta:
        db_table = "milestones_milestone"
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ("occurred_on", "pk")

    def __str__(self):
        return f"{self.date_label} — {self.title}"

    @property
    def date_label(self) -> str:
        return format_partial_date(self.occurred_on, self.precision)

    def clean(self):
        validate_partial_date(self.occurred_on, self.precision, "occurred_on")

    def save(self, *args, **kwargs):
        self.clean()
        super().save(*args, **kwargs)
