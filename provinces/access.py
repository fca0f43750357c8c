"""Who may see and change which provinces: the one place province scoping lives.

Roles are Django groups; assignments grant provinces. Every view, API endpoint,
export, import and job asks `province_scope`, `can` or a queryset's
`restrict(user, action)`, never group membership or assignments themselves.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .lineage import ProvinceTree, with_predecessors
from .models import ProvinceAssignment


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
        direct = ProvinceAssignment.objects.filter(user=user).values_list("province_id", flat=True)
        cached = with_predecessors(direct)
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


def can(user, action: str, province_id: int | None) -> bool:
    """Whether `user` may take `action` on a record of the province `province_id`."""
    scope = province_scope(user, action)
    return scope is None or province_id in scope


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows where its rows' province is: `restrict(user, action)` scopes it.

    `province_path` names the province of a row, as in `filter()`. Viewing is
    open to every signed-in user, so `restrict(user, Action.VIEW)` keeps every
    row for them and none for an anonymous user; a model whose rows are not all
    public (quarterly reports) overrides `restrict` with its own rule.
    """

    province_path = "province"

    def restrict(self, user, action: str = Action.VIEW):
        scope = province_scope(user, action)
        if scope is None:
            return self
        return self.filter(**{f"{self.province_path}__in": scope})


def people_who_may(action: str, province_id: int, role: str):
    """Active users of `role` who may take `action` on the province's records, in one query.

    The rule of `province_scope`, asked the other way round: an assignment to a
    unit covers the former units merged into it, so an assignment to the province
    or to anything it became part of counts; administrators act everywhere, and a
    reviewer without any assignment reviews every province.
    """
    admins = Q(is_superuser=True) | Q(groups__name=Role.ADMIN)
    covering = Q(province_assignments__province_id__in=ProvinceTree().chain(province_id))
    if action == Action.VIEW:
        allowed = Q()
    elif action == Action.EDIT:
        allowed = admins | (Q(groups__name=Role.STAFF) & covering)
    elif action == Action.REVIEW:
        unassigned = Q(province_assignments__isnull=True)
        allowed = admins | (Q(groups__name=Role.REVIEWER) & (covering | unassigned))
    else:
        allowed = admins
    active = get_user_model().objects.filter(is_active=True)
    # Two filters: the role asked for and the one that grants the action may differ.
    return (
        active.filter(groups__name=role)
        .filter(pk__in=active.filter(allowed).values("pk"))
        .distinct()
        .order_by("pk")
    )
