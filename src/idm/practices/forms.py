"""The registry's search: words and facets, each checked against the values that exist."""

from django import forms
from django.utils.translation import gettext_lazy as _

from idm.core.models import Country, GcmObjective, GuidingPrinciple, StakeholderCategory
from idm.practices import services
from idm.practices.models import Practice


class RegistryForm(forms.Form):
    q = forms.CharField(label=_("Words"), required=False, max_length=200)
    objective = forms.TypedChoiceField(label=_("GCM objective"), required=False, coerce=int,
                                       empty_value=None)
    principle = forms.ChoiceField(label=_("Guiding principle"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    type = forms.ChoiceField(label=_("Type"), required=False)
    level = forms.ChoiceField(label=_("Level"), required=False)
    category = forms.ChoiceField(label=_("Implemented by"), required=False)

    FACETS = tuple(services.FACETS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        regions = sorted({r for r in Country.objects.values_list("region", flat=True) if r})
        options = {
            "objective": [(o.number, f"{o.number}. {o.short_title}") for o in GcmObjective.objects.all()],
            "principle": [(p.code, str(p)) for p in GuidingPrinciple.objects.all()],
            "region": [(r, r) for r in regions],
            "country": [(c.iso2, c.name) for c in Country.objects.all()],
            "type": list(Practice.Type.choices),
            "level": list(Practice.Level.choices),
            "category": [(c.code, c.name) for c in StakeholderCategory.objects.all()],
        }
        for facet, choices in options.items():
            self.fields[facet].choices = everything + choices

    def chosen(self) -> dict:
        return {facet: self.cleaned_data.get(facet) for facet in self.FACETS
                if self.cleaned_data.get(facet) not in (None, "")}

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
