"""A whole dialogue in one versioned archive, to move it to another installation (idm dialogue).

`export_dialogue()` writes the archive, `import_dialogue()` recreates the dialogue from it
(`idm dialogue export|import`, management/commands/dialogue.py). It lives in publications, the
last domain app, because it carries every app's part of a dialogue and may import them all
(DESIGN.md); the api app, to its right, holds nothing a dialogue needs.

The archive (format "idm-dialogue-archive", version 1) is a zip of:

    manifest.json   format and format version, idm version, when and from which database
                    (sqlite, postgresql) it was made, the dialogue's number and theme, the rows
                    carried per model, each member's SHA-256 and size, the source's applied
                    migrations, the files the source itself lacked
    data.json       the rows, in the shape of Django's JSON serialization ({"model", "pk",
                    "fields"}, a foreign key as the related row's pk, a many-to-many field as a
                    list of pks), every column as stored (a translated field's own column too),
                    datetimes in ISO 8601 to the microsecond; models in the order of ORDER, each
                    model's rows by pk
    reference.json  the reference rows (GCM objectives, guiding principles, SDG targets,
                    stakeholder categories, countries) the rows point to: their pk in the source,
                    natural key and wording
    files/NAME      every file a FileField of a carried row names (an edition's built PDF, EPUB,
                    DOCX, HTML), under its storage name

What is carried (see ORDER):
- What belongs to the dialogue (OWNED), all of it: workshops, sessions, speakers, registration
  questions, registrations, identity changes and deletion requests made through them, reference
  events, statements and their translated quotes, key messages, recommendations, their evidence
  and revisions, synthesis runs, consultations with their voters, votes and analyses, the
  publication with its editions, versions (and their files), abbreviations, build records, report
  texts and the record of translated units.
- The practices presented in its sessions or statements or cited by its key messages, with their
  links, deliverables and progress reports; the translation memory's pairs for the English of its
  translated units.
- The shared records these rows point to (SHARED): series, organizations (and the bodies they
  are part of), people, themes, users.
- The audit log entries of every carried row: the dialogue's history moves with it.
- Reference data is not carried but named: an import matches it by its natural key (a GCM
  objective's number, a category's code, a country's ISO code), since each installation loads
  its own (`idm migrate` does, `idm reference load` again).

What is not: the search index (rebuilt on import from the statements and practices); the tasks
waiting in the source's queue (a synthesis run, analysis or build still queued or running arrives
failed with its "the worker stopped" message, to run again; an e-mail still waiting is not sent,
its registration says it was waiting); users' passwords, last logins, staff and superuser flags,
groups and permissions; the audit entries of rows the source no longer has; and whatever does not
belong to the dialogue (other dialogues, the rest of the registry and of the translation memory).

Import, into any installation without a dialogue of that number (SQLite or PostgreSQL, either way):
- The archive is read and checked whole before the database is touched: a file that is not a
  zip or is cut short, one without our manifest, one of a newer format version, a member missing,
  extra or not matching its checksum, or rows from a newer database schema than this
  installation's are refused with a message that says which; nothing changes.
- Then, in ONE transaction: the dialogue's number, every unique value of a row to create (a
  workshop's short name, a registration's private link...) and the reference data are checked
  (refused if any is already used, or missing, here); the rows are inserted with new primary
  keys from the database's own sequences (so PostgreSQL needs no sequence reset, and the target
  may hold other dialogues); every reference between rows is translated, the ids inside stored
  results too (registration answers, consultation analyses, synthesis runs, revisions, an
  edition's document, audit entries; an id of a row the source no longer had is dropped); the
  search index is written and one audit entry records the import. The files are written last,
  and removed again if anything fails, so that nothing is ever half-imported.
- Shared records are matched rather than duplicated where this installation has them, and then
  left as they are here: a user by user name, a series by short name, an organization by its
  English name (as the registry of regional processes does), a person by e-mail (a person without
  one is always created), a theme by name, a practice by type and English title (or the title it
  has), a translation memory pair by its texts. A matched practice gains the links to the new
  sessions, statements and key messages, nothing else.
- Private links are kept (a registration's, a consultation's, a voter's key), so that
  participants' links go on working at the new address; a statement keeps its capture id.
- A user created by an import cannot sign in (an unusable password) and is neither staff nor
  superuser, nor in any group, whatever the archive says: an archive must not be able to grant
  rights in the installation that reads it. An administrator sets a password and the role.
- Reference data whose wording differs here is used as it is here, with a warning: only a row
  that cannot be found refuses the archive.
"""

import hashlib
import json
import os
import posixpath
import tempfile
import zipfile
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from importlib import metadata
from pathlib import Path
from uuid import UUID

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from modeltranslation.translator import NotRegistered, translator

from idm.core import search
from idm.core import services as core_services
from idm.core.models import AuditEntry, Job
from idm.deliberation.models import text_key
from idm.deliberation.services import SEARCH_KIND as STATEMENT_SEARCH
from idm.practices.services import reindex as reindex_practice

FORMAT = "idm-dialogue-archive"
FORMAT_VERSION = 1
MANIFEST, DATA, REFERENCE, FILES = "manifest.json", "data.json", "reference.json", "files/"
# The apps whose migrations say which database schema the rows were written in.
SCHEMA_APPS = ("auth", "core", "dialogues", "deliberation", "consultations", "practices",
               "publications")
DOMAIN_APPS = SCHEMA_APPS[1:]

USER = settings.AUTH_USER_MODEL.lower()
AUDIT = "core.auditentry"
PRACTICE = "practices.practice"
MEMORY = "publications.memorysegment"

