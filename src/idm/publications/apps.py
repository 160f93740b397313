"""The publications app."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicationsConfig(AppConfig):
    name = "idm.publications"
    label = "publications"
    verbose_name = _("Publications")

    def ready(self):
        from idm.core.personal_data import register
        from idm.publications import personal_data

        # The published reports that print a person's name, in what idm holds about them.
        register("publications", collect=personal_data.collect, erase=personal_data.erase)
