"""Template filters for statements' suggested tags (tag_suggestions.py)."""

from django import template

register = template.Library()


@register.filter
def suggestion(scores: dict | None, key):
    """The score with which `key` (a GCM objective's number, an SDG target's code) is suggested,
    or None."""
    return (scores or {}).get(key)
