"""The practices app."""

from django.apps import AppConfig
from django.db.models.signals import post_delete
from django.utils.translation import gettext_lazy as _


class PracticesConfig(AppConfig):
    name = "idm.practices"
    label = "practices"
    verbose_name = _("Practices and partnerships")

    def ready(self):
        from idm.practices.models import Practice

        # However a practice goes (the admin, a script), its search entry goes with it, as a
        # statement's does.
        post_delete.connect(_unindex_practice, sender=Practice, dispatch_uid="idm-unindex-practice")


def _unindex_practice(sender, instance, **kwargs):
    from idm.core import search
    from idm.practices.services import SEARCH_KIND

    search.remove(SEARCH_KIND, instance.pk)
