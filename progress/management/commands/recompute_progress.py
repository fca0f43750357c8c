from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from tqdm import tqdm

from core.commands import PortalCommand
from progress import services as progress


class Command(PortalCommand):
    help = (
        "Rebuild every progress table from the approved values, as the scheduled job does, "
        "and clear the agreements waiting for a recompute."
    )

    def handle(self, *args, **options):
        bar = tqdm(
            total=None,
            desc=_("Agreements"),
            unit="",
            file=self.stderr,
            disable=options["verbosity"] == 0,
        )

        def advance(done, total):
            bar.total = total
            bar.update(done - bar.n)

        try:
            run = progress.recompute_all(progress=advance)
        finally:
            bar.close()
        seconds = (run.finished_at - run.started_at).total_seconds()
        self.stdout.write(
            ngettext(
                "%(rows)s progress row written in %(seconds).1f s.",
                "%(rows)s progress rows written in %(seconds).1f s.",
                run.rows_written,
            )
            % {"rows": run.rows_written, "seconds": seconds}
        )
