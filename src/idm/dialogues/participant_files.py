"""Participants lists as CSV or XLSX, both ways; answers to custom questions are "q: <question>" columns."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from idm.core.languages import LANGUAGES
from idm.core.spreadsheets import (
    ImportFileError,
    RowError,
    parse_choice,
    parse_columns,
    parse_yes,
    read_table,
    shown,
    text,
    write_csv,
    write_xlsx,
)
from idm.dialogues.models import Person, Registration, Workshop

PARTICIPANT_COLUMNS: list[tuple[str, str]] = [
    ("email", "E-mail: one registration per e-mail and workshop; rows with the same e-mail merge"),
    ("honorific", "Ms, Mr, Dr, H.E. ..."),
    ("given_name", "Given name"),
    ("family_name", "Family name"),
    ("gender", "One of: " + ", ".join(Person.Gender.values) + " (or empty)"),
    ("organization", "Organization: a known name or acronym, or a new name"),
    ("category", "Stakeholder category code, e.g. member_state, civil_society, academia"),
    ("country", "ISO country code, e.g. CH"),
    ("role", "One of: " + ", ".join(Registration.Role.values)),
    ("status", "One of: " + ", ".join(Registration.Status.values) + " (empty: approved)"),
    ("listed_publicly", "yes if the participant agreed to appear in the public list"),
    ("language", "Language of the e-mails: en, fr or es"),
    ("needs", "Accessibility or interpretation needs"),
    ("registered_at", "When the person registered (export only)"),
    ("checked_in_at", "When the person checked in (export only)"),
]
COLUMN_NAMES = [name for name, _ in PARTICIPANT_COLUMNS]
EXPORT_ONLY = ("registered_at", "checked_in_at")
QUESTION_PREFIX = "q: "


def columns_for(workshop: Workshop) -> list[str]:
    return COLUMN_NAMES + [QUESTION_PREFIX + q.label_en for q in workshop.questions.all()]


def participant_rows(registrations, workshop: Workshop) -> list[dict]:
    questions = list(workshop.questions.all())
    rows = []
    for r in registrations.select_related("person", "organization", "category", "country"):
        local = workshop.local
        row = {
            "email": r.email, "honorific": r.person.honorific, "given_name": r.person.given_name,
            "family_name": r.person.family_name, "gender": r.person.gender,
            "organization": r.organization.name_en if r.organization else r.proposed_organization,
            "category": r.category.code, "country": r.country.iso2 if r.country else "",
            "role": r.role, "status": r.status, "listed_publicly": r.consent_public,
            "language": r.language, "needs": r.needs,
            "registered_at": f"{local(r.created_at):%Y-%m-%d %H:%M}",
            "checked_in_at": f"{local(r.checked_in_at):%Y-%m-%d %H:%M}" if r.checked_in_at else "",
        }
        for question in questions:
            row[QUESTION_PREFIX + question.label_en] = r.answers.get(str(question.pk), "")
        rows.append(row)
    return rows


def export_participants(registrations, workshop: Workshop, fmt: str) -> bytes:
    columns = columns_for(workshop)
    rows = participant_rows(registrations, workshop)
    if fmt == "csv":
        return write_csv(columns, rows)
    return write_xlsx(columns, rows, title="Participants",
                      column_help=PARTICIPANT_COLUMNS if not rows else None)


@dataclass
class ParticipantPlan:
    row: int
    values: dict
    rows: list[int]


PARSERS = {
    "email": lambda v: text(v).lower(),
    "gender": lambda v: parse_choice(v, Person.Gender.values, _("gender")),
    "role": lambda v: parse_choice(v, Registration.Role.values, _("role")),
    "status": lambda v: parse_choice(v, Registration.Status.values, _("status")),
    "listed_publicly": parse_yes,
    "language": lambda v: parse_choice(v, LANGUAGES, _("language")),
    "category": lambda v: text(v).lower(),
    "country": lambda v: text(v).upper(),
}


def read_participants(content: bytes, name: str, workshop: Workshop) -> list[ParticipantPlan]:
    """One plan per e-mail; rows with the same e-mail merge, and a conflict is an error."""
    columns = columns_for(workshop)
    table = read_table(content, name, columns=columns, required=["email", "family_name"])
    errors: list[RowError] = []
    plans: dict[str, ParticipantPlan] = {}
    readable = [c for c in columns if c not in EXPORT_ONLY]
    for row, values in table:
        parsed = parse_columns(row, values, readable, PARSERS, errors)
        email = parsed.get("email", "")
        if "@" not in email:
            errors.append(RowError(row, "email", _("'%(value)s' is not an e-mail address.") % {
                "value": shown(email)}))
            continue
        if email not in plans:
            plans[email] = ParticipantPlan(row=row, values=parsed, rows=[row])
            continue
        plan = plans[email]
        plan.rows.append(row)
        for column, value in parsed.items():
            if column not in plan.values:
                plan.values[column] = value
            elif plan.values[column] != value:
                errors.append(RowError(row, column, _(
                    "'%(value)s' differs from row %(first)s for the same e-mail.") % {
                    "value": shown(value), "first": plan.row}))
    for plan in plans.values():
        if "family_name" not in plan.values:
            errors.append(RowError(plan.row, "family_name", _("A family name is needed.")))
    if errors:
        raise ImportFileError(errors, columns)
    return list(plans.values())
