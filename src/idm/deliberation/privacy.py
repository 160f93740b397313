"""How a statement's speaker is shown outside the secretariat: the attribution policy decides.

Attributed: the name and the affiliation. Not for attribution (Chatham House rule): only the
stakeholder category. Anonymous: nothing about the speaker. Every public page, every export and
the report go through `public_speaker`; nothing else reads a speaker's name for the public.
"""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from idm.deliberation.models import Statement


def public_speaker(statement: Statement) -> str:
    if statement.kind == Statement.Kind.NOTE and not statement.person_id:
        return _("Rapporteur's note")
    if statement.attribution == Statement.Attribution.ATTRIBUTED:
        name = statement.person.full_name if statement.person_id else statement.speaker_name
        affiliation = speaker_affiliation(statement)
        return f"{name}, {affiliation}" if affiliation else name
    if (statement.attribution == Statement.Attribution.NOT_FOR_ATTRIBUTION
            and statement.speaker_category_id):
        return _("A participant from the category “%(category)s”") % {
            "category": statement.speaker_category.name}
    return _("A participant")


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
    """Anonymous statements never reveal their speaker's category, not even through a filter."""
    return Q(speaker_category=category) & ~Q(attribution=Statement.Attribution.ANONYMOUS)
