# BuildJob: run by a worker, with a heartbeat and retries.

from django.db import migrations, models
from django.utils import timezone


def fail_builds_of_the_threads(apps, schema_editor):
    """Builds ran in threads of the web server before: one still queued or running was lost when
    the server restarted for this upgrade; failed, the report page offers to retry it."""
    apps.get_model("publications", "BuildJob").objects.filter(
        status__in=["queued", "running"]).update(
        status="failed", finished_at=timezone.now(),
        message="The worker stopped during the build (stopped or restarted): retry the build.")


class Migration(migrations.Migration):

    dependencies = [
        ('publications', '0004_remove_edition_built_files'),
    ]

    operations = [
        migrations.AddField(
            model_name='buildjob',
            name='attempt',
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AddField(
            model_name='buildjob',
            name='heartbeat_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='buildjob',
            name='started_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(fail_builds_of_the_threads, migrations.RunPython.noop),
    ]
