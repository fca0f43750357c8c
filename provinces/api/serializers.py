from rest_framework import serializers

from ..models import Province


class NestedProvinceSerializer(serializers.ModelSerializer):
    """A province named inside another record: enough to tell current from former."""

    is_current = serializers.BooleanField(read_only=True)

    class Meta:
        model = Province
        fields = ("id", "code", "name", "slug", "valid_from", "valid_until", "is_current")


class ProvinceSerializer(serializers.ModelSerializer):
    """A province with its lineage: what it was merged into and what was merged into it."""

    is_current = serializers.BooleanField(read_only=True)
    successor = NestedProvinceSerializer(read_only=True)
    predecessors = NestedProvinceSerializer(many=True, read_only=True)

    class Meta:
        model = Province
        fields = (
            "id",
            "code",
            "key",
            "name",
            "full_name",
            "name_ascii",
            "slug",
            "kind",
            "region",
            "latitude",
            "longitude",
            "valid_from",
            "valid_until",
            "is_current",
            "successor",
            "predecessors",
        )
