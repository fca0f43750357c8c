"""Diacritic-insensitive search that behaves the same on SQLite and PostgreSQL.

Each searchable model keeps a folded copy of its names in `search_text`
(lower case, no diacritics, đ as d). Queries are folded the same way and
matched with a plain `icontains`, so no database extension is needed.
"""

from functools import reduce
from operator import or_

from django.db import models
from django.utils.translation import gettext_lazy as _
from unidecode import unidecode


def fold(text: str) -> str:
    return " ".join(unidecode(text or "").lower().split())


def search_q(query: str, field: str = "search_text") -> models.Q:
    """A Q matching every word of the query, in any order."""
    q = models.Q()
    for word in fold(query).split():
        q &= models.Q(**{f"{field}__contains": word})
    return q


class SearchableModel(models.Model):
    """Keeps `search_text` in step with the fields named by `search_fields`."""

    search_fields: tuple[str, ...] = ()

    search_text = models.TextField(_("search text"), blank=True, editable=False, default="")

    class Meta:
        abstract = True

    def build_search_text(self) -> str:
        return fold(" ".join(str(getattr(self, name) or "") for name in self.search_fields))

    def save(self, *args, **kwargs):
        self.search_text = self.build_search_text()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)


class FoldedSearchAdminMixin:
    """Admin search through `search_text`: `lao cai` finds Lào Cai."""

    search_fields = ("search_text",)

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return queryset.filter(search_q(search_term)), False


class FoldedRelatedSearchMixin:
    """Admin search that also matches the folded names of related rows.

    Models without their own `search_text` (an assignment, a report) are found
    through the `search_text` of the province or agreement they belong to, so
    `quang binh` finds them as well as `Quảng Bình` does. Plain `search_fields`
    still apply to the model's own text columns.
    """

    folded_search_fields: tuple[str, ...] = ()

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        folded = queryset.filter(
            reduce(or_, (search_q(search_term, field) for field in self.folded_search_fields))
        )
        if not self.get_search_fields(request):
            return folded, True
        plain, _duplicates = super().get_search_results(request, queryset, search_term)
        return plain | folded, True
