"""Which reference-data fields are kept in English, French and Spanish."""

from modeltranslation.translator import TranslationOptions, register

from idm.core.models import Country, GcmObjective, GuidingPrinciple, SdgTarget, StakeholderCategory


@register(GcmObjective)
class GcmObjectiveTranslation(TranslationOptions):
    fields = ("short_title", "title")


@register(GuidingPrinciple)
class GuidingPrincipleTranslation(TranslationOptions):
    fields = ("name",)


@register(SdgTarget)
class SdgTargetTranslation(TranslationOptions):
    fields = ("title",)


@register(StakeholderCategory)
class StakeholderCategoryTranslation(TranslationOptions):
    fields = ("name",)


@register(Country)
class CountryTranslation(TranslationOptions):
    fields = ("name", "region", "subregion", "intermediate_region")
