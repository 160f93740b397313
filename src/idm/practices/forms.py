"""The registry's forms: the search (words and facets, each checked against the values that
exist) and the actor network's facets, a registered user's submission and the secretariat's
review."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from idm.core.languages import LANGUAGE_CHOICES
from idm.core.models import Country, GcmObjective, GuidingPrinciple, StakeholderCategory
from idm.core.spreadsheets import shown
from idm.core.validators import no_control_characters
from idm.deliberation.forms import ChoicesOfIds
from idm.dialogues.models import Organization, Session
from idm.practices import services
from idm.practices.models import Link, Practice

# Each facet's values, as (value, label) choices; a form reads only those of its own facets.
FACET_CHOICES = {
    "objective": lambda: [(o.number, f"{o.number}. {o.short_title}")
                          for o in GcmObjective.objects.all()],
    "principle": lambda: [(p.code, str(p)) for p in GuidingPrinciple.objects.all()],
    "region": lambda: [(r, r) for r in sorted(
        {r for r in Country.objects.values_list("region", flat=True) if r})],
    "country": lambda: [(c.iso2, c.name) for c in Country.objects.all()],
    "type": lambda: list(Practice.Type.choices),
    "level": lambda: list(Practice.Level.choices),
    "category": lambda: [(c.code, c.name) for c in StakeholderCategory.objects.all()],
}


class FacetsForm(forms.Form):
    """Facet values (FACETS), each checked against the values that exist: a GCM objective and a
    region here; the registry's search adds the others."""

    objective = forms.TypedChoiceField(label=_("GCM objective"), required=False, coerce=int,
                                       empty_value=None)
    region = forms.ChoiceField(label=_("Region"), required=False)

    FACETS = ("objective", "region")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for facet in self.FACETS:
            self.fields[facet].choices = [("", _("All"))] + FACET_CHOICES[facet]()

    def chosen(self) -> dict:
        """The chosen values, for services.filtered (a valid form)."""
        return {facet: self.cleaned_data.get(facet) for facet in self.FACETS
                if self.cleaned_data.get(facet) not in (None, "")}


