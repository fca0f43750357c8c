import re
from collections import Counter
from collections.abc import Mapping

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers
from rest_framework.utils import html

from core.api import (
    ChoiceField,
    DateField,
    NumberField,
    QuarterField,
    StrictSerializer,
    WholeNumberField,
    flat_errors,
)
from core.search import fold_code
from partnerships.models import Agreement, KpiKind
from provinces.api.serializers import NestedProvinceSerializer

from ..checks import (
    COMMENT_MAX_LENGTH,
    NARRATIVE_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    REASON_MAX_LENGTH,
    figure_parts,
    untracked_kpi_message,
)
from ..models import CommitmentProgress, CommitmentStatus, KpiValue, QuarterlyReport

DECIMAL = {"max_digits": 16, "decimal_places": 2}


class ValueSerializer(serializers.ModelSerializer):
    """One KPI's value in a report. For a ratio, `value` is the share in per cent."""

    kpi = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = KpiValue
        fields = (
            "kpi",
            "value",
            "numerator",
            "denominator",
            "measured_on",
            "note",
            "warning_reason",
        )


class ApprovedValueSerializer(ValueSerializer):
    """An approved value with the agreement, province and quarter it belongs to."""

    agreement = serializers.IntegerField(source="report.agreement_id", read_only=True)
    province = NestedProvinceSerializer(
        source="report.agreement.counterparty.province", read_only=True
    )
    quarter = QuarterField(source="report.quarter", read_only=True)
    report = serializers.IntegerField(source="report_id", read_only=True)
    source = serializers.SlugRelatedField(source="report.source", slug_field="code", read_only=True)
    is_demo = serializers.BooleanField(source="report.is_demo", read_only=True)

    class Meta(ValueSerializer.Meta):
        fields = (
            "id",
            "report",
            "agreement",
            "province",
            "quarter",
            *ValueSerializer.Meta.fields,
            "source",
            "is_demo",
        )


class CommitmentProgressSerializer(serializers.ModelSerializer):
    class Meta:
        model = CommitmentProgress
        fields = ("commitment", "status", "percent_complete", "note", "warning_reason")


class ReportSerializer(serializers.ModelSerializer):
    """A quarterly report with its values and commitment statuses.

    Send `version` back with every change: a change made against an older
    version is refused with 409 and the current report.
    """

    province = NestedProvinceSerializer(source="agreement.counterparty.province", read_only=True)
    agreement_title = serializers.CharField(source="agreement.title", read_only=True)
    quarter = QuarterField(read_only=True)
    source = serializers.SlugRelatedField(slug_field="code", read_only=True)
    updated_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    submitted_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    reviewed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    values = ValueSerializer(many=True, read_only=True)
    commitments = CommitmentProgressSerializer(
        source="commitment_updates", many=True, read_only=True
    )

    class Meta:
        model = QuarterlyReport
        fields = (
            "id",
            "agreement",
            "agreement_title",
            "province",
            "quarter",
            "status",
            "version",
            "narrative",
            "source",
            "is_demo",
            "updated_by",
            "updated_at",
            "submitted_by",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
            "review_comment",
            "values",
            "commitments",
        )
        read_only_fields = fields


class ReportCreateSerializer(StrictSerializer):
    # Its id read as every whole number of the API is: DRF would look up "1_0" as 10.
    agreement = serializers.PrimaryKeyRelatedField(
        queryset=Agreement.objects.all(), pk_field=WholeNumberField()
    )
    quarter = QuarterField()


