"""Every change to a report, its values and its commitments is recorded and shown."""

import importlib

import pytest
from django.urls import reverse

from milestones.models import QuarterlyReport
from partnerships.models import Agreement

from .conftest import report_form_data

pytestmark = pytest.mark.django_db


def test_it_shows_who_changed_which_value_from_what_to_what(client, staff_laocai, laocai):
    client.force_login(staff_laocai)
    url = reverse("milestones:report-edit", args=[laocai.agreement.pk, laocai.quarter])
    client.post(url, report_form_data(laocai))
    client.post(url, report_form_data(laocai, version=1, **{"kpi-bts_total-value": "1150"}))
    report = QuarterlyReport.objects.get(agreement=laocai.agreement, quarter=laocai.quarter)

    response = client.get(report.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    saves = response.context["history"]
    # Newest first, one entry per save, listing only what that save changed.
    latest = saves[0]
    assert latest.who == "staff_laocai"
    assert [(c.subject, c.field, c.old, c.new) for c in latest.changes] == [
        ("BTS stations", "value", "1,100", "1,150")
    ]
    first = saves[-1]
    assert any(c.field == "status" and c.new == "In progress" for c in first.changes)
    assert "1,100 → 1,150" in response.content.decode()


def test_a_long_commitment_is_named_in_whole_words(client, staff_laocai, laocai):
    laocai.commitment.text = (
        "Phát triển hạ tầng viễn thông, bảo đảm Internet tốc độ cao đến toàn bộ các xã, "
        "thôn, bản trên địa bàn tỉnh"
    )
    laocai.commitment.save()
    client.force_login(staff_laocai)
    url = reverse("milestones:report-edit", args=[laocai.agreement.pk, laocai.quarter])
    client.post(url, report_form_data(laocai))
    report = QuarterlyReport.objects.get(agreement=laocai.agreement, quarter=laocai.quarter)

    response = client.get(report.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    subjects = {c.subject for save in response.context["history"] for c in save.changes}
    assert "Commitment: Phát triển hạ tầng viễn thông, bảo đảm Internet tốc độ cao …" in subjects, (
        subjects
    )


def test_a_save_records_only_the_values_it_changed(client, staff_laocai, laocai):
    client.force_login(staff_laocai)
    url = reverse("milestones:report-edit", args=[laocai.agreement.pk, laocai.quarter])
    client.post(url, report_form_data(laocai))
    # Saved again as an autosave does, unchanged (no save: the version stays), then with
    # one value changed.
    client.post(url, report_form_data(laocai, version=1))
    client.post(url, report_form_data(laocai, version=1, **{"kpi-bts_total-value": "1150"}))
    report = QuarterlyReport.objects.get(agreement=laocai.agreement, quarter=laocai.quarter)

    assert report.version == 2
    assert report.values.get(kpi=laocai.bts_total).history.count() == 2
    assert report.values.get(kpi=laocai.bts_4g).history.count() == 1
    assert report.values.get(kpi=laocai.villages_fibre).history.count() == 1, "a ratio too"
    assert report.history.count() == 3, "created, first save, the change"
    response = client.get(report.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    # The history lists the change once; the first save is the only other mention of it.
    changed = [
        (c.old, c.new)
        for save in response.context["history"]
        for c in save.changes
        if c.subject == "BTS stations" and c.field == "value"
    ]
    assert changed == [("1,100", "1,150"), ("", "1,100")]


def test_it_records_changes_to_agreements_and_targets(laocai):
    agreement = Agreement.objects.get(pk=laocai.agreement.pk)
    agreement.place = "Hà Nội"
    agreement.save()
    target = agreement.targets.get(kpi=laocai.bts_total)
    target.target_value = 1600
    target.save()
    assert agreement.history.first().place == "Hà Nội"
    assert [record.target_value for record in target.history.all()][:2] == [1600, 1500]


def test_it_never_hard_deletes_a_report_through_the_workflow(client, staff_laocai, laocai):
    client.force_login(staff_laocai)
    url = reverse("milestones:report-edit", args=[laocai.agreement.pk, laocai.quarter])
    client.post(url, report_form_data(laocai))
    data = report_form_data(laocai, version=1)
    data["kpi-bts_total-value"] = ""
    client.post(url, data)
    report = QuarterlyReport.objects.get(agreement=laocai.agreement, quarter=laocai.quarter)
    value = report.values.get(kpi=laocai.bts_total)
    assert value.value is None, "a cleared value is kept as an empty entry, with its history"
    assert value.history.count() == 2


def test_it_condenses_a_draft_return_and_approval_into_one_entry_per_save(
    client, staff_laocai, reviewer, laocai
):
    long_narrative = "Trong quý đã lắp đặt thêm trạm BTS 4G tại các xã vùng cao. " * 6
    client.force_login(staff_laocai)
    url = reverse("milestones:report-edit", args=[laocai.agreement.pk, laocai.quarter])
    client.post(url, report_form_data(laocai, narrative=long_narrative, submit="1"))
    report = QuarterlyReport.objects.get(agreement=laocai.agreement, quarter=laocai.quarter)
    client.force_login(reviewer)
    review = reverse("milestones:report-return", args=[report.pk])
    client.post(review, {"version": report.version, "comment": "Thiếu biên bản."})
    client.force_login(staff_laocai)
    report.refresh_from_db()
    client.post(
        url,
        report_form_data(
            laocai,
            version=report.version,
            narrative=long_narrative,
            submit="1",
            **{"kpi-bts_total-value": "1120"},
        ),
    )
    report.refresh_from_db()
    client.force_login(reviewer)
    approve = reverse("milestones:report-approve", args=[report.pk])
    client.post(approve, {"version": report.version, "comment": "Đồng ý."})
    report.refresh_from_db()
    assert report.status == "approved"

    response = client.get(report.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    saves = response.context["history"]
    # Newest first: the approval, the second submission and the save before it, the
    # return, the first submission and the save before it.
    assert [save.who for save in saves] == [
        "reviewer",
        "staff_laocai",
        "staff_laocai",
        "reviewer",
        "staff_laocai",
        "staff_laocai",
    ]
    assert [(c.field, c.old, c.new) for c in saves[1].changes] == [
        ("status", "Returned for changes", "Submitted")
    ]
    changes = [change for save in saves for change in save.changes]
    assert all(change.old != change.new for change in changes)
    assert not any(change.old == "" and change.new == "" for change in changes)
    assert ("BTS stations", "value", "1,100", "1,120") in [
        (c.subject, c.field, c.old, c.new) for c in saves[2].changes
    ]
    page = response.content.decode()
    # A long text shows shortened, and whole behind a click.
    assert "<details><summary>" in page
    assert page.count(long_narrative.strip()[:50]) >= 1


# A reopening: the administrator's words as written, the framing in the reader's language


def test_a_reopening_shows_the_reason_as_written_framed_in_the_readers_language(
    client, admin_user, staff_laocai, laocai
):
    approved = laocai.previous_report
    client.force_login(admin_user)
    # The administrator works in Vietnamese, the portal's default.
    client.post(
        reverse("milestones:report-reopen", args=[approved.pk]), {"reason": "Cần sửa số liệu FTTH"}
    )
    approved.refresh_from_db()
    assert approved.review_comment == "Cần sửa số liệu FTTH"

    client.force_login(staff_laocai)
    form = client.get(
        reverse("milestones:report-edit", args=[laocai.agreement.pk, approved.quarter]),
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert "Reopened by an administrator" in form
    assert "Cần sửa số liệu FTTH" in form
    assert "Quản trị viên đã mở lại" not in form

    response = client.get(approved.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert "Reopened by an administrator" in page
    assert "Quản trị viên đã mở lại" not in page
    reopening = response.context["history"][0]
    assert reopening.who == "admin"
    assert ("reason for reopening", "Cần sửa số liệu FTTH") in [
        (change.field, change.new) for change in reopening.changes
    ]

    vietnamese = client.get(approved.get_absolute_url()).content.decode()
    assert "Quản trị viên đã mở lại" in vietnamese


def test_a_return_by_a_reviewer_is_not_called_a_reopening(client, staff_laocai, reviewer, laocai):
    client.force_login(staff_laocai)
    edit = reverse("milestones:report-edit", args=[laocai.agreement.pk, laocai.quarter])
    client.post(edit, report_form_data(laocai, submit="1"))
    report = QuarterlyReport.objects.get(agreement=laocai.agreement, quarter=laocai.quarter)
    client.force_login(reviewer)
    client.post(
        reverse("milestones:report-return", args=[report.pk]),
        {"version": report.version, "comment": "Kiểm tra lại số trạm."},
    )
    client.force_login(staff_laocai)
    form = client.get(edit, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Returned for changes" in form
    assert "Reopened by an administrator" not in form


def test_notes_stored_with_the_old_sentence_keep_only_the_reason(admin_user, laocai):
    from django.apps import apps

    from milestones import services

    migration = importlib.import_module("milestones.migrations.0004_reopening_reason_as_written")
    report = services.reopen_report(laocai.previous_report, admin_user, "Sai số trạm.")
    QuarterlyReport.objects.filter(pk=report.pk).update(
        review_comment="Quản trị viên đã mở lại: Sai số trạm."
    )
    report.history.filter(review_comment="Sai số trạm.").update(
        review_comment="Reopened by an administrator: Sai số trạm."
    )
    migration.strip_prefixes(apps, None)
    report.refresh_from_db()
    assert report.review_comment == "Sai số trạm."
    assert set(
        report.history.exclude(review_comment="").values_list("review_comment", flat=True)
    ) == {"Sai số trạm."}


def test_a_reopening_is_told_through_later_saves_until_the_next_decision(
    client, admin_user, staff_laocai, reviewer, laocai
):
    from milestones import services

    report = services.reopen_report(laocai.previous_report, admin_user, "Sai số trạm.")
    report = services.submit_report(report, staff_laocai, report.version)
    client.force_login(reviewer)
    resubmitted = client.get(report.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert "Reopened by an administrator" in resubmitted.content.decode()

    services.return_report(report, reviewer, report.version, "Kiểm tra lại số trạm.")
    returned = client.get(report.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert "Reopened by an administrator" not in returned.content.decode()
    comments = [
        (change.field, change.new)
        for save in returned.context["history"]
        for change in save.changes
        if change.new in ("Sai số trạm.", "Kiểm tra lại số trạm.")
    ]
    assert comments == [
        ("reviewer's comment", "Kiểm tra lại số trạm."),
        ("reason for reopening", "Sai số trạm."),
    ]
