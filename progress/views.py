"""`/healthz`: whether the portal and the figures it shows are in working order."""

from django.conf import settings
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core import health

from .models import PendingRecompute, RecomputeRun, RecomputeStatus


def _figures() -> dict[str, str | None]:
    """A recompute left waiting too long, or no full rebuild for too long, is a fault."""
    now = timezone.now()
    problems = {}
    oldest = PendingRecompute.objects.order_by("requested_at").values_list(
        "requested_at", flat=True
    )
    oldest = oldest.first()
    # Three sweeps missed: the broker or the worker is not doing its job.
    waiting_limit = 3 * settings.CELERY_BEAT_SCHEDULE["recompute-pending-progress"]["schedule"]
    problems["pending_recompute"] = (
        f"waiting for {(now - oldest).total_seconds():.0f} s"
        if oldest and (now - oldest).total_seconds() > waiting_limit
        else None
    )
    last_full = (
        RecomputeRun.objects.filter(agreement__isnull=True, status=RecomputeStatus.SUCCEEDED)
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )
    rebuild_limit = 2 * settings.CELERY_BEAT_SCHEDULE["recompute-progress"]["schedule"]
    if last_full is None:
        problems["full_recompute"] = "never succeeded"
    elif (now - last_full).total_seconds() > rebuild_limit:
        problems["full_recompute"] = f"last succeeded {(now - last_full).total_seconds():.0f} s ago"
    else:
        problems["full_recompute"] = None
    return problems


@never_cache
@require_GET
def healthz(request):
    """200 when every part answers and the figures are fresh, else 503 saying what is wrong.

    Open to load balancers and monitors without signing in: it names parts and ages,
    never data.
    """
    checks = {
        "database": health.database(),
        "cache": health.shared_cache(),
        "broker": health.broker(),
    }
    if checks["database"] is None:
        checks.update(_figures())
    healthy = all(problem is None for problem in checks.values())
    body = {
        "status": "ok" if healthy else "fail",
        "checks": {name: problem or "ok" for name, problem in checks.items()},
    }
    return JsonResponse(body, status=200 if healthy else 503)
