"""Diacritic-insensitive search that behaves the same on SQLite and PostgreSQL.

Each searchable model keeps a folded copy of its names in `search_text`
(lower case, no diacritics, đ as d). Queries are folded the same way and
matched with a plain `icontains`, so no database extension is needed.
"""

from functools import reduce
from operator import or_

import django_filters
from django import forms
from django.contrib import messages
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from unidecode import unidecode

# Each word is one LIKE: a thousand of them overflow SQLite's expression tree, and a
# word of 50,000 characters its pattern limit. No name the portal holds needs more.
SEARCH_MAX_WORDS = 10
SEARCH_MAX_WORD_LENGTH = 60
SEARCH_MAX_LENGTH = 200


def fold(text: str) -> str:
    return " ".join(unidecode(text or "").lower().split())


def fold_code(code: str) -> str:
    """A KPI's code as the import, the API and the catalogue's own rule read it.

    A code is an identifier people type into import files and API calls: BTS_TOTAL and
    bts-total mean bts_total, so capitals and "-" for "_" make no other code.
    """
    return (code or "").strip().lower().replace("-", "_")


def search_refusal(query: str) -> str | None:
    """What is wrong with a search that is too long to run, for the user; None if it runs."""
    words = (query or "").split()
    if (
        len(query or "") > SEARCH_MAX_LENGTH
        or len(words) > SEARCH_MAX_WORDS
        or any(len(word) > SEARCH_MAX_WORD_LENGTH for word in words)
    ):
        return gettext(
            "Search with at most %(words)s words of at most %(length)s characters each "
            "(%(total)s characters in all)."
        ) % {
            "words": SEARCH_MAX_WORDS,
            "length": SEARCH_MAX_WORD_LENGTH,
            "total": SEARCH_MAX_LENGTH,
        }
    return None


def bounded(query: str) -> str:
    """The query cut to the words and lengths a search runs with."""
    words = (query or "")[: SEARCH_MAX_LENGTH * 4].split()[:SEARCH_MAX_WORDS]
    return " ".join(word[:SEARCH_MAX_WORD_LENGTH] for word in words)


def search_q(query: str, field: str = "search_text") -> models.Q:
    """A Q matching every word of the query, in any order."""
    q = models.Q()
    for word in fold(bounded(query)).split():
        q &= models.Q(**{f"{field}__contains": word})
    return q


class SearchField(forms.CharField):
    """A search box that refuses, with a message, a search too long to run."""

    def validate(self, value):
        super().validate(value)
        refusal = search_refusal(value)
        if refusal:
            raise forms.ValidationError(refusal, code="search_too_long")


class SearchFilter(django_filters.CharFilter):
    """The `q` of the lists and the API: every word matched, in any order, folded."""

    field_class = SearchField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Search"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        return qs.filter(search_q(value)) if value else qs


def bounded_admin_term(request, search_term: str) -> str:
    """The admin's search cut to the bounds a search runs with, telling the user when it cuts."""
    refusal = search_refusal(search_term)
    if refusal is None:
        return search_term
    cut = gettext("Only the beginning of your search was used.")
    messages.warning(request, f"{refusal} {cut}")
    return bounded(search_term)


class BoundedSearchAdminMixin:
    """Django's own admin search (one LIKE per word and field), bounded."""

    def get_search_results(self, request, queryset, search_term):
        search_term = bounded_admin_term(request, search_term)
        return super().get_search_results(request, queryset, search_term)


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
        search_term = bounded_admin_term(request, search_term)
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
        search_term = bounded_admin_term(request, search_term)
        if not search_term.strip():
            return queryset, False
        folded = queryset.filter(
            reduce(or_, (search_q(search_term, field) for field in self.folded_search_fields))
        )
        if not self.get_search_fields(request):
            return folded, True
        plain, _duplicates = super().get_search_results(request, queryset, search_term)
        return plain | folded, True
