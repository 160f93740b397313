"""The consultations app."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "idm.consultations"
    label = "consultations"
    verbose_name = _("Consultations")

    def ready(self):
        from idm.consultations import personal_data
        from idm.core.personal_data import register

        # A person's votes and submissions, in what idm holds about them.
        register("consultations", collect=personal_data.collect, erase=personal_data.erase,
                 anonymize=personal_data.anonymize, blockers=personal_data.blockers)
