"""The secretariat's admin for dialogues, workshops, sessions, people and organizations."""

from datetime import datetime

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationTabularInline

from idm.core import roles
from idm.core.admin import AuditedAdmin, AuditedAdminMixin, ReadOnlyAdmin
from idm.dialogues import participants
from idm.dialogues.agenda import zone_label
from idm.dialogues.models import (
    Dialogue,
    IdentityChange,
    Organization,
    Person,
    Registration,
    RegistrationQuestion,
    Series,
    Session,
    SessionRole,
    Workshop,
)


@admin.register(Series)
class SeriesAdmin(AuditedAdmin):
    list_display = ["name", "slug", "issn_en", "issn_fr", "issn_es"]
    search_fields = ["name", "issn_en", "issn_fr", "issn_es"]


class WorkshopInline(TranslationTabularInline):
    model = Workshop
    fields = ["title", "slug", "city", "time_zone", "first_day", "last_day"]
    show_change_link = True
    extra = 0


@admin.register(Dialogue)
class DialogueAdmin(AuditedAdmin):
    list_display = ["number", "year", "theme", "series"]
    list_filter = ["series", "year"]
    search_fields = ["theme", "description"]
    inlines = [WorkshopInline]


class RegistrationQuestionInline(TranslationTabularInline):
    model = RegistrationQuestion
    fields = ["order", "label", "kind", "choices", "required"]
    extra = 0


