"""Every text an edition prints or shows, field by field: its English, its translation in one
language, where it is edited, and whether the edition can be built without it.

The report check (`document.check`), the translation exchange files (`exchange`) and the
translation status page read this one list, so they always agree on what a language lacks.

    fields(publication, "fr")    -> [Field, ...] in reading order
    fixed_texts(publication, "fr") -> the report's fixed texts in French, a translator's first
"""

import re
from dataclasses import dataclass, field

from django.db.models import CharField, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from idm.core.languages import LANGUAGES
from idm.deliberation.models import KeyMessage, text_key
from idm.dialogues.agenda import sessions_by_workshop
from idm.publications.models import AbbreviationEntry, Publication, ReportText

PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# Spaces, tabs and line breaks (and the control characters XML cannot hold) become one space;
# no-break spaces stay, as French typography needs them ("N° 28", "migrations : ").
SPACING = re.compile(r"[\x00-\x20\x7f]+")
# What `filled` fills in: a named placeholder, or a percent sign written twice.
FILLED = re.compile(r"%\((\w+)\)s|%%")

# The report's fixed texts: the interface's catalogue translates them; a translator may give a
# publication its own wording (ReportText).
FIXED_TEXTS = {
    "contents": gettext_lazy("Contents"),
    "abbreviations": gettext_lazy("Abbreviations and acronyms"),
    "report": gettext_lazy("Report of the workshops"),
    "introduction": gettext_lazy("Introduction"),
    "conclusions": gettext_lazy("Conclusions"),
    "recommendations": gettext_lazy("Recommendations"),
    "appendices": gettext_lazy("Appendices"),
    "key_message": gettext_lazy("Key message"),
    "participants_said": gettext_lazy("What participants said"),
    "page": gettext_lazy("Page"),
    "isbn": gettext_lazy("ISBN"),
    "isbn_pdf": gettext_lazy("ISBN (PDF)"),
    "issn": gettext_lazy("ISSN"),
    "reference_number": gettext_lazy("Reference number"),
    "also_available": gettext_lazy("Also available in:"),
    "publisher": gettext_lazy("Publisher"),
    "demonstration": gettext_lazy("Demonstration"),
    "draft": gettext_lazy("draft"),
    "review_draft": gettext_lazy("Draft for review – not for publication"),
    "review_note": gettext_lazy(
        "This review draft holds key messages and recommendations that are still drafts, each "
        "marked “(draft)”. It is not the published edition: do not quote or circulate it."),
    "number_label": gettext_lazy("No. %(number)s"),
    "final_agenda": gettext_lazy("Final agenda, %(city)s"),
    "participants_figure": gettext_lazy("Participants and speakers by stakeholder category"),
    "practices": gettext_lazy("Practices presented at the dialogue"),
    "practices_cited": gettext_lazy("Practices cited (see the appendix):"),
    "implemented_by": gettext_lazy("Implemented by"),
    "partners": gettext_lazy("Partners"),
    "presented_in": gettext_lazy("Presented in"),
    "illustrative_practice": gettext_lazy("Illustrative: made up for the demonstration."),
    # Translators: who said a quoted statement, then where: "Italy (General debate of …)".
    "attribution": gettext_lazy("%(speaker)s (%(source)s)"),
    "demonstration_note": gettext_lazy(
        "Demonstration edition, built by idm from demonstration data. The identifiers and the "
        "key messages' titles are those of the real publication; the rest of the text is not: "
        "the key messages' texts were written for the demonstration, speakers in illustrative "
        "sessions are fictional, and quoted statements from the UN General Debate were made "
        "there, not at the dialogue."),
    "demonstration_translation": gettext_lazy(
        "This edition's text is a demonstration translation, written for idm's demonstration: "
        "it is not IOM's official translation."),
}


def one_line(text: str) -> str:
    """`text` on one line: its spacing made single spaces, no-break spaces kept."""
    return SPACING.sub(" ", text or "").strip(" ")


def filled(template: str, **values) -> str:
    """A fixed text with its %(name)s placeholders filled in; any other percent sign is the
    text's own. A translator's wording may say "100 %" (French typography), which Python's %
    operator would refuse, and the build of every edition in the language with it."""
    def fill(match: re.Match) -> str:
        if match.group() == "%%":
            return "%"
        name = match.group(1)
        return str(values[name]) if name in values else match.group()

    return FILLED.sub(fill, template)


def paragraphs(text: str) -> list[str]:
    """A text's paragraphs (split on blank lines), each on one line."""
    return [one_line(p) for p in PARAGRAPH_BREAK.split(text or "") if one_line(p)]


def fixed_texts(publication: Publication, language: str) -> dict[str, str]:
    """The report's fixed texts in `language`: the publication's own wording where a translator
    gave one, else the interface's."""
    own = {t.key: t.text for t in ReportText.objects.filter(publication=publication,
                                                           language=language)}
    with translation.override(language):
        return {key: own.get(key) or str(text) for key, text in FIXED_TEXTS.items()}


