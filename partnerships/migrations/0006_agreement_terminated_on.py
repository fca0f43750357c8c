"""Replace the agreement's stored status by an early-termination date.

Whether an agreement is not yet in force, in force, ended or superseded now follows from its
dates (`Agreement.state_on`); only an early termination is recorded. An agreement whose status
was "terminated" gets `terminated_on`: the status never said when, so it is set to 31 December
of the last year of its period, the latest day it can have ended, with a note saying the day is
assumed. "active", "completed" and "superseded" carry nothing the dates do not already say.

Reversing restores "terminated" where a termination date is recorded and "active" elsewhere:
the other statuses were set by hand and cannot be told apart again.
"""

import datetime

from django.db import migrations, models

ASSUMED_NOTE = (
    "Recorded as terminated before termination dates were kept; "
    "the day is assumed to be the end of its period."
)


def record_terminations(apps, schema_editor):
    Agreement = apps.get_model("partnerships", "Agreement")
    for agreement in Agreement.objects.filter(status="terminated"):
        agreement.terminated_on = datetime.date(agreement.period_end, 12, 31)
        agreement.termination_note = ASSUMED_NOTE
        agreement.save(update_fields=["terminated_on", "termination_note"])


def restore_statuses(apps, schema_editor):
    Agreement = apps.get_model("partnerships", "Agreement")
    Agreement.objects.filter(terminated_on__isnull=False).update(status="terminated")


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0005_governance_history"),
    ]

    operations = [
        migrations.AddField(
            model_name="agreement",
            name="terminated_on",
            field=models.DateField(
                blank=True,
                help_text="Only when the parties ended the agreement before its period ran out.",
                null=True,
                verbose_name="terminated early on",
            ),
        ),
        migrations.AddField(
            model_name="agreement",
            name="termination_note",
            field=models.CharField(
                blank=True,
                help_text="The decision or document that ended it.",
                max_length=300,
                verbose_name="termination note",
            ),
        ),
        migrations.AddField(
            model_name="historicalagreement",
            name="terminated_on",
            field=models.DateField(
                blank=True,
                help_text="Only when the parties ended the agreement before its period ran out.",
                null=True,
                verbose_name="terminated early on",
            ),
        ),
        migrations.AddField(
            model_name="historicalagreement",
            name="termination_note",
            field=models.CharField(
                blank=True,
                help_text="The decision or document that ended it.",
                max_length=300,
                verbose_name="termination note",
            ),
        ),
        migrations.RunPython(record_terminations, restore_statuses),
        migrations.RemoveField(model_name="agreement", name="status"),
        migrations.RemoveField(model_name="historicalagreement", name="status"),
    ]
