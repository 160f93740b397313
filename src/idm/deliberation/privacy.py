"""How a statement's speaker is shown outside the secretariat: the attribution policy decides.

Attributed: the name and the affiliation. Not for attribution (Chatham House rule): only the
stakeholder category, and only when enough of the session's speakers share it to hide among
(IDM_CHATHAM_HOUSE_MIN_GROUP, 3 by default); otherwise nothing, as for anonymous statements: the
agenda is public, and a category one panelist has names them. Anonymous: nothing about the
speaker. Every public page, every export and the report go through `public_speaker`; nothing else
reads a speaker's name for the public.
"""

from collections import defaultdict

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from idm.deliberation.models import Statement
from idm.dialogues.models import SessionRole

# (session id, reference event id, stakeholder category id): one of the two ids is None.
GroupKey = tuple[int | None, int | None, int]


def minimum_group() -> int:
    return getattr(settings, "IDM_CHATHAM_HOUSE_MIN_GROUP", 3)


def public_speaker(statement: Statement, groups: dict[GroupKey, int] | None = None) -> str:
    """`groups` (from `speaker_groups` over a page's statements) saves a page two queries per
    Chatham House statement; without it, the statement's group is counted here."""
    if statement.kind == Statement.Kind.NOTE and not statement.person_id:
        return _("Rapporteur's note")
    if statement.attribution == Statement.Attribution.ATTRIBUTED:
        name = statement.person.full_name if statement.person_id else _delegation(statement)
        affiliation = speaker_affiliation(statement)
        return f"{name}, {affiliation}" if affiliation else name
    if _shows_category(statement):
        if groups is None:
            groups = speaker_groups([statement])
        if groups.get(_group_key(statement), 0) >= minimum_group():
            return _("A participant from the category “%(category)s”") % {
                "category": statement.speaker_category.name}
    return _("A participant")


def _delegation(statement: Statement) -> str:
    """A speaker from the floor by name; a delegation named after its country ("Italy") in the
    reader's language ("Italie"). English pages need no country, so they load none."""
    name = statement.speaker_name
    if statement.speaker_country_id and get_language() not in (None, "en"):
        country = statement.speaker_country
        if name == country.name_en and country.name:
            return country.name
    return name


def _shows_category(statement: Statement) -> bool:
    return (statement.attribution == Statement.Attribution.NOT_FOR_ATTRIBUTION
            and statement.speaker_category_id is not None)


def _group_key(statement: Statement) -> GroupKey:
    return (statement.session_id, statement.reference_event_id, statement.speaker_category_id)


def speaker_groups(statements) -> dict[GroupKey, int]:
    """For the Chatham House statements among `statements`: how many distinct speakers of the
    same session (or reference event) share each one's stakeholder category. Two queries
    however many statements there are."""
    return _group_sizes({_group_key(s) for s in statements if _shows_category(s)})


def show_speakers(statements, *, staff: bool) -> list[Statement]:
    """Each statement's `shown_speaker`: the speaker as the reader may see them, the secretariat
    and rapporteurs the name, the public what the attribution policy allows. The pages and the
    API both show speakers this way."""
    statements = list(statements)
    groups = {} if staff else speaker_groups(statements)
    for statement in statements:
        statement.shown_speaker = (statement.speaker_display_internal if staff
                                   else public_speaker(statement, groups))
    return statements


def _group_sizes(keys: set[GroupKey]) -> dict[GroupKey, int]:
    """The speakers of a group: the people on the session's agenda whose organization is in the
    category, and whoever spoke in it under that category (a person, or a name from the floor)."""
    if not keys:
        return {}
    sessions = {session for session, _event, _category in keys if session}
    events = {event for _session, event, _category in keys if event}
    categories = {category for _session, _event, category in keys}
    speakers = defaultdict(set)
    on_agenda = (SessionRole.objects.order_by()
                 .filter(session_id__in=sessions, organization__category_id__in=categories)
                 .values_list("session_id", "person_id", "organization__category_id"))
    for session, person, category in on_agenda:
        speakers[(session, None, category)].add(person)
    said = (public_statements(Statement.objects.order_by())
            .filter(Q(session_id__in=sessions) | Q(reference_event_id__in=events),
                    speaker_category_id__in=categories)
            .values_list("session_id", "reference_event_id", "speaker_category_id", "person_id",
                         "speaker_name"))
    for session, event, category, person, name in said:
        speaker = person or " ".join(name.split()).casefold()
        if speaker:
            speakers[(session, event, category)].add(speaker)
    return {key: len(speakers.get(key, ())) for key in keys}


def speaker_affiliation(statement: Statement) -> str:
    """Title and organization as the agenda printed them, else as the statement records them."""
    if statement.person_id and statement.session_id:
        link = next((r for r in statement.session.roles.all()
                     if r.person_id == statement.person_id), None)
        if link is not None:
            return link.affiliation
    return statement.speaker_organization


def public_statements(queryset: QuerySet) -> QuerySet:
    """What the public may see at all: complete statements."""
    return queryset.filter(complete=True)


def public_speaker_filter(name: str) -> Q:
    """Filtering by a speaker's name must not find what the policy withholds."""
    words = name.split()
    condition = Q(attribution=Statement.Attribution.ATTRIBUTED)
    for word in words:
        condition &= (Q(person__family_name__icontains=word)
                      | Q(person__given_name__icontains=word)
                      | Q(speaker_name__icontains=word))
    return condition


def public_category_filter(category) -> Q:
    """A category filter finds no more than the labels show: never an anonymous statement, nor a
    Chatham House one whose group is too small to show its category (filtering a session by
    category would otherwise unmask its speaker)."""
    chatham_house = Statement.Attribution.NOT_FOR_ATTRIBUTION
    where = set(public_statements(Statement.objects.order_by())
                .filter(attribution=chatham_house, speaker_category=category)
                .values_list("session_id", "reference_event_id", "speaker_category_id")
                .distinct())
    too_small = [key for key, size in _group_sizes(where).items() if size < minimum_group()]
    condition = Q(speaker_category=category) & ~Q(attribution=Statement.Attribution.ANONYMOUS)
    if too_small:
        condition &= ~(Q(attribution=chatham_house)
                       & (Q(session_id__in=[s for s, _e, _c in too_small if s])
                          | Q(reference_event_id__in=[e for _s, e, _c in too_small if e])))
    return condition
