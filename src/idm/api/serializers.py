"""What the API shows of each object, in the active language, and what a write may send.

The read serializers show what the public pages show; a statement's speaker comes decorated by
the view (`shown_speaker`, from deliberation.privacy for the public) and `internal` holds what
only the secretariat and the rapporteurs see on the web."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from idm.api.fields import (
    AwareDateTimeField,
    Choice,
    Flag,
    IdRelatedField,
    NamedRelatedField,
    Text,
    WholeNumber,
)
from idm.consultations.models import Consultation, ConsultationStatement
from idm.core.languages import LANGUAGES
from idm.core.models import Country, GcmObjective, GuidingPrinciple, SdgTarget, StakeholderCategory
from idm.deliberation.models import (
    KeyMessage,
    Recommendation,
    ReferenceEvent,
    Statement,
)
from idm.dialogues.agenda import zone_label
from idm.dialogues.models import Dialogue, Person, Registration, Session, SessionRole, Workshop
from idm.practices.models import Practice
from idm.publications.models import Publication, Version


def web_url(serializer: serializers.Serializer, path: str) -> str:
    """The public page's address, in the active language (its /en/, /fr/ or /es/ prefix)."""
    request = serializer.context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


class ReadSerializer(serializers.ModelSerializer):
    """A model as the API shows it: every field read-only, so the schema marks each present."""

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            field.read_only, field.required = True, False
        return fields


# Dialogues and agendas ---------------------------------------------------------------------------


class SeriesSerializer(serializers.Serializer):
    slug = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class DialogueSerializer(ReadSerializer):
    series = SeriesSerializer(read_only=True)
    workshops = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    web_url = serializers.SerializerMethodField()

    class Meta:
        model = Dialogue
        fields = ["number", "year", "theme", "description", "series", "workshops", "web_url"]

    def get_web_url(self, dialogue) -> str:
        return web_url(self, dialogue.get_absolute_url())


class WorkshopSerializer(ReadSerializer):
    dialogue = serializers.IntegerField(source="dialogue.number", read_only=True)
    web_url = serializers.SerializerMethodField()

    class Meta:
        model = Workshop
        fields = ["slug", "dialogue", "title", "city", "venue", "time_zone", "first_day",
                  "last_day", "registration", "web_url"]

    def get_web_url(self, workshop) -> str:
        return web_url(self, workshop.get_absolute_url())


class PersonSerializer(ReadSerializer):
    name = serializers.CharField(source="full_name", read_only=True)

    class Meta:
        model = Person
        fields = ["id", "name", "fictional"]


