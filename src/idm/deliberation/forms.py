"""Forms of the deliberation pages: tagging a statement, editing key messages and
recommendations, adding evidence, the search filters."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from idm.core.models import GcmObjective, GuidingPrinciple, SdgTarget, StakeholderCategory
from idm.deliberation import privacy
from idm.deliberation.models import KeyMessage, Recommendation, Statement, Theme
from idm.dialogues.models import Person, Session, Workshop


class StatementForm(forms.ModelForm):
    """A statement after the session: its words, its speaker and its tags."""

    themes_text = forms.CharField(label=_("Themes"), required=False,
                                  help_text=_("Separated by commas; new ones are created."))

    class Meta:
        model = Statement
        fields = ["person", "speaker_name", "speaker_organization", "speaker_category",
                  "speaker_country", "text", "language", "kind", "attribution", "gcm_objectives",
                  "principles", "sdg_targets"]
        widgets = {"text": forms.Textarea(attrs={"rows": 8}),
                   "gcm_objectives": forms.CheckboxSelectMultiple,
                   "principles": forms.CheckboxSelectMultiple,
                   "sdg_targets": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        statement = self.instance
        if statement.session_id:
            self.fields["person"].queryset = Person.objects.filter(
                session_roles__session_id=statement.session_id).distinct()
        else:
            self.fields["person"].queryset = Person.objects.none()
        self.fields["person"].required = False
        if statement.pk:
            self.initial["themes_text"] = ", ".join(t.name for t in statement.themes.all())

    def theme_names(self) -> list[str]:
        return [name.strip() for name in self.cleaned_data["themes_text"].split(",")
                if name.strip()]


class KeyMessageForm(forms.ModelForm):
    class Meta:
        model = KeyMessage
        fields = ["number", "status", "title_en", "title_fr", "title_es", "body_en", "body_fr",
                  "body_es"]
        widgets = {f"body_{lang}": forms.Textarea(attrs={"rows": 8}) for lang in ("en", "fr", "es")}


class RecommendationForm(forms.ModelForm):
    class Meta:
        model = Recommendation
        fields = ["addressee", "key_message", "status", "order", "text_en", "text_fr", "text_es"]
        widgets = {f"text_{lang}": forms.Textarea(attrs={"rows": 4}) for lang in ("en", "fr", "es")}

    def __init__(self, *args, dialogue, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key_message"].queryset = dialogue.key_messages.all()


class EvidenceForm(forms.Form):
    statement = forms.IntegerField(label=_("Statement number"), min_value=1)
    quote = forms.CharField(label=_("Quoted span (optional)"), required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))


class SearchForm(forms.Form):
    """Search over statements with filters; for the public, the filters respect the
    attribution policy (see privacy)."""

    q = forms.CharField(label=_("Search"), required=False)
    workshop = forms.ModelChoiceField(label=_("Workshop"), queryset=Workshop.objects.all(),
                                      required=False, empty_label=_("All"))
    session = forms.IntegerField(label=_("Session"), required=False, widget=forms.HiddenInput)
    category = forms.ModelChoiceField(label=_("Stakeholder category"),
                                      queryset=StakeholderCategory.objects.all(),
                                      required=False, empty_label=_("All"))
    tag = forms.ChoiceField(label=_("Tag"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False,
                                 choices=[("", _("All"))] + list(Statement.Language.choices))
    speaker = forms.CharField(label=_("Speaker"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("All"))]
        choices += [(f"gcm:{o.number}", f"GCM {o.number}. {o.short_title}")
                    for o in GcmObjective.objects.all()]
        choices += [(f"principle:{p.code}", str(p)) for p in GuidingPrinciple.objects.all()]
        choices += [(f"sdg:{t.code}", f"SDG {t.code}") for t in SdgTarget.objects.all()]
        choices += [(f"theme:{t.pk}", t.name) for t in Theme.objects.all()]
        self.fields["tag"].choices = choices

    def filter(self, statements, *, staff: bool):
        data = self.cleaned_data
        if data.get("workshop"):
            statements = statements.filter(session__workshop=data["workshop"])
        if data.get("session"):
            statements = statements.filter(session_id=data["session"])
        if data.get("category"):
            statements = statements.filter(
                Q(speaker_category=data["category"]) if staff
                else privacy.public_category_filter(data["category"]))
        if data.get("language"):
            statements = statements.filter(language=data["language"])
        if data.get("tag"):
            kind, _sep, value = data["tag"].partition(":")
            statements = statements.filter(**{
                "gcm": {"gcm_objectives__number": value},
                "principle": {"principles__code": value},
                "sdg": {"sdg_targets__code": value},
                "theme": {"themes__pk": value},
            }.get(kind, {"pk": None}))
        if data.get("speaker"):
            if staff:
                condition = Q()
                for word in data["speaker"].split():
                    condition &= (Q(person__family_name__icontains=word)
                                  | Q(person__given_name__icontains=word)
                                  | Q(speaker_name__icontains=word))
                statements = statements.filter(condition)
            else:
                statements = statements.filter(privacy.public_speaker_filter(data["speaker"]))
        return statements

    @property
    def session_obj(self):
        value = self.cleaned_data.get("session") if hasattr(self, "cleaned_data") else None
        return Session.objects.filter(pk=value).first() if value else None
