"""Which consultation fields are kept in English, French and Spanish."""

from modeltranslation.translator import TranslationOptions, register

from idm.consultations.models import Consultation


@register(Consultation)
class ConsultationTranslation(TranslationOptions):
    fields = ("title",)
