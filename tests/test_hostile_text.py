"""Text that people type never runs anywhere it is rendered: hostile strings in every typed field
that reaches a built file come out of each file as the same text, shown and not run.

Spreadsheet formulas, HTML, Typst and TeX code, pandoc's Markdown, Django template tags,
Python placeholders, a line break and a header in an e-mail's subject, control characters,
overlong words and a right-to-left override go into a dialogue of their own through the app's
own paths (the registration form, services, the translators' exchange file, the report page);
then every file is built as a user would build it and read back with the tools that readers
use: pypdf, python-docx, an XML parser for EPUB, GraphML, XLIFF and TMX, lxml for HTML, the
csv module, openpyxl, icalendar and the e-mail's own headers.
"""

import csv
import email
import email.policy
import io
import json
import re
import unicodedata
import zipfile
from datetime import date, time

import docx
import icalendar
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from lxml import etree
from lxml import html as lxml_html
from openpyxl import load_workbook
from pypdf import PdfReader

from idm.core import services as core_services
from idm.core.models import Country, StakeholderCategory
from idm.deliberation import services as deliberation
from idm.deliberation.models import KeyMessage, Recommendation, Statement
from idm.dialogues import participant_files
from idm.dialogues.models import (
    Dialogue,
    Organization,
    Person,
    Registration,
    RegistrationQuestion,
    Series,
    Session,
    SessionRole,
    Workshop,
)
from idm.practices import services as practices
from idm.practices.models import Link, Practice
from idm.publications import exchange
from idm.publications import services as publications
from idm.publications.models import Edition, Publication, ReportText, Version

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("pages_queue_on_commit")]

# Each value starts the way a spreadsheet formula starts (OWASP's list), then holds as many of
# the other pieces as its field has room for, and ends with a right-to-left override.
FORMULAS = ('=HYPERLINK("http://x.example","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1")
LONG_WORD = "Antidisestablishmentarianism" * 4
PIECES = (
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '#read("/etc/passwd")',
    '#import "x.typ"', ']#eval("1+1")[', "$x^2$", "*bold*", "\\", "//comment",
    "```{=html}<b>raw</b>```", "[link](javascript:alert(1))", "<!-- -->",
    "{{ settings.SECRET_KEY }}", "%(x)s", "\r\nBcc: x@evil.example", "$\\frac{$", LONG_WORD,
    "<!--<script>",
)
CONTROL = "\x0b\x1b\x7f"  # a vertical tab pasted from a word processor, an escape, a delete
RTL = "\u202egnp.exe"
# What a PDF would hold had Typst run `#read("/etc/passwd")` rather than print it.
RAN = ("root:x:0:0",)


def hostile(n: int, room: int | None = None, *, control: bool = True,
            skip: tuple[str, ...] = ()) -> str:
    """Hostile value number `n`: a formula's start, then the pieces from the n-th on, as many as
    fit in `room` characters, then the override; a control character where the field takes one."""
    room = room or 3000
    formula = next(f for f in FORMULAS[n % len(FORMULAS):] + FORMULAS if len(f) < room - 12)
    value = formula
    pieces = [p for p in PIECES[n % len(PIECES):] + PIECES[:n % len(PIECES)] if p not in skip]
    if control:
        pieces.insert(1, CONTROL)
    for piece in pieces:
        if len(value) + 1 + len(piece) + 1 + len(RTL) <= room:
            value += " " + piece
    return value + " " + RTL


def spread(rooms: list[int]) -> list[str]:
    """Values for fields each too short for every piece (names, say) that together hold them all:
    each takes a formula's start of its own and the pieces still to be placed that fit."""
    values, waiting = [], list(PIECES)
    for index, room in enumerate(rooms):
        value = next(f for f in FORMULAS[index % len(FORMULAS):] + FORMULAS
                     if len(f) + len(CONTROL) + len(RTL) + 2 < room) + " " + CONTROL
        for piece in list(waiting):
            if len(value) + 1 + len(piece) + 1 + len(RTL) <= room:
                value += " " + piece
                waiting.remove(piece)
        values.append(value + " " + RTL)
        waiting = waiting or list(PIECES)
    return values


# Reading the files back --------------------------------------------------------------------

# What no reader sees: spacing, control characters, soft hyphens, directional marks.
INVISIBLE = re.compile(r"[\s\x00-\x1f\x7f\u00ad\u200b-\u200f\u202a-\u202e\u2060\ufeff]+")


def visible(text: str) -> str:
    return INVISIBLE.sub("", unicodedata.normalize("NFC", text))


def pdf_text(content: bytes) -> str:
    return visible(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages))


