"""The translators' exchange: an edition's texts as an XLIFF 1.2 file for CAT tools, what a file
coming back would change, and the translation memory as TMX.

XLIFF 1.2, because Trados, memoQ, Phrase and OmegaT all open it (OmegaT does not read XLIFF 2
without a plugin). One file per dialogue and language; one unit per text, or per paragraph of a
longer text, its id the text's key in `texts` ("deliberation.keymessage/12/body/2"). Reading a
file changes nothing: `services.import_translations` saves what `read_translations` found.

    write_xliff(publication, "fr")            -> bytes
    read_translations(content, name)          -> Incoming (raises TranslationFileError)
    write_tmx("fr"), read_tmx(content, name)  -> the memory out, and segment pairs in
"""

import re
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree
from rapidfuzz import fuzz, process
from translate.misc.xml_helpers import parse_xml
from translate.storage import tmx, xliff

from idm.core.languages import LANGUAGE_NAMES, LANGUAGES
from idm.core.spreadsheets import ImportFileError, check_size, shown
from idm.deliberation.models import text_key
from idm.dialogues.models import Dialogue
from idm.publications import texts
from idm.publications.models import MemorySegment, Publication, TranslatedUnit
from idm.publications.texts import one_line

XLIFF_12 = "urn:oasis:names:tc:xliff:document:1.2"
ORIGINAL = re.compile(r"idm:dialogue/(\d+)\Z")
# %(city)s, %s, %d, {name}: a translation keeps every one the English has.
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
# A memory match this close or closer is offered as an alternative (rapidfuzz's ratio, 0–100).
CLOSE_MATCH = 75
CLOSE_MATCHES = 3
MEMORY_ORIGIN = "idm translation memory"
# The state of a target for the translator to review: idm's exports give it to memory matches
# and to translations whose English has changed; one that comes back unchanged in it was not
# reviewed, so it stays stale.
REVIEW = "needs-review-translation"
# XLIFF states that say nobody has translated the unit yet: an empty target in one of them is
# untranslated, and so is a target still holding the English (copied for OmegaT) in a stated one.
UNTRANSLATED_STATES = {None, "", "new", "needs-translation"}
COPIED_STATES = {"new", "needs-translation"}
# TMX inline codes: formatting of the tool that wrote the file, not words.
TMX_CODES = {"bpt", "ept", "it", "ph", "ut"}


class _Unit(xliff.xliffunit):
    namespace = XLIFF_12


class _Xliff12(xliff.xlifffile):
    UnitClass = _Unit
    namespace = XLIFF_12
    XMLskeleton = xliff.xlifffile.XMLskeleton.replace("1.1", "1.2")


def language_code(value: str | None) -> str:
    """"fr-FR" and "FR" are French: the primary subtag, lower case."""
    return (value or "").split("-")[0].split("_")[0].lower()


# Writing ----------------------------------------------------------------------------------------


@dataclass
class Unit:
    """One unit of an exchange file: an English text (or one paragraph of it) and its place."""

    id: str
    english: str
    translated: str
    field: texts.Field
    paragraph: int | None  # 1-based, of `of`
    of: int
    blocks: bool
    stale: bool = False    # translated from an English that has changed since

    @property
    def where(self) -> str:
        where = f"{self.field.what}, {self.field.name}"
        if self.paragraph is not None and self.of > 1:
            where += " " + _("(paragraph %(n)s of %(of)s)") % {"n": self.paragraph, "of": self.of}
        return where


def units(publication: Publication, language: str) -> list[Unit]:
    """Every unit of the dialogue's texts in `language`, draft key messages included (a
    translator may work ahead of the rapporteur); `blocks` says what a regular build needs."""
    needed = {f.key for f in texts.fields(publication, language) if f.blocks}
    imported = _imported(publication, language)
    found = []
    for text in texts.fields(publication, language, review=True):
        translated = text.translated_units()
        pieces = text.units
        for n, (unit_id, english) in enumerate(pieces, 1):
            found.append(Unit(id=unit_id, english=english,
                              translated=translated.get(unit_id, ""), field=text,
                              paragraph=n if text.multiline else None, of=len(pieces),
                              blocks=text.key in needed,
                              stale=_stale(imported.get(unit_id), english,
                                           translated.get(unit_id, ""))))
    return found


