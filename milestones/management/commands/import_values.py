"""Import a large file of quarterly values with the same checks as the web import."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from tqdm import tqdm

from core.commands import PortalCommand
from milestones import imports


class Command(PortalCommand):
    help = (
        "Check a CSV or XLSX file of quarterly values (the import template's columns) and, "
        "if it has no error, save it as draft reports in one transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--user",
            required=True,
            help="The username the values are saved as; their provinces limit what is accepted.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and list the changes; save nothing."
        )

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(
                _("No active user is named “%(username)s”.") % {"username": options["user"]}
            )
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(reason)s.") % {"file": path, "reason": exc.strerror}
            ) from exc
        show = options["verbosity"] > 0
        try:
            rows = imports.read_rows(data, path.name)
        except imports.ImportFileError as exc:
            raise CommandError(exc.message) from exc

        def progress(description, unit):
            return lambda items: tqdm(
                items, desc=description, unit=unit, disable=not show, file=self.stderr
            )

        plan = imports.plan_import(rows, user, progress=progress(_("Checking"), _("row")))
        for error in plan.errors:
            self.stderr.write(
                _("row %(row)s, %(column)s: %(message)s")
                % {"row": error.row, "column": error.column, "message": error.message}
            )
        if not plan.ok:
            raise CommandError(
                ngettext(
                    "%(count)s error in %(file)s; nothing was imported.",
                    "%(count)s errors in %(file)s; nothing was imported.",
                    len(plan.errors),
                )
                % {"count": len(plan.errors), "file": path.name}
            )
        if show:
            for change in plan.changes:
                self.stdout.write(
                    _("row %(row)s: %(agreement)s %(quarter)s %(kpi)s: %(old)s → %(new)s")
                    % {
                        "row": change.row,
                        "agreement": change.agreement.pk,
                        "quarter": change.quarter,
                        "kpi": change.kpi.code,
                        "old": change.old or "—",
                        "new": change.new or "—",
                    }
                )
        if options["dry_run"]:
            self.stdout.write(
                ngettext(
                    "%(count)s value would change; nothing was saved.",
                    "%(count)s values would change; nothing was saved.",
                    len(plan.changes),
                )
                % {"count": len(plan.changes)}
            )
            return
        try:
            saved = imports.apply_import(plan, user, progress=progress(_("Saving"), _("report")))
        except imports.ImportRefused as exc:
            raise CommandError(exc.message) from exc
        # Two counts, each with its own plural.
        self.stdout.write(
            self.style.SUCCESS(
                _("%(values)s in %(reports)s.")
                % {
                    "values": ngettext(
                        "%(count)s value saved", "%(count)s values saved", len(plan.changes)
                    )
                    % {"count": len(plan.changes)},
                    "reports": ngettext("%(count)s draft report", "%(count)s draft reports", saved)
                    % {"count": saved},
                }
            )
        )
