"""The practices registry as CSV, XLSX or JSON files, both ways, all or nothing.

A file's row (a JSON file's object) with an id updates that practice; one without creates a
practice. A column the file leaves out leaves that field of the practices it updates as it is; an
empty cell empties it. Deliverables and progress reports are in the JSON files only (nested
lists): CSV and XLSX files neither export them nor change them. Statements and key messages that
cite a practice are not in the files and are kept.
"""

import json
from dataclasses import dataclass, field
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from idm.core import services as core_services
from idm.core.identifiers import is_id
from idm.core.languages import LANGUAGES
from idm.core.models import GcmObjective, GuidingPrinciple, SdgTarget
from idm.core.reference import ReferenceLookup
from idm.core.spreadsheets import (
    CONTENT_TYPES as SHEET_CONTENT_TYPES,
)
from idm.core.spreadsheets import (
    ImportFileError,
    RowError,
    check_size,
    decode_text,
    limit,
    parse_choice,
    parse_columns,
    parse_date,
    parse_yes,
    read_table,
    shown,
    text,
    validation_errors,
    write_csv,
    write_xlsx,
)
from idm.dialogues.models import Organization, Session
from idm.practices import mail, services
from idm.practices.forms import LinksField
from idm.practices.models import Deliverable, Link, Practice, ProgressReport

SEPARATOR = ";"
PRACTICE_COLUMNS: list[tuple[str, str]] = [
    ("id", "The practice's number, as in its address /practices/<id>/: a known one updates that "
           "practice, an empty cell creates a new one"),
    *((f"title_{code}", f"Title ({code})") for code in LANGUAGES),
    *((f"summary_{code}", f"Summary ({code})") for code in LANGUAGES),
    ("type", "One of: " + ", ".join(Practice.Type.values)),
    ("level", "One of: " + ", ".join(Practice.Level.values)),
    ("implementers", "Implementing organizations separated by ';', each by its name (in any "
                     "language) or acronym as the registry has it; add a new one first"),
    ("partners", "Partner organizations, as implementers"),
    ("countries", "ISO country codes separated by ';', e.g. PH; AE"),
    ("worldwide", "yes if it concerns the whole world rather than countries"),
    ("gcm_objectives", "GCM objective numbers separated by ';', e.g. 6; 22"),
    ("principles", "Guiding principle codes separated by ';', e.g. human-rights; whole-of-society"),
    ("sdg_targets", "SDG target codes separated by ';', e.g. 8.8; 10.7"),
    ("starts_on", "Start, YYYY-MM-DD"),
    ("ends_on", "End, YYYY-MM-DD, not before the start"),
    ("inactive", "yes if stopped before its end, or no longer followed"),
    ("resources", "Partnerships: the money, staff or know-how committed"),
    ("status", "Review status, one of: " + ", ".join(Practice.Status.values)
               + " (empty: published for a new practice, unchanged for a known one)"),
    ("sessions", "Sessions where it was presented, by number (as in the address "
                 "/sessions/<number>/statements/), separated by ';'"),
    ("links", "Links and documents, one a line (or separated by ';'): an address, or a title, "
              "'|' and an address"),
    ("illustrative", "yes if made up for a demonstration"),
]
COLUMN_NAMES = [name for name, _help in PRACTICE_COLUMNS]
# In JSON files only; CSV and XLSX files leave them as they are.
NESTED = {"deliverables": ("title", "due_on", "delivered_on"),
          "progress_reports": ("reported_on", "text")}
NESTED_HELP = ("deliverables, progress_reports",
               "In JSON files only, as lists of objects: not in CSV or XLSX files, whose import "
               "leaves them as they are")
JSON_KEYS = COLUMN_NAMES + list(NESTED)
FORMATS = ("csv", "xlsx", "json")
CONTENT_TYPES = {**SHEET_CONTENT_TYPES, "json": "application/json; charset=utf-8"}
TRANSLATED = [f"{name}_{code}" for name in ("title", "summary") for code in LANGUAGES]
FIELDS = [*TRANSLATED, "type", "level", "worldwide", "starts_on", "ends_on", "inactive",
          "resources", "status", "illustrative"]
RELATIONS = ["implementers", "partners", "countries", "gcm_objectives", "principles",
             "sdg_targets", "sessions"]
CHILDREN = {"links": (Link, ("title", "url")), "deliverables": (Deliverable, NESTED["deliverables"]),
            "progress_reports": (ProgressReport, NESTED["progress_reports"])}
