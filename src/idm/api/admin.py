"""The admin of API tokens: the secretariat makes (the key is shown once), looks at and
revokes tokens; the key's hash is never editable and the key itself never kept."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from idm.api import services
from idm.api.models import ApiToken
from idm.api.scopes import SCOPES
from idm.core.admin import AuditedAdminMixin


class ApiTokenForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(label=gettext_lazy("Scopes"), required=False,
                                       choices=list(SCOPES.items()),
                                       widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ApiToken
        fields = ["user", "name", "scopes", "expires_at"]


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = ApiTokenForm
    list_display = ["name", "prefix", "user", "scope_list", "created_at", "last_used_at",
                    "expires_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "user__username"]
    # Revoked stays revoked: the action revokes, nothing un-revokes.
    readonly_fields = ["prefix", "key_hash", "created_at", "last_used_at", "revoked_at"]
    list_select_related = ["user"]
    actions = ["revoke"]

    @admin.display(description=gettext_lazy("scopes"))
    def scope_list(self, token):
        return ", ".join(token.scopes)

    def get_queryset(self, request):
        tokens = super().get_queryset(request)
        # A token acts as its user: only a superuser sees or makes a superuser's.
        return tokens if request.user.is_superuser else tokens.filter(user__is_superuser=False)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        users = form.base_fields["user"].queryset
        if not request.user.is_superuser:
            form.base_fields["user"].queryset = users.filter(is_superuser=False)
        if obj is not None:
            form.base_fields["user"].disabled = True
        return form

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        # The form has checked the scopes against the user's role (ApiToken.clean).
        made = services.create_token(obj.user, request.user, name=obj.name, scopes=obj.scopes,
                                     expires_at=obj.expires_at)
        obj.pk = made.token.pk
        messages.warning(request, _("The token's key, shown this once only: %(key)s") % {
            "key": made.key})

    @admin.action(description=gettext_lazy("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset:
            services.revoke_token(token, request.user)