def _imported(publication: Publication, language: str) -> dict[str, tuple[str, str]]:
    """The English each imported translation was made from, and that translation, by unit id."""
    return {unit: (source, target) for unit, source, target in TranslatedUnit.objects.filter(
        publication=publication, language=language).values_list("unit", "source", "target")}


def _stale(record: tuple[str, str] | None, english: str, translated: str) -> bool:
    """Translated from another English, and not changed since: once someone corrects the
    translation (a new file, or by hand in the admin), it answers the English of today."""
    return record is not None and record[0] != english and record[1] == translated


def _note(unit: Unit) -> str:
    return one_line(_said(unit))


def _said(unit: Unit) -> str:
    said = [_("Where: %(where)s.") % {"where": unit.where}]
    if unit.field.max_length:
        said.append(_("At most %(count)s characters.") % {"count": unit.field.max_length})
    placeholders = PLACEHOLDER.findall(unit.english)
    if placeholders:
        said.append(_("Keep %(placeholders)s as they are: idm fills them in.") % {
            "placeholders": ", ".join(placeholders)})
    if unit.field.name == "quote":
        said.append(_("Words of a speaker, quoted in the report."))
    if unit.blocks:
        said.append(_("The edition cannot be built without it."))
    return " ".join(said)


class Memory:
    """The memory's segments in one language, for exact and close matches."""

    def __init__(self, language: str):
        self.segments = list(MemorySegment.objects.filter(language=language)
                             .order_by("-created_at", "-pk")
                             .values_list("source", "source_key", "target", "origin"))
        self.exact: dict[str, tuple[str, str]] = {}
        for _source, key, target, origin in reversed(self.segments):
            self.exact[key] = (target, origin)  # the newest pair wins
        self.sources = {i: source for i, (source, *_rest) in enumerate(self.segments)}

    def close(self, english: str) -> list[tuple[str, str, int]]:
        """(English, translation, similarity) of the closest different segments."""
        found = []
        for _source, score, i in process.extract(english, self.sources, scorer=fuzz.ratio,
                                                 score_cutoff=CLOSE_MATCH,
                                                 limit=CLOSE_MATCHES + 1):
            source, key, target, _origin = self.segments[i]
            if key != text_key(english):
                found.append((source, target, round(score)))
        return found[:CLOSE_MATCHES]


def write_xliff(publication: Publication, language: str, *, missing_only: bool = False,
                copy_source: bool = False) -> bytes:
    """The exchange file of the dialogue's texts in `language`: each unit's English, its
    translation when there is one, else an exact match from the memory to review (marked so),
    and close matches as alternatives. With `copy_source`, a unit with neither gets the English
    as its target, in state "new": OmegaT translates the target's text, not the source's."""
    dialogue = publication.dialogue
    memory = Memory(language)
    store = _Xliff12(sourcelanguage="en", targetlanguage=language)
    file_node = store.getfilenode("NoName")
    original = f"idm:dialogue/{dialogue.number}"
    file_node.set("original", original)
    file_node.set("product-name", "idm")
    file_node.set("date", timezone.now().replace(microsecond=0).isoformat())
    header = etree.Element(f"{{{XLIFF_12}}}header")
    note = etree.SubElement(header, f"{{{XLIFF_12}}}note")
    note.text = one_line(_("%(series)s No. %(number)s, %(theme)s: texts to translate into %(language)s. "
                  "Translate each unit's target; keep the ids.") % {
        "series": dialogue.series.name_en, "number": dialogue.number,
        "theme": dialogue.theme_en, "language": LANGUAGE_NAMES[language]})
    file_node.insert(0, header)
    for unit in units(publication, language):
        if missing_only and unit.translated and not unit.stale:
            continue
        out = store.addsourceunit(unit.english, filename=original)
        out.xmlelement.set("id", unit.id)
        out.xmlelement.set("resname", unit.field.key)
        if unit.field.max_length:
            out.xmlelement.set("maxwidth", str(unit.field.max_length))
            out.xmlelement.set("size-unit", "char")
        if unit.translated:
            out.settarget(unit.translated, lang=language)
            out.getlanguageNode(lang=None, index=1).set(
                "state", REVIEW if unit.stale else "translated")
            if unit.stale:
                out.addnote(_("The English has changed since this was translated: review the "
                              "translation."), origin="idm")
        elif (match := memory.exact.get(text_key(unit.english))) is not None:
            target, origin = match
            out.settarget(target, lang=language)
            node = out.getlanguageNode(lang=None, index=1)
            node.set("state", REVIEW)
            node.set("state-qualifier", "leveraged-tm")
            out.addnote(_("Filled in from the translation memory (%(origin)s): review it.")
                        % {"origin": origin or MEMORY_ORIGIN}, origin="idm-memory")
        elif copy_source:
            out.settarget(unit.english, lang=language)
            out.getlanguageNode(lang=None, index=1).set("state", "new")
        # translate-toolkit marks every unit given a target approved; only a translation is.
        if not unit.translated:
            out.xmlelement.attrib.pop("approved", None)
        out.addnote(_note(unit), origin="idm")
        if not unit.translated:
            for source, target, score in memory.close(unit.english):
                out.addalttrans(target, origin=MEMORY_ORIGIN, sourcetxt=source, lang=language,
                                matchquality=f"{score}%")
    return bytes(store)


