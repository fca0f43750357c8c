from django.db import transaction
from django.utils.translation import gettext as _

from core.commands import PortalCommand
from partnerships.reference import load_reference_data
from provinces.services import Upsert, ensure_role_groups


class Command(PortalCommand):
    help = (
        "Create or update what every installation needs: the role groups and their "
        "permissions, the phases, the commitment areas and the KPI catalogue. Safe to run "
        "again: it changes only what differs."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            groups = ensure_role_groups()
            outcomes = load_reference_data()
        for model in sorted({model for model, _outcome in outcomes}, key=lambda m: m.__name__):
            self.stdout.write(
                _("%(model)s: %(created)s created, %(updated)s updated, %(unchanged)s unchanged")
                % {
                    "model": model._meta.verbose_name_plural,
                    "created": outcomes.get((model, Upsert.CREATED), 0),
                    "updated": outcomes.get((model, Upsert.UPDATED), 0),
                    "unchanged": outcomes.get((model, Upsert.UNCHANGED), 0),
                }
            )
        self.stdout.write(_("Role groups: %(count)s.") % {"count": len(groups)})
