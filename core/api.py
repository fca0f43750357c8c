"""API pieces every app shares: quarters as 2021Q4, in serializers and in filters."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .parsing import parse_quarter, quarter_label

QUARTER_SCHEMA = {
    "type": "string",
    "pattern": r"^\d{4}Q[1-4]$",
    "example": "2021Q4",
    "description": "Year and quarter. Also accepted on input: Q4/2021, 2021-Q4, 20214.",
}


@extend_schema_field(QUARTER_SCHEMA)
class QuarterField(serializers.Field):
    """A quarter shown as 2021Q4; stored as the integer 20214."""

    def to_representation(self, value):
        return quarter_label(value)

    def to_internal_value(self, data):
        try:
            return parse_quarter(data).code
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


class QuarterFormField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return None
        try:
            return parse_quarter(value).code
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from exc


@extend_schema_field(QUARTER_SCHEMA)
class QuarterFilter(django_filters.CharFilter):
    field_class = QuarterFormField
