"""Every change to a report, its values and its commitments is recorded and shown."""

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
    history = response.context["history"]
    change = next(
        entry for entry in history if entry.subject == "BTS stations" and entry.new == "1,150"
    )
    assert (change.who, change.field, change.old) == ("staff_laocai", "value", "1,100")
    assert any(entry.field == "status" and entry.new == "In progress" for entry in history)
    assert "1,150" in response.content.decode()


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
