"""Saving and deleting through the audit log: every service of every app writes here."""

from datetime import UTC, date, datetime, time
from decimal import Decimal
from uuid import UUID

from django.db import models, transaction
from django.db.models.fields.files import FieldFile

from idm.core.models import AuditEntry


def _plain(value):
    """A JSON-friendly form of a field value, for the changes column."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        # The same instant compares equal whatever zone it was given in.
        return value.astimezone(UTC).isoformat()
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, FieldFile):
        return value.name or ""
    return value


def field_values(obj: models.Model) -> dict:
    """The fields a person edits; not the others (a private link's token, a built document)."""
    return {
        field.attname: _plain(getattr(obj, field.attname))
        for field in obj._meta.concrete_fields
        if not field.primary_key and field.editable
    }


def record(actor, action: str, obj: models.Model, changes: dict | None = None) -> AuditEntry:
    """Writes one audit entry; `actor` is a user, or None for the command line and the system."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=user,
        actor_name=user.get_username() if user else (actor if isinstance(actor, str) else "system"),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk or ""),
        object_repr=str(obj)[:300],
        changes=changes or {},
    )


def save(obj: models.Model, actor, *, validate: bool = True) -> models.Model:
    """Validates and saves `obj`, recording what changed, in the caller's transaction if any."""
    if validate:
        obj.full_clean()
    # No savepoint of its own: an error undoes the caller's whole operation anyway.
    with transaction.atomic(savepoint=False):
        return _save(obj, actor)


def _save(obj: models.Model, actor) -> models.Model:
    before = {}
    if obj.pk is not None:
        old = type(obj)._default_manager.filter(pk=obj.pk).first()
        before = field_values(old) if old is not None else {}
    creating = not before
    obj.save()
    after = field_values(obj)
    if creating:
        changes = {name: [None, value] for name, value in after.items() if value not in (None, "")}
    else:
        changes = {name: [before.get(name), value] for name, value in after.items()
                   if before.get(name) != value}
        if not changes:
            return obj
    record(actor, AuditEntry.Action.CREATE if creating else AuditEntry.Action.UPDATE, obj, changes)
    return obj


def delete(obj: models.Model, actor) -> None:
    with transaction.atomic(savepoint=False):
        record(actor, AuditEntry.Action.DELETE, obj,
               {k: [v, None] for k, v in field_values(obj).items()})
        obj.delete()
