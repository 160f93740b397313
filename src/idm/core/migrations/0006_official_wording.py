"""Fills the French and Spanish titles of the GCM objectives and guiding principles from the
official wording in core/data/*_i18n.csv; going back empties them again."""

from django.db import migrations

from idm.core.languages import LANGUAGES

# (model, its fields that the official wording files fill, value they held before)
FILLED = [("GcmObjective", ("title", "short_title"), None), ("GuidingPrinciple", ("name",), "")]


def fill(apps, schema_editor):
    from idm.core.reference import load_reference_data

    load_reference_data(apps)


def empty(apps, schema_editor):
    for model_name, fields, before in FILLED:
        apps.get_model("core", model_name).objects.update(**{
            f"{field}_{lang}": before for field in fields for lang in LANGUAGES if lang != "en"})


class Migration(migrations.Migration):
    dependencies = [("core", "0005_searchentry")]
    operations = [migrations.RunPython(fill, empty)]
