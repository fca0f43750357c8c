"""Accounts and work for the load test (bench/locustfile.py), on the data of generate_scale_data.

Officials sign in with a password; staff and reviewers use API tokens, as a
province's reporting system would. Each staff account owns one draft of the
latest quarter, and each reviewer its own submitted reports, so that the load
measures the portal, not people overwriting each other. Writes the accounts
and what to read to bench/results/load.json.
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from demo.management.commands.generate_scale_data import SCALE_MARK  # noqa: E402
from milestones.models import QuarterlyReport, ReportStatus  # noqa: E402
from partnerships.models import Agreement, Phase  # noqa: E402
from provinces.access import Role  # noqa: E402
from provinces.models import Province, ProvinceAssignment  # noqa: E402

PASSWORD = "load-test-password"
RESULTS = Path(__file__).resolve().parent / "results"
OFFICIALS, STAFF, REVIEWERS = 40, 15, 5
# A reviewer approves one report every 3 to 6 seconds: enough for two minutes of load.
SUBMITTED_PER_REVIEWER = 25


def account(username: str, role: str, password: str | None = None):
    user, _created = get_user_model().objects.get_or_create(username=username)
    if password:
        user.set_password(password)
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def open_the_latest_quarters(scale, staff: int, reviewers: int):
    """The latest quarter as it stands while it is being reported: some of its reports are
    drafts being typed, the rest are submitted and wait for a reviewer, with the quarter
    before's late ones, so that the reviewers have work for the whole run."""
    latest = list(scale.order_by("-quarter").values_list("quarter", flat=True).distinct()[:2])
    reports = list(
        scale.filter(quarter__in=latest).order_by("-quarter", "pk")[
            : staff + reviewers * SUBMITTED_PER_REVIEWER
        ]
    )
    for report in reports[:staff]:
        report.status, report.submitted_at, report.reviewed_at = ReportStatus.DRAFT, None, None
    for report in reports[staff:]:
        report.status, report.reviewed_at = ReportStatus.SUBMITTED, None
    QuarterlyReport.objects.bulk_update(reports, ["status", "submitted_at", "reviewed_at"])


def main():
    scale = QuarterlyReport.objects.filter(agreement__title__startswith=SCALE_MARK)
    open_the_latest_quarters(scale, STAFF, REVIEWERS)
    drafts = list(
        scale.filter(status=ReportStatus.DRAFT)
        .select_related("agreement__counterparty__province")
        .order_by("pk")[:STAFF]
    )
    submitted = list(scale.filter(status=ReportStatus.SUBMITTED).order_by("pk"))
    if not drafts or not submitted:
        sys.exit("No scale data with drafts and submissions: run generate_scale_data first.")
    staff = []
    for number, report in enumerate(drafts):
        user = account(f"load_staff_{number}", Role.STAFF)
        unit = report.agreement.counterparty.province
        ProvinceAssignment.objects.get_or_create(user=user, province=unit.successor or unit)
        staff.append(
            {
                "token": Token.objects.get_or_create(user=user)[0].key,
                "report": report.pk,
                "version": report.version,
            }
        )
    reviewers = [
        {
            "token": Token.objects.get_or_create(
                user=account(f"load_reviewer_{number}", Role.REVIEWER)
            )[0].key,
            "reports": [report.pk for report in submitted[number::REVIEWERS]],
        }
        for number in range(REVIEWERS)
    ]
    officials = [
        account(f"load_official_{number}", Role.OFFICIAL, PASSWORD).username
        for number in range(OFFICIALS)
    ]
    plan = {
        "password": PASSWORD,
        "officials": officials,
        "staff": staff,
        "reviewers": reviewers,
        "provinces": list(Province.objects.current().values_list("slug", flat=True)),
        "agreements": list(
            Agreement.objects.filter(title__startswith=SCALE_MARK).values_list("pk", flat=True)
        ),
        "phases": list(Phase.objects.values_list("code", flat=True)),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "load.json").write_text(json.dumps(plan))
    print(
        f"{len(officials)} officials, {len(staff)} staff with a draft each, "
        f"{len(reviewers)} reviewers with {len(submitted)} submitted reports"
    )


if __name__ == "__main__":
    main()