# What belongs to the dialogue: the paths from each model to it (any of them).
OWNED = {
    "dialogues.dialogue": ("pk",),
    "dialogues.workshop": ("dialogue",),
    "dialogues.session": ("workshop__dialogue",),
    "dialogues.sessionrole": ("session__workshop__dialogue",),
    "dialogues.registrationquestion": ("workshop__dialogue",),
    "dialogues.registration": ("workshop__dialogue",),
    "dialogues.identitychange": ("registration__workshop__dialogue",),
    "dialogues.deletionrequest": ("registration__workshop__dialogue",),
    "deliberation.referenceevent": ("dialogue",),
    "deliberation.statement": ("session__workshop__dialogue", "reference_event__dialogue"),
    "deliberation.quotetranslation": ("statement__session__workshop__dialogue",
                                      "statement__reference_event__dialogue"),
    "deliberation.keymessage": ("dialogue",),
    "deliberation.keymessageevidence": ("key_message__dialogue",),
    "deliberation.recommendation": ("dialogue",),
    "deliberation.recommendationevidence": ("recommendation__dialogue",),
    "deliberation.revision": ("key_message__dialogue", "recommendation__dialogue"),
    "deliberation.synthesisrun": ("dialogue",),
    "consultations.consultation": ("dialogue",),
    "consultations.voter": ("consultation__dialogue",),
    "consultations.consultationstatement": ("consultation__dialogue",),
    "consultations.vote": ("voter__consultation__dialogue",),
    "consultations.consultationanalysis": ("consultation__dialogue",),
    "publications.publication": ("dialogue",),
    "publications.edition": ("publication__dialogue",),
    "publications.version": ("edition__publication__dialogue",),
    "publications.abbreviationentry": ("publication__dialogue",),
    "publications.buildjob": ("publication__dialogue",),
    "publications.reporttext": ("publication__dialogue",),
    "publications.translatedunit": ("publication__dialogue",),
}
# The registry's practices that the dialogue presented or cited.
PRACTICE_PATHS = ("sessions__workshop__dialogue", "statements__session__workshop__dialogue",
                  "statements__reference_event__dialogue", "key_messages__dialogue")
# Rows that go with a practice: carried with it, created only when it is.
FOLLOWERS = {"practices.link": "practice", "practices.deliverable": "practice",
             "practices.progressreport": "practice"}
# Shared records, carried because a carried row points to them.
SHARED = (USER, "dialogues.series", "dialogues.organization", "dialogues.person",
          "deliberation.theme")
# Reference data: matched by natural key, never carried.
REFERENCE_KEYS = {"core.gcmobjective": "number", "core.guidingprinciple": "code",
                  "core.sdgtarget": "code", "core.stakeholdercategory": "code",
                  "core.country": "iso2"}
# How a shared record, a practice or a memory pair is found among this installation's: by the
# first of these sets of fields the archive's row has a value in every one of (none: it is not
# looked for, and always created). The oldest row wins where several match.
MATCH_KEYS = {
    USER: (("username",),),
    "dialogues.series": (("slug",),),
    "dialogues.organization": (("name_en",), ("name",)),
    "dialogues.person": (("email",),),
    "deliberation.theme": (("name",),),
    PRACTICE: (("type", "title_en"), ("type", "title_fr"), ("type", "title_es")),
    MEMORY: (("language", "source_key", "target_key"),),
}
CASE_FREE = {"email"}
NOT_CARRIED = {"core.searchentry": "rebuilt on import from the statements and practices"}
# The order rows are written and inserted in: each after the rows it points to (a model pointing
# to itself is filled in afterwards), and after the rows its stored results name.
ORDER = (
    USER, "dialogues.series", "dialogues.organization", "dialogues.person",
    "dialogues.dialogue", "dialogues.workshop", "dialogues.session", "dialogues.sessionrole",
    "dialogues.registrationquestion", "dialogues.registration", "dialogues.identitychange",
    "dialogues.deletionrequest",
    "deliberation.referenceevent", "deliberation.theme", "deliberation.statement",
    "deliberation.quotetranslation", "deliberation.keymessage", "deliberation.keymessageevidence",
    "deliberation.recommendation", "deliberation.recommendationevidence", "deliberation.revision",
    "deliberation.synthesisrun",
    "consultations.consultation", "consultations.voter", "consultations.consultationstatement",
    "consultations.vote", "consultations.consultationanalysis",
    PRACTICE, "practices.link", "practices.deliverable", "practices.progressreport",
    "publications.publication", "publications.edition", "publications.version",
    "publications.abbreviationentry", "publications.buildjob", "publications.reporttext",
    "publications.translatedunit", MEMORY,
    AUDIT,
)
# A user's columns that never travel: who may sign in, and with which rights, is this
# installation's decision.
USER_LEFT_OUT = {"password", "is_staff", "is_superuser", "last_login"}

Progress = Callable[[float, str], None]
Ids = Callable[[str, object], object]


class ArchiveError(Exception):
    """What is wrong with an archive, or why a dialogue cannot be exported, said for the user."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


@dataclass
class ExportResult:
    path: Path
    size: int
    dialogue: int
    counts: dict[str, int]
    files: int
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    dialogue: int
    created: dict[str, int]
    matched: dict[str, int]
    files: int
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False


def _quiet(fraction: float, message: str) -> None:
    pass


# The models ------------------------------------------------------------------------------------


def _model(label: str) -> type[models.Model] | None:
    """The model of `label`, or None where this installation has no such model."""
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def _label(model) -> str:
    return model._meta.label_lower


def _rows_of(model):
    """Every row, columns as stored: a translated field's own column, not the reader's language."""
    queryset = model._base_manager.all()
    return queryset.rewrite(False) if hasattr(queryset, "rewrite") else queryset


def _fields(model) -> list[models.Field]:
    """The columns carried (the primary key apart)."""
    left_out = USER_LEFT_OUT if _label(model) == USER else set()
    return [f for f in model._meta.concrete_fields
            if not f.primary_key and f.name not in left_out]


def _many(model) -> list[models.ManyToManyField]:
    """Many-to-many fields kept in a table of Django's own (the others are models carried)."""
    if _label(model) == USER:
        return []  # groups and permissions: this installation's decision
    return [f for f in model._meta.many_to_many if f.remote_field.through._meta.auto_created]


def _translated(model) -> list[str]:
    try:
        return list(translator.get_options_for_model(model).fields)
    except NotRegistered:
        return []


def _chunks(values, size: int = 500):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]


def models_not_planned() -> list[str]:
    """The domain apps' models this module does not know what to do with: a model added later
    must be carried, matched or left out here on purpose (the tests ask)."""
    known = set(ORDER) | set(REFERENCE_KEYS) | set(NOT_CARRIED)
    return sorted(_label(m) for app in DOMAIN_APPS for m in apps.get_app_config(app).get_models()
                  if _label(m) not in known)


