"""Two tabs on one item in the admin: the second to save, from a page opened before the
first saved, is refused saying who saved and when, and writes nothing; so is a revert from
the History page.

Without the check Django's admin writes back every value the older page showed: a place
set in the other tab is emptied again, a target put back to its old figure, and an edit
of a row deleted meanwhile is lost behind an error nobody can see.
"""

import datetime
import re

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core import signing
from django.test import Client
from django.urls import reverse

from core.admin import SavedStateForm
from partnerships.models import KpiTarget

from .admin_forms import change, form_data, page_text
from .admin_pages import as_posted, page_words
from .conftest import VIETNAM
from .factories import (
    AgreementFactory,
    KpiFactory,
    KpiTargetFactory,
    ParticipantFactory,
    ProvinceFactory,
    UserFactory,
)

SAVED_AT = datetime.datetime(2025, 3, 10, 14, 5, tzinfo=VIETNAM)
# Both tabs are opened before tab A saves.
OPENED_AT = SAVED_AT - datetime.timedelta(minutes=20)

REFUSED = {
    "vi": (
        "hoang.thu.ha đã lưu thỏa thuận này lúc 14:05 10/03/2025, sau khi bạn mở trang này. "
        "Những gì đã nhập trên trang này chưa được lưu: hãy sao chép những nội dung cần giữ, "
        "tải lại trang để xem dữ liệu đã lưu rồi thực hiện lại các thay đổi."
    ),
    "en": (
        "hoang.thu.ha saved this agreement at 10 Mar 2025, 14:05, after you opened this page. "
        "Nothing entered on this page was saved: copy what you need from it, reload the page "
        "to see the saved values, then make your changes again."
    ),
}
ROW_DELETED = "Dòng này đã bị xóa sau khi trang này được mở nên các giá trị của dòng chưa được lưu."


