"""Which dialogue fields are kept in English, French and Spanish."""

from modeltranslation.translator import TranslationOptions, register

from idm.dialogues.models import (
    Dialogue,
    Organization,
    RegistrationQuestion,
    Series,
    Session,
    SessionRole,
    Workshop,
)


@register(Series)
class SeriesTranslation(TranslationOptions):
    fields = ("name",)


@register(Dialogue)
class DialogueTranslation(TranslationOptions):
    fields = ("theme", "description")


@register(Workshop)
class WorkshopTranslation(TranslationOptions):
    fields = ("title", "city", "venue")


@register(Session)
class SessionTranslation(TranslationOptions):
    fields = ("title", "description")


@register(Organization)
class OrganizationTranslation(TranslationOptions):
    fields = ("name",)


@register(SessionRole)
class SessionRoleTranslation(TranslationOptions):
    fields = ("title", "organization_name")


@register(RegistrationQuestion)
class RegistrationQuestionTranslation(TranslationOptions):
    fields = ("label", "choices")
