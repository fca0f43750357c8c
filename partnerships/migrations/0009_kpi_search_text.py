from django.db import migrations, models


def fill_search_text(apps, schema_editor):
    # The historical model has no save() of its own: fold here, by the one rule.
    from core.search import fold

    Kpi = apps.get_model("partnerships", "Kpi")
    rows = list(Kpi.objects.only("pk", "code", "name_vi", "name_en"))
    for row in rows:
        row.search_text = fold(f"{row.code} {row.name_vi} {row.name_en}")
    Kpi.objects.bulk_update(rows, ["search_text"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0008_participants_and_source_notes"),
    ]

    operations = [
        migrations.AddField(
            model_name="kpi",
            name="search_text",
            field=models.TextField(
                blank=True, default="", editable=False, verbose_name="search text"
            ),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
    ]