class SpeakerSerializer(ReadSerializer):
    """A person in a session, with the title and organization the agenda printed."""

    person = PersonSerializer(read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    affiliation = serializers.CharField(read_only=True)

    class Meta:
        model = SessionRole
        fields = ["id", "role", "role_label", "person", "title", "organization_name",
                  "affiliation"]


class SpeakerListSerializer(SpeakerSerializer):
    session = serializers.IntegerField(source="session_id", read_only=True)
    workshop = serializers.CharField(source="session.workshop.slug", read_only=True)
    session_title = serializers.CharField(source="session.title", read_only=True)

    class Meta(SpeakerSerializer.Meta):
        fields = ["id", "session", "session_title", "workshop", *SpeakerSerializer.Meta.fields[1:]]


class SessionSerializer(ReadSerializer):
    """An agenda item: its times in UTC (`start`, `end`) and at the venue (`local_start`,
    `local_end`, with the workshop's `time_zone` and the `zone` the agenda prints)."""

    workshop = serializers.CharField(source="workshop.slug", read_only=True)
    dialogue = serializers.IntegerField(source="workshop.dialogue.number", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    time_zone = serializers.CharField(source="workshop.time_zone", read_only=True)
    local_start = serializers.SerializerMethodField()
    local_end = serializers.SerializerMethodField()
    zone = serializers.SerializerMethodField()
    speakers = SpeakerSerializer(source="roles", many=True, read_only=True)
    web_url = serializers.SerializerMethodField()

    class Meta:
        model = Session
        fields = ["id", "workshop", "dialogue", "kind", "kind_label", "title", "description",
                  "start", "end", "time_zone", "local_start", "local_end", "zone", "room",
                  "order", "illustrative", "source_note", "speakers", "web_url"]

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_local_start(self, session) -> str:
        return session.local_start.isoformat()

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_local_end(self, session) -> str:
        return session.local_end.isoformat()

    def get_zone(self, session) -> str:
        return zone_label(session.local_start)

    def get_web_url(self, session) -> str:
        return web_url(self, f"{session.workshop.get_absolute_url()}#session-{session.pk}")


def _translated(field: str, *, required_en: bool, multiline: bool = False) -> dict:
    """A content field in each language: the English one may be required, the others not."""
    return {f"{field}_{lang}": Text(
        required=required_en and lang == "en", allow_blank=not (required_en and lang == "en"),
        trim_whitespace=not multiline) for lang in LANGUAGES}


class SessionWriteSerializer(serializers.Serializer):
    """A session as the secretariat creates or changes it; times with their offset."""

    workshop = NamedRelatedField(slug_field="slug", queryset=Workshop.objects.all())
    kind = Choice(choices=Session.Kind.choices, default=Session.Kind.PANEL)
    start = AwareDateTimeField()
    end = AwareDateTimeField()
    room = Text(max_length=100, required=False, allow_blank=True)
    order = WholeNumber(min_value=0, max_value=32767, required=False)
    illustrative = Flag(required=False)
    source_note = Text(max_length=300, required=False, allow_blank=True)

    def get_fields(self):
        fields = super().get_fields()
        fields.update(_translated("title", required_en=True))
        fields.update(_translated("description", required_en=False, multiline=True))
        for lang in LANGUAGES:
            fields[f"title_{lang}"].max_length = 300
        return fields


class ParticipantSerializer(ReadSerializer):
    """Exactly what the public participants page shows: who agreed to be listed."""

    name = serializers.CharField(source="person.full_name", read_only=True)
    organization = serializers.CharField(source="organization_name", read_only=True)
    country = serializers.SerializerMethodField()
    fictional = serializers.BooleanField(source="person.fictional", read_only=True)

    class Meta:
        model = Registration
        fields = ["name", "organization", "country", "fictional"]

    def get_country(self, registration) -> str:
        return registration.country.name if registration.country_id else ""


# Statements -------------------------------------------------------------------------------------


class ReferenceEventSerializer(ReadSerializer):
    class Meta:
        model = ReferenceEvent
        fields = ["slug", "title", "first_day", "last_day", "place", "citation", "url"]


class TagsMixin(serializers.Serializer):
    gcm_objectives = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True)
    principles = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    sdg_targets = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    themes = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)


class StatementInternalSerializer(ReadSerializer):
    """What the secretariat and the rapporteurs see of a statement, and the public never."""

    speaker_category = serializers.SlugRelatedField(slug_field="code", read_only=True,
                                                    allow_null=True)
    speaker_country = serializers.SlugRelatedField(slug_field="iso2", read_only=True,
                                                   allow_null=True)

    class Meta:
        model = Statement
        fields = ["attribution", "complete", "person", "speaker_name", "speaker_organization",
                  "speaker_category", "speaker_country", "said_at", "order", "created_at",
                  "updated_at"]


class StatementSerializer(TagsMixin, ReadSerializer):
    """A statement with its speaker as the attribution policy lets the reader see them."""

    speaker = serializers.CharField(source="shown_speaker", read_only=True)
    session = serializers.IntegerField(source="session_id", read_only=True, allow_null=True)
    workshop = serializers.SerializerMethodField()
    dialogue = serializers.SerializerMethodField()
    reference_event = ReferenceEventSerializer(read_only=True, allow_null=True)
    internal = serializers.SerializerMethodField()
    web_url = serializers.SerializerMethodField()

    class Meta:
        model = Statement
        fields = ["id", "dialogue", "workshop", "session", "reference_event", "speaker", "kind",
                  "language", "text", "illustrative", "source", "gcm_objectives", "principles",
                  "sdg_targets", "themes", "internal", "web_url"]

    def get_workshop(self, statement) -> str | None:
        return statement.session.workshop.slug if statement.session_id else None

    def get_dialogue(self, statement) -> int:
        if statement.session_id:
            return statement.session.workshop.dialogue.number
        return statement.reference_event.dialogue.number

    @extend_schema_field(StatementInternalSerializer(allow_null=True))
    def get_internal(self, statement):
        if not self.context.get("staff"):
            return None
        return StatementInternalSerializer(statement, context=self.context).data

    def get_web_url(self, statement) -> str:
        return web_url(self, statement.get_absolute_url())


