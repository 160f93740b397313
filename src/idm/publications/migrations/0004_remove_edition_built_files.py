# The built files, document, page count and status now belong to the edition's versions.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('publications', '0003_editions_become_versions'),
    ]

    operations = [
        migrations.RemoveField(model_name='edition', name='built_at'),
        migrations.RemoveField(model_name='edition', name='document'),
        migrations.RemoveField(model_name='edition', name='docx'),
        migrations.RemoveField(model_name='edition', name='epub'),
        migrations.RemoveField(model_name='edition', name='html'),
        migrations.RemoveField(model_name='edition', name='page_count'),
        migrations.RemoveField(model_name='edition', name='pdf'),
        migrations.RemoveField(model_name='edition', name='status'),
    ]