@dataclass
class Field:
    """One text: `key` names it for good (the exchange files' unit ids start with it)."""

    key: str
    what: str              # "Key message 3", "Session “Panel 1” (2018-new-york)"
    name: str              # the field: "title", "body", "quote"
    english: str
    translated: str        # in the language asked for; "" when it has none
    blocks: bool           # the edition cannot be built without it
    multiline: bool        # paragraphs separated by blank lines, one exchange unit each
    max_length: int | None
    edit_url: str
    obj: object = None     # the model instance the text belongs to, when it is one field of it
    catalogue: str = ""    # a fixed text: the interface's translation
    extra: dict = field(default_factory=dict)

    @property
    def missing(self) -> bool:
        return bool(self.english.strip()) and not self.translated.strip()

    @property
    def units(self) -> list[tuple[str, str]]:
        """(unit id, English) for each paragraph of a multi-line text, or the whole text."""
        if not self.english.strip():
            return []
        if not self.multiline:
            return [(self.key, one_line(self.english))]
        return [(f"{self.key}/{n}", text) for n, text in enumerate(paragraphs(self.english), 1)]

    def translated_units(self) -> dict[str, str]:
        """The translation, unit by unit; a multi-line one only when its paragraphs match the
        English's one for one (otherwise no paragraph can be said to translate another)."""
        if not self.translated.strip():
            return {}
        if not self.multiline:
            return {self.key: one_line(self.translated)}
        ids = [unit for unit, _english in self.units]
        texts = paragraphs(self.translated)
        return dict(zip(ids, texts, strict=True)) if len(texts) == len(ids) else {}


def _admin(obj) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


def _model_field(obj, name: str, what: str, language: str, *, blocks: bool,
                 edit_url: str = "") -> Field:
    meta = obj._meta
    model_field = meta.get_field(f"{name}_en")
    return Field(
        key=f"{meta.app_label}.{meta.model_name}/{obj.pk}/{name}", what=what, name=name,
        english=getattr(obj, f"{name}_en") or "",
        translated=(getattr(obj, f"{name}_{language}") or "") if language != "en" else "",
        blocks=blocks, multiline=model_field.get_internal_type() == "TextField",
        max_length=model_field.max_length, edit_url=edit_url or _admin(obj), obj=obj)


def printed_key_messages(publication: Publication, review: bool):
    key_messages = publication.dialogue.key_messages.all()
    return key_messages if review else key_messages.filter(status=KeyMessage.Status.FINAL)


def printed_recommendations(publication: Publication, review: bool):
    recommendations = publication.dialogue.recommendations.all()
    return recommendations if review else recommendations.filter(status=KeyMessage.Status.FINAL)


def dialogue_practices(publication: Publication, review: bool):
    """The published practices of the dialogue: those presented in its sessions or statements,
    and those its printed key messages cite; the report lists them in its appendix when it prints
    practices, numbered in this order in every edition."""
    from idm.practices.models import Practice

    dialogue = publication.dialogue
    presented = (Q(sessions__workshop__dialogue=dialogue)
                 | Q(statements__session__workshop__dialogue=dialogue)
                 | Q(key_messages__in=printed_key_messages(publication, review)))
    ids = Practice.objects.filter(presented, status=Practice.Status.PUBLISHED).values("pk")
    # By English title; one still without English sorts by the words it has.
    return (Practice.objects.filter(pk__in=ids)
            .annotate(sort_title=Coalesce(*(NullIf(f"title_{code}", Value("")) for code in LANGUAGES),
                                    output_field=CharField()))
            .order_by("sort_title", "pk"))


def quoted(evidence) -> str:
    return evidence.quote or evidence.statement.text