class StatementWriteSerializer(serializers.Serializer):
    """A statement as the rapporteur captures or corrects it. `session` or `reference_event`
    places it (on creation only); `person` must be one of the session's speakers; the tags are
    GCM objective numbers, guiding principle codes, SDG target codes and theme names."""

    session = IdRelatedField(queryset=Session.objects.all(), required=False, allow_null=True)
    reference_event = NamedRelatedField(slug_field="slug", queryset=ReferenceEvent.objects.all(),
                                        required=False, allow_null=True)
    person = IdRelatedField(queryset=Person.objects.all(), required=False, allow_null=True)
    speaker_name = Text(max_length=200, required=False, allow_blank=True)
    speaker_organization = Text(max_length=300, required=False,
                                                 allow_blank=True)
    speaker_category = NamedRelatedField(slug_field="code",
                                         queryset=StakeholderCategory.objects.all(),
                                         required=False, allow_null=True)
    speaker_country = NamedRelatedField(slug_field="iso2", queryset=Country.objects.all(),
                                        required=False, allow_null=True)
    text = Text(required=False, allow_blank=True, trim_whitespace=False)
    language = Choice(choices=Statement.Language.choices, required=False)
    kind = Choice(choices=Statement.Kind.choices, required=False)
    attribution = Choice(choices=Statement.Attribution.choices, required=False)
    said_at = AwareDateTimeField(required=False, allow_null=True)
    complete = Flag(required=False)
    illustrative = Flag(required=False)
    source = Text(max_length=300, required=False, allow_blank=True)
    gcm_objectives = NamedRelatedField(slug_field="number", many=True, required=False,
                                       queryset=GcmObjective.objects.all())
    principles = NamedRelatedField(slug_field="code", many=True, required=False,
                                   queryset=GuidingPrinciple.objects.all())
    sdg_targets = NamedRelatedField(slug_field="code", many=True, required=False,
                                    queryset=SdgTarget.objects.all())
    themes = serializers.ListField(child=Text(max_length=100), required=False,
                                   max_length=50)

    def validate(self, data):
        statement = self.instance
        if statement is not None:
            for name in ("session", "reference_event"):
                if name in data and data[name] != getattr(statement, name):
                    raise serializers.ValidationError({name: [_(
                        "A statement stays where it was said; create another one instead.")]})
        session = data.get("session", statement.session if statement else None)
        person = data.get("person")
        if person is not None and (session is None or not session.roles.filter(
                person=person).exists()):
            raise serializers.ValidationError({"person": [_(
                "%(value)s is not a speaker of this session.") % {"value": person.pk}]})
        return data


# Key messages and recommendations ---------------------------------------------------------------


class EvidenceSerializer(serializers.Serializer):
    """A statement behind a key message or a recommendation, as the public page quotes it."""

    id = serializers.IntegerField(read_only=True)
    statement = serializers.IntegerField(source="statement_id", read_only=True)
    quote = serializers.CharField(read_only=True)
    text = serializers.CharField(source="statement.text", read_only=True)
    speaker = serializers.CharField(source="statement.shown_speaker", read_only=True)
    event = serializers.SerializerMethodField()

    def get_event(self, evidence) -> str:
        statement = evidence.statement
        if statement.reference_event_id:
            return statement.reference_event.title
        return statement.session.workshop.city


class KeyMessageSerializer(ReadSerializer):
    dialogue = serializers.IntegerField(source="dialogue.number", read_only=True)
    evidence = EvidenceSerializer(source="shown_evidence", many=True, read_only=True)
    web_url = serializers.SerializerMethodField()

    class Meta:
        model = KeyMessage
        fields = ["id", "dialogue", "number", "title", "body", "status", "evidence", "web_url"]

    def get_web_url(self, key_message) -> str:
        return web_url(self, reverse("deliberation:key-messages-public",
                                     args=[key_message.dialogue.number])
                       + f"#key-message-{key_message.number}")


class RecommendationSerializer(ReadSerializer):
    dialogue = serializers.IntegerField(source="dialogue.number", read_only=True)
    addressee_label = serializers.CharField(source="get_addressee_display", read_only=True)
    key_message = serializers.SerializerMethodField()
    evidence = EvidenceSerializer(source="shown_evidence", many=True, read_only=True)
    web_url = serializers.SerializerMethodField()

    class Meta:
        model = Recommendation
        fields = ["id", "dialogue", "addressee", "addressee_label", "text", "key_message",
                  "status", "order", "evidence", "web_url"]

    def get_key_message(self, recommendation) -> int | None:
        """A draft key message is not named to those who may not read it."""
        key_message = recommendation.key_message
        if key_message is None:
            return None
        if key_message.status != KeyMessage.Status.FINAL and not self.context.get("staff"):
            return None
        return key_message.pk

    def get_web_url(self, recommendation) -> str:
        return web_url(self, reverse("deliberation:key-messages-public",
                                     args=[recommendation.dialogue.number]))


