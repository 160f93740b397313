# An edition's built files move to versions, one per build (issue 8); 0003 moves the data,
# 0004 removes the old fields: apart, so that PostgreSQL never alters a table with rows written
# in the same transaction.

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('publications', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='buildjob',
            name='review',
            field=models.BooleanField(default=False),
        ),
        migrations.AlterField(
            model_name='edition',
            name='uploaded_at',
            field=models.DateField(blank=True, help_text='Set when a version is first published.', null=True, verbose_name='date of upload'),
        ),
        migrations.CreateModel(
            name='Version',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveIntegerField(verbose_name='version')),
                ('review', models.BooleanField(default=False, help_text='Holds draft key messages and recommendations, marked as drafts; never published.', verbose_name='review draft')),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('published', 'Published'), ('superseded', 'Superseded')], default='draft', max_length=10, verbose_name='status')),
                ('built_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='built at')),
                ('built_by', models.CharField(blank=True, max_length=150, verbose_name='built by')),
                ('published_at', models.DateTimeField(blank=True, null=True, verbose_name='published at')),
                ('published_by', models.CharField(blank=True, max_length=150, verbose_name='published by')),
                ('page_count', models.PositiveIntegerField(blank=True, help_text='Read from the built PDF.', null=True, verbose_name='number of pages')),
                ('pdf', models.FileField(blank=True, upload_to='editions/', verbose_name='PDF')),
                ('docx', models.FileField(blank=True, upload_to='editions/', verbose_name='DOCX')),
                ('epub', models.FileField(blank=True, upload_to='editions/', verbose_name='EPUB')),
                ('html', models.FileField(blank=True, upload_to='editions/', verbose_name='HTML')),
                ('document', models.JSONField(blank=True, default=dict, editable=False, help_text='The assembled report the files were built from.', verbose_name='document')),
                ('edition', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='versions', to='publications.edition', verbose_name='edition')),
            ],
            options={
                'verbose_name': 'edition version',
                'verbose_name_plural': 'edition versions',
                'ordering': ['edition', '-number'],
                'constraints': [models.UniqueConstraint(fields=('edition', 'number'), name='one_version_per_number'), models.UniqueConstraint(condition=models.Q(('status', 'published')), fields=('edition',), name='one_published_version_per_edition'), models.CheckConstraint(condition=models.Q(('review', True), ('status', 'published'), _negated=True), name='review_draft_never_published')],
            },
        ),
    ]
