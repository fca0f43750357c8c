"""Evidence files attached to a report: what is accepted, attaching, and removing (hiding)."""

import os

from django.conf import settings
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .models import Evidence, QuarterlyReport
from .services import (
    ReportInvalid,
    ReportNotFound,
    can_edit,
    ensure_editable,
    lock_report,
    stamp,
)

EVIDENCE_TYPES = {
    ".pdf": ("application/pdf", (b"%PDF",)),
    ".png": ("image/png", (b"\x89PNG",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
    ".pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (b"PK\x03\x04",),
    ),
    ".odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", (b"PK\x03\x04",)),
    ".doc": ("application/msword", (b"\xd0\xcf\x11\xe0",)),
    ".xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0",)),
}


def too_large_message(size: int, limit: int) -> str:
    """The sizes as Django writes them everywhere, the report's list of files included
    (1,5 MB in Vietnamese, 1.5 MB in English; KB for a limit below a megabyte)."""
    return _("The file is %(size)s; the limit is %(limit)s.") % {
        "size": filesizeformat(size),
        "limit": filesizeformat(limit),
    }


def evidence_errors(upload) -> list[str]:
    """Refuse files that are too large or are not what their name says."""
    extension = os.path.splitext(upload.name)[1].lower()
    if extension not in EVIDENCE_TYPES:
        return [
            _(
                "Files of type %(ext)s are not accepted. Upload a PDF, an image or an office document."
            )
            % {"ext": extension or _("(none)")}
        ]
    if upload.size > settings.EVIDENCE_MAX_BYTES:
        return [too_large_message(upload.size, settings.EVIDENCE_MAX_BYTES)]
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(EVIDENCE_TYPES[extension][1]):
        return [_("The file's content does not match its type %(ext)s.") % {"ext": extension}]
    return []


def attach_evidence(report: QuarterlyReport, user, upload, description: str = "") -> Evidence:
    if not can_edit(user, report.agreement):
        raise ReportNotFound()
    errors = evidence_errors(upload)
    if errors:
        raise ReportInvalid({"evidence": errors})
    with transaction.atomic():
        report = lock_report(report)
        ensure_editable(report)
        extension = os.path.splitext(upload.name)[1].lower()
        evidence = Evidence(
            report=report,
            original_name=os.path.basename(upload.name)[:255],
            content_type=EVIDENCE_TYPES[extension][0],
            size=upload.size,
            description=description[:300],
            uploaded_by=user,
        )
        evidence.file.save(upload.name, upload, save=False)
        stamp(evidence, user)
        evidence.save()
    return evidence


def remove_evidence(evidence: Evidence, user) -> Evidence:
    """Hide a file from the report; it is kept, so nothing is ever lost."""
    if not can_edit(user, evidence.report.agreement):
        raise ReportNotFound()
    with transaction.atomic():
        report = lock_report(evidence.report)
        ensure_editable(report)
        evidence.is_removed = True
        stamp(evidence, user)
        evidence.save(update_fields=["is_removed"])
    return evidence
