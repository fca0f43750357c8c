from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from provinces.api.serializers import NestedProvinceSerializer

from ..models import (
    Agreement,
    AgreementState,
    Commitment,
    CommitmentArea,
    Kpi,
    KpiTarget,
    Organisation,
    Participant,
    ParticipantRole,
    Phase,
)


class OrganisationSerializer(serializers.ModelSerializer):
    """A party to agreements, with the province as it was when it signed."""

    province = NestedProvinceSerializer(read_only=True)

    class Meta:
        model = Organisation
        fields = ("id", "name", "short_name", "kind", "province")


class PhaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Phase
        fields = ("code", "name", "start_year", "end_year")


class CommitmentAreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = CommitmentArea
        fields = ("code", "name_vi", "name_en")


class ParticipantSerializer(serializers.ModelSerializer):
    person = serializers.CharField(source="person.full_name", read_only=True)
    source = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Participant
        fields = ("id", "person", "side", "role", "title_then", "source", "note")


class CommitmentSerializer(serializers.ModelSerializer):
    area = CommitmentAreaSerializer(read_only=True)
    source = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Commitment
        fields = ("id", "area", "text", "responsible", "order", "source", "note")


class AgreementSerializer(serializers.ModelSerializer):
    """An agreement with its signers and participants, and its commitments.

    `province` is the province as it was at signing; `current_province` is the
    one it belongs to today, which differs for provinces merged in 2025.

    `state` is where the agreement stands today, derived from its dates and any
    early termination (`terminated_on`); `state_label` names it in the request's
    language. `status` repeats `state` for clients written when the status was
    typed in by hand; new clients read `state`.

    `participants` are the people the sources name, each with their part (signed,
    spoke, attended, assessed) and the title they held then; `signatories` keeps,
    for older clients, only those who signed. The `*_note` fields say what the
    sources leave uncertain about the kind, the period and the signing.
    """

    counterparty = OrganisationSerializer(read_only=True)
    province = NestedProvinceSerializer(source="counterparty.province", read_only=True)
    current_province = serializers.SerializerMethodField()
    phase = PhaseSerializer(read_only=True)
    signed_label = serializers.CharField(read_only=True)
    state = serializers.ChoiceField(AgreementState.choices, source="current_state", read_only=True)
    state_label = serializers.CharField(source="current_state.label", read_only=True)
    status = serializers.ChoiceField(
        AgreementState.choices,
        source="current_state",
        read_only=True,
        help_text="Deprecated: the same value as `state`.",
    )
    sources = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    participants = ParticipantSerializer(many=True, read_only=True)
    signatories = serializers.SerializerMethodField(
        help_text="Deprecated: the `participants` whose role is `signed`."
    )
    commitments = CommitmentSerializer(many=True, read_only=True)

    class Meta:
        model = Agreement
        fields = (
            "id",
            "title",
            "kind",
            "state",
            "state_label",
            "status",
            "counterparty",
            "province",
            "current_province",
            "phase",
            "period_start",
            "period_end",
            "signed_on",
            "signed_precision",
            "signed_label",
            "place",
            "signing_mode",
            "predecessor",
            "terminated_on",
            "termination_note",
            "sources",
            "notes",
            "kind_note",
            "period_note",
            "signing_note",
            "is_demo",
            "participants",
            "signatories",
            "commitments",
        )

    @extend_schema_field(ParticipantSerializer(many=True))
    def get_signatories(self, agreement):
        signers = [p for p in agreement.participants.all() if p.role == ParticipantRole.SIGNED]
        return ParticipantSerializer(signers, many=True, context=self.context).data

    @extend_schema_field(NestedProvinceSerializer(allow_null=True))
    def get_current_province(self, agreement):
        province = agreement.counterparty.province
        current = province.chain()[-1] if province else None
        return NestedProvinceSerializer(current).data if current else None


class KpiSerializer(serializers.ModelSerializer):
    """A KPI of the catalogue, with how it adds up over time and across provinces."""

    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)
    area = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Kpi
        fields = (
            "code",
            "name_vi",
            "name_en",
            "unit_vi",
            "unit_en",
            "kind",
            "time_aggregation",
            "space_aggregation",
            "higher_is_better",
            "parent",
            "area",
            "is_headline",
            "order",
            "description",
        )


class KpiTargetSerializer(serializers.ModelSerializer):
    kpi = serializers.SlugRelatedField(slug_field="code", read_only=True)
    source = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = KpiTarget
        fields = (
            "id",
            "agreement",
            "kpi",
            "baseline_value",
            "baseline_on",
            "target_value",
            "target_on",
            "source",
            "note",
            "is_demo",
        )
