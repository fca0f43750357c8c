import functools

from django.utils.functional import SimpleLazyObject

from core import prepared

from .models import Notification


@functools.cache
def _unread_sql() -> str:
    """The count of one recipient's unread notices, from `NotificationQuerySet.unread`.

    Every signed-in page shows it: compiled once, and planned once per connection
    (core.prepared), instead of an ORM query built on every page.
    """
    sql, _params = (
        Notification.objects.filter(recipient_id=0)
        .unread()
        .order_by()
        .values("pk")
        .query.sql_with_params()
    )
    return f"SELECT COUNT(*) FROM ({sql}) unread"


def unread_notifications(request):
    """The header's count of unread notices; counted only on pages that show it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notifications": SimpleLazyObject(
            lambda: prepared.fetch_one("unread_notifications", _unread_sql(), [user.pk])[0]
        )
    }
