"""The life of a quarterly report: draft, submit, return, resubmit, approve, lock, reopen."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from core.quarters import Quarter
from milestones import imports
from milestones.models import KpiValue, QuarterlyReport, ReportStatus

from .conftest import report_form_data

pytestmark = pytest.mark.django_db


def edit_url(scenario):
    return reverse("milestones:report-edit", args=[scenario.agreement.pk, scenario.quarter])


def the_report(scenario):
    return QuarterlyReport.objects.get(agreement=scenario.agreement, quarter=scenario.quarter)


def test_it_lists_the_due_report_for_staff(client, staff_laocai, laocai, quangbinh):
    client.force_login(staff_laocai)
    response = client.get(reverse("milestones:report-list"))
    assert response.status_code == 200
    assert edit_url(laocai) in response.content.decode()
    assert edit_url(quangbinh) not in response.content.decode()


@pytest.mark.parametrize("code", [1, 20215, 99994])
def test_an_address_of_a_quarter_no_year_holds_names_no_report(client, staff_laocai, laocai, code):
    client.force_login(staff_laocai)
    edit = reverse("milestones:report-edit", args=[laocai.agreement.pk, code])
    autosave = reverse("milestones:report-autosave", args=[laocai.agreement.pk, code])
    assert client.get(edit).status_code == 404
    assert client.post(edit, report_form_data(laocai)).status_code == 404
    assert client.post(autosave, report_form_data(laocai)).status_code == 404
    assert not QuarterlyReport.objects.filter(agreement=laocai.agreement, quarter=code).exists()


def test_it_marks_overdue_quarters(client, staff_laocai, laocai):
    client.force_login(staff_laocai)
    work = client.get(reverse("milestones:report-list")).context["work"]
    overdue = {item.quarter.code for item in work if item.overdue}
    assert laocai.quarter in overdue
    assert 20213 not in {item.quarter.code for item in work}, "approved quarters are done"


def test_it_saves_a_draft_and_shows_the_values_again(client, staff_laocai, laocai):
    client.force_login(staff_laocai)
    response = client.post(edit_url(laocai), report_form_data(laocai), follow=True)
    assert response.status_code == 200
    report = the_report(laocai)
    assert report.status == ReportStatus.DRAFT
    assert report.version == 1
    assert report.values.get(kpi=laocai.bts_total).value == 1100
    fibre = report.values.get(kpi=laocai.villages_fibre)
    assert (fibre.numerator, fibre.denominator) == (1100, 1569)
    assert 'value="1100"' in response.content.decode()


def test_it_keeps_a_partial_draft(client, staff_laocai, laocai):
    client.force_login(staff_laocai)
    data = report_form_data(laocai)
    data["kpi-level4_services_pct-value"] = ""
    client.post(edit_url(laocai), data)
    report = the_report(laocai)
    assert report.values.filter(kpi=laocai.bts_total).exists()
    assert not report.values.filter(kpi=laocai.level4).exists()


def test_it_refuses_to_submit_an_incomplete_report_and_keeps_what_was_typed_on_screen(
    client, staff_laocai, laocai
):
    client.force_login(staff_laocai)
    data = report_form_data(laocai, submit="1")
    data["kpi-level4_services_pct-value"] = ""
    response = client.post(edit_url(laocai), data)
    assert response.status_code == 200
    assert "kpi-level4_services_pct-value" in response.context["form"].errors
    # Saving and submitting go together: a refused submission stores nothing, and the
    # form still holds every value typed.
    assert not QuarterlyReport.objects.filter(
        agreement=laocai.agreement, quarter=laocai.quarter
    ).exists()
    assert 'value="1100"' in response.content.decode()


def submit(client, scenario):
    response = client.post(edit_url(scenario), report_form_data(scenario, submit="1"))
    assert response.status_code == 302, response.content.decode()[:2000]
    return the_report(scenario)


def test_it_walks_the_whole_review_cycle(
    client, staff_laocai, reviewer, admin_user, laocai, django_capture_on_commit_callbacks
):
    client.force_login(staff_laocai)
    with django_capture_on_commit_callbacks(execute=True):
        report = submit(client, laocai)
    assert report.status == ReportStatus.SUBMITTED
    assert report.submitted_by == staff_laocai

    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("milestones:report-return", args=[report.pk]),
            {"version": report.version, "comment": "Số trạm 4G cần kiểm tra lại."},
        )
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED

    client.force_login(staff_laocai)
    form_page = client.get(edit_url(laocai)).content.decode()
    assert "Số trạm 4G cần kiểm tra lại." in form_page, "the comment is shown on the form"
    client.post(
        edit_url(laocai),
        report_form_data(laocai, version=report.version, submit="1", **{"kpi-bts_4g-value": "390"}),
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED

    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("milestones:report-approve", args=[report.pk]), {"version": report.version}
        )
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    assert report.reviewed_by == reviewer

    client.force_login(staff_laocai)
    response = client.post(
        edit_url(laocai),
        report_form_data(laocai, version=report.version),
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    page = response.content.decode()
    assert "approved by reviewer" in page
    assert "Only an administrator can reopen it" in page
    assert KpiValue.objects.get(report=report, kpi=laocai.bts_4g).value == 390

    client.force_login(admin_user)
    client.post(
        reverse("milestones:report-reopen", args=[report.pk]),
        {"reason": "Số liệu quý 4 được điều chỉnh theo kiểm toán."},
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    assert "kiểm toán" in report.review_comment
    returned = [
        message for message in mail.outbox if "Số trạm 4G cần kiểm tra lại." in message.body
    ]
    assert [message.to for message in returned] == [["staff_laocai@example.vn"]], (
        "the staff of the province were told of the return at once, with the comment"
    )


def test_it_refuses_reopening_without_a_reason(client, admin_user, laocai):
    laocai.previous_report.refresh_from_db()
    client.force_login(admin_user)
    client.post(
        reverse("milestones:report-reopen", args=[laocai.previous_report.pk]), {"reason": " "}
    )
    laocai.previous_report.refresh_from_db()
    assert laocai.previous_report.status == ReportStatus.APPROVED


def test_it_requires_a_comment_to_return(client, staff_laocai, reviewer, laocai):
    client.force_login(staff_laocai)
    report = submit(client, laocai)
    client.force_login(reviewer)
    client.post(reverse("milestones:report-return", args=[report.pk]), {"version": report.version})
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_it_says_why_an_approved_report_is_locked(client, staff_laocai, laocai):
    client.force_login(staff_laocai)
    report = laocai.previous_report
    response = client.get(reverse("milestones:report-detail", args=[report.pk]))
    assert response.context["locked_message"]
    assert not response.context["can_edit"]


def test_a_submission_waits_for_the_reviewers_daily_digest(
    client, staff_laocai, reviewer, laocai, django_capture_on_commit_callbacks
):
    # One mail per submission is what reviewers turn off; notifications/daily.py digests them.
    client.force_login(staff_laocai)
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, laocai)
    assert mail.outbox == []


def lines_of(length: int, breaks: int) -> str:
    """Text the browser accepts at `length` characters, its line breaks sent as CRLF."""
    line = "x" * ((length - breaks) // (breaks + 1))
    text = "\r\n".join([line] * (breaks + 1))
    return text + "y" * (length - len(text.replace("\r\n", "\n")))


def test_a_return_comment_over_several_lines_is_counted_as_the_browser_counts_it(
    client, staff_laocai, reviewer, laocai
):
    client.force_login(staff_laocai)
    report = submit(client, laocai)
    client.force_login(reviewer)
    comment = lines_of(1995, breaks=10)
    assert len(comment) == 2005, "over the 2,000 limit as sent, under it as typed"
    response = client.post(
        reverse("milestones:report-return", args=[report.pk]),
        {"version": report.version, "comment": comment},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    assert report.review_comment == comment.replace("\r\n", "\n")


def test_a_comment_too_long_is_refused_naming_the_field_and_kept(
    client, staff_laocai, reviewer, laocai
):
    client.force_login(staff_laocai)
    report = submit(client, laocai)
    client.force_login(reviewer)
    comment = "Cần bổ sung. " + "z" * 2000
    response = client.post(
        reverse("milestones:report-return", args=[report.pk]),
        {"version": report.version, "comment": comment},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.redirect_chain == [(report.get_absolute_url(), 302)]
    page = response.content.decode()
    assert "Ý kiến chỉ được dài tối đa 2.000 ký tự; nội dung đã nhập có 2.013 ký tự." in page
    assert comment in page, "what the reviewer typed is still in the box"
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_a_return_without_a_comment_keeps_the_page_and_says_why(
    client, staff_laocai, reviewer, laocai
):
    client.force_login(staff_laocai)
    report = submit(client, laocai)
    client.force_login(reviewer)
    response = client.post(
        reverse("milestones:report-return", args=[report.pk]),
        {"version": report.version, "comment": "  "},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.redirect_chain == [(report.get_absolute_url(), 302)]
    assert "Say what needs changing before returning the report." in response.content.decode()


def test_a_reopen_reason_over_several_lines_is_accepted(client, admin_user, laocai):
    client.force_login(admin_user)
    reason = lines_of(995, breaks=10)
    response = client.post(
        reverse("milestones:report-reopen", args=[laocai.previous_report.pk]), {"reason": reason}
    )
    assert response.status_code == 302
    laocai.previous_report.refresh_from_db()
    assert laocai.previous_report.status == ReportStatus.RETURNED
    assert reason.replace("\r\n", "\n") in laocai.previous_report.review_comment


def test_a_reopen_reason_too_long_is_refused_and_kept(client, admin_user, laocai):
    client.force_login(admin_user)
    reason = "Điều chỉnh.\r\n" + "z" * 1000
    response = client.post(
        reverse("milestones:report-reopen", args=[laocai.previous_report.pk]),
        {"reason": reason},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.redirect_chain == [(laocai.previous_report.get_absolute_url(), 302)]
    page = response.content.decode()
    assert "Reason for reopening can be at most 1,000 characters long; this text has 1,012." in page
    assert "z" * 1000 in page
    laocai.previous_report.refresh_from_db()
    assert laocai.previous_report.status == ReportStatus.APPROVED


def test_a_series_approved_without_a_target_goes_on_in_the_form_and_the_api(
    client, staff_laocai, laocai
):
    from .api import token_client, url
    from .factories import KpiFactory, KpiValueFactory

    bts_2g = KpiFactory(code="bts_2g", name_en="2G stations", name_vi="Trạm BTS 2G", order=1)
    KpiValueFactory(report=laocai.previous_report, kpi=bts_2g, value=120)
    client.force_login(staff_laocai)
    page = client.get(edit_url(laocai), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="kpi-bts_2g-value"' in page
    # In the catalogue's order, as the import's template lists them.
    assert page.index('name="kpi-villages_fibre-numerator"') < page.index('name="kpi-bts_2g-value"')
    template = imports.template_rows(staff_laocai, Quarter(2021, 4))
    assert [row[4] for row in template[1:]][-1] == "bts_2g"
    response = client.post(
        edit_url(laocai), report_form_data(laocai, **{"kpi-bts_2g-value": "125"})
    )
    assert response.status_code == 302
    report = the_report(laocai)
    assert report.values.get(kpi=bts_2g).value == 125

    patched = token_client(staff_laocai).patch(
        url("report-detail", report.pk),
        {"version": report.version, "values": [{"kpi": "bts_2g", "value": "126"}]},
        format="json",
    )
    assert patched.status_code == 200, patched.json()
    assert report.values.get(kpi=bts_2g).value == 126


def test_staff_without_a_province_are_told_why_the_list_is_empty_and_whom_to_ask(
    client, staff_laocai, laocai
):
    from provinces.access import Role

    from .factories import UserFactory

    client.force_login(UserFactory(username="new_staff", roles=[Role.STAFF]))
    page = client.get(reverse("milestones:report-list")).content.decode()
    assert "Tài khoản của bạn chưa được phân công theo dõi tỉnh, thành phố nào" in page
    assert "Hãy đề nghị quản trị viên" in page
    english = client.get(reverse("milestones:report-list"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Ask an administrator to assign" in english.content.decode()

    client.force_login(staff_laocai)
    assigned = client.get(reverse("milestones:report-list"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Ask an administrator" not in assigned.content.decode()


def test_the_report_page_writes_every_share_as_the_dashboards_do(client, staff_laocai, laocai):
    client.force_login(staff_laocai)
    client.post(
        edit_url(laocai),
        report_form_data(
            laocai,
            **{
                "kpi-villages_fibre-numerator": "1375",
                "kpi-villages_fibre-denominator": "1569",
                "kpi-level4_services_pct-value": "84.8",
            },
        ),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    page = client.get(the_report(laocai).get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    rows = {
        " ".join(re.sub(r"<[^>]+>", " ", cells[0]).split()): [
            " ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in cells[1:4]
        ]
        for cells in (
            re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
            for row in re.findall(r"<tr>(.*?)</tr>", page.content.decode(), re.S)
        )
        if cells
    }
    # Value, previous approved value with its quarter, target: each share to one decimal with
    # its sign (core.formatting.share), as the dashboards write 87.6%.
    assert rows["Level-4 public services (%)"] == ["84.8%", "30.0% Q3/2021", "80.0%"]
    assert rows["Villages with fibre (villages)"] == [
        "1,375/1,569 (87.6%)",
        "1,024/1,569 (65.3%) Q3/2021",
        "100.0%",
    ]


def test_the_entry_form_writes_the_previous_value_and_the_target_as_the_report_page_does(
    client, staff_laocai, laocai
):
    client.force_login(staff_laocai)
    page = client.get(edit_url(laocai), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    def shown(code: str) -> list[str]:
        row = re.search(rf'<tr id="kpi-{code}">(.*?)</tr>', page, re.S).group(1)
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        return [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in cells[:2]]

    # Previous approved value with its quarter, then the target and its date.
    assert shown("level4_services_pct") == ["30.0% Q3/2021", "80.0% 12/2025"]
    assert shown("villages_fibre") == ["1,024/1,569 (65.3%) Q3/2021", "100.0% 12/2025"]
    assert shown("bts_total") == ["1,000 Q3/2021", "1,500 12/2025"]
