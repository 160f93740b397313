"""Admin for statements, themes, reference events, key messages and recommendations."""

from django.contrib import admin

from idm.core.admin import AuditedAdmin, AuditedAdminMixin
from idm.deliberation import services
from idm.deliberation.models import (
    KeyMessage,
    KeyMessageEvidence,
    QuoteTranslation,
    Recommendation,
    RecommendationEvidence,
    ReferenceEvent,
    Statement,
    Theme,
)


@admin.register(ReferenceEvent)
class ReferenceEventAdmin(AuditedAdmin):
    list_display = ["title", "dialogue", "first_day", "last_day"]
    search_fields = ["title", "citation"]


@admin.register(Theme)
class ThemeAdmin(AuditedAdminMixin, admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Statement)
class StatementAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["pk", "speaker_display_internal", "session", "reference_event", "kind",
                    "attribution", "language", "complete", "illustrative"]
    list_filter = ["attribution", "kind", "language", "complete", "illustrative",
                   "session__workshop", "reference_event", "speaker_category"]
    search_fields = ["text", "speaker_name", "person__family_name", "speaker_organization"]
    list_select_related = ["person", "session", "reference_event"]
    autocomplete_fields = ["person", "session", "speaker_country"]
    filter_horizontal = ["gcm_objectives", "principles", "sdg_targets", "themes"]

    # Through the deliberation services, so that the search index follows admin edits.
    def save_model(self, request, obj, form, change):
        services.save_statement(obj, request.user, validate=False)

    def delete_model(self, request, obj):
        services.delete_statement(obj, request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.delete_statement(obj, request.user)


class KeyMessageEvidenceInline(admin.TabularInline):
    model = KeyMessageEvidence
    raw_id_fields = ["statement"]
    extra = 0


class RecommendationEvidenceInline(admin.TabularInline):
    model = RecommendationEvidence
    raw_id_fields = ["statement"]
    extra = 0


@admin.register(KeyMessage)
class KeyMessageAdmin(AuditedAdmin):
    list_display = ["number", "title", "dialogue", "status"]
    list_filter = ["dialogue", "status"]
    search_fields = ["title", "body"]
    inlines = [KeyMessageEvidenceInline]


@admin.register(Recommendation)
class RecommendationAdmin(AuditedAdmin):
    list_display = ["addressee", "text", "dialogue", "key_message", "status"]
    list_filter = ["dialogue", "addressee", "status"]
    search_fields = ["text"]
    inlines = [RecommendationEvidenceInline]


@admin.register(QuoteTranslation)
class QuoteTranslationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Quotes in other languages, as the translation files bring them; editable by hand too."""

    list_display = ["statement", "language", "text"]
    list_filter = ["language"]
    search_fields = ["text", "source"]
    raw_id_fields = ["statement"]