def assert_printed(content: bytes, values: dict[str, str], what: str, *, upper=()) -> None:
    text = pdf_text(content)
    for name, value in values.items():
        expected = visible(value)
        if name in upper:
            expected = expected.upper()
        assert expected in text, f"{what}: {name} not printed as typed: {value!r}"
    for ran in RAN:
        assert visible(ran) not in text, f"{what}: {ran!r}"


def local_name(name: str) -> str:
    """"{namespace}onload", "xlink:href" or "onload" as "onload" and "href"."""
    return name.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower()


def assert_no_active_markup(tree, what: str) -> None:
    """No element or attribute that a hostile string would have made: a script, an event handler,
    an image from the text, a javascript: link, raw HTML from pandoc's Markdown."""
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        tag = local_name(element.tag)
        if tag == "script" and element.get("type") != "application/ld+json":  # data, not run
            assert "alert(1)" not in (element.text or ""), f"{what}: a script ran from the text"
        assert tag != "b" or element.text != "raw", f"{what}: raw HTML from Markdown"
        for name, value in element.attrib.items():
            name = local_name(name)
            assert not name.startswith("on"), f"{what}: <{tag} {name}={value!r}>"
            assert not value.strip().lower().startswith("javascript:"), f"{what}: {value!r}"
            assert not (tag == "img" and name == "src" and value == "x"), f"{what}: <img src=x>"


def assert_in_text(text: str, values: dict[str, str], what: str) -> None:
    text = visible(text)
    for name, value in values.items():
        assert visible(value) in text, f"{what}: {name} not shown as typed: {value!r}"
    assert visible(settings.SECRET_KEY) not in text, f"{what}: a template tag ran"


def assert_every_piece(values: dict[str, str], what: str, *, control: bool = True) -> None:
    """The file is checked with every hostile piece in at least one of its texts."""
    pieces = [*FORMULAS, *PIECES, RTL] + ([CONTROL] if control else [])
    # A form takes the spaces off a value's ends: "\t=1" arrives as "=1".
    missing = [p for p in pieces if not any(p.strip() in value for value in values.values())]
    assert not missing, f"{what} is not checked with {missing}"


# A formula's start as a spreadsheet program reads it: =, +, -, @ (their full-width forms too),
# after spaces, or a tab or a line break first.
FORMULA_START = re.compile(r"\s*[=+\-@\uff1d\uff0b\uff0d\uff20]|[\t\r\n]")


