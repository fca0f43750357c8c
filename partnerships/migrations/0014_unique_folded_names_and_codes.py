# Apart from 0013, which fills the columns: PostgreSQL may refuse to alter a table in the
# transaction that has just updated its rows.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0013_folded_names_and_codes"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="commitmentarea",
            constraint=models.UniqueConstraint(
                fields=("folded_name_vi",), name="commitmentarea_unique_folded_name_vi"
            ),
        ),
        migrations.AddConstraint(
            model_name="commitmentarea",
            constraint=models.UniqueConstraint(
                fields=("folded_name_en",), name="commitmentarea_unique_folded_name_en"
            ),
        ),
        migrations.AddConstraint(
            model_name="kpi",
            constraint=models.UniqueConstraint(
                fields=("folded_code",), name="kpi_unique_folded_code"
            ),
        ),
        migrations.AddConstraint(
            model_name="kpi",
            constraint=models.UniqueConstraint(
                fields=("folded_name_vi",), name="kpi_unique_folded_name_vi"
            ),
        ),
        migrations.AddConstraint(
            model_name="kpi",
            constraint=models.UniqueConstraint(
                fields=("folded_name_en",), name="kpi_unique_folded_name_en"
            ),
        ),
        migrations.AddConstraint(
            model_name="organisation",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "vnpt")), fields=("kind",), name="organisation_one_vnpt"
            ),
        ),
        migrations.AddConstraint(
            model_name="person",
            constraint=models.UniqueConstraint(
                fields=("organisation", "folded_name"),
                name="person_unique_folded_name_per_organisation",
            ),
        ),
    ]
