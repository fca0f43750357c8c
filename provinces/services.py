"""Loading the provinces and their 2025 lineage from the administrative-unit data package."""

from __future__ import annotations

import datetime
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.models import Group, Permission
from django.db import models, transaction
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from unidecode import unidecode

from .access import Role
from .models import Province, ProvinceKind, Region

# Loading provinces from the administrative-unit data package ---------------------

FORMER_VALID_UNTIL = datetime.date(2025, 6, 30)
CURRENT_VALID_FROM = datetime.date(2025, 7, 1)

# The data package gives names, codes and coordinates but no region, so the six
# socio-economic regions of the General Statistics Office are typed here, once,
# for the 63 former units; each current unit inherits one of them.
LEGACY_REGIONS: dict[str, str] = {
    **dict.fromkeys(
        (
            "tinhhagiang",
            "tinhcaobang",
            "tinhbackan",
            "tinhtuyenquang",
            "tinhlaocai",
            "tinhdienbien",
            "tinhlaichau",
            "tinhsonla",
            "tinhyenbai",
            "tinhhoabinh",
            "tinhthainguyen",
            "tinhlangson",
            "tinhbacgiang",
            "tinhphutho",
        ),
        Region.NORTHERN_MIDLANDS,
    ),
    **dict.fromkeys(
        (
            "thanhphohanoi",
            "tinhvinhphuc",
            "tinhbacninh",
            "tinhquangninh",
            "tinhhaiduong",
            "thanhphohaiphong",
            "tinhhungyen",
            "tinhthaibinh",
            "tinhhanam",
            "tinhnamdinh",
            "tinhninhbinh",
        ),
        Region.RED_RIVER_DELTA,
    ),
    **dict.fromkeys(
        (
            "tinhthanhhoa",
            "tinhnghean",
            "tinhhatinh",
            "tinhquangbinh",
            "tinhquangtri",
            "thanhphohue",
            "thanhphodanang",
            "tinhquangnam",
            "tinhquangngai",
            "tinhbinhdinh",
            "tinhphuyen",
            "tinhkhanhhoa",
            "tinhninhthuan",
            "tinhbinhthuan",
        ),
        Region.NORTH_CENTRAL,
    ),
    **dict.fromkeys(
        ("tinhkontum", "tinhgialai", "tinhdaklak", "tinhdaknong", "tinhlamdong"),
        Region.CENTRAL_HIGHLANDS,
    ),
    **dict.fromkeys(
        (
            "tinhbinhphuoc",
            "tinhtayninh",
            "tinhbinhduong",
            "tinhdongnai",
            "tinhbariavungtau",
            "thanhphohochiminh",
        ),
        Region.SOUTHEAST,
    ),
    **dict.fromkeys(
        (
            "tinhlongan",
            "tinhtiengiang",
            "tinhbentre",
            "tinhtravinh",
            "tinhvinhlong",
            "tinhdongthap",
            "tinhangiang",
            "tinhkiengiang",
            "thanhphocantho",
            "tinhhaugiang",
            "tinhsoctrang",
            "tinhbaclieu",
            "tinhcamau",
        ),
        Region.MEKONG_DELTA,
    ),
}

PACKAGE_FIELDS = [
    "province",
    "provinceShort",
    "provinceCode",
    "provinceLat",
    "provinceLon",
    "provinceKey",
]


class Upsert(models.TextChoices):
    CREATED = "created", _("created")
    UPDATED = "updated", _("updated")
    UNCHANGED = "unchanged", _("unchanged")


def upsert(model, lookup: dict, values: dict):
    """Create or update one row by its natural key, saving only when something changed.

    Unlike `update_or_create`, an unchanged row is not saved again, so loaders can
    run any number of times without writing history rows or touching timestamps.
    Returns the object and an `Upsert` outcome.
    """
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.save()
        return obj, Upsert.CREATED
    changed = False
    for name, value in values.items():
        model_field = model._meta.get_field(name)
        if model_field.is_relation:
            current, new = getattr(obj, model_field.attname), getattr(value, "pk", value)
        else:
            current, new = getattr(obj, name), value
        if current != new:
            setattr(obj, name, value)
            changed = True
    if not changed:
        return obj, Upsert.UNCHANGED
    obj.save()
    return obj, Upsert.UPDATED


