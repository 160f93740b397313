"""The API's operations: reads open to everyone, showing what the public pages show (drafts and
withheld names only with the `read:drafts` scope); writes with a token's scope, through each
app's services, so that every change is validated, in one transaction and audited."""

from collections import defaultdict

from django.db import transaction
from django.db.models import Count, IntegerField, Max, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from idm.api import filters as api_filters
from idm.api import serializers as api
from idm.api.base import ApiViewSet
from idm.api.exceptions import Conflict
from idm.api.pagination import Pagination
from idm.api.scopes import (
    READ_CONSULTATIONS,
    READ_DRAFTS,
    WRITE_AGENDA,
    WRITE_KEY_MESSAGES,
    WRITE_STATEMENTS,
    has_scope,
)
from idm.consultations import services as consultation_services
from idm.consultations.models import Consultation, ConsultationStatement, Vote, Voter
from idm.core import search
from idm.core import services as core_services
from idm.core.languages import LANGUAGES
from idm.core.models import StakeholderCategory
from idm.deliberation import privacy
from idm.deliberation import services as deliberation_services
from idm.deliberation.models import (
    KeyMessage,
    KeyMessageEvidence,
    Recommendation,
    RecommendationEvidence,
    Statement,
)
from idm.dialogues import participants
from idm.dialogues.models import Dialogue, Session, SessionRole, Workshop
from idm.dialogues.services import AGENDA_MODELS
from idm.practices import services as practice_services
from idm.practices.models import Practice
from idm.publications.models import Publication, Version

# Ids and numbers in addresses: anything else is no address of the API (a JSON 404).
ID = r"[0-9]{1,19}"
SLUG = r"[-a-zA-Z0-9_]{1,50}"

Q_PARAMETER = OpenApiParameter("q", OpenApiTypes.STR, required=False, description=(
    "Words to search for, best matches first (as the site's search)."))


class ReadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    pagination_class = Pagination

    def staff(self) -> bool:
        """Whether this request sees what the public does not (drafts, withheld names)."""
        return has_scope(self.request, READ_DRAFTS)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "staff": self.staff()}

    def decorate(self, objects: list) -> list:
        """What the serializer needs beyond the objects' fields; a page at a time."""
        return objects

    def list(self, request, *args, **kwargs):
        objects = self.searched(self.filter_queryset(self.get_queryset()))
        page = self.paginate_queryset(objects)
        data = self.get_serializer(self.decorate(list(page)), many=True).data
        return self.get_paginated_response(data)

    def searched(self, queryset):
        return queryset

    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.decorate([self.get_object()])[0]).data)


def _search_words(request) -> str:
    """`?q=`, the words to search for: ranked as the site's search ranks them."""
    words = request.query_params.get("q", "")
    if len(words) > 500:
        raise serializers.ValidationError({"q": [_("Search with at most 500 characters.")]})
    return words if words.strip() else ""


def _write(serializer_class, request, instance=None, **context):
    serializer = serializer_class(instance, data=request.data, partial=instance is not None,
                                  context={"request": request, **context})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _set_texts(obj, data: dict, fields: tuple[str, ...]) -> None:
    for field in fields:
        for lang in LANGUAGES:
            name = f"{field}_{lang}"
            if name in data:
                setattr(obj, name, data[name])


def _unchanged(data: dict, obj, name: str, value) -> None:
    """An object stays where it belongs: its dialogue, workshop or session is not changed."""
    if name in data and data[name] != value:
        raise serializers.ValidationError({name: [_(
            "This cannot be changed; create a new one instead.")]})


# Dialogues and agendas ---------------------------------------------------------------------------


class DialogueViewSet(ReadViewSet):
    """Dialogues, newest first, named by their number."""

    serializer_class = api.DialogueSerializer
    filterset_class = api_filters.DialogueFilter
    lookup_field = "number"
    lookup_value_regex = ID
    queryset = Dialogue.objects.select_related("series").prefetch_related(
        Prefetch("workshops", queryset=Workshop.objects.order_by("first_day"))).order_by(
        "-year", "-number")


