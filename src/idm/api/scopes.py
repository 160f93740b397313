"""What an API token may do (its scopes), and how a user's role bounds them."""

from django.utils.translation import gettext_lazy as _

from idm.core import roles

READ_DRAFTS = "read:drafts"
READ_CONSULTATIONS = "read:consultations"
WRITE_AGENDA = "write:agenda"
WRITE_STATEMENTS = "write:statements"
WRITE_KEY_MESSAGES = "write:key-messages"

SCOPES = {
    READ_DRAFTS: _("Read what the public does not see: draft key messages and recommendations, "
                   "statements still being captured, speakers the attribution policy withholds, "
                   "unpublished practices."),
    READ_CONSULTATIONS: _("Read consultations and the results of their votes."),
    WRITE_AGENDA: _("Create, change and delete agenda sessions."),
    WRITE_STATEMENTS: _("Create, change and delete statements and their tags."),
    WRITE_KEY_MESSAGES: _("Create and change key messages and recommendations and their "
                          "evidence."),
}

# The most each role may do through the API: what it may do on the web pages, no more.
ROLE_SCOPES = {
    roles.SECRETARIAT: frozenset(SCOPES),
    roles.RAPPORTEUR: frozenset({READ_DRAFTS, READ_CONSULTATIONS, WRITE_STATEMENTS,
                                 WRITE_KEY_MESSAGES}),
    roles.PARTICIPANT: frozenset(),
}


def allowed_scopes(user) -> frozenset[str]:
    """The scopes the user's roles allow; none for a visitor or an inactive account."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return frozenset(SCOPES)
    names = set(user.groups.filter(name__in=ROLE_SCOPES).values_list("name", flat=True))
    return frozenset().union(*(ROLE_SCOPES[name] for name in names))


def granted_scopes(request) -> frozenset[str]:
    """What this request may do: a token's scopes as far as its user's role allows them today
    (a role taken away also narrows the tokens made before); a signed-in session, all its
    role allows, as on the web pages. Worked out once per request."""
    from idm.api.models import ApiToken

    cached = getattr(request, "_idm_api_scopes", None)
    if cached is not None:
        return cached
    allowed = allowed_scopes(getattr(request, "user", None))
    token = getattr(request, "auth", None)
    granted = allowed & frozenset(token.scopes) if isinstance(token, ApiToken) else allowed
    request._idm_api_scopes = granted
    return granted


def has_scope(request, scope: str) -> bool:
    return scope in granted_scopes(request)
