"""Province lists in Vietnamese alphabetical order, the same on SQLite and PostgreSQL.

Letters first (ă, â after a; đ after d; ô, ơ after o; ư after u), a word's end
before any letter, then tones (ngang, huyền, hỏi, ngã, sắc, nặng). Run on both
databases: `scripts/with-postgres ... tests/test_collation.py`.
"""

import random

import pytest
from django.db import connection  # noqa: F401  (read by a skipif condition)
from django.urls import reverse

from core.collation import sort_key
from partnerships.models import Organisation

from .api import token_client, url
from .factories import OrganisationFactory, ProvinceFactory

# As a Vietnamese official lists them: not "Huế, Hà Nội…" and not every Đ last.
IN_ORDER = [
    "An Giang",
    "Bà Rịa - Vũng Tàu",
    "Bạc Liêu",
    "Bắc Giang",
    "Bắc Ninh",
    "Bình Dương",
    "Bình Định",
    "Cà Mau",
    "Cao Bằng",
    "Cần Thơ",
    "Đà Nẵng",
    "Đắk Lắk",
    "Điện Biên",
    "Đồng Tháp",
    "Gia Lai",
    "Hà Giang",
    "Hà Nam",
    "Hà Nội",
    "Hà Tĩnh",
    "Hải Dương",
    "Hải Phòng",
    "Hậu Giang",
    "Hòa Bình",
    "Hồ Chí Minh",
    "Huế",
    "Hưng Yên",
    "Lai Châu",
    "Lạng Sơn",
    "Lào Cai",
    "Lâm Đồng",
    "Quảng Bình",
    "Quảng Nam",
    "Quảng Ngãi",
    "Quảng Ninh",
    "Quảng Trị",
    "Sóc Trăng",
    "Sơn La",
    "Thái Bình",
    "Thanh Hóa",
    "Tuyên Quang",
    "Yên Bái",
]


def shuffled(names):
    names = list(names)
    random.Random(13).shuffle(names)
    return names


def test_the_key_sorts_letters_before_tones():
    assert sorted(shuffled(IN_ORDER), key=sort_key) == IN_ORDER
    # Tones break ties only: ngang, huyền, hỏi, ngã, sắc, nặng.
    assert sorted(["Hạ", "Há", "Hã", "Hả", "Hà", "Ha"], key=sort_key) == [
        "Ha", "Hà", "Hả", "Hã", "Há", "Hạ",
    ]  # fmt: skip
    # Case and the way a name was typed (composed or not) change nothing.
    assert sort_key("HÀ NỘI") == sort_key("Hà Nội") == sort_key("Ha\u0300 N\u00f4\u0323i")


def test_the_key_uses_only_characters_every_collation_orders_alike():
    for name in IN_ORDER:
        assert set(sort_key(name)) <= set("0123456789abcdefghijklmnopqrstuvwxyz")


@pytest.fixture
def listed(db):
    for name in shuffled(IN_ORDER):
        ProvinceFactory(name=name)


def test_the_database_orders_provinces_by_the_key(listed):
    from provinces.models import Province

    assert list(Province.objects.values_list("name", flat=True)) == IN_ORDER
    assert list(Province.objects.alphabetical().values_list("name", flat=True)) == IN_ORDER


def test_the_province_list_page_is_in_vietnamese_order(client, official, listed):
    client.force_login(official)
    page = client.get(reverse("provinces:list"), {"status": "current"})
    assert [p.name for p in page.context["page"].object_list] == IN_ORDER


def test_the_agreement_filters_province_select_is_in_vietnamese_order(client, official, listed):
    client.force_login(official)
    page = client.get(reverse("partnerships:agreement-list"))
    field = page.context["filter"].form.fields["province"]
    assert [province.name for province in field.queryset] == IN_ORDER


def test_the_api_orders_by_name_in_vietnamese(official, listed):
    api = token_client(official)
    response = api.get(url("province-list"), {"ordering": "name", "page_size": 100})
    assert [row["name"] for row in response.json()["results"]] == IN_ORDER
    response = api.get(url("province-list"), {"ordering": "-name", "page_size": 100})
    assert [row["name"] for row in response.json()["results"]] == IN_ORDER[::-1]


def test_partner_organisations_follow_the_same_order(db):
    names = [f"Ủy ban nhân dân tỉnh {name}" for name in IN_ORDER]
    for name in shuffled(names):
        OrganisationFactory(name=name, short_name=name, province=None, kind="other")
    assert list(Organisation.objects.values_list("name", flat=True)) == names


def test_a_province_renamed_moves_to_its_new_place(listed):
    from provinces.models import Province

    huế = Province.objects.get(name="Huế")
    huế.name = "Thừa Thiên Huế"
    huế.save(update_fields=["name"])
    names = list(Province.objects.values_list("name", flat=True))
    assert names.index("Thanh Hóa") < names.index("Thừa Thiên Huế") < names.index("Tuyên Quang")


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's collations")
def test_the_key_keeps_its_order_under_a_linguistic_collation(listed):
    """A server created with a language's locale, not C, still orders the keys alike."""
    from django.db.models.functions import Collate

    from provinces.models import Province

    ordered = Province.objects.order_by(Collate("sort_key", "und-x-icu"), "pk")
    assert list(ordered.values_list("name", flat=True)) == IN_ORDER
    # While the names themselves would not be in Vietnamese order.
    by_name = Province.objects.order_by(Collate("name", "und-x-icu"), "pk")
    assert list(by_name.values_list("name", flat=True)) != IN_ORDER