@pytest.fixture
def colleague(db):
    """The other administrator, saving in tab A."""
    client = Client()
    client.force_login(UserFactory(username="hoang.thu.ha", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def agreement(db):
    # Entered before tab A saves, so that tab A's save is the newest.
    with time_machine.travel(SAVED_AT - datetime.timedelta(days=30), tick=False):
        agreement = AgreementFactory(phase__start_year=2021, phase__end_year=2025, place="")
        KpiTargetFactory(agreement=agreement, kpi=KpiFactory(code="bts_4g"), target_value=810)
    return agreement


def _url(agreement):
    return reverse("admin:partnerships_agreement_change", args=[agreement.pk])


def _opened(client, url) -> dict:
    """What a tab opened at `OPENED_AT` posts back."""
    with time_machine.travel(OPENED_AT, tick=False):
        return as_posted(client.get(url))


def _saved_in_tab_a(client, url, data):
    with time_machine.travel(SAVED_AT, tick=False):
        assert client.post(url, data).status_code == 302


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_save_from_a_page_opened_before_another_save_is_refused(
    admin_client, colleague, agreement, language
):
    url = _url(agreement)
    tab_a = _opened(colleague, url)
    tab_b = _opened(admin_client, url)
    tab_a.update({"place": "Lào Cai", "targets-0-target_value": "900"})
    _saved_in_tab_a(colleague, url, tab_a)
    records = agreement.history.count()

    tab_b["notes"] = "Ghi chú gõ ở tab thứ hai"
    response = admin_client.post(url, tab_b, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 200
    assert REFUSED[language] in page_words(response)
    # What tab B typed is still on the page, to be copied.
    assert "Ghi chú gõ ở tab thứ hai" in page_text(response)
    agreement.refresh_from_db()
    assert (agreement.place, agreement.notes) == ("Lào Cai", "")
    assert [target.target_value for target in agreement.targets.all()] == [900]
    assert agreement.history.count() == records


def test_an_edit_of_a_row_deleted_in_another_tab_is_refused_with_the_same_message(
    admin_client, colleague, agreement
):
    url = _url(agreement)
    tab_a = _opened(colleague, url)
    tab_b = _opened(admin_client, url)
    tab_a["targets-0-DELETE"] = "on"
    _saved_in_tab_a(colleague, url, tab_a)

    tab_b["targets-0-target_value"] = "2500"
    response = admin_client.post(url, tab_b, HTTP_ACCEPT_LANGUAGE="vi")

    assert response.status_code == 200
    words = page_words(response)
    assert REFUSED["vi"] in words
    # The row's own error, on its hidden id, is shown beside the row it is about.
    assert ROW_DELETED in words
    assert 'value="2500"' in page_text(response)
    assert not KpiTarget.objects.filter(agreement=agreement).exists()


def test_a_second_tab_of_the_same_administrator_is_told_it_was_their_own_save(
    admin_client, agreement
):
    url = _url(agreement)
    tab_a = _opened(admin_client, url)
    tab_b = _opened(admin_client, url)
    tab_a["place"] = "Lào Cai"
    _saved_in_tab_a(admin_client, url, tab_a)

    response = admin_client.post(url, {**tab_b, "notes": "Ghi chú"}, HTTP_ACCEPT_LANGUAGE="vi")

    assert (
        "Bạn đã lưu thỏa thuận này ở một thẻ khác lúc 14:05 10/03/2025, sau khi trang này "
        "được mở." in page_words(response)
    )
    agreement.refresh_from_db()
    assert (agreement.place, agreement.notes) == ("Lào Cai", "")


def test_a_save_after_reloading_the_page_goes_through(admin_client, colleague, agreement):
    url = _url(agreement)
    tab_a = _opened(colleague, url)
    tab_b = _opened(admin_client, url)
    _saved_in_tab_a(colleague, url, {**tab_a, "place": "Lào Cai"})
    assert admin_client.post(url, {**tab_b, "notes": "Ghi chú"}).status_code == 200

    reloaded = as_posted(admin_client.get(url))
    assert admin_client.post(url, {**reloaded, "notes": "Ghi chú"}).status_code == 302

    agreement.refresh_from_db()
    assert (agreement.place, agreement.notes) == ("Lào Cai", "Ghi chú")


def test_one_tab_saving_again_from_the_page_its_save_opened_is_never_refused(
    admin_client, agreement
):
    url = _url(agreement)
    page = as_posted(admin_client.get(url))
    saved = admin_client.post(url, {**page, "place": "Lào Cai", "_continue": "1"})
    assert saved.status_code == 302

    page = as_posted(admin_client.get(saved.url))
    page.update({"targets-0-target_value": "900", "_continue": "1"})
    assert admin_client.post(url, page).status_code == 302

    page = as_posted(admin_client.get(url))
    assert admin_client.post(url, {**page, "notes": "Ghi chú"}).status_code == 302
    agreement.refresh_from_db()
    assert (agreement.place, agreement.notes) == ("Lào Cai", "Ghi chú")
    assert [target.target_value for target in agreement.targets.all()] == [900]


def test_every_history_keeping_admin_refuses_a_page_opened_before_a_save(admin_client):
    province = ProvinceFactory(name="Lào Cai")
    tab_a = form_data(province, full_name="Tỉnh Lào Cai (sau sắp xếp)")
    tab_b = form_data(province, name="Lao Cai")
    assert change(admin_client, province, tab_a).status_code == 302

    response = change(admin_client, province, tab_b)

    assert response.status_code == 200
    assert "sau khi trang này được mở" in page_words(response)
    province.refresh_from_db()
    assert (province.name, province.full_name) == ("Lào Cai", "Tỉnh Lào Cai (sau sắp xếp)")


def test_a_change_to_rows_a_page_only_shows_does_not_refuse_its_save(
    admin_client, colleague, agreement
):
    # A person's page lists their parts in agreements, read only: a colleague editing that
    # part on the agreement's page changed nothing this page writes.
    part = ParticipantFactory(agreement=agreement, title_then="Chủ tịch UBND tỉnh")
    person_url = reverse("admin:partnerships_person_change", args=[part.person.pk])
    person_page = as_posted(admin_client.get(person_url))
    tab_a = as_posted(colleague.get(_url(agreement)))
    tab_a["participants-0-title_then"] = "Bí thư Tỉnh ủy"
    _saved_in_tab_a(colleague, _url(agreement), tab_a)

    person_page["notes"] = "Ghi chú mới"
    assert admin_client.post(person_url, person_page).status_code == 302
    part.person.refresh_from_db()
    assert part.person.notes == "Ghi chú mới"


# The save named is one made after the page was opened.


def test_a_change_that_kept_no_history_is_not_told_as_an_older_save(
    admin_client, colleague, agreement
):
    url = _url(agreement)
    _saved_in_tab_a(colleague, url, {**_opened(colleague, url), "place": "Lào Cai"})
    with time_machine.travel(SAVED_AT + datetime.timedelta(hours=1), tick=False):
        page = as_posted(admin_client.get(url))
    # Written as an import writes: no history is kept.
    KpiTarget.objects.filter(agreement=agreement).update(target_value=950)

    response = admin_client.post(url, {**page, "notes": "Ghi chú"}, HTTP_ACCEPT_LANGUAGE="vi")

    words = page_words(response)
    assert (
        "Thỏa thuận này đã được thay đổi sau khi trang này được mở. Những gì đã nhập trên "
        "trang này chưa được lưu" in words
    )
    assert "hoang.thu.ha" not in words
    agreement.refresh_from_db()
    assert agreement.notes == ""


def test_a_page_opened_before_it_carried_its_opening_time_is_checked_all_the_same(
    admin_client, colleague, agreement
):
    url = _url(agreement)

    def bare(page):
        # Such a page carries the digest alone, unsigned.
        digest, _opened_at = signing.loads(
            page["opened_state"], salt=SavedStateForm.opened_state_salt
        )
        return {**page, "opened_state": digest}

    stale = bare(_opened(admin_client, url))
    _saved_in_tab_a(colleague, url, {**_opened(colleague, url), "place": "Lào Cai"})

    response = admin_client.post(url, {**stale, "notes": "Ghi chú"}, HTTP_ACCEPT_LANGUAGE="en")

    # When it was opened is not known: no save is named.
    assert "This agreement was changed after this page was opened." in page_words(response)
    reloaded = bare(as_posted(admin_client.get(url)))
    assert admin_client.post(url, {**reloaded, "notes": "Ghi chú"}).status_code == 302
    agreement.refresh_from_db()
    assert (agreement.place, agreement.notes) == ("Lào Cai", "Ghi chú")


# The History page's revert, from a page opened before another save.


@pytest.fixture
def first_notes(agreement):
    """The version of the agreement to go back to: its notes as first written, before
    they were overwritten by mistake."""
    for days, notes in ((20, "Ghi chú ban đầu"), (10, "Ghi chú sửa nhầm")):
        with time_machine.travel(SAVED_AT - datetime.timedelta(days=days), tick=False):
            agreement.notes = notes
            agreement.save()
    version = agreement.history.get(notes="Ghi chú ban đầu")
    return reverse(
        "admin:partnerships_agreement_simple_history", args=[agreement.pk, version.history_id]
    )


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_revert_from_a_page_opened_before_another_save_is_refused(
    admin_client, colleague, agreement, first_notes, language
):
    reverting = _opened(admin_client, first_notes)
    tab_a = _opened(colleague, _url(agreement))
    _saved_in_tab_a(colleague, _url(agreement), {**tab_a, "place": "Lào Cai"})
    records = agreement.history.count()

    response = admin_client.post(first_notes, reverting, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 200
    assert REFUSED[language] in page_words(response)
    # Still the page of the version chosen, to revert to once reloaded.
    assert "Ghi chú ban đầu" in page_text(response)
    agreement.refresh_from_db()
    assert (agreement.place, agreement.notes) == ("Lào Cai", "Ghi chú sửa nhầm")
    assert agreement.history.count() == records


def test_a_revert_from_the_reloaded_page_goes_through(
    admin_client, colleague, agreement, first_notes
):
    reverting = _opened(admin_client, first_notes)
    tab_a = _opened(colleague, _url(agreement))
    _saved_in_tab_a(colleague, _url(agreement), {**tab_a, "place": "Lào Cai"})
    assert admin_client.post(first_notes, reverting).status_code == 200

    reloaded = as_posted(admin_client.get(first_notes))
    assert admin_client.post(first_notes, reloaded).status_code == 302

    agreement.refresh_from_db()
    # What the user chose to go back to, having seen the other save.
    assert (agreement.place, agreement.notes) == ("", "Ghi chú ban đầu")


def test_a_change_to_rows_a_revert_does_not_write_does_not_refuse_it(
    admin_client, colleague, agreement, first_notes
):
    reverting = _opened(admin_client, first_notes)
    tab_a = _opened(colleague, _url(agreement))
    tab_a["targets-0-target_value"] = "900"
    _saved_in_tab_a(colleague, _url(agreement), tab_a)

    assert admin_client.post(first_notes, reverting).status_code == 302

    agreement.refresh_from_db()
    assert agreement.notes == "Ghi chú ban đầu"
    assert [target.target_value for target in agreement.targets.all()] == [900]


def test_an_account_that_may_only_view_the_item_cannot_revert_it(
    client, admin_client, agreement, first_notes
):
    reverting = as_posted(admin_client.get(first_notes))
    viewer = UserFactory(username="nguoi.xem", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_agreement"))
    client.force_login(viewer)

    assert client.post(first_notes, reverting).status_code == 403

    agreement.refresh_from_db()
    assert agreement.notes == "Ghi chú sửa nhầm"


@pytest.mark.parametrize("page", ["change", "revert"])
def test_the_page_carries_its_digest_hidden(admin_client, agreement, first_notes, page):
    url = {"change": _url(agreement), "revert": first_notes}[page]

    shown = page_text(admin_client.get(url))

    assert re.search(r'<input type="hidden" name="opened_state" value="[^"]+"', shown)
