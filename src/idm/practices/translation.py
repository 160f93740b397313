"""Which practice fields are kept in English, French and Spanish."""

from modeltranslation.translator import TranslationOptions, register

from idm.core.languages import LANGUAGES
from idm.practices.models import Practice


@register(Practice)
class PracticeTranslation(TranslationOptions):
    fields = ("title", "summary")
    # A practice may be submitted in French or Spanish alone: until it is translated, every
    # edition shows the words it has rather than nothing.
    fallback_languages = {"default": LANGUAGES}
