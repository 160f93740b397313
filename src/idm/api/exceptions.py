"""Errors as JSON: the services' refusals become 400 (invalid) or 409 (conflicting), never
500."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from idm.deliberation.services import DeliberationError


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def handle(exc, context):
    if isinstance(exc, DjangoValidationError):
        detail = (exc.message_dict if hasattr(exc, "error_dict")
                  else {"non_field_errors": exc.messages})
        # A model's whole-object errors come under __all__; REST framework's name for them.
        if "__all__" in detail:
            detail["non_field_errors"] = detail.pop("__all__")
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DeliberationError):
        exc = Conflict(str(exc))
    elif isinstance(exc, ProtectedError | RestrictedError):
        exc = Conflict(_("Other records still need this one: it cannot be deleted."))
    elif isinstance(exc, IntegrityError):
        # Checked before saving; a concurrent change can still win the race.
        exc = Conflict(_("Another change came first; read the object again and retry."))
    return exception_handler(exc, context)
