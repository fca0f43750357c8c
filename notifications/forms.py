from django import forms
from django.utils.translation import gettext_lazy as _

from provinces.access import Role, has_role, is_admin
from provinces.models import Province

from .models import Kind, Preference

# Which choices a person is offered: those that can concern them.
KINDS_FOR_ROLE = {
    Role.STAFF: (Kind.DEADLINES, Kind.RETURNED, Kind.APPROVED),
    Role.REVIEWER: (Kind.REVIEW_DIGEST,),
    Role.OFFICIAL: (Kind.MONTHLY_SUMMARY,),
}


def kinds_for(user) -> list[str]:
    if is_admin(user):
        return list(Kind.values)
    offered = {
        kind for role, kinds in KINDS_FOR_ROLE.items() if has_role(user, role) for kind in kinds
    }
    return [kind for kind in Kind.values if kind in offered]


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = Preference
        fields = (
            "language",
            "deadlines",
            "returned",
            "approved",
            "review_digest",
            "monthly_summary",
            "summary_province",
        )
        help_texts = {
            "deadlines": _(
                "7 days and 1 day before a report of your provinces is due, and weekly "
                "once it is overdue: one e-mail a day at most."
            ),
            "returned": _("At once, with the reviewer's comment."),
            "approved": _("When a reviewer approves a report of your provinces."),
            "review_digest": _(
                "Once a day, the reports waiting for you, oldest first; nothing when none waits."
            ),
            "monthly_summary": _(
                "At the start of each month: the at-risk list, reporting completeness and what "
                "changed since the last summary."
            ),
            "language": _("The language of your e-mail."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        offered = kinds_for(user)
        for kind in Kind.values:
            if kind not in offered:
                del self.fields[kind]
        if Kind.MONTHLY_SUMMARY in offered:
            self.fields["summary_province"].queryset = Province.objects.current()
            self.fields["summary_province"].empty_label = _("The whole country")
        else:
            del self.fields["summary_province"]

    def kind_fields(self):
        return [self[kind] for kind in Kind.values if kind in self.fields]
