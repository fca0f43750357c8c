"""The staff member's quarterly journey and the reviewer's approval, in a real Chromium."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from milestones.models import QuarterlyReport, ReportStatus

from .browser import login

PASSWORD = "secret-pass-123"


@pytest.mark.browser
def test_it_walks_staff_from_the_due_report_to_an_approval(
    page, live_server, staff_laocai, reviewer, laocai
):
    login(page, live_server, "staff_laocai", PASSWORD)
    page.goto(f"{live_server.url}/reports/")
    edit_path = f"/reports/{laocai.agreement.pk}/{laocai.quarter}/edit/"
    page.locator(f"a[href='{edit_path}']").click()
    expect(page).to_have_url(re.compile(re.escape(edit_path)))

    page.fill("input[name='kpi-bts_total-value']", "1100")
    page.fill("input[name='kpi-bts_4g-value']", "400")
    page.fill("input[name='kpi-villages_fibre-numerator']", "1600")
    page.fill("input[name='kpi-villages_fibre-denominator']", "1569")
    page.fill("input[name='kpi-level4_services_pct-value']", "40")
    page.fill(f"input[name='commitment-{laocai.commitment.pk}-percent_complete']", "50")
    page.fill("textarea[name='narrative']", "Lắp thêm 100 trạm BTS trong quý.")
    page.click("button[name='submit']")

    error = page.locator("#id_kpi-villages_fibre-numerator_error")
    expect(error).to_contain_text("cannot be greater than the denominator")
    expect(page.locator("input[name='kpi-bts_total-value']")).to_have_value("1100")
    expect(page.locator("input[name='kpi-villages_fibre-denominator']")).to_have_value("1569")
    expect(page.locator("textarea[name='narrative']")).to_have_value(
        "Lắp thêm 100 trạm BTS trong quý."
    )

    page.fill("input[name='kpi-villages_fibre-numerator']", "1100")
    page.click("button[name='submit']")
    expect(page.locator("main")).to_contain_text("submitted for review")
    report = QuarterlyReport.objects.get(agreement=laocai.agreement, quarter=laocai.quarter)
    assert report.status == ReportStatus.SUBMITTED

    page.context.clear_cookies()
    login(page, live_server, "reviewer", PASSWORD)
    page.goto(f"{live_server.url}{report.get_absolute_url()}")
    page.fill("textarea[name='comment']", "Số liệu khớp với biên bản nghiệm thu.")
    page.get_by_role("button", name="Approve").click()
    expect(page.locator("main")).to_contain_text("approved and its quarter is now locked")
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    assert report.reviewed_by == reviewer


@pytest.mark.browser
def test_a_submit_refused_for_a_missing_value_goes_through_once_it_is_typed(
    page, live_server, staff_laocai, laocai
):
    login(page, live_server, "staff_laocai", PASSWORD)
    page.goto(f"{live_server.url}/reports/{laocai.agreement.pk}/{laocai.quarter}/edit/")
    page.fill("input[name='kpi-bts_total-value']", "1100")
    page.fill("input[name='kpi-villages_fibre-numerator']", "1100")
    page.fill("input[name='kpi-villages_fibre-denominator']", "1569")
    page.fill("input[name='kpi-level4_services_pct-value']", "40")
    page.fill(f"input[name='commitment-{laocai.commitment.pk}-percent_complete']", "50")
    page.click("button[name='submit']")

    expect(page.locator("#id_kpi-bts_4g-value_error")).to_contain_text("before submitting")
    expect(page.locator(".error-summary")).to_contain_text("1 value needs correcting")
    page.fill("input[name='kpi-bts_4g-value']", "400")
    page.click("button[name='submit']")

    expect(page.locator("main")).to_contain_text("submitted for review")
    expect(page.locator("main")).not_to_contain_text("saved this report")
    report = QuarterlyReport.objects.get(agreement=laocai.agreement, quarter=laocai.quarter)
    assert report.status == ReportStatus.SUBMITTED
    assert report.values.get(kpi=laocai.bts_4g).value == 400


@pytest.mark.browser
def test_the_form_keeps_a_draft_while_typing_and_asks_before_leaving_unsaved_changes(
    page, live_server, staff_laocai, laocai
):
    login(page, live_server, "staff_laocai", PASSWORD)
    edit = f"{live_server.url}/reports/{laocai.agreement.pk}/{laocai.quarter}/edit/"
    page.goto(edit)
    page.fill("input[name='kpi-bts_total-value']", "1234")
    expect(page.locator("#autosave-status")).to_contain_text("Draft saved automatically")
    report = QuarterlyReport.objects.get(agreement=laocai.agreement, quarter=laocai.quarter)
    assert report.values.get(kpi=laocai.bts_total).value == 1234

    # Typed again and left at once, before the next draft: the browser asks first.
    page.fill("input[name='kpi-bts_4g-value']", "400")
    asked = []

    def stay(dialog):
        asked.append(dialog.type)
        dialog.dismiss()

    page.once("dialog", stay)
    page.evaluate("window.location.href = '/reports/'")
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    expect(page.locator("input[name='kpi-bts_4g-value']")).to_have_value("400")

    # Saving by hand after a draft was kept automatically carries its version: no conflict.
    page.click("button[name='save']")
    expect(page.locator("main")).to_contain_text("The draft was saved.")
    report.refresh_from_db()
    assert report.values.get(kpi=laocai.bts_4g).value == 400


@pytest.mark.browser
def test_values_typed_after_the_session_ended_are_kept_through_the_login(
    page, live_server, staff_laocai, laocai
):
    login(page, live_server, "staff_laocai", PASSWORD)
    edit = f"{live_server.url}/reports/{laocai.agreement.pk}/{laocai.quarter}/edit/"
    page.goto(edit)

    other_tab = page.context.new_page()
    other_tab.goto(f"{live_server.url}/reports/")
    other_tab.get_by_role("button", name="Log out").click()
    expect(other_tab).to_have_url(re.compile("/accounts/login/|/$"))
    other_tab.close()

    typed = "Bão lũ làm gián đoạn lắp đặt trong tháng 9."
    page.fill("textarea[name='narrative']", typed)
    expect(page.locator("#autosave-status")).to_contain_text("Your session has ended")
    expect(page.locator("#autosave-status")).not_to_contain_text("could not be reached")

    page.click("button[name='save']")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.locator("input[name=username]").fill("staff_laocai")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("input[name=password]").press("Enter")

    expect(page).to_have_url(re.compile(re.escape(edit)))
    expect(page.locator("#restored-notice")).to_be_visible()
    expect(page.locator("textarea[name='narrative']")).to_have_value(typed)
    page.click("button[name='save']")
    expect(page.locator("main")).to_contain_text("The draft was saved.")
    report = QuarterlyReport.objects.get(agreement=laocai.agreement, quarter=laocai.quarter)
    assert report.narrative == typed

    page.reload()
    expect(page.locator("#restored-notice")).to_be_hidden()
    expect(page.locator("textarea[name='narrative']")).to_have_value(typed)


@pytest.mark.browser
def test_after_logging_in_again_in_another_tab_the_save_goes_through(
    page, live_server, staff_laocai, laocai
):
    login(page, live_server, "staff_laocai", PASSWORD)
    page.goto(f"{live_server.url}/reports/{laocai.agreement.pk}/{laocai.quarter}/edit/")
    other_tab = page.context.new_page()
    other_tab.goto(f"{live_server.url}/reports/")
    other_tab.get_by_role("button", name="Log out").click()

    typed = "Gõ sau khi phiên đã hết hạn."
    page.fill("textarea[name='narrative']", typed)
    expect(page.locator("#autosave-status")).to_contain_text("Your session has ended")

    # As the message says: log in again in another tab, then press Save here.
    login(other_tab, live_server, "staff_laocai", PASSWORD)
    other_tab.close()
    page.click("button[name='save']")
    expect(page.locator("main")).to_contain_text("The draft was saved.")
    report = QuarterlyReport.objects.get(agreement=laocai.agreement, quarter=laocai.quarter)
    assert report.narrative == typed


@pytest.mark.browser
def test_a_date_typed_day_first_on_the_vietnamese_page_of_an_english_browser_is_kept_so(
    page, live_server, staff_laocai, laocai
):
    # The tester's browser: Chromium set to English (the `page` fixture), the portal in
    # Vietnamese. A date box would take mm/dd/yyyy there, whatever the page says.
    login(page, live_server, "staff_laocai", PASSWORD)
    page.context.add_cookies([{"name": "django_language", "value": "vi", "url": live_server.url}])
    page.goto(f"{live_server.url}/reports/{laocai.agreement.pk}/{laocai.quarter}/edit/")
    date = page.locator("input[name='kpi-bts_total-measured_on']")
    expect(date).to_have_attribute("type", "text")
    expect(date).to_have_attribute("placeholder", "ngày/tháng/năm")

    page.fill("input[name='kpi-bts_total-value']", "1100")
    date.press_sequentially("11/12/2021")
    expect(page.locator("#autosave-status")).to_contain_text("Bản nháp đã được tự động lưu")
    report = QuarterlyReport.objects.get(agreement=laocai.agreement, quarter=laocai.quarter)
    # 11 December, not 12 November: the draft kept while typing sends the field as typed.
    assert report.values.get(kpi=laocai.bts_total).measured_on == datetime.date(2021, 12, 11)

    page.reload()
    expect(date).to_have_value("11/12/2021")