class ReadingSerializer(StrictSerializer):
    """A value as typed: `value` for a count or percentage, `numerator` and `denominator`
    for a ratio, as the entry form asks for them (`figure_parts`): a ratio's share is
    the portal's to work out, so a `value` sent for one is refused, not compared.
    Fields left out keep what the report holds; null clears them.

    Needs the report's KPIs by folded code (`fold_code`) in the context (`kpis`).
    """

    kpi = serializers.SlugField(
        help_text="The KPI's code, as bts_total; capitals and - for _ make no other code "
        "(BTS-TOTAL is bts_total)."
    )
    value = NumberField(**DECIMAL, required=False, allow_null=True)
    numerator = NumberField(**DECIMAL, required=False, allow_null=True)
    denominator = NumberField(**DECIMAL, required=False, allow_null=True)
    measured_on = DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=NOTE_MAX_LENGTH)

    def validate_kpi(self, code):
        kpi = self.context["kpis"].get(fold_code(code))
        if kpi is None:
            raise serializers.ValidationError(untracked_kpi_message(code))
        # As stored: the code the form keys its fields by, and a KPI sent twice in two
        # spellings is one KPI sent twice.
        return kpi.code

    def _kpi(self, data):
        return self.context["kpis"].get(fold_code(_item_name(data, "kpi")))

    def taken_keys(self, data) -> list[str]:
        kpi = self._kpi(data)
        if kpi is None:
            return super().taken_keys(data)
        return ["kpi", *figure_parts(kpi), "measured_on", "note"]

    def refused_keys(self, data) -> dict[str, list[str]]:
        refused = super().refused_keys(data)
        kpi = self._kpi(data)
        if kpi is not None:
            # A field of a reading its KPI does not take is a part of another kind's figure.
            for key in refused.keys() & self.fields.keys():
                refused[key] = [wrong_part_message(kpi)]
        return refused


def wrong_part_message(kpi) -> str:
    """Why a reading sends a part of a figure its KPI does not take."""
    if kpi.kind == KpiKind.RATIO:
        return _(
            "%(kpi)s is a ratio: send its numerator and denominator, from which the portal "
            "works out the percentage, and no value."
        ) % {"kpi": kpi.name}
    return _("%(kpi)s takes a value only; a numerator and a denominator are for ratios.") % {
        "kpi": kpi.name
    }


class CommitmentReadingSerializer(StrictSerializer):
    """Needs the ids of the agreement's commitments in the context (`commitments`)."""

    commitment = WholeNumberField(help_text="The commitment's id in the agreement.")
    status = ChoiceField(choices=CommitmentStatus.choices, required=False)
    percent_complete = WholeNumberField(min_value=0, max_value=100, required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=NOTE_MAX_LENGTH)

    def validate_commitment(self, pk):
        if pk not in self.context["commitments"]:
            raise serializers.ValidationError(
                _("This agreement has no commitment %(id)s.") % {"id": pk}
            )
        return pk


class ReportDraftSerializer(StrictSerializer):
    """A change to a draft or returned report; only the values sent are changed.

    Every refusal is keyed as the entry form keys its fields: `kpi-<code>-<field>` for
    a reading, `commitment-<id>-<field>` for a commitment, `kpi-<code>` or
    `commitment-<id>` for the KPI or commitment itself (unknown, or sent twice).
    Needs `kpis` and `commitments` in the context, as its items do.
    """

    version = WholeNumberField(min_value=0)
    values = ReadingSerializer(many=True, required=False)
    commitments = CommitmentReadingSerializer(many=True, required=False)
    narrative = serializers.CharField(
        required=False, allow_blank=True, max_length=NARRATIVE_MAX_LENGTH
    )
    warning_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=REASON_MAX_LENGTH,
        help_text="Why an unusual value (a falling stock, a jump, a commitment going back) "
        "is right.",
    )

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError(
                _keyed_like_the_form(exc.detail, data, self.context["kpis"])
            ) from exc

    def validate(self, attrs):
        """Each KPI and commitment once: of two values sent for one, which was meant?"""
        repeated = {}
        for name, key in ITEMS.items():
            sent = Counter(item[key] for item in attrs.get(name, []))
            for item_name, times in sent.items():
                if times > 1:
                    repeated[f"{key}-{item_name}"] = [REPEATED[key] % {"name": item_name}]
        if repeated:
            raise serializers.ValidationError(repeated)
        return attrs


