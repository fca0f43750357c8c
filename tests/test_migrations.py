"""A database made before the apps were reshaped migrates forward with nothing lost.

The KPI catalogue moved from milestones to partnerships and the computed tables
to progress by state alone: the same tables, the same rows, and the permissions
granted on those models still granted.
"""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from partnerships.models import Kpi
from progress.models import NationalProgress

BEFORE_RESHAPE = [
    ("provinces", "0001_initial"),
    ("partnerships", "0003_signing_mode_label"),
    ("milestones", "0002_rollup_figures"),
    ("progress", None),
]


def _migrate(targets):
    """Migrate the portal's apps to `targets`; the models as they were there, Django's as now."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    ours = {app for app, _name in targets}
    others = [node for node in executor.loader.graph.leaf_nodes() if node[0] not in ours]
    return executor.loader.project_state([*others, *(node for node in targets if node[1])]).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_it_keeps_the_catalogue_the_figures_and_the_permissions_across_the_reshape():
    old = _migrate(BEFORE_RESHAPE)
    content_types = old.get_model("contenttypes", "ContentType")
    permissions = old.get_model("auth", "Permission")
    old_kpi = old.get_model("milestones", "Kpi")
    kpi = old_kpi.objects.create(
        code="bts_total",
        name_vi="Trạm BTS",
        name_en="BTS stations",
        kind="count",
        space_aggregation="sum",
    )
    phase = old.get_model("partnerships", "Phase").objects.create(
        code="2021-2025", name="2021–2025", start_year=2021, end_year=2025
    )
    old.get_model("milestones", "NationalProgress").objects.create(
        phase=phase, kpi=kpi, value=1000, computed_at="2025-10-01T00:00:00Z"
    )
    kpi_type, _ = content_types.objects.get_or_create(app_label="milestones", model="kpi")
    change_kpi, _ = permissions.objects.get_or_create(
        content_type=kpi_type, codename="change_kpi", defaults={"name": "Can change KPI"}
    )
    editors = old.get_model("auth", "Group").objects.create(name="catalogue editors")
    editors.permissions.add(change_kpi)

    _migrate(_latest())

    assert Kpi.objects.get(code="bts_total").name_en == "BTS stations"
    assert NationalProgress.objects.get(kpi__code="bts_total").value == 1000
    granted = Group.objects.get(name="catalogue editors").permissions.get()
    assert (granted.content_type.app_label, granted.codename) == ("partnerships", "change_kpi")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/admin/milestones/kpi/", "/admin/partnerships/kpi/"),
        ("/admin/milestones/kpitarget/7/change/", "/admin/partnerships/kpitarget/7/change/"),
        (
            "/admin/milestones/recomputerun/?status=failed",
            "/admin/progress/recomputerun/?status=failed",
        ),
    ],
)
def test_it_sends_an_old_admin_bookmark_to_the_moved_page(client, old, new):
    response = client.get(old)
    assert (response.status_code, response["Location"]) == (301, new)


def test_it_leaves_the_admin_pages_that_stayed_where_they_are(admin_client):
    assert admin_client.get("/admin/milestones/quarterlyreport/").status_code == 200
