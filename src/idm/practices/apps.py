"""The practices app."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticesConfig(AppConfig):
    name = "idm.practices"
    label = "practices"
    verbose_name = _("Practices and partnerships")
