"""Admin for the registry: the secretariat records practices, reviews submissions (status and a
message to the submitter), and keeps a partnership's deliverables and progress reports."""

from django.contrib import admin

from idm.core.admin import AuditedAdmin
from idm.practices import services
from idm.practices.models import Deliverable, Link, Practice, ProgressReport


class LinkInline(admin.TabularInline):
    model = Link
    extra = 0


class DeliverableInline(admin.TabularInline):
    model = Deliverable
    extra = 0


class ProgressReportInline(admin.StackedInline):
    model = ProgressReport
    extra = 0


@admin.register(Practice)
class PracticeAdmin(AuditedAdmin):
    list_display = ["title", "type", "level", "status", "illustrative", "updated_at"]
    list_filter = ["status", "type", "level", "illustrative"]
    search_fields = ["title", "summary"]
    autocomplete_fields = ["implementers", "partners", "countries", "sessions", "statements",
                           "key_messages"]
    filter_horizontal = ["gcm_objectives", "principles", "sdg_targets"]
    readonly_fields = ["submitted_by", "created_at", "updated_at"]
    inlines = [LinkInline, DeliverableInline, ProgressReportInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Implementers' names are searched too: index once the relations are saved.
        services.reindex(form.instance)
