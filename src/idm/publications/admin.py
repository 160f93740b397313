"""Admin for publications and their editions (identifiers, status) and abbreviations."""

from django.contrib import admin

from idm.core.admin import AuditedAdmin, AuditedAdminMixin
from idm.publications.models import AbbreviationEntry, BuildJob, Edition, Publication


class EditionInline(admin.TabularInline):
    model = Edition
    fields = ["language", "title", "isbn", "isbn_pdf", "issn", "reference_number", "status",
              "uploaded_at", "page_count"]
    readonly_fields = ["page_count"]
    extra = 0


@admin.register(Publication)
class PublicationAdmin(AuditedAdmin):
    list_display = ["slug", "title", "dialogue", "year", "demonstration"]
    search_fields = ["title", "abstract"]
    filter_horizontal = ["themes"]
    inlines = [EditionInline]


@admin.register(Edition)
class EditionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["publication", "language", "isbn", "issn", "page_count", "status",
                    "uploaded_at"]
    list_filter = ["status", "language"]
    search_fields = ["isbn", "isbn_pdf", "issn", "title", "publication__title"]
    readonly_fields = ["page_count", "built_at"]


@admin.register(AbbreviationEntry)
class AbbreviationEntryAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["short", "long", "language", "removed", "publication"]
    list_filter = ["publication", "language", "removed"]
    search_fields = ["short", "long"]


@admin.register(BuildJob)
class BuildJobAdmin(admin.ModelAdmin):
    list_display = ["publication", "languages", "formats", "status", "progress", "created_at"]
    readonly_fields = [f.name for f in BuildJob._meta.fields]
