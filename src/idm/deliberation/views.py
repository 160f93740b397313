"""Pages of the deliberation: the rapporteur's capture, tagging, transcripts, key messages and
recommendations, and the synthesis workbench; the public's search, statements and final key
messages."""

import base64
import difflib
import json
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from idm.core import jobs, roles, search
from idm.core.identifiers import is_id
from idm.core.models import StakeholderCategory
from idm.core.spreadsheets import ImportFileError, read_upload, write_csv
from idm.deliberation import privacy, services, tag_suggestions, workbench
from idm.deliberation.forms import (
    CaptureForm,
    EvidenceForm,
    KeyMessageForm,
    MergeForm,
    RecommendationForm,
    SearchForm,
    SplitForm,
    StatementForm,
    SynthesisForm,
    ThemeKeyMessageForm,
)
from idm.deliberation.models import (
    KeyMessage,
    KeyMessageEvidence,
    Recommendation,
    RecommendationEvidence,
    Revision,
    Statement,
    SynthesisRun,
)
from idm.deliberation.transcripts import TranscriptPreview, TranscriptProblem
from idm.dialogues.models import Dialogue, Session, SessionRole

PAGE_SIZE = 25


def _statements():
    return Statement.objects.select_related(
        "person", "speaker_category", "session__workshop__dialogue", "reference_event"
    ).prefetch_related(
        Prefetch("session__roles", queryset=SessionRole.objects.select_related("person")),
        "gcm_objectives", "principles", "sdg_targets", "themes")


def _decorate(statements, *, staff: bool, query: str = ""):
    """What a page shows of each statement: the speaker as the viewer may see them."""
    statements = privacy.show_speakers(statements, staff=staff)
    for statement in statements:
        statement.shown_text = (search.highlight(statement.text, query) if query
                                else statement.text)
    return statements


# The public ---------------------------------------------------------------------------------


def search_statements(request):
    staff = roles.is_staff(request.user)
    form = SearchForm(request.GET or None)
    results, page, query, found = None, None, "", None
    if form.is_valid() and (form.cleaned_data["q"] or any(
            form.cleaned_data[f] for f in ("workshop", "session", "category", "tag", "language",
                                           "speaker"))):
        query = form.cleaned_data["q"]
        statements = privacy.public_statements(_statements())
        statements = form.filter(statements, staff=staff)
        if query:
            # Ranked among the newest matches up to a bound, so a common word is as fast as
            # a rare one; the page says when there are more.
            statements = found = search.Results(statements, services.SEARCH_KIND, query)
        else:
            statements = statements.order_by("-created_at", "-pk")
        page = Paginator(statements, PAGE_SIZE).get_page(request.GET.get("page"))
        results = _decorate(page.object_list, staff=staff, query=query)
    key_messages = []
    if staff:
        key_messages = KeyMessage.objects.select_related("dialogue").order_by(
            "-dialogue__year", "number")
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "deliberation/search.html", {
        "form": form, "results": results, "page": page, "query": query, "staff": staff,
        "found": found, "key_messages": key_messages, "params": params.urlencode()},
        status=400 if form.is_bound and form.errors else 200)


def statement_detail(request, pk: int):
    staff = roles.is_staff(request.user)
    statements = _statements() if staff else privacy.public_statements(_statements())
    statement = get_object_or_404(statements, pk=pk)
    _decorate([statement], staff=staff)
    return render(request, "deliberation/statement.html", {"statement": statement,
                                                             "staff": staff})


def session_statements(request, pk: int):
    """What was said in a session, as the public may read it."""
    session = get_object_or_404(Session.objects.select_related("workshop__dialogue"), pk=pk)
    staff = roles.is_staff(request.user)
    statements = _statements().filter(session=session).order_by("order", "id")
    if not staff:
        statements = privacy.public_statements(statements)
    return render(request, "deliberation/session_statements.html", {
        "session": session, "workshop": session.workshop, "staff": staff,
        "statements": _decorate(list(statements), staff=staff)})


