"""The merger record stays a record: no loops, in date order, nothing in it deleted."""

import contextlib
import datetime
import logging
import signal

import pytest
from django.db.models import ProtectedError
from django.urls import reverse

from progress import services as progress
from progress.models import ProvinceProgress
from provinces.access import Role
from provinces.lineage import ProvinceTree, with_predecessors
from provinces.models import Province
from provinces.services import ensure_role_groups, load_provinces_from_package

from .api import EN, VI, token_client
from .api import url as api_url
from .factories import (
    AgreementFactory,
    OrganisationFactory,
    PhaseFactory,
    ProvinceFactory,
    UserFactory,
)
from .progress_data import agreement_for, catalogue, report

# Long enough for any page on a loaded machine: the guard stops a loop, it times nothing.
HANG_SECONDS = 60


@contextlib.contextmanager
def within(seconds=HANG_SECONDS):
    """Fail, rather than hang the run, when the code inside loops forever."""

    def give_up(signum, frame):
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, give_up)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _form(province, **overrides):
    """The admin change form of `province` as it stands, with `overrides`."""
    data = {
        "code": province.code,
        "key": province.key,
        "name": province.name,
        "full_name": province.full_name,
        "name_ascii": province.name_ascii,
        "slug": province.slug,
        "kind": province.kind,
        "region": province.region,
        "latitude": "",
        "longitude": "",
        "valid_from": province.valid_from.isoformat() if province.valid_from else "",
        "valid_until": province.valid_until.isoformat() if province.valid_until else "",
        "successor": province.successor_id or "",
        "predecessors-TOTAL_FORMS": "0",
        "predecessors-INITIAL_FORMS": "0",
        "predecessors-MIN_NUM_FORMS": "0",
        "predecessors-MAX_NUM_FORMS": "1000",
    }
    return {**data, **overrides}


def _change(admin_client, province, **overrides):
    url = reverse("admin:provinces_province_change", args=[province.pk])
    return admin_client.post(url, _form(province, **overrides), **VI)


def _stored(province):
    return Province.objects.values("successor_id", "valid_until").get(pk=province.pk)


def test_the_admin_refuses_a_loop_in_the_merger_record(admin_client, provinces):
    lao_cai, former_lao_cai = provinces.lao_cai, provinces.former_lao_cai
    before = _stored(lao_cai)
    response = _change(admin_client, lao_cai, successor=former_lao_cai.pk)
    assert response.status_code == 200
    assert (
        "Lào Cai (đến 30/06/2025) đã được sáp nhập, trực tiếp hoặc qua đơn vị khác, vào địa "
        "phương này: hồ sơ sáp nhập sẽ thành một vòng khép kín."
    ) in response.content.decode()
    assert _stored(lao_cai) == before


def test_the_admin_refuses_a_province_merged_into_itself(admin_client, provinces):
    response = _change(
        admin_client, provinces.former_yen_bai, successor=provinces.former_yen_bai.pk
    )
    assert "Một tỉnh không thể sáp nhập vào chính nó." in response.content.decode()
    assert _stored(provinces.former_yen_bai)["successor_id"] == provinces.lao_cai.pk


def test_the_admin_refuses_a_current_province_merged_without_its_last_day(admin_client, provinces):
    response = _change(admin_client, provinces.lao_cai, successor=provinces.quang_tri.pk)
    assert "phải có ngày “hiệu lực đến”" in response.content.decode()
    assert _stored(provinces.lao_cai) == {"successor_id": None, "valid_until": None}
    assert provinces.quang_tri.predecessors.count() == 2


def test_the_admin_refuses_a_successor_valid_before_the_last_day(admin_client, provinces):
    response = _change(
        admin_client, provinces.lao_cai, successor=provinces.quang_tri.pk, valid_until="31/03/2026"
    )
    assert (
        "Quảng Trị có hiệu lực từ 01/07/2025: chỉ có thể tiếp nhận tỉnh có ngày cuối cùng "
        "trước ngày đó."
    ) in response.content.decode()
    assert _stored(provinces.lao_cai) == {"successor_id": None, "valid_until": None}


