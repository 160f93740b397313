"""Forms participants and the secretariat fill in: registration, and the participant filters."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from idm.core.models import Country, StakeholderCategory
from idm.dialogues.models import Organization, Person, Registration, RegistrationQuestion, Workshop
from idm.dialogues.participants import RegistrationData

# Roles a participant may ask for; the secretariat may set any.
WISHED_ROLES = [Registration.Role.PARTICIPANT, Registration.Role.SPEAKER,
                Registration.Role.OBSERVER, Registration.Role.MEDIA]


class RegistrationForm(forms.Form):
    honorific = forms.CharField(label=_("Honorific (optional)"), max_length=40, required=False,
                                help_text=_("Ms, Mr, Dr, H.E. ..."))
    given_name = forms.CharField(label=_("Given name"), max_length=100,
                                 widget=forms.TextInput(attrs={"autocomplete": "given-name"}))
    family_name = forms.CharField(label=_("Family name"), max_length=100,
                                  widget=forms.TextInput(attrs={"autocomplete": "family-name"}))
    email = forms.EmailField(label=_("E-mail"),
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    organization = forms.ModelChoiceField(
        label=_("Organization"), queryset=Organization.objects.none(), required=False,
        empty_label=_("— Not in the list —"))
    proposed_organization = forms.CharField(
        label=_("Your organization, if it is not in the list"), max_length=300, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}))
    category = forms.ModelChoiceField(label=_("Stakeholder category"),
                                      queryset=StakeholderCategory.objects.none())
    country = forms.ModelChoiceField(label=_("Country"), queryset=Country.objects.none(),
                                     required=False, empty_label=_("— Choose —"),
                                     help_text=_("The country you represent or work in."))
    gender = forms.ChoiceField(label=_("Gender (optional)"), required=False,
                               widget=forms.RadioSelect,
                               choices=[("", _("Not given"))] + list(Person.Gender.choices))
    role = forms.ChoiceField(label=_("I would like to take part as"),
                             choices=[(r.value, r.label) for r in WISHED_ROLES])
    needs = forms.CharField(label=_("Accessibility or interpretation needs (optional)"),
                            required=False, max_length=2000,
                            widget=forms.Textarea(attrs={"rows": 3}))
    consent_public = forms.BooleanField(
        label=_("List my name, organization and country in the public list of participants"),
        required=False)

    def __init__(self, *args, workshop: Workshop, **kwargs):
        super().__init__(*args, **kwargs)
        self.workshop = workshop
        self.fields["organization"].queryset = Organization.objects.order_by(
            f"name_{get_language()}", "name_en")
        self.fields["category"].queryset = StakeholderCategory.objects.all()
        self.fields["country"].queryset = Country.objects.order_by(f"name_{get_language()}")
        self.questions = list(workshop.questions.all())
        for question in self.questions:
            self.fields[f"question_{question.pk}"] = _question_field(question)

    def clean(self):
        data = super().clean()
        if not data.get("organization") and not data.get("proposed_organization", "").strip():
            self.add_error("proposed_organization", ValidationError(
                _("Choose your organization in the list or write its name here."),
                code="organization_missing"))
        return data

    def registration_data(self) -> RegistrationData:
        data = self.cleaned_data
        answers = {str(q.pk): data.get(f"question_{q.pk}") for q in self.questions
                   if data.get(f"question_{q.pk}") not in (None, "")}
        return RegistrationData(
            email=data["email"], given_name=data["given_name"], family_name=data["family_name"],
            honorific=data["honorific"], gender=data["gender"],
            organization=data["organization"],
            proposed_organization="" if data["organization"] else data["proposed_organization"],
            category=data["category"], country=data["country"], role=data["role"],
            consent_public=data["consent_public"], needs=data["needs"],
            language=get_language(), answers=answers)

    @property
    def question_fields(self):
        return [self[f"question_{q.pk}"] for q in self.questions]


def _question_field(question: RegistrationQuestion) -> forms.Field:
    if question.kind == RegistrationQuestion.Kind.CHOICE:
        return forms.ChoiceField(label=question.label, required=question.required,
                                 choices=[("", "—")] + [(c, c) for c in question.choice_list])
    if question.kind == RegistrationQuestion.Kind.YES_NO:
        return forms.ChoiceField(label=question.label, required=question.required,
                                 widget=forms.RadioSelect,
                                 choices=[("yes", _("Yes")), ("no", _("No"))])
    return forms.CharField(label=question.label, required=question.required, max_length=1000)


class RegistrationFilterForm(forms.Form):
    """The secretariat's filters on the list of registrations."""

    q = forms.CharField(label=_("Search"), required=False,
                        help_text=_("Name, e-mail or organization"))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All"))] + list(Registration.Status.choices))
    category = forms.ModelChoiceField(label=_("Stakeholder category"), required=False,
                                      queryset=StakeholderCategory.objects.all(),
                                      empty_label=_("All"))
    region = forms.ChoiceField(label=_("UN region"), required=False)
    role = forms.ChoiceField(label=_("Role"), required=False,
                             choices=[("", _("All"))] + list(Registration.Role.choices))
    listed = forms.ChoiceField(label=_("Public list"), required=False,
                               choices=[("", _("All")), ("yes", _("Listed")),
                                        ("no", _("Not listed"))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        regions = (Country.objects.exclude(region="").order_by("region")
                   .values_list("region_code", "region").distinct())
        self.fields["region"].choices = [("", _("All"))] + list(dict(regions).items())

    def filter(self, registrations):
        if not self.is_valid():
            return registrations
        data = self.cleaned_data
        if data["q"]:
            words = data["q"].split()
            for word in words:
                registrations = registrations.filter(
                    Q(person__given_name__icontains=word) | Q(person__family_name__icontains=word)
                    | Q(email__icontains=word) | Q(organization__name__icontains=word)
                    | Q(organization__acronym__iexact=word)
                    | Q(proposed_organization__icontains=word))
        if data["status"]:
            registrations = registrations.filter(status=data["status"])
        if data["category"]:
            registrations = registrations.filter(category=data["category"])
        if data["region"]:
            registrations = registrations.filter(country__region_code=data["region"])
        if data["role"]:
            registrations = registrations.filter(role=data["role"])
        if data["listed"]:
            registrations = registrations.filter(consent_public=data["listed"] == "yes")
        return registrations
