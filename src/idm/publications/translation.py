"""Which publication fields are kept in English, French and Spanish."""

from modeltranslation.translator import TranslationOptions, register

from idm.publications.models import Publication


@register(Publication)
class PublicationTranslation(TranslationOptions):
    fields = ("title", "subtitle", "abstract", "introduction", "conclusions", "rights", "publisher",
              "publisher_address")
