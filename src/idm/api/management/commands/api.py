"""`idm api token create|list|revoke`: API tokens from the command line; a new key is printed
once, and only its hash is kept."""

import json
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from idm.api import services
from idm.api.models import ApiToken
from idm.api.scopes import SCOPES

ACTOR = "idm api token"


class Command(BaseCommand):
    help = "Creates, lists and revokes API tokens."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="area", required=True)
        token = sub.add_parser("token", help="API tokens").add_subparsers(dest="action",
                                                                          required=True)
        create = token.add_parser("create", help="create a token and print its key once")
        create.add_argument("--user", required=True, metavar="NAME", help="the user's username")
        create.add_argument("--scope", action="append", default=[], choices=list(SCOPES),
                            dest="scopes", help="a scope; repeat for several")
        create.add_argument("--name", default="", help="what the token is for")
        create.add_argument("--expires-days", type=int, metavar="D",
                            help="the token stops working after D days (default: never)")
        create.add_argument("--format", choices=["text", "json"], default="text", dest="out")
        listing = token.add_parser("list", help="list tokens (never their keys)")
        listing.add_argument("--user", metavar="NAME")
        listing.add_argument("--format", choices=["text", "json"], default="text", dest="out")
        revoke = token.add_parser("revoke", help="revoke a token, named by its prefix")
        revoke.add_argument("prefix", metavar="PREFIX")

    def handle(self, *args, area, action, **options):
        getattr(self, f"handle_{action}")(**options)

    def handle_create(self, user, scopes, name, expires_days, out, **options):
        found = get_user_model().objects.filter(username=user).first()
        if found is None:
            raise CommandError(f"no user '{user}'")
        if expires_days is not None and expires_days < 1:
            raise CommandError("--expires-days must be 1 or more")
        expires_at = (timezone.now() + timedelta(days=expires_days)
                      if expires_days is not None else None)
        try:
            made = services.create_token(found, ACTOR, name=name or "command line",
                                         scopes=scopes, expires_at=expires_at)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        except services.TokenError as error:
            raise CommandError(str(error)) from None
        if out == "json":
            self.stdout.write(json.dumps({**_described(made.token), "key": made.key}))
            return
        self.stdout.write(made.key)
        self.stderr.write(f"token {made.token.prefix} for {found.username}, scopes: "
                          f"{', '.join(made.token.scopes) or 'none (read only)'}; the key above "
                          "is shown this once only")

    def handle_list(self, user, out, **options):
        tokens = ApiToken.objects.select_related("user").order_by("created_at", "pk")
        if user:
            tokens = tokens.filter(user__username=user)
        rows = [_described(token) for token in tokens]
        if out == "json":
            self.stdout.write(json.dumps(rows))
            return
        for row in rows:
            self.stdout.write("  ".join([
                row["prefix"], row["user"], row["state"], ",".join(row["scopes"]) or "-",
                f"last used {row['last_used_at'] or 'never'}", row["name"]]))

    def handle_revoke(self, prefix, **options):
        try:
            token = services.find_by_prefix(prefix)
        except services.TokenError as error:
            raise CommandError(str(error)) from None
        services.revoke_token(token, ACTOR)
        self.stdout.write(f"revoked {token.prefix} ({token.name}, {token.user.username})")


def _described(token: ApiToken) -> dict:
    now = timezone.now()
    state = ("revoked" if token.revoked_at else "expired" if not token.usable(now)
             else "active")

    def moment(value):
        return value.isoformat() if value else None

    return {"prefix": token.prefix, "user": token.user.username, "name": token.name,
            "scopes": token.scopes, "state": state, "created_at": moment(token.created_at),
            "last_used_at": moment(token.last_used_at), "expires_at": moment(token.expires_at),
            "revoked_at": moment(token.revoked_at)}
