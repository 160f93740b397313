"""Which practice fields are kept in English, French and Spanish."""

from modeltranslation.translator import TranslationOptions, register

from idm.practices.models import Practice


@register(Practice)
class PracticeTranslation(TranslationOptions):
    fields = ("title", "summary")
