"""API pieces every app shares: quarters as 2021Q4 in serializers and filters, and errors in JSON."""

import logging
import re
from collections.abc import Mapping
from decimal import Decimal

import django_filters
from django import forms
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.filters import OrderingFilter
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils import html
from rest_framework.views import exception_handler as drf_exception_handler

from . import busy
from .answers import refusal
from .parsing import (
    impossible_date_refusal,
    parse_number,
    parse_quarter,
    plain_whole_number,
    quarter_label,
)

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


def _parsed_number(data):
    """`parse_number`'s reading, its refusal told as the API tells a field's."""
    try:
        return parse_number(data)
    except ValidationError as exc:
        # A refusal of several messages (too many digits) carries no code of its own.
        code = getattr(exc, "code", None) or "invalid"
        raise serializers.ValidationError(exc.messages, code=code) from exc


NUMBER_SCHEMA = {
    "oneOf": [{"type": "number"}, {"type": "string"}],
    "example": 1480,
    "description": "A JSON number (1480, 91.7), or a string read in the request's language as "
    'the entry form reads it: "1.480" is 1,480 in Vietnamese and 1.48 in English; "91,7" is '
    "91.7.",
}
WHOLE_NUMBER_SCHEMA = {
    "oneOf": [{"type": "integer"}, {"type": "string", "pattern": r"^\d+$"}],
    "example": 3,
    "description": "A whole number, as a JSON integer or in plain digits.",
}


class DateField(serializers.DateField):
    """A date as the API reads one: day first (REST_FRAMEWORK's DATE_INPUT_FORMATS), and a day
    its month does not have refused as such (`impossible_date_refusal`), as on the forms."""

    def to_internal_value(self, value):
        try:
            return super().to_internal_value(value)
        except serializers.ValidationError:
            if refusal := impossible_date_refusal(value):
                raise serializers.ValidationError(refusal, code="no_such_date") from None
            raise


@extend_schema_field(NUMBER_SCHEMA)
class NumberField(serializers.DecimalField):
    """A number read as the entry form and the import read it: 1480, 91.7, "1.480", "91,7".

    DRF's own DecimalField takes "1e3", "１４８０" and "9_0" as Python does, and would
    save what the form refuses. A blank string is no value, as on the form.
    """

    def to_internal_value(self, data):
        number = _parsed_number(data)
        if number is None:
            if not self.allow_null:
                self.fail("invalid")
            return None
        return number


@extend_schema_field(WHOLE_NUMBER_SCHEMA)
class WholeNumberField(serializers.IntegerField):
    """A whole number (a percentage, an id, a version) read by `parse_number`, as `NumberField`
    reads one: DRF's IntegerField takes "1_0" as 10, and "١٠" or "１０" too. Typed as text, it
    is plain digits, as the form's (`core.parsing.WholeNumberField`): "10.0", or "1.000"
    read as a thousand in Vietnamese, is no whole number there either.

    Anything else is refused as no whole number, not with the figures' examples
    (79.500, 91,7), which would mislead a client sending an id or a version.
    """

    default_error_messages = {"invalid": gettext_lazy("Enter a whole number in digits.")}

    def to_internal_value(self, data):
        if isinstance(data, str):
            if not plain_whole_number(data):
                self.fail("invalid")
        elif isinstance(data, bool) or not isinstance(data, int | float | Decimal):
            self.fail("invalid")
        number = _parsed_number(data)
        if number is None or number != number.to_integral_value():
            self.fail("invalid")
        return int(number)


class ChoiceField(serializers.ChoiceField):
    """A choice whose refusal lists the choices, so that a client can correct it."""

    default_error_messages = {
        "invalid_choice": gettext_lazy("“{input}” is not one of the choices: {choices}.")
    }

    def fail(self, key, **kwargs):
        if key == "invalid_choice":
            kwargs["choices"] = ", ".join(str(choice) for choice in self.choices)
        super().fail(key, **kwargs)


class StrictSerializer(serializers.Serializer):
    """Input that refuses the keys it does not take, naming each.

    DRF drops them without a word: a misspelt `valeu` or `value` for `values` would
    save nothing and still be answered 200. A form posted as such (a QueryDict, with
    its form token and its lists spelt `values[0]kpi`) is read as DRF reads it.
    """

    def to_internal_value(self, data):
        refused = {}
        if isinstance(data, Mapping):
            refused = self.refused_keys(data)
        try:
            validated = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if not refused:
                raise
            raise serializers.ValidationError({**refused, **exc.detail}) from exc
        if refused:
            raise serializers.ValidationError(refused)
        return validated

    def taken_keys(self, data) -> list[str]:
        return [name for name, field in self.fields.items() if not field.read_only]

    def refused_keys(self, data) -> dict[str, list[str]]:
        """Each key of `data` this input does not take, with why."""
        taken = self.taken_keys(data)
        return {
            str(key): [unknown_key_message(key, taken)]
            for key in _sent_keys(data)
            if key not in taken
        }


# A form posted to the API carries its token beside the fields.
FORM_TOKEN = "csrfmiddlewaretoken"


def _sent_keys(data) -> list[str]:
    """The fields `data` sends: a form's `values[0]kpi` and `values[1]kpi` are one `values`."""
    if not html.is_html_input(data):
        return list(data)
    names = dict.fromkeys(re.split(r"[\[.]", str(key), maxsplit=1)[0] for key in data)
    names.pop(FORM_TOKEN, None)
    return list(names)


def unknown_key_message(key, taken) -> str:
    return _("There is no field “%(key)s” here; the fields are: %(fields)s.") % {
        "key": key,
        "fields": ", ".join(taken),
    }


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


# Errors: the API always answers in JSON -------------------------------------------------

logger = logging.getLogger(__name__)


