# Apart from 0011, which fills the column: PostgreSQL may refuse to alter a table in the
# transaction that has just updated its rows.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0011_organisation_folded_name"),
        ("provinces", "0003_province_sort_key"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="organisation",
            constraint=models.UniqueConstraint(
                fields=("province", "folded_name"),
                name="organisation_unique_folded_name_per_province",
            ),
        ),
        migrations.AddConstraint(
            model_name="organisation",
            constraint=models.UniqueConstraint(
                condition=models.Q(("province__isnull", True)),
                fields=("folded_name",),
                name="organisation_unique_folded_name_without_province",
            ),
        ),
    ]
