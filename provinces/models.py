from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.collation import CollatedModel
from core.formatting import date_label
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
        if self.is_current:
            return self.name
        return _("%(name)s (until %(date)s)") % {
            "name": self.name,
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
