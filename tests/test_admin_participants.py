"""Signers entered twice on an agreement's admin page are refused in Vietnamese, never a 500,
and so is a signer or speaker listed as attending too.

Two tabs open on the same agreement, each adding the same signer: the second save
is refused with a message saying what is wrong, the row stays on the page as typed,
and the admin's banner reads in Vietnamese.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from partnerships.models import Participant, ParticipantRole, ParticipantSide

from .admin_pages import as_posted, row_errors
from .factories import AgreementFactory, ParticipantFactory, PersonFactory

BANNER = "Vui lòng sửa các lỗi được đánh dấu dưới đây."


@pytest.fixture
def agreement(db):
    return AgreementFactory(phase__start_year=2021, phase__end_year=2025)


def _with_signers(page_data, *people, title="Chủ tịch UBND tỉnh", role=ParticipantRole.SIGNED):
    data = dict(page_data)
    row = int(data["participants-TOTAL_FORMS"])
    data["participants-TOTAL_FORMS"] = str(row + len(people))
    for offset, person in enumerate(people):
        prefix = f"participants-{row + offset}"
        data.update(
            {
                f"{prefix}-person": str(person.pk),
                f"{prefix}-side": ParticipantSide.COUNTERPARTY,
                f"{prefix}-role": role,
                f"{prefix}-title_then": title,
            }
        )
    return data


def participants_errors(response) -> list[str]:
    """The errors of the participants' rows taken together, as the page shows them."""
    formset = response.context["inline_admin_formsets"][0].formset
    return [str(error) for error in formset.non_form_errors()]


def test_a_signer_saved_meanwhile_in_another_tab_is_refused_with_a_message(admin_client, agreement):
    person = PersonFactory(full_name="Trịnh Văn Chiến")
    url = reverse("admin:partnerships_agreement_change", args=[agreement.pk])
    first_tab = as_posted(admin_client.get(url))
    second_tab = as_posted(admin_client.get(url))
    assert admin_client.post(url, _with_signers(first_tab, person)).status_code == 302

    second_tab["title"] = "Thỏa thuận hợp tác đã sửa ở tab thứ hai"
    response = admin_client.post(
        url, _with_signers(second_tab, person, title="Bí thư Tỉnh ủy"), HTTP_ACCEPT_LANGUAGE="vi"
    )

    assert response.status_code == 200
    assert (
        "Cá nhân này đã có vai trò này trong thỏa thuận: hãy đổi vai trò hoặc xóa dòng này."
        in row_errors(response)
    )
    content = response.content.decode()
    assert BANNER in content
    # What the second tab typed is still on the page, to correct and save again.
    assert "Bí thư Tỉnh ủy" in content
    assert "Thỏa thuận hợp tác đã sửa ở tab thứ hai" in content
    agreement.refresh_from_db()
    assert agreement.title != "Thỏa thuận hợp tác đã sửa ở tab thứ hai"
    assert [part.title_then for part in agreement.participants.all()] == ["Chủ tịch UBND tỉnh"]


def test_the_same_signer_twice_on_one_page_is_named_by_its_labels(admin_client, agreement):
    person = PersonFactory()
    url = reverse("admin:partnerships_agreement_change", args=[agreement.pk])
    data = _with_signers(as_posted(admin_client.get(url)), person, person)
    response = admin_client.post(url, data, HTTP_ACCEPT_LANGUAGE="vi")

    assert response.status_code == 200
    assert participants_errors(response) == [
        "Có các dòng trùng nhau về cá nhân và vai trò; mỗi tổ hợp này chỉ được nhập một lần, "
        "vui lòng sửa lại."
    ]
    assert BANNER in response.content.decode()
    assert not agreement.participants.exists()