@admin.register(Workshop)
class WorkshopAdmin(AuditedAdmin):
    list_display = ["title", "slug", "dialogue", "city", "first_day", "last_day", "time_zone",
                    "registration", "capacity"]
    list_filter = ["dialogue", "city", "registration"]
    search_fields = ["title", "slug", "city", "venue"]
    prepopulated_fields = {"slug": ["title_en"]}
    inlines = [RegistrationQuestionInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A larger capacity gives places to the people waiting, first come first served.
        participants.fill_free_places(obj, request.user)


@admin.register(Registration)
class RegistrationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["person", "email", "workshop", "status", "role", "category", "country",
                    "consent_public", "created_at", "mail_status"]
    list_filter = ["workshop", "status", "role", "category", "country__region", "consent_public"]
    search_fields = ["email", "person__family_name", "person__given_name", "organization__name",
                     "proposed_organization"]
    list_select_related = ["person", "workshop", "category", "country"]
    autocomplete_fields = ["person", "organization", "country"]
    # The status changes only through the actions, which keep the capacity, move the waiting
    # list and send the e-mails; a new registration gets its status from the places left.
    readonly_fields = ["status", "token", "created_at", "status_changed_at", "mail_status",
                       "mail_error"]
    actions = ["approve", "reject", "promote"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        try:
            participants.add_registration(obj, request.user)
        except participants.RegistrationError as error:
            # The form checked the e-mail; another registration came in meanwhile.
            self.message_user(request, str(error), messages.ERROR)

    def _change(self, request, queryset, action: str):
        done, refused = participants.change_many(queryset, action, request.user)
        self.message_user(request, f"{done} changed" + (f"; refused: {'; '.join(refused)}"
                                                        if refused else ""))

    @admin.action(description=_("Approve the selected registrations"))
    def approve(self, request, queryset):
        self._change(request, queryset, "approve")

    @admin.action(description=_("Reject the selected registrations"))
    def reject(self, request, queryset):
        self._change(request, queryset, "reject")

    @admin.action(description=_("Promote the selected registrations from the waiting list"))
    def promote(self, request, queryset):
        self._change(request, queryset, "promote")


@admin.register(IdentityChange)
class IdentityChangeAdmin(ReadOnlyAdmin):
    """A change is accepted or refused, never edited (see Names to review)."""

    list_display = ["person", "proposed_name", "status", "registration", "created_at",
                    "decided_by", "decided_at"]
    list_filter = ["status"]
    search_fields = ["person__family_name", "person__given_name", "family_name", "given_name",
                     "person__email"]
    list_select_related = ["person", "registration__workshop", "decided_by"]
    actions = ["accept", "refuse"]

    def has_decide_permission(self, request):
        return roles.is_secretariat(request.user)

    def _decide(self, request, queryset, decide):
        refused = []
        for change in queryset:
            try:
                decide(change, request.user)
            except participants.RegistrationError as error:
                refused.append(f"{change}: {error}")
        self.message_user(request, "; ".join(refused) or _("Done."))

    @admin.action(description=_("Accept: rename the person"), permissions=["decide"])
    def accept(self, request, queryset):
        self._decide(request, queryset, participants.accept_identity_change)

    @admin.action(description=_("Refuse: keep the record"), permissions=["decide"])
    def refuse(self, request, queryset):
        self._decide(request, queryset, participants.refuse_identity_change)


class SessionForm(forms.ModelForm):
    """Day and times are entered as the venue's wall clock; the database keeps UTC."""

    day = forms.DateField(label=_("day"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(label=_("start (workshop time)"),
                                 widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(label=_("end (workshop time)"),
                               widget=forms.TimeInput(attrs={"type": "time"}))

    class Meta:
        model = Session
        fields = ["workshop", "kind", "title", "description", "room", "order", "illustrative",
                  "source_note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            start = self.instance.local_start
            self.initial.update(day=start.date(), start_time=start.time(),
                                end_time=self.instance.local_end.time())

    def clean(self):
        data = super().clean()
        workshop = data.get("workshop")
        if workshop and data.get("day") and data.get("start_time") and data.get("end_time"):
            self.instance.start = workshop.aware(data["day"], data["start_time"])
            self.instance.end = workshop.aware(data["day"], data["end_time"])
        return data

    def _update_errors(self, errors):
        # Model errors on start and end belong to the fields the user typed in.
        if hasattr(errors, "error_dict"):
            for source, target in (("start", "start_time"), ("end", "end_time")):
                if source in errors.error_dict:
                    errors.error_dict.setdefault(target, []).extend(
                        errors.error_dict.pop(source))
        super()._update_errors(errors)


class SessionRoleInline(TranslationTabularInline):
    model = SessionRole
    fields = ["order", "person", "role", "title", "organization", "organization_name"]
    autocomplete_fields = ["person", "organization"]
    extra = 1


@admin.register(Session)
class SessionAdmin(AuditedAdmin):
    form = SessionForm
    list_display = ["title", "workshop", "kind", "local_time", "room", "illustrative"]
    list_filter = ["workshop__dialogue", "workshop", "kind", "illustrative"]
    search_fields = ["title", "description", "room", "roles__person__family_name"]
    list_select_related = ["workshop"]
    inlines = [SessionRoleInline]
    fieldsets = [
        (None, {"fields": ["workshop", "kind", "title", "description"]}),
        (_("When and where"), {"fields": ["day", "start_time", "end_time", "room", "order"]}),
        (_("Sources"), {"fields": ["illustrative", "source_note"]}),
    ]

    @admin.display(description=_("time (workshop time)"), ordering="start")
    def local_time(self, session: Session) -> str:
        start: datetime = session.local_start
        return f"{start:%Y-%m-%d %H:%M}\u2013{session.local_end:%H:%M} ({zone_label(start)})"


@admin.register(Organization)
class OrganizationAdmin(AuditedAdmin):
    list_display = ["name", "acronym", "category", "country", "parent", "fictional"]
    list_filter = ["category", "country__region", "fictional"]
    search_fields = ["name", "acronym"]
    autocomplete_fields = ["parent", "country"]


@admin.register(Person)
class PersonAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["family_name", "given_name", "honorific", "email", "gender", "fictional"]
    list_filter = ["gender", "fictional"]
    search_fields = ["family_name", "given_name", "email"]


@admin.register(SessionRole)
class SessionRoleAdmin(AuditedAdmin):
    list_display = ["person", "role", "session", "title", "organization_name"]
    list_filter = ["role", "session__workshop"]
    search_fields = ["person__family_name", "person__given_name", "title", "organization_name"]
    autocomplete_fields = ["person", "organization", "session"]