class WorkshopViewSet(ReadViewSet):
    """Workshops, named by their short name (2018-geneva)."""

    serializer_class = api.WorkshopSerializer
    filterset_class = api_filters.WorkshopFilter
    lookup_field = "slug"
    lookup_value_regex = SLUG
    queryset = Workshop.objects.select_related("dialogue").order_by("first_day", "slug")

    @extend_schema(responses=api.ParticipantSerializer(many=True), filters=False)
    @action(detail=True, serializer_class=api.ParticipantSerializer, filter_backends=[])
    def participants(self, request, slug=None):
        """The approved participants who agreed to be listed publicly, as the public
        participants page lists them, and nothing else about anyone."""
        workshop = self.get_object()
        page = self.paginate_queryset(participants.publicly_listed(workshop))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class SessionViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin,
                     mixins.DestroyModelMixin, ReadViewSet):
    """Agenda items with their speakers; times in UTC and in the workshop's time zone."""

    serializer_class = api.SessionSerializer
    filterset_class = api_filters.SessionFilter
    lookup_value_regex = ID
    write_scope = WRITE_AGENDA
    queryset = Session.objects.select_related("workshop__dialogue").prefetch_related(
        Prefetch("roles", queryset=SessionRole.objects.select_related("person", "organization")
                 .order_by("order", "id"))).order_by("start", "order", "id")

    def _save(self, session: Session, data: dict) -> Response:
        for name in ("workshop", "kind", "start", "end", "room", "order", "illustrative",
                     "source_note"):
            if name in data:
                setattr(session, name, data[name])
        _set_texts(session, data, ("title", "description"))
        creating = session.pk is None
        # Validated whole (times, days, rooms), saved and audited by the one save every admin
        # change of a session goes through.
        core_services.save(session, self.request.user)
        session = self.get_queryset().get(pk=session.pk)
        return Response(self.get_serializer(session).data,
                        status=status.HTTP_201_CREATED if creating else status.HTTP_200_OK)

    @extend_schema(request=api.SessionWriteSerializer, responses={201: api.SessionSerializer})
    def create(self, request, *args, **kwargs):
        return self._save(Session(), _write(api.SessionWriteSerializer, request))

    @extend_schema(request=api.SessionWriteSerializer, responses=api.SessionSerializer)
    def partial_update(self, request, *args, **kwargs):
        session = self.get_object()
        data = _write(api.SessionWriteSerializer, request, session)
        _unchanged(data, session, "workshop", session.workshop)
        return self._save(session, data)

    def destroy(self, request, *args, **kwargs):
        """Deletes a session and its speakers; not one that statements or anything else beyond
        the agenda hang on (as an agenda import would not)."""
        session = self.get_object()
        takes = {model: count for model, count in core_services.deletion_takes(session).items()
                 if model not in AGENDA_MODELS}
        if takes:
            raise Conflict(_("Deleting this session would delete %(what)s too; the API does not "
                             "do that.") % {"what": ", ".join(
                                 f"{count} {model._meta.verbose_name_plural}"
                                 for model, count in takes.items())})
        core_services.delete(session, request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SpeakerViewSet(ReadViewSet):
    """Who speaks where: a person in a session, with the title and organization the agenda
    printed."""

    serializer_class = api.SpeakerListSerializer
    filterset_class = api_filters.SpeakerFilter
    lookup_value_regex = ID
    queryset = SessionRole.objects.select_related(
        "person", "organization", "session__workshop").order_by(
        "session__start", "session_id", "order", "id")


# Statements -------------------------------------------------------------------------------------


def statements_queryset():
    return Statement.objects.select_related(
        "person", "speaker_category", "speaker_country", "session__workshop__dialogue",
        "reference_event__dialogue",
    ).prefetch_related(
        Prefetch("session__roles", queryset=SessionRole.objects.select_related("person")),
        "gcm_objectives", "principles", "sdg_targets", "themes")


@extend_schema_view(list=extend_schema(parameters=[Q_PARAMETER]))
class StatementViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin,
                       mixins.DestroyModelMixin, ReadViewSet):
    """What was said, with the speaker as the attribution policy shows them: complete
    statements only for the public."""

    serializer_class = api.StatementSerializer
    filterset_class = api_filters.StatementFilter
    lookup_value_regex = ID
    write_scope = WRITE_STATEMENTS

    def get_queryset(self):
        statements = statements_queryset().order_by("-created_at", "-pk")
        return statements if self.staff() else privacy.public_statements(statements)

    def searched(self, queryset):
        words = _search_words(self.request)
        # As the search page: ranked among the newest matches, up to IDM_SEARCH_BOUND.
        return search.Results(queryset, deliberation_services.SEARCH_KIND, words) if words \
            else queryset

    def decorate(self, objects):
        privacy.show_speakers(objects, staff=self.staff())
        return objects

    def _save(self, statement: Statement, data: dict) -> Response:
        for name in ("session", "reference_event", "person", "speaker_name",
                     "speaker_organization", "speaker_category", "speaker_country", "text",
                     "language", "kind", "attribution", "said_at", "complete", "illustrative",
                     "source"):
            if name in data:
                setattr(statement, name, data[name])
        if data.get("person") is not None:
            # The speaker is the session's person: what the floor fields said goes.
            statement.speaker_name = statement.speaker_organization = ""
        creating = statement.pk is None
        tags = {name: data.get(name, list(getattr(statement, name).all()) if not creating
                                else [])
                for name in ("gcm_objectives", "principles", "sdg_targets")}
        themes = data.get("themes", [t.name for t in statement.themes.all()] if not creating
                          else [])
        user = self.request.user
        with transaction.atomic():
            deliberation_services.save_statement(statement, user)
            deliberation_services.set_tags(statement, user, themes=themes, **tags)
        statement = statements_queryset().get(pk=statement.pk)
        privacy.show_speakers([statement], staff=self.staff())
        return Response(self.get_serializer(statement).data,
                        status=status.HTTP_201_CREATED if creating else status.HTTP_200_OK)

    @extend_schema(request=api.StatementWriteSerializer, responses={201: api.StatementSerializer})
    def create(self, request, *args, **kwargs):
        data = _write(api.StatementWriteSerializer, request)
        return self._save(Statement(created_by=request.user), data)

    @extend_schema(request=api.StatementWriteSerializer, responses=api.StatementSerializer)
    def partial_update(self, request, *args, **kwargs):
        statement = self.get_object()
        return self._save(statement, _write(api.StatementWriteSerializer, request, statement))

    def destroy(self, request, *args, **kwargs):
        deliberation_services.delete_statement(self.get_object(), request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# Key messages and recommendations ---------------------------------------------------------------


class EvidenceMixin:
    """Evidence: statements that back a key message or a recommendation (complete ones only, as
    on the public page), added and removed through deliberation.services."""

    evidence_model = None

    def decorate(self, objects):
        evidence = (self.evidence_model.objects.filter(
            **{f"{self.evidence_field}__in": objects}, statement__complete=True)
            .select_related("statement__person", "statement__speaker_category",
                            "statement__session__workshop", "statement__reference_event")
            .prefetch_related("statement__session__roles__person").order_by("order", "id"))
        by_target = defaultdict(list)
        for item in evidence:
            by_target[getattr(item, f"{self.evidence_field}_id")].append(item)
        privacy.show_speakers([item.statement for item in evidence], staff=self.staff())
        for obj in objects:
            obj.shown_evidence = by_target[obj.pk]
        return objects

    def _respond(self, obj, code=status.HTTP_200_OK) -> Response:
        obj = self.get_queryset().get(pk=obj.pk)
        return Response(self.get_serializer(self.decorate([obj])[0]).data, status=code)

    def _add_evidence(self, request):
        target = self.get_object()
        data = _write(api.EvidenceWriteSerializer, request)
        deliberation_services.add_evidence(target, data["statement"], request.user,
                                           quote=data["quote"], note=data["note"])
        return self._respond(target, status.HTTP_201_CREATED)

    def _remove_evidence(self, request, evidence_id):
        target = self.get_object()
        evidence = get_object_or_404(self.evidence_model, pk=evidence_id,
                                     **{self.evidence_field: target})
        deliberation_services.remove_evidence(evidence, request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


EVIDENCE_ID = OpenApiParameter("evidence_id", OpenApiTypes.INT, OpenApiParameter.PATH)


def _next_number(dialogue: Dialogue) -> int:
    return (dialogue.key_messages.aggregate(n=Max("number"))["n"] or 0) + 1


class KeyMessageViewSet(EvidenceMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                        ReadViewSet):
    """Key messages with the statements behind them: final ones only for the public."""

    serializer_class = api.KeyMessageSerializer
    filterset_class = api_filters.KeyMessageFilter
    lookup_value_regex = ID
    write_scope = WRITE_KEY_MESSAGES
    evidence_model, evidence_field = KeyMessageEvidence, "key_message"

    def get_queryset(self):
        key_messages = KeyMessage.objects.select_related("dialogue").order_by(
            "-dialogue__year", "dialogue__number", "number")
        if not self.staff():
            key_messages = key_messages.filter(status=KeyMessage.Status.FINAL)
        return key_messages

    def _save(self, key_message: KeyMessage, data: dict, code=status.HTTP_200_OK) -> Response:
        for name in ("number", "status"):
            if name in data:
                setattr(key_message, name, data[name])
        _set_texts(key_message, data, ("title", "body"))
        deliberation_services.save_key_message(key_message, self.request.user)
        return self._respond(key_message, code)

    @extend_schema(request=api.KeyMessageWriteSerializer,
                   responses={201: api.KeyMessageSerializer})
    def create(self, request, *args, **kwargs):
        data = _write(api.KeyMessageWriteSerializer, request)
        dialogue = data["dialogue"]
        key_message = KeyMessage(dialogue=dialogue,
                                 number=data.get("number") or _next_number(dialogue))
        return self._save(key_message, data, status.HTTP_201_CREATED)

    @extend_schema(request=api.KeyMessageWriteSerializer, responses=api.KeyMessageSerializer)
    def partial_update(self, request, *args, **kwargs):
        key_message = self.get_object()
        data = _write(api.KeyMessageWriteSerializer, request, key_message)
        _unchanged(data, key_message, "dialogue", key_message.dialogue)
        return self._save(key_message, data)

    @extend_schema(request=api.EvidenceWriteSerializer, responses={201: api.KeyMessageSerializer},
                   filters=False)
    @action(detail=True, methods=["post"], url_path="evidence", filter_backends=[])
    def add_evidence(self, request, pk=None):
        """Backs the key message with a statement of its dialogue (or the words of one)."""
        return self._add_evidence(request)

    @extend_schema(parameters=[EVIDENCE_ID], request=None, responses={204: None}, filters=False)
    @action(detail=True, methods=["delete"], url_path=f"evidence/(?P<evidence_id>{ID})",
            filter_backends=[])
    def remove_evidence(self, request, pk=None, evidence_id=None):
        return self._remove_evidence(request, evidence_id)


class RecommendationViewSet(EvidenceMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                            ReadViewSet):
    """Recommendations, by addressee: final ones only for the public."""

    serializer_class = api.RecommendationSerializer
    filterset_class = api_filters.RecommendationFilter
    lookup_value_regex = ID
    write_scope = WRITE_KEY_MESSAGES
    evidence_model, evidence_field = RecommendationEvidence, "recommendation"

    def get_queryset(self):
        recommendations = Recommendation.objects.select_related(
            "dialogue", "key_message").order_by("-dialogue__year", "dialogue__number",
                                                "addressee", "order", "id")
        if not self.staff():
            recommendations = recommendations.filter(status=KeyMessage.Status.FINAL)
        return recommendations

    def _save(self, recommendation, data: dict, code=status.HTTP_200_OK) -> Response:
        for name in ("addressee", "key_message", "status", "order"):
            if name in data:
                setattr(recommendation, name, data[name])
        _set_texts(recommendation, data, ("text",))
        deliberation_services.save_recommendation(recommendation, self.request.user)
        return self._respond(recommendation, code)

    @extend_schema(request=api.RecommendationWriteSerializer,
                   responses={201: api.RecommendationSerializer})
    def create(self, request, *args, **kwargs):
        data = _write(api.RecommendationWriteSerializer, request)
        return self._save(Recommendation(dialogue=data["dialogue"]), data,
                          status.HTTP_201_CREATED)

    @extend_schema(request=api.RecommendationWriteSerializer,
                   responses=api.RecommendationSerializer)
    def partial_update(self, request, *args, **kwargs):
        recommendation = self.get_object()
        data = _write(api.RecommendationWriteSerializer, request, recommendation)
        _unchanged(data, recommendation, "dialogue", recommendation.dialogue)
        return self._save(recommendation, data)

    @extend_schema(request=api.EvidenceWriteSerializer,
                   responses={201: api.RecommendationSerializer}, filters=False)
    @action(detail=True, methods=["post"], url_path="evidence", filter_backends=[])
    def add_evidence(self, request, pk=None):
        """Backs the recommendation with a statement of its dialogue (or the words of one)."""
        return self._add_evidence(request)

    @extend_schema(parameters=[EVIDENCE_ID], request=None, responses={204: None}, filters=False)
    @action(detail=True, methods=["delete"], url_path=f"evidence/(?P<evidence_id>{ID})",
            filter_backends=[])
    def remove_evidence(self, request, pk=None, evidence_id=None):
        return self._remove_evidence(request, evidence_id)


# Consultations ------------------------------------------------------------------------------------


def _count(queryset, field: str):
    """A count per consultation as a subquery: joining votes, voters and items at once would
    multiply them."""
    return Coalesce(Subquery(queryset.filter(**{field: OuterRef("pk")}).order_by()
                             .values(field).annotate(n=Count("pk")).values("n")),
                    Value(0), output_field=IntegerField())


class ConsultationViewSet(ReadViewSet):
    """Consultations and their results, for the secretariat and the rapporteurs only (as the
    web pages): counts and aggregates, never a voter's own votes."""

    serializer_class = api.ConsultationSerializer
    filterset_class = api_filters.ConsultationFilter
    lookup_value_regex = ID
    read_scope = READ_CONSULTATIONS

    def get_queryset(self):
        return Consultation.objects.select_related("dialogue", "workshop").annotate(
            items_count=_count(ConsultationStatement.objects.all(), "consultation"),
            voters_count=_count(Voter.objects.all(), "consultation"),
            votes_count=_count(Vote.objects.all(), "item__consultation"),
        ).order_by("-created_at", "-id")

    def get_serializer_class(self):
        return api.ConsultationDetailSerializer if self.action == "retrieve" else \
            api.ConsultationSerializer

    def retrieve(self, request, *args, **kwargs):
        consultation = self.get_object()
        consultation.shown_items = list(consultation.items.select_related(
            "key_message", "recommendation", "statement").annotate(votes_count=Count("votes")))
        consultation.shown_results = _results(consultation)
        return Response(self.get_serializer(consultation).data)


def _results(consultation: Consultation) -> dict | None:
    """The latest analysis as the results page shows it (consultations.views._shown): per
    statement its votes and their split by opinion group; by stakeholder category only summed
    over all statements. The voters' places on the opinion map stay out."""
    analysis = consultation_services.latest_analysis(consultation)
    if analysis is None:
        return None
    report = analysis.report
    figures = report.get("statements", {})
    names = dict(StakeholderCategory.objects.values_list("code", "name"))
    categories = sorted({c for counts in figures.values() for c in counts["by_category"] if c})
    return {
        "analysed_at": analysis.finished_at or analysis.created_at,
        "votes": report["votes"], "voters": report["voters"], "clustered": report["clustered"],
        "groups": report["groups"], "consensus": report["consensus"],
        "statements": {item: {key: value for key, value in counts.items()
                              if key != "by_category"} for item, counts in figures.items()},
        "by_category": [{
            "category": code, "name": names.get(code, code),
            "agree": sum(c["by_category"].get(code, [0, 0, 0])[0] for c in figures.values()),
            "votes": sum(sum(c["by_category"].get(code, [0, 0, 0])) for c in figures.values()),
        } for code in categories],
    }


# Practices and publications ----------------------------------------------------------------------


@extend_schema_view(list=extend_schema(parameters=[Q_PARAMETER]))
class PracticeViewSet(ReadViewSet):
    """The registry of practices: published ones only for the public."""

    serializer_class = api.PracticeSerializer
    filterset_class = api_filters.PracticeFilter
    lookup_value_regex = ID

    def get_queryset(self):
        practices = Practice.objects.all() if self.staff() else practice_services.published()
        return practice_services.with_related(practices).prefetch_related(
            "partners__category", "principles", "sdg_targets", "links", "deliverables",
            "sessions").order_by("title", "pk")

    def searched(self, queryset):
        words = _search_words(self.request)
        return practice_services.matching_words(queryset, words) if words else queryset

    def decorate(self, objects):
        today = timezone.localdate()
        ids = [practice.pk for practice in objects]
        statements = Statement.objects.filter(practices__in=ids)
        if not self.staff():
            statements = privacy.public_statements(statements)
        key_messages = KeyMessage.objects.filter(practices__in=ids)
        if not self.staff():
            key_messages = key_messages.filter(status=KeyMessage.Status.FINAL)
        shown_statements, shown_key_messages = defaultdict(list), defaultdict(list)
        for practice, pk in statements.order_by("pk").values_list("practices", "pk"):
            shown_statements[practice].append(pk)
        for practice, pk in key_messages.order_by("pk").values_list("practices", "pk"):
            shown_key_messages[practice].append(pk)
        for practice in objects:
            practice.light = practice.status_light(today)
            practice.shown_statements = shown_statements[practice.pk]
            practice.shown_key_messages = shown_key_messages[practice.pk]
        return objects


class PublicationViewSet(ReadViewSet):
    """The catalogue: publications with their published editions and their files; never a draft
    or a superseded version."""

    serializer_class = api.PublicationSerializer
    filterset_class = api_filters.PublicationFilter
    lookup_field = "slug"
    lookup_value_regex = SLUG

    def get_queryset(self):
        published = Version.objects.filter(status=Version.Status.PUBLISHED)
        return (Publication.objects.filter(pk__in=published.values("edition__publication"))
                .select_related("dialogue__series").prefetch_related("themes")
                .order_by("-year", "slug"))

    def decorate(self, objects):
        versions = defaultdict(list)
        for version in (Version.objects.filter(status=Version.Status.PUBLISHED,
                                               edition__publication__in=objects)
                        .select_related("edition__publication")
                        .order_by("edition__language")):
            versions[version.edition.publication_id].append(version)
        for publication in objects:
            publication.published_versions = versions[publication.pk]
        return objects


@csrf_exempt  # a write to no address is a 404, whatever its cookies
def not_found(request):
    """Any other address under /api/: a JSON 404 like the API's own, not the site's page."""
    return JsonResponse({"detail": _("There is no such address in the API: see /api/docs/.")},
                        status=404)