# Model fields as the file names them; errors on other fields fall on "id".
FIELD_COLUMNS = {**{name: name for name in FIELDS}, "title": "title_en", "summary": "summary_en"}


# Export ---------------------------------------------------------------------------------------


def organization_name(organization: Organization) -> str:
    return organization.name_en or organization.name


def practice_rows(queryset) -> list[dict]:
    """The practices as the JSON export has them: lists as lists, dates as dates."""
    practices = queryset.order_by("pk").prefetch_related(*RELATIONS, *CHILDREN)
    rows = []
    for practice in practices:
        row = {"id": practice.pk}
        row.update((name, getattr(practice, name)) for name in TRANSLATED)
        row.update({
            "type": practice.type, "level": practice.level,
            "implementers": sorted(map(organization_name, practice.implementers.all())),
            "partners": sorted(map(organization_name, practice.partners.all())),
            "countries": sorted(c.iso2 for c in practice.countries.all()),
            "worldwide": practice.worldwide,
            "gcm_objectives": [o.number for o in practice.gcm_objectives.all()],
            "principles": [p.code for p in practice.principles.all()],
            "sdg_targets": [t.code for t in practice.sdg_targets.all()],
            "starts_on": practice.starts_on, "ends_on": practice.ends_on,
            "inactive": practice.inactive, "resources": practice.resources,
            "status": practice.status,
            "sessions": [s.pk for s in practice.sessions.all()],
            "links": [{"title": k.title, "url": k.url} for k in practice.links.all()],
            "illustrative": practice.illustrative,
        })
        for name, keys in NESTED.items():
            row[name] = [{key: getattr(child, key) for key in keys}
                         for child in getattr(practice, name).all()]
        rows.append(row)
    return rows


def _cells(row: dict) -> dict:
    """A row as a sheet has it: lists joined, links one a line, nested lists left out."""
    cells = {}
    for name in COLUMN_NAMES:
        value = row[name]
        if name == "links":
            value = "\n".join(link["url"] if link["title"] == link["url"]
                              else f"{link['title']} | {link['url']}" for link in value)
        elif isinstance(value, list):
            value = f"{SEPARATOR} ".join(map(str, value))
        cells[name] = value
    return cells