def key_messages_public(request, number: int):
    """The dialogue's final key messages and recommendations, with the statements behind them."""
    dialogue = get_object_or_404(Dialogue, number=number)
    staff = roles.is_staff(request.user)
    key_messages = dialogue.key_messages.all()
    recommendations = dialogue.recommendations.select_related("key_message")
    if not staff:
        key_messages = key_messages.filter(status=KeyMessage.Status.FINAL)
        recommendations = recommendations.filter(status=KeyMessage.Status.FINAL)
    evidence = KeyMessageEvidence.objects.filter(statement__complete=True).select_related(
        "statement__person", "statement__speaker_category", "statement__session__workshop",
        "statement__reference_event").prefetch_related("statement__session__roles__person")
    key_messages = list(key_messages.prefetch_related(Prefetch("evidence", queryset=evidence)))
    _decorate([e.statement for k in key_messages for e in k.evidence.all()], staff=staff)
    return render(request, "deliberation/key_messages_public.html", {
        "dialogue": dialogue, "key_messages": key_messages, "staff": staff,
        "recommendations": recommendations})


# Capture during a live session ---------------------------------------------------------------


@roles.staff_required
def capture(request, pk: int):
    session = get_object_or_404(Session.objects.select_related("workshop__dialogue"), pk=pk)
    links = list(session.roles.select_related("person", "organization").order_by("order", "id"))
    upcoming = services.next_speaker(session)
    statements = _decorate(list(_statements().filter(session=session).order_by("order", "id")),
                           staff=True)
    return render(request, "deliberation/capture.html", {
        "session": session, "workshop": session.workshop, "links": links,
        "next_person": upcoming.person_id if upcoming else "", "statements": statements,
        "categories": StakeholderCategory.objects.all(),
        "statement_languages": Statement.Language.choices, "kinds": Statement.Kind.choices,
        "attributions": Statement.Attribution.choices,
        "new_client_id": uuid.uuid4()})


@roles.staff_required
@require_POST
def capture_save(request, pk: int):
    """Saves a statement as it is typed (JSON in, JSON out); the capture id makes retries safe."""
    session = get_object_or_404(Session, pk=pk)
    try:
        data = json.loads(request.body.decode("utf-8"))
    except (ValueError, RecursionError):  # not UTF-8, not JSON, nested beyond reason
        data = None
    if not isinstance(data, dict):
        return _not_saved({"__all__": [_("A statement is sent as a JSON object in UTF-8.")]})
    try:
        client_id = uuid.UUID(data.pop("client_id"))
    except (KeyError, TypeError, ValueError, AttributeError):
        return _not_saved({"client_id": [_("A statement needs its capture id.")]})
    form = CaptureForm(data, session=session)
    if not form.is_valid():
        return _not_saved({name: list(errors) for name, errors in form.errors.items()})
    try:
        statement = services.capture(session, client_id, form.values(), request.user)
    except ValidationError as error:
        return _not_saved(error.message_dict)
    except services.DeliberationError as error:
        return _not_saved({"__all__": [str(error)]}, status=409)
    upcoming = services.next_speaker(session) if statement.complete else None
    return JsonResponse({"saved": True, "id": statement.pk, "complete": statement.complete,
                         "speaker": statement.speaker_display_internal,
                         "edit_url": f"{statement.get_absolute_url()}edit/",
                         "next_person": upcoming.person_id if upcoming else None})


def _not_saved(errors: dict, status: int = 400) -> JsonResponse:
    return JsonResponse({"saved": False, "errors": errors}, status=status)


