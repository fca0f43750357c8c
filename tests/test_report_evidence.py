"""Evidence files: type and size limits, and only those who may see the report may fetch them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from milestones.models import Evidence, QuarterlyReport

from .conftest import report_form_data

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(client, scenario, name, content, content_type="application/pdf"):
    url = reverse("milestones:report-edit", args=[scenario.agreement.pk, scenario.quarter])
    data = report_form_data(scenario, evidence_description="Biên bản nghiệm thu")
    data["evidence"] = SimpleUploadedFile(name, content, content_type=content_type)
    return client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")


def test_it_stores_a_pdf_and_serves_it_to_the_province(client, staff_laocai, laocai):
    client.force_login(staff_laocai)
    assert upload(client, laocai, "nghiem-thu.pdf", PDF).status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.original_name == "nghiem-thu.pdf"
    response = client.get(reverse("milestones:evidence-download", args=[evidence.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


def test_it_refuses_an_executable_and_keeps_the_values(client, staff_laocai, laocai):
    client.force_login(staff_laocai)
    response = upload(client, laocai, "virus.exe", b"MZ\x90\x00", "application/octet-stream")
    assert response.status_code == 200
    assert "Files of type .exe are not accepted" in " ".join(
        response.context["form"].errors["evidence"]
    )
    assert 'value="1100"' in response.content.decode()
    assert not Evidence.objects.exists()


def test_it_refuses_a_file_whose_content_lies_about_its_type(client, staff_laocai, laocai):
    client.force_login(staff_laocai)
    response = upload(client, laocai, "bao-cao.pdf", b"<html>not a pdf</html>")
    assert "does not match its type" in " ".join(response.context["form"].errors["evidence"])


def test_it_refuses_a_file_above_the_size_limit(client, staff_laocai, laocai, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    client.force_login(staff_laocai)
    response = upload(client, laocai, "lon.pdf", PDF + b"0" * 2048)
    assert "the limit is" in " ".join(response.context["form"].errors["evidence"])


def test_it_hides_evidence_from_other_provinces(client, staff_laocai, staff_quangtri, laocai):
    client.force_login(staff_laocai)
    upload(client, laocai, "nghiem-thu.pdf", PDF)
    evidence = Evidence.objects.get()
    client.force_login(staff_quangtri)
    response = client.get(reverse("milestones:evidence-download", args=[evidence.pk]))
    assert response.status_code == 404


def test_it_removes_a_file_without_deleting_it(client, staff_laocai, laocai):
    client.force_login(staff_laocai)
    upload(client, laocai, "nghiem-thu.pdf", PDF)
    evidence = Evidence.objects.get()
    client.post(reverse("milestones:evidence-remove", args=[evidence.pk]))
    evidence.refresh_from_db()
    assert evidence.is_removed
    report = QuarterlyReport.objects.get(pk=evidence.report_id)
    page = client.get(report.get_absolute_url()).content.decode()
    assert "nghiem-thu.pdf" in page, "the removal is in the history"
    assert reverse("milestones:evidence-download", args=[evidence.pk]) not in page


def test_it_writes_the_sizes_with_the_languages_decimal_comma(
    client, staff_laocai, laocai, settings
):
    megabyte = 1024 * 1024
    settings.EVIDENCE_MAX_BYTES = megabyte * 3 // 2
    client.force_login(staff_laocai)
    url = reverse("milestones:report-edit", args=[laocai.agreement.pk, laocai.quarter])
    data = report_form_data(laocai)
    data["evidence"] = SimpleUploadedFile("lon.pdf", PDF.ljust(megabyte * 5 // 2, b"0"))
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.context["form"].errors["evidence"] == [
        "Tệp có dung lượng 2,5\xa0MB; giới hạn là 1,5\xa0MB."
    ]
