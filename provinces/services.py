"""Who may see and change which provinces: the one place province scoping lives.

Every view, API endpoint, import and task asks `province_scope` instead of
reading group membership or assignments itself.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import Province


class Role(models.TextChoices):
    """Roles are Django groups of these names, granted in the admin."""

    ADMIN = "admin", _("Administrator")
    REVIEWER = "reviewer", _("Reviewer")
    STAFF = "staff", _("Staff")
    OFFICIAL = "official", _("Official")


class Action(models.TextChoices):
    VIEW = "view", _("view")
    EDIT = "edit", _("enter progress")
    REVIEW = "review", _("review")


def roles_of(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_portal_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached.add(Role.ADMIN)
        user._portal_roles = cached
    return cached


def has_role(user, role: str) -> bool:
    return role in roles_of(user)


def is_admin(user) -> bool:
    return has_role(user, Role.ADMIN)


def assigned_province_ids(user) -> set[int]:
    """The provinces a user is assigned to, with the former units merged into them."""
    cached = getattr(user, "_portal_province_ids", None)
    if cached is None:
        direct = list(Province.objects.filter(assignments__user=user).values_list("pk", flat=True))
        cached = set(direct)
        frontier = direct
        while frontier:
            frontier = list(
                Province.objects.filter(successor_id__in=frontier).values_list("pk", flat=True)
            )
            cached.update(frontier)
        user._portal_province_ids = cached
    return cached


def province_scope(user, action: str = Action.VIEW) -> set[int] | None:
    """Province ids the user may act on; None means every province.

    Viewing is open to every signed-in user (officials read everything approved).
    Staff enter progress for their assigned provinces only. Reviewers review their
    assigned provinces, or all of them when no province is assigned to them.
    """
    if not user.is_authenticated:
        return set()
    if is_admin(user):
        return None
    if action == Action.VIEW:
        return None
    if action == Action.EDIT:
        return assigned_province_ids(user) if has_role(user, Role.STAFF) else set()
    if action == Action.REVIEW:
        if not has_role(user, Role.REVIEWER):
            return set()
        return assigned_province_ids(user) or None
    return set()


def restrict(queryset, user, action: str = Action.VIEW, province_field: str = "province"):
    """Filter any queryset to the provinces the user may act on."""
    scope = province_scope(user, action)
    if scope is None:
        return queryset
    return queryset.filter(**{f"{province_field}__in": scope})
