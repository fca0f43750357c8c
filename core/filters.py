"""Filters every API list shares: a yes-or-no filter that refuses what it cannot read.

django-filter's own BooleanFilter reads anything but "true" and "false" (0, 1, "no",
"maybe") as no filter at all, and the list came back whole, as if the client had
asked for everything. Every other bad filter value is a 400 naming the field; so is this.
"""

import django_filters
from django import forms
from django.db import models
from django.db.models.fields import BLANK_CHOICE_DASH
from django.utils.translation import gettext_lazy as _

# What a client may write for yes and no: JSON's words, and the digits many clients send.
TRUE = frozenset({"true", "1"})
FALSE = frozenset({"false", "0"})


class StrictBooleanField(forms.Field):
    """true or false, 1 or 0 (in any case); left out or blank is no filter."""

    # The browsable API's filter form offers the two words; the field reads what is sent.
    widget = forms.Select(choices=[*BLANK_CHOICE_DASH, ("true", _("Yes")), ("false", _("No"))])
    default_error_messages = {"invalid": _("Enter true or false (or 1 or 0).")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        word = str(value).strip().lower()
        if word in TRUE:
            return True
        if word in FALSE:
            return False
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class BooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class FilterSet(django_filters.FilterSet):
    """The API's filtersets: a boolean field named in Meta.fields gets the strict filter too."""

    FILTER_DEFAULTS = {
        **django_filters.FilterSet.FILTER_DEFAULTS,
        models.BooleanField: {"filter_class": BooleanFilter},
    }
