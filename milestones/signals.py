"""A change of target changes what progress is measured against: recompute the agreement."""

from django.db import transaction

from partnerships.models import Agreement

from . import progress


def target_saved(sender, instance, raw=False, **kwargs):
    # Fixtures load raw rows; the recompute after loading them covers those.
    if not raw:
        progress.request_recompute(instance.agreement_id, reason="target changed")


def target_deleted(sender, instance, **kwargs):
    agreement_id = instance.agreement_id

    # The target may go with its agreement; ask only if the agreement is still there.
    def request_if_agreement_remains():
        if Agreement.objects.filter(pk=agreement_id).exists():
            progress.request_recompute(agreement_id, reason="target removed")

    transaction.on_commit(request_if_agreement_remains)
