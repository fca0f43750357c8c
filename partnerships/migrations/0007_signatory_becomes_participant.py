"""A signatory becomes a participant: signers, attendees and speakers are different parts.

The rows, their history and the permissions granted on them are carried over as
they are: the table and its history table are renamed, not copied.
"""

from django.db import migrations


def rename_permissions(apps, schema_editor, old="signatory", new="participant"):
    # `migrate` renames the content type with the model (unless run without its
    # signals), but never the permissions' codenames; groups granted them would
    # otherwise lose them.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    for prefix in ("", "historical"):
        types = ContentType.objects.filter(app_label="partnerships")
        if not types.filter(model=prefix + new).exists():
            types.filter(model=prefix + old).update(model=prefix + new)
        for permission in Permission.objects.filter(
            content_type__app_label="partnerships", content_type__model=prefix + new
        ):
            permission.codename = permission.codename.replace(old, new)
            permission.name = permission.name.replace(old, new)
            permission.save(update_fields=["codename", "name"])


def restore_permissions(apps, schema_editor):
    rename_permissions(apps, schema_editor, old="participant", new="signatory")


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("partnerships", "0006_agreement_terminated_on"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="signatory", name="signatory_unique_role"),
        migrations.RenameModel("Signatory", "Participant"),
        migrations.RenameModel("HistoricalSignatory", "HistoricalParticipant"),
        migrations.RenameField("participant", "title_at_signing", "title_then"),
        migrations.RenameField("historicalparticipant", "title_at_signing", "title_then"),
        migrations.RunPython(rename_permissions, restore_permissions),
    ]
