from django.utils.translation import gettext as _

from core.commands import PortalCommand
from provinces.services import Upsert, load_provinces_from_package


def describe(counts) -> str:
    return _("%(total)s (created %(created)s, updated %(updated)s, unchanged %(unchanged)s)") % {
        "total": sum(counts.values()),
        "created": counts[Upsert.CREATED],
        "updated": counts[Upsert.UPDATED],
        "unchanged": counts[Upsert.UNCHANGED],
    }


class Command(PortalCommand):
    help = (
        "Load the 63 former and 34 current provincial units, and which former units merged "
        "into which, from the vietnamadminunits data package. Safe to run again."
    )

    def handle(self, *args, **options):
        self.stdout.write(_("Reading the administrative-unit data package…"))
        result = load_provinces_from_package()
        self.stdout.write(_("Current units: %(counts)s") % {"counts": describe(result.current)})
        self.stdout.write(_("Former units: %(counts)s") % {"counts": describe(result.former)})
        self.stdout.write(self.style.SUCCESS(_("Provinces are up to date.")))
