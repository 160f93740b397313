"""The report as one document model, assembled from the dialogue's data in one language.

Every renderer (Typst for PDF, HTML, and pandoc from the HTML for DOCX and EPUB) reads this
model and nothing else. It is plain data (JSON), so a build can keep it beside its files.

A regular build holds the final key messages and recommendations only; a review draft
(`review=True`) holds the drafts too, each marked, and says on every page what it is.

    check(publication, "fr")    -> the fields a French report would lack, before building
    notices(publication)        -> what a build leaves out, as warnings that stop nothing
    assemble(publication, "fr") -> the document (raises MissingTranslations if any is lacking)
"""

from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from idm.consultations import services as consultations
from idm.core.languages import LANGUAGE_NAMES
from idm.deliberation import privacy
from idm.deliberation.models import KeyMessage, Recommendation, Statement, text_key
from idm.dialogues import statistics
from idm.dialogues.agenda import printed_agenda, sessions_by_workshop
from idm.dialogues.models import Session, Workshop
from idm.publications import texts
from idm.publications.models import Edition, Publication
from idm.synthesis.abbreviations import collect


@dataclass(frozen=True)
class Missing:
    what: str
    field: str
    language: str

    def __str__(self):
        return _("%(what)s: %(field)s is missing in %(language)s") % {
            "what": self.what, "field": self.field, "language": LANGUAGE_NAMES[self.language]}


class MissingTranslations(Exception):
    def __init__(self, language: str, missing: list[Missing]):
        self.language, self.missing = language, missing
        super().__init__(f"{len(missing)} field(s) missing in {language}")


# Before building: what a language lacks, what a build leaves out ---------------------------------


def check(publication: Publication, language: str, *, review: bool = False) -> list[Missing]:
    """Every printed field the report would lack in `language`, named; never filled in silently.
    Only what the build holds counts: a draft key message needs its translation in a review
    draft, not in a regular build."""
    found = texts.fields(publication, language, review=review)
    # English is the source every translation starts from: a printed title lacking there (a
    # practice submitted in French, say) is missing in every edition, named as English.
    untitled = [Missing(f.what, f.name, "en") for f in found
                if f.blocks and f.name == "title" and f.obj is not None
                and not (getattr(f.obj, "title_en", "") or "").strip()]
    if language == "en":
        return untitled
    return untitled + [Missing(f.what, f.name, language) for f in found if f.blocks and f.missing]


def notices(publication: Publication, *, review: bool = False) -> list[str]:
    """What a regular build leaves out because it is still a draft, said plainly; a build goes
    ahead all the same (a report may be built before its key messages are final)."""
    if review:
        return []
    dialogue = publication.dialogue
    said = []
    drafts = sorted(dialogue.key_messages.filter(status=KeyMessage.Status.DRAFT)
                    .values_list("number", flat=True))
    if not dialogue.key_messages.filter(status=KeyMessage.Status.FINAL).exists():
        said.append(_("No key message is final yet: the report has no key message chapter. "
                      "Mark them final, or build a review draft."))
    elif drafts:
        said.append(ngettext(
            "Key message %(numbers)s is a draft: the report leaves it out.",
            "Key messages %(numbers)s are drafts: the report leaves them out.",
            len(drafts)) % {"numbers": ", ".join(str(n) for n in drafts)})
    recommendations = dialogue.recommendations.filter(status=KeyMessage.Status.DRAFT).count()
    if recommendations and not dialogue.recommendations.filter(
            status=KeyMessage.Status.FINAL).exists():
        said.append(_("No recommendation is final yet: the report has none. Mark them final, "
                      "or build a review draft."))
    elif recommendations:
        said.append(ngettext(
            "%(count)d recommendation is a draft: the report leaves it out.",
            "%(count)d recommendations are drafts: the report leaves them out.",
            recommendations) % {"count": recommendations})
    return said


# Assembly ---------------------------------------------------------------------------------------


class _Numbering:
    """Paragraphs are numbered through the report, for citation."""

    def __init__(self):
        self.next = 1

    def paragraphs(self, text: str) -> list[dict]:
        blocks = []
        for paragraph in texts.paragraphs(text):
            blocks.append({"type": "paragraph", "number": self.next, "text": paragraph})
            self.next += 1
        return blocks


