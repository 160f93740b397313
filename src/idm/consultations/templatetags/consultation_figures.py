"""`{% consultation_figures draft %}`: a draft key message's or recommendation's figures in the
consultations it was put to, for the rapporteur's pages of the apps to the left (which cannot import
this one: the tag brings the figures to them)."""

from django import template

from idm.consultations import services

register = template.Library()


@register.inclusion_tag("consultations/_figures.html")
def consultation_figures(draft):
    return {"figures": services.figures_for(draft) if draft.pk else []}
