"""Two people editing one report: the second save is refused, nothing is overwritten."""

import pytest
from django.urls import reverse

from milestones.models import QuarterlyReport
from tests.factories import UserFactory

from .api import EN
from .conftest import report_form_data

pytestmark = pytest.mark.django_db


def test_it_refuses_the_second_save_and_shows_both_versions(
    client, staff_laocai, laocai, provinces
):
    from provinces.access import Role

    colleague = UserFactory(username="colleague", roles=[Role.STAFF], provinces=[provinces.lao_cai])
    url = reverse("milestones:report-edit", args=[laocai.agreement.pk, laocai.quarter])

    client.force_login(colleague)
    client.post(url, report_form_data(laocai, **{"kpi-bts_total-value": "1111"}))

    client.force_login(staff_laocai)
    response = client.post(
        url,
        report_form_data(laocai, version=0, **{"kpi-bts_total-value": "1222"}),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "colleague saved this report at" in page
    assert 'value="1222"' in page, "what the second user typed is kept"
    assert "1,111" in page, "the first user's value is shown beside it"
    report = QuarterlyReport.objects.get(agreement=laocai.agreement, quarter=laocai.quarter)
    assert report.values.get(kpi=laocai.bts_total).value == 1111

    resubmit = response.context["form"].data.copy()
    response = client.post(url, resubmit)
    assert response.status_code == 302, "saving again after seeing the conflict is deliberate"
    report.refresh_from_db()
    assert report.values.get(kpi=laocai.bts_total).value == 1222
    assert report.version == 2


def test_a_refused_submit_then_a_corrected_one_never_meets_the_users_own_save(
    client, staff_laocai, laocai
):
    url = reverse("milestones:report-edit", args=[laocai.agreement.pk, laocai.quarter])
    client.force_login(staff_laocai)
    first = report_form_data(laocai, **{"kpi-bts_4g-value": "", "submit": "1"})

    refused = client.post(url, first, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Enter this value before submitting the report." in page
    assert "saved this report" not in page
    # Both or neither: nothing of the refused submission is stored.
    assert not QuarterlyReport.objects.filter(
        agreement=laocai.agreement, quarter=laocai.quarter
    ).exists()

    corrected = refused.context["form"].data.copy()
    corrected["kpi-bts_4g-value"] = "400"
    accepted = client.post(url, corrected, HTTP_ACCEPT_LANGUAGE="en")
    assert accepted.status_code == 302
    report = QuarterlyReport.objects.get(agreement=laocai.agreement, quarter=laocai.quarter)
    assert report.status == "submitted"
    assert report.values.get(kpi=laocai.bts_4g).value == 400


def test_a_refused_submit_of_a_saved_draft_keeps_the_draft_and_its_version(
    client, staff_laocai, laocai
):
    url = reverse("milestones:report-edit", args=[laocai.agreement.pk, laocai.quarter])
    client.force_login(staff_laocai)
    client.post(url, report_form_data(laocai, **{"kpi-bts_4g-value": ""}))
    report = QuarterlyReport.objects.get(agreement=laocai.agreement, quarter=laocai.quarter)
    assert report.version == 1

    typed = report_form_data(
        laocai, version=1, **{"kpi-bts_total-value": "1150", "kpi-bts_4g-value": "", "submit": "1"}
    )
    refused = client.post(url, typed, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 200
    report.refresh_from_db()
    assert (report.version, report.status) == (1, "draft")
    assert report.values.get(kpi=laocai.bts_total).value == 1100, "the draft stands as saved"
    assert 'value="1150"' in refused.content.decode(), "what the user typed is kept on screen"

    corrected = refused.context["form"].data.copy()
    corrected["kpi-bts_4g-value"] = "400"
    assert client.post(url, corrected).status_code == 302
    report.refresh_from_db()
    assert (report.status, report.values.get(kpi=laocai.bts_total).value) == ("submitted", 1150)


def test_a_review_from_a_page_opened_before_the_users_own_decision_says_so(
    client, staff_laocai, reviewer, laocai
):
    from milestones.models import ReportStatus

    url = reverse("milestones:report-edit", args=[laocai.agreement.pk, laocai.quarter])
    client.force_login(staff_laocai)
    client.post(url, report_form_data(laocai, submit="1"))
    report = QuarterlyReport.objects.get(agreement=laocai.agreement, quarter=laocai.quarter)
    opened_at = report.version

    client.force_login(reviewer)
    client.post(reverse("milestones:report-approve", args=[report.pk]), {"version": opened_at})
    response = client.post(
        reverse("milestones:report-return", args=[report.pk]),
        {"version": opened_at, "comment": "Cần sửa."},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    page = response.content.decode()
    assert "You already decided on this report at" in page
    assert "look at it again before you approve or return it" in page
    assert "compare them" not in page and "someone" not in page
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED


def test_a_review_from_a_page_older_than_a_resubmission_says_the_report_changed(
    client, staff_laocai, reviewer, laocai
):
    url = reverse("milestones:report-edit", args=[laocai.agreement.pk, laocai.quarter])
    client.force_login(staff_laocai)
    client.post(url, report_form_data(laocai, submit="1"))
    report = QuarterlyReport.objects.get(agreement=laocai.agreement, quarter=laocai.quarter)
    client.force_login(reviewer)
    response = client.post(
        reverse("milestones:report-approve", args=[report.pk]),
        {"version": report.version - 1},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert "Báo cáo đã thay đổi sau khi bạn mở trang" in response.content.decode()


def test_a_save_from_an_older_tab_of_the_same_user_is_told_as_theirs(client, staff_laocai, laocai):
    url = reverse("milestones:report-edit", args=[laocai.agreement.pk, laocai.quarter])
    client.force_login(staff_laocai)
    client.post(url, report_form_data(laocai))
    response = client.post(
        url,
        report_form_data(laocai, version=0, **{"kpi-bts_total-value": "1222"}),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    page = response.content.decode()
    assert "You saved this report in another tab at" in page
    assert "Saved value" in page and "Their value" not in page
    assert "colleague" not in page and "Their saved values" not in page
    assert 'value="1222"' in page


def test_saving_a_draft_with_nothing_changed_says_so_and_costs_a_colleague_no_conflict(
    client, staff_laocai, laocai, provinces
):
    from provinces.access import Role

    colleague = UserFactory(username="colleague", roles=[Role.STAFF], provinces=[provinces.lao_cai])
    url = reverse("milestones:report-edit", args=[laocai.agreement.pk, laocai.quarter])
    client.force_login(colleague)
    client.post(url, report_form_data(laocai))
    report = QuarterlyReport.objects.get(agreement=laocai.agreement, quarter=laocai.quarter)
    assert report.version == 1

    # Another person opens the form and presses Save draft without changing anything.
    client.force_login(staff_laocai)
    opened = client.get(url).context["form"].initial
    assert opened["version"] == 1
    response = client.post(url, report_form_data(laocai, version=1), follow=True)
    assert "Không có gì thay đổi kể từ lần lưu trước nên báo cáo không được lưu lại" in (
        response.content.decode()
    )
    report.refresh_from_db()
    assert (report.version, report.updated_by) == (1, colleague)
    english = client.post(url, report_form_data(laocai, version=1), follow=True, **EN)
    assert "Nothing had changed since the last save;" in english.content.decode()

    # The colleague's real change, from the page opened at version 1, is saved as usual.
    client.force_login(colleague)
    changed = client.post(
        url, report_form_data(laocai, version=1, **{"kpi-bts_total-value": "1150"}), **EN
    )
    assert changed.status_code == 302
    report.refresh_from_db()
    assert (report.version, report.values.get(kpi=laocai.bts_total).value) == (2, 1150)


@pytest.mark.parametrize(
    ("place", "by_themselves", "by_someone_else"),
    [
        # A username is kept as typed, even where it starts the sentence.
        ("form", "You saved this report in another tab at", "colleague saved this report at"),
        (
            "autosave",
            "Not saved automatically: you saved this report in another tab at",
            "Not saved automatically: colleague saved this report at",
        ),
        ("import", "you saved this report at", "colleague saved this report at"),
        # An API client has no tabs: the account that saved is named, even the caller's own.
        ("api", "colleague saved this report at", "colleague saved this report at"),
    ],
)
def test_a_conflict_is_told_as_the_users_other_tab_or_as_another_persons_save(
    place, by_themselves, by_someone_else, staff_laocai, laocai, provinces
):
    from django.utils import translation

    from milestones import services
    from provinces.access import Role

    colleague = UserFactory(username="colleague", roles=[Role.STAFF], provinces=[provinces.lao_cai])
    unsaved = QuarterlyReport(agreement=laocai.agreement, quarter=laocai.quarter, version=0)
    saved = services.save_draft(unsaved, colleague, version=0, readings={})
    with translation.override("en"):
        own = services.ReportConflict(saved, colleague).told_for(place)
        other = services.ReportConflict(saved, staff_laocai).told_for(place)
    assert own.startswith(by_themselves)
    assert other.startswith(by_someone_else)


@pytest.mark.parametrize(
    ("language", "told"),
    [
        (
            "en",
            "Rows you had left empty now hold the saved values, so that saving again does not "
            "erase them: Villages with fibre.",
        ),
        (
            "vi",
            "Các dòng bạn để trống nay mang giá trị đã lưu, để khi lưu lại không xóa mất các "
            "giá trị đó: Thôn có cáp quang.",
        ),
    ],
)
def test_saving_again_after_a_conflict_keeps_the_values_the_user_never_touched(
    client, staff_laocai, laocai, provinces, language, told
):
    from provinces.access import Role

    colleague = UserFactory(username="colleague", roles=[Role.STAFF], provinces=[provinces.lao_cai])
    url = reverse("milestones:report-edit", args=[laocai.agreement.pk, laocai.quarter])
    client.force_login(colleague)
    client.post(url, report_form_data(laocai, **{"kpi-bts_total-value": "1111"}))

    # Opened before the colleague's save: the fibre row was empty and stays untouched.
    client.force_login(staff_laocai)
    untouched = {"kpi-villages_fibre-numerator": "", "kpi-villages_fibre-denominator": ""}
    mine = report_form_data(laocai, version=0, **{"kpi-bts_total-value": "1222", **untouched})
    refused = client.post(url, mine, HTTP_ACCEPT_LANGUAGE=language)

    assert told in " ".join(refused.content.decode().split())
    again = client.post(url, refused.context["form"].data.copy(), HTTP_ACCEPT_LANGUAGE=language)
    assert again.status_code == 302
    report = QuarterlyReport.objects.get(agreement=laocai.agreement, quarter=laocai.quarter)
    assert report.values.get(kpi=laocai.bts_total).value == 1222
    fibre = report.values.get(kpi=laocai.villages_fibre)
    assert (fibre.numerator, fibre.denominator) == (1100, 1569)
