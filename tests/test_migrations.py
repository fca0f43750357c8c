"""A database made before the apps were reshaped migrates forward with nothing lost.

The KPI catalogue moved from milestones to partnerships and the computed tables
to progress by state alone: the same tables, the same rows, and the permissions
granted on those models still granted.
"""

import html

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from partnerships.models import Kpi
from progress.models import NationalProgress

from .factories import ProvinceFactory

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
        ("/admin/partnerships/signatory/", "/admin/partnerships/participant/"),
        (
            "/admin/partnerships/signatory/3/change/?_changelist_filters=role%3Dsigned",
            "/admin/partnerships/participant/3/change/?_changelist_filters=role%3Dsigned",
        ),
    ],
)
def test_it_sends_an_old_admin_bookmark_to_the_moved_page(client, old, new):
    response = client.get(old)
    assert (response.status_code, response["Location"]) == (301, new)


def test_it_leaves_the_admin_pages_that_stayed_where_they_are(admin_client):
    assert admin_client.get("/admin/milestones/quarterlyreport/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_it_carries_each_signatory_over_as_a_participant_with_its_history_and_permissions():
    old = _migrate([("partnerships", "0006_agreement_terminated_on")])
    models = {name: old.get_model("partnerships", name) for name in ("Phase", "Organisation")}
    phase = models["Phase"].objects.create(
        code="2021-2025", name="2021–2025", start_year=2021, end_year=2025
    )
    vnpt = models["Organisation"].objects.create(name="Tập đoàn VNPT", kind="vnpt")
    agreement = old.get_model("partnerships", "Agreement").objects.create(
        counterparty=vnpt, title="Thỏa thuận", kind="strategic", phase=phase,
        period_start=2021, period_end=2025, signed_precision="day", signing_mode="unknown",
    )  # fmt: skip
    person = old.get_model("partnerships", "Person").objects.create(full_name="Huỳnh Quang Liêm")
    signatory = old.get_model("partnerships", "Signatory").objects.create(
        agreement=agreement, person=person, side="vnpt", role="signed",
        title_at_signing="Tổng Giám đốc Tập đoàn VNPT",
    )  # fmt: skip
    old.get_model("partnerships", "HistoricalSignatory").objects.create(
        id=signatory.pk, agreement_id=agreement.pk, person_id=person.pk, side="vnpt", role="signed",
        title_at_signing="Tổng Giám đốc", history_date="2021-08-05T00:00:00Z", history_type="+",
    )  # fmt: skip
    content_types = old.get_model("contenttypes", "ContentType")
    signatory_type, _ = content_types.objects.get_or_create(
        app_label="partnerships", model="signatory"
    )
    change, _ = old.get_model("auth", "Permission").objects.get_or_create(
        content_type=signatory_type,
        codename="change_signatory",
        defaults={"name": "Can change signatory"},
    )
    editors = old.get_model("auth", "Group").objects.create(name="agreement editors")
    editors.permissions.add(change)

    _migrate(_latest())

    from partnerships.models import Participant

    participant = Participant.objects.get()
    assert (participant.person.full_name, participant.role, participant.title_then) == (
        "Huỳnh Quang Liêm",
        "signed",
        "Tổng Giám đốc Tập đoàn VNPT",
    )
    assert participant.history.get().title_then == "Tổng Giám đốc"
    granted = Group.objects.get(name="agreement editors").permissions.get()
    assert (granted.content_type.model, granted.codename) == ("participant", "change_participant")


@pytest.mark.django_db(transaction=True)
def test_it_keeps_organisations_whose_names_differ_only_in_capitals(admin_client):
    old = _migrate([("partnerships", "0010_organisation_name_unique_per_province")])
    province = ProvinceFactory(name="Lào Cai")
    organisations = old.get_model("partnerships", "Organisation").objects
    # Rows written around the form's check, as two saves at once could.
    organisations.create(name="Ủy ban nhân dân tỉnh Lào Cai", kind="ppc", province_id=province.pk)
    twin = organisations.create(
        name="ỦY BAN NHÂN DÂN TỈNH LÀO CAI", kind="ppc", province_id=province.pk
    )

    _migrate(_latest())

    from partnerships.models import Organisation

    assert sorted(Organisation.objects.values_list("name", flat=True)) == [
        "ỦY BAN NHÂN DÂN TỈNH LÀO CAI",
        "Ủy ban nhân dân tỉnh Lào Cai",
    ]
    # The twin's next edit is refused, naming the organisation it repeats.
    response = admin_client.post(
        reverse("admin:partnerships_organisation_change", args=[twin.pk]),
        {"name": twin.name, "short_name": "", "kind": "ppc", "province": province.pk},
    )
    assert response.status_code == 200
    assert (
        "Tỉnh này đã có tổ chức đối tác “Ủy ban nhân dân tỉnh Lào Cai”: hai tên chỉ khác nhau về "
        "chữ hoa, dấu hoặc khoảng trắng."
    ) in html.unescape(response.content.decode())


@pytest.mark.django_db(transaction=True)
def test_it_keeps_kpis_people_and_a_second_vnpt_that_differ_only_in_capitals(admin_client):
    old = _migrate([("partnerships", "0012_organisation_unique_folded_name")])
    models = {name: old.get_model("partnerships", name).objects for name in ("Kpi", "Person")}
    organisations = old.get_model("partnerships", "Organisation").objects
    count = {"kind": "count", "space_aggregation": "sum"}
    # Rows written before anything refused them.
    bts = models["Kpi"].create(code="bts_total", name_vi="Tổng số trạm BTS", name_en="BTS", **count)
    twin = models["Kpi"].create(
        code="BTS-TOTAL", name_vi="TỔNG SỐ TRẠM BTS", name_en="BTS stations", **count
    )
    vnpt = organisations.create(name="Tập đoàn VNPT", kind="vnpt")
    second = organisations.create(name="VNPT Lào Cai", kind="vnpt")
    models["Person"].create(full_name="Trịnh Xuân Trường", organisation_id=vnpt.pk)
    models["Person"].create(full_name="TRỊNH XUÂN TRƯỜNG", organisation_id=vnpt.pk)

    _migrate(_latest())

    from partnerships.models import Kpi, Organisation, OrganisationKind, Person

    assert Kpi.objects.values_list("code", "folded_code", "folded_name_vi").get(pk=bts.pk) == (
        "bts_total",
        "bts_total",
        "tong so tram bts",
    )
    # The later twin keeps its rows and its own English name, and none of the folded twins.
    assert Kpi.objects.values_list("folded_code", "folded_name_vi", "folded_name_en").get(
        pk=twin.pk
    ) == (None, None, "bts stations")
    assert sorted(Person.objects.values_list("full_name", flat=True)) == [
        "TRỊNH XUÂN TRƯỜNG",
        "Trịnh Xuân Trường",
    ]
    assert dict(Organisation.objects.values_list("pk", "kind")) == {
        vnpt.pk: OrganisationKind.VNPT,
        second.pk: OrganisationKind.OTHER,
    }
    # The twin's next edit is refused, naming the KPI it repeats.
    twin = Kpi.objects.get(pk=twin.pk)
    response = admin_client.post(
        reverse("admin:partnerships_kpi_change", args=[twin.pk]),
        {
            "code": twin.code,
            "name_vi": twin.name_vi,
            "name_en": twin.name_en,
            "kind": "count",
            "time_aggregation": "latest",
            "space_aggregation": "sum",
            "order": "0",
        },
    )
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "Chỉ tiêu “Tổng số trạm BTS” đã mang mã bts_total" in page
    assert "Chỉ tiêu bts_total đã mang tên “Tổng số trạm BTS”" in page
