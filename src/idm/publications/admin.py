"""Admin for publications, their editions (identifiers) and abbreviations; versions are shown,
never changed here: builds make them and the report page publishes them."""

from django.contrib import admin

from idm.core.admin import AuditedAdmin, AuditedAdminMixin, ReadOnlyAdmin
from idm.publications.models import (
    AbbreviationEntry,
    BuildJob,
    Edition,
    MemorySegment,
    Publication,
    ReportText,
    Version,
)


class EditionInline(admin.TabularInline):
    model = Edition
    fields = ["language", "title", "isbn", "isbn_pdf", "issn", "reference_number",
              "uploaded_at"]
    extra = 0


@admin.register(Publication)
class PublicationAdmin(AuditedAdmin):
    list_display = ["slug", "title", "dialogue", "year", "demonstration"]
    search_fields = ["title", "abstract"]
    filter_horizontal = ["themes"]
    inlines = [EditionInline]


@admin.register(Edition)
class EditionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["publication", "language", "isbn", "issn", "uploaded_at"]
    list_filter = ["language"]
    search_fields = ["isbn", "isbn_pdf", "issn", "title", "publication__title"]


@admin.register(Version)
class VersionAdmin(ReadOnlyAdmin):
    list_display = ["edition", "number", "review", "status", "built_at", "built_by",
                    "published_at", "page_count"]
    list_filter = ["status", "review", "edition__language"]
    readonly_fields = [f.name for f in Version._meta.fields]


@admin.register(AbbreviationEntry)
class AbbreviationEntryAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["short", "long", "language", "removed", "publication"]
    list_filter = ["publication", "language", "removed"]
    search_fields = ["short", "long"]


@admin.register(BuildJob)
class BuildJobAdmin(admin.ModelAdmin):
    list_display = ["publication", "languages", "formats", "status", "progress", "created_at"]
    readonly_fields = [f.name for f in BuildJob._meta.fields]


@admin.register(ReportText)
class ReportTextAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """A publication's own wording of a fixed text in one language."""

    list_display = ["key", "language", "text", "publication"]
    list_filter = ["publication", "language"]


@admin.register(MemorySegment)
class MemorySegmentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["source", "target", "language", "origin", "created_at"]
    list_filter = ["language", "origin"]
    search_fields = ["source", "target"]