@roles.staff_required
def statement_edit(request, pk: int):
    statement = get_object_or_404(_statements(), pk=pk)
    form = StatementForm(request.POST or None, instance=statement)
    if request.method == "POST" and form.is_valid():
        statement = services.edit_statement(
            form.save(commit=False), request.user,
            gcm_objectives=form.cleaned_data["gcm_objectives"],
            principles=form.cleaned_data["principles"],
            sdg_targets=form.cleaned_data["sdg_targets"], themes=form.theme_names())
        messages.success(request, _("Statement saved."))
        if statement.session_id:
            return redirect("deliberation:capture", pk=statement.session_id)
        return redirect(statement.get_absolute_url())
    return render(request, "deliberation/statement_edit.html", {
        "form": form, "statement": statement, "suggested": tag_suggestions.of(statement)})


# Transcripts ---------------------------------------------------------------------------------

TRANSCRIPT_KEY = "idm-transcript"


@roles.staff_required
def transcript(request, pk: int):
    """Upload, preview, then confirm: nothing is saved before the confirmation."""
    session = get_object_or_404(Session.objects.select_related("workshop"), pk=pk)
    preview, filename = None, ""
    attribution = request.POST.get("attribution", Statement.Attribution.ATTRIBUTED)
    if attribution not in Statement.Attribution.values:
        attribution = Statement.Attribution.ATTRIBUTED
    if request.method == "POST" and "confirm" in request.POST:
        stored = request.session.get(TRANSCRIPT_KEY, {})
        if stored.get("session") != session.pk:
            messages.error(request, _(
                "Upload the transcript again, corrected if its preview showed problems: nothing "
                "was saved."))
            return redirect("deliberation:transcript", pk=session.pk)
        content = base64.b64decode(stored["content"])
        try:
            count = services.import_transcript(session, content, stored["name"], request.user,
                                               attribution=attribution)
        except services.DeliberationError as error:
            messages.error(request, str(error))
            return redirect("deliberation:transcript", pk=session.pk)
        del request.session[TRANSCRIPT_KEY]
        messages.success(request, _("%(count)s statements imported.") % {"count": count})
        return redirect("deliberation:capture", pk=session.pk)
    if request.method == "POST" and request.FILES.get("file"):
        upload = request.FILES["file"]
        filename = upload.name
        try:
            content = read_upload(upload)
        except ImportFileError as error:
            preview = TranscriptPreview(items=[], problems=[
                TranscriptProblem(0, problem.message, "") for problem in error.errors])
        else:
            preview = services.preview_transcript(session, content, filename)
        request.session.pop(TRANSCRIPT_KEY, None)
        if not preview.problems:
            # Kept for the confirmation; a file with problems cannot be confirmed anyway.
            request.session[TRANSCRIPT_KEY] = {"session": session.pk, "name": filename,
                                               "content": base64.b64encode(content).decode()}
    return render(request, "deliberation/transcript.html", {
        "session": session, "workshop": session.workshop, "preview": preview,
        "filename": filename, "attribution": attribution,
        "attributions": Statement.Attribution.choices}, status=400 if preview and
        preview.problems else 200)


# Key messages and recommendations ---------------------------------------------------------------


@roles.staff_required
def key_messages(request, number: int):
    dialogue = get_object_or_404(Dialogue, number=number)
    items = []
    for key_message in dialogue.key_messages.all():
        items.append((key_message, services.evidence_spread(key_message)))
    unsupported = services.unsupported_statements(dialogue).order_by("session__start", "order")
    page = Paginator(unsupported, 20).get_page(request.GET.get("page"))
    return render(request, "deliberation/key_messages.html", {
        "dialogue": dialogue, "items": items, "unsupported": _decorate(page.object_list,
                                                                       staff=True),
        "page": page, "recommendations": dialogue.recommendations.select_related(
            "key_message")})


@roles.staff_required
def key_message_edit(request, pk: int | None = None, number: int | None = None):
    if pk is None:
        dialogue = get_object_or_404(Dialogue, number=number)
        key_message = KeyMessage(dialogue=dialogue,
                                 number=dialogue.key_messages.count() + 1)
    else:
        key_message = get_object_or_404(KeyMessage.objects.select_related("dialogue"), pk=pk)
    return _edit_with_evidence(request, key_message, KeyMessageForm(
        request.POST if request.POST.get("form") == "main" else None, instance=key_message),
        services.save_key_message, "deliberation/key_message_edit.html")


