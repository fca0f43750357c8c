from operator import attrgetter

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from simple_history.models import HistoricalRecords

from core.collation import CollatedModel
from core.formatting import date_label, first_few
from core.links import walk
from core.search import SearchableModel

MERGER_DATE_ISO = "2025-07-01"
# The one order of province lists, selects and downloads (core.collation).
ALPHABETICAL = ("sort_key", models.F("valid_until").asc(nulls_first=True), "pk")


class Region(models.TextChoices):
    NORTHERN_MIDLANDS = "northern_midlands", _("Northern midlands and mountains")
    RED_RIVER_DELTA = "red_river_delta", _("Red River Delta")
    NORTH_CENTRAL = "north_central", _("North Central and Central Coast")
    CENTRAL_HIGHLANDS = "central_highlands", _("Central Highlands")
    SOUTHEAST = "southeast", _("Southeast")
    MEKONG_DELTA = "mekong_delta", _("Mekong River Delta")


class ProvinceKind(models.TextChoices):
    # A kind beside "city": the word alone, not the "province or city" of headings.
    PROVINCE = "province", pgettext_lazy("kind of provincial unit", "Province")
    CITY = "city", _("Centrally-run city")


def current_q(path: str = "") -> models.Q:
    """Rows whose province (at `path`, such as "province__") exists today."""
    return models.Q(**{f"{path}valid_until__isnull": True})


def former_q(path: str = "") -> models.Q:
    """Rows whose province (at `path`) was merged into another in 2025."""
    return models.Q(**{f"{path}valid_until__isnull": False})


class ProvinceQuerySet(models.QuerySet):
    def current(self):
        return self.filter(current_q())

    def former(self):
        return self.filter(former_q())

    def alphabetical(self):
        """In Vietnamese alphabetical order, a current unit before a former one of its name."""
        return self.order_by(*ALPHABETICAL)


