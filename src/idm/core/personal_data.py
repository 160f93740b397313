"""What idm holds about a person, app by app: each app registers how it gathers, erases and
anonymizes its part, so that dialogues (which owns the person) can ask every app in turn.

The apps depend one way (core <- dialogues <- deliberation <- consultations <- practices <-
publications), yet a person's data lies in all of them: dialogues cannot import the apps that
build on it, so each of them registers its part here from its AppConfig.ready().
"""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from idm.core.models import AuditEntry
from idm.core.services import plain_value

# What an erased value of the audit log reads: the entry keeps when, who, what was done and which
# fields changed, never the values.
ERASED = "[erased]"


@dataclass
class Field:
    key: str  # the JSON file's name for it, stable across languages
    label: str  # the page's name for it, in the reader's language
    value: Any  # JSON-friendly
    shown: str  # as the page shows it


@dataclass
class Record:
    title: str
    fields: list[Field]

    def as_dict(self) -> dict:
        return {item.key: item.value for item in self.fields}


@dataclass
class Section:
    key: str
    title: str
    records: list[Record]
    note: str = ""  # what the reader should know: a public record kept, where else data is


@dataclass
class Collection:
    """Everything gathered about one person: sections for the page and the file, and the objects
    the audit log entries about them are found by."""

    person: models.Model
    registrations: list[models.Model]
    # The addresses the person is known by (lower case): other apps find them by these.
    emails: set[str] = field(default_factory=set)
    sections: list[Section] = field(default_factory=list)
    subjects: list[tuple[type[models.Model], list]] = field(default_factory=list)

    def add(self, section: Section) -> None:
        if section.records or section.note:
            self.sections.append(section)

    def about(self, model: type[models.Model], pks: Iterable) -> None:
        """Audit entries about these objects are entries about the person."""
        pks = list(pks)
        if pks:
            self.subjects.append((model, pks))

    def as_dict(self) -> dict:
        return {section.key: {"records": [r.as_dict() for r in section.records],
                              **({"note": section.note} if section.note else {})}
                for section in self.sections}


@dataclass
class Erasure:
    """One person's deletion, as each app is asked to carry it out in one transaction.

    `anonymize_person`: the person's name goes too; False when the secretariat keeps a speaker's
    public record (their name on agendas and on the statements they made on the record).
    Apps add to `counts` (what they erased, by a plain English key) and to `kept` (what they kept
    and why): both are shown to the secretariat and recorded, and hold no personal data.
    """

    person: models.Model
    registrations: list[models.Model]
    anonymize_person: bool
    actor: Any
    # The addresses the person was known by, read before any app erases them.
    emails: set[str] = field(default_factory=set)
    counts: Counter = field(default_factory=Counter)
    kept: list[str] = field(default_factory=list)


@dataclass
class Anonymization:
    """A closed dialogue's registrations made anonymous, as each app is asked to follow.

    `registrations`: the registrations being anonymized (pks); `people`: the people whose names
    go (the others, speakers and people registered elsewhere, keep theirs).
    """

    dialogue: models.Model
    registrations: list[int]
    people: list[int]
    actor: Any
    counts: Counter = field(default_factory=Counter)


@dataclass(frozen=True)
class Part:
    key: str
    collect: Callable[[Collection], None]
    erase: Callable[[Erasure], None] | None = None
    anonymize: Callable[[Anonymization], None] | None = None
    # Why a dialogue cannot be anonymized yet, as far as this app knows (an open consultation).
    blockers: Callable[[models.Model], list[str]] | None = None


_parts: dict[str, Part] = {}


def register(key: str, *, collect, erase=None, anonymize=None, blockers=None) -> None:
    """Called from an app's AppConfig.ready(); registering a key again replaces it (a reload)."""
    _parts[key] = Part(key, collect, erase, anonymize, blockers)


def parts() -> list[Part]:
    """In the order the apps registered, which is INSTALLED_APPS order: left to right."""
    return list(_parts.values())


def collect(person: models.Model, registrations: list[models.Model],
            emails: set[str]) -> Collection:
    collection = Collection(person, registrations, emails)
    for part in parts():
        part.collect(collection)
    collection.add(audit_section(collection.subjects))
    return collection


