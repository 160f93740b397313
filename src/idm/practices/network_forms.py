"""The actor network's filters: a GCM objective and a region, checked against the values that
exist, as the registry's search checks them (forms.RegistryForm)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from idm.core.models import Country, GcmObjective


class NetworkForm(forms.Form):
    objective = forms.TypedChoiceField(label=_("GCM objective"), required=False, coerce=int,
                                       empty_value=None)
    region = forms.ChoiceField(label=_("Region"), required=False)

    FACETS = ("objective", "region")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        regions = (Country.objects.exclude(region="").order_by("region")
                   .values_list("region", flat=True).distinct())
        self.fields["objective"].choices = everything + [
            (o.number, f"{o.number}. {o.short_title}") for o in GcmObjective.objects.all()]
        self.fields["region"].choices = everything + [(r, r) for r in regions]

    def chosen(self) -> dict:
        """The chosen values, for services.filtered (a valid form)."""
        return {facet: self.cleaned_data[facet] for facet in self.FACETS
                if self.cleaned_data.get(facet) not in (None, "")}
