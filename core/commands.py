"""What every management command of the portal shares: its language, and a database that is away.

Operators read the commands as they read Django's own: help and output in English, and
the output in Vietnamese with `--language vi`. The help stays English because argparse
prints it before any option is read.

A database that cannot be reached is one line, not a traceback (`--traceback` still
gives it), and its own exit status, so that a monitor running a command can tell it
from what the command itself found (check_values exits 1 for values outside their
period).
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import translation
from django.utils.translation import gettext as _

from .api import database_unavailable

# 1 is a CommandError's, 2 argparse's for a wrong option; 3 is "unknown" to Nagios-style monitors.
DATABASE_UNREACHABLE = 3


class PortalCommand(BaseCommand):
    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.add_argument(
            "--language",
            default="en",
            choices=[code for code, _name in settings.LANGUAGES],
            help="Language of the output (default: en).",
        )
        return parser

    def execute(self, *args, **options):
        # For this command only: the language of whoever called it (a shell, a test) stays.
        with translation.override(options["language"]):
            try:
                return super().execute(*args, **options)
            except DatabaseError as exc:
                if not database_unavailable(exc):
                    raise
                # The driver's reason may run over several lines (libpq adds a hint).
                reason = " ".join(str(exc).split())
                raise CommandError(
                    _("The database cannot be reached: %(reason)s") % {"reason": reason},
                    returncode=DATABASE_UNREACHABLE,
                ) from exc