def csv_rows(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def assert_csv_safe(content: bytes, values: dict[str, str], what: str) -> None:
    """No cell starts like a formula; a typed value that did comes out whole, after a quote."""
    rows = csv_rows(content)
    assert rows, what
    cells = [cell for row in rows for cell in row.values()] + list(rows[0])
    for cell in cells:
        assert not FORMULA_START.match(cell or ""), f"{what}: formula cell {cell!r}"
    for name, value in values.items():
        # A cell of its own, or a part of one that composes several (a speaker with a title).
        assert any(value in cell for cell in cells), f"{what}: {name} not kept: {value!r}"


def assert_xlsx_safe(content: bytes, values: dict[str, str], what: str) -> None:
    """Every cell of text is a string cell ("s"), never a formula ("f"), and one that starts like a
    formula is marked with Excel's quote prefix; the text is whole."""
    book = load_workbook(io.BytesIO(content))
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{what}: formula at {cell.coordinate}"
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", f"{what}: {cell.coordinate}"
                    if FORMULA_START.match(cell.value):
                        assert cell.quotePrefix, f"{what}: {cell.coordinate} {cell.value!r}"
                    texts.append(cell.value)
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        for name in package.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in package.read(name) and b"<f " not in package.read(name)
    for name, value in values.items():
        # XLSX cannot hold control characters; the rest of the text stays.
        kept = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", value)
        assert any(kept in text for text in texts), f"{what}: {name} not kept: {value!r}"


# The hostile dialogue ----------------------------------------------------------------------

ACTOR = "hostile test"


def _save(obj):
    return core_services.save(obj, ACTOR)


@pytest.fixture
def world(reference, secretariat):
    """A dialogue whose every typed field is hostile, with one workshop, two sessions, speakers,
    statements, key messages, recommendations, a published practice and a publication."""
    civil = StakeholderCategory.objects.get(code="civil_society")
    country = Country.objects.get(iso2="CH")
    series = _save(Series(slug="hostile", name_en=hostile(0, 200)))
    dialogue = _save(Dialogue(series=series, number=77, year=2030, theme_en=hostile(1, 300),
                              description_en=hostile(2)))
    workshop = _save(Workshop(
        dialogue=dialogue, slug="hostile-geneva", title_en=hostile(3, 300), city_en=hostile(4, 100),
        venue_en=hostile(5, 200), time_zone="Europe/Zurich", first_day=date(2030, 10, 8),
        last_day=date(2030, 10, 9), registration=Workshop.Registration.OPEN,
        requires_approval=False))
    organizations = [
        _save(Organization(name_en=hostile(6, 300), acronym="@SUM(A1) $x^2$ $\\frac{$",
                           category=civil, country=country)),
        _save(Organization(name_en=hostile(7, 300), acronym=hostile(8, 30), category=civil)),
    ]
    sessions, roles = [], []
    for index, start in enumerate((time(10), time(15))):
        session = _save(Session(
            workshop=workshop, title_en=hostile(10 + index, 300),
            description_en=hostile(12 + index),
            room=hostile(14 + index, 100), source_note=hostile(16 + index, 300),
            start=workshop.aware(workshop.first_day, start),
            end=workshop.aware(workshop.first_day, start.replace(hour=start.hour + 2))))
        person = _save(Person(honorific=hostile(18 + index, 40),
                              given_name=hostile(20 + index, 100),
                              family_name=hostile(22 + index, 100),
                              email=f"speaker{index}@example.org"))
        roles.append(_save(SessionRole(
            session=session, person=person, role=SessionRole.Role.PANELIST,
            title_en=hostile(24 + index, 300), organization=organizations[index],
            organization_name_en=hostile(26 + index, 300))))
        sessions.append(session)
    statements = [
        deliberation.save_statement(Statement(
            session=sessions[0], person=roles[0].person, text=hostile(30), source=hostile(31, 300)),
            ACTOR),
        deliberation.save_statement(Statement(
            session=sessions[1], speaker_name=hostile(32, 200),
            speaker_organization=hostile(33, 300), speaker_category=civil, kind="floor",
            text=hostile(34)), ACTOR),
    ]
    key_messages = []
    for number in (1, 2):
        key_message = deliberation.save_key_message(KeyMessage(
            dialogue=dialogue, number=number, title_en=hostile(36 + number, 300),
            body_en=hostile(38 + number) + "\n\n" + hostile(40 + number),
            status=KeyMessage.Status.FINAL), ACTOR)
        deliberation.add_evidence(key_message, statements[number - 1], ACTOR)
        key_messages.append(key_message)
    for index, addressee in enumerate(("states", "civil-society")):
        deliberation.save_recommendation(Recommendation(
            dialogue=dialogue, addressee=addressee, text_en=hostile(44 + index),
            key_message=key_messages[index], status=KeyMessage.Status.FINAL), ACTOR)
    practice = practices.save(Practice(
        title_en=hostile(45, 300, control=False), summary_en=hostile(49, 3000, control=False),
        resources=hostile(48, control=False), type=Practice.Type.PARTNERSHIP,
        level=Practice.Level.GLOBAL, worldwide=True, status=Practice.Status.PUBLISHED),
        ACTOR, relations={"implementers": organizations[:1], "partners": organizations[1:],
                          "sessions": sessions[:1], "key_messages": key_messages[:1]},
        suggest=False)
    _save(Link(practice=practice, title=hostile(47, 200, control=False),
               url="https://example.org/?q=%3Cscript%3E"))
    publication = _save(Publication(
        dialogue=dialogue, slug="idm-77", title_en=hostile(50, 300), subtitle_en=hostile(51, 300),
        introduction_en=hostile(52) + "\n\n" + hostile(53), conclusions_en=hostile(54),
        rights_en=hostile(55, 300), publisher_en=hostile(56, 200),
        publisher_address_en=hostile(57), abstract_en=hostile(58), year=2030, practices=True))
    edition = _save(Edition(publication=publication, language="en", title=hostile(59, 300),
                            reference_number="=1+1 <b>x</b>"))
    publications.save_abbreviation(publication, "en", "IOM", hostile(60, 300), False, ACTOR)
    return {"dialogue": dialogue, "workshop": workshop, "organizations": organizations,
            "sessions": sessions, "roles": roles, "statements": statements,
            "key_messages": key_messages, "practice": practice, "publication": publication,
            "edition": edition, "secretariat": secretariat}


@pytest.fixture
def public():
    """A visitor, not signed in (the `client` fixture is the one `secretariat_client` signs in)."""
    return Client()


# What the badges print of two registrations: organization, given name, family name, honorific.
BADGE_FIELDS = ("proposed_organization", "given_name", "family_name", "honorific")
BADGES = spread([300, 100, 100, 40] * 2)


def _register(client, workshop, question, n: int) -> Registration:
    """A registration through the public form, every typed field hostile; the e-mail with the
    private link goes out as the request ends."""
    address = f"participant{n}@example.org"
    response = client.post(reverse("dialogues:register", args=[workshop.slug]), {
        **dict(zip(BADGE_FIELDS, BADGES[4 * n:4 * n + 4], strict=True)), "email": address,
        "category": StakeholderCategory.objects.get(code="academia").pk,
        "country": Country.objects.get(iso2="FR").pk, "role": "participant",
        "needs": hostile(78 + n, 2000), f"question_{question.pk}": hostile(80 + n, 1000),
        "consent_public": "on"})
    # A clear outcome, never a server error: the registration is saved and its page shown.
    assert response.status_code == 302, response.content.decode()[:2000]
    return Registration.objects.get(email=address)


# The dialogues app: agenda files, participants files, badges, check-in list, e-mails ------


def test_agenda_and_participants_files_and_registration_e_mails(world, public,
                                                                secretariat_client):
    workshop = world["workshop"]
    question = _save(RegistrationQuestion(workshop=workshop, label_en=hostile(62, 300)))
    mail.outbox.clear()
    registrations = [_register(public, workshop, question, n) for n in (0, 1)]
    # A NUL, which PostgreSQL cannot store, is refused with the form's message, not a 500.
    response = public.post(reverse("dialogues:register", args=[workshop.slug]), {
        "given_name": "Ada\x00", "family_name": "Okoro", "email": "nul@example.org",
        "proposed_organization": "x", "role": "participant",
        "category": StakeholderCategory.objects.get(code="academia").pk})
    assert response.status_code == 400 and "Null characters are not allowed" in \
        response.content.decode()
    assert not Registration.objects.filter(email="nul@example.org").exists()

    # E-mails: one line of subject, no header from the text, the names as typed in the body.
    assert len(mail.outbox) == 2
    for registration, message in zip(registrations, mail.outbox, strict=True):
        registration.refresh_from_db()
        assert registration.mail_status == "sent", registration.mail_error
        assert message.to == [registration.email] and not message.bcc and not message.cc
        headers = sent_headers(message)
        assert "bcc" not in headers and "cc" not in headers, headers
        assert " ".join(workshop.title.split()) in headers["subject"]
        body = message.body
        assert "&lt;" not in body and "&#" not in body  # plain text: nothing HTML-escaped
        person = registration.person
        assert_in_text(body, {"given_name": person.given_name, "family_name": person.family_name,
                              "workshop": workshop.title}, "registration e-mail")
        assert not message.alternatives  # no HTML body to escape

    people = {f"{who}.{name}": getattr(role.person, name)
              for who, role in zip(("speaker0", "speaker1"), world["roles"], strict=True)
              for name in ("honorific", "given_name", "family_name")}
    sessions = {f"session{i}.{name}": getattr(session, f"{name}_en") for i, session in
                enumerate(world["sessions"]) for name in ("title", "description")}
    rooms = {f"session{i}.room": session.room for i, session in enumerate(world["sessions"])}
    affiliations = {f"role{i}.{name}": getattr(role, f"{name}_en") for i, role in
                    enumerate(world["roles"]) for name in ("title", "organization_name")}
    place = {"workshop.title": workshop.title_en, "workshop.city": workshop.city_en,
             "workshop.venue": workshop.venue_en}

    # Agenda as CSV and XLSX: the import's columns.
    agenda = {**people, **sessions, **rooms, **affiliations, **place,
              "session0.source_note": world["sessions"][0].source_note,
              "organization1.acronym": world["organizations"][1].acronym}
    assert_every_piece(agenda, "the agenda")
    for fmt, check in (("csv", assert_csv_safe), ("xlsx", assert_xlsx_safe)):
        response = secretariat_client.get(
            reverse("dialogues:agenda-file", args=[workshop.slug, fmt]))
        assert response.status_code == 200
        check(response.content, agenda, f"agenda.{fmt}")

    # Agenda as ICS: one event per session, every line folded, the text escaped, nothing injected.
    response = public.get(reverse("dialogues:agenda-file", args=[workshop.slug, "ics"]))
    assert response.status_code == 200
    assert_calendar(response.content, world)

    # Agenda as PDF, through Typst.
    response = public.get(reverse("dialogues:agenda-file", args=[workshop.slug, "pdf"]))
    assert response.status_code == 200
    assert_printed(response.content, {
        **people, **sessions, **rooms, **affiliations, **place,
        "series": world["dialogue"].series.name_en, "theme": world["dialogue"].theme_en},
        "agenda.pdf", upper={"series"})

    # The participants list, as CSV and XLSX, with the question's answers.
    typed = {}
    for n, registration in enumerate(registrations):
        person = registration.person
        typed.update({f"participant{n}.{name}": getattr(person, name)
                      for name in ("honorific", "given_name", "family_name")})
        typed.update({f"participant{n}.organization": registration.proposed_organization,
                      f"participant{n}.needs": registration.needs,
                      f"participant{n}.answer": registration.answers[str(question.pk)]})
    assert_every_piece(typed, "the participants list")
    for fmt, check in (("csv", assert_csv_safe), ("xlsx", assert_xlsx_safe)):
        response = secretariat_client.get(
            reverse("dialogues:participants-file", args=[workshop.slug, fmt]))
        assert response.status_code == 200
        check(response.content, typed, f"participants.{fmt}")
        if fmt == "csv":
            assert participant_files.QUESTION_PREFIX + question.label_en in \
                csv_rows(response.content)[0]

    # Badges and the check-in list print the names as typed (family names in capitals).
    printed = {key: value for key, value in typed.items() if not key.endswith(("needs", "answer"))}
    capitals = {key for key in printed if key.endswith("family_name")}
    assert_every_piece(printed, "the badges")
    for name in ("badges", "check-in"):
        response = secretariat_client.get(reverse(f"dialogues:{name}", args=[workshop.slug]))
        assert response.status_code == 200, name
        values = printed if name == "badges" else {
            k: v for k, v in printed.items() if not k.endswith("honorific")}
        assert_printed(response.content, values, f"{name}.pdf", upper=capitals)

    # The pages that show the same text: escaped, no element made from it.
    for who, address in ((public, reverse("dialogues:agenda", args=[workshop.slug])),
                         (public, registrations[0].get_absolute_url()),
                         (public, reverse("dialogues:participants", args=[workshop.slug])),
                         (secretariat_client,
                          reverse("dialogues:registrations", args=[workshop.slug]))):
        response = who.get(address)
        assert response.status_code == 200, address
        page = lxml_html.fromstring(response.content.decode())
        assert_no_active_markup(page, address)
        assert_in_text(page.text_content(), {"workshop": workshop.title_en}, address)


def sent_headers(message) -> dict[str, str]:
    """The headers of an e-mail as its recipient's program reads them (unfolded, decoded); a
    line break in a subject would have made a header of its own."""
    parsed = email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)
    headers = {name.lower(): str(value) for name, value in parsed.items()}
    assert len(headers) == len(parsed.keys()), parsed.keys()  # no header twice
    assert all("\n" not in value and "\r" not in value for value in headers.values())
    return headers