def test_the_admin_refuses_a_successor_that_ended_first(admin_client, provinces):
    response = _change(
        admin_client,
        provinces.lao_cai,
        successor=provinces.former_quang_tri.pk,
        valid_until="31/03/2026",
    )
    assert "Quảng Trị (đến 30/06/2025) đã hết hiệu lực ngày 30/06/2025" in response.content.decode()
    assert _stored(provinces.lao_cai) == {"successor_id": None, "valid_until": None}


def test_the_admin_refuses_a_validity_starting_before_its_predecessors_ended(
    admin_client, provinces
):
    response = _change(admin_client, provinces.lao_cai, valid_from="01/01/2025")
    assert (
        "Lào Cai, Yên Bái đã sáp nhập vào địa phương này và tồn tại đến 30/06/2025"
        in response.content.decode()
    )
    assert Province.objects.get(pk=provinces.lao_cai.pk).valid_from == datetime.date(2025, 7, 1)


def test_the_admin_refuses_in_english_for_an_english_reader(admin_client, provinces):
    url = reverse("admin:provinces_province_change", args=[provinces.lao_cai.pk])
    response = admin_client.post(
        url, _form(provinces.lao_cai, successor=provinces.former_lao_cai.pk), **EN
    )
    assert "the merger record would go round in a loop" in response.content.decode()


def test_the_admin_saves_a_merger_in_order(admin_client, provinces):
    response = _change(admin_client, provinces.former_yen_bai, successor=provinces.quang_tri.pk)
    assert response.status_code == 302
    assert _stored(provinces.former_yen_bai)["successor_id"] == provinces.quang_tri.pk


def _signed(province, signed_on, start, end):
    """An agreement of `province`'s committee in the phase of `start`–`end`."""
    return AgreementFactory(
        title=f"Thỏa thuận hợp tác VT-CNTT giai đoạn {start}–{end}",
        counterparty=OrganisationFactory(province=province),
        phase=PhaseFactory(start_year=start, end_year=end),
        signed_on=signed_on,
    )


def test_the_admin_refuses_a_last_day_before_its_committees_signed(admin_client, provinces):
    _signed(provinces.former_lao_cai, datetime.date(2021, 8, 5), 2021, 2025)
    response = _change(admin_client, provinces.former_lao_cai, valid_until="2020-06-30")

    assert response.status_code == 200
    assert (
        "1 thỏa thuận của các tổ chức thuộc tỉnh này được ký sau ngày 30/06/2020: Thỏa thuận hợp "
        "tác VT-CNTT giai đoạn 2021–2025 (2021–2025, 05/08/2021). Một đơn vị chỉ ký kết được khi "
        "đang tồn tại: hãy giữ một ngày muộn hơn, hoặc trước hết chuyển thỏa thuận sang UBND của "
        "tỉnh, thành phố mà đơn vị này đã sáp nhập vào."
    ) in response.content.decode()
    assert _stored(provinces.former_lao_cai)["valid_until"] == datetime.date(2025, 6, 30)


def test_the_admin_refuses_a_first_day_after_its_committees_signed(admin_client, provinces):
    _signed(provinces.lao_cai, datetime.date(2025, 9, 1), 2026, 2030)
    response = _change(admin_client, provinces.lao_cai, valid_from="2026-01-01")

    assert response.status_code == 200
    assert (
        "1 thỏa thuận của các tổ chức thuộc tỉnh này được ký trước ngày 01/01/2026: Thỏa thuận "
        "hợp tác VT-CNTT giai đoạn 2026–2030 (2026–2030, 01/09/2025)."
    ) in response.content.decode()
    assert Province.objects.get(pk=provinces.lao_cai.pk).valid_from == datetime.date(2025, 7, 1)


