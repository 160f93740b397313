"""Template filters for GCM and SDG titles: the official wording in the page's language, or the
English text marked as English where no official translation is known."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext
from modeltranslation.utils import get_language

register = template.Library()


def _marker() -> str:
    # Said after an English title on a French or Spanish page: idm shows only official wording
    # (core/data/SOURCES.md) and knows none in this language for this title yet.
    return gettext("(English)")


@register.filter
def official(item, field: str):
    """`item`'s `field` as HTML: the text, or <span lang="en">text</span> and a visible marker."""
    text, language = item.wording(field)
    if language == get_language():
        return text
    return format_html('<span lang="{}">{}</span> <span class="muted">{}</span>',
                       language, text, _marker())


@register.filter
def official_text(item, field: str) -> str:
    """`item`'s `field` as plain text (a tooltip, a list option), marked if it is in English."""
    text, language = item.wording(field)
    return text if language == get_language() else f"{text} {_marker()}"
