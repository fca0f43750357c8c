from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from milestones import progress
from partnerships.demo import ACCOUNTS, seed_demo
from provinces.services import Role, Upsert

COUNTED_APPS = ("provinces", "partnerships", "milestones")


class Command(BaseCommand):
    help = (
        "Load the provinces, the catalogues, every agreement and figure from the source "
        "articles, the demo accounts and flagged synthetic quarterly figures. Safe to run again."
    )

    def handle(self, *args, **options):
        loaded = seed_demo(settings.DEMO_PASSWORD)
        if loaded.changed:
            # Dashboards read the computed progress tables, so rebuild them once the
            # new figures are committed; an unchanged run leaves them as they are.
            run = progress.recompute_all()
            self.stdout.write(
                _("Progress recomputed: %(rows)s rows written.") % {"rows": run.rows_written}
            )
        else:
            self.stdout.write(_("Nothing changed; the progress tables are left as they are."))

        self.stdout.write(_("Rows by kind (created / updated / unchanged):"))
        labels = sorted({label for label, _outcome in loaded.outcomes})
        for label in labels:
            self.stdout.write(
                f"  {label:<16} {loaded.outcomes[(label, Upsert.CREATED)]:>6} "
                f"{loaded.outcomes[(label, Upsert.UPDATED)]:>6} "
                f"{loaded.outcomes[(label, Upsert.UNCHANGED)]:>6}"
            )

        self.stdout.write(_("Rows in each table:"))
        for app_label in COUNTED_APPS:
            for model in apps.get_app_config(app_label).get_models():
                if model._meta.label.split(".")[1].startswith("Historical"):
                    continue
                self.stdout.write(f"  {model._meta.label:<36} {model.objects.count():>6}")

        self.stdout.write(
            _("Demo accounts (password “%(password)s”):") % {"password": settings.DEMO_PASSWORD}
        )
        for account in ACCOUNTS:
            user = loaded.users[account.username]
            provinces = ", ".join(
                assignment.province.name for assignment in user.province_assignments.all()
            ) or _("all provinces")
            self.stdout.write(
                f"  {account.username:<16} {Role(account.role).label!s:<16} {provinces}"
            )
        if not settings.DEBUG:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "DEBUG is off: the portal refuses the demo password, so these accounts "
                        "cannot sign in until their passwords are changed."
                    )
                )
            )
        self.stdout.write(self.style.SUCCESS(_("Demo data is loaded.")))
