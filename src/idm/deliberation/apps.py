"""The deliberation app."""

from django.apps import AppConfig
from django.db.models.signals import post_delete
from django.utils.translation import gettext_lazy as _


class DeliberationConfig(AppConfig):
    name = "idm.deliberation"
    label = "deliberation"
    verbose_name = _("Statements, key messages and recommendations")

    def ready(self):
        from idm.deliberation.models import Statement

        # However a statement goes (its service, the admin, a session deleted with its
        # statements), its search entry goes with it.
        post_delete.connect(_unindex_statement, sender=Statement,
                            dispatch_uid="idm-unindex-statement")
        _register_personal_data()


def _register_personal_data():
    from idm.core.personal_data import register
    from idm.deliberation import personal_data

    register("deliberation", collect=personal_data.collect, erase=personal_data.erase,
             anonymize=personal_data.anonymize)


def _unindex_statement(sender, instance, **kwargs):
    from idm.core import search
    from idm.deliberation.services import SEARCH_KIND

    search.remove(SEARCH_KIND, instance.pk)
