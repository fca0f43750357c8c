from rest_framework import serializers

from core.api import NumberField, QuarterField, WholeNumberField
from partnerships.models import Agreement
from provinces.api.serializers import NestedProvinceSerializer

from ..checks import (
    COMMENT_MAX_LENGTH,
    NARRATIVE_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    REASON_MAX_LENGTH,
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
        fields = ("commitment", "status", "percent_complete", "note")


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


class ReportCreateSerializer(serializers.Serializer):
    # Its id read as every whole number of the API is: DRF would look up "1_0" as 10.
    agreement = serializers.PrimaryKeyRelatedField(
        queryset=Agreement.objects.all(), pk_field=WholeNumberField()
    )
    quarter = QuarterField()


class ReadingSerializer(serializers.Serializer):
    """A value as typed: `value` for a count or percentage, `numerator` and `denominator`
    for a ratio. Fields left out keep what the report holds; null clears them."""

    kpi = serializers.SlugField(help_text="The KPI's code, as bts_total.")
    value = NumberField(**DECIMAL, required=False, allow_null=True)
    numerator = NumberField(**DECIMAL, required=False, allow_null=True)
    denominator = NumberField(**DECIMAL, required=False, allow_null=True)
    measured_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=NOTE_MAX_LENGTH)


class CommitmentReadingSerializer(serializers.Serializer):
    commitment = WholeNumberField(help_text="The commitment's id in the agreement.")
    status = serializers.ChoiceField(choices=CommitmentStatus.choices, required=False)
    percent_complete = WholeNumberField(min_value=0, max_value=100, required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=NOTE_MAX_LENGTH)


class ReportDraftSerializer(serializers.Serializer):
    """A change to a draft or returned report; only the values sent are changed."""

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
        help_text="Why an unusual value (a falling stock, a jump) is right.",
    )


class VersionSerializer(serializers.Serializer):
    version = WholeNumberField(min_value=0)


class ReviewSerializer(VersionSerializer):
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=COMMENT_MAX_LENGTH
    )


class ReopenSerializer(serializers.Serializer):
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
