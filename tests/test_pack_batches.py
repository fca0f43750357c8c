"""An administrator asks for the packs of every province of a phase and downloads one archive."""

import io
import zipfile

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from dashboards import packs
from dashboards.models import PackBatch, PackBatchStatus
from partnerships.models import Phase
from provinces.lineage import ProvinceTree

from .dashboard_world import build_world

pytestmark = pytest.mark.usefixtures("fresh_cache")


@pytest.fixture(scope="module")
def world(mid_2025, module_provinces):
    return build_world(module_provinces)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def ask_for_packs(client, phase, django_capture_on_commit_callbacks, language="vi"):
    """The admin's add form, the job run as the worker would once the request commits."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:dashboards_packbatch_add"),
            {"phase": phase.pk, "language": language},
        )
    assert response.status_code == 302, response.content[:2000]
    return PackBatch.objects.latest("pk")


def archive_of(client, batch) -> zipfile.ZipFile:
    response = client.get(reverse("dashboards:pack-batch-archive", args=[batch.pk]))
    assert response.status_code == 200
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_the_job_builds_one_pdf_per_province_of_the_phase(
    client, admin_user, world, module_provinces, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    phase = Phase.objects.get(start_year=2021)
    batch = ask_for_packs(client, phase, django_capture_on_commit_callbacks)
    batch.refresh_from_db()
    assert batch.status == PackBatchStatus.DONE
    # Lào Cai (with the former Yên Bái) and Quảng Trị (with the former Quảng Bình).
    assert (batch.built, batch.total, batch.failures) == (2, 2, [])
    archive = archive_of(client, batch)
    names = sorted(archive.namelist())
    assert names == [
        "bao-cao-tinh-lao-cai-2021-2025-vi.pdf",
        "bao-cao-tinh-quang-tri-2021-2025-vi.pdf",
    ]
    text = PdfReader(io.BytesIO(archive.read(names[1]))).pages[0].extract_text()
    assert "Quảng Trị" in text and "Số liệu tính đến" in text

    listing = client.get(reverse("admin:dashboards_packbatch_changelist")).content.decode()
    assert "2 trên 2 tỉnh" in listing or "2 of 2 provinces" in listing
    assert "Tải tệp nén" in listing or "Download the archive" in listing


def test_the_archive_prints_the_narratives_its_administrator_may_read(
    client, admin_user, world, module_provinces, django_capture_on_commit_callbacks
):
    latest = world.quang_binh_2021.reports.get(quarter=20252)
    latest.narrative = "Phủ sóng 5G tại Đồng Hới."
    latest.save()
    client.force_login(admin_user)
    batch = ask_for_packs(
        client, Phase.objects.get(start_year=2021), django_capture_on_commit_callbacks
    )
    archive = archive_of(client, batch)
    pages = PdfReader(io.BytesIO(archive.read("bao-cao-tinh-quang-tri-2021-2025-vi.pdf"))).pages
    assert "Phủ sóng 5G tại Đồng Hới." in " ".join(
        " ".join(page.extract_text().split()) for page in pages
    )


def test_the_job_reads_the_provinces_once_for_all_its_packs(
    client, admin_user, world, monkeypatch, django_capture_on_commit_callbacks
):
    built = []
    read = ProvinceTree.__init__
    monkeypatch.setattr(ProvinceTree, "__init__", lambda tree: built.append(tree) or read(tree))
    client.force_login(admin_user)
    batch = ask_for_packs(
        client, Phase.objects.get(start_year=2021), django_capture_on_commit_callbacks
    )
    batch.refresh_from_db()
    assert (batch.status, batch.built) == (PackBatchStatus.DONE, 2)
    assert len(built) == 1


def test_a_failed_province_is_explained_and_the_others_still_built(
    client, admin_user, world, module_provinces, monkeypatch, django_capture_on_commit_callbacks
):
    real = packs.province_pack

    def failing(province, phase, reader, **known):
        if province.slug == module_provinces.quang_tri.slug:
            raise ValueError("biểu đồ không vẽ được")
        return real(province, phase, reader, **known)

    monkeypatch.setattr(packs, "province_pack", failing)
    client.force_login(admin_user)
    batch = ask_for_packs(
        client, Phase.objects.get(start_year=2021), django_capture_on_commit_callbacks, "en"
    )
    batch.refresh_from_db()
    assert batch.status == PackBatchStatus.DONE
    assert batch.failures == [
        {"province": "Quảng Trị", "error": "ValueError: biểu đồ không vẽ được"}
    ]
    archive = archive_of(client, batch)
    assert sorted(archive.namelist()) == [
        "0-failures.txt",
        "bao-cao-tinh-lao-cai-2021-2025-en.pdf",
    ]
    assert "Quảng Trị: ValueError" in archive.read("0-failures.txt").decode()
    page = client.get(reverse("admin:dashboards_packbatch_change", args=[batch.pk]))
    assert "biểu đồ không vẽ được" in page.content.decode()


def test_a_job_that_cannot_store_its_archive_says_why_and_is_built_again(
    client, admin_user, world, monkeypatch, django_capture_on_commit_callbacks
):
    from django.db.models.fields.files import FieldFile

    real_save = FieldFile.save

    def full_disk(self, *args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(FieldFile, "save", full_disk)
    client.force_login(admin_user)
    phase = Phase.objects.get(start_year=2021)
    # The worker tries again (at once here, as Celery runs eagerly in tests), then says so.
    ask_for_packs(client, phase, django_capture_on_commit_callbacks)
    batch = PackBatch.objects.latest("pk")
    assert batch.status == PackBatchStatus.FAILED
    assert "No space left on device" in batch.error
    assert batch.attempt == 4
    assert client.get(reverse("dashboards:pack-batch-archive", args=[batch.pk])).status_code == 404

    monkeypatch.setattr(FieldFile, "save", real_save)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:dashboards_packbatch_changelist"),
            {"action": "build_again", "_selected_action": [batch.pk]},
        )
    batch.refresh_from_db()
    assert batch.status == PackBatchStatus.DONE
    assert batch.error == ""
    assert len(archive_of(client, batch).namelist()) == 2


def test_only_administrators_ask_for_or_download_the_packs(
    client, official, admin_user, world, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    batch = ask_for_packs(
        client, Phase.objects.get(start_year=2014), django_capture_on_commit_callbacks
    )
    url = reverse("dashboards:pack-batch-archive", args=[batch.pk])
    client_official = Client()
    client_official.force_login(official)
    assert client_official.get(url).status_code == 403
    assert client_official.get(reverse("admin:dashboards_packbatch_add")).status_code in (302, 403)
