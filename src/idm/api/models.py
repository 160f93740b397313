"""API tokens: a named key of one user with the scopes it grants, stored only as a hash."""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from idm.api.scopes import SCOPES, allowed_scopes

KEY_START = "idm_"


def hash_key(key: str) -> str:
    """The SHA-256 of a key: what the database keeps, so that a copy of it opens nothing."""
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"),
                             on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100,
                            help_text=_("What the token is for: “report builder”, “website”."))
    # The start of the key, shown in lists and named to revoke it; the rest is never kept.
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(_("key hash (SHA-256)"), max_length=64, unique=True,
                                editable=False)
    scopes = models.JSONField(_("scopes"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True,
                                      help_text=_("Empty: until revoked."))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…, {self.user})"

    def clean(self):
        if not isinstance(self.scopes, list) or not all(isinstance(s, str) for s in self.scopes):
            raise ValidationError({"scopes": _("The scopes are a list of names.")})
        unknown = sorted(set(self.scopes) - set(SCOPES))
        if unknown:
            raise ValidationError({"scopes": _("Unknown scope(s): %(scopes)s. Known: %(known)s.")
                                   % {"scopes": ", ".join(unknown),
                                      "known": ", ".join(SCOPES)}})
        if self.user_id:
            beyond = sorted(set(self.scopes) - allowed_scopes(self.user))
            if beyond:
                raise ValidationError({"scopes": _(
                    "%(user)s's role does not allow %(scopes)s: a token never grants more "
                    "than its user's role.") % {"user": self.user, "scopes": ", ".join(beyond)}})

    def usable(self, at=None) -> bool:
        at = at or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or at < self.expires_at)