def _json_value(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def export_practices(queryset, fmt: str) -> bytes:
    """The practices, by id, as "csv", "xlsx" or "json" (a list of objects, the same keys as the
    columns plus deliverables and progress_reports)."""
    rows = practice_rows(queryset)
    if fmt == "json":
        plain = [{key: ([{k: _json_value(v) for k, v in item.items()} for item in value]
                        if key in CHILDREN else _json_value(value))
                  for key, value in row.items()} for row in rows]
        return (json.dumps(plain, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    cells = [_cells(row) for row in rows]
    if fmt == "csv":
        return write_csv(COLUMN_NAMES, cells)
    return write_xlsx(COLUMN_NAMES, cells, title="Practices",
                      column_help=[*PRACTICE_COLUMNS, NESTED_HELP])


# Reading --------------------------------------------------------------------------------------


def read_rows(content: bytes, name: str) -> list[tuple[int, dict]]:
    """(row number, {column: value}) of a CSV or XLSX file (the header is row 1), or of a JSON
    file (its first object is row 1), within the same limits."""
    if PurePath(name).suffix.lower() == ".json":
        return _json_rows(content, name)
    return read_table(content, name, columns=COLUMN_NAMES, required=[])


def _file_error(message: str) -> ImportFileError:
    return ImportFileError([RowError(0, "file", message)])


def _json_rows(content: bytes, name: str) -> list[tuple[int, dict]]:
    check_size(len(content), name)
    try:
        data = json.loads(decode_text(content))
    except (ValueError, RecursionError) as error:  # a JSONDecodeError is a ValueError
        raise _file_error(_("The JSON file cannot be read: %(error)s") % {
            "error": error}) from None
    if not isinstance(data, list):
        raise _file_error(_("The JSON file is not a list of practices: it starts with “[” and "
                            "holds one object {…} per practice."))
    if not data:
        raise _file_error(_("The file has no practices."))
    largest = limit("IDM_IMPORT_MAX_ROWS")
    if len(data) > largest:
        raise ImportFileError([RowError(largest + 1, "file", _(
            "The file has more than %(limit)s rows; split it.") % {
            "limit": number_format(largest, force_grouping=True)})])
    rows, errors = [], []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            errors.append(RowError(number, "file", _(
                "This item is not an object {…} of a practice.")))
            continue
        for key, value in item.items():
            if key not in JSON_KEYS:
                errors.append(RowError(number, key, _(
                    "Unknown column; the columns are those of the template.")))
            _check_length(number, key, value)
        rows.append((number, {key: value for key, value in item.items() if key in JSON_KEYS}))
    if errors:
        raise ImportFileError(errors, JSON_KEYS)
    return rows


def _check_length(number: int, key: str, value) -> None:
    """A text longer than a spreadsheet cell may be stops the import there, as in a sheet."""
    largest, waiting = limit("IDM_IMPORT_MAX_CELL"), [value]
    while waiting:  # not recursive: a JSON file may nest as deep as the parser allows
        item = waiting.pop()
        if isinstance(item, list):
            waiting.extend(item)
        elif isinstance(item, dict):
            waiting.extend(item.values())
        elif isinstance(item, str) and len(item) > largest:
            raise ImportFileError([RowError(number, key, _(
                "The cell has %(length)s characters; the limit is %(limit)s.") % {
                "length": number_format(len(item), force_grouping=True),
                "limit": number_format(largest, force_grouping=True)})])


# Parsing one cell (or a JSON value); each raises ValueError with the message the user sees -----


def _empty(value) -> bool:
    return value is None or value == [] or (not isinstance(value, list | dict) and text(value) == "")


def _optional(parse):
    return lambda value: None if _empty(value) else parse(value)


def _text(value) -> str:
    if isinstance(value, list | dict):
        raise ValueError(_("Text is expected here, not a list or an object."))
    return text(value)


def _items(value) -> list[str]:
    """A list's items: a JSON list, or a cell's values separated by ";"."""
    if _empty(value):
        return []
    if isinstance(value, list):
        if not all(isinstance(item, str | int) and not isinstance(item, bool) for item in value):
            raise ValueError(_("A list of texts or numbers is expected here."))
        return [text(item) for item in value if text(item)]
    return [item.strip() for item in _text(value).split(SEPARATOR) if item.strip()]


def _many(find):
    """A parser of a list whose items `find` looks up; names every item it cannot find."""

    def parse(value) -> list:
        found, problems = [], []
        for item in _items(value):
            try:
                found.append(find(item))
            except ValueError as error:
                problems.append(str(error))
        if problems:
            raise ValueError(" ".join(problems))
        return list(dict.fromkeys(found))

    return parse


def _objects(value, keys: tuple[str, ...]) -> list[dict]:
    if _empty(value):
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) and set(item) <= set(keys)
                                              for item in value):
        raise ValueError(_("A list of objects is expected here, each with: %(keys)s.") % {
            "keys": ", ".join(keys)})
    return value


class _FileLinks(LinksField):
    LIMIT = 100  # the secretariat's own file, not the submission form's ten


def _links(value) -> list[tuple[str, str]]:
    """Links as the submission form reads them, one a line; on one line they may be separated
    by ";", which is also kept inside a title or an address."""
    if isinstance(value, list):
        lines = [f"{text(item.get('title'))} | {text(item.get('url'))}"
                 if text(item.get("title")) else text(item.get("url"))
                 for item in _objects(value, CHILDREN["links"][1])]
    else:
        lines = _text(value).splitlines()
        if len(lines) == 1:
            lines = [""]
            for part in _text(value).split(SEPARATOR):
                if "://" in lines[-1] and "://" in part:
                    lines.append(part)
                else:
                    lines[-1] = f"{lines[-1]}{SEPARATOR}{part}" if lines[-1] else part
    try:
        return _FileLinks(required=False).clean("\n".join(line.replace("\n", " ")
                                                          for line in lines))
    except ValidationError as error:
        raise ValueError(" ".join(error.messages)) from None


def _children(name: str):
    """A parser of deliverables or progress reports, a JSON list of objects: (values) tuples
    in the order of their model's fields."""
    model, keys = CHILDREN[name]
    dates = {key for key in keys if key.endswith("_on")}

    def parse(value) -> list[tuple]:
        found, problems = [], []
        for number, item in enumerate(_objects(value, keys), start=1):
            values = {}
            for key in keys:
                try:
                    values[key] = (_optional(parse_date) if key in dates else _text)(item.get(key))
                except ValueError as error:
                    problems.append(_("Item %(number)s, %(field)s: %(message)s") % {
                        "number": number, "field": key, "message": error})
            try:
                model(**values).clean_fields(exclude=["practice", *(set(keys) - set(values))])
            except ValidationError as error:
                problems += [_("Item %(number)s, %(field)s: %(message)s") % {
                    "number": number, "field": key, "message": message}
                    for key, messages in error.message_dict.items() for message in messages]
            found.append(tuple(values.get(key) for key in keys))
        if problems:
            raise ValueError(" ".join(problems))
        return found

    return parse


AMBIGUOUS = object()  # a name or acronym of more than one organization


def _add(index: dict, name: str | None, organization: Organization) -> None:
    key = (name or "").strip().lower()
    if key:
        known = index.get(key, organization)
        index[key] = organization if known == organization else AMBIGUOUS


class References:
    """What a file's rows name, read once for the whole file: organizations by any of their
    names or acronym (case aside), countries, GCM objectives, guiding principles, SDG targets
    and sessions. Each finder raises ValueError with the message the file's user needs."""

    def __init__(self):
        names, acronyms = {}, {}
        for organization in Organization.objects.all():
            for name in (organization.name, *(getattr(organization, f"name_{code}")
                                              for code in LANGUAGES)):
                _add(names, name, organization)
            _add(acronyms, organization.acronym, organization)
        # Names first: an acronym never hides an organization's name.
        self.organizations = {**acronyms, **names}
        self.reference = ReferenceLookup()
        self.objectives = {str(o.number): o for o in GcmObjective.objects.all()}
        self.principles = {p.code: p for p in GuidingPrinciple.objects.all()}
        self.targets = {t.code.lower(): t for t in SdgTarget.objects.all()}
        self.sessions = {s.pk: s for s in Session.objects.only("pk")}

    def organization(self, name: str) -> Organization:
        found = self.organizations.get(name.lower())
        if found is AMBIGUOUS:
            raise ValueError(_("'%(value)s' names more than one organization: write its full "
                               "name.") % {"value": shown(name)})
        if found is None:
            raise ValueError(_("'%(value)s' is not an organization of the registry: write its "
                               "name or acronym as the registry has it, or add it first.")
                             % {"value": shown(name)})
        return found

    def country(self, code: str):
        return self.reference.country(code.upper())

    def objective(self, number: str) -> GcmObjective:
        try:
            return self.objectives[number]
        except KeyError:
            raise ValueError(_("'%(value)s' is not a GCM objective: use a number from "
                               "%(first)s to %(last)s.") % {
                "value": shown(number), "first": min(map(int, self.objectives), default=1),
                "last": max(map(int, self.objectives), default=23)}) from None

    def principle(self, code: str) -> GuidingPrinciple:
        try:
            return self.principles[code.lower()]
        except KeyError:
            raise ValueError(_("'%(value)s' is not a guiding principle; use one of: "
                               "%(codes)s.") % {"value": shown(code),
                                                "codes": ", ".join(self.principles)}) from None

    def target(self, code: str) -> SdgTarget:
        try:
            return self.targets[code.lower()]
        except KeyError:
            raise ValueError(_("'%(value)s' is not an SDG target: write its code, e.g. 10.7.")
                             % {"value": shown(code)}) from None

    def session(self, number: str) -> Session:
        found = self.sessions.get(int(number)) if is_id(number) else None
        if found is None:
            raise ValueError(_("'%(value)s' is not a session number: it is in the address of "
                               "the session's statements page.") % {"value": shown(number)})
        return found


def _practice_id(value) -> int:
    if not is_id(text(value)):
        raise ValueError(_("'%(value)s' is not a practice number.") % {"value": shown(value)})
    return int(text(value))


def parsers(references: References) -> dict:
    return {
        "id": _optional(_practice_id),
        **{name: _optional(_text) for name in [*TRANSLATED, "resources"]},
        "type": _optional(lambda v: parse_choice(v, Practice.Type.values, _("type"))),
        "level": _optional(lambda v: parse_choice(v, Practice.Level.values, _("level"))),
        "status": _optional(lambda v: parse_choice(v, Practice.Status.values,
                                                   _("review status"))),
        **{name: parse_yes for name in ("worldwide", "inactive", "illustrative")},
        **{name: _optional(parse_date) for name in ("starts_on", "ends_on")},
        "implementers": _many(references.organization),
        "partners": _many(references.organization),
        "countries": _many(references.country),
        "gcm_objectives": _many(references.objective),
        "principles": _many(references.principle),
        "sdg_targets": _many(references.target),
        "sessions": _many(references.session),
        "links": _links,
        **{name: _children(name) for name in NESTED},
    }


# Import ---------------------------------------------------------------------------------------


@dataclass
class PracticeImportResult:
    created: int
    updated: int


@dataclass
class _Plan:
    practice: Practice
    relations: dict = field(default_factory=dict)
    children: dict = field(default_factory=dict)
    status_before: str = ""  # an existing practice's review status before the file


def import_practices(content: bytes, filename: str, actor) -> PracticeImportResult:
    """Creates or updates the practices of a CSV, XLSX or JSON file, all or nothing.

    Every row is checked first (its values, the organizations, countries, tags and sessions it
    names, the practice's own rules) and every problem reported as an ImportFileError; only a
    file without any is saved, in one transaction, each practice audited and indexed for search.
    """
    table = read_rows(content, filename)
    errors: list[RowError] = []
    result = PracticeImportResult(0, 0)
    with transaction.atomic():
        parse = parsers(References())
        parsed = []
        for row, values in table:
            present = [name for name in JSON_KEYS if name in values]
            row_errors: list[RowError] = []
            found = parse_columns(row, values, present, parse, row_errors, always=tuple(present))
            parsed.append((row, found, {e.field for e in row_errors}))
            errors += row_errors
        first_rows: dict[int, int] = {}
        for row, found, _failed in parsed:
            if found.get("id") is None:
                continue
            if found["id"] in first_rows:
                errors.append(RowError(row, "id", _("Practice %(id)s is already on row "
                                                    "%(row)s.") % {"id": found["id"],
                                                                   "row": first_rows[found["id"]]}))
            first_rows.setdefault(found["id"], row)
        known = (Practice.objects.select_for_update().filter(pk__in=list(first_rows))
                 .prefetch_related(*CHILDREN).in_bulk())
        plans = []
        for row, found, failed in parsed:
            practice_id = found.get("id")
            if practice_id is not None and practice_id not in known:
                errors.append(RowError(row, "id", _("There is no practice %(id)s; leave the id "
                                                    "empty to create one.") % {"id": practice_id}))
                continue
            plan = _plan(known.get(practice_id), found)
            try:
                plan.practice.full_clean()
            except ValidationError as error:
                errors += [e for e in validation_errors(row, error, FIELD_COLUMNS, "id")
                           if e.field not in failed]
            plans.append(plan)
        if errors:
            raise ImportFileError(errors, JSON_KEYS)
        for plan in plans:
            created = plan.practice.pk is None
            # Suggestions asked for once below, for all the practices that need one.
            services.save(plan.practice, actor, relations=plan.relations, suggest=False)
            for name, wanted in plan.children.items():
                _replace_children(plan.practice, name, wanted, actor)
            if not created and plan.practice.status != plan.status_before:
                mail.notify_submitter(plan.practice)  # the file decided: its submitter hears
            result.created += created
            result.updated += not created
        services.ask_tags([plan.practice.pk for plan in plans
                           if services.suggested_tags(plan.practice) is None])
    return result


def _plan(practice: Practice | None, found: dict) -> _Plan:
    """The practice as the row has it (unsaved), with its relations and children."""
    status_before = practice.status if practice is not None else ""
    if practice is None:
        practice = Practice(status=Practice.Status.PUBLISHED)
        # The language its e-mails would be in: the first it has a title in.
        practice.language = next((code for code in LANGUAGES if found.get(f"title_{code}")),
                                 LANGUAGES[0])
    for name in FIELDS:
        if name not in found:
            continue
        value = found[name]
        if name in ("type", "level", "resources") and value is None:
            value = ""
        if name == "status" and value is None:
            continue  # unchanged, or published for a new practice
        setattr(practice, name, value)
    return _Plan(practice,
                 relations={name: found[name] for name in RELATIONS if name in found},
                 children={name: found[name] for name in CHILDREN if name in found},
                 status_before=status_before)


def _replace_children(practice: Practice, name: str, wanted: list[tuple], actor) -> None:
    """The practice's links, deliverables or progress reports become `wanted`: the same ones
    are kept, the others deleted and the new ones created, each audited."""
    model, keys = CHILDREN[name]
    current: dict[tuple, list] = {}
    for child in getattr(practice, name).all():
        current.setdefault(tuple(getattr(child, key) for key in keys), []).append(child)
    new = []
    for values in wanted:
        if current.get(values):
            current[values].pop()
        else:
            new.append(model(practice=practice, **dict(zip(keys, values, strict=True))))
    for stale in (child for children in current.values() for child in children):
        core_services.delete(stale, actor)
    core_services.save_many(new, actor)
