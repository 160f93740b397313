"""Loads the reference data files (GCM, SDG targets, stakeholder categories, countries)."""

from django.db import migrations


def load(apps, schema_editor):
    from idm.core.reference import load_reference_data

    load_reference_data(apps)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