def assert_calendar(content: bytes, world) -> None:
    lines = content.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines), "an ICS line is longer than 75 octets"
    assert b"\r" not in content.replace(b"\r\n", b"") and b"\n" not in content.replace(b"\r\n", b"")
    unfolded = re.sub(rb"\r\n[ \t]", b"", content).split(b"\r\n")
    names = {re.match(rb"[A-Za-z0-9-]+", line).group().upper() for line in unfolded if line}
    assert b"BCC" not in names
    # The calendar's name escaped as text, like the events' summaries.
    workshop = world["workshop"]
    assert b"X-WR-CALNAME:" + icalendar.vText(
        f"{workshop.title_en} ({workshop.city_en})").to_ical() in unfolded
    calendar = icalendar.Calendar.from_ical(content)
    events = calendar.walk("VEVENT")
    assert len(events) == len(world["sessions"])
    for event, session in zip(events, world["sessions"], strict=True):
        assert str(event["SUMMARY"]) == session.title_en.replace("\r\n", "\n")
        description = str(event["DESCRIPTION"])
        assert visible(session.description_en) in visible(description)
        role = session.roles.get()
        assert visible(role.person.full_name) in visible(description)
        assert visible(role.organization_name_en) in visible(description)


# The deliberation's statements, the practices registry and its actor network ---------------


