"""How the API knows who asks: `Authorization: Bearer <key>` with an API token, or the signed-in
session of the web pages (whose writes keep Django's CSRF check)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from idm.api import services


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_(
                "Send the token as “Authorization: Bearer <key>”, with no space in the key."))
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("This token is not valid.")) from None
        token = services.authenticate_key(key)
        if token is None:
            # Unknown, revoked, expired or of an inactive user: the same answer for each, so
            # the answer tells nothing about which keys exist.
            raise exceptions.AuthenticationFailed(_(
                "This token is not valid: unknown, revoked or expired."))
        return token.user, token

    def authenticate_header(self, request):
        # Makes a request without credentials a 401 with this challenge, not a 403.
        return 'Bearer realm="idm"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = BearerTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": str(_("An API token: `idm api token create`, or the admin."))}
