"""A staff member reads their notices on a phone, in Vietnamese, and turns a kind off.

The notice is the one a reviewer's return writes; the header's count follows what
is read, and nothing runs off a 390 px screen.
"""

import pytest
from playwright.sync_api import expect

from milestones import services as workflow
from notifications.models import Preference

from .browser import login
from .factories import submitted_report
from .test_browser_phone import PASSWORD, PHONE, header_height, page_width, phone  # noqa: F401


@pytest.mark.browser
def test_a_returned_report_is_read_from_the_header_on_a_phone(
    phone,  # noqa: F811
    live_server,
    staff_laocai,
    reviewer,
    laocai,
):
    report = submitted_report(laocai, 20214)
    workflow.return_report(report, reviewer, report.version, "Số trạm 4G cần kiểm tra lại.")

    login(phone, live_server, "staff_laocai", PASSWORD)
    badge = phone.locator("header .notices .badge")
    expect(badge).to_have_text("1")
    assert header_height(phone) < 120
    phone.locator("header .notices").click()

    assert page_width(phone) <= PHONE["width"]
    notice = phone.locator("table.notifications tbody tr").first
    expect(notice).to_contain_text("Đề nghị chỉnh sửa và nộp lại")
    notice.locator("summary").click()
    expect(notice).to_contain_text("Số trạm 4G cần kiểm tra lại.")
    notice.locator("a").first.click()

    expect(phone).to_have_url(f"{live_server.url}/reports/{laocai.agreement.pk}/20214/edit/")
    expect(phone.locator("main")).to_contain_text("Số trạm 4G cần kiểm tra lại.")
    expect(badge).to_have_count(0)

    phone.goto(f"{live_server.url}/notifications/preferences/")
    assert page_width(phone) <= PHONE["width"]
    phone.get_by_label("Báo cáo bị trả lại để chỉnh sửa").uncheck()
    phone.get_by_role("button", name="Lưu").click()
    expect(phone.locator(".messages")).to_contain_text("Đã lưu lựa chọn nhận thông báo")
    assert Preference.objects.get(user=staff_laocai).returned is False
