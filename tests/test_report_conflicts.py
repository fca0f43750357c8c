"""Two people editing one report: the second save is refused, nothing is overwritten."""

import pytest
from django.urls import reverse

from milestones.models import QuarterlyReport
from tests.factories import UserFactory

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
