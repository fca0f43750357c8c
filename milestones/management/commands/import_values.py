"""Import a large file of quarterly values with the same checks as the web import."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from tqdm import tqdm

from milestones import imports


class Command(BaseCommand):
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
        parser.add_argument("--language", default="en", choices=["en", "vi"])

    def handle(self, *args, **options):
        # For this command only: the language of whoever called it (a shell, a test) stays.
        with translation.override(options["language"]):
            self._import(options)

    def _import(self, options):
        user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user is named {options['user']!r}.")
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from exc
        show = options["verbosity"] > 0
        try:
            rows = imports.read_rows(data, path.name)
        except imports.ImportFileError as exc:
            raise CommandError(exc.message) from exc

        def progress(description, unit):
            return lambda items: tqdm(
                items, desc=description, unit=unit, disable=not show, file=self.stderr
            )

        plan = imports.plan_import(rows, user, progress=progress("Checking", "row"))
        for error in plan.errors:
            self.stderr.write(f"row {error.row}, {error.column}: {error.message}")
        if not plan.ok:
            raise CommandError(f"{len(plan.errors)} errors in {path.name}; nothing was imported.")
        if show:
            for change in plan.changes:
                self.stdout.write(
                    f"row {change.row}: {change.agreement.pk} {change.quarter} {change.kpi.code}: "
                    f"{change.old or '—'} → {change.new or '—'}"
                )
        if options["dry_run"]:
            self.stdout.write(f"{len(plan.changes)} values would change; nothing was saved.")
            return
        try:
            saved = imports.apply_import(plan, user, progress=progress("Saving", "report"))
        except imports.ImportRefused as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            self.style.SUCCESS(f"{len(plan.changes)} values saved in {saved} draft reports.")
        )
