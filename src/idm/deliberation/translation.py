"""Which deliberation fields are kept in English, French and Spanish."""

from modeltranslation.translator import TranslationOptions, register

from idm.deliberation.models import KeyMessage, Recommendation, ReferenceEvent


@register(KeyMessage)
class KeyMessageTranslation(TranslationOptions):
    fields = ("title", "body")


@register(Recommendation)
class RecommendationTranslation(TranslationOptions):
    fields = ("text",)


@register(ReferenceEvent)
class ReferenceEventTranslation(TranslationOptions):
    fields = ("title",)