def test_statements_practices_and_network_files(world, public, secretariat_client,
                                                django_capture_on_commit_callbacks):
    statements = world["statements"]
    typed = {"statement0.text": statements[0].text, "statement0.source": statements[0].source,
             "statement1.text": statements[1].text, "session0.title": world["sessions"][0].title_en,
             "workshop.title": world["workshop"].title_en,
             "speaker0": world["roles"][0].person.full_name}
    assert_every_piece(typed, "the statements")
    response = public.get(reverse("deliberation:statements-csv", args=[77]))
    assert response.status_code == 200
    assert_csv_safe(response.content, typed, "statements.csv")

    practice = world["practice"]
    organizations = world["organizations"]
    typed = {"title": practice.title_en, "summary": practice.summary_en,
             "resources": practice.resources, "implementer": organizations[0].name_en,
             "partner": organizations[1].name_en}
    assert_every_piece(typed, "the practices", control=False)
    for fmt in ("csv", "xlsx", "json"):
        response = secretariat_client.get(reverse("practices:export", args=[fmt]))
        assert response.status_code == 200, fmt
        if fmt == "csv":
            assert_csv_safe(response.content, typed, "practices.csv")
        elif fmt == "xlsx":
            assert_xlsx_safe(response.content, typed, "practices.xlsx")
        else:
            row = json.loads(response.content)[0]
            assert (row["title_en"], row["summary_en"], row["resources"]) == (
                practice.title_en, practice.summary_en, practice.resources)
            assert row["implementers"] == [organizations[0].name_en]
            assert row["links"][0]["title"] == practice.links.get().title

    # The actor network: GraphML and JSON keep every name; the picture and its page are drawn
    # (matplotlib reads "$...$" as TeX unless told not to) and make no element of the text.
    response = public.get(reverse("practices:network-graphml"))
    assert response.status_code == 200
    graph = etree.fromstring(response.content)
    values = [d.text or "" for d in graph.iter("{http://graphml.graphdrawing.org/xmlns}data")]
    for organization in organizations:
        assert re.sub(r"[\x0b\x1b\x7f]", "", organization.name_en) in values
    assert any(practice.title_en in value for value in values)
    response = public.get(reverse("practices:network-json"))
    assert response.status_code == 200
    nodes = json.loads(response.content)["nodes"]
    assert {n["name"] for n in nodes} == {o.name_en for o in organizations}
    response = public.get(reverse("practices:network-svg"))
    assert response.status_code == 200, response.content[:500]
    assert_no_active_markup(etree.fromstring(response.content), "network.svg")
    response = public.get(reverse("practices:network"))
    assert response.status_code == 200
    page = lxml_html.fromstring(response.content.decode())
    assert_no_active_markup(page, "network page")
    assert_in_text(page.text_content(), {"organization": organizations[1].name_en},
                   "network page")

    # The practice's page and the review e-mail to the one who submitted a practice: the subject
    # one line, the title and the secretariat's message as typed in the body.
    page = public.get(reverse("practices:practice", args=[practice.pk])).content.decode()
    assert_no_active_markup(lxml_html.fromstring(page), "practice page")
    submitter = get_user_model().objects.create_user(
        "submitter", "submitter@example.org", first_name=hostile(90, 150, control=False))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        submitted = practices.submit(Practice(
            title_en=hostile(91, 300, control=False), summary_en=hostile(92, control=False),
            type=Practice.Type.POLICY, level=Practice.Level.LOCAL), submitter,
            relations={"implementers": organizations[:1]})
    with django_capture_on_commit_callbacks(execute=True):
        practices.review(submitted, world["secretariat"], status=Practice.Status.REJECTED,
                         message=hostile(93, 3000, control=False))
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        headers = sent_headers(message)
        assert message.to == ["submitter@example.org"] and "bcc" not in headers
        assert " ".join(submitted.title_en.split()) in headers["subject"]
        assert_in_text(message.body, {"title": submitted.title_en}, "review e-mail")
        assert not message.alternatives  # no HTML body to escape
    assert_in_text(mail.outbox[1].body, {"message": submitted.review_message}, "review e-mail")


