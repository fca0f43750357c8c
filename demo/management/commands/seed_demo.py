from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.commands import PortalCommand
from demo.services import ACCOUNTS, seed_demo
from progress import services as progress
from provinces.access import Role
from provinces.services import Upsert

COUNTED_APPS = ("provinces", "partnerships", "milestones", "progress")


class Command(PortalCommand):
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
                ngettext(
                    "Progress recomputed: %(rows)s row written.",
                    "Progress recomputed: %(rows)s rows written.",
                    run.rows_written,
                )
                % {"rows": run.rows_written}
            )
        else:
            self.stdout.write(_("Nothing changed; the progress tables are left as they are."))

        models = [get_user_model()] + [
            model
            for app_label in COUNTED_APPS
            for model in apps.get_app_config(app_label).get_models()
            if not model.__name__.startswith("Historical")
        ]
        header = (_("Table"), _("created"), _("updated"), _("unchanged"), _("rows"))
        self.stdout.write(
            f"{header[0]:<32} {header[1]:>8} {header[2]:>8} {header[3]:>9} {header[4]:>7}"
        )
        for model in models:
            counts = [loaded.outcomes[(model, outcome)] for outcome in Upsert]
            name = str(model._meta.verbose_name_plural)
            self.stdout.write(
                f"{name:<32} {counts[0]:>8} {counts[1]:>8} {counts[2]:>9} "
                f"{model.objects.count():>7}"
            )

        self.stdout.write("")
        self.stdout.write(
            _("Demo accounts (password “%(password)s”):") % {"password": settings.DEMO_PASSWORD}
        )
        for account in ACCOUNTS:
            user = loaded.users[account.username]
            provinces = ", ".join(
                assignment.province.name
                for assignment in user.province_assignments.select_related("province")
            ) or _("all provinces")
            role = str(Role(account.role).label)
            self.stdout.write(f"  {account.username:<16} {role:<16} {provinces}")
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
