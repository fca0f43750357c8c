"""Text typed over several lines in a form, read as the browser counted it."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .formatting import number


def normalise_line_breaks(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


class MultilineField(forms.CharField):
    """A textarea's text, its line breaks as \\n before the length is checked.

    A browser counts a line break as one character against the textarea's
    maxlength but sends it as CRLF: counted as sent, a text the browser let
    through would be refused. The refusal names the field and the limit.
    """

    widget = forms.Textarea

    def to_python(self, value):
        return normalise_line_breaks(super().to_python(value))

    def validate(self, value):
        super().validate(value)
        # Before the stock validator, whose message names neither the field nor the limit.
        if self.max_length is not None and len(value) > self.max_length:
            raise ValidationError(
                _("%(field)s can be at most %(limit)s characters long; this text has %(length)s.")
                % {
                    "field": self.label,
                    "limit": number(self.max_length),
                    "length": number(len(value)),
                },
                code="max_length",
            )