class Province(CollatedModel, SearchableModel):
    """A provincial-level unit as it existed over a span of time.

    Codes are reused across the 2025 merger (the new An Giang has the former
    Kiên Giang's code 91), so a unit is identified by its code together with
    the date it became valid, never by the code alone.
    """

    search_fields = ("name", "full_name", "code")

    code = models.CharField(_("official code"), max_length=3)
    key = models.CharField(
        _("data package key"),
        max_length=64,
        help_text=_("The unit's key in the administrative-unit data package."),
    )
    name = models.CharField(_("name"), max_length=100)
    full_name = models.CharField(_("full name"), max_length=120)
    name_ascii = models.CharField(_("name without diacritics"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=ProvinceKind.choices)
    region = models.CharField(_("region"), max_length=32, choices=Region.choices)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    valid_from = models.DateField(
        _("valid from"),
        null=True,
        blank=True,
        help_text=_("Empty when the data package does not say when the unit was created."),
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )
    # The search text and sort key derive from the names; their history would only repeat them.
    history = HistoricalRecords(excluded_fields=["search_text", "sort_key"])

    objects = ProvinceQuerySet.as_manager()

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        ordering = ALPHABETICAL
        constraints = [
            models.UniqueConstraint(
                fields=("key",),
                condition=models.Q(valid_until__isnull=True),
                name="province_unique_current_key",
            ),
            models.UniqueConstraint(
                fields=("key", "valid_until"), name="province_unique_key_per_era"
            ),
        ]

    def __str__(self):
        return self.dated(self.name)

    def dated(self, name: str) -> str:
        """`name` as lists show it for this unit: a former unit's with the day it ended.

        A former unit and the current one of its name (and their committees) are told
        apart this way wherever they are listed or chosen.
        """
        if self.is_current:
            return name
        return _("%(name)s (until %(date)s)") % {
            "name": name,
            "date": date_label(self.valid_until),
        }

    @property
    def proper_name(self) -> str:
        """The name as a sentence writes it: TP. Hồ Chí Minh, tỉnh Lào Cai."""
        if self.kind == ProvinceKind.CITY:
            return _("%(name)s City") % {"name": self.name}
        return _("%(name)s province") % {"name": self.name}

    @property
    def is_current(self) -> bool:
        return self.valid_until is None

    def chain(self) -> list["Province"]:
        """This unit and every unit it became part of, oldest first: a query a step.

        `lineage.ProvinceTree.chain` answers the same from one query over every unit.
        """
        return list(walk(self, attrgetter("successor")))

    def clean(self):
        super().clean()
        self._clean_successor()
        self._clean_predecessors()
        self._clean_signings()

    def _clean_successor(self):
        """The one rule of a merger: into another unit, never round in a loop, in date order.

        A chain (a former unit merged into a unit that later merged again) is allowed, as
        the lineage follows successors at any depth; the dates keep each step forward in time.
        """
        successor = self.successor
        if successor is None:
            return
        if self.pk is not None and successor.pk == self.pk:
            raise ValidationError({"successor": _("A province cannot be merged into itself.")})
        if self.pk is not None and self.pk in {unit.pk for unit in successor.chain()}:
            raise ValidationError(
                {
                    "successor": _(
                        "%(successor)s is already merged, directly or through other units, "
                        "into this province: the merger record would go round in a loop."
                    )
                    % {"successor": successor}
                }
            )
        if self.valid_until is None:
            raise ValidationError(
                {
                    "valid_until": _(
                        "A province merged into another must have its “valid until” date: "
                        "its last day before the merger."
                    )
                }
            )
        if successor.valid_from is not None and successor.valid_from <= self.valid_until:
            raise ValidationError(
                {
                    "successor": _(
                        "%(successor)s is valid from %(start)s: it can only take in a province "
                        "whose last day was before that."
                    )
                    % {"successor": successor, "start": date_label(successor.valid_from)}
                }
            )
        if successor.valid_until is not None and successor.valid_until <= self.valid_until:
            raise ValidationError(
                {
                    "successor": _(
                        "%(successor)s itself ended on %(end)s: a province can only merge into "
                        "a unit that still existed after its own last day."
                    )
                    % {"successor": successor, "end": date_label(successor.valid_until)}
                }
            )

    def _clean_predecessors(self):
        """The units already merged into this one stay before it in time, as above."""
        if self.pk is None or self.valid_from is None:
            return
        late = Province.objects.filter(successor=self.pk, valid_until__gte=self.valid_from)
        if late := list(late.alphabetical()):
            raise ValidationError(
                {
                    "valid_from": _(
                        "%(units)s merged into this province and existed until %(end)s: "
                        "its validity must start after that."
                    )
                    % {
                        "units": ", ".join(unit.name for unit in late),
                        "end": date_label(max(unit.valid_until for unit in late)),
                    }
                }
            )

    def _clean_signings(self):
        """The agreements its committees signed stay within its dates.

        Each agreement's own rule judges it (`Agreement.signing_outside`): a unit signs
        only while it exists, and an agreement outside its counterparty's dates could no
        longer be saved. Only new dates can leave one outside.
        """
        if self.pk is None:
            return
        stored = (
            Province.objects.filter(pk=self.pk).values_list("valid_from", "valid_until").first()
        )
        if stored in (None, (self.valid_from, self.valid_until)):
            return
        missed = {}
        for organisation in self.organisations.prefetch_related("agreements"):
            for agreement in organisation.agreements.all():
                if field := agreement.signing_outside(self):
                    missed.setdefault(field, []).append(agreement)
        errors = {}
        if late := missed.get("valid_until"):
            errors["valid_until"] = ngettext(
                "%(count)s agreement of this province's organisations was signed after "
                "%(date)s: %(agreements)s. A unit signs only while it exists: keep a later "
                "date, or first move the agreement to the committee of the province this one "
                "became part of.",
                "%(count)s agreements of this province's organisations were signed after "
                "%(date)s: %(agreements)s. A unit signs only while it exists: keep a later "
                "date, or first move the agreements to the committee of the province this one "
                "became part of.",
                len(late),
            ) % {
                "count": len(late),
                "date": date_label(self.valid_until),
                "agreements": first_few(agreement.described for agreement in late),
            }
        if early := missed.get("valid_from"):
            errors["valid_from"] = ngettext(
                "%(count)s agreement of this province's organisations was signed before "
                "%(date)s: %(agreements)s. A unit signs only while it exists: keep an earlier "
                "date, or first move the agreement to the committee of the former unit that "
                "signed.",
                "%(count)s agreements of this province's organisations were signed before "
                "%(date)s: %(agreements)s. A unit signs only while it exists: keep an earlier "
                "date, or first move the agreements to the committee of the former unit that "
                "signed.",
                len(early),
            ) % {
                "count": len(early),
                "date": date_label(self.valid_from),
                "agreements": first_few(agreement.described for agreement in early),
            }
        if errors:
            raise ValidationError(errors)

    def merger_links(self) -> list[str]:
        """Why the unit belongs to the merger record, which a deletion would lose."""
        if self.successor_id is None:
            return []
        return [
            _("merger record: %(province)s merged into %(successor)s")
            % {"province": self, "successor": self.successor}
        ]

    def delete(self, *args, **kwargs):
        # The successor FK protects a unit that others merged into; this protects the
        # other end, a former unit, whose agreements and figures count for its successor.
        if links := self.merger_links():
            raise ProtectedError(links[0], [self.successor])
        return super().delete(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("provinces:detail", args=[self.slug])


class ProvinceAssignment(models.Model):
    """Grants a user the provinces they report for or review.

    Assigning a current province also covers the former units merged into it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="province_assignments",
    )
    province = models.ForeignKey(
        Province,
        verbose_name=_("province"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    organisation_unit = models.CharField(
        _("unit"),
        max_length=200,
        blank=True,
        help_text=_("The department or VNPT provincial branch the user reports for."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("province assignment")
        verbose_name_plural = _("province assignments")
        constraints = [
            models.UniqueConstraint(fields=("user", "province"), name="assignment_unique"),
        ]

    def __str__(self):
        return f"{self.user} → {self.province}"
