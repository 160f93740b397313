"""The practices app."""

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class PracticesConfig(AppConfig):
    name = "idm.practices"
    label = "practices"
    verbose_name = _("Practices and partnerships")

    def ready(self):
        from idm.practices.models import Practice

        # However a practice changes or goes (the admin, a translation file, a script), its
        # search entry follows, as a statement's does.
        post_save.connect(_index_practice, sender=Practice, dispatch_uid="idm-index-practice")
        post_delete.connect(_unindex_practice, sender=Practice, dispatch_uid="idm-unindex-practice")
        _register_personal_data()


def _register_personal_data():
    from idm.core.personal_data import register
    from idm.practices import personal_data

    # The practices a person submitted, in what idm holds about them.
    register("practices", collect=personal_data.collect, erase=personal_data.erase)


def _index_practice(sender, instance, raw=False, **kwargs):
    from idm.practices.services import reindex

    if not raw:  # a fixture being loaded: its relations are not there yet
        reindex(instance)


def _unindex_practice(sender, instance, **kwargs):
    from idm.core import search
    from idm.practices.services import SEARCH_KIND

    search.remove(SEARCH_KIND, instance.pk)