def erase(erasure: Erasure) -> Erasure:
    """Right to left: an app erases what points to the apps on its left before they erase theirs.
    The caller holds the transaction."""
    for part in reversed(parts()):
        if part.erase is not None:
            part.erase(erasure)
    return erasure


def anonymize(anonymization: Anonymization) -> Anonymization:
    for part in reversed(parts()):
        if part.anonymize is not None:
            part.anonymize(anonymization)
    return anonymization


def blockers(dialogue: models.Model) -> list[str]:
    return [reason for part in parts() if part.blockers is not None
            for reason in part.blockers(dialogue)]


# Building records ------------------------------------------------------------------------------


def shown_value(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dict):
        return "; ".join(f"{key}: {shown_value(item)}" for key, item in value.items())
    if isinstance(value, list | tuple):
        return "; ".join(shown_value(item) for item in value)
    return str(value)


def model_field(obj: models.Model, name: str) -> Field:
    """A model field as a record shows it: its verbose name, its value and the value's label."""
    definition = obj._meta.get_field(name)
    value = plain_value(getattr(obj, name))
    shown = (str(getattr(obj, f"get_{name}_display")()) if definition.choices and value != ""
             else shown_value(value))
    return Field(name, str(definition.verbose_name), value, shown)


def record(title: str, obj: models.Model, names: Iterable[str], *extra: Field) -> Record:
    return Record(str(title), [model_field(obj, name) for name in names] + list(extra))


def extra_field(key: str, label: str, value) -> Field:
    value = plain_value(value)
    return Field(key, str(label), value, shown_value(value))


# User accounts: core's own part ------------------------------------------------------------------


def _accounts(emails: set[str]):
    if not emails:
        return get_user_model().objects.none()
    condition = Q()
    for address in emails:
        condition |= Q(email__iexact=address)
    return get_user_model().objects.filter(condition).order_by("pk")


def collect_accounts(collection: Collection) -> None:
    collection.add(Section("accounts", _("Your user accounts"), [record(
        account.get_username(), account,
        ["username", "first_name", "last_name", "email", "date_joined", "last_login"])
        for account in _accounts(collection.emails)]))


def erase_accounts(erasure: Erasure) -> None:
    # An account may be a staff member's own: deleting or deactivating it is the secretariat's
    # decision, in the admin.
    if _accounts(erasure.emails).exists():
        erasure.kept.append(gettext_noop(
            "A user account with the person's e-mail address: delete or deactivate it in the "
            "admin if it is theirs."))


# The audit log --------------------------------------------------------------------------------


def _entries_about(model: type[models.Model], pks: list, chunk: int = 500):
    object_type = model._meta.label_lower
    ids = [str(pk) for pk in pks]
    for start in range(0, len(ids), chunk):
        yield from AuditEntry.objects.filter(object_type=object_type,
                                             object_id__in=ids[start:start + chunk])


def audit_section(subjects: list[tuple[type[models.Model], list]]) -> Section:
    """The audit log's entries about the person's objects. Who made a change is told by kind (a
    form, the system, the secretariat), not by a staff member's user name."""
    entries = sorted((entry for model, pks in subjects for entry in _entries_about(model, pks)),
                     key=lambda entry: (entry.at, entry.pk))
    records = []
    for entry in entries:
        actor = _("the secretariat") if entry.actor_id else entry.actor_name
        records.append(Record(f"{entry.at:%Y-%m-%d %H:%M} {entry.get_action_display()}", [
            extra_field("at", _("when"), entry.at),
            extra_field("by", _("by"), actor),
            extra_field("action", _("action"), entry.action),
            extra_field("object", _("object"), f"{entry.object_type} {entry.object_id}"),
            extra_field("changes", _("changes"), entry.changes)]))
    return Section("audit_log", _("Changes recorded in the audit log"), records)


def scrub_audit_log(model: type[models.Model], pks: Iterable) -> int:
    """Erases the values that audit entries about these objects recorded (names, e-mails,
    answers), and their description; keeps when, by whom, what was done and which fields."""
    label = str(model._meta.verbose_name)
    scrubbed = []
    for entry in _entries_about(model, list(pks)):
        entry.changes = {name: ERASED for name in entry.changes}
        entry.object_repr = f"{label} {entry.object_id} {ERASED}"
        scrubbed.append(entry)
    AuditEntry.objects.bulk_update(scrubbed, ["changes", "object_repr"], batch_size=500)
    return len(scrubbed)