class RegistryForm(FacetsForm):
    q = forms.CharField(label=_("Words"), required=False, max_length=200)
    principle = forms.ChoiceField(label=_("Guiding principle"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    type = forms.ChoiceField(label=_("Type"), required=False)
    level = forms.ChoiceField(label=_("Level"), required=False)
    category = forms.ChoiceField(label=_("Implemented by"), required=False)

    FACETS = tuple(services.FACETS)

    def facet_options(self, counts: dict) -> list[dict]:
        """Each facet with its values that some of the found practices have, and how many (for
        a valid form)."""
        shown = []
        for facet in self.FACETS:
            field = self.fields[facet]
            found = counts.get(facet, {})
            values = [{"value": value, "label": label, "count": found[key]}
                      for value, label in field.choices if value != ""
                      for key in [int(value) if facet == "objective" else value] if key in found]
            shown.append({"name": facet, "label": field.label, "values": values,
                          "chosen": self.cleaned_data.get(facet)})
        return shown


class LinksField(forms.CharField):
    """Links, one a line: an address, or a title, a "|" and an address (http or https only)."""

    widget = forms.Textarea(attrs={"rows": 3})
    LIMIT = 10
    check_address = URLValidator(schemes=["http", "https"])

    def to_python(self, value) -> list[tuple[str, str]]:
        links = []
        for line in super().to_python(value).splitlines():
            if not line.strip():
                continue
            title, bar, address = line.rpartition("|")
            title, address = (title.strip() if bar else ""), address.strip()
            no_control_characters(line)
            try:
                self.check_address(address)
            except ValidationError:
                raise ValidationError(_("'%(value)s' is not a web address (https://…).")
                                      % {"value": shown(address)}) from None
            if len(address) > Link._meta.get_field("url").max_length:
                raise ValidationError(_("'%(value)s' is too long.") % {"value": shown(address)})
            # Without a title, the address names the link.
            links.append(((title or address)[:Link._meta.get_field("title").max_length], address))
        if len(links) > self.LIMIT:
            raise ValidationError(_("At most %(limit)s links.") % {"limit": self.LIMIT})
        return links


class SubmissionForm(forms.Form):
    """What a registered user tells about a practice; the secretariat completes and reviews it.
    The title and summary are in the language the submitter writes in."""

    language = forms.ChoiceField(label=_("Language of your text"), choices=LANGUAGE_CHOICES)
    title = forms.CharField(label=_("Title"), max_length=300,
                            validators=[no_control_characters])
    summary = forms.CharField(label=_("Summary"), max_length=3000,
                              validators=[no_control_characters],
                              widget=forms.Textarea(attrs={"rows": 6}),
                              help_text=_("What it does, for whom, and what it has achieved."))
    type = forms.ChoiceField(label=_("Type"), choices=Practice.Type.choices)
    level = forms.ChoiceField(label=_("Level"), choices=Practice.Level.choices)
    implementers = ChoicesOfIds(label=_("Implementing organizations"), required=False,
                                queryset=Organization.objects.order_by("name"),
                                widget=forms.SelectMultiple(attrs={"size": 8}),
                                help_text=_("Hold Ctrl (or ⌘) to choose several."))
    partners = ChoicesOfIds(label=_("Partners"), required=False,
                            queryset=Organization.objects.order_by("name"),
                            widget=forms.SelectMultiple(attrs={"size": 8}))
    proposed_organizations = forms.CharField(
        label=_("Organizations not in the lists"), required=False, max_length=1000,
        validators=[no_control_characters],
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Their names, one a line, and whether they implement or partner."))
    worldwide = forms.BooleanField(label=_("Global"), required=False,
                                   help_text=_("It concerns the whole world rather than countries."))
    countries = ChoicesOfIds(label=_("Countries"), required=False,
                             queryset=Country.objects.all(),
                             widget=forms.SelectMultiple(attrs={"size": 8}))
    gcm_objectives = ChoicesOfIds(label=_("GCM objectives"), required=False,
                                  queryset=GcmObjective.objects.all(),
                                  widget=forms.CheckboxSelectMultiple)
    principles = ChoicesOfIds(label=_("Guiding principles"), required=False,
                              queryset=GuidingPrinciple.objects.all(),
                              widget=forms.CheckboxSelectMultiple)
    starts_on = forms.DateField(label=_("Start"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("End"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))
    resources = forms.CharField(label=_("Resources"), required=False, max_length=3000,
                                validators=[no_control_characters],
                                widget=forms.Textarea(attrs={"rows": 2}),
                                help_text=_("Partnerships: the money, staff or know-how committed."))
    sessions = ChoicesOfIds(label=_("Presented in sessions"), required=False,
                            queryset=Session.objects.exclude(kind=Session.Kind.BREAK)
                            .select_related("workshop").order_by("-start", "order", "pk"),
                            widget=forms.SelectMultiple(attrs={"size": 8}))
    links = LinksField(label=_("Links and documents"), required=False, max_length=5000,
                       help_text=_("One a line: an address, or a title, “|” and an address."))

    RELATIONS = ("implementers", "partners", "countries", "gcm_objectives", "principles",
                 "sessions")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sessions"].label_from_instance = lambda s: (
            f"{s.title} — {s.workshop.city}, {s.start:%Y-%m-%d}")
        self.fields["countries"].label_from_instance = lambda c: c.name

    def clean(self):
        data = super().clean()
        if not data.get("implementers") and not data.get("proposed_organizations", "").strip():
            self.add_error("implementers", _(
                "Choose the organizations that implement it, or name them below."))
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The end comes before the start."))
        return data

    def practice(self, user) -> tuple[Practice, dict, list[tuple[str, str]]]:
        """The practice the form describes (unsaved), its relations and its links."""
        data = self.cleaned_data
        language = data["language"]
        practice = Practice(
            **{f"title_{language}": data["title"], f"summary_{language}": data["summary"]},
            language=language, type=data["type"], level=data["level"],
            worldwide=data["worldwide"], starts_on=data["starts_on"], ends_on=data["ends_on"],
            resources=data["resources"], proposed_organizations=data["proposed_organizations"])
        return practice, {field: data[field] for field in self.RELATIONS}, data["links"]


class ReviewForm(forms.ModelForm):
    """The secretariat's decision on a practice, and the tags it settles on."""

    class Meta:
        model = Practice
        fields = ["status", "review_message", "gcm_objectives", "principles", "sdg_targets"]
        widgets = {"review_message": forms.Textarea(attrs={"rows": 4}),
                   "gcm_objectives": forms.CheckboxSelectMultiple,
                   "principles": forms.CheckboxSelectMultiple,
                   "sdg_targets": forms.CheckboxSelectMultiple}
        field_classes = {"gcm_objectives": ChoicesOfIds, "principles": ChoicesOfIds,
                         "sdg_targets": ChoicesOfIds}
        help_texts = {"review_message": _("Sent to the submitter with the status, in their "
                                          "language; the public never sees it.")}

    RELATIONS = ("gcm_objectives", "principles", "sdg_targets")