@dataclass
class ProvinceLoad:
    """What a province load did, per era: how many units were created, updated, unchanged."""

    former: Counter = field(default_factory=Counter)
    current: Counter = field(default_factory=Counter)


def _province_values(row: dict, region: str) -> dict:
    full_name = row["province"]
    return {
        "code": row["provinceCode"],
        "name": row["provinceShort"],
        "full_name": full_name,
        "name_ascii": unidecode(row["provinceShort"]),
        "kind": ProvinceKind.CITY if full_name.startswith("Thành phố") else ProvinceKind.PROVINCE,
        "region": region,
        "latitude": row["provinceLat"],
        "longitude": row["provinceLon"],
    }


def read_province_package() -> tuple[list[dict], list[dict], dict[str, list[str]]]:
    """The former units, the current units and the lineage (current key → former keys).

    The package pulls shapely and numpy, so it is imported here, when a load asks
    for it, and never by the running portal.
    """
    import vietnamadminunits
    from vietnamadminunits.database import get_data

    former = get_data(fields=PACKAGE_FIELDS, table="admin_units_legacy")
    current = get_data(fields=PACKAGE_FIELDS, table="admin_units")
    converter = Path(vietnamadminunits.__file__).parent / "data" / "converter_2025.json"
    with converter.open(encoding="utf-8") as handle:
        lineage = json.load(handle)["DICT_PROVINCE"]
    return former, current, lineage


@transaction.atomic
def load_provinces_from_package() -> ProvinceLoad:
    """Create or update the 63 former and 34 current provincial units, linked by lineage.

    Rows are matched by key and era, never by code: the merger reused codes (the
    current An Giang carries the former Kiên Giang's 91).
    """
    former_rows, current_rows, lineage = read_province_package()
    successor_key = {old: new for new, olds in lineage.items() for old in olds}
    missing = sorted({row["provinceKey"] for row in former_rows} - successor_key.keys())
    if missing:
        raise ValueError(f"the data package gives no successor for {', '.join(missing)}")

    result = ProvinceLoad()
    current_by_key = {}
    for row in current_rows:
        key = row["provinceKey"]
        olds = lineage[key]
        region = LEGACY_REGIONS[key if key in olds else olds[0]]
        values = _province_values(row, region)
        values["slug"] = slugify(values["name_ascii"])
        values["valid_from"] = CURRENT_VALID_FROM
        # A current unit merged into nothing: a successor given by hand is repaired here.
        values["successor"] = None
        province, outcome = upsert(Province, {"key": key, "valid_until": None}, values)
        current_by_key[key] = province
        result.current[outcome] += 1

    for row in former_rows:
        key = row["provinceKey"]
        values = _province_values(row, LEGACY_REGIONS[key])
        values["slug"] = slugify(values["name_ascii"]) + "-truoc-2025"
        # The package does not say when each former unit was created, so valid_from
        # stays empty rather than guessing a date.
        values["valid_from"] = None
        values["successor"] = current_by_key[successor_key[key]]
        former, outcome = upsert(Province, {"key": key, "valid_until": FORMER_VALID_UNTIL}, values)
        # The admin's rule of a merger holds for the package too; a refusal undoes the load.
        former.clean()
        result.former[outcome] += 1
    return result


# What an administrator manages in the admin; the other roles work in the portal itself.
ADMIN_MANAGES = ("provinces", "partnerships", "milestones", "authtoken")
ADMIN_VIEWS = ("progress",)
ADMIN_USER_PERMISSIONS = ("add_user", "change_user", "view_user", "view_group")


def ensure_role_groups() -> list[Group]:
    """The four role groups, and what the administrators' group may do in the admin.

    Idempotent: a run adds what is missing and takes nothing away, so permissions
    an installation granted on top stay.
    """
    groups = [Group.objects.get_or_create(name=role)[0] for role in Role]
    admin = Group.objects.get(name=Role.ADMIN)
    admin.permissions.add(
        *Permission.objects.filter(
            Q(content_type__app_label__in=ADMIN_MANAGES)
            | Q(content_type__app_label__in=ADMIN_VIEWS, codename__startswith="view_")
            | Q(content_type__app_label="auth", codename__in=ADMIN_USER_PERMISSIONS)
        )
    )
    return groups