class KeyMessageWriteSerializer(serializers.Serializer):
    dialogue = NamedRelatedField(slug_field="number", queryset=Dialogue.objects.all())
    number = WholeNumber(min_value=1, max_value=32767, required=False)
    status = Choice(choices=KeyMessage.Status.choices, required=False)

    def get_fields(self):
        fields = super().get_fields()
        fields.update(_translated("title", required_en=True))
        fields.update(_translated("body", required_en=False, multiline=True))
        for lang in LANGUAGES:
            fields[f"title_{lang}"].max_length = 300
        return fields


class RecommendationWriteSerializer(serializers.Serializer):
    dialogue = NamedRelatedField(slug_field="number", queryset=Dialogue.objects.all())
    addressee = Choice(choices=Recommendation.Addressee.choices)
    key_message = IdRelatedField(queryset=KeyMessage.objects.all(), required=False,
                                 allow_null=True)
    status = Choice(choices=KeyMessage.Status.choices, required=False)
    order = WholeNumber(min_value=0, max_value=32767, required=False)

    def get_fields(self):
        fields = super().get_fields()
        fields.update(_translated("text", required_en=True, multiline=True))
        return fields


class EvidenceWriteSerializer(serializers.Serializer):
    statement = IdRelatedField(queryset=Statement.objects.all())
    quote = Text(required=False, allow_blank=True, default="")
    note = Text(max_length=300, required=False, allow_blank=True, default="")


# Consultations ------------------------------------------------------------------------------------


class ConsultationSerializer(ReadSerializer):
    dialogue = serializers.IntegerField(source="dialogue.number", read_only=True)
    workshop = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    open = serializers.SerializerMethodField()
    statements = serializers.IntegerField(source="items_count", read_only=True)
    voters_count = serializers.IntegerField(read_only=True)
    votes = serializers.IntegerField(source="votes_count", read_only=True)

    class Meta:
        model = Consultation
        fields = ["id", "dialogue", "workshop", "title", "opens_at", "closes_at", "open",
                  "voters", "submissions", "illustrative", "source", "statements",
                  "voters_count", "votes"]

    def get_open(self, consultation) -> bool:
        return consultation.is_open()


class ConsultationItemSerializer(ReadSerializer):
    """A statement put to the vote, with the number of votes it has; never who voted how."""

    text = serializers.CharField(source="shown_text", read_only=True)
    votes = serializers.IntegerField(source="votes_count", read_only=True)

    class Meta:
        model = ConsultationStatement
        fields = ["id", "kind", "status", "text", "key_message", "recommendation", "statement",
                  "votes"]


class CategoryAgreementSerializer(serializers.Serializer):
    """Votes that agree in one stakeholder category, over all the statements put to the vote."""

    category = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    agree = serializers.IntegerField(read_only=True)
    votes = serializers.IntegerField(read_only=True)


class ConsultationResultsSerializer(serializers.Serializer):
    """The latest analysis of the votes, as the results page shows it: counts, opinion groups
    with their representative statements, consensus and, per statement put to the vote, its
    votes by group and by stakeholder category. Never a voter's own votes or place on the map."""

    analysed_at = serializers.DateTimeField(read_only=True)
    votes = serializers.IntegerField(read_only=True)
    voters = serializers.IntegerField(read_only=True)
    clustered = serializers.IntegerField(read_only=True)
    groups = serializers.ListField(child=serializers.DictField(), read_only=True)
    consensus = serializers.DictField(child=serializers.ListField(child=serializers.DictField()),
                                      read_only=True)
    statements = serializers.DictField(child=serializers.DictField(), read_only=True)
    by_category = CategoryAgreementSerializer(many=True, read_only=True)


class ConsultationDetailSerializer(ConsultationSerializer):
    items = ConsultationItemSerializer(source="shown_items", many=True, read_only=True)
    results = ConsultationResultsSerializer(source="shown_results", read_only=True,
                                            allow_null=True)

    class Meta(ConsultationSerializer.Meta):
        fields = [*ConsultationSerializer.Meta.fields, "items", "results"]


