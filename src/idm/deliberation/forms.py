"""Forms of the deliberation pages: tagging a statement, editing key messages and
recommendations, adding evidence, the search filters, the capture's statements."""

import json

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from idm.core.identifiers import IDS, is_id
from idm.core.languages import LANGUAGES
from idm.core.models import GcmObjective, GuidingPrinciple, SdgTarget, StakeholderCategory
from idm.core.spreadsheets import shown
from idm.deliberation import privacy
from idm.deliberation.models import KeyMessage, Recommendation, Statement, SynthesisRun, Theme
from idm.dialogues.models import Person, Session, Workshop


class ChoicesOfIds(forms.ModelMultipleChoiceField):
    """Several choices by id; Django asks the database about them all at once, unchecked."""

    def _check_values(self, value):
        for pk in value:
            if not is_id(pk):
                raise ValidationError(self.error_messages["invalid_choice"],
                                      code="invalid_choice", params={"value": pk})
        return super()._check_values(value)


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
        field_classes = {"gcm_objectives": ChoicesOfIds, "principles": ChoicesOfIds,
                         "sdg_targets": ChoicesOfIds}

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


class CaptureForm(forms.Form):
    """What the capture page sends (JSON) as a statement is typed. Only the fields it sends are
    checked and changed; each must be of its kind, so nothing reaches the database unchecked."""

    TEXT_FIELDS = ("text", "speaker_name", "speaker_organization", "language", "kind",
                   "attribution")
    ID_FIELDS = ("person", "speaker_category")

    text = forms.CharField(required=False, strip=False)
    speaker_name = forms.CharField(required=False, max_length=200)
    speaker_organization = forms.CharField(required=False, max_length=300)
    language = forms.ChoiceField(choices=Statement.Language.choices)
    kind = forms.ChoiceField(choices=Statement.Kind.choices)
    attribution = forms.ChoiceField(choices=Statement.Attribution.choices)
    person = forms.ModelChoiceField(queryset=Person.objects.none(), required=False,
                                    error_messages={"invalid_choice": _(
                                        "%(value)s is not a speaker of this session.")})
    speaker_category = forms.ModelChoiceField(
        queryset=StakeholderCategory.objects.all(), required=False,
        error_messages={"invalid_choice": _("%(value)s is not a stakeholder category.")})
    complete = forms.BooleanField(required=False)

    def __init__(self, values: dict, *, session: Session):
        super().__init__(values)
        self.fields["person"].queryset = Person.objects.filter(
            session_roles__session=session).distinct()
        for name in list(self.fields):
            if name not in values:
                del self.fields[name]

    def clean(self):
        # A form reads anything as text; JSON says what kind a value is, and it must be right.
        for name in self.fields:
            message = self._wrong_kind(name, self.data[name])
            if message:
                self.errors.pop(name, None)
                self.add_error(name, message)
        return self.cleaned_data

    def _wrong_kind(self, name: str, value) -> str:
        if name in self.TEXT_FIELDS and not (value is None or isinstance(value, str)):
            return _("Send text here, not %(value)s.") % {"value": shown(json.dumps(value))}
        if name in self.ID_FIELDS and not (value in (None, "") or is_id(value)
                                     and isinstance(value, (int, str))
                                     and not isinstance(value, bool)):
            return _("%(value)s is not one of the choices.") % {"value": shown(json.dumps(value))}
        if name == "complete" and not isinstance(value, bool):
            return _("Send true or false, not %(value)s.") % {"value": shown(json.dumps(value))}
        return ""

    def values(self) -> dict:
        """The checked values, as the capture service takes them."""
        values = dict(self.cleaned_data)
        for name in self.ID_FIELDS:
            if name in values:
                values[name] = values[name].pk if values[name] else None
        return values


class KeyMessageForm(forms.ModelForm):
    class Meta:
        model = KeyMessage
        fields = ["number", "status", "title_en", "title_fr", "title_es", "body_en", "body_fr",
                  "body_es"]
        widgets = {f"body_{lang}": forms.Textarea(attrs={"rows": 8}) for lang in LANGUAGES}


class RecommendationForm(forms.ModelForm):
    class Meta:
        model = Recommendation
        fields = ["addressee", "key_message", "status", "order", "text_en", "text_fr", "text_es"]
        widgets = {f"text_{lang}": forms.Textarea(attrs={"rows": 4}) for lang in LANGUAGES}

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
    session = forms.IntegerField(label=_("Session"), required=False, widget=forms.HiddenInput,
                                 min_value=IDS.start, max_value=IDS.stop - 1, error_messages={
                                     "min_value": _("There is no session %(value)s."),
                                     "max_value": _("There is no session %(value)s.")})
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


class SynthesisForm(forms.Form):
    """What a synthesis run reads (the dialogue, one of its workshops or one of its sessions) and
    how many themes it looks for."""

    scope = forms.ChoiceField(label=_("Statements of"), required=False)
    themes = forms.IntegerField(label=_("Number of themes"), required=False, min_value=1,
                                max_value=60, help_text=_("Leave empty to let the statements "
                                                          "decide."))
    engine = forms.ChoiceField(label=_("Engine"), choices=SynthesisRun.Engine.choices,
                               initial=SynthesisRun.Engine.TFIDF)

    def __init__(self, *args, dialogue, **kwargs):
        super().__init__(*args, **kwargs)
        self.dialogue = dialogue
        choices = [("", _("The whole dialogue"))]
        sessions = Session.objects.filter(workshop__dialogue=dialogue).select_related(
            "workshop").order_by("workshop__first_day", "start", "pk")
        workshops = {}
        for session in sessions:
            workshops.setdefault(session.workshop, []).append(session)
        for workshop, its_sessions in workshops.items():
            choices.append((f"workshop:{workshop.pk}", workshop.title))
            choices += [(f"session:{s.pk}", f"— {s.title}") for s in its_sessions
                        if s.statements.exists()]
        self.fields["scope"].choices = choices
        self.workshops = {f"workshop:{w.pk}": w for w in workshops}
        self.sessions = {f"session:{s.pk}": s for s in sessions}

    def clean(self):
        data = super().clean()
        scope = data.get("scope") or ""
        data["workshop"] = self.workshops.get(scope)
        data["session"] = self.sessions.get(scope)
        return data


class SplitForm(forms.Form):
    theme = forms.IntegerField(min_value=1)
    parts = forms.IntegerField(label=_("Parts"), required=False, min_value=2, max_value=20)


class MergeForm(forms.Form):
    themes = forms.TypedMultipleChoiceField(coerce=int, choices=())

    def __init__(self, *args, run, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].choices = [(t["number"], t["label"]) for t in run.themes]


class ThemeKeyMessageForm(forms.Form):
    theme = forms.IntegerField(min_value=1)
    title = forms.CharField(label=_("Title of the key message"), max_length=300)
    body = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(
        attrs={"rows": 3}))