def fields(publication: Publication, language: str, *, review: bool = False) -> list[Field]:
    """Every text of the edition in `language`, in reading order: first what the report prints
    (which blocks a build when missing), then what the pages show around it. Only what the build
    holds blocks: a draft key message needs its translation in a review draft only."""
    dialogue = publication.dialogue
    found: list[Field] = []
    organizations = {}

    def add(obj, what: str, *names: str, blocks: bool = True, edit_url: str = "") -> None:
        found.extend(_model_field(obj, name, what, language, blocks=blocks, edit_url=edit_url)
                     for name in names)

    add(publication, _("Publication"), "title", "subtitle", "introduction", "conclusions",
        "rights")
    add(dialogue.series, _("Series"), "name")
    key_messages = list(printed_key_messages(publication, review).order_by("number")
                        .prefetch_related("evidence__statement__translations"))
    for key_message in key_messages:
        add(key_message, _("Key message %(number)s") % {"number": key_message.number},
            "title", "body")
    for recommendation in printed_recommendations(publication, review).order_by(
            "addressee", "order", "pk"):
        add(recommendation, _("Recommendation to %(addressee)s (%(start)s…)") % {
            "addressee": recommendation.get_addressee_display(),
            "start": recommendation.text_en[:40]}, "text")
    found.extend(_quotes(key_messages, language))
    # The dialogue's practices go to its translators whether or not the report prints them.
    for practice in dialogue_practices(publication, review).prefetch_related(
            "implementers", "partners"):
        add(practice, _("Practice “%(title)s”") % {"title": practice.title_en or practice.title},
            "title", "summary", blocks=publication.practices)
        organizations.update((o.pk, o) for o in practice.implementers.all())
        organizations.update((o.pk, o) for o in practice.partners.all())
    workshops = list(dialogue.workshops.order_by("first_day"))
    sessions = sessions_by_workshop(workshops)
    for workshop in workshops:
        add(workshop, _("Workshop %(slug)s") % {"slug": workshop.slug}, "title", "city", "venue")
        for session in sessions[workshop.pk]:
            add(session, _("Session “%(title)s” (%(slug)s)") % {
                "title": session.title_en, "slug": workshop.slug}, "title", "description")
        for session in sessions[workshop.pk]:
            for link in session.roles.all():
                add(link, _("%(person)s in “%(session)s”") % {
                    "person": link.person.full_name, "session": session.title_en},
                    "title", "organization_name", edit_url=_admin(session))
                if link.organization_id:
                    organizations[link.organization_id] = link.organization
    for event in dialogue.reference_events.all():
        add(event, _("Reference event %(slug)s") % {"slug": event.slug}, "title")
    # What the pages show besides the report: useful, never in the way of a build.
    add(publication, _("Publication"), "abstract", "publisher", "publisher_address",
        blocks=False)
    add(dialogue, _("Dialogue %(number)s") % {"number": dialogue.number}, "theme",
        "description", blocks=False)
    for organization in sorted(organizations.values(), key=lambda o: o.name_en or ""):
        add(organization, _("Organization"), "name", blocks=False)
    found.extend(_abbreviations(publication, language))
    found.extend(_fixed(publication, language))
    return found


def _quotes(key_messages, language: str) -> list[Field]:
    """The English statements a key message quotes; a quote in another language is printed as
    it was said, so it needs nothing."""
    found, seen = [], set()
    for key_message in key_messages:
        for evidence in key_message.evidence.all():
            statement = evidence.statement
            words = quoted(evidence)
            key = f"deliberation.statement/{statement.pk}/quote/{text_key(words)[:12]}"
            if (not statement.complete or statement.language != "en" or key in seen
                    or not words.strip()):
                continue
            seen.add(key)
            translated = next((t.text for t in statement.translations.all()
                               if t.language == language and t.source_key == text_key(words)),
                              "") if language != "en" else ""
            found.append(Field(
                key=key, what=_("Quote in key message %(number)s") % {
                    "number": key_message.number},
                name="quote", english=words, translated=translated, blocks=True,
                multiline=False, max_length=None,
                edit_url=reverse("admin:deliberation_quotetranslation_changelist")
                + f"?statement__id__exact={statement.pk}",
                obj=statement))
    return found


def _abbreviations(publication: Publication, language: str) -> list[Field]:
    """The long forms the rapporteur gave the English list; the same abbreviation in `language`
    gets its own entry. Abbreviations the texts define themselves need nothing here."""
    entries = AbbreviationEntry.objects.filter(publication=publication)
    english = [e for e in entries if e.language == "en" and e.long and not e.removed]
    own = {e.short: e.long for e in entries if e.language == language and e.long}
    url = reverse("publications:abbreviations", args=[publication.dialogue.number])
    return [Field(key=f"abbreviation/{e.short}", what=_("Abbreviation %(short)s") % {
        "short": e.short}, name="long", english=e.long,
        translated=own.get(e.short, "") if language != "en" else "", blocks=False,
        multiline=False, max_length=AbbreviationEntry._meta.get_field("long").max_length,
        edit_url=url, extra={"short": e.short}) for e in english]


def _fixed(publication: Publication, language: str) -> list[Field]:
    own = {t.key: t.text for t in ReportText.objects.filter(publication=publication,
                                                           language=language)}
    url = reverse("admin:publications_reporttext_changelist")
    with translation.override(language):
        catalogue = {key: str(text) for key, text in FIXED_TEXTS.items()}
    with translation.override("en"):
        english = {key: str(text) for key, text in FIXED_TEXTS.items()}
    found = []
    # The interface's catalogue translates every one of them (make test checks it), so a fixed
    # text is never missing; a translator may still give the publication its own wording.
    for key, source in english.items():
        found.append(Field(key=f"text/{key}", what=_("Report text"), name=key, english=source,
                           translated=own.get(key, catalogue[key]) if language != "en" else "",
                           blocks=False, multiline=False, max_length=None, edit_url=url,
                           catalogue=catalogue[key]))
    return found
