"""generate_scale_data: what --clear removes, the bounds of its numbers, its refusal with DEBUG off.

The figures it writes are checked against the recompute in test_scale_recomputation.py.
"""

import io

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from demo.management.commands.generate_scale_data import SCALE_MARK
from partnerships.models import Agreement, Kpi
from partnerships.reference import KPIS, load_reference_data

from .api import token_client, url
from .factories import AgreementFactory, KpiTargetFactory

pytestmark = pytest.mark.django_db

# Two agreements, the catalogue and two synthetic KPIs, the last two quarters: seconds.
SMALL = {"agreements": 2, "kpis": len(KPIS) + 2, "quarters": 2, "no_recompute": True}


@pytest.fixture
def catalogue():
    call_command("load_provinces", stdout=io.StringIO())
    load_reference_data()


def generate(**options) -> str:
    out = io.StringIO()
    call_command("generate_scale_data", stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_clear_removes_every_row_it_wrote_its_kpis_and_their_history(catalogue, official):
    before = row_counts()
    generate(yes=True, **SMALL)
    assert Kpi.objects.filter(code__in=["scale_kpi_01", "scale_kpi_02"]).count() == 2
    assert Agreement.objects.filter(title__startswith=SCALE_MARK).count() == 2

    # No --yes: removing what it wrote puts no synthetic figure anywhere.
    output = generate(clear=True, no_recompute=True)

    assert output == "Removed 2 synthetic agreements and 2 synthetic KPIs.\n"
    assert row_counts() == before
    kpis = token_client(official).get(url("kpi-list"), {"page_size": 100}).json()["results"]
    assert [kpi["code"] for kpi in kpis if kpi["code"].startswith("scale_")] == []
    assert len(kpis) == len(KPIS)


def test_clear_keeps_a_synthetic_kpi_that_something_else_uses_or_that_was_renamed(catalogue):
    generate(yes=True, **{**SMALL, "kpis": len(KPIS) + 3})
    used, renamed, unused = Kpi.objects.filter(code__startswith="scale_kpi_").order_by("code")
    KpiTargetFactory(agreement=AgreementFactory(), kpi=used)
    renamed.name_en = "Households with smart meters"
    renamed.save()

    generate(clear=True, no_recompute=True)

    assert set(Kpi.objects.filter(code__startswith="scale_kpi_")) == {used, renamed}
    assert not Kpi.objects.filter(pk=unused.pk).exists()


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--quarters", "99999", "--quarters must be a whole number from 1 to "),
        ("--quarters", "0", "--quarters must be a whole number from 1 to "),
        ("--agreements", "0", "--agreements must be a whole number from 1 to 3000; 0 was given."),
        ("--kpis", "100000", "--kpis must be a whole number from 1 to 300; 100000 was given."),
    ],
)
def test_it_refuses_numbers_out_of_bounds_and_keeps_the_data_there_is(option, value, message):
    earlier = AgreementFactory(title=f"{SCALE_MARK} from an earlier run")
    with pytest.raises(CommandError) as refused:
        call_command("generate_scale_data", option, value, "--yes", stdout=io.StringIO())
    assert str(refused.value).startswith(message)
    assert Agreement.objects.filter(pk=earlier.pk).exists()


def test_with_debug_off_it_refuses_to_write_without_yes(settings):
    settings.DEBUG = False
    earlier = AgreementFactory(title=f"{SCALE_MARK} from an earlier run")
    with pytest.raises(CommandError, match=r"DEBUG is off.*add --yes"):
        call_command("generate_scale_data", stdout=io.StringIO())
    with pytest.raises(CommandError, match=r"DEBUG đang tắt.*thêm --yes"):
        call_command("generate_scale_data", "--language", "vi", stdout=io.StringIO())
    assert list(Agreement.objects.all()) == [earlier]
