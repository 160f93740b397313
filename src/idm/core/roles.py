"""The three roles (secretariat, rapporteur, participant) and the checks views make with them."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

SECRETARIAT = "secretariat"
RAPPORTEUR = "rapporteur"
PARTICIPANT = "participant"
ROLES = (SECRETARIAT, RAPPORTEUR, PARTICIPANT)

# What each role may do in the admin and the API, by app label; "view" = read only.
ROLE_PERMISSIONS = {
    SECRETARIAT: {"core": ("view",), "dialogues": ("add", "change", "delete", "view"),
                  "deliberation": ("add", "change", "delete", "view"),
                  "practices": ("add", "change", "delete", "view"),
                  "publications": ("add", "change", "delete", "view"),
                  # API tokens, which the secretariat makes and revokes in the admin.
                  "api": ("add", "change", "delete", "view")},
    RAPPORTEUR: {"core": ("view",), "dialogues": ("view",),
                 "deliberation": ("add", "change", "delete", "view"),
                 "practices": ("view",), "publications": ("view",)},
    PARTICIPANT: {},
}


def has_role(user, role: str) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name=role).exists()


def is_secretariat(user) -> bool:
    return has_role(user, SECRETARIAT)


def role_required(*allowed: str):
    """View decorator: the login page for visitors, 403 for users with none of the roles."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not any(has_role(request.user, role) for role in allowed):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def is_staff(user) -> bool:
    """The secretariat and the rapporteurs: they see drafts, names the attribution policy
    withholds from the public, and statistics."""
    return is_secretariat(user) or has_role(user, RAPPORTEUR)


secretariat_required = role_required(SECRETARIAT)
staff_required = role_required(SECRETARIAT, RAPPORTEUR)


def grant_role_permissions(sender=None, apps=None, using="default", **kwargs):
    """Creates the role groups and gives them their permissions; idempotent."""
    from django.contrib.auth.models import Group, Permission

    for role, by_app in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.using(using).get_or_create(name=role)
        wanted = []
        for app_label, actions in by_app.items():
            for action in actions:
                wanted.extend(
                    Permission.objects.using(using).filter(
                        content_type__app_label=app_label, codename__startswith=f"{action}_"
                    )
                )
        # The audit log is read-only for everyone.
        wanted = [p for p in wanted if p.codename in {"view_auditentry"}
                  or not p.codename.endswith("_auditentry")]
        group.permissions.set(wanted)