def test_the_refusal_names_the_first_five_agreements_and_counts_them_all(admin_client, provinces):
    committee = _signed(
        provinces.former_lao_cai, datetime.date(2021, 1, 5), 2021, 2025
    ).counterparty
    for month in range(2, 8):
        AgreementFactory(
            title=f"Thỏa thuận bổ sung số {month}",
            counterparty=committee,
            phase=PhaseFactory(start_year=2021, end_year=2025),
            signed_on=datetime.date(2021, month, 5),
        )
    response = _change(admin_client, provinces.former_lao_cai, valid_until="2020-06-30")

    assert response.status_code == 200
    page = response.content.decode()
    assert "7 thỏa thuận của các tổ chức thuộc tỉnh này được ký sau ngày 30/06/2020" in page
    assert "(2021–2025, 05/05/2021) …" in page
    assert "05/06/2021" not in page


def test_the_admin_saves_a_last_day_still_after_its_committees_signed(admin_client, provinces):
    _signed(provinces.former_lao_cai, datetime.date(2021, 8, 5), 2021, 2025)
    response = _change(admin_client, provinces.former_lao_cai, valid_until="2024-12-31")

    assert response.status_code == 302
    assert _stored(provinces.former_lao_cai)["valid_until"] == datetime.date(2024, 12, 31)


def _loop_lao_cai(provinces):
    """A loop written around the rule, as rows already stored before it would be."""
    Province.objects.filter(pk=provinces.lao_cai.pk).update(successor=provinces.former_lao_cai)


def test_the_lineage_stops_and_reports_a_stored_loop(provinces, caplog):
    _loop_lao_cai(provinces)
    loop = {provinces.lao_cai.pk, provinces.former_lao_cai.pk}
    with within(), caplog.at_level(logging.ERROR, logger="provinces.lineage"):
        tree = ProvinceTree()
        assert tree.cycles() == loop
        assert tree.with_predecessors([provinces.lao_cai.pk]) == {
            *loop,
            provinces.former_yen_bai.pk,
        }
        assert set(tree.bottom_up()) == set(tree.successor)
        assert tree.chain(provinces.former_yen_bai.pk)[:2] == [
            provinces.former_yen_bai.pk,
            provinces.lao_cai.pk,
        ]
    assert "loops through provinces" in caplog.text


def test_a_caller_holding_the_tree_asks_without_reading_the_provinces_again(
    provinces, django_assert_num_queries
):
    merged = {provinces.lao_cai.pk, provinces.former_lao_cai.pk, provinces.former_yen_bai.pk}
    assert with_predecessors([provinces.lao_cai.pk]) == merged
    tree = ProvinceTree()
    with django_assert_num_queries(0):
        assert with_predecessors([provinces.lao_cai.pk], tree) == merged


def test_the_pages_still_answer_with_a_stored_loop(official_client, provinces):
    _loop_lao_cai(provinces)
    with within():
        for url in (
            reverse("provinces:detail", args=["lao-cai"]),
            reverse("dashboards:province-dashboard", args=["lao-cai"]),
        ):
            assert official_client.get(url).status_code == 200


def test_the_api_and_the_admin_still_answer_with_a_stored_loop(official, admin_client, provinces):
    _loop_lao_cai(provinces)
    agreement = agreement_for(provinces.former_yen_bai)
    with within():
        data = token_client(official).get(api_url("agreement-detail", agreement.pk)).json()
        # The walk to the current unit stops where the loop closes, on the unit last met.
        assert data["current_province"]["slug"] == "lao-cai-truoc-2025"

        response = _change(admin_client, provinces.quang_tri, successor=provinces.lao_cai.pk)
    assert response.status_code == 200
    assert "phải có ngày “hiệu lực đến”" in response.content.decode()
    assert _stored(provinces.quang_tri)["successor_id"] is None


def test_the_admin_refuses_to_delete_a_former_unit_of_the_merger(admin_client, provinces):
    yen_bai = provinces.former_yen_bai
    url = reverse("admin:provinces_province_delete", args=[yen_bai.pk])
    page = admin_client.get(url, **VI).content.decode()
    assert "Hồ sơ sáp nhập: Yên Bái (đến 30/06/2025) đã sáp nhập vào Lào Cai" in page
    response = admin_client.post(url, {"post": "yes"}, **VI)
    assert response.status_code == 200
    assert Province.objects.filter(pk=yen_bai.pk).exists()


