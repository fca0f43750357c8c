from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api import QuarterField
from provinces.api.serializers import NestedProvinceSerializer

from ..coverage import coverage
from ..models import AgreementProgress, NationalProgress, ProvinceProgress


class ProgressSerializer(serializers.ModelSerializer):
    kpi = serializers.SlugRelatedField(slug_field="code", read_only=True)
    latest_quarter = QuarterField(read_only=True, allow_null=True)
    coverage = serializers.SerializerMethodField(
        help_text="As of which quarter the figure stands and for how many units, as the "
        "dashboards say it, in the language asked for."
    )

    common_fields = (
        "kpi",
        "latest_quarter",
        "value",
        "numerator",
        "denominator",
        "target_value",
        "attainment",
        "status",
        "coverage",
        "includes_demo",
        "computed_at",
    )

    @extend_schema_field(serializers.CharField())
    def get_coverage(self, row) -> str:
        return coverage(row)


class RollupSerializer(ProgressSerializer):
    """A roll-up's figures stand at one reference quarter, some units' carried from earlier."""

    reference_quarter = QuarterField(read_only=True, allow_null=True)
    carried_from = QuarterField(read_only=True, allow_null=True)

    rollup_fields = (
        "reference_quarter",
        "units_expected",
        "units_reporting",
        "units_carried",
        "carried_from",
        "units_with_target",
        "units_reached_target",
        "value_min",
        "value_max",
        "projected_value",
    )


class AgreementProgressSerializer(ProgressSerializer):
    class Meta:
        model = AgreementProgress
        fields = (
            "agreement",
            *ProgressSerializer.common_fields,
            "baseline_value",
            "target_on",
            "change_last_year",
            "projected_value",
        )


class ProvinceProgressSerializer(RollupSerializer):
    province = NestedProvinceSerializer(read_only=True)
    phase = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = ProvinceProgress
        fields = (
            "province",
            "phase",
            *ProgressSerializer.common_fields,
            *RollupSerializer.rollup_fields,
            "agreements",
        )


class NationalProgressSerializer(RollupSerializer):
    phase = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = NationalProgress
        fields = (
            "phase",
            *ProgressSerializer.common_fields,
            *RollupSerializer.rollup_fields,
            "provinces_expected",
            "provinces_reporting",
            "provinces_carried",
        )
