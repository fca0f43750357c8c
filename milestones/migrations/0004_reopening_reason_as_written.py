"""A reopening's comment holds the administrator's reason only.

Reopenings stored before kept a sentence around the reason in the language of
the administrator who reopened; the pages now say it was a reopening in their
reader's language, so that sentence is taken off, on the reports and in their
history. A comment that does not start with it is left as written.
"""

from django.db import migrations

# "Reopened by an administrator: %(reason)s", as the catalogues read when it was stored.
PREFIXES = ("Reopened by an administrator: ", "Quản trị viên đã mở lại: ")


def strip_prefixes(apps, schema_editor):
    for name in ("QuarterlyReport", "HistoricalQuarterlyReport"):
        model = apps.get_model("milestones", name)
        for prefix in PREFIXES:
            rows = model.objects.filter(review_comment__startswith=prefix)
            for row in rows.only("pk", "review_comment").iterator():
                model.objects.filter(pk=row.pk).update(
                    review_comment=row.review_comment[len(prefix) :]
                )


class Migration(migrations.Migration):
    dependencies = [("milestones", "0003_move_catalogue_and_progress_out")]

    operations = [migrations.RunPython(strip_prefixes, migrations.RunPython.noop)]
