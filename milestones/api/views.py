"""The API of the KPI catalogue, targets, values, progress and the quarterly report workflow.

Every change goes through `milestones.services`, exactly as the entry form's
does: the API only turns JSON into `Reading`s and refusals into responses.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.fields import DateTimeField
from rest_framework.response import Response

from core.search import fold_code
from provinces.access import Action

from .. import services
from ..checks import (
    CommitmentReading,
    Reading,
    commitment_lines,
    commitment_start,
    readings_of,
    report_kpis,
)
from ..models import (
    CommitmentProgress,
    KpiValue,
    QuarterlyReport,
    ReportStatus,
    reads_reports_of,
)
from . import filters, serializers


def not_your_province() -> str:
    """Why a user who may read a report may not change it."""
    return _("You do not enter progress for this agreement's province.")


REFUSALS = {
    400: OpenApiResponse(serializers.RefusalSerializer, description="Refused: see `errors`."),
    403: OpenApiResponse(description="Visible, but not yours to change."),
    404: OpenApiResponse(description="No such report among those you may see."),
    409: OpenApiResponse(
        serializers.ConflictSerializer,
        description="Changed since you read it, locked, or not in a state for this step.",
    ),
}


class ApprovedValueViewSet(viewsets.ReadOnlyModelViewSet):
    """Values of approved reports: the figures that count on the dashboards."""

    serializer_class = serializers.ApprovedValueSerializer
    filterset_class = filters.ApprovedValueFilterSet
    ordering_fields = ("report__quarter", "kpi__order", "id")
    ordering = ("-report__quarter", "report__agreement_id", "kpi__order")

    def get_queryset(self):
        values = KpiValue.objects.filter(report__status=ReportStatus.APPROVED).select_related(
            "kpi", "report__source", "report__agreement__counterparty__province"
        )
        return values.restrict(self.request.user, Action.VIEW)


def _refusal(exc: services.ReportError, code: str, **extra) -> dict:
    return {"detail": exc.message, "code": code, "errors": {}, "warnings": {}, **extra}


def _outside_period(exc: services.ReportOutsidePeriod) -> Response:
    body = _refusal(exc, "outside_period", errors={"quarter": [exc.message]})
    return Response(body, status=status.HTTP_400_BAD_REQUEST)


@extend_schema_view(
    list=extend_schema(summary="Reports you may see"),
    retrieve=extend_schema(summary="One report with its values and commitment statuses"),
)
class ReportViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Quarterly reports, as `QuarterlyReport.objects.restrict` scopes them on the pages: staff see their
    provinces' at every stage, reviewers what reaches review, officials what is approved.

    Another province's report is not found (404), exactly as on the pages.
    """

    serializer_class = serializers.ReportSerializer
    filterset_class = filters.ReportFilterSet
    ordering_fields = ("quarter", "updated_at", "id")
    ordering = ("-quarter", "agreement_id")
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return (
            QuarterlyReport.objects.restrict(self.request.user)
            .select_related(
                "agreement__counterparty__province",
                "agreement__phase",
                "updated_by",
                "submitted_by",
            )
            .prefetch_related(
                # Each KPI once for the page, not once for each of its 1,500 values.
                "values__kpi",
                Prefetch(
                    "commitment_updates", CommitmentProgress.objects.order_by("commitment_id")
                ),
            )
        )

    def _fresh(self, report):
        return self.get_queryset().get(pk=report.pk)

    def _report_data(self, report) -> dict:
        return serializers.ReportSerializer(
            self._fresh(report), context=self.get_serializer_context()
        ).data

    def _run(self, report, change):
        """Call a service and turn its refusals into the API's answers."""
        try:
            report = change()
        except services.ReportNotFound as exc:
            raise NotFound() from exc
        except services.ReportOwnSubmission as exc:
            body = _refusal(exc, "own_submission", current=self._report_data(report))
            return Response(body, status=status.HTTP_403_FORBIDDEN)
        except services.ReportForbidden as exc:
            raise PermissionDenied(exc.message) from exc
        except services.ReportOutsidePeriod as exc:
            return _outside_period(exc)
        except services.ReportInvalid as exc:
            body = _refusal(exc, "invalid", errors=exc.errors)
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        except services.ReportNeedsConfirmation as exc:
            body = _refusal(exc, "needs_confirmation", warnings=exc.warnings)
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        except services.ReportConflict as exc:
            body = _refusal(
                exc,
                "stale_version",
                detail=exc.told_for("api"),
                saved_by=exc.saved_by,
                # In the portal's time zone, as `current.updated_at` and every other time.
                saved_at=DateTimeField().to_representation(exc.saved_at),
                current=self._report_data(exc.report),
            )
            return Response(body, status=status.HTTP_409_CONFLICT)
        except services.ReportLocked as exc:
            body = _refusal(exc, "locked", current=self._report_data(report))
            return Response(body, status=status.HTTP_409_CONFLICT)
        except services.ReportTransitionRefused as exc:
            body = _refusal(exc, "invalid_transition", current=self._report_data(report))
            return Response(body, status=status.HTTP_409_CONFLICT)
        except DjangoValidationError as exc:
            # The models re-check on save what the services do not (a commitment's
            # percentage); such a refusal is still the user's to correct, never a 500.
            errors = getattr(exc, "message_dict", None) or {"non_field_errors": exc.messages}
            body = {
                "detail": _("Some values need correcting; see the marked fields."),
                "code": "invalid",
                "errors": errors,
                "warnings": {},
            }
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        return Response(self._report_data(report))

    def _ensure(self, allowed: bool, message: str):
        if not allowed:
            raise PermissionDenied(message)

    @extend_schema(
        summary="Open the report of an agreement for a quarter",
        description="Creates the draft if there is none yet; answers 200 with the existing "
        "report otherwise.",
        request=serializers.ReportCreateSerializer,
        responses={
            200: serializers.ReportSerializer,
            201: serializers.ReportSerializer,
            **REFUSALS,
        },
    )
    def create(self, request, *args, **kwargs):
        incoming = serializers.ReportCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        agreement = incoming.validated_data["agreement"]
        quarter = incoming.validated_data["quarter"]
        if not services.can_edit(request.user, agreement):
            # Another province's reports are not found, whatever exists; a report the user
            # reads (an official, a reviewer) is theirs to see, not to open or fill in.
            if reads_reports_of(request.user, agreement.counterparty.province_id):
                raise PermissionDenied(not_your_province())
            raise NotFound()
        existed = agreement.reports.filter(quarter=quarter).exists()
        try:
            report = services.get_or_create_report(agreement, quarter, request.user)
        except services.ReportOutsidePeriod as exc:
            return _outside_period(exc)
        except services.ReportNotFound as exc:
            raise ApiValidationError(
                {"quarter": [_("This agreement does not report on that quarter.")]}
            ) from exc
        return Response(
            self._report_data(report),
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Save values, commitment statuses or the narrative of a draft",
        description="Only the values and commitments sent are changed; the whole report is then "
        "checked as the entry form checks it. Unusual values (a falling stock, a jump, a "
        "commitment's progress going back from the previous approved quarter's) "
        "are refused with code `needs_confirmation` until `warning_reason` is given. A save "
        "that changes nothing answers 200 with the report as it was, at the same version.",
        request=serializers.ReportDraftSerializer,
        responses={200: serializers.ReportSerializer, **REFUSALS},
    )
    def partial_update(self, request, *args, **kwargs):
        report = self.get_object()
        self._ensure(
            services.can_edit(request.user, report.agreement),
            not_your_province(),
        )
        kpis = {kpi.folded_code: kpi for kpi in report_kpis(report).values()}
        incoming = serializers.ReportDraftSerializer(
            data=request.data,
            context={
                "kpis": kpis,
                "commitments": set(report.agreement.commitments.values_list("pk", flat=True)),
            },
        )
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        readings = self._readings(report, kpis, data.get("values", []))
        sent = data.get("commitments", [])
        # Read only for a change that sends commitments: most send values alone.
        lines = commitment_lines(report) if sent else []
        commitments = self._commitments(lines, sent)
        return self._run(
            report,
            lambda: services.save_draft(
                report,
                request.user,
                version=data["version"],
                readings=readings,
                commitments=commitments,
                commitment_lines=lines,
                narrative=data.get("narrative"),
                warning_reason=data.get("warning_reason", ""),
            ),
        )

    def _readings(self, report, kpis, incoming) -> dict[int, Reading]:
        """The report's stored readings with the sent fields laid over them."""
        readings = readings_of(report)
        for item in incoming:
            kpi = kpis[fold_code(item["kpi"])]
            reading = readings.get(kpi.pk) or Reading()
            for name in ("value", "numerator", "denominator", "measured_on", "note"):
                if name in item:
                    setattr(reading, name, item[name])
            readings[kpi.pk] = reading
        return readings

    def _commitments(self, lines, incoming) -> dict[int, CommitmentReading]:
        """The sent fields laid over where each commitment's entry starts (`commitment_start`):
        a note sent alone for a new quarter keeps the previous approved status and per cent."""
        starts = {
            commitment.pk: commitment_start(commitment, update) for commitment, update in lines
        }
        commitments = {}
        for item in incoming:
            reading = starts[item["commitment"]]
            for name in ("status", "percent_complete", "note"):
                if name in item:
                    setattr(reading, name, item[name])
            commitments[item["commitment"]] = reading
        return commitments

    @extend_schema(
        summary="Submit a complete draft for review",
        request=serializers.VersionSerializer,
        responses={200: serializers.ReportSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, *args, **kwargs):
        report = self.get_object()
        self._ensure(
            services.can_edit(request.user, report.agreement),
            not_your_province(),
        )
        incoming = serializers.VersionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        version = incoming.validated_data["version"]
        return self._run(report, lambda: services.submit_report(report, request.user, version))

    @extend_schema(
        summary="Approve a submitted report; its quarter is then locked",
        description="Four eyes: the person who submitted the report, or saved any of its "
        "values since it was last returned, is refused (403, code `own_submission`); another "
        "reviewer or administrator approves it.",
        request=serializers.ReviewSerializer,
        responses={200: serializers.ReportSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, *args, **kwargs):
        return self._review(request, services.approve_report)

    @extend_schema(
        summary="Return a submitted report to its authors, saying what to change",
        request=serializers.ReviewSerializer,
        responses={200: serializers.ReportSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, *args, **kwargs):
        return self._review(request, services.return_report)

    def _review(self, request, decide):
        """Approve or return: the same input, a different service."""
        report = self.get_object()
        incoming = serializers.ReviewSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        return self._run(
            report, lambda: decide(report, request.user, data["version"], data["comment"])
        )

    @extend_schema(
        summary="Reopen an approved quarter (administrators only, with a reason)",
        request=serializers.ReopenSerializer,
        responses={200: serializers.ReportSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request, *args, **kwargs):
        report = self.get_object()
        incoming = serializers.ReopenSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        reason = incoming.validated_data["reason"]
        return self._run(report, lambda: services.reopen_report(report, request.user, reason))
