"""Writing notices: who is concerned, what they chose to receive, and the mail in their language.

A notice is written inside the transaction of the event that causes it, or by the
daily job; the caller queues it for sending by id once that commits
(`tasks.send_on_commit`). If the broker is down the row waits for the outbox run
(`outbox.send_due`); nothing is lost with the message.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from .models import Kind, Notification, Preference, Status

UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def preference_for(user) -> Preference:
    """The person's choices; the defaults, unsaved, until they change one."""
    try:
        return user.notification_preference
    except Preference.DoesNotExist:
        return Preference(user=user)


def people_with_role(role: str):
    return people_with_roles((role,))


def people_with_roles(roles):
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=roles)
        .select_related("notification_preference")
        .distinct()
        .order_by("pk")
    )


def absolute(path: str) -> str:
    return f"{settings.PORTAL_URL}{path}"


def unsubscribe_token(user_id: int, kind: str) -> str:
    return signing.dumps({"u": user_id, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """The person and kind a link names; None when it was not made by the portal."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        user_id, kind = int(data["u"]), str(data["k"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    return (user_id, kind) if kind in Kind.values else None


def unsubscribe_url(user_id: int, kind: str) -> str:
    return absolute(reverse("notifications:unsubscribe", args=[unsubscribe_token(user_id, kind)]))


def set_subscription(user, kind: str, wanted: bool) -> Preference:
    with transaction.atomic():
        preference, _created = Preference.objects.select_for_update().get_or_create(user=user)
        setattr(preference, kind, wanted)
        preference.save(update_fields=[kind])
    return preference


def write(
    user, kind: str, key: str, subject, template: str, context, link: str = "", snapshot=None
):
    """Write one notice for `user` unless they turned its kind off or already have it.

    `subject` is called inside the recipient's language, as is `context` when it is
    callable (figures whose names are translated), and the templates
    `notifications/email/<template>.txt` and `.html`; returns the new notice or None.
    """
    preference = preference_for(user)
    if not preference.wants(kind):
        return None
    if Notification.objects.filter(recipient=user, kind=kind, key=key).exists():
        return None
    with translation.override(preference.language):
        context = {
            **(context() if callable(context) else context),
            "recipient": user,
            "link": absolute(link) if link else "",
            "portal_url": settings.PORTAL_URL,
            "preferences_url": absolute(reverse("notifications:preferences")),
            "unsubscribe_url": unsubscribe_url(user.pk, kind),
            "kind_label": Kind(kind).label,
        }
        title = str(subject())
        context["subject"] = title
        text = render_to_string(f"notifications/email/{template}.txt", context)
        html = render_to_string(f"notifications/email/{template}.html", context)
    notice = Notification(
        recipient=user,
        kind=kind,
        key=key,
        subject=title[:300],
        body_text=text,
        body_html=html,
        link=link,
        language=preference.language,
        email=user.email,
        status=Status.PENDING if user.email else Status.PORTAL_ONLY,
        snapshot=snapshot or {},
        next_attempt_at=timezone.now(),
    )
    try:
        # Two runs of a job at once: the unique key lets one of them write the notice.
        with transaction.atomic():
            notice.save()
    except IntegrityError:
        return None
    return notice


def mark_read(user, notice_ids=None) -> int:
    notices = Notification.objects.filter(recipient=user).unread()
    if notice_ids is not None:
        notices = notices.filter(pk__in=notice_ids)
    return notices.update(read_at=timezone.now())