def _quote(statement: Statement, quote: str, groups: dict, language: str, fixed: dict) -> dict:
    """A quoted statement and its attribution line, composed here once so that every format
    reads the same: "Name, Title, Organization (New York, Panel 1: …)", "Italy (General debate
    of the 73rd UN General Assembly, September 2018)". A statement in another language is quoted
    in the edition's language where a translator gave the words, else as it was said."""
    if statement.session_id:
        source = f"{statement.session.workshop.city}, {statement.session.title}"
    else:
        source = statement.reference_event.title
    speaker = privacy.public_speaker(statement, groups)
    words, words_language = quote or statement.text, statement.language
    if words_language != language:
        key = text_key(words)
        for translated in statement.translations.all():
            if translated.language == language and translated.source_key == key:
                words, words_language = translated.text, language
    attribution = texts.filled(fixed["attribution"], speaker=speaker, source=source)
    return {"type": "quote", "text": words, "speaker": speaker, "source": source,
            "attribution": attribution, "language": words_language, "statement": statement.pk}


def _chart_in_words(chart: dict) -> str:
    """A chart's alternative text: every figure it shows, for readers who cannot see it."""
    rows = [f"{label}: " + ", ".join(f"{name} {values[i]}" for name, values in chart["series"])
            for i, label in enumerate(chart["labels"])]
    return f"{chart['title']}. {'; '.join(rows)}."


def _evidence_blocks(evidence, groups: dict, language: str, fixed: dict) -> list[dict]:
    return [_quote(e.statement, e.quote, groups, language, fixed) for e in evidence
            if e.statement.complete]


def _consultation_lines(obj: KeyMessage | Recommendation) -> list[str]:
    """One sentence per consultation the key message or recommendation was put to, from its latest
    analysis: votes, agreement, group-informed consensus (publication.consultation_figures)."""
    lines = []
    for f in consultations.figures_for(obj):
        if not f["votes"]:
            continue
        numbers = {"agree": f["agree"], "votes": f["votes"], "disagree": f["disagree"],
                   "passed": f["pass"],
                   "percent": formats.number_format(round(100 * f["agree_share"])),
                   "gic": formats.number_format(f["group_informed_consensus"], 2)}
        workshop = f["consultation"].workshop
        if workshop is not None:
            line = _("Consultation of participants in %(city)s: %(agree)s of %(votes)s agreed "
                     "(%(percent)s%%), %(disagree)s disagreed and %(passed)s passed; group-informed "
                     "consensus %(gic)s.") % {**numbers, "city": workshop.city}
        else:
            line = _("Consultation of participants: %(agree)s of %(votes)s agreed (%(percent)s%%), "
                     "%(disagree)s disagreed and %(passed)s passed; group-informed consensus "
                     "%(gic)s.") % numbers
        if f["consensus"]:
            line += " " + _("A consensus statement.")
        if f["consultation"].illustrative:
            line += " " + _("(Illustrative votes: no such vote took place.)")
        lines.append(line)
    return lines


def _practices(publication: Publication, review: bool) -> list[dict]:
    """The appendix's practices, numbered, as the report prints them."""
    if not publication.practices:
        return []
    found = texts.dialogue_practices(publication, review).prefetch_related(
        "implementers", "partners", "countries", "key_messages",
        Prefetch("sessions", Session.objects.filter(workshop__dialogue=publication.dialogue)
                 .select_related("workshop").order_by("start", "order", "pk")))
    printed = []
    for number, practice in enumerate(found, 1):
        where = (_("Global") if practice.worldwide
                 else ", ".join(sorted(c.name for c in practice.countries.all())))
        facts = [practice.get_type_display(), practice.get_level_display()] + ([where] if where else [])
        printed.append({
            "number": number, "pk": practice.pk, "title": practice.title,
            "summary": texts.one_line(practice.summary), "facts": " · ".join(facts),
            "implemented_by": _names(practice.implementers.all()),
            "partners": _names(practice.partners.all()),
            "presented_in": "; ".join(f"{s.workshop.city}, {s.title}" for s in practice.sessions.all()),
            "illustrative": practice.illustrative,
            "key_messages": [k.pk for k in practice.key_messages.all()],
        })
    return printed


def _names(organizations) -> str:
    """Organizations by the names printed, whatever the database: ordered by the language's
    column, one without a translation would come first on SQLite and last on PostgreSQL."""
    return "; ".join(sorted((str(o) for o in organizations), key=str.casefold))