# Reading ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    unit: str
    field: str
    message: str

    def __str__(self):
        return _("unit '%(unit)s', %(field)s: %(message)s") % {
            "unit": shown(self.unit), "field": self.field, "message": self.message}


class TranslationFileError(ImportFileError):
    """The file cannot be imported: every problem, named by unit id and field, in file order."""

    def __init__(self, problems: list[Problem]):
        self.errors = problems
        Exception.__init__(self, "\n".join(str(p) for p in problems))

    def as_json(self) -> list[dict]:
        return [{"unit": p.unit, "field": p.field, "message": p.message} for p in self.errors]


@dataclass
class Change:
    unit: Unit
    target: str
    state: str | None = None

    @property
    def reviewed(self) -> bool:
        """The translation now answers the unit's current English: changed, or confirmed."""
        return self.target != self.unit.translated or self.state != REVIEW


@dataclass
class Incoming:
    """What a file would do: the translations it changes, the units it leaves as they are, the
    stale ones (the English has changed since the export) and the untranslated ones."""

    publication: Publication
    language: str
    name: str
    changes: list[Change] = field(default_factory=list)
    unchanged: list[Change] = field(default_factory=list)
    stale: list[Unit] = field(default_factory=list)
    untranslated: list[str] = field(default_factory=list)

    @property
    def confirmations(self) -> list[Change]:
        """Stale translations sent back the same but reviewed: saving records them as answering
        today's English."""
        return [c for c in self.unchanged if c.unit.stale and c.reviewed]

    @property
    def origin(self) -> str:
        return _("%(series)s No. %(number)s, file %(name)s") % {
            "series": self.publication.dialogue.series.name_en,
            "number": self.publication.dialogue.number, "name": self.name}


def _file_problem(message: str) -> TranslationFileError:
    return TranslationFileError([Problem("file", "file", message)])


def _parse_xliff(content: bytes, name: str) -> xliff.xlifffile:
    check_size(len(content), name)
    if b"<!DOCTYPE" in content or b"<!ENTITY" in content:
        raise _file_problem(_("The file declares a document type or entities; an XLIFF file "
                              "needs none."))
    try:
        store = xliff.xlifffile.parsestring(content)
    except (etree.XMLSyntaxError, ValueError, AssertionError, StopIteration) as error:
        raise _file_problem(_("'%(name)s' is not an XLIFF 1.2 file: %(error)s") % {
            "name": shown(name), "error": shown(str(error) or type(error).__name__)}) from None
    if store.namespace != XLIFF_12:
        raise _file_problem(_("'%(name)s' is XLIFF in namespace '%(namespace)s'; idm reads "
                              "XLIFF 1.2 (%(expected)s).") % {
            "name": shown(name), "namespace": shown(store.namespace), "expected": XLIFF_12})
    return store


def _file_header(store: xliff.xlifffile) -> tuple[int, str]:
    """The dialogue number and the language the file is for, the same in each of its files."""
    found = set()
    for node in store.document.getroot().iterchildren(store.namespaced("file")):
        original = ORIGINAL.match(node.get("original", ""))
        if original is None:
            raise _file_problem(_("The file's original '%(original)s' does not name a dialogue "
                                  "(idm:dialogue/28): it was not exported by idm.") % {
                "original": shown(node.get("original", ""))})
        if language_code(node.get("source-language")) != "en":
            raise _file_problem(_("The source language is '%(language)s'; idm's files are "
                                  "translated from English.") % {
                "language": shown(node.get("source-language", ""))})
        found.add((int(original.group(1)), language_code(node.get("target-language"))))
    if len(found) != 1:
        raise _file_problem(_("The file holds texts of several dialogues or languages; send one "
                              "file per dialogue and language."))
    number, language = found.pop()
    if language not in LANGUAGES or language == "en":
        raise _file_problem(_("The target language '%(language)s' is not one idm translates "
                              "into (%(languages)s).") % {
            "language": shown(language), "languages": ", ".join(
                code for code in LANGUAGES if code != "en")})
    return number, language


