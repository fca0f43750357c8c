"""What the admin's forms post: a model's fields as its page shows them, sent back."""

import html

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.forms import CheckboxInput
from django.test import RequestFactory
from django.urls import reverse


def management(*prefixes) -> dict:
    """Empty inline formsets: the test changes the form's own fields only."""
    data = {}
    for prefix in prefixes:
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    return data


def _posted(field):
    """What the browser sends for one field of the page as shown."""
    widget = field.field.widget
    # The admin wraps a related field's input in a box of add and change links.
    widget = getattr(widget, "widget", widget)
    if isinstance(widget, CheckboxInput):
        return "on" if field.value() else None
    shown = widget.format_value(field.value())
    return "" if shown is None else shown


def form_data(obj, **changes) -> dict:
    """The fields of `obj`'s admin page (its add page while unsaved), as they are shown
    and sent back, with `changes` and without touching any inline row."""
    model_admin = admin.site.get_model_admin(type(obj))
    request = RequestFactory().get("/")
    # As the administrator, to whom the page shows every field and inline.
    request.user = get_user_model()(is_active=True, is_superuser=True)
    saved = obj if obj.pk else None
    form = model_admin.get_form(request, saved, change=saved is not None)(instance=obj)
    data = {}
    for field in form:
        posted = _posted(field)
        if posted is not None:
            data[field.html_name] = posted
    inlines = [
        formset.get_default_prefix()
        for formset, _inline in model_admin.get_formsets_with_inlines(request, saved)
    ]
    return {**data, **management(*inlines), **changes}


def change(client, obj, data):
    meta = obj._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    return client.post(url, data)


def add(client, model, data):
    meta = model._meta
    return client.post(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"), data)


def page_text(response) -> str:
    """The page as read: entities such as &#x27; turned back into their characters."""
    return html.unescape(response.content.decode())