def _citation(key_message: KeyMessage, practices: list[dict], fixed: dict) -> list[dict]:
    """The line under a key message that names the practices it cites, by their number in the
    appendix."""
    cited = [f"{p['number']}. {p['title']}" for p in practices if key_message.pk in p["key_messages"]]
    return [{"type": "citation", "text": f"{fixed['practices_cited']} {'; '.join(cited)}."}] if cited else []


def _agenda(workshop: Workshop, sessions) -> dict:
    """The agenda the agenda PDF prints too, marks of a demonstration included."""
    return {"type": "agenda", **printed_agenda(workshop, sessions)}


# The fixed texts the renderers print as labels.
LABELS = ("contents", "abbreviations", "report", "introduction", "conclusions",
          "recommendations", "appendices", "key_message", "participants_said", "page", "isbn",
          "isbn_pdf", "issn", "reference_number", "also_available", "publisher", "demonstration",
          "draft", "review_draft", "review_note", "implemented_by", "partners", "presented_in",
          "illustrative_practice")


def assemble(publication: Publication, language: str, *, review: bool = False,
             strict: bool = True, building: tuple[str, ...] = ()) -> dict:
    """The report in `language`, final texts only or, as a `review` draft, drafts too; with
    `strict`, refuses when a printed field lacks its translation (the list says which)."""
    missing = check(publication, language, review=review)
    if strict and missing:
        raise MissingTranslations(language, missing)
    with translation.override(language):
        return _assemble(publication, language, review, building)


def _assemble(publication: Publication, language: str, review: bool,
              building: tuple[str, ...]) -> dict:
    dialogue = publication.dialogue
    edition = publication.editions.filter(language=language).first() or Edition(
        publication=publication, language=language)
    numbering = _Numbering()
    sections: list[dict] = []
    fixed = texts.fixed_texts(publication, language)

    introduction = numbering.paragraphs(publication.introduction)
    stats = statistics.for_dialogue(dialogue)
    if stats.participants:
        introduction.append({"type": "paragraph", "number": numbering.next,
                             "text": stats.sentence})
        numbering.next += 1
        chart = statistics.chart_data(stats, "category")
        introduction.append({"type": "figure", "name": "participants-by-category",
                             "svg": statistics.chart_svg(stats, "category"), "chart": chart,
                             "caption": fixed["participants_figure"],
                             "alt": _chart_in_words(chart)})
    sections.append({"part": "report", "id": "introduction", "number": None,
                     "title": fixed["introduction"], "blocks": introduction})

    key_messages = (texts.printed_key_messages(publication, review).prefetch_related(
        "evidence__statement__person", "evidence__statement__speaker_category",
        "evidence__statement__session__workshop", "evidence__statement__session__roles__person",
        "evidence__statement__reference_event", "evidence__statement__translations",
        "evidence__statement__speaker_country")
        .order_by("number"))
    # Who may be named as a category among the Chatham House speakers: counted once for all.
    groups = privacy.speaker_groups(e.statement for k in key_messages for e in k.evidence.all())
    practices = _practices(publication, review)
    for key_message in key_messages:
        blocks = numbering.paragraphs(key_message.body)
        if publication.consultation_figures:
            blocks.extend({"type": "consultation", "text": line}
                          for line in _consultation_lines(key_message))
        blocks.extend(_citation(key_message, practices, fixed))
        quotes = _evidence_blocks(key_message.evidence.all(), groups, language, fixed)
        if quotes:
            blocks.append({"type": "heading", "text": fixed["participants_said"]})
            blocks.extend(quotes)
        sections.append({"part": "report", "id": f"key-message-{key_message.number}",
                         "number": str(key_message.number), "title": key_message.title,
                         "draft": key_message.status == KeyMessage.Status.DRAFT,
                         "blocks": blocks})

    sections.append({"part": "report", "id": "conclusions", "number": None,
                     "title": fixed["conclusions"],
                     "blocks": numbering.paragraphs(publication.conclusions)})

    groups = []
    by_addressee: dict[str, list[Recommendation]] = {}
    for recommendation in texts.printed_recommendations(publication, review).order_by(
            "addressee", "order", "pk"):
        by_addressee.setdefault(recommendation.addressee, []).append(recommendation)
    for addressee in Recommendation.Addressee.values:
        items = by_addressee.get(addressee, [])
        if items:
            groups.append({"addressee": str(Recommendation.Addressee(addressee).label),
                           "items": [{"number": numbering.next + i, "text": r.text,
                                      "draft": r.status == KeyMessage.Status.DRAFT,
                                      "consultation": _consultation_lines(r)
                                      if publication.consultation_figures else []}
                                     for i, r in enumerate(items)]})
            numbering.next += len(items)
    sections.append({"part": "report", "id": "recommendations", "number": None,
                     "title": fixed["recommendations"],
                     "blocks": [{"type": "recommendations", "groups": groups}] if groups else []})

    workshops = list(dialogue.workshops.order_by("first_day"))
    sessions = sessions_by_workshop(workshops)
    for workshop in workshops:
        sections.append({"part": "appendices", "id": f"agenda-{workshop.slug}", "number": None,
                         "title": texts.filled(fixed["final_agenda"], city=workshop.city),
                         "blocks": [_agenda(workshop, sessions[workshop.pk])]})
    if practices:
        sections.append({"part": "appendices", "id": "practices", "number": None,
                         "title": fixed["practices"],
                         "blocks": [{"type": "practices", "items": practices}]})

    abbreviations = _abbreviations(publication, language, sections)
    # "Also available in": the other languages that exist: built, not only as a review draft,
    # or built now with this one (`building`: the languages of a regular build).
    other_editions = (publication.editions.exclude(language=language)
                      .filter(Q(versions__review=False) | Q(language__in=building))
                      .distinct().order_by("language"))
    meta = {
        "language": language,
        "series": dialogue.series.name, "number": dialogue.number,
        "number_label": texts.filled(fixed["number_label"], number=dialogue.number),
        "title": edition.printed_title or publication.title,
        "subtitle": publication.subtitle, "publisher": publication.publisher,
        "publisher_address": publication.publisher_address, "year": publication.year,
        "rights": publication.rights, "isbn": edition.isbn, "isbn_pdf": edition.isbn_pdf,
        "issn": edition.issn or dialogue.series.issn(language),
        "reference_number": edition.reference_number,
        "also_available": [{"language": e.language,
                            "language_name": LANGUAGE_NAMES[e.language],
                            "title": e.printed_title, "isbn": e.isbn} for e in other_editions],
        "demonstration": publication.demonstration, "review": review,
        "demonstration_note": _demonstration_note(publication, language, fixed),
    }
    return {"language": language, "meta": meta,
            "labels": {key: fixed[key] for key in LABELS},
            "abbreviations": abbreviations, "sections": sections}


