"""What the admin's change forms post: a model's stored fields, as a person would resubmit them."""

import html

from django.urls import reverse

AGREEMENT_INLINES = ("participants", "commitments", "targets", "milestones")


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


def _fields(obj, names) -> dict:
    data = {}
    for name in names:
        value = getattr(obj, name)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = str(value)
    return data


def agreement_data(agreement, **changes) -> dict:
    data = _fields(
        agreement,
        (
            "title",
            "counterparty_id",
            "kind",
            "phase_id",
            "period_start",
            "period_end",
            "signed_on",
            "signed_precision",
            "place",
            "signing_mode",
            "predecessor_id",
            "is_demo",
        ),
    )
    data = {name.removesuffix("_id"): value for name, value in data.items()}
    return {**data, **management(*AGREEMENT_INLINES), **changes}


def kpi_data(kpi, **changes) -> dict:
    data = _fields(
        kpi,
        (
            "code",
            "name_vi",
            "name_en",
            "unit_vi",
            "unit_en",
            "kind",
            "time_aggregation",
            "space_aggregation",
            "higher_is_better",
            "parent_id",
            "area_id",
            "is_headline",
            "order",
            "description",
        ),
    )
    return {**{name.removesuffix("_id"): value for name, value in data.items()}, **changes}


def phase_data(phase, **changes) -> dict:
    return {**_fields(phase, ("code", "name", "start_year", "end_year")), **changes}


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