def test_the_portals_admin_group_reads_why_a_former_unit_cannot_be_deleted(client, provinces):
    # Not a superuser: the computed figures that would go with the province are not theirs to
    # delete, but that is not why the delete is refused.
    ensure_role_groups()
    client.force_login(UserFactory(username="admin", is_staff=True, roles=[Role.ADMIN]))
    yen_bai = provinces.former_yen_bai
    report(agreement_for(yen_bai), "2024Q4", {catalogue()["bts_total"]: 300})
    progress.recompute_all()
    assert ProvinceProgress.objects.filter(province=yen_bai).exists()
    url = reverse("admin:provinces_province_delete", args=[yen_bai.pk])

    page = client.get(url, **VI).content.decode()

    assert "Hồ sơ sáp nhập: Yên Bái (đến 30/06/2025) đã sáp nhập vào Lào Cai" in page
    assert "Tài khoản của bạn không được cấp quyển xóa" not in page
    assert client.post(url, {"post": "yes"}, **VI).status_code == 200
    assert Province.objects.filter(pk=yen_bai.pk).exists()


def test_the_admin_refuses_to_delete_the_merger_through_the_list_action(admin_client, provinces):
    response = admin_client.post(
        reverse("admin:provinces_province_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [provinces.former_yen_bai.pk, provinces.lao_cai.pk],
            "post": "yes",
        },
        **VI,
    )
    assert "Hồ sơ sáp nhập: Yên Bái (đến 30/06/2025)" in response.content.decode()
    assert (
        Province.objects.filter(pk__in=[provinces.former_yen_bai.pk, provinces.lao_cai.pk]).count()
        == 2
    )


def test_a_former_unit_refuses_deletion_outside_the_admin(provinces):
    with pytest.raises(ProtectedError):
        provinces.former_yen_bai.delete()
    assert provinces.lao_cai.predecessors.count() == 2


def test_the_admin_refuses_to_delete_a_province_with_a_partner_organisation(admin_client, db):
    province = ProvinceFactory()
    OrganisationFactory(province=province)
    url = reverse("admin:provinces_province_delete", args=[province.pk])
    admin_client.post(url, {"post": "yes"}, **VI)
    assert Province.objects.filter(pk=province.pk).exists()


def test_the_admin_deletes_a_province_outside_the_record(admin_client, db):
    province = ProvinceFactory()
    url = reverse("admin:provinces_province_delete", args=[province.pk])
    assert admin_client.post(url, {"post": "yes"}, **VI).status_code == 302
    assert not Province.objects.filter(pk=province.pk).exists()


def test_the_headings_name_the_province_in_the_readers_language(official_client, provinces):
    record = reverse("provinces:detail", args=["lao-cai"])
    dashboard = reverse("dashboards:province-dashboard", args=["lao-cai"])
    # Vietnamese first, so that the English dashboard is not the body kept for Vietnamese.
    assert "<h1>Tỉnh Lào Cai" in official_client.get(record, **VI).content.decode()
    assert (
        "<h1>Bảng điều khiển: tỉnh Lào Cai" in official_client.get(dashboard, **VI).content.decode()
    )
    assert "<h1>Lào Cai province" in official_client.get(record, **EN).content.decode()
    assert (
        "<h1>Dashboard: Lào Cai province" in official_client.get(dashboard, **EN).content.decode()
    )


def test_the_loader_repairs_a_loop_stored_by_hand(db):
    load_provinces_from_package()
    lao_cai = Province.objects.current().get(name="Lào Cai")
    former_lao_cai = Province.objects.former().get(name="Lào Cai")
    Province.objects.filter(pk=lao_cai.pk).update(successor=former_lao_cai)
    load_provinces_from_package()
    assert _stored(lao_cai)["successor_id"] is None
    assert ProvinceTree().cycles() == set()
