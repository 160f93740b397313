"""Admin for the registry: the secretariat records practices, reviews submissions (status and a
message to the submitter), and keeps a partnership's deliverables and progress reports."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from idm.core.admin import AuditedAdmin
from idm.practices import mail, services
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
    readonly_fields = ["submitted_by", "language", "proposed_organizations", "tags_suggested",
                       "created_at", "updated_at"]
    inlines = [LinkInline, DeliverableInline, ProgressReportInline]

    @admin.display(description=_("suggested tags"))
    def tags_suggested(self, practice):
        suggested = services.suggested_tags(practice)
        if suggested is None:
            return _("Not yet: idm's worker has not read these words.")
        return "; ".join([_("GCM objectives: %s") % (", ".join(map(str, suggested["gcm"])) or "—"),
                          _("SDG targets: %s") % (", ".join(suggested["sdg_targets"]) or "—")])

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and {"status", "review_message"} & set(form.changed_data):
            mail.notify_submitter(obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Implementers' names are searched too: index once the relations are saved.
        services.after_change(form.instance)
