"""Saving and deleting through the audit log: every service of every app writes here."""

from datetime import UTC, date, datetime, time
from decimal import Decimal
from uuid import UUID

from django.db import models, router, transaction
from django.db.models.deletion import Collector
from django.db.models.fields.files import FieldFile

from idm.core.models import AuditEntry


def plain_value(value):
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
        return [plain_value(v) for v in value]
    if isinstance(value, FieldFile):
        return value.name or ""
    return value


def field_values(obj: models.Model) -> dict:
    """The fields a person edits; not the others (a private link's token, a built document)."""
    return {
        field.attname: plain_value(getattr(obj, field.attname))
        for field in obj._meta.concrete_fields
        if not field.primary_key and field.editable
    }


def record(actor, action: str, obj: models.Model, changes: dict | None = None) -> AuditEntry:
    """Writes one audit entry; `actor` is a user, or None for the command line and the system."""
    entry = _entry(actor, action, obj, changes)
    entry.save()
    return entry


def _entry(actor, action: str, obj: models.Model, changes: dict | None = None) -> AuditEntry:
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry(
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


def save_many(objects: list[models.Model], actor, *, chunk: int = 900) -> None:
    """Saves many objects of one model in a few queries a chunk, recording what changed in
    each, in the caller's transaction. For imports: the objects are validated by the caller,
    and their models' save() is not called."""
    if not objects:
        return
    model = type(objects[0])
    new = [obj for obj in objects if obj.pk is None]
    known = [obj for obj in objects if obj.pk is not None]
    before = {}
    for start in range(0, len(known), chunk):
        pks = [obj.pk for obj in known[start:start + chunk]]
        before.update((old.pk, field_values(old))
                      for old in model._default_manager.filter(pk__in=pks))
    entries, changed = [], []
    for obj in known:
        after, was = field_values(obj), before.get(obj.pk, {})
        changes = {name: [was.get(name), value] for name, value in after.items()
                   if was.get(name) != value}
        if changes:
            changed.append(obj)
            entries.append((AuditEntry.Action.UPDATE, obj, changes))
    with transaction.atomic(savepoint=False):
        # Both databases give the new rows their keys back (RETURNING).
        model._default_manager.bulk_create(new)
        if changed:
            fields = [f.name for f in model._meta.concrete_fields
                      if not f.primary_key and f.editable]
            model._default_manager.bulk_update(changed, fields, batch_size=chunk)
        entries += [(AuditEntry.Action.CREATE, obj,
                     {name: [None, value] for name, value in field_values(obj).items()
                      if value not in (None, "")}) for obj in new]
        AuditEntry.objects.bulk_create(_entry(actor, action, obj, changes)
                                       for action, obj, changes in entries)


def _cascade(obj: models.Model) -> Collector:
    collector = Collector(using=router.db_for_write(type(obj), instance=obj), origin=obj)
    collector.collect([obj])
    return collector


def deletion_takes(obj: models.Model) -> dict[type[models.Model], int]:
    """What deleting `obj` would delete with it, by model (many-to-many links aside)."""
    collector = _cascade(obj)
    taken: dict[type[models.Model], int] = {}
    for model, instances in collector.data.items():
        taken[model] = taken.get(model, 0) + len(instances)
    for queryset in collector.fast_deletes:
        if not queryset.model._meta.auto_created:
            taken[queryset.model] = taken.get(queryset.model, 0) + queryset.count()
    return {model: count for model, count in taken.items() if count}


def delete(obj: models.Model, actor) -> None:
    """Deletes `obj` and what the database cascade takes with it, each recorded in the audit log
    (a session deleted with its statements leaves an entry for every statement)."""
    with transaction.atomic(savepoint=False):
        collector = _cascade(obj)
        cascaded = []
        for model, instances in collector.data.items():
            # Read afresh and whole: the collector may hold them with their fields deferred.
            pks = [i.pk for i in instances if i.pk != obj.pk or model is not type(obj)]
            cascaded.extend(model._base_manager.filter(pk__in=pks))
        for queryset in collector.fast_deletes:
            if not queryset.model._meta.auto_created:
                cascaded.extend(queryset)
        AuditEntry.objects.bulk_create(
            _entry(actor, AuditEntry.Action.DELETE, instance,
                   {k: [v, None] for k, v in field_values(instance).items()})
            for instance in [obj, *cascaded])
        obj.delete()
