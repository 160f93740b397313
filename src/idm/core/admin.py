"""Admin for reference data and the audit log; AuditedAdmin makes every admin change audited."""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from idm.core import services
from idm.core.models import (
    AuditEntry,
    Country,
    GcmObjective,
    GuidingPrinciple,
    SdgTarget,
    StakeholderCategory,
)


class AuditedAdminMixin:
    """Saves and deletes through core.services, so the audit log sees admin changes too."""

    def save_model(self, request, obj, form, change):
        # The form has already validated the object.
        services.save(obj, request.user, validate=False)

    def delete_model(self, request, obj):
        services.delete(obj, request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.delete(obj, request.user)

    def save_formset(self, request, form, formset, change):
        for obj in formset.save(commit=False):
            services.save(obj, request.user, validate=False)
        for obj in formset.deleted_objects:
            services.delete(obj, request.user)
        formset.save_m2m()


class AuditedAdmin(AuditedAdminMixin, TranslationAdmin):
    """An audited admin for a model with fields in English, French and Spanish."""


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records that only a service writes (the audit log, builds, decisions): to look at."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(GcmObjective)
class GcmObjectiveAdmin(AuditedAdmin):
    list_display = ["number", "short_title", "title"]
    search_fields = ["short_title", "title"]


@admin.register(GuidingPrinciple)
class GuidingPrincipleAdmin(AuditedAdmin):
    list_display = ["order", "name", "code"]


@admin.register(SdgTarget)
class SdgTargetAdmin(AuditedAdmin):
    list_display = ["code", "title", "goal", "verified"]
    list_filter = ["goal", "verified"]
    search_fields = ["code", "title"]


@admin.register(StakeholderCategory)
class StakeholderCategoryAdmin(AuditedAdmin):
    list_display = ["order", "name", "code"]
    search_fields = ["name", "code"]


@admin.register(Country)
class CountryAdmin(AuditedAdmin):
    list_display = ["name", "iso2", "iso3", "region", "subregion", "intermediate_region"]
    list_filter = ["region", "subregion"]
    search_fields = ["name", "iso2", "iso3"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_name", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "actor_name", "object_id"]
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEntry._meta.fields]
