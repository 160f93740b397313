"""The secretariat's pages that export the practices registry as CSV, XLSX or JSON and import it
back, all or nothing."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from idm.core import roles
from idm.core.spreadsheets import ImportFileError, read_upload, shown
from idm.practices import files
from idm.practices.models import Practice


@roles.secretariat_required
def practices_export(request, fmt: str):
    """Every practice, or those of one review status (?status=published)."""
    if fmt not in files.FORMATS:
        raise Http404
    practices = Practice.objects.all()
    status = request.GET.get("status", "")
    if status and status not in Practice.Status.values:
        # A mistyped status exports nothing rather than everything, submissions included.
        return HttpResponseBadRequest(_("Unknown review status '%(value)s'; use one of: "
                                        "%(choices)s.") % {"value": shown(status),
                                                           "choices": ", ".join(Practice.Status.values)},
                                      content_type="text/plain; charset=utf-8")
    if status:
        practices = practices.filter(status=status)
    response = HttpResponse(files.export_practices(practices, fmt),
                            content_type=files.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="practices.{fmt}"'
    return response


class PracticesImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Practices file (CSV, XLSX or JSON)"))


@roles.secretariat_required
def practices_import(request):
    form = PracticesImportForm(request.POST or None, request.FILES or None)
    errors, status = [], 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = files.import_practices(read_upload(upload), upload.name, request.user)
        except ImportFileError as error:
            errors, status = error.errors, 400
        else:
            messages.success(request, _("Imported: %(created)s new and %(updated)s updated "
                                        "practices.") % {"created": result.created,
                                                         "updated": result.updated})
            return redirect("practices:import")
    elif request.method == "POST":
        status = 400
    return render(request, "practices/import.html", {"form": form, "errors": errors},
                  status=status)
