"""The report editions that print a person's name, in what idm holds about them: a published
edition is a public record and is not changed (registered in apps.py)."""

import json

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from idm.core.personal_data import Collection, Erasure, Section, extra_field, record
from idm.publications.models import Version


def _naming(person) -> list[Version]:
    """Published versions whose document prints the person's name."""
    if person.anonymized_at is not None or len(person.name) < 4:
        return []
    found = []
    for version in (Version.objects.filter(status=Version.Status.PUBLISHED)
                    .select_related("edition__publication__dialogue__series").order_by("pk")):
        if person.name in json.dumps(version.document, ensure_ascii=False):
            found.append(version)
    return found


def collect(collection: Collection) -> None:
    versions = _naming(collection.person)
    collection.add(Section("publications", _("Published reports that print your name"), [record(
        str(version.edition), version, ["number", "published_at"],
        extra_field("edition", _("edition"), str(version.edition))) for version in versions],
        note=_("A published report is a public record: its copies already out are not "
               "changed.") if versions else ""))


def erase(erasure: Erasure) -> None:
    if _naming(erasure.person):
        erasure.kept.append(gettext_noop(
            "Report editions already published that print the person's name: a public record, "
            "not changed; the next edition is built without what was erased."))
