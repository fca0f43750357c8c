"""A production install gets its reference data from one idempotent command, not the demo."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from partnerships.models import CommitmentArea, Kpi, Phase
from partnerships.reference import AREAS, KPIS, PHASES
from provinces.access import Role

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def load() -> str:
    out = io.StringIO()
    with translation.override("en"):
        call_command("load_reference_data", stdout=out)
    return out.getvalue()


def test_it_creates_the_phases_areas_catalogue_and_role_groups_of_a_new_install():
    load()
    assert sorted(Phase.objects.values_list("code", flat=True)) == [code for code, *_ in PHASES]
    assert CommitmentArea.objects.count() == len(AREAS)
    assert Kpi.objects.count() == len(KPIS)
    bts_4g = Kpi.objects.get(code="bts_4g")
    assert bts_4g.parent.code == "bts_total"
    assert Kpi.objects.get(code="villages_fibre").space_aggregation == "ratio_of_sums"
    assert set(Group.objects.values_list("name", flat=True)) == set(Role.values)
    assert Group.objects.get(name=Role.ADMIN).permissions.filter(codename="add_agreement").exists()


def test_it_changes_nothing_when_run_again_and_keeps_an_admins_additions():
    load()
    extra = Kpi.objects.create(
        code="local_kpi", name_vi="Chỉ tiêu riêng", name_en="Local KPI", order=999
    )
    history = Kpi.history.count()
    output = load()
    assert "0 created, 0 updated" in output
    assert Kpi.history.count() == history, "an unchanged row is not saved again"
    assert Kpi.objects.filter(pk=extra.pk).exists()


def test_an_administrator_can_create_the_first_agreement_after_it(client):
    load()
    admin = UserFactory(username="first_admin", is_staff=True, roles=[Role.ADMIN])
    client.force_login(admin)
    response = client.get(reverse("admin:partnerships_agreement_add"))
    assert response.status_code == 200
    assert (
        "Tổng số trạm BTS"
        in client.get(reverse("admin:partnerships_kpi_changelist")).content.decode()
    )
