"""Reading a session's transcript (DOCX or plain text), written as paragraphs
"Name (Organization): text", into statements matched to the session's speakers.

A paragraph without "Name:" continues the statement before it. Nothing is saved here: the
preview shows how each paragraph will be split and matched, and which speakers are unknown.
"""

import io
import re
from dataclasses import dataclass, field
from pathlib import PurePath

import docx
from django.utils.translation import gettext as _

from idm.core.search import fold
from idm.core.spreadsheets import ImportFileError, check_size, check_zip, decode_text, shown
from idm.dialogues.models import Person, Session

# "H.E. Ms Amina Diallo (Ministry of X): text" — a name of at most eight words, starting with
# a capital, an optional organization in brackets, a colon.
SPEAKER = re.compile(
    r"^(?P<name>[A-ZÀ-ÖØ-Þ][^():\n]{0,80}?)\s*(?:\((?P<organization>[^()\n]{1,200})\))?\s*:\s*"
    r"(?P<text>.*)$", re.S)
HONORIFICS = {"mr", "mrs", "ms", "dr", "prof", "he", "h", "e", "his", "her", "excellency",
              "ambassador", "m", "mme", "sr", "sra"}


@dataclass
class TranscriptItem:
    paragraph: int
    name: str
    organization: str
    text: str
    person: Person | None = None
    language: str = "en"
    continued: list[int] = field(default_factory=list)


@dataclass
class TranscriptProblem:
    paragraph: int
    message: str
    excerpt: str


@dataclass
class TranscriptPreview:
    items: list[TranscriptItem]
    problems: list[TranscriptProblem]

    @property
    def unmatched(self) -> list[str]:
        return sorted({item.name for item in self.items if item.person is None})


def read_paragraphs(content: bytes, filename: str) -> list[str]:
    """Raises ImportFileError for a file too large, a zip bomb or text in an unknown encoding."""
    check_size(len(content), filename)
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".docx":
        check_zip(content, "DOCX")
        document = docx.Document(io.BytesIO(content))
        return [p.text.strip() for p in document.paragraphs if p.text.strip()]
    if suffix not in (".txt", ".text", ".md"):
        raise ValueError(_("'%(name)s' is neither a DOCX nor a plain-text file.") % {
            "name": shown(filename)})
    text = decode_text(content).replace("\r\n", "\n").replace("\r", "\n")
    # Paragraphs are separated by blank lines; without any, each line is one.
    blocks = re.split(r"\n\s*\n", text) if re.search(r"\n\s*\n", text) else text.split("\n")
    return [" ".join(block.split()) for block in blocks if block.strip()]


def _name_key(name: str) -> str:
    return " ".join(w for w in fold(name).replace(".", " ").split() if w not in HONORIFICS)


def _speakers(session: Session) -> dict[str, Person]:
    """The session's people by every way a transcript may name them."""
    names: dict[str, Person] = {}
    family_count: dict[str, int] = {}
    people = [link.person for link in session.roles.select_related("person")]
    for person in people:
        family_count[_name_key(person.family_name)] = family_count.get(
            _name_key(person.family_name), 0) + 1
    for person in people:
        names[_name_key(person.name)] = person
        family = _name_key(person.family_name)
        if family_count[family] == 1:
            names.setdefault(family, person)
    return names


def _language(text: str) -> str:
    """A rough guess from common words; the rapporteur can correct it when tagging."""
    words = set(fold(text).split())
    scores = {
        "fr": len(words & {"le", "la", "les", "des", "et", "est", "une", "pour", "nous", "dans"}),
        "es": len(words & {"el", "los", "las", "del", "y", "es", "una", "para", "nosotros", "en"}),
        "en": len(words & {"the", "and", "is", "of", "to", "we", "for", "in", "that", "our"}),
    }
    return max(scores, key=scores.get) if max(scores.values()) else "en"


def parse_transcript(content: bytes, filename: str, session: Session) -> TranscriptPreview:
    try:
        paragraphs = read_paragraphs(content, filename)
    except ImportFileError as error:
        return TranscriptPreview([], [TranscriptProblem(0, e.message, "") for e in error.errors])
    except (ValueError, KeyError) as error:
        return TranscriptPreview([], [TranscriptProblem(0, str(error), "")])
    except Exception as error:  # python-docx raises many kinds for a damaged file
        return TranscriptPreview([], [TranscriptProblem(
            0, _("The file cannot be read: %(error)s") % {"error": shown(error)}, "")])
    speakers = _speakers(session)
    items: list[TranscriptItem] = []
    problems: list[TranscriptProblem] = []
    if not paragraphs:
        problems.append(TranscriptProblem(0, _("The file has no paragraph."), ""))
    for number, paragraph in enumerate(paragraphs, start=1):
        excerpt = paragraph[:120]
        match = SPEAKER.match(paragraph)
        if match and len(match["name"].split()) <= 8:
            text = match["text"].strip()
            if not text:
                problems.append(TranscriptProblem(number, _(
                    "No text after the speaker's name."), excerpt))
                continue
            name = " ".join(match["name"].split())
            items.append(TranscriptItem(
                paragraph=number, name=name,
                organization=" ".join((match["organization"] or "").split()), text=text,
                person=speakers.get(_name_key(name)), language=_language(text)))
        elif items:
            items[-1].text += "\n\n" + paragraph
            items[-1].continued.append(number)
        else:
            problems.append(TranscriptProblem(number, _(
                "No speaker: begin with “Name (Organization): text”."), excerpt))
    return TranscriptPreview(items, problems)