def _target(unit: xliff.xliffunit, store: xliff.xlifffile):
    """The unit's target element, or None."""
    return unit.xmlelement.find(store.namespaced("target"))


def read_translations(content: bytes, name: str) -> Incoming:
    """What the file would change, checked whole: every problem is reported at once and nothing
    may be saved while there is one. Stale units are reported and left out, not problems."""
    store = _parse_xliff(content, name)
    number, language = _file_header(store)
    publication = Publication.objects.filter(dialogue__number=number).select_related(
        "dialogue__series").first()
    if publication is None:
        exists = Dialogue.objects.filter(number=number).exists()
        raise _file_problem(_("Dialogue %(number)s has no publication.") % {"number": number}
                            if exists else _("There is no dialogue %(number)s.") % {
                                "number": number})
    known = {unit.id: unit for unit in units(publication, language)}
    incoming = Incoming(publication, language, name)
    problems, seen = [], set()
    for unit in store.units:
        unit_id = unit.xmlelement.get("id", "")
        if unit_id in seen:
            problems.append(Problem(unit_id, "id", _("The file holds this unit twice.")))
            continue
        seen.add(unit_id)
        ours = known.get(unit_id)
        if ours is None:
            problems.append(Problem(unit_id, "id", _(
                "No text of dialogue %(number)s has this id: the unit was changed or comes from "
                "another file.") % {"number": number}))
            continue
        node = _target(unit, store)
        state = node.get("state") if node is not None else None
        text, markup = _plain(node)
        if not text.strip():
            if node is not None and state not in UNTRANSLATED_STATES:
                problems.append(Problem(unit_id, "target", _(
                    "The translation is empty but marked '%(state)s'.") % {"state": state}))
            else:
                incoming.untranslated.append(unit_id)
            continue
        if state in COPIED_STATES and one_line(text) == one_line(unit.source):
            # The English copied into the target (as OmegaT needs it), not translated yet.
            incoming.untranslated.append(unit_id)
            continue
        if one_line(unit.source) != ours.english:
            incoming.stale.append(ours)
            continue
        problems.extend(_check_target(ours, markup, text))
        change = Change(ours, one_line(text), state)
        (incoming.unchanged if change.target == ours.translated else incoming.changes).append(
            change)
    if problems:
        raise TranslationFileError(problems)
    _whole_texts(incoming, known)
    return incoming


def _plain(node) -> tuple[str, list[str]]:
    """A target's text and the elements in it; comments and processing instructions are
    neither."""
    if node is None:
        return "", []
    parts, markup = [node.text or ""], []
    for child in node:
        if isinstance(child.tag, str):
            markup.append(etree.QName(child).localname)
            parts.extend(child.itertext())
        parts.append(child.tail or "")
    return "".join(parts), markup


def _check_target(unit: Unit, markup: list[str], text: str) -> list[Problem]:
    problems = []
    if markup:
        problems.append(Problem(unit.id, "target", _(
            "The translation holds markup (<%(tag)s>) that the English does not; write plain "
            "text.") % {"tag": markup[0]}))
    if texts.PARAGRAPH_BREAK.search(text.strip()):
        problems.append(Problem(unit.id, "target", _(
            "The translation has a blank line: a unit is one paragraph, and paragraphs are "
            "numbered the same in every language.")))
    expected, found = sorted(PLACEHOLDER.findall(unit.english)), sorted(PLACEHOLDER.findall(text))
    if expected != found:
        problems.append(Problem(unit.id, "target", _(
            "Placeholders differ: the English has %(expected)s, the translation %(found)s; keep "
            "each as it is.") % {"expected": ", ".join(expected) or _("none"),
                                 "found": ", ".join(found) or _("none")}))
    length = unit.field.max_length
    if length and len(one_line(text)) > length:
        problems.append(Problem(unit.id, "target", _(
            "The translation has %(count)s characters; at most %(limit)s fit.") % {
            "count": len(one_line(text)), "limit": length}))
    return problems