# Values in JSON --------------------------------------------------------------------------------


def _json_value(value):
    # Full precision: Django's own encoder cuts datetimes to the millisecond.
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, UUID | Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} cannot be written to an archive")


def _dumps(value) -> bytes:
    return json.dumps(value, default=_json_value, ensure_ascii=False, indent=1).encode()


# Ids inside stored results: each function rewrites one JSON field's value with `ids(label, old)`,
# which gives the new id in the old one's type (or None for a row that is not there).

def _new_keys(mapping: dict, ids: Ids, label: str) -> dict:
    return {new: value for key, value in mapping.items()
            if (new := ids(label, str(key))) is not None}


def _new_list(values, ids: Ids, label: str) -> list:
    return [new for value in values or [] if (new := ids(label, value)) is not None]


def _registration_answers(value, ids: Ids):
    return _new_keys(value or {}, ids, "dialogues.registrationquestion")


def _revision_content(value, ids: Ids):
    if isinstance(value, dict) and value.get("key_message_id") is not None:
        value = {**value, "key_message_id": ids("deliberation.keymessage",
                                                value["key_message_id"])}
    return value


def _synthesis_report(value, ids: Ids):
    if not isinstance(value, dict) or "themes" not in value:
        return value
    statement = "deliberation.statement"
    themes = []
    for theme in value["themes"]:
        theme = {**theme,
                 "members": [{**m, "id": new} for m in theme.get("members", [])
                             if (new := ids(statement, m["id"])) is not None],
                 "representatives": _new_list(theme.get("representatives"), ids, statement)}
        if theme.get("key_message") is not None:
            theme["key_message"] = ids("deliberation.keymessage", theme["key_message"])
        themes.append(theme)
    return {**value, "themes": themes,
            "unassigned": _new_list(value.get("unassigned"), ids, statement)}


def _analysis_report(value, ids: Ids):
    if not isinstance(value, dict) or "statements" not in value:
        return value
    voter, item = "consultations.voter", "consultations.consultationstatement"

    def stats(found: list) -> list:
        return [{**s, "statement": new} for s in found
                if (new := ids(item, s["statement"])) is not None]

    return {**value,
            "participants": [[new, *rest] for first, *rest in value.get("participants", [])
                             if (new := ids(voter, first)) is not None],
            "groups": [{**g, "representative": stats(g.get("representative", []))}
                       for g in value.get("groups", [])],
            "consensus": {k: stats(v) for k, v in value.get("consensus", {}).items()},
            "statements": _new_keys(value["statements"], ids, item)}


def _analysis_clustering(value, ids: Ids):
    if not isinstance(value, dict):
        return value
    voter = "consultations.voter"
    return {**value,
            "in_conversation": sorted(_new_list(value.get("in_conversation"), ids, voter)),
            "base_of": _new_keys(value.get("base_of", {}), ids, voter)}


def _version_document(value, ids: Ids):
    if not isinstance(value, dict):
        return value
    for section in value.get("sections", []):
        for block in section.get("blocks", []):
            if block.get("type") == "quote" and block.get("statement") is not None:
                block["statement"] = ids("deliberation.statement", block["statement"])
            elif block.get("type") == "practices":
                for item in block.get("items", []):
                    item["pk"] = ids(PRACTICE, item.get("pk"))
                    item["key_messages"] = _new_list(item.get("key_messages"), ids,
                                                     "deliberation.keymessage")
    return value


JSON_IDS = {
    ("dialogues.registration", "answers"): _registration_answers,
    ("deliberation.revision", "content"): _revision_content,
    ("deliberation.synthesisrun", "report"): _synthesis_report,
    ("consultations.consultationanalysis", "report"): _analysis_report,
    ("consultations.consultationanalysis", "clustering"): _analysis_clustering,
    ("publications.version", "document"): _version_document,
}


# Export ----------------------------------------------------------------------------------------


class _Collection:
    """The rows of one dialogue, gathered model by model: {label: {pk: {"fields", "m2m"}}}."""

    def __init__(self):
        self.rows: dict[str, dict] = {}
        self.reference: dict[str, dict] = {}

    def fetch(self, label: str, pks) -> None:
        model = _model(label)
        if model is None:
            return
        rows = self.rows.setdefault(label, {})
        pks = sorted(set(pks) - set(rows))
        fields = _fields(model)
        many = _many(model)
        for chunk in _chunks(pks):
            for values in _rows_of(model).filter(pk__in=chunk).values(
                    "pk", *(f.attname for f in fields)):
                rows[values.pop("pk")] = {
                    "fields": {f.name: values[f.attname] for f in fields},
                    "m2m": {f.name: [] for f in many}}
            for f in many:
                through = f.remote_field.through
                source = through._meta.get_field(f.m2m_field_name()).attname
                target = through._meta.get_field(f.m2m_reverse_field_name()).attname
                for one, other in (through._base_manager.filter(**{f"{source}__in": chunk})
                                   .order_by(target).values_list(source, target)):
                    rows[one]["m2m"][f.name].append(other)

    def fetch_where(self, label: str, condition: Q) -> None:
        model = _model(label)
        if model is not None:
            self.fetch(label, _rows_of(model).filter(condition).values_list("pk", flat=True))

    def references(self, labels) -> dict[str, set]:
        """The pks of `labels` that the gathered rows point to and that are not gathered yet."""
        wanted: dict[str, set] = defaultdict(set)
        for label, rows in self.rows.items():
            model = _model(label)
            relations = [(f.name, _label(f.related_model), False) for f in _fields(model)
                         if f.is_relation]
            relations += [(f.name, _label(f.related_model), True) for f in _many(model)]
            for name, target, many in relations:
                if target not in labels:
                    continue
                for row in rows.values():
                    values = row["m2m"][name] if many else [row["fields"][name]]
                    wanted[target].update(v for v in values if v is not None)
        new = {label: pks - set(self.rows.get(label, {})) for label, pks in wanted.items()}
        return {label: pks for label, pks in new.items() if pks}

    def close_over_shared(self) -> None:
        while wanted := self.references(set(SHARED)):
            for label, pks in wanted.items():
                self.fetch(label, pks)


