import logging

from django.db import migrations, models

logger = logging.getLogger(__name__)


def fill_folded_names(apps, schema_editor):
    """Store each name as `Organisation.save` does, before the database is asked to keep it unique.

    Until now only the admin's form refused a folded twin, so rows written around it (two saves
    at once, an import) may hold one. The earliest keeps the folded name; a later twin keeps
    none, so that the constraint can be added and nothing is deleted or merged by guesswork.
    Its next edit in the admin is refused, naming the earlier one, until an admin renames or
    removes it.
    """
    # The historical model has no save() of its own: fold here, by the one rule.
    from core.search import fold

    model = apps.get_model("partnerships", "Organisation")
    rows = list(model.objects.order_by("pk").only("pk", "name", "province_id"))
    kept = set()
    for row in rows:
        key = (row.province_id, fold(row.name) or None)
        if key[1] is not None and key in kept:
            logger.warning(
                "Partner organisation %s (%r) is a folded twin of an earlier one of its "
                "province: rename or remove it in the admin",
                row.pk,
                row.name,
            )
            row.folded_name = None
        else:
            kept.add(key)
            row.folded_name = key[1]
    model.objects.bulk_update(rows, ["folded_name"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0010_organisation_name_unique_per_province"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="folded_name",
            field=models.TextField(editable=False, null=True, verbose_name="folded name"),
        ),
        migrations.RunPython(fill_folded_names, migrations.RunPython.noop),
    ]
