"""The dialogues app."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DialoguesConfig(AppConfig):
    name = "idm.dialogues"
    label = "dialogues"
    verbose_name = _("Dialogues and agendas")

    def ready(self):
        from idm.core.personal_data import register
        from idm.dialogues import personal_data

        # The person, their registrations and roles: the first part of what idm holds about them.
        register("dialogues", collect=personal_data.collect, erase=personal_data.erase,
                 anonymize=personal_data.anonymize, blockers=personal_data.blockers)