# The report: PDF (Typst), DOCX and EPUB (pandoc), HTML; the translators' exchange ---------


def report_values(world) -> dict[str, str]:
    """Every typed text the English report prints, by where it comes from."""
    publication, edition = world["publication"], world["edition"]
    values = {"edition.title": edition.title, "publication.subtitle": publication.subtitle_en,
              "publication.rights": publication.rights_en,
              "publication.publisher": publication.publisher_en,
              "series": world["dialogue"].series.name_en,
              "abbreviation": publication.abbreviations.get().long}
    for name in ("introduction", "conclusions"):
        for n, paragraph in enumerate(getattr(publication, f"{name}_en").split("\n\n")):
            values[f"publication.{name}{n}"] = paragraph
    for key_message in world["key_messages"]:
        values[f"key_message{key_message.number}.title"] = key_message.title_en
        for n, paragraph in enumerate(key_message.body_en.split("\n\n")):
            values[f"key_message{key_message.number}.body{n}"] = paragraph
    for n, recommendation in enumerate(Recommendation.objects.filter(dialogue__number=77)):
        values[f"recommendation{n}"] = recommendation.text_en
    for n, statement in enumerate(world["statements"]):
        values[f"statement{n}.text"] = statement.text
    values["statement1.speaker"] = world["statements"][1].speaker_name
    values["statement1.organization"] = world["statements"][1].speaker_organization
    for n, session in enumerate(world["sessions"]):
        values[f"session{n}.title"] = session.title_en
        values[f"session{n}.description"] = session.description_en
        values[f"session{n}.room"] = session.room
    for n, role in enumerate(world["roles"]):
        values[f"role{n}.name"] = role.person.full_name
        values[f"role{n}.title"] = role.title_en
        values[f"role{n}.organization"] = role.organization_name_en
    values["workshop.title"] = world["workshop"].title_en
    values["workshop.city"] = world["workshop"].city_en
    values["practice.title"] = world["practice"].title_en
    values["practice.summary"] = world["practice"].summary_en
    values["practice.implementer"] = world["organizations"][0].name_en
    return values