def stale_token_message() -> str:
    """A form or API write refused for its token (core/csrf.py): signing in or out
    rotates the token, so a page opened before that sends a stale one."""
    return _(
        "Nothing was saved: this page was opened before signing in or out in another tab. "
        "Go back, reload the page and send it again."
    )


# How long a client should wait before trying again when the database is away.
RETRY_AFTER_SECONDS = 30


def database_unavailable(exc: BaseException | None) -> bool:
    """Whether an error means the database cannot be reached (restarting, failing over)."""
    return isinstance(exc, OperationalError | InterfaceError)


def unavailable() -> dict:
    return refusal(
        _("The portal's database cannot be reached; try again in a moment."), "unavailable"
    )


def server_fault() -> dict:
    return refusal(_("The portal could not answer; the error was logged."), "server_error")


def exception_handler(exc, context):
    """DRF's own answers, and JSON instead of an HTML page for everything else.

    A database that cannot be reached is a 503 the client may retry; any other
    unexpected error is a 500 whose cause is logged, not shown.
    """
    response = drf_exception_handler(exc, context)
    if response is not None:
        if _is_not_found(exc):
            response.data = _not_found_refusal(exc)
        elif isinstance(exc, exceptions.ValidationError):
            response.data = _invalid(response.data)
        elif _stale_token(exc):
            response.data = refusal(stale_token_message(), "csrf_failed")
        elif isinstance(response.data, dict) and "detail" in response.data:
            code = getattr(exc, "default_code", "error")
            response.data = refusal(response.data["detail"], code)
        return response
    if isinstance(exc, RequestDataTooBig):
        return Response(
            refusal(_("The request is too large for the portal to read."), "too_large"),
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if busy.is_busy(exc):
        logger.warning("API request refused, database busy: %s", exc)
        return Response(
            refusal(busy.busy_message(), "busy"),
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(busy.RETRY_AFTER_SECONDS)},
        )
    if database_unavailable(exc):
        logger.warning("API request failed, database unavailable: %s", exc)
        return Response(
            unavailable(),
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    logger.exception("API request failed")
    return Response(server_fault(), status=status.HTTP_500_INTERNAL_SERVER_ERROR)


def _is_not_found(exc) -> bool:
    return isinstance(exc, Http404 | exceptions.NotFound)


def _not_found_refusal(exc) -> dict:
    """A 404 in the client's language, never naming the model that was looked up.

    Django's Http404 ("No Kpi matches the given query.") and DRF's bare NotFound say
    the portal's sentence; a NotFound a view raised with its own words keeps them.
    """
    detail = getattr(exc, "detail", None)
    if detail is None or str(detail) == str(exceptions.NotFound.default_detail):
        detail = _("Nothing is found at this address.")
    return refusal(detail, "not_found")


def _stale_token(exc) -> bool:
    """DRF's refusal of a session's write for its form token, which DRF words in English
    whatever the client's language ("CSRF Failed: " and Django's reason)."""
    return isinstance(exc, exceptions.PermissionDenied) and str(exc.detail).startswith(
        "CSRF Failed:"
    )


def _invalid(errors) -> dict:
    """A serializer's field errors in the refusals' shape, keyed by field as before.

    A refusal not tied to one field (a bare ValidationError) goes under DRF's own
    key for such errors, as a serializer's validate() would put it.
    """
    if not isinstance(errors, dict):
        errors = {api_settings.NON_FIELD_ERRORS_KEY: errors}
    return refusal(
        _("Some values need correcting; see the marked fields."),
        "invalid",
        errors=flat_errors(errors),
    )


def flat_errors(errors, key: str = "") -> dict[str, list[str]]:
    """Nested field errors as one map of message lists, as the schema's `Refusal.errors` says.

    A nested input's errors are keyed as the form keys its fields, parent and child
    joined by "-" (`commitments-0-status`); what a nested input says of itself
    (DRF's non-field key) goes under the parent's key. A serializer that knows better
    names (`kpi-bts_total-value`) gives them before this.
    """
    if not isinstance(errors, Mapping):
        messages = errors if isinstance(errors, list | tuple) else [errors]
        return {key or api_settings.NON_FIELD_ERRORS_KEY: [str(message) for message in messages]}
    flat = {}
    for name, nested in errors.items():
        if key and name == api_settings.NON_FIELD_ERRORS_KEY:
            inner = key
        else:
            inner = f"{key}-{name}" if key else str(name)
        for field, messages in flat_errors(nested, inner).items():
            flat.setdefault(field, []).extend(messages)
    return flat


@csrf_exempt
def not_found(request):
    """Any other address under /api/: a JSON 404, whatever the method.

    Exempt from the form token: a write to a mistyped address is not found, never
    refused as a page opened before signing in. An address missing its final slash
    is told so.
    """
    body = _not_found_refusal(Http404())
    if not request.path_info.endswith("/"):
        try:
            match = resolve(f"{request.path_info}/")
        except Resolver404:
            match = None
        if match is not None and match.func is not not_found:
            body["detail"] = " ".join(
                (
                    body["detail"],
                    _("The address ends with a slash: %(address)s")
                    % {"address": f"{request.path}/"},
                )
            )
    return JsonResponse(body, status=404)


class CollatedOrderingFilter(OrderingFilter):
    """`?ordering=name` sorts in Vietnamese alphabetical order, as the pages do.

    A view maps a public ordering name to the stored sort key in `collated_ordering`
    ({"name": "sort_key"}); clients keep asking for `name`.
    """

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        aliases = getattr(view, "collated_ordering", {})
        if not ordering or not aliases:
            return ordering
        return [
            f"{term[0] if term.startswith('-') else ''}{aliases.get(term.lstrip('-'), term.lstrip('-'))}"
            for term in ordering
        ]
