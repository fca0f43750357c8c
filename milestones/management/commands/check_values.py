"""List the stored values whose quarter lies outside their agreement's period."""

import sys

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.commands import DATABASE_UNREACHABLE, PortalCommand
from milestones.checks import values_outside_period


class Command(PortalCommand):
    help = (
        "List every KPI value, in a report of any status, whose quarter lies outside its "
        "agreement's period: such values are refused at entry and never counted, so any "
        "found was stored around the checks and needs correcting. Prints each value "
        "(province, agreement, period, quarter, KPI, value, report status) and their count. "
        "Exits 0 when there is none, 1 when there is any and "
        f"{DATABASE_UNREACHABLE} when the database cannot be reached, for monitoring."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--quiet",
            action="store_true",
            help="Print only the count; the exit status is the same.",
        )

    def handle(self, *args, **options):
        values = values_outside_period().select_related(
            "kpi", "report__agreement__counterparty__province"
        )
        values = list(
            values.order_by("report__agreement_id", "report__quarter", "kpi__order", "kpi__code")
        )
        if not options["quiet"]:
            for value in values:
                self.stdout.write(self._line(value))
        if not values:
            self.stdout.write(_("No value lies outside its agreement's period."))
            return
        self.stdout.write(
            ngettext(
                "%(count)s value lies outside its agreement's period.",
                "%(count)s values lie outside their agreements' periods.",
                len(values),
            )
            % {"count": len(values)}
        )
        sys.exit(1)

    def _line(self, value) -> str:
        report = value.report
        agreement = report.agreement
        counterparty = agreement.counterparty
        return _(
            "%(province)s, agreement %(number)s “%(agreement)s” (%(period)s): %(quarter)s, "
            "%(kpi)s = %(value)s; report: %(status)s"
        ) % {
            # An agreement with a central agency has no province; its counterparty stands in.
            "province": counterparty.province or counterparty,
            "number": agreement.pk,
            "agreement": agreement,
            "period": agreement.period_label,
            "quarter": report.period,
            "kpi": value.kpi.code,
            "value": value.display or "—",
            "status": report.get_status_display(),
        }
