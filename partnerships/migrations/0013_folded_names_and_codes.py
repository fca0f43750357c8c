import logging

from django.db import migrations, models

logger = logging.getLogger(__name__)


def _keep_first(rows, field, key, seen, describe):
    """Store `key(row)` in `field` unless an earlier row holds it: that later twin keeps none.

    As 0011 does for organisations: the constraints of 0014 can then be added, nothing is
    deleted or merged by guesswork, and the twin's next edit in the admin is refused, naming
    the earlier one, until an admin renames or removes it.
    """
    for row in rows:
        value = key(row)
        if value is not None and value in seen:
            logger.warning(
                "%s is a folded twin of an earlier one: rename or remove it", describe(row)
            )
            value = None
        elif value is not None:
            seen.add(value)
        setattr(row, field, value)


def fill_folded_names(apps, schema_editor):
    """Store each name and code as the models' save() does, before the database keeps them unique.

    Until now nothing refused a name or code differing from another's only in capitals,
    accents or spaces (or a code in "-" for "_"), nor a second organisation of the kind VNPT.
    """
    # The historical models have no save() of their own: fold here, by the one rule.
    from core.search import fold, fold_code

    def folded(text):
        return fold(text) or None

    person_model = apps.get_model("partnerships", "Person")
    people = list(person_model.objects.order_by("pk").only("pk", "full_name", "organisation_id"))
    by_organisation = {}
    for person in people:
        by_organisation.setdefault(person.organisation_id, []).append(person)
    for organisation_id, members in by_organisation.items():
        if organisation_id is None:
            # No database rule holds people of no organisation (see Person.Meta).
            for person in members:
                person.folded_name = folded(person.full_name)
            continue
        _keep_first(
            members,
            "folded_name",
            lambda person: folded(person.full_name),
            set(),
            lambda person: (
                f"Person {person.pk} ({person.full_name!r}) of organisation {person.organisation_id}"
            ),
        )
    person_model.objects.bulk_update(people, ["folded_name"], batch_size=500)

    for name, fields in (("CommitmentArea", ()), ("Kpi", ("folded_code",))):
        model = apps.get_model("partnerships", name)
        rows = list(model.objects.order_by("pk").only("pk", "code", "name_vi", "name_en"))

        def describe(row, name=name):
            return f"{name} {row.pk} ({row.code!r})"

        if fields:
            _keep_first(
                rows, "folded_code", lambda row: fold_code(row.code) or None, set(), describe
            )
        for language in ("vi", "en"):
            _keep_first(
                rows,
                f"folded_name_{language}",
                lambda row, language=language: folded(getattr(row, f"name_{language}")),
                set(),
                describe,
            )
        model.objects.bulk_update(
            rows, [*fields, "folded_name_vi", "folded_name_en"], batch_size=500
        )

    # There is one VNPT. A later organisation of its kind cannot have signed as a counterparty
    # (VNPT never is one), so another kind changes none of its agreements.
    organisation_model = apps.get_model("partnerships", "Organisation")
    vnpt = list(organisation_model.objects.filter(kind="vnpt").order_by("pk").only("pk", "name"))
    for organisation in vnpt[1:]:
        logger.warning(
            "Organisation %s (%r) was a second of the kind VNPT: it is now of the kind Other",
            organisation.pk,
            organisation.name,
        )
        organisation.kind = "other"
    organisation_model.objects.bulk_update(vnpt[1:], ["kind"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0012_organisation_unique_folded_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="commitmentarea",
            name="folded_name_en",
            field=models.TextField(editable=False, null=True, verbose_name="folded name (English)"),
        ),
        migrations.AddField(
            model_name="commitmentarea",
            name="folded_name_vi",
            field=models.TextField(
                editable=False, null=True, verbose_name="folded name (Vietnamese)"
            ),
        ),
        migrations.AddField(
            model_name="kpi",
            name="folded_code",
            field=models.TextField(editable=False, null=True, verbose_name="folded code"),
        ),
        migrations.AddField(
            model_name="kpi",
            name="folded_name_en",
            field=models.TextField(editable=False, null=True, verbose_name="folded name (English)"),
        ),
        migrations.AddField(
            model_name="kpi",
            name="folded_name_vi",
            field=models.TextField(
                editable=False, null=True, verbose_name="folded name (Vietnamese)"
            ),
        ),
        migrations.AddField(
            model_name="person",
            name="folded_name",
            field=models.TextField(editable=False, null=True, verbose_name="folded name"),
        ),
        migrations.RunPython(fill_folded_names, migrations.RunPython.noop),
    ]
