# Each edition built or published before versions existed becomes its version 1: published if
# the edition was, a draft otherwise. The files stay where they are; only their names move.

import datetime

from django.db import migrations
from django.utils import timezone

FILES = ("pdf", "docx", "epub", "html")


def editions_to_versions(apps, schema_editor):
    Edition = apps.get_model("publications", "Edition")
    Version = apps.get_model("publications", "Version")
    for edition in Edition.objects.all():
        built = edition.built_at or edition.document or any(getattr(edition, f) for f in FILES)
        published = edition.status == "published"
        if not (built or published):
            continue
        published_at = None
        if published:
            published_at = edition.built_at or (timezone.make_aware(datetime.datetime.combine(
                edition.uploaded_at, datetime.time())) if edition.uploaded_at else timezone.now())
        Version.objects.create(
            edition=edition, number=1, status="published" if published else "draft",
            built_at=edition.built_at or published_at or timezone.now(),
            published_at=published_at, page_count=edition.page_count, document=edition.document,
            **{f: getattr(edition, f).name for f in FILES})


def versions_to_editions(apps, schema_editor):
    """Back: each edition takes its published version, or else its newest regular draft."""
    Edition = apps.get_model("publications", "Edition")
    Version = apps.get_model("publications", "Version")
    for edition in Edition.objects.all():
        versions = Version.objects.filter(edition=edition, review=False)
        version = (versions.filter(status="published").first()
                   or versions.filter(status="draft").order_by("-number").first())
        if version is None:
            continue
        edition.status = "published" if version.status == "published" else "draft"
        edition.built_at, edition.page_count = version.built_at, version.page_count
        edition.document = version.document
        for f in FILES:
            setattr(edition, f, getattr(version, f).name)
        edition.save()


class Migration(migrations.Migration):

    dependencies = [
        ('publications', '0002_version'),
    ]

    operations = [
        migrations.RunPython(editions_to_versions, versions_to_editions),
    ]