# The lists of items a change takes, with the key that names an item, which is also
# the prefix of its fields on the form (kpi-bts_total-value, commitment-12-status).
ITEMS = {"values": "kpi", "commitments": "commitment"}
# What a usable name looks like: a KPI's code as its SlugField reads one, an id in digits.
ITEM_NAMES = {
    "kpi": re.compile(r"^[-A-Za-z0-9_]{1,100}$", re.ASCII),
    "commitment": re.compile(r"^[0-9]{1,18}$", re.ASCII),
}
REPEATED = {
    "kpi": gettext_lazy("The KPI %(name)s is sent more than once; send each KPI once."),
    "commitment": gettext_lazy(
        "Commitment %(name)s is sent more than once; send each commitment once."
    ),
}


def _items(data, name) -> list:
    """The items of one of the change's lists as sent, however the request was encoded."""
    if html.is_html_input(data):
        return html.parse_html_list(data, prefix=name, default=[])
    items = data.get(name) if isinstance(data, Mapping) else None
    return items if isinstance(items, list) else []


def _item_name(item, key: str) -> str | None:
    """The KPI's code or the commitment's id an item names, or None if it names none usably."""
    name = item.get(key) if isinstance(item, Mapping) else None
    if isinstance(name, int) and not isinstance(name, bool):
        name = str(name)
    if not isinstance(name, str) or not ITEM_NAMES[key].match(name.strip()):
        return None
    return name.strip()


def _keyed_like_the_form(errors, data, kpis) -> dict[str, list[str]]:
    """The change's errors as one map of message lists, DRF's positions in its lists
    (`{"values": {"0": {"value": [...]}}}`) replaced by what each item names, as on the
    form: `kpi-bts_total-value`, and `kpi-bts_total` for the KPI itself, by its code as
    stored however the item spelled it (`kpis`, by folded code). An item that names
    nothing usable keeps its position (`values-0-kpi`)."""
    keyed = {}
    for name, nested in errors.items():
        item_key = ITEMS.get(name)
        if item_key is None or not all(isinstance(index, int) for index in nested):
            # Another field, or the list refused as a whole (not a list at all).
            _add(keyed, flat_errors(nested, name))
            continue
        items = _items(data, name)
        for index, item_errors in nested.items():
            item_name = _item_name(items[index], item_key)
            if item_key == "kpi" and (kpi := kpis.get(fold_code(item_name))):
                item_name = kpi.code
            if item_name is None:
                _add(keyed, flat_errors(item_errors, f"{name}-{index}"))
                continue
            base = f"{item_key}-{item_name}"
            item_errors = dict(item_errors)
            _add(keyed, {base: item_errors.pop(item_key, [])})
            _add(keyed, flat_errors(item_errors, base))
    return keyed


def _add(errors: dict, more: dict):
    for key, messages in more.items():
        if messages:
            errors.setdefault(key, []).extend(str(message) for message in messages)


class VersionSerializer(StrictSerializer):
    version = WholeNumberField(min_value=0)


class ReviewSerializer(VersionSerializer):
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=COMMENT_MAX_LENGTH
    )


class ReopenSerializer(StrictSerializer):
    reason = serializers.CharField(allow_blank=True, max_length=REASON_MAX_LENGTH)


class RefusalSerializer(serializers.Serializer):
    """Why a change was refused; `errors` maps fields (kpi-<code>-value…) to messages."""

    detail = serializers.CharField()
    code = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    warnings = serializers.DictField(child=serializers.CharField())


class ConflictSerializer(serializers.Serializer):
    """The report changed since the client read it; nothing was saved."""

    detail = serializers.CharField()
    code = serializers.CharField()
    saved_by = serializers.CharField(required=False)
    saved_at = serializers.DateTimeField(required=False)
    current = ReportSerializer()