@roles.staff_required
def recommendation_edit(request, pk: int | None = None, number: int | None = None):
    if pk is None:
        dialogue = get_object_or_404(Dialogue, number=number)
        recommendation = Recommendation(dialogue=dialogue)
    else:
        recommendation = get_object_or_404(Recommendation.objects.select_related("dialogue"),
                                           pk=pk)
    form = RecommendationForm(request.POST if request.POST.get("form") == "main" else None,
                              instance=recommendation, dialogue=recommendation.dialogue)
    return _edit_with_evidence(request, recommendation, form, services.save_recommendation,
                               "deliberation/recommendation_edit.html")


def _edit_with_evidence(request, target, form, save, template):
    evidence_form = EvidenceForm(request.POST if request.POST.get("form") == "evidence"
                                 else None)
    if request.method == "POST" and request.POST.get("form") == "main" and form.is_valid():
        try:
            save(form.save(commit=False), request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(target.get_absolute_url())
    if target.pk and request.POST.get("form") == "evidence" and evidence_form.is_valid():
        statement = Statement.objects.filter(pk=evidence_form.cleaned_data["statement"]).first()
        try:
            if statement is None:
                raise services.DeliberationError(_("There is no such statement."))
            services.add_evidence(target, statement, request.user,
                                  quote=evidence_form.cleaned_data["quote"])
        except (services.DeliberationError, ValidationError) as error:
            evidence_form.add_error("statement", error.messages[0] if isinstance(
                error, ValidationError) else str(error))
        else:
            messages.success(request, _("Evidence added."))
            return redirect(target.get_absolute_url())
    if request.method == "POST" and request.POST.get("form") == "remove" and target.pk:
        model = KeyMessageEvidence if isinstance(target, KeyMessage) else RecommendationEvidence
        evidence = _posted_or_404(model.objects.all(), request.POST.get("evidence"))
        services.remove_evidence(evidence, request.user)
        messages.success(request, _("Evidence removed."))
        return redirect(target.get_absolute_url())
    evidence = []
    if target.pk:
        evidence = list(target.evidence.select_related(
            "statement__person", "statement__speaker_category", "statement__session__workshop",
            "statement__reference_event"))
        _decorate([e.statement for e in evidence], staff=True)
    context = {"target": target, "form": form, "evidence_form": evidence_form,
               "evidence": evidence, "dialogue": target.dialogue,
               "revisions": _with_previous(list(target.revisions.order_by("-number")))
               if target.pk else [],
               "spread": (services.evidence_spread(target)
                          if isinstance(target, KeyMessage) and target.pk else None)}
    status = 400 if request.method == "POST" else 200
    return render(request, template, context, status=status)


def _with_previous(revisions: list) -> list[tuple]:
    """Newest first, each with the revision before it (to compare)."""
    return [(revision, revisions[i + 1] if i + 1 < len(revisions) else None)
            for i, revision in enumerate(revisions)]


def _posted_or_404(queryset, value):
    """The object a form names by its id; what is not an id names nothing."""
    if not is_id(value):
        raise Http404
    return get_object_or_404(queryset, pk=value)


@require_POST
@roles.staff_required
def add_evidence_from_search(request):
    """The search page's "Add as evidence" button."""
    key_message = _posted_or_404(KeyMessage.objects.all(), request.POST.get("key_message"))
    statement = _posted_or_404(Statement.objects.all(), request.POST.get("statement"))
    try:
        services.add_evidence(key_message, statement, request.user,
                              quote=request.POST.get("quote", ""))
    except (services.DeliberationError, ValidationError) as error:
        messages.error(request, error.messages[0] if isinstance(error, ValidationError)
                       else str(error))
    else:
        messages.success(request, format_html(
            _("Statement {number} now supports <a href=\"{url}\">key message {key}</a>."),
            number=statement.pk, url=key_message.get_absolute_url(), key=key_message.number))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        back = key_message.get_absolute_url()
    return redirect(back)


@roles.staff_required
def revisions_compare(request, first: int, second: int):
    old = get_object_or_404(Revision, pk=first)
    new = get_object_or_404(Revision, pk=second)
    if (old.key_message_id, old.recommendation_id) != (new.key_message_id,
                                                       new.recommendation_id):
        raise Http404
    target = old.key_message or old.recommendation
    changes = []
    for field in new.content:
        before, after = str(old.content.get(field) or ""), str(new.content.get(field) or "")
        if before != after:
            diff = difflib.ndiff(before.split(), after.split())
            changes.append((field, [(line[0], line[2:]) for line in diff if line[0] != "?"]))
    return render(request, "deliberation/revisions.html", {
        "target": target, "old": old, "new": new, "changes": changes})


# The synthesis workbench ----------------------------------------------------------------------


@roles.staff_required
def synthesis(request, number: int):
    """Start a run over the dialogue, a workshop or a session; the runs so far."""
    dialogue = get_object_or_404(Dialogue, number=number)
    form = SynthesisForm(request.POST or None, dialogue=dialogue)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.start_synthesis(
                dialogue, request.user, workshop=form.cleaned_data["workshop"],
                session=form.cleaned_data["session"], themes=form.cleaned_data["themes"],
                engine=form.cleaned_data["engine"])
        except services.DeliberationError as error:
            form.add_error(None, str(error))
        else:
            return redirect(run)
    jobs.fail_abandoned(SynthesisRun)
    runs = dialogue.synthesis_runs.select_related("workshop", "session", "created_by")[:30]
    return render(request, "deliberation/synthesis.html", {
        "dialogue": dialogue, "form": form, "runs": runs,
        "statements": workbench.statements_of(dialogue).count()},
        status=400 if request.method == "POST" else 200)


@roles.staff_required
def synthesis_run(request, pk: int):
    """A run: its progress while it runs; then its themes, with what each is made of."""
    jobs.fail_abandoned(SynthesisRun)
    run = get_object_or_404(SynthesisRun.objects.select_related(
        "dialogue", "workshop", "session", "parent"), pk=pk)
    themes = run.themes if run.status == SynthesisRun.Status.DONE else []
    ids = {int(m["id"]) for t in themes for m in t["members"]} | {
        int(i) for i in run.report.get("unassigned", [])}
    statements = _decorate(Statement.objects.filter(pk__in=ids).select_related(
        "person", "speaker_category", "session__workshop", "reference_event"), staff=True)
    by_id = {str(s.pk): s for s in statements}
    used = workbench.evidence_of(ids)
    key_messages = KeyMessage.objects.filter(dialogue=run.dialogue).in_bulk()
    shown = []
    for theme in themes:
        members = [(by_id[m["id"]], m["score"], used.get(int(m["id"]), []))
                   for m in theme["members"] if m["id"] in by_id]
        shown.append({
            **theme, "members": members,
            "representatives": [(by_id[i], used.get(int(i), [])) for i in theme["representatives"]
                                if i in by_id],
            "categories": sorted(theme["categories"].items(), key=lambda kv: (-kv[1], kv[0])),
            "workshops": sorted(theme["workshops"].items(), key=lambda kv: (-kv[1], kv[0])),
            "used": sum(1 for _statement, _score, marks in members if marks),
            "key_message": key_messages.get(theme.get("key_message")),
            "form": ThemeKeyMessageForm(initial={"theme": theme["number"],
                                                 "title": _title_from(theme)})})
    unassigned = [by_id[i] for i in run.report.get("unassigned", []) if i in by_id]
    return render(request, "deliberation/synthesis_run.html", {
        "run": run, "dialogue": run.dialogue, "themes": shown, "unassigned": unassigned,
        "used": used, "children": run.children.order_by("-created_at")[:10]})


def _title_from(theme: dict) -> str:
    """A first title for the key message: the theme's key phrases, for the rapporteur to reword."""
    phrases = theme.get("key_phrases") or [theme["label"]]
    return ", ".join(phrases[:3]).capitalize()[:300]


@roles.staff_required
def synthesis_status(request, pk: int):
    jobs.fail_abandoned(SynthesisRun)
    run = get_object_or_404(SynthesisRun, pk=pk)
    return JsonResponse({"status": run.status, "progress": run.progress,
                         "message": _(run.message)})


@require_POST
@roles.staff_required
def synthesis_change(request, pk: int, change: str):
    """Merge themes, split one, or run a failed run again: each a new run (or the same again)."""
    run = get_object_or_404(SynthesisRun.objects.select_related("dialogue"), pk=pk)
    try:
        if change == "merge":
            form = MergeForm(request.POST, run=run)
            if not form.is_valid():
                raise services.DeliberationError(_("Choose two or more themes of this run to "
                                                   "merge."))
            run = services.merge_themes(run, form.cleaned_data["themes"], request.user)
        elif change == "split":
            form = SplitForm(request.POST)
            if not form.is_valid():
                raise services.DeliberationError(_("Choose a theme and a number of parts from 2 "
                                                   "to 20."))
            run = services.split_theme(run, form.cleaned_data["theme"], request.user,
                                       parts=form.cleaned_data["parts"])
        else:  # retry
            run = services.retry_synthesis(run)
    except services.DeliberationError as error:
        messages.error(request, str(error))
    return redirect(run)


@require_POST
@roles.staff_required
def synthesis_key_message(request, pk: int):
    """The rapporteur turns a theme into a draft key message backed by the theme's statements."""
    run = get_object_or_404(SynthesisRun.objects.select_related("dialogue"), pk=pk)
    form = ThemeKeyMessageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the key message a title."))
        return redirect(run)
    try:
        key_message = services.key_message_from_theme(
            run, form.cleaned_data["theme"], request.user, title=form.cleaned_data["title"],
            body=form.cleaned_data["body"])
    except (services.DeliberationError, ValidationError) as error:
        messages.error(request, error.messages[0] if isinstance(error, ValidationError)
                       else str(error))
        return redirect(run)
    messages.success(request, _("Key message %(number)s is drafted, with %(count)s statements as "
                                "its evidence.") % {"number": key_message.number,
                                                    "count": key_message.evidence.count()})
    return redirect(key_message)


# Exports --------------------------------------------------------------------------------------

STATEMENT_COLUMNS = ["number", "event", "session", "speaker", "attribution", "kind", "language",
                     "text", "gcm_objectives", "sdg_targets", "source"]


def statements_csv(request, number: int):
    """Every complete statement of the dialogue, with speakers as the attribution policy allows."""
    dialogue = get_object_or_404(Dialogue, number=number)
    statements = list(privacy.public_statements(services.dialogue_statements(dialogue))
                      .prefetch_related("session__roles__person", "gcm_objectives", "sdg_targets")
                      .order_by("reference_event", "session__start", "order", "id"))
    groups = privacy.speaker_groups(statements)
    rows = [{
        "number": s.pk,
        "event": s.session.workshop.title if s.session_id else s.reference_event.title,
        "session": s.session.title if s.session_id else "",
        "speaker": privacy.public_speaker(s, groups), "attribution": s.attribution,
        "kind": s.kind, "language": s.language, "text": s.text,
        "gcm_objectives": " ".join(str(o.number) for o in s.gcm_objectives.all()),
        "sdg_targets": " ".join(t.code for t in s.sdg_targets.all()), "source": s.source,
    } for s in statements]
    response = HttpResponse(write_csv(STATEMENT_COLUMNS, rows), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="statements-{number}.csv"'
    return response
