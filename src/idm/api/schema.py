"""The OpenAPI schema's finishing touches (drf-spectacular post-processing): the errors every
operation may answer with, the `lang` parameter and the ETag header, said once for all."""

from django.utils.translation import gettext_lazy as _

from idm.api.base import LANG_PARAMETER

ERROR = {"$ref": "#/components/schemas/Error"}
ERROR_SCHEMA = {
    "type": "object",
    "description": _("What went wrong: `detail`, or for invalid input a list of problems per "
                     "field (`non_field_errors` for the whole)."),
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}
ERRORS = {
    "400": _("Invalid parameters or input."),
    "401": _("Credentials were sent and are not valid (unknown, revoked or expired token), or "
             "the operation needs them and none were sent."),
    "403": _("The token's scopes or the user's role do not allow this operation."),
    "404": _("No such object, or not one the caller may see; or a page beyond the last."),
    "409": _("The change conflicts with the data (a session with statements, evidence given "
             "twice...)."),
    "415": _("The body is not JSON."),
}
WRITES = ("post", "patch", "put", "delete")


def _error(description) -> dict:
    return {"description": str(description),
            "content": {"application/json": {"schema": ERROR}}}


def document_errors_and_conventions(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = {
        **ERROR_SCHEMA, "description": str(ERROR_SCHEMA["description"])}
    lang = {"name": "lang", "in": "query", "required": False,
            "description": str(LANG_PARAMETER.description),
            "schema": {"type": "string", "enum": list(LANG_PARAMETER.enum)}}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            codes = ["400", "401", "404"]
            if method in WRITES:
                codes += ["403", "409", "415"]
            elif "/consultations/" in path:
                codes.append("403")
            for code in codes:
                responses.setdefault(code, _error(ERRORS[code]))
            if method == "get":
                responses.setdefault("304", {"description": str(_(
                    "Not modified: If-None-Match named the current ETag."))})
                ok = responses.get("200")
                if ok is not None:
                    ok.setdefault("headers", {})["ETag"] = {
                        "description": str(_("The answer's version; send it as If-None-Match "
                                             "to get 304 while it is unchanged.")),
                        "schema": {"type": "string"}}
            parameters = operation.setdefault("parameters", [])
            if not any(p.get("name") == "lang" for p in parameters):
                parameters.append(lang)
    return result
