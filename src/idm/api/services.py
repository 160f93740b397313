"""Operations on API tokens: creating one (its key is shown once), revoking it, noting its use;
each change in one transaction and audited."""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from idm.api.models import KEY_START, ApiToken, hash_key
from idm.core import services as core_services

# A token's last use is written at most this often: reads should not all become writes.
TOUCH_EVERY = timedelta(minutes=1)


class TokenError(Exception):
    """A token operation that cannot be done; the message says why."""


@dataclass
class NewToken:
    token: ApiToken
    key: str  # shown once, to the person who made it; only its hash is kept


def create_token(user, actor, *, name: str, scopes: list[str],
                 expires_at=None) -> NewToken:
    """A new token for `user` with `scopes` (never beyond the user's role); the key is returned
    here and nowhere else."""
    for _attempt in range(5):
        prefix = KEY_START + secrets.token_hex(4)
        key = f"{prefix}_{secrets.token_urlsafe(32)}"
        token = ApiToken(user=user, name=name.strip(), prefix=prefix, key_hash=hash_key(key),
                         scopes=sorted(set(scopes)), expires_at=expires_at)
        try:
            with transaction.atomic():
                core_services.save(token, actor)
        except IntegrityError:  # the same prefix drawn twice: draw again
            continue
        return NewToken(token, key)
    raise TokenError(_("No free token prefix was found; try again."))


def revoke_token(token: ApiToken, actor) -> ApiToken:
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            core_services.save(token, actor)
    return token


def find_by_prefix(prefix: str) -> ApiToken:
    """The token a prefix names, with or without its `idm_` start."""
    prefix = prefix.strip()
    if not prefix.startswith(KEY_START):
        prefix = KEY_START + prefix
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None:
        raise TokenError(_("No token has the prefix %(prefix)s.") % {"prefix": prefix})
    return token


def authenticate_key(key: str) -> ApiToken | None:
    """The usable token whose key this is, or None; its use is noted (not audited: a read is
    not a change)."""
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_key(key)).first()
    now = timezone.now()
    if token is None or not token.usable(now) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