def _whole_texts(incoming: Incoming, known: dict[str, Unit]) -> None:
    """A text of several paragraphs is saved whole: when a paragraph of it is stale or has no
    translation (in the file or already), the others wait too, as untranslated."""
    arriving = {c.unit.id for c in incoming.changes + incoming.unchanged}
    stale_texts = {u.field.key for u in incoming.stale}
    held = set()
    for change in incoming.changes:
        text = change.unit.field
        if not text.multiline:
            continue
        complete = all(unit_id in arriving or known[unit_id].translated
                       for unit_id, _english in text.units)
        if text.key in stale_texts or not complete:
            held.add(text.key)
    if held:
        incoming.untranslated.extend(c.unit.id for c in incoming.changes
                                     if c.unit.field.key in held)
        incoming.changes = [c for c in incoming.changes if c.unit.field.key not in held]


# Status -----------------------------------------------------------------------------------------


@dataclass
class FieldStatus:
    text: texts.Field
    state: str  # "translated", "missing", "stale"
    blocks: bool


def status(publication: Publication, language: str) -> list[FieldStatus]:
    """Each text's state in `language`: translated, missing, or stale (translated from an
    English that has changed since, or with paragraphs that no longer match the English)."""
    imported = _imported(publication, language)
    needed = {f.key for f in texts.fields(publication, language) if f.blocks}
    found = []
    for text in texts.fields(publication, language, review=True):
        if not text.english.strip():
            continue
        translated = text.translated_units()
        paragraphs_differ = text.multiline and not translated
        english_changed = any(_stale(imported.get(unit_id), english, translated.get(unit_id, ""))
                              for unit_id, english in text.units)
        if text.missing:
            state = "missing"
        elif paragraphs_differ or english_changed:
            state = "stale"
        else:
            state = "translated"
        found.append(FieldStatus(text, state, text.key in needed))
    return found


# The memory as TMX ------------------------------------------------------------------------------


def write_tmx(language: str) -> bytes:
    store = tmx.tmxfile(sourcelanguage="en", targetlanguage=language)
    for segment in MemorySegment.objects.filter(language=language).order_by("pk").iterator():
        unit = store.addsourceunit(segment.source)
        unit.settarget(segment.target, language)
        if segment.origin:
            unit.addnote(segment.origin)
    return bytes(store)


def _segment_text(seg) -> str:
    """A TMX segment's words, without its inline codes (<ph>, <bpt>…) but with what follows
    them."""
    parts = [seg.text or ""]
    for child in seg:
        if isinstance(child.tag, str) and etree.QName(child).localname not in TMX_CODES:
            parts.append(_segment_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def read_tmx(content: bytes, name: str) -> list[tuple[str, str, str]]:
    """(language, English, translation) of every pair the TMX holds in a language idm
    translates into; a translation unit may hold several languages."""
    check_size(len(content), name)
    # TMX files name their DTD ("tmx14.dtd"), which is never read; entities are refused.
    if b"<!ENTITY" in content:
        raise _file_problem(_("The file declares entities; a TMX file needs none."))
    try:
        root = parse_xml(content)
    except etree.XMLSyntaxError as error:
        raise _file_problem(_("'%(name)s' is not a TMX file: %(error)s") % {
            "name": shown(name), "error": shown(str(error))}) from None
    if etree.QName(root).localname != "tmx":
        raise _file_problem(_("'%(name)s' is not a TMX file.") % {"name": shown(name)})
    lang_attribute = "{http://www.w3.org/XML/1998/namespace}lang"
    pairs, problems = [], []
    for number, tu in enumerate(root.iter("tu"), 1):
        segments = {}
        for tuv in tu.iter("tuv"):
            seg = tuv.find("seg")
            language = language_code(tuv.get(lang_attribute) or tuv.get("lang"))
            if seg is not None:
                segments[language] = one_line(_segment_text(seg))
        english = segments.get("en", "")
        if not english:
            problems.append(Problem(str(tu.get("tuid") or number), "tuv",
                                    _("No English segment.")))
            continue
        pairs.extend((language, english, target) for language, target in segments.items()
                     if language in LANGUAGES and language != "en"
                     and target)
    if problems:
        raise TranslationFileError(problems)
    return pairs
