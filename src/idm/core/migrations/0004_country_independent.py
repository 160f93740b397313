"""Adds whether a country is an independent State, and reloads the countries to fill it."""

from django.db import migrations, models


def reload(apps, schema_editor):
    from idm.core.reference import load_reference_data

    load_reference_data(apps)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_role_groups")]
    operations = [
        migrations.AddField(
            model_name="country",
            name="independent",
            field=models.BooleanField(default=False, help_text="A sovereign State, not a territory.",
                                      verbose_name="independent State"),
        ),
        migrations.RunPython(reload, migrations.RunPython.noop),
    ]