def _demonstration_note(publication: Publication, language: str, fixed: dict) -> str:
    if not publication.demonstration:
        return ""
    if language == publication.original_language:
        return fixed["demonstration_note"]
    return f"{fixed['demonstration_note']} {fixed['demonstration_translation']}"


def _texts(sections: list[dict]):
    for section in sections:
        yield section["title"]
        for block in section["blocks"]:
            if block["type"] in ("paragraph", "quote", "heading"):
                yield block["text"]
            elif block["type"] == "practices":
                yield from (t for p in block["items"] for t in (p["title"], p["summary"]))
            elif block["type"] == "recommendations":
                yield from (item["text"] for g in block["groups"] for item in g["items"])
            elif block["type"] == "agenda":
                for day in block["days"]:
                    for session in day["sessions"]:
                        yield session["title"]
                        yield session["description"]
                        yield from (s["affiliation"] for s in session["speakers"])


def _abbreviations(publication: Publication, language: str, sections: list[dict]) -> list[dict]:
    entries = publication.abbreviations.filter(language=language)
    found = collect(_texts(sections),
                    additions={e.short: e.long for e in entries if not e.removed and e.long},
                    removals={e.short for e in entries if e.removed})
    return [{"short": d.short, "long": d.long} for d in found]


def table_of_contents(document: dict) -> list[dict]:
    """The entries the catalogue page lists (the PDF's own has page numbers)."""
    entries = [{"title": document["labels"]["abbreviations"], "part": "front"}]
    for section in document["sections"]:
        title = section["title"]
        if section["number"]:
            title = f"{section['number']}. {title}"
        entries.append({"title": title, "part": section["part"]})
    return entries