# Practices ---------------------------------------------------------------------------------------


class OrganizationSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)
    acronym = serializers.CharField(read_only=True)
    category = serializers.CharField(source="category.code", read_only=True)


class LinkSerializer(serializers.Serializer):
    title = serializers.CharField(read_only=True)
    url = serializers.URLField(read_only=True)


class DeliverableSerializer(serializers.Serializer):
    title = serializers.CharField(read_only=True)
    due_on = serializers.DateField(read_only=True)
    delivered_on = serializers.DateField(read_only=True, allow_null=True)


class ProgressReportSerializer(serializers.Serializer):
    reported_on = serializers.DateField(read_only=True)
    text = serializers.CharField(read_only=True)


class PracticeSerializer(TagsMixin, ReadSerializer):
    implementers = OrganizationSerializer(many=True, read_only=True)
    partners = OrganizationSerializer(many=True, read_only=True)
    countries = serializers.SlugRelatedField(slug_field="iso2", many=True, read_only=True)
    light = serializers.CharField(read_only=True, help_text=_(
        "A partnership's status light: green, yellow, red or inactive; empty otherwise."))
    links = LinkSerializer(many=True, read_only=True)
    deliverables = DeliverableSerializer(many=True, read_only=True)
    progress_reports = ProgressReportSerializer(many=True, read_only=True)
    sessions = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    statements = serializers.ListField(child=serializers.IntegerField(), source="shown_statements",
                                       read_only=True)
    key_messages = serializers.ListField(child=serializers.IntegerField(),
                                         source="shown_key_messages", read_only=True)
    web_url = serializers.SerializerMethodField()

    class Meta:
        model = Practice
        fields = ["id", "title", "summary", "type", "level", "status", "illustrative",
                  "implementers", "partners", "countries", "worldwide", "gcm_objectives",
                  "principles", "sdg_targets", "starts_on", "ends_on", "inactive", "light",
                  "resources", "deliverables", "progress_reports", "links", "sessions",
                  "statements", "key_messages", "web_url"]

    def get_web_url(self, practice) -> str:
        return web_url(self, practice.get_absolute_url())


# Publications ------------------------------------------------------------------------------------


class EditionFilesSerializer(serializers.Serializer):
    pdf = serializers.URLField(read_only=True, allow_null=True)
    epub = serializers.URLField(read_only=True, allow_null=True)
    docx = serializers.URLField(read_only=True, allow_null=True)
    html = serializers.URLField(read_only=True, allow_null=True)


class EditionSerializer(serializers.Serializer):
    """An edition's published version: the one the catalogue shows, never a draft."""

    language = serializers.CharField(source="edition.language", read_only=True)
    title = serializers.CharField(source="edition.printed_title", read_only=True)
    isbn = serializers.CharField(source="edition.isbn", read_only=True)
    isbn_pdf = serializers.CharField(source="edition.isbn_pdf", read_only=True)
    issn = serializers.CharField(source="edition.issn", read_only=True)
    uploaded_at = serializers.DateField(source="edition.uploaded_at", read_only=True,
                                        allow_null=True)
    version = serializers.IntegerField(source="number", read_only=True)
    published_at = serializers.DateTimeField(read_only=True, allow_null=True)
    page_count = serializers.IntegerField(read_only=True, allow_null=True)
    web_url = serializers.SerializerMethodField()
    files = serializers.SerializerMethodField()

    def get_web_url(self, version) -> str:
        return web_url(self, version.edition.get_absolute_url())

    @extend_schema_field(EditionFilesSerializer)
    def get_files(self, version: Version) -> dict:
        edition = version.edition
        return {fmt: web_url(self, reverse("publications:file", args=[
            edition.publication.slug, edition.language, fmt])) if getattr(version, fmt) else None
            for fmt in ("pdf", "epub", "docx", "html")}


class PublicationSerializer(ReadSerializer):
    dialogue = serializers.IntegerField(source="dialogue.number", read_only=True)
    series = serializers.CharField(source="dialogue.series.name", read_only=True)
    themes = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    editions = EditionSerializer(source="published_versions", many=True, read_only=True)

    class Meta:
        model = Publication
        fields = ["slug", "dialogue", "series", "title", "subtitle", "abstract", "year",
                  "publisher", "original_language", "themes", "editions"]
