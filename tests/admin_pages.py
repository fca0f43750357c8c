"""Posting an admin change page back as a browser would, reading its inline rows' errors,
and reading an admin page's words."""

import html
import re
from decimal import Decimal


def as_posted(response) -> dict:
    """What the change page posts back when saved untouched: its form and every inline's.

    The History page's revert form, which has no inlines, posts its form alone.
    """
    forms = [response.context["adminform"].form]
    for inline in response.context.get("inline_admin_formsets", ()):
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for name in form.fields:
            bound = form[name]
            value = bound.value()
            if value is None or value is False:
                continue
            if value is True:
                value = "on"
            elif isinstance(value, list | tuple):
                value = [str(item) for item in value]
            elif isinstance(value, Decimal):
                value = bound.field.widget.format_value(value)
            data[bound.html_name] = value
    return data


def row_errors(response) -> list[str]:
    """The messages beside the inline rows of a refused change page."""
    return [
        str(message)
        for inline in response.context["inline_admin_formsets"]
        for form in inline.formset.forms
        for messages in form.errors.values()
        for message in messages
    ]


def page_words(response) -> str:
    """The page's text as a reader sees it: no markup, entities turned back into their
    characters, one space between words."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
