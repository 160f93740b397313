"""Forms of the consultation pages: a new consultation, a participant's own statement."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from idm.consultations import services
from idm.consultations.models import Consultation
from idm.deliberation.forms import ChoicesOfIds
from idm.deliberation.models import KeyMessage, Recommendation, Statement
from idm.dialogues.models import Workshop


class ConsultationForm(forms.ModelForm):
    """A new consultation: what is put to the vote, when, and who may vote."""

    key_messages = ChoicesOfIds(label=_("Key messages"), queryset=KeyMessage.objects.none(),
                                required=False, widget=forms.CheckboxSelectMultiple)
    recommendations = ChoicesOfIds(label=_("Recommendations"), queryset=Recommendation.objects.none(),
                                   required=False, widget=forms.CheckboxSelectMultiple)
    statements = ChoicesOfIds(label=_("Statements from the floor"), queryset=Statement.objects.none(),
                              required=False, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Consultation
        fields = ["title", "workshop", "opens_at", "closes_at", "voters", "submissions"]
        widgets = {**{field: forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
                      for field in ("opens_at", "closes_at")},
                   "voters": forms.RadioSelect}

    def __init__(self, *args, dialogue, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.dialogue = dialogue
        self.fields["workshop"].queryset = Workshop.objects.filter(dialogue=dialogue)
        self.fields["workshop"].empty_label = _("The whole dialogue")
        self.fields["key_messages"].queryset = KeyMessage.objects.filter(dialogue=dialogue)
        self.fields["recommendations"].queryset = Recommendation.objects.filter(dialogue=dialogue)
        self.fields["statements"].queryset = (
            Statement.objects.filter(session__workshop__dialogue=dialogue, kind=Statement.Kind.FLOOR,
                                     complete=True).exclude(text="").order_by("session__start", "order"))
        # Drafts are what a consultation is for: they are ticked to begin with.
        self.initial.setdefault("key_messages", [k.pk for k in self.fields["key_messages"].queryset
                                                 if k.status == KeyMessage.Status.DRAFT])
        self.initial.setdefault("recommendations", [r.pk for r in self.fields["recommendations"].queryset
                                                    if r.status == KeyMessage.Status.DRAFT])

    def clean(self):
        data = super().clean()
        if not (data.get("key_messages") or data.get("recommendations") or data.get("statements")):
            raise ValidationError(_("Put at least one key message, recommendation or statement to "
                                    "the vote."))
        return data


class SubmissionForm(forms.Form):
    text = forms.CharField(
        label=_("Your statement"), max_length=services.MAX_SUBMISSION,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Short and about one idea. The secretariat reads it before it is put to the vote."))