def build_on_the_report_page(client, languages: list[str], formats: list[str]) -> dict:
    response = client.post(reverse("publications:report", args=[77]),
                           {"languages": languages, "formats": formats})
    assert response.status_code == 302, response.content.decode()[:2000]
    built = {}
    for language in languages:
        version = Version.objects.filter(edition__publication__slug="idm-77",
                                         edition__language=language).order_by("-number").first()
        assert version is not None, f"no {language} edition built"
        built[language] = version
    return built


def assert_report_files(version: Version, values: dict[str, str], formats: list[str]) -> None:
    if "pdf" in formats:
        content = version.pdf.open("rb").read()
        assert_printed(content, values, f"{version.edition.language} PDF")
        if "edition.title" in values:
            # The imprint (only the PDF's) and the document's title in the PDF's metadata.
            edition = version.edition
            assert_printed(content, {"reference": edition.reference_number}, "PDF imprint")
            metadata_title = PdfReader(io.BytesIO(content)).metadata.title
            assert visible(values["edition.title"]) in visible(metadata_title)
    if "html" in formats:
        markup = version.html.open("rb").read().decode()
        tree = lxml_html.fromstring(markup)
        assert_no_active_markup(tree, "HTML edition")
        assert_in_text(tree.text_content(), values, "HTML edition")
    if "docx" in formats:
        content = version.docx.open("rb").read()
        word = docx.Document(io.BytesIO(content))
        text = " ".join([p.text for p in word.paragraphs] + [
            cell.text for table in word.tables for row in table.rows for cell in row.cells])
        assert_in_text(text, values, "DOCX edition")
        assert visible(values["edition.title"]) in visible(word.core_properties.title or "")
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            for name in package.namelist():
                if name.endswith(".rels"):
                    assert b"javascript:" not in package.read(name), name
                if name.endswith(".xml"):
                    assert_no_active_markup(etree.fromstring(package.read(name)), name)
    if "epub" in formats:
        with zipfile.ZipFile(version.epub.open("rb")) as package:
            text = []
            for name in package.namelist():
                if name.endswith((".xhtml", ".opf", ".ncx")):
                    tree = etree.fromstring(package.read(name))  # well-formed XML or it raises
                    assert_no_active_markup(tree, f"EPUB {name}")
                    if name.endswith(".xhtml"):
                        text.append(" ".join(tree.itertext()))
                    if name.endswith(".opf"):
                        assert visible(values["edition.title"]) in visible(" ".join(
                            tree.itertext()))
            assert_in_text(" ".join(text), values, "EPUB edition")


def assert_published_pages(client, version: Version, values: dict[str, str]) -> None:
    """The catalogue's page of the edition (with its schema.org data in a script element) and
    the edition to read on the site, once published from the report page."""
    response = client.post(reverse("publications:publish", args=[version.pk]))
    assert response.status_code == 302
    edition, publication = version.edition, version.edition.publication
    response = client.get(edition.get_absolute_url())
    assert response.status_code == 200
    page = lxml_html.fromstring(response.content.decode())
    assert_no_active_markup(page, "edition page")
    # The data as a browser's parser cuts it out: up to the first "</script". Inside, no "<!--"
    # and no "<script": after those, that "</script>" would not end the element (WHATWG's script
    # data escaped states), and the page's own markup would become part of the script.
    markup = response.content.decode()
    start = markup.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">')
    script = markup[start:markup.lower().index("</script", start)]
    assert "<!--" not in script and "<script" not in script.lower(), script
    data = json.loads(script)
    assert len(page.xpath("//script[@type='application/ld+json']")) == 1
    assert (data["name"], data["abstract"]) == (edition.title, publication.abstract_en)
    assert page.xpath("//h1") and visible(edition.title) in visible(
        page.xpath("//h1")[0].text_content())
    # The catalogue's Atom feed: XML, the title and abstract as typed (but for the control
    # characters, which XML cannot hold).
    response = client.get(reverse("publications:feed"))
    assert response.status_code == 200
    feed = etree.fromstring(response.content)
    atom = "{http://www.w3.org/2005/Atom}"
    entry = feed.find(f"{atom}entry")
    assert_in_text(entry.findtext(f"{atom}title"), {"title": edition.title}, "feed")
    assert_in_text(entry.findtext(f"{atom}summary"), {"abstract": publication.abstract_en},
                   "feed")
    response = client.get(reverse("publications:read", args=[publication.slug, "en"]))
    assert response.status_code == 200
    page = lxml_html.fromstring(response.content.decode())
    assert_no_active_markup(page, "reading page")
    assert_in_text(page.text_content(), values, "reading page")