def test_the_admin_banner_reads_in_vietnamese_for_one_error(admin_client, agreement):
    url = reverse("admin:partnerships_agreement_change", args=[agreement.pk])
    data = as_posted(admin_client.get(url))
    data["title"] = ""
    content = admin_client.post(url, data, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert BANNER in content
    assert "Please correct the error" not in content


def test_a_signer_added_again_as_an_attendee_is_refused_with_a_message(admin_client, agreement):
    person = PersonFactory(full_name="Trịnh Xuân Trường")
    ParticipantFactory(agreement=agreement, person=person, role=ParticipantRole.SIGNED)
    url = reverse("admin:partnerships_agreement_change", args=[agreement.pk])
    data = _with_signers(as_posted(admin_client.get(url)), person, role=ParticipantRole.ATTENDED)
    response = admin_client.post(url, data, HTTP_ACCEPT_LANGUAGE="vi")

    assert response.status_code == 200
    assert (
        "Trịnh Xuân Trường được ghi ở bên này vừa là “Ký kết” vừa là “Tham dự”: người đã ký hoặc "
        "phát biểu thì đã có mặt, nên chỉ giữ dòng “Ký kết”." in row_errors(response)
    )
    assert [part.role for part in agreement.participants.all()] == [ParticipantRole.SIGNED]


def test_a_signer_and_an_attendee_added_on_one_page_are_refused_with_a_message(
    admin_client, agreement
):
    person = PersonFactory(full_name="Trịnh Xuân Trường")
    url = reverse("admin:partnerships_agreement_change", args=[agreement.pk])
    data = _with_signers(as_posted(admin_client.get(url)), person)
    data = _with_signers(data, person, role=ParticipantRole.ATTENDED)
    response = admin_client.post(url, data, HTTP_ACCEPT_LANGUAGE="vi")

    assert response.status_code == 200
    assert participants_errors(response) == [
        "Trịnh Xuân Trường được ghi ở bên này vừa là “Ký kết” vừa là “Tham dự”: người đã ký hoặc "
        "phát biểu thì đã có mặt, nên chỉ giữ dòng “Ký kết”."
    ]
    assert not agreement.participants.exists()


@pytest.mark.parametrize("present", [ParticipantRole.SIGNED, ParticipantRole.SPOKE])
def test_an_attendee_cannot_also_sign_or_speak_on_the_same_side(agreement, present):
    person = PersonFactory(full_name="Phạm Đức Long")
    ParticipantFactory(agreement=agreement, person=person, role=ParticipantRole.ATTENDED)
    part = Participant(
        agreement=agreement,
        person=person,
        side=ParticipantSide.COUNTERPARTY,
        role=present,
        title_then="Chủ tịch UBND tỉnh",
    )

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        part.full_clean()

    label = ParticipantRole(present).label
    with translation.override("en"):
        assert refused.value.message_dict["role"] == [
            f"Phạm Đức Long is listed on this side both as “{label}” and as “Attended”: whoever "
            f"signed or spoke was there, so keep only the “{label}” row."
        ]


def test_a_signer_may_also_have_spoken(agreement):
    person = PersonFactory()
    ParticipantFactory(agreement=agreement, person=person, role=ParticipantRole.SIGNED)
    Participant(
        agreement=agreement,
        person=person,
        side=ParticipantSide.COUNTERPARTY,
        role=ParticipantRole.SPOKE,
        title_then="Chủ tịch UBND tỉnh",
    ).full_clean()


def test_rows_without_a_person_are_told_to_choose_one_not_answered_with_an_error_page(
    admin_client, agreement
):
    url = reverse("admin:partnerships_agreement_change", args=[agreement.pk])
    data = as_posted(admin_client.get(url))
    data = _with_signers(data, PersonFactory())
    data = _with_signers(data, PersonFactory(), role=ParticipantRole.ATTENDED)
    for row in (0, 1):
        data[f"participants-{row}-person"] = ""
    response = admin_client.post(url, data, HTTP_ACCEPT_LANGUAGE="vi")

    assert response.status_code == 200
    assert BANNER in response.content.decode()
    assert not agreement.participants.exists()
