"""What every API view shares: the language of the answer (`?lang=` or Accept-Language), ETags
that turn a repeated GET into a 304, and no NUL in a query."""

import hashlib

from django.utils import translation
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import quote_etag
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, viewsets

from idm.core.languages import LANGUAGES

LANG_PARAMETER = OpenApiParameter(
    "lang", OpenApiTypes.STR, enum=list(LANGUAGES), required=False,
    description=gettext_lazy("The language of translated texts (titles, key messages...), "
                             "English where a text has no translation. Without it, the "
                             "Accept-Language header decides."))


class ApiViewSet(viewsets.GenericViewSet):
    # No PUT: a change names only what it changes (PATCH). No OPTIONS: the schema says it all.
    http_method_names = ["get", "head", "post", "patch", "delete"]
    read_scope: str | None = None
    write_scope: str | None = None

    def initial(self, request, *args, **kwargs):
        for name, values in request.query_params.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                # PostgreSQL refuses a NUL in any text it compares: a 400, not a 500.
                raise exceptions.ValidationError({name: [_("A NUL character is not allowed.")]})
        lang = request.query_params.get("lang")
        if lang is not None:
            if lang not in LANGUAGES:
                raise exceptions.ValidationError({"lang": [_(
                    "Choose one of: %(languages)s.") % {"languages": ", ".join(LANGUAGES)}]})
            translation.activate(lang)
            request.LANGUAGE_CODE = lang
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # Who asks and in which language change the answer: shared caches must keep them apart.
        patch_vary_headers(response, ("Accept-Language", "Authorization", "Cookie"))
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        response.render()
        response["ETag"] = quote_etag(hashlib.sha256(response.content).hexdigest()[:40])
        # Always asked again, answered 304 while unchanged; a signed-in answer stays private.
        response["Cache-Control"] = ("private, no-cache" if request.user.is_authenticated
                                     else "no-cache")
        return get_conditional_response(request, etag=response["ETag"], response=response)
