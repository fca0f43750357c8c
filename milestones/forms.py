from django import forms
from django.utils.translation import gettext_lazy as _

from core.parsing import DateField, NumberField, WholeNumberField, input_number
from core.text import MultilineField
from milestones.models import CommitmentStatus
from partnerships.models import KpiKind

from .checks import (
    COMMENT_MAX_LENGTH,
    NARRATIVE_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    REASON_MAX_LENGTH,
    CommitmentReading,
    Reading,
    check_report,
    commitment_start,
    field_key,
    figure_parts,
)
from .evidence import evidence_errors

DECIMAL = {"max_digits": 16, "decimal_places": 2, "required": False}
# How a date is typed, as the portal's refusals word it ("day/month/year, such as 05/02/2026").
DATE_PLACEHOLDER = _("dd/mm/yyyy")


def _named(subject: str, part) -> str:
    return f"{subject}: {part}"


class ReportForm(forms.Form):
    """The quarterly entry form, built from the agreement's targets and commitments.

    The form only parses what was typed (text in a number field is refused here);
    every rule about the values lives in `checks.check_report`.
    """

    version = WholeNumberField(widget=forms.HiddenInput)
    narrative = MultilineField(
        label=_("Narrative"),
        required=False,
        max_length=NARRATIVE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What happened this quarter, in a few sentences."),
    )
    # For the values newly warned about only: a reason already given stays with its
    # value, shown on the value's row, and is not posted back to confirm others.
    warning_reason = MultilineField(
        label=_("Reason for the unusual values"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    evidence = forms.FileField(
        label=_("Evidence file"),
        required=False,
        help_text=_("PDF, image or office document."),
    )
    evidence_description = forms.CharField(
        label=_("Description of the file"), required=False, max_length=300
    )

    def __init__(self, *args, lines, commitments, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        self.commitment_items = commitments
        for line in lines:
            kpi = line.kpi
            if kpi.kind == KpiKind.RATIO:
                self.fields[field_key(kpi, "numerator")] = NumberField(
                    label=_("Numerator"), **DECIMAL
                )
                self.fields[field_key(kpi, "denominator")] = NumberField(
                    label=_("Denominator"), **DECIMAL
                )
            else:
                self.fields[field_key(kpi, "value")] = NumberField(label=_("Value"), **DECIMAL)
            # Text, not type=date: a date input takes the order of the browser's locale, not
            # the page's, and in an English Chromium 11122025 typed on the Vietnamese page for
            # 11 December was sent as 12 November. Typed here day first, as every date of the
            # portal is (DateField), and shown back so (the language's DATE_INPUT_FORMATS).
            self.fields[field_key(kpi, "measured_on")] = DateField(
                label=_("Measured on"),
                required=False,
                widget=forms.DateInput(
                    attrs={
                        "placeholder": DATE_PLACEHOLDER,
                        "aria-label": _named(kpi.name, _("Measured on")),
                    }
                ),
            )
            self.fields[field_key(kpi, "note")] = forms.CharField(
                label=_("Note"),
                required=False,
                max_length=NOTE_MAX_LENGTH,
                widget=forms.TextInput(attrs={"aria-label": _named(kpi.name, _("Note"))}),
            )
        for commitment, _update in commitments:
            prefix = f"commitment-{commitment.pk}"
            # The table's columns label these for the eye; a screen reader hears each one named.
            subject = commitment.short_text
            self.fields[f"{prefix}-status"] = forms.ChoiceField(
                label=_("Status"),
                choices=CommitmentStatus.choices,
                widget=forms.Select(attrs={"aria-label": _named(subject, _("Status"))}),
            )
            self.fields[f"{prefix}-percent_complete"] = WholeNumberField(
                label=_("Per cent complete"),
                min_value=0,
                max_value=100,
                initial=0,
                widget=forms.NumberInput(
                    attrs={"aria-label": _named(subject, _("Per cent complete"))}
                ),
            )
            self.fields[f"{prefix}-note"] = forms.CharField(
                label=_("Note"),
                required=False,
                max_length=NOTE_MAX_LENGTH,
                widget=forms.TextInput(attrs={"aria-label": _named(subject, _("Note"))}),
            )

    @staticmethod
    def initial_for(report, lines, commitments) -> dict:
        initial = {"version": report.version, "narrative": report.narrative}
        for line in lines:
            value = line.current
            if value is None:
                continue
            kpi = line.kpi
            if kpi.kind == KpiKind.RATIO:
                initial[field_key(kpi, "numerator")] = input_number(value.numerator)
                initial[field_key(kpi, "denominator")] = input_number(value.denominator)
            else:
                initial[field_key(kpi, "value")] = input_number(value.value)
            initial[field_key(kpi, "measured_on")] = value.measured_on
            initial[field_key(kpi, "note")] = value.note
        for commitment, update in commitments:
            prefix = f"commitment-{commitment.pk}"
            start = commitment_start(commitment, update)
            initial[f"{prefix}-status"] = start.status
            initial[f"{prefix}-percent_complete"] = start.percent_complete
            initial[f"{prefix}-note"] = start.note
        return initial

    def clean_evidence(self):
        upload = self.cleaned_data.get("evidence")
        if upload:
            for message in evidence_errors(upload):
                raise forms.ValidationError(message)
        return upload

    def readings(self) -> dict:
        data = self.cleaned_data
        readings = {}
        for line in self.lines:
            kpi = line.kpi
            readings[kpi.pk] = Reading(
                value=data.get(field_key(kpi, "value")),
                numerator=data.get(field_key(kpi, "numerator")),
                denominator=data.get(field_key(kpi, "denominator")),
                measured_on=data.get(field_key(kpi, "measured_on")),
                note=data.get(field_key(kpi, "note")) or "",
            )
        return readings

    def commitment_readings(self) -> dict:
        data = self.cleaned_data
        return {
            commitment.pk: CommitmentReading(
                status=data[f"commitment-{commitment.pk}-status"],
                percent_complete=data[f"commitment-{commitment.pk}-percent_complete"],
                note=data.get(f"commitment-{commitment.pk}-note") or "",
            )
            for commitment, _update in self.commitment_items
        }

    def draft(self) -> dict:
        """What the user typed, as `services.save_draft` takes it, with the commitment lines
        the form was built from: an autosave does not read them again to check them."""
        data = self.cleaned_data
        return {
            "version": data["version"],
            "readings": self.readings(),
            "commitments": self.commitment_readings(),
            "commitment_lines": self.commitment_items,
            "narrative": data["narrative"],
            "warning_reason": data["warning_reason"],
        }

    def add_rule_errors(self, report, submitting: bool):
        """The rules' refusals of the values that could be read, beside the typing errors.

        Every error of a submission shows at once: a field refused as typed keeps
        that one message, and the rest are checked as the save would check them.
        """
        check = check_report(report, self.readings(), require_all=submitting, lines=self.lines)
        for key, messages in check.errors.items():
            if key in self.fields and key not in self.errors:
                for message in messages:
                    self.add_error(key, message)

    def error_summary(self) -> list[tuple[str, str, list]]:
        """Each refused field as (its input's id, what it is, its messages), in form order."""
        names = {}
        for line in self.lines:
            for part in ("value", "numerator", "denominator", "measured_on", "note"):
                names[field_key(line.kpi, part)] = line.kpi.name
        for commitment, _update in self.commitment_items:
            for part in ("status", "percent_complete", "note"):
                names[f"commitment-{commitment.pk}-{part}"] = commitment.short_text
        summary = []
        for name, field in self.fields.items():
            if name in self.errors:
                label = f"{names[name]}: {field.label}" if name in names else field.label
                summary.append((self[name].id_for_label, label, self.errors[name]))
        return summary

    def add_service_errors(self, errors: dict):
        for key, messages in errors.items():
            for message in messages:
                self.add_error(key if key in self.fields else None, message)

    def kpi_rows(self, warnings=None):
        """Rows for the template: the KPI line with its bound fields and any warning."""
        warnings = warnings or {}
        rows = []
        for line in self.lines:
            kpi = line.kpi
            parts = figure_parts(kpi)
            rows.append(
                {
                    "line": line,
                    "inputs": [self[field_key(kpi, part)] for part in parts],
                    "measured_on": self[field_key(kpi, "measured_on")],
                    "note": self[field_key(kpi, "note")],
                    "warning": next(
                        (
                            warnings[field_key(kpi, part)]
                            for part in parts
                            if field_key(kpi, part) in warnings
                        ),
                        "",
                    ),
                }
            )
        return rows

    def commitment_rows(self):
        return [
            {
                "commitment": commitment,
                "status": self[f"commitment-{commitment.pk}-status"],
                "percent": self[f"commitment-{commitment.pk}-percent_complete"],
                "note": self[f"commitment-{commitment.pk}-note"],
                "previous": commitment.previous_update,
                "current": update,
            }
            for commitment, update in self.commitment_items
        ]


class ReviewForm(forms.Form):
    version = WholeNumberField(widget=forms.HiddenInput)
    comment = MultilineField(
        label=_("Comment"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReopenForm(forms.Form):
    reason = MultilineField(
        label=_("Reason for reopening"),
        error_messages={"required": _("Give the reason for reopening this quarter.")},
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
