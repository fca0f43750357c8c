from rest_framework import serializers

from core.api import QuarterField
from provinces.api.serializers import NestedProvinceSerializer

from ..models import AgreementProgress, NationalProgress, ProvinceProgress


class ProgressSerializer(serializers.ModelSerializer):
    kpi = serializers.SlugRelatedField(slug_field="code", read_only=True)
    latest_quarter = QuarterField(read_only=True, allow_null=True)

    common_fields = (
        "kpi",
        "latest_quarter",
        "value",
        "numerator",
        "denominator",
        "target_value",
        "attainment",
        "status",
        "includes_demo",
        "computed_at",
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


class ProvinceProgressSerializer(ProgressSerializer):
    province = NestedProvinceSerializer(read_only=True)
    phase = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = ProvinceProgress
        fields = ("province", "phase", *ProgressSerializer.common_fields, "agreements")


class NationalProgressSerializer(ProgressSerializer):
    phase = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = NationalProgress
        fields = ("phase", *ProgressSerializer.common_fields, "provinces_reporting")
