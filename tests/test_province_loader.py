"""The province loader: 63 former and 34 current units from the data package, with lineage."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import translation

from provinces.lineage import ProvinceTree, with_predecessors
from provinces.models import Province, ProvinceKind, Region
from provinces.services import Upsert, load_provinces_from_package


@pytest.fixture
def loaded(db):
    return load_provinces_from_package()


def current(name):
    return Province.objects.current().get(name=name)


def former(name):
    return Province.objects.former().get(name=name)


def snapshot():
    return list(Province.objects.order_by("pk").values())


def test_it_loads_63_former_and_34_current_units(loaded):
    assert Province.objects.former().count() == 63
    assert Province.objects.current().count() == 34
    assert sum(loaded.former.values()) == 63
    assert loaded.former[Upsert.CREATED] == 63
    assert loaded.current[Upsert.CREATED] == 34
    assert set(Province.objects.former().values_list("valid_until", flat=True)) == {
        datetime.date(2025, 6, 30)
    }
    assert set(Province.objects.former().values_list("valid_from", flat=True)) == {None}
    assert set(Province.objects.current().values_list("valid_from", flat=True)) == {
        datetime.date(2025, 7, 1)
    }


def test_it_links_every_former_unit_to_a_current_one(loaded):
    assert not Province.objects.former().filter(successor__isnull=True).exists()
    assert not Province.objects.former().filter(successor__valid_until__isnull=False).exists()
    assert not Province.objects.current().filter(successor__isnull=False).exists()
    assert not Province.objects.current().filter(predecessors__isnull=True).exists()


@pytest.mark.parametrize(
    ("former_name", "current_name"),
    [
        ("Kiên Giang", "An Giang"),
        ("Ninh Thuận", "Khánh Hòa"),
        ("Hòa Bình", "Phú Thọ"),
        ("Hà Nam", "Ninh Bình"),
        ("Quảng Bình", "Quảng Trị"),
        ("Yên Bái", "Lào Cai"),
        ("Hà Giang", "Tuyên Quang"),
    ],
)
def test_it_records_the_merges_named_in_the_articles(loaded, former_name, current_name):
    merged = former(former_name)
    assert merged.successor == current(current_name)
    assert merged.pk in with_predecessors([current(current_name).pk])
    # The province it merged into keeps its own former record as well.
    assert former(current_name).successor == current(current_name)


def test_it_tells_the_units_merged_beside_a_former_unit(loaded):
    tree = ProvinceTree()
    chain = tree.chain(former("Yên Bái").pk)

    assert chain == [former("Yên Bái").pk, current("Lào Cai").pk]
    assert tree.beside(chain) == {former("Lào Cai").pk}


@pytest.mark.parametrize("name", ["Lai Châu", "Điện Biên", "Nghệ An"])
def test_it_keeps_an_unchanged_province_as_its_own_successor(loaded, name):
    unit = current(name)
    assert list(unit.predecessors.all()) == [former(name)]
    assert former(name).key == unit.key


def test_it_distinguishes_units_that_share_a_code(loaded):
    by_code = {(p.name, p.is_current) for p in Province.objects.filter(code="91")}
    assert by_code == {("Kiên Giang", False), ("An Giang", True)}
    assert former("An Giang").code == "89"
    assert former("Yên Bái").code == current("Lào Cai").code == "15"
    assert former("Lào Cai").code == "10"


def test_it_names_units_with_ascii_slugs_and_kinds(loaded):
    lao_cai = current("Lào Cai")
    assert (lao_cai.slug, lao_cai.name_ascii, lao_cai.full_name) == (
        "lao-cai",
        "Lao Cai",
        "Tỉnh Lào Cai",
    )
    assert former("Lào Cai").slug == "lao-cai-truoc-2025"
    assert current("Điện Biên").name_ascii == "Dien Bien"
    assert current("Đắk Lắk").slug == "dak-lak"
    assert current("Hà Nội").kind == ProvinceKind.CITY
    assert current("Lai Châu").kind == ProvinceKind.PROVINCE
    assert lao_cai.latitude is not None
    assert lao_cai.longitude is not None


@pytest.mark.parametrize(
    ("name", "region"),
    [
        ("Lào Cai", Region.NORTHERN_MIDLANDS),
        ("Ninh Bình", Region.RED_RIVER_DELTA),
        ("Quảng Trị", Region.NORTH_CENTRAL),
        ("Lâm Đồng", Region.CENTRAL_HIGHLANDS),
        ("Hồ Chí Minh", Region.SOUTHEAST),
        ("An Giang", Region.MEKONG_DELTA),
    ],
)
def test_it_gives_every_unit_a_region(loaded, name, region):
    assert current(name).region == region
    assert not Province.objects.filter(region="").exists()


def test_it_changes_nothing_when_run_again(loaded):
    before = snapshot()
    again = load_provinces_from_package()
    assert snapshot() == before
    assert again.former == {Upsert.UNCHANGED: 63}
    assert again.current == {Upsert.UNCHANGED: 34}


def test_it_repairs_a_unit_edited_by_hand(loaded):
    Province.objects.filter(pk=former("Kiên Giang").pk).update(name="Kien Giang", code="00")
    again = load_provinces_from_package()
    assert again.former[Upsert.UPDATED] == 1
    assert former("Kiên Giang").code == "91"


def test_it_reports_its_counts(db):
    out = io.StringIO()
    with translation.override("en"):
        call_command("load_provinces", stdout=out)
        call_command("load_provinces", stdout=out)
    text = out.getvalue()
    assert "Current units: 34 (created 34, updated 0, unchanged 0)" in text
    assert "Former units: 63 (created 0, updated 0, unchanged 63)" in text