def _collect(dialogue, progress: Progress) -> _Collection:
    found = _Collection()
    for label, paths in OWNED.items():
        condition = Q()
        for path in paths:
            condition |= Q(**{path: dialogue.pk if path == "pk" else dialogue})
        found.fetch_where(label, condition)
    progress(0.2, _("Gathering the practices and translations"))
    presented = Q()
    for path in PRACTICE_PATHS:
        presented |= Q(**{path: dialogue})
    found.fetch_where(PRACTICE, presented)
    for label, owner in FOLLOWERS.items():
        found.fetch_where(label, Q(**{f"{owner}__in": list(found.rows.get(PRACTICE, {}))}))
    units = found.rows.get("publications.translatedunit", {}).values()
    keys = {text_key(row["fields"]["source"]) for row in units}
    for chunk in _chunks(keys):
        found.fetch_where(MEMORY, Q(source_key__in=chunk))
    # Many-to-many links to rows of the dialogue's own kind: only those of this dialogue (a
    # practice presented at two dialogues takes this one's sessions along, not the other's).
    carried = set(OWNED) | {PRACTICE}
    for label, rows in found.rows.items():
        for f in _many(_model(label)):
            target = _label(f.related_model)
            if target in carried:
                for row in rows.values():
                    row["m2m"][f.name] = [pk for pk in row["m2m"][f.name]
                                          if pk in found.rows.get(target, {})]
    progress(0.3, _("Gathering the people and organizations"))
    found.close_over_shared()
    progress(0.4, _("Gathering the audit log"))
    for label in [label for label in ORDER if label != AUDIT and label in found.rows]:
        pks = [str(pk) for pk in found.rows[label]]
        for chunk in _chunks(pks):
            found.fetch_where(AUDIT, Q(object_type=label, object_id__in=chunk))
    found.close_over_shared()
    for label, pks in found.references(set(REFERENCE_KEYS)).items():
        model = _model(label)
        rows = {}
        for chunk in _chunks(pks):
            for values in _rows_of(model).filter(pk__in=chunk).values(
                    "pk", *(f.attname for f in _fields(model))):
                rows[values.pop("pk")] = values
        found.reference[label] = {"key": REFERENCE_KEYS[label], "rows": rows}
    _check_complete(found)
    return found


def _check_complete(found: _Collection) -> None:
    """Every reference of every row carried leads to a row carried or to reference data: a row
    pointing into another dialogue (evidence quoting its statement, say) stops the export."""
    problems = []
    for label, rows in found.rows.items():
        for f in _fields(_model(label)):
            if not f.is_relation:
                continue
            target = _label(f.related_model)
            known = (found.reference.get(target, {}).get("rows", {}) if target in REFERENCE_KEYS
                     else found.rows.get(target, {}))
            for pk, row in rows.items():
                value = row["fields"][f.name]
                if value is not None and value not in known:
                    problems.append(_("%(model)s %(pk)s refers to %(target)s %(value)s, which "
                                      "is not part of the dialogue") % {
                        "model": label, "pk": pk, "target": target, "value": value})
    if problems:
        raise ArchiveError(_("The dialogue cannot be exported: %(problems)s.") % {
            "problems": "; ".join(problems[:10])})


def _applied_migrations() -> dict[str, list[str]]:
    applied = MigrationRecorder(connection).applied_migrations()
    return {app: sorted(name for label, name in applied if label == app) for app in SCHEMA_APPS}


def _idm_version() -> str:
    try:
        return metadata.version("idm")
    except metadata.PackageNotFoundError:
        return "unknown"


def export_dialogue(number: int, path: Path, progress: Progress = _quiet) -> ExportResult:
    """Writes dialogue No. `number` and all it needs to the archive `path` (a zip), replacing it;
    an export that fails leaves no file behind."""
    dialogue = apps.get_model("dialogues", "Dialogue").objects.filter(number=number).first()
    if dialogue is None:
        raise ArchiveError(_("There is no dialogue No. %(number)s here.") % {"number": number})
    progress(0.0, _("Gathering the dialogue"))
    with transaction.atomic():
        if connection.vendor == "postgresql" and len(connection.atomic_blocks) == 1:
            # One snapshot for every query, as others go on writing (SQLite's transaction is one
            # already: it holds the database's write lock).
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        found = _collect(dialogue, progress)
        records = [{"model": label, "pk": pk, "fields": {**row["fields"], **row["m2m"]}}
                   for label in ORDER for pk, row in sorted(found.rows.get(label, {}).items())]
        files, missing = _files_of(found)
    counts = {label: len(found.rows[label]) for label in ORDER if found.rows.get(label)}
    warnings = [_("The file %(name)s is missing from the media folder: its row is carried "
                  "without it.") % {"name": name} for name in missing]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    os.close(handle)
    try:
        members = {}
        with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in ((DATA, _dumps(records)), (REFERENCE, _dumps(found.reference))):
                archive.writestr(name, content)
                members[name] = {"sha256": hashlib.sha256(content).hexdigest(),
                                 "bytes": len(content)}
            for count, (name, storage) in enumerate(sorted(files.items()), 1):
                progress(0.6 + 0.35 * count / len(files), _("Adding the files"))
                with storage.open(name, "rb") as source:
                    content = source.read()
                archive.writestr(FILES + name, content)
                members[FILES + name] = {"sha256": hashlib.sha256(content).hexdigest(),
                                         "bytes": len(content)}
            archive.writestr(MANIFEST, _dumps({
                "format": FORMAT, "format_version": FORMAT_VERSION,
                "idm_version": _idm_version(), "created": timezone.now().isoformat(),
                "database": connection.vendor, "dialogue": dialogue.number,
                "theme": dialogue.theme_en or dialogue.theme, "counts": counts,
                "members": members, "missing_files": missing,
                "migrations": _applied_migrations()}))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    progress(1.0, _("Done"))
    return ExportResult(path, path.stat().st_size, dialogue.number, counts, len(files), warnings)


