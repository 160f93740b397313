"""The regional consultative processes and inter-regional forums (data/rcps.csv) as organizations
of their stakeholder category."""

from django.db import migrations


def load(apps, schema_editor):
    from idm.practices.services import load_rcps

    load_rcps(apps)


class Migration(migrations.Migration):
    dependencies = [("practices", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
