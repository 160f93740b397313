"""The core app: wires the role permissions after every migration, and registers the user
accounts as core's part of a person's data."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "idm.core"
    label = "core"
    verbose_name = _("Reference data and audit log")

    def ready(self):
        from idm.core import personal_data, roles

        # Permissions exist only after post_migrate, so the roles get theirs then.
        post_migrate.connect(roles.grant_role_permissions, dispatch_uid="idm-role-permissions")
        personal_data.register("core", collect=personal_data.collect_accounts,
                               erase=personal_data.erase_accounts)