def _files_of(found: _Collection) -> tuple[dict, list[str]]:
    """The files the carried rows name ({name: storage}), and those the storage lacks."""
    files, missing = {}, []
    for label, rows in found.rows.items():
        for f in _fields(_model(label)):
            if isinstance(f, models.FileField):
                for row in rows.values():
                    name = row["fields"][f.name]
                    if name and name not in files and name not in missing:
                        if f.storage.exists(name):
                            files[name] = f.storage
                        else:
                            missing.append(name)
    return files, sorted(missing)


# Reading an archive ----------------------------------------------------------------------------

# What a damaged zip raises as it is read: a bad CRC or header, a cut stream, a flipped flag
# (an "encrypted" member, an unknown compression method), bytes that are not JSON.
READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, KeyError,
               NotImplementedError, RuntimeError, TypeError, IndexError)


@dataclass
class Archive:
    """An archive read and checked whole: its manifest, rows and reference data; `zip_file` stays
    open for the files."""

    name: str
    zip_file: zipfile.ZipFile
    manifest: dict
    records: list[dict]
    reference: dict
    files: set[str]


def _damaged(name: str, why: str) -> ArchiveError:
    return ArchiveError(_("%(name)s is damaged: %(why)s. Nothing was imported.") % {
        "name": name, "why": why})


def _safe_member(member: str) -> bool:
    return member in (DATA, REFERENCE) or (
        member.startswith(FILES) and posixpath.normpath(member) == member
        and ".." not in member.split("/") and not member.endswith("/"))


def read_archive(path: Path) -> Archive:
    """Opens and checks an archive: refuses (ArchiveError) one that is not a zip or is cut short,
    not ours, of a newer format, or with a member missing, added or changed."""
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise ArchiveError(_("There is no file %(name)s.") % {"name": path})
    try:
        archive = zipfile.ZipFile(path)
    except READ_ERRORS as error:
        raise ArchiveError(_("%(name)s is not a zip archive, or it is cut short (%(error)s). "
                             "Nothing was imported.") % {"name": name, "error": error}) from None
    try:
        return _checked(archive, name)
    except BaseException:
        archive.close()
        raise


def _checked(archive: zipfile.ZipFile, name: str) -> Archive:
    members = archive.namelist()
    if MANIFEST not in members:
        raise ArchiveError(_("%(name)s is not an idm dialogue archive: it has no %(manifest)s. "
                             "Nothing was imported.") % {"name": name, "manifest": MANIFEST})
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except READ_ERRORS as error:
        raise _damaged(name, _("its manifest cannot be read (%(error)s)") % {"error": error}
                       ) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        found = manifest.get("format") if isinstance(manifest, dict) else None
        raise ArchiveError(_("%(name)s is not an idm dialogue archive (its manifest names the "
                             "format %(format)s, not %(ours)s). Nothing was imported.") % {
            "name": name, "format": json.dumps(found), "ours": FORMAT})
    version = manifest.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _damaged(name, _("its manifest has no valid format version"))
    if version > FORMAT_VERSION:
        raise ArchiveError(_("%(name)s was made by a newer idm (%(idm)s) in version %(version)s "
                             "of the archive format; this idm reads version %(ours)s. Upgrade idm "
                             "to import it. Nothing was imported.") % {
            "name": name, "idm": manifest.get("idm_version", "?"), "version": version,
            "ours": FORMAT_VERSION})
    listed = manifest.get("members")
    needed = ("dialogue", "counts", "migrations")
    if not isinstance(listed, dict) or any(key not in manifest for key in needed):
        raise _damaged(name, _("its manifest is incomplete"))
    present = set(members) - {MANIFEST}
    if set(listed) - present:
        raise _damaged(name, _("%(member)s is missing") % {
            "member": min(set(listed) - present)})
    if present - set(listed):
        raise _damaged(name, _("%(member)s is not in its manifest") % {
            "member": min(present - set(listed))})
    for member in sorted(present):
        if not _safe_member(member):
            raise _damaged(name, _("it holds %(member)s, which no archive holds") % {
                "member": member})
        try:
            digest = hashlib.sha256()
            with archive.open(member) as content:
                while chunk := content.read(1 << 20):
                    digest.update(chunk)
        except READ_ERRORS as error:
            raise _damaged(name, _("%(member)s cannot be read (%(error)s)") % {
                "member": member, "error": error}) from None
        if not isinstance(listed[member], dict) or digest.hexdigest() != listed[member].get(
                "sha256"):
            raise _damaged(name, _("%(member)s does not match its checksum") % {"member": member})
    for member in (DATA, REFERENCE):
        if member not in present:
            raise _damaged(name, _("%(member)s is missing") % {"member": member})
    try:
        records = json.loads(archive.read(DATA))
        reference = json.loads(archive.read(REFERENCE))
    except READ_ERRORS as error:
        raise _damaged(name, _("its data cannot be read (%(error)s)") % {"error": error}) from None
    if not isinstance(records, list) or not all(
            isinstance(r, dict) and isinstance(r.get("model"), str) and isinstance(r.get("pk"), int)
            and isinstance(r.get("fields"), dict) for r in records) or not isinstance(
            reference, dict):
        raise _damaged(name, _("its data is not a list of rows"))
    files = {member.removeprefix(FILES) for member in present if member.startswith(FILES)}
    return Archive(name, archive, manifest, records, reference, files)


# Import ----------------------------------------------------------------------------------------


class _DryRun(Exception):
    def __init__(self, result: ImportResult):
        self.result = result


def import_dialogue(path: Path, actor, progress: Progress = _quiet, *,
                    dry_run: bool = False) -> ImportResult:
    """Recreates the archive's dialogue here, all or nothing (see the module's docstring); with
    `dry_run`, checks everything, imports it in a transaction and undoes it."""
    archive = read_archive(path)
    written: list[tuple] = []
    try:
        _check_schema(archive)
        with transaction.atomic():
            importer = _Importer(archive, progress)
            try:
                importer.prepare()
                importer.insert()
                importer.finish(actor)
            except DatabaseError as error:
                raise ArchiveError(_("%(name)s could not be imported: %(error)s. Nothing was "
                                     "imported.") % {"name": archive.name, "error": error}
                                   ) from error
            if dry_run:
                raise _DryRun(importer.result(dry_run=True))
            importer.write_files(written)
            result = importer.result()
    except _DryRun as done:
        return done.result
    except BaseException:
        for storage, name in written:
            storage.delete(name)
        raise
    finally:
        archive.zip_file.close()
    progress(1.0, _("Done"))
    return result


