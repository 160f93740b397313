"""The deliberation app."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliberationConfig(AppConfig):
    name = "idm.deliberation"
    label = "deliberation"
    verbose_name = _("Statements, key messages and recommendations")
