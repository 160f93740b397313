"""Template filters for agendas: a workshop's dates as one short range."""

from django import template

from idm.dialogues.agenda import format_date_range

register = template.Library()


@register.filter
def dates(workshop) -> str:
    return format_date_range(workshop.first_day, workshop.last_day)