def _check_schema(archive: Archive) -> None:
    """The rows fit this database: it is migrated, and knows every migration the source had."""
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise ArchiveError(_("This installation's database is not up to date: run idm migrate, "
                             "then import again. Nothing was imported."))
    applied = set(MigrationRecorder(connection).applied_migrations())
    theirs = archive.manifest["migrations"]
    if not isinstance(theirs, dict):
        raise _damaged(archive.name, _("its manifest is incomplete"))
    unknown = sorted(f"{app} {name}" for app, names in theirs.items() for name in names
                     if app in SCHEMA_APPS and (app, name) not in applied)
    if unknown:
        raise ArchiveError(_("%(name)s comes from a newer version of idm (%(idm)s) whose "
                             "database has changes this one lacks (%(migrations)s): upgrade idm, "
                             "run idm migrate, then import again. Nothing was imported.") % {
            "name": archive.name, "idm": archive.manifest.get("idm_version", "?"),
            "migrations": ", ".join(unknown[:5])})


class _Importer:
    """One import: the archive's rows matched, checked and inserted, with the ids translated."""

    def __init__(self, archive: Archive, progress: Progress):
        self.archive, self.progress = archive, progress
        self.records: dict[str, list[dict]] = defaultdict(list)
        self.index: dict[tuple, dict] = {}
        self.ids: dict[tuple, int] = {}  # (label, pk in the archive) -> pk here
        self.matched: set[tuple] = set()
        self.create: set[tuple] = set()
        self.created: Counter = Counter()
        self.warnings: list[str] = []
        self.files: list[tuple] = []  # (model, pk here, field, name)
        self.self_references: list[tuple] = []  # (model, pk here, attname, (label, pk))

    # Reading the rows --------------------------------------------------------------------------

    def prepare(self) -> None:
        self.progress(0.05, _("Checking the archive against this installation"))
        for record in self.archive.records:
            label = record["model"]
            model = _model(label) if label in ORDER else None
            if model is None:
                raise _damaged(self.archive.name, _("it holds rows of %(model)s, which this idm "
                                                    "does not know") % {"model": label})
            known = {f.name for f in model._meta.concrete_fields} | {
                f.name for f in model._meta.many_to_many}
            unknown = set(record["fields"]) - known
            if unknown:
                raise ArchiveError(_("%(name)s holds fields this idm does not know (%(model)s: "
                                     "%(fields)s): it comes from another version of idm. Nothing "
                                     "was imported.") % {"name": self.archive.name, "model": label,
                                                         "fields": ", ".join(sorted(unknown))})
            self.records[label].append(record)
            self.index[(label, record["pk"])] = record
        for rows in self.records.values():
            rows.sort(key=lambda record: record["pk"])
        dialogues = self.records["dialogues.dialogue"]
        if len(dialogues) != 1 or dialogues[0]["fields"].get("number") != self.archive.manifest[
                "dialogue"]:
            raise _damaged(self.archive.name, _("it does not hold the one dialogue its manifest "
                                                "names"))
        number = dialogues[0]["fields"]["number"]
        if _rows_of(_model("dialogues.dialogue")).filter(number=number).exists():
            raise ArchiveError(_("Dialogue No. %(number)s is already in this installation: "
                                 "nothing was imported. Delete it first to replace it.") % {
                "number": number})
        self._match_reference()
        self._match_shared()
        self._plan()
        self._check_unique()

    def _match_reference(self) -> None:
        missing = []
        for label, key in REFERENCE_KEYS.items():
            theirs = self.archive.reference.get(label, {}).get("rows", {})
            if not theirs:
                continue
            model = _model(label)
            fields = {f.attname for f in _fields(model)}
            values = {row.get(key): row for row in theirs.values() if isinstance(row, dict)}
            ours = {}
            for chunk in _chunks(values):
                ours.update((row[key], row) for row in _rows_of(model).filter(
                    **{f"{key}__in": chunk}).values("pk", *fields))
            for pk, row in theirs.items():
                here = ours.get(row.get(key)) if isinstance(row, dict) else None
                if here is None:
                    missing.append(f"{model._meta.verbose_name} {row.get(key)}")
                    continue
                self.ids[(label, int(pk))] = here["pk"]
                differ = sorted(name for name in fields if name in row and name != key
                                and _comparable(row[name]) != _comparable(here[name]))
                if differ:
                    self.warnings.append(_("Reference data differs here, and is used as it is "
                                           "here: %(what)s %(key)s (%(fields)s).") % {
                        "what": model._meta.verbose_name, "key": row[key],
                        "fields": ", ".join(differ)})
        if missing:
            raise ArchiveError(_("%(name)s does not match this installation's reference data, "
                                 "which lacks %(missing)s: load the reference data (idm reference "
                                 "load) or upgrade idm, then import again. Nothing was imported.")
                               % {"name": self.archive.name, "missing": ", ".join(missing[:10])})

    def _match_shared(self) -> None:
        """Finds the shared records, practices and memory pairs this installation has already, a
        few queries a model (MATCH_KEYS)."""
        for label, alternatives in MATCH_KEYS.items():
            model = _model(label)
            wanted: dict[tuple, dict] = defaultdict(dict)  # key fields -> {value: [pks]}
            for record in self.records.get(label, []):
                for names in alternatives:
                    value = tuple(_match_value(name, record["fields"].get(name)) for name in names)
                    if all(value):  # the first alternative the record has every value of
                        wanted[names].setdefault(value, []).append(record["pk"])
                        break
            for names, values in wanted.items():
                rows = _rows_of(model).annotate(**{
                    f"match_{name}": Lower(name) if name in CASE_FREE else F(name)
                    for name in names})
                for chunk in _chunks(values):
                    found = (rows.filter(**{f"match_{names[-1]}__in": [v[-1] for v in chunk]})
                             .order_by("-pk").values_list("pk", *(f"match_{n}" for n in names)))
                    here = {tuple(row[1:]): row[0] for row in found}  # the oldest wins
                    for value in chunk:
                        if value in here:
                            for pk in values[value]:
                                self.ids[(label, pk)] = here[value]
                                self.matched.add((label, pk))

    def _references(self, label: str, record: dict):
        """(label, pk) of every row the record points to."""
        model = _model(label)
        for f in _fields(model):
            value = record["fields"].get(f.name)
            if f.is_relation and value is not None:
                yield _label(f.related_model), value
        for f in _many(model):
            for value in record["fields"].get(f.name, []):
                yield _label(f.related_model), value

    def _plan(self) -> None:
        """Which rows to create: all of the dialogue's, the practices and memory pairs this
        installation lacks and what goes with them, the shared records these need (and no
        other), the audit entries of the rows created."""
        for label in ORDER:
            for record in self.records.get(label, []):
                key = (label, record["pk"])
                owner = FOLLOWERS.get(label)
                if (label in OWNED or (label in (PRACTICE, MEMORY) and key not in self.matched)
                        or (owner and (PRACTICE, record["fields"].get(owner)) in self.create)):
                    self.create.add(key)
        audit: dict[tuple, list] = defaultdict(list)
        for record in self.records.get(AUDIT, []):
            fields = record["fields"]
            if str(fields.get("object_id", "")).isdigit():
                audit[(fields.get("object_type"), int(fields["object_id"]))].append(record)
        pending = list(self.create)
        while pending:
            label, pk = key = pending.pop()
            for target in self._references(label, self.index[key]):
                if target[0] in REFERENCE_KEYS:
                    if target not in self.ids:
                        raise _damaged(self.archive.name, _(
                            "%(model)s %(pk)s refers to %(target)s %(value)s, which it does not "
                            "name") % {"model": label, "pk": pk, "target": target[0],
                                       "value": target[1]})
                    continue
                if target not in self.index:
                    raise _damaged(self.archive.name, _(
                        "%(model)s %(pk)s refers to %(target)s %(value)s, which it does not "
                        "hold") % {"model": label, "pk": pk, "target": target[0],
                                   "value": target[1]})
                if target[0] in SHARED and target not in self.matched and target not in self.create:
                    self.create.add(target)
                    pending.append(target)
            for entry in audit.get(key, []):
                entry_key = (AUDIT, entry["pk"])
                if entry_key not in self.create:
                    self.create.add(entry_key)
                    pending.append(entry_key)

    def _check_unique(self) -> None:
        """A value that must be unique (a workshop's short name, a private link) and is used here
        already refuses the archive before anything is written."""
        taken = []
        for label in ORDER:
            model = _model(label)
            records = [r for r in self.records.get(label, []) if (label, r["pk"]) in self.create]
            for f in _fields(model):
                if not f.unique or f.is_relation:
                    continue
                values = [f.to_python(r["fields"][f.name]) for r in records
                          if r["fields"].get(f.name) is not None]
                for chunk in _chunks(values):
                    for value in _rows_of(model).filter(**{f"{f.attname}__in": chunk}).values_list(
                            f.attname, flat=True)[:5]:
                        taken.append(f"{model._meta.verbose_name} {f.verbose_name} “{value}”")
        if taken:
            raise ArchiveError(_("%(name)s cannot be imported: this installation already uses "
                                 "%(taken)s. Nothing was imported.") % {
                "name": self.archive.name, "taken": ", ".join(taken[:10])})

    # Writing the rows ---------------------------------------------------------------------------

    def new_id(self, label: str, old):
        """The id here of the archive's row `old` of `label`, in the type of `old` (a number in
        a string stays a string); None when there is no such row."""
        try:
            new = self.ids.get((label, int(old)))
        except (TypeError, ValueError):
            return None
        if new is None:
            return None
        return str(new) if isinstance(old, str) else new

    def _required(self, label: str, old, record: dict) -> int:
        new = self.ids.get((label, old))
        if new is None:
            raise _damaged(self.archive.name, _("%(model)s %(pk)s refers to %(target)s %(value)s, "
                                                "which comes later or not at all") % {
                "model": record["model"], "pk": record["pk"], "target": label, "value": old})
        return new

    def insert(self) -> None:
        labels = [label for label in ORDER if self.records.get(label)]
        for count, label in enumerate(labels, 1):
            self.progress(0.1 + 0.75 * count / len(labels), _("Importing %(model)s") % {
                "model": _model(label)._meta.verbose_name_plural})
            built = [(record, *self._build(label, record)) for record in self.records[label]
                     if (label, record["pk"]) in self.create]
            self._save(_model(label), built)
        for model, pk, attname, (label, old) in self.self_references:
            _rows_of(model).filter(pk=pk).update(**{attname: self.ids[(label, old)]})
        links: dict[tuple, list] = defaultdict(list)
        for label in labels:
            for record in self.records[label]:
                if (label, record["pk"]) in self.create or (label, record["pk"]) in self.matched:
                    self._link(label, record, links)
        for (through, matched), rows in links.items():
            through._base_manager.bulk_create(rows, batch_size=500, ignore_conflicts=matched)

    def _build(self, label: str, record: dict) -> tuple:
        """The row to insert (unsaved), its values as the archive has them, and its references
        to rows of its own model (filled in once they are all in)."""
        model = _model(label)
        values, raw, later = {}, {}, []
        for f in _fields(model):
            if f.name not in record["fields"]:
                continue  # an archive from before the field: its default
            value = record["fields"][f.name]
            if f.is_relation and value is not None:
                target = _label(f.related_model)
                if target == label:
                    later.append((f.attname, (label, value)))
                    value = None
                else:
                    value = self._required(target, value, record)
            elif not f.is_relation:
                value = f.to_python(value)
                if (label, f.name) in JSON_IDS:
                    value = JSON_IDS[(label, f.name)](value, self.new_id)
            values[f.attname] = raw[f.name] = value
        if label == USER:
            values["password"] = make_password(None)
        elif label == AUDIT:
            self._audit_entry(values)
        if issubclass(model, Job) and values.get("status") in (Job.Status.QUEUED,
                                                               Job.Status.RUNNING):
            # Its task stayed in the source's queue: failed, as a job whose worker stopped is.
            values.update(status=Job.Status.FAILED, message=model.STOPPED, heartbeat_at=None,
                          finished_at=timezone.now())
        return model(**values), raw, later

    def _save(self, model, built: list[tuple]) -> None:
        """Inserts the rows as loaddata does (raw: the timestamps as given, auto_now left alone,
        no save() of the model's own), many to a query where the database gives their keys back."""
        objects = [obj for _record, obj, _raw, _later in built]
        if objects and connection.features.can_return_rows_from_bulk_insert:
            fields = [f for f in model._meta.local_concrete_fields
                      if f is not model._meta.auto_field]
            returning = model._meta.db_returning_fields
            size = max(1, connection.ops.bulk_batch_size(fields, objects))
            for chunk in _chunks(objects, size):
                rows = model._base_manager._insert(chunk, fields=fields, returning_fields=returning,
                                                   raw=True, using=connection.alias)
                for obj, row in zip(chunk, rows, strict=True):
                    for f, value in zip(returning, row, strict=True):
                        setattr(obj, f.attname, value)
                    obj._state.adding, obj._state.db = False, connection.alias
        else:
            for obj in objects:
                obj.save_base(raw=True, force_insert=True)
        label = _label(model)
        translated = _translated(model)
        for record, obj, raw, later in built:
            self.ids[(label, record["pk"])] = obj.pk
            self.created[label] += 1
            self.self_references += [(model, obj.pk, attname, target)
                                     for attname, target in later]
            # A translated field's own column took the reader's language on the way in; the
            # archive has what it held.
            fix = {name: raw[name] for name in translated
                   if name in raw and getattr(obj, name) != raw[name]}
            if fix:
                _rows_of(model).filter(pk=obj.pk).update(**fix)
            for f in _fields(model):
                if isinstance(f, models.FileField) and raw.get(f.name):
                    self.files.append((model, obj.pk, f, raw[f.name]))

    def _audit_entry(self, values: dict) -> None:
        label, old = values["object_type"], values["object_id"]
        values["object_id"] = str(self.ids[(label, int(old))])
        model = _model(label)
        if model is None or not isinstance(values.get("changes"), dict):
            return
        fields = {f.attname: f for f in model._meta.concrete_fields}
        changes = {}
        for name, change in values["changes"].items():
            f = fields.get(name)
            if isinstance(change, list) and len(change) == 2 and f is not None:
                if f.is_relation:
                    target = _label(f.related_model)
                    change = [None if v is None else self.new_id(target, v) for v in change]
                elif (label, f.name) in JSON_IDS:
                    change = [v if v is None else JSON_IDS[(label, f.name)](v, self.new_id)
                              for v in change]
            changes[name] = change
        values["changes"] = changes

    def _link(self, label: str, record: dict, links: dict) -> None:
        """The many-to-many links of a row created, or a matched row's links to the rows of the
        dialogue created now (a practice's new sessions, statements and key messages), added to
        `links` ({(through model, matched): [rows]})."""
        model = _model(label)
        matched = (label, record["pk"]) in self.matched
        new = self.ids[(label, record["pk"])]
        for f in _many(model):
            target = _label(f.related_model)
            if matched and target not in OWNED:
                continue
            through = f.remote_field.through
            source = through._meta.get_field(f.m2m_field_name()).attname
            other = through._meta.get_field(f.m2m_reverse_field_name()).attname
            links[(through, matched)] += [
                through(**{source: new, other: self._required(target, old, record)})
                for old in record["fields"].get(f.name, [])]

    def finish(self, actor) -> None:
        """The search index of the statements and practices, and the import's own audit entry."""
        self.progress(0.9, _("Indexing the statements for search"))
        statements = [(self.ids[("deliberation.statement", r["pk"])], r["fields"].get("text", ""))
                      for r in self.records.get("deliberation.statement", [])]
        search.index_many(STATEMENT_SEARCH, statements)
        practice = _model(PRACTICE)
        for record in self.records.get(PRACTICE, []):
            reindex_practice(practice.objects.get(pk=self.ids[(PRACTICE, record["pk"])]))
        dialogue = _model("dialogues.dialogue").objects.get(
            pk=self.ids[("dialogues.dialogue", self.records["dialogues.dialogue"][0]["pk"])])
        manifest = self.archive.manifest
        core_services.record(actor, AuditEntry.Action.IMPORT, dialogue, {"archive": [None, {
            "file": self.archive.name, "format_version": manifest["format_version"],
            "idm_version": manifest.get("idm_version"), "created": manifest.get("created"),
            "database": manifest.get("database")}]})

    def write_files(self, written: list) -> None:
        """The files, once every row is in: each under its own name, or under the name the
        storage gives when this one is taken here (the row follows). `written` keeps what was
        written, for the caller to remove should anything fail."""
        saved: dict[str, str] = {}
        for count, (model, pk, f, name) in enumerate(self.files, 1):
            self.progress(0.95, _("Writing the files (%(count)s of %(total)s)") % {
                "count": count, "total": len(self.files)})
            if name not in self.archive.files:
                self.warnings.append(_("The file %(name)s was missing where the archive was "
                                       "made: its row is imported without it.") % {"name": name})
                continue
            if name not in saved:
                content = ContentFile(self.archive.zip_file.read(FILES + name))
                saved[name] = f.storage.save(name, content)
                written.append((f.storage, saved[name]))
            if saved[name] != name:
                _rows_of(model).filter(pk=pk).update(**{f.attname: saved[name]})

    def result(self, *, dry_run: bool = False) -> ImportResult:
        matched = Counter(label for label, _pk in self.matched)
        return ImportResult(self.archive.manifest["dialogue"], dict(self.created), dict(matched),
                            len({name for *_rest, name in self.files} & self.archive.files),
                            self.warnings, dry_run)


def _comparable(value):
    """A value as JSON reads it back, for comparing the archive's reference rows with ours."""
    return json.loads(json.dumps(value, default=_json_value))


def _match_value(name: str, value):
    return value.lower() if name in CASE_FREE and isinstance(value, str) else value
