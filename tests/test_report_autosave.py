"""The form keeps a draft while the user types, through the same checks as Save draft."""

import re

import pytest
from django.urls import reverse

from milestones.models import QuarterlyReport

from .conftest import report_form_data
from .factories import UserFactory

pytestmark = pytest.mark.django_db


def autosave_url(scenario):
    return reverse("milestones:report-autosave", args=[scenario.agreement.pk, scenario.quarter])


def the_report(scenario):
    return QuarterlyReport.objects.filter(agreement=scenario.agreement, quarter=scenario.quarter)


def test_it_saves_a_draft_and_answers_the_new_version(client, staff_laocai, laocai):
    client.force_login(staff_laocai)
    response = client.post(
        autosave_url(laocai), report_form_data(laocai), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    answer = response.json()
    assert answer["saved"] is True
    assert answer["version"] == 1
    assert answer["message"].startswith("Draft saved automatically at")

    again = report_form_data(laocai, version=1, **{"kpi-bts_total-value": "1150"})
    assert client.post(autosave_url(laocai), again).json()["version"] == 2
    assert the_report(laocai).get().values.get(kpi=laocai.bts_total).value == 1150


def test_it_saves_nothing_while_a_value_needs_correcting(client, staff_laocai, laocai):
    client.force_login(staff_laocai)
    typed = report_form_data(laocai, **{"kpi-bts_total-value": "một nghìn"})
    response = client.post(autosave_url(laocai), typed, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    answer = response.json()
    assert answer["saved"] is False
    # The fields are marked only once saved by hand: the line names the one to correct.
    assert answer["message"].startswith(
        f"Not saved automatically, 1 field to correct: {laocai.bts_total.name_en}: Value: "
    )
    assert "marked" not in answer["message"]
    assert not the_report(laocai).exists()


@pytest.mark.parametrize(
    ("language", "named"),
    [
        ("en", "Not saved automatically, 2 fields to correct; the first: {kpi}: Value: "),
        ("vi", "Chưa tự động lưu được (2 ô cần sửa), trước hết: {kpi}: Giá trị: "),
    ],
)
def test_it_names_the_first_field_to_correct_and_counts_them(
    client, staff_laocai, laocai, language, named
):
    client.force_login(staff_laocai)
    typed = report_form_data(
        laocai, **{"kpi-bts_total-value": "một nghìn", "kpi-bts_4g-value": "abc"}
    )
    response = client.post(autosave_url(laocai), typed, HTTP_ACCEPT_LANGUAGE=language)

    message = response.json()["message"]
    # The first in the form's order: 4G stations are listed before the total.
    kpi = laocai.bts_4g.name_en if language == "en" else laocai.bts_4g.name_vi
    assert message.startswith(named.format(kpi=kpi))
    assert not the_report(laocai).exists()


def test_it_says_so_and_saves_nothing_when_another_person_saved_first(
    client, staff_laocai, laocai, provinces
):
    from provinces.access import Role

    colleague = UserFactory(username="colleague", roles=[Role.STAFF], provinces=[provinces.lao_cai])
    client.force_login(colleague)
    client.post(autosave_url(laocai), report_form_data(laocai, **{"kpi-bts_total-value": "1111"}))

    client.force_login(staff_laocai)
    mine = report_form_data(laocai, version=0, **{"kpi-bts_total-value": "1222"})
    response = client.post(autosave_url(laocai), mine, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    assert "colleague saved this report" in response.json()["message"]
    assert the_report(laocai).get().values.get(kpi=laocai.bts_total).value == 1111


def test_it_keeps_another_provinces_report_out_of_reach(client, laocai, provinces):
    from provinces.access import Role

    outsider = UserFactory(username="outsider", roles=[Role.STAFF], provinces=[provinces.quang_tri])
    client.force_login(outsider)
    assert client.post(autosave_url(laocai), report_form_data(laocai)).status_code == 404
    assert not the_report(laocai).exists()


def test_it_answers_an_ended_session_in_json_not_with_the_login_page(client, laocai):
    response = client.post(
        autosave_url(laocai), report_form_data(laocai), HTTP_ACCEPT_LANGUAGE="vi"
    )
    assert response.status_code == 401
    answer = response.json()
    assert answer["saved"] is False
    assert answer["code"] == "not_authenticated"
    # The script says so in the form's words (data-session-message, below), which it needs
    # for a login page or a refused token too: the answer carries no second copy of them.
    assert "message" not in answer
    assert not the_report(laocai).exists()


def test_the_form_carries_the_ended_session_message_for_the_script(client, staff_laocai, laocai):
    client.force_login(staff_laocai)
    edit = reverse("milestones:report-edit", args=[laocai.agreement.pk, laocai.quarter])
    page = client.get(edit, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert 'data-session-message="Phiên đăng nhập đã hết hạn. Hãy đăng nhập lại' in page
    assert f'data-keep-key="report-form:{staff_laocai.pk}:{laocai.agreement.pk}:' in page


def test_the_values_kept_in_the_browser_are_found_again_in_either_language(
    client, staff_laocai, laocai
):
    client.force_login(staff_laocai)
    edit = reverse("milestones:report-edit", args=[laocai.agreement.pk, laocai.quarter])
    keys = {
        re.search(r'data-keep-key="([^"]*)"', page).group(1)
        for language in ("vi", "en")
        for page in [client.get(edit, HTTP_ACCEPT_LANGUAGE=language).content.decode()]
    }
    # The quarter 20214 is written 20.214 in Vietnamese and 20,214 in English on the page.
    assert keys == {f"report-form:{staff_laocai.pk}:{laocai.agreement.pk}:{laocai.quarter}"}


def test_it_says_when_the_users_own_save_in_another_tab_came_first(client, staff_laocai, laocai):
    client.force_login(staff_laocai)
    client.post(autosave_url(laocai), report_form_data(laocai))
    response = client.post(
        autosave_url(laocai),
        report_form_data(laocai, version=0, narrative="Gõ ở thẻ cũ."),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 409
    message = response.json()["message"]
    assert message.startswith("Not saved automatically: you saved this report in another tab")
    assert "their values" not in message


def test_a_value_typed_back_as_it_was_keeps_the_version_and_says_nothing_changed(
    client, staff_laocai, laocai
):
    client.force_login(staff_laocai)
    client.post(autosave_url(laocai), report_form_data(laocai))
    response = client.post(
        autosave_url(laocai), report_form_data(laocai, version=1), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    # "saved": the form's values are those stored, and the script keeps the same version.
    assert response.json() == {
        "saved": True,
        "version": 1,
        "message": "Nothing had changed since the last save; the report was not saved again.",
    }
    assert the_report(laocai).get().version == 1


def test_an_autosave_reads_the_reports_kpis_once(
    client, staff_laocai, laocai, django_assert_max_num_queries
):
    client.force_login(staff_laocai)
    client.post(autosave_url(laocai), report_form_data(laocai))
    typed = report_form_data(laocai, version=1, **{"kpi-bts_total-value": "1150"})
    # A form open for an hour saves every few seconds: its cost is held where it is now,
    # with the form, the checks and the write sharing the KPI lines the form was built from,
    # and two for where each commitment stood in the last approved quarter.
    with django_assert_max_num_queries(30) as captured:
        response = client.post(autosave_url(laocai), typed)
    assert response.json()["saved"] is True
    catalogue_reads = [
        query for query in captured.captured_queries if 'FROM "milestones_kpi" ' in query["sql"]
    ]
    assert len(catalogue_reads) == 1