def translate(content: bytes) -> bytes:
    """A translator's file coming back: every unit translated into hostile French that keeps the
    English placeholders (the exchange refuses any other) and a lone percent sign, as French
    typography writes one ("100 %")."""
    namespace = {"x": exchange.XLIFF_12}
    tree = etree.fromstring(content)
    for n, unit in enumerate(tree.iterfind(".//x:trans-unit", namespace)):
        source = "".join(unit.find("x:source", namespace).itertext())
        keep = " ".join(exchange.PLACEHOLDER.findall(source))
        room = int(unit.get("maxwidth") or 3000) - len(keep) - 8
        # XML cannot hold the control characters.
        french = f"{keep} {hostile(100 + n, room, control=False, skip=('%(x)s',))} 100 %"
        target = unit.find("x:target", namespace)
        if target is None:
            target = etree.SubElement(unit, f"{{{exchange.XLIFF_12}}}target")
        target.text = french
        target.set("state", "translated")
    return etree.tostring(tree, xml_declaration=True, encoding="utf-8")


def test_report_editions_and_the_translators_exchange(world, secretariat_client):
    values = report_values(world)
    assert_every_piece(values, "the report")
    built = build_on_the_report_page(secretariat_client, ["en"], ["pdf", "docx", "epub", "html"])
    assert_report_files(built["en"], values, ["pdf", "docx", "epub", "html"])
    assert_published_pages(secretariat_client, built["en"], values)

    # The secretariat's pages that list the same texts: the report page (what a build lacks) and
    # the translation status page.
    for address in (reverse("publications:report", args=[77]),
                    reverse("publications:translations", args=[77, "fr"])):
        response = secretariat_client.get(address)
        assert response.status_code == 200, address
        assert_no_active_markup(lxml_html.fromstring(response.content.decode()), address)

    # The exchange file: XML with every English text whole, on one line.
    response = secretariat_client.get(
        reverse("publications:translations-export", args=[77, "fr"]))
    assert response.status_code == 200
    content = response.content
    tree = etree.fromstring(content)
    sources = [" ".join("".join(s.itertext()).split())
               for s in tree.iter(f"{{{exchange.XLIFF_12}}}source")]
    for name, value in values.items():
        if name in ("edition.title", "statement1.speaker", "statement1.organization") or \
                name.endswith((".name", ".room")):
            continue  # not translated: names, rooms, and a title given per edition already
        assert " ".join(re.sub(r"[\x0b\x1b\x7f]", " ", value).split()) in sources, name

    # Hostile French comes back through the import page (upload, preview, confirm), and the
    # French edition prints it as typed.
    address = reverse("publications:translations-import", args=[77, "fr"])
    upload = SimpleUploadedFile("idm-77-fr.xlf", translate(content), "application/xliff+xml")
    response = secretariat_client.post(address, {"file": upload})
    assert response.status_code == 200
    preview = lxml_html.fromstring(response.content.decode())
    assert_no_active_markup(preview, "translations preview")
    response = secretariat_client.post(address, {"confirm": "1"})
    assert response.status_code == 302, response.content.decode()[:3000]
    key_message = KeyMessage.objects.get(dialogue__number=77, number=1)
    assert "<script>alert(1)</script>" in key_message.title_fr + key_message.body_fr
    assert ReportText.objects.filter(publication__slug="idm-77", language="fr").exists()
    french_values = {
        "key_message1.title": key_message.title_fr,
        "session0.title": Session.objects.get(pk=world["sessions"][0].pk).title_fr,
        "attribution": ReportText.objects.get(publication__slug="idm-77", language="fr",
                                              key="attribution").text.split("%(source)s")[-1],
    }
    built = build_on_the_report_page(secretariat_client, ["fr"], ["html", "pdf"])
    assert_report_files(built["fr"], french_values, ["html", "pdf"])

    # The translation memory as TMX: XML, the French whole.
    response = secretariat_client.get(reverse("publications:translation-memory", args=["fr"]))
    assert response.status_code == 200
    tmx = etree.fromstring(response.content)
    segments = ["".join(seg.itertext()) for seg in tmx.iter("seg")]
    assert key_message.title_fr in segments
