"""Who may open what: one table of every address of the site against every role, with the answer
each must get. A route missing from the table fails the test, so a new page cannot ship without
someone deciding who sees it."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.integration

ANONYMOUS, PARTICIPANT, RAPPORTEUR, SECRETARIAT, SUPERUSER = (
    "anonymous", "participant", "rapporteur", "secretariat", "superuser")
ROLES = (ANONYMOUS, PARTICIPANT, RAPPORTEUR, SECRETARIAT, SUPERUSER)
LOGIN = "sign-in page"  # a redirect to the sign-in page, with the address to come back to


def answers(anonymous, participant, rapporteur, secretariat, superuser=None) -> dict:
    return {ANONYMOUS: anonymous, PARTICIPANT: participant, RAPPORTEUR: rapporteur,
            SECRETARIAT: secretariat, SUPERUSER: secretariat if superuser is None else superuser}


PUBLIC = answers(200, 200, 200, 200)
SIGNED_IN = answers(LOGIN, 200, 200, 200)
STAFF = answers(LOGIN, 403, 200, 200)
SECRETARIAT_ONLY = answers(LOGIN, 403, 403, 200)
STAFF_ONLY_SEE_IT = answers(404, 404, 200, 200)
# Pages that only take a form: the role is checked first, then the method.
STAFF_POSTS = answers(LOGIN, 403, 405, 405)
SECRETARIAT_POSTS = answers(LOGIN, 403, 403, 405)
# The method is checked before the role: a GET learns nothing either way.
POST_FIRST = answers(405, 405, 405, 405)
# Whoever holds a private link (it is the credential), whatever they are signed in as.
LINK_HOLDER = PUBLIC
NOBODY = answers(404, 404, 404, 404)
# The API answers 401 to a caller without credentials, 403 to one without the scope.
API_STAFF = answers(401, 403, 200, 200)
API_WRITE = answers(405, 405, 405, 405)


# route name -> [(variant, how to build the address from the world, answer per role)]
TABLE = {
    # The public face: agendas, speakers, statements as the public may read them.
    "dialogues:home": [("", lambda w: {}, PUBLIC)],
    "dialogues:dialogue": [("", lambda w: {"number": 28}, PUBLIC)],
    "dialogues:agenda": [("", lambda w: {"slug": "2018-geneva"}, PUBLIC)],
    "dialogues:agenda-print": [("", lambda w: {"slug": "2018-geneva"}, PUBLIC)],
    "dialogues:speakers": [("", lambda w: {"slug": "2018-geneva"}, PUBLIC)],
    "dialogues:agenda-file": [("", lambda w: {"slug": "2018-geneva", "fmt": "ics"}, PUBLIC)],
    "dialogues:register": [("", lambda w: {"slug": "2018-geneva"}, PUBLIC)],
    "dialogues:participants": [("", lambda w: {"slug": "2018-geneva"}, PUBLIC)],
    "dialogues:registration": [("own link", lambda w: {"token": w.registration.token},
                                LINK_HOLDER),
                               ("guessed link", lambda w: {"token": w.guessed}, answers(
                                   404, 404, 404, 404))],
    # What idm holds about a participant: through the link e-mailed to their address, which
    # proves the address (the registration's private link alone does not).
    "dialogues:personal-data": [
        ("e-mailed link", lambda w: {"token": w.registration.token, "key": w.data_key},
         LINK_HOLDER),
        ("private link with a guessed key", lambda w: {"token": w.registration.token,
                                                       "key": w.guessed}, NOBODY),
        ("another participant's key", lambda w: {"token": w.registration.token,
                                                 "key": w.other_data_key}, NOBODY)],
    "dialogues:personal-data-file": [
        ("e-mailed link", lambda w: {"token": w.registration.token, "key": w.data_key},
         LINK_HOLDER),
        ("another participant's key", lambda w: {"token": w.registration.token,
                                                 "key": w.other_data_key}, NOBODY)],
    "dialogues:personal-data-delete": [
        ("e-mailed link", lambda w: {"token": w.registration.token, "key": w.data_key},
         LINK_HOLDER),
        ("another participant's key", lambda w: {"token": w.registration.token,
                                                 "key": w.other_data_key}, NOBODY)],
    "dialogues:deletion-requests": [("", lambda w: {}, SECRETARIAT_ONLY)],
    "dialogues:deletion-request-carry-out": [("", lambda w: {"pk": w.deletion_request.pk},
                                              POST_FIRST)],
    "dialogues:anonymize": [("", lambda w: {"number": 28}, SECRETARIAT_ONLY)],
    # The secretariat's pages.
    "dialogues:manage": [("", lambda w: {}, SECRETARIAT_ONLY)],
    "dialogues:agenda-import": [("", lambda w: {"number": 28}, SECRETARIAT_ONLY)],
    "dialogues:agenda-template": [("", lambda w: {"fmt": "xlsx"}, SECRETARIAT_ONLY)],
    "dialogues:registrations": [("", lambda w: {"slug": "2018-geneva"}, SECRETARIAT_ONLY)],
    "dialogues:identity-changes": [("", lambda w: {}, SECRETARIAT_ONLY)],
    "dialogues:participants-file": [("", lambda w: {"slug": "2018-geneva", "fmt": "csv"},
                                     SECRETARIAT_ONLY)],
    "dialogues:participants-import": [("", lambda w: {"slug": "2018-geneva"},
                                       SECRETARIAT_ONLY)],
    "dialogues:participants-template": [("", lambda w: {"slug": "2018-geneva", "fmt": "csv"},
                                         SECRETARIAT_ONLY)],
    "dialogues:badges": [("", lambda w: {"slug": "2018-geneva"}, SECRETARIAT_ONLY)],
    "dialogues:check-in": [("", lambda w: {"slug": "2018-geneva"}, SECRETARIAT_ONLY)],
    "dialogues:statistics": [("", lambda w: {"kind": "dialogue", "key": "28"}, STAFF)],
    "dialogues:statistics-chart": [("", lambda w: {"kind": "dialogue", "key": "28",
                                                   "dimension": "category"}, STAFF)],
    # Deliberation.
    "deliberation:search": [("", lambda w: {}, PUBLIC)],
    "deliberation:statement": [
        ("complete", lambda w: {"pk": w.statement.pk}, PUBLIC),
        ("still being written", lambda w: {"pk": w.incomplete_statement.pk}, STAFF_ONLY_SEE_IT)],
    "deliberation:statement-edit": [("", lambda w: {"pk": w.statement.pk}, STAFF)],
    "deliberation:session-statements": [("", lambda w: {"pk": w.statement.session_id}, PUBLIC)],
    "deliberation:key-messages-public": [("", lambda w: {"number": 28}, PUBLIC)],
    "deliberation:statements-csv": [("", lambda w: {"number": 28}, PUBLIC)],
    "deliberation:capture": [("", lambda w: {"pk": w.statement.session_id}, STAFF)],
    "deliberation:capture-save": [("", lambda w: {"pk": w.statement.session_id}, STAFF_POSTS)],
    "deliberation:transcript": [("", lambda w: {"pk": w.statement.session_id}, STAFF)],
    "deliberation:key-messages": [("", lambda w: {"number": 28}, STAFF)],
    "deliberation:key-message-new": [("", lambda w: {"number": 28}, STAFF)],
    "deliberation:key-message": [("", lambda w: {"pk": w.key_message.pk}, STAFF)],
    "deliberation:recommendation-new": [("", lambda w: {"number": 28}, STAFF)],
    "deliberation:recommendation": [("", lambda w: {"pk": w.recommendation.pk}, STAFF)],
    "deliberation:synthesis": [("", lambda w: {"number": 28}, STAFF)],
    "deliberation:synthesis-run": [("", lambda w: {"pk": w.synthesis_run.pk}, STAFF)],
    "deliberation:synthesis-status": [("", lambda w: {"pk": w.synthesis_run.pk}, STAFF)],
    "deliberation:synthesis-merge": [("", lambda w: {"pk": w.synthesis_run.pk}, POST_FIRST)],
    "deliberation:synthesis-split": [("", lambda w: {"pk": w.synthesis_run.pk}, POST_FIRST)],
    "deliberation:synthesis-retry": [("", lambda w: {"pk": w.synthesis_run.pk}, POST_FIRST)],
    "deliberation:synthesis-key-message": [("", lambda w: {"pk": w.synthesis_run.pk},
                                            POST_FIRST)],
    "deliberation:evidence-add": [("", lambda w: {}, POST_FIRST)],
    "deliberation:revisions": [("", lambda w: {"first": w.revisions[0], "second": w.revisions[1]},
                                STAFF)],
    # Consultations: the secretariat's and rapporteurs' pages, and the voters' own.
    "consultations:list": [("", lambda w: {"number": 28}, STAFF)],
    "consultations:manage": [("", lambda w: {"pk": w.consultation.pk}, STAFF)],
    "consultations:moderate": [("", lambda w: {"pk": w.consultation.pk, "item": w.item.pk},
                                POST_FIRST)],
    "consultations:close": [("", lambda w: {"pk": w.consultation.pk}, POST_FIRST)],
    "consultations:results": [("", lambda w: {"pk": w.consultation.pk}, STAFF)],
    "consultations:results-status": [("", lambda w: {"pk": w.consultation.pk}, STAFF)],
    "consultations:vote": [
        ("anyone with the link", lambda w: {"link": w.open_consultation.link}, PUBLIC),
        ("registered participants only", lambda w: {"link": w.consultation.link},
         answers(404, 404, 404, 404)),
        ("a guessed link", lambda w: {"link": w.guessed}, answers(404, 404, 404, 404))],
    "consultations:mine": [
        ("anyone with the link", lambda w: {"link": w.open_consultation.link}, PUBLIC),
        ("registered participants only", lambda w: {"link": w.consultation.link},
         answers(404, 404, 404, 404))],
    "consultations:for-registration": [
        ("own link", lambda w: {"token": w.registration.token}, LINK_HOLDER),
        ("guessed link", lambda w: {"token": w.guessed}, answers(404, 404, 404, 404))],
    "consultations:vote-registered": [
        ("own link", lambda w: {"token": w.registration.token, "link": w.consultation.link},
         LINK_HOLDER),
        ("guessed link", lambda w: {"token": w.guessed, "link": w.consultation.link},
         answers(404, 404, 404, 404)),
        ("anyone's consultation", lambda w: {"token": w.registration.token,
                                             "link": w.open_consultation.link},
         answers(404, 404, 404, 404))],
    "consultations:mine-registered": [
        ("own link", lambda w: {"token": w.registration.token, "link": w.consultation.link},
         LINK_HOLDER),
        ("guessed link", lambda w: {"token": w.guessed, "link": w.consultation.link},
         answers(404, 404, 404, 404))],
    # The practices registry: published practices for everyone, the review for the secretariat.
    "practices:registry": [("", lambda w: {}, PUBLIC)],
    "practices:network": [("", lambda w: {}, PUBLIC)],
    "practices:network-svg": [("", lambda w: {}, PUBLIC)],
    "practices:network-graphml": [("", lambda w: {}, PUBLIC)],
    "practices:network-json": [("", lambda w: {}, PUBLIC)],
    "practices:practice": [
        ("published", lambda w: {"pk": w.practice.pk}, PUBLIC),
        ("waiting for review, submitted by the participant", lambda w: {
            "pk": w.submitted_practice.pk}, answers(404, 200, 200, 200))],
    "practices:submit": [("", lambda w: {}, SIGNED_IN)],
    "practices:mine": [("", lambda w: {}, SIGNED_IN)],
    "practices:review-queue": [("", lambda w: {}, SECRETARIAT_ONLY)],
    "practices:review": [("", lambda w: {"pk": w.submitted_practice.pk}, SECRETARIAT_ONLY)],
    "practices:export": [("", lambda w: {"fmt": "csv"}, SECRETARIAT_ONLY)],
    "practices:import": [("", lambda w: {}, SECRETARIAT_ONLY)],
    # Publications: published editions for everyone, drafts and the production line for staff.
    "publications:catalogue": [("", lambda w: {}, PUBLIC)],
    "publications:feed": [("", lambda w: {}, PUBLIC)],
    "publications:edition": [("", lambda w: {"slug": "idm-28", "language": "en"}, PUBLIC)],
    "publications:read": [("", lambda w: {"slug": "idm-28", "language": "en"}, PUBLIC)],
    "publications:file": [("", lambda w: {"slug": "idm-28", "language": "en", "fmt": "pdf"},
                           PUBLIC)],
    "publications:figure": [("", lambda w: {"slug": "idm-28", "language": "en",
                                            "name": w.figure}, PUBLIC)],
    "publications:version-file": [
        ("published", lambda w: {"slug": "idm-28", "language": "en", "number": 1, "fmt": "pdf"},
         PUBLIC),
        ("a draft", lambda w: {"slug": "idm-28", "language": "en", "number": w.draft.number,
                               "fmt": "pdf"}, STAFF_ONLY_SEE_IT)],
    "publications:report": [("", lambda w: {"number": 28}, SECRETARIAT_ONLY)],
    "publications:abbreviations": [("", lambda w: {"number": 28}, STAFF)],
    "publications:translations": [("", lambda w: {"number": 28, "language": "fr"},
                                   SECRETARIAT_ONLY)],
    "publications:translations-export": [("", lambda w: {"number": 28, "language": "fr"},
                                          SECRETARIAT_ONLY)],
    # A file comes by POST; a GET goes back to the translations page.
    "publications:translations-import": [("", lambda w: {"number": 28, "language": "fr"},
                                          answers(LOGIN, 403, 403, 302))],
    "publications:translation-memory": [("", lambda w: {"language": "fr"}, SECRETARIAT_ONLY)],
    "publications:build-status": [("", lambda w: {"pk": w.build.pk}, SECRETARIAT_ONLY)],
    "publications:build-retry": [("", lambda w: {"pk": w.build.pk}, POST_FIRST)],
    "publications:publish": [("", lambda w: {"pk": w.draft.pk}, POST_FIRST)],
    # The API: reading as the public pages show it, drafts and consultations for staff.
    "api:schema": [("", lambda w: {}, PUBLIC)],
    "api:docs": [("", lambda w: {}, PUBLIC)],
    "api:dialogue-list": [("", lambda w: {}, PUBLIC)],
    "api:dialogue-detail": [("", lambda w: {"number": 28}, PUBLIC)],
    "api:workshop-list": [("", lambda w: {}, PUBLIC)],
    "api:workshop-detail": [("", lambda w: {"slug": "2018-geneva"}, PUBLIC)],
    "api:workshop-participants": [("", lambda w: {"slug": "2018-geneva"}, PUBLIC)],
    "api:session-list": [("", lambda w: {}, PUBLIC)],
    "api:session-detail": [("", lambda w: {"pk": w.statement.session_id}, PUBLIC)],
    "api:speaker-list": [("", lambda w: {}, PUBLIC)],
    "api:speaker-detail": [("", lambda w: {"pk": w.speaker.pk}, PUBLIC)],
    "api:statement-list": [("", lambda w: {}, PUBLIC)],
    "api:statement-detail": [
        ("complete", lambda w: {"pk": w.statement.pk}, PUBLIC),
        ("still being written", lambda w: {"pk": w.incomplete_statement.pk},
         STAFF_ONLY_SEE_IT)],
    "api:key-message-list": [("", lambda w: {}, PUBLIC)],
    "api:key-message-detail": [
        ("final", lambda w: {"pk": w.final_key_message.pk}, PUBLIC),
        ("draft", lambda w: {"pk": w.key_message.pk}, STAFF_ONLY_SEE_IT)],
    "api:key-message-add-evidence": [("", lambda w: {"pk": w.key_message.pk}, API_WRITE)],
    "api:key-message-remove-evidence": [("", lambda w: {
        "pk": w.key_message_evidence.key_message_id, "evidence_id": w.key_message_evidence.pk},
        API_WRITE)],
    "api:recommendation-list": [("", lambda w: {}, PUBLIC)],
    "api:recommendation-detail": [
        ("final", lambda w: {"pk": w.final_recommendation.pk}, PUBLIC),
        ("draft", lambda w: {"pk": w.recommendation.pk}, STAFF_ONLY_SEE_IT)],
    "api:recommendation-add-evidence": [("", lambda w: {"pk": w.recommendation.pk}, API_WRITE)],
    "api:recommendation-remove-evidence": [("", lambda w: {
        "pk": w.recommendation_evidence.recommendation_id,
        "evidence_id": w.recommendation_evidence.pk}, API_WRITE)],
    # Results are the staff's on the web, so in the API too.
    "api:consultation-list": [("", lambda w: {}, API_STAFF)],
    "api:consultation-detail": [("", lambda w: {"pk": w.consultation.pk}, API_STAFF)],
    "api:practice-list": [("", lambda w: {}, PUBLIC)],
    "api:practice-detail": [
        ("published", lambda w: {"pk": w.practice.pk}, PUBLIC),
        ("waiting for review", lambda w: {"pk": w.submitted_practice.pk}, STAFF_ONLY_SEE_IT)],
    "api:publication-list": [("", lambda w: {}, PUBLIC)],
    "api:publication-detail": [("", lambda w: {"slug": "idm-28"}, PUBLIC)],
    # Signing in and out, and the admin (Django's own, for the secretariat).
    "login": [("", lambda w: {}, PUBLIC)],
    "logout": [("", lambda w: {}, POST_FIRST)],
    "admin:index": [("", lambda w: {}, answers(LOGIN, LOGIN, LOGIN, 200))],
}


def _route_names(resolver=None, namespace=""):
    """Every named address of the site, through the includes; the admin's own pages aside."""
    resolver = resolver or get_resolver()
    for item in resolver.url_patterns:
        if isinstance(item, URLResolver):
            inner = namespace + (f"{item.namespace}:" if item.namespace else "")
            if inner == "admin:":
                continue
            yield from _route_names(item, inner)
        elif isinstance(item, URLPattern) and item.name:
            yield namespace + item.name
        elif isinstance(item, URLPattern):
            yield f"unnamed: {item.pattern}"


class World:
    """The demo with one of everything the table's addresses point at."""

    guessed = "Qm9ndXMtbGluay1ub2JvZHktaGFz"


@pytest.fixture
def world(population, secretariat, participant):
    from idm.consultations.demo import load_demo_consultation
    from idm.consultations.models import Consultation, ConsultationStatement
    from idm.deliberation import services as deliberation_services
    from idm.deliberation.demo import load_demo_deliberation
    from idm.deliberation.models import (
        KeyMessage,
        KeyMessageEvidence,
        Recommendation,
        RecommendationEvidence,
        Revision,
        Statement,
        SynthesisRun,
    )
    from idm.dialogues import personal_data
    from idm.dialogues.models import Registration, SessionRole
    from idm.practices import services as practice_services
    from idm.practices.demo import load_demo_practices
    from idm.practices.models import Practice
    from idm.publications import services as publication_services
    from idm.publications.demo import build_demo_publication
    from idm.publications.models import BuildJob, Version

    load_demo_deliberation(population)
    load_demo_consultation(population)
    load_demo_practices(population)
    build_demo_publication(population)
    world = World()
    world.statement = Statement.objects.filter(complete=True, session__isnull=False).order_by(
        "pk").first()
    world.incomplete_statement = Statement.objects.create(
        session=world.statement.session, text="Half a sentence", complete=False)
    final, draft = KeyMessage.Status.FINAL, KeyMessage.Status.DRAFT
    world.final_key_message = KeyMessage.objects.filter(status=final).order_by("pk").first()
    world.final_recommendation = Recommendation.objects.filter(status=final).order_by(
        "pk").first()
    world.key_message = KeyMessage.objects.filter(status=draft).order_by("pk").first()
    world.recommendation = Recommendation.objects.filter(status=draft).order_by("pk").first()
    if world.key_message is None:
        world.key_message = KeyMessage.objects.create(
            dialogue=population, number=99, title="A draft still being written")
    if world.recommendation is None:
        world.recommendation = Recommendation.objects.create(
            dialogue=population, addressee=Recommendation.Addressee.values[0],
            text="A draft recommendation")
    world.key_message_evidence = KeyMessageEvidence.objects.order_by("pk").first()
    world.recommendation_evidence = RecommendationEvidence.objects.order_by("pk").first()
    world.speaker = SessionRole.objects.filter(session=world.statement.session).first()
    for title in ("First words", "Second words"):
        world.key_message.title = title
        deliberation_services.save_key_message(world.key_message, secretariat)
    world.revisions = list(Revision.objects.filter(key_message=world.key_message).order_by(
        "-number").values_list("pk", flat=True)[:2])
    world.synthesis_run = deliberation_services.start_synthesis(population, secretariat)
    world.synthesis_run = SynthesisRun.objects.get(pk=world.synthesis_run.pk)
    world.consultation = population.consultations.get()
    world.open_consultation = Consultation.objects.create(
        dialogue=population, title="Open to anyone with the link",
        voters=Consultation.Voters.LINK)
    # A participant of the workshop the registered participants' consultation is for.
    world.registration = Registration.objects.filter(
        status=Registration.Status.APPROVED, workshop=world.consultation.workshop
    ).order_by("pk").first()
    world.data_key = personal_data.data_key(world.registration)
    other = Registration.objects.exclude(person=world.registration.person).order_by("pk").first()
    world.other_data_key = personal_data.data_key(other)
    world.deletion_request, _new = personal_data.request_deletion(other)
    world.item = ConsultationStatement.objects.filter(consultation=world.consultation).first()
    world.practice = practice_services.published().order_by("pk").first()
    world.participant = participant
    world.submitted_practice = Practice.objects.create(
        title="A practice waiting for review", status=Practice.Status.SUBMITTED,
        submitted_by=world.participant)
    version = Version.objects.filter(status=Version.Status.PUBLISHED,
                                     edition__language="en").get()
    world.figure = next(block["name"] for section in version.document["sections"]
                        for block in section["blocks"] if block["type"] == "figure")
    world.build = BuildJob.objects.create(publication=version.edition.publication,
                                          languages="en", formats="pdf",
                                          status=BuildJob.Status.DONE)
    world.draft = publication_services.save_version(
        version.edition.publication, "en", version.document, {"pdf": version.pdf.read()},
        secretariat)
    return world


@pytest.fixture
def clients(world, secretariat):
    users = {PARTICIPANT: world.participant, SECRETARIAT: secretariat}
    rapporteur = get_user_model().objects.create_user("rap", password="pw-rap")
    rapporteur.groups.add(Group.objects.get(name="rapporteur"))
    users[RAPPORTEUR] = rapporteur
    users[SUPERUSER] = get_user_model().objects.create_superuser("root", password="pw-root")
    clients = {ANONYMOUS: Client(raise_request_exception=False)}
    for role, user in users.items():
        clients[role] = Client(raise_request_exception=False)
        clients[role].force_login(user)
    return clients


def _answer(response) -> int | str:
    if response.status_code == 302 and response["Location"].startswith("/en/accounts/login/"):
        return LOGIN
    if response.status_code == 302 and response["Location"].startswith("/en/admin/login/"):
        return LOGIN
    return response.status_code


def test_every_route_is_in_the_table():
    # The API's catch-all answers a JSON 404 to any other address under /api/.
    missing = sorted(set(_route_names()) - set(TABLE)
                     - {"unnamed: favicon.ico", "unnamed: ^[\\s\\S]*$"})
    assert not missing, f"routes nobody has decided about: {missing}"
    gone = sorted(set(TABLE) - set(_route_names()) - {"admin:index"})
    assert not gone, f"routes in the table that no longer exist: {gone}"


def test_every_role_gets_the_answer_in_the_table(world, clients):
    wrong = []
    for name, variants in TABLE.items():
        for variant, arguments, expected in variants:
            url = reverse(name, kwargs=arguments(world))
            for role in ROLES:
                got = _answer(clients[role].get(url))
                if got != expected[role]:
                    wrong.append(f"{name} {variant} {url} as {role}: {got}, "
                                 f"table says {expected[role]}")
    assert not wrong, "\n".join(wrong)


def test_refused_roles_change_nothing_by_posting(world, clients):
    """A role the table refuses gets no further with a form than with a page: nothing written."""
    from idm.core.models import AuditEntry

    before = AuditEntry.objects.count()
    wrong = []
    for name, variants in TABLE.items():
        for variant, arguments, expected in variants:
            url = reverse(name, kwargs=arguments(world))
            for role in ROLES:
                if expected[role] in (LOGIN, 401, 403, 404):
                    got = _answer(clients[role].post(url, {"confirm": "1", "value": "1"}))
                    if got not in (LOGIN, 401, 403, 404, 405):
                        wrong.append(f"POST {name} {variant} as {role}: {got}")
    assert not wrong, "\n".join(wrong)
    assert AuditEntry.objects.count() == before


# The API's writes, by token: (route, what the address needs, scope it takes).
API_WRITES = [
    ("api:session-list", lambda w: {}, "write:agenda"),
    ("api:statement-list", lambda w: {}, "write:statements"),
    ("api:key-message-list", lambda w: {}, "write:key-messages"),
    ("api:recommendation-list", lambda w: {}, "write:key-messages"),
    ("api:key-message-add-evidence", lambda w: {"pk": w.key_message.pk}, "write:key-messages"),
    ("api:recommendation-add-evidence", lambda w: {"pk": w.recommendation.pk},
     "write:key-messages"),
]
# Who may write with each scope, with a token holding every scope the role allows.
WRITERS = {"write:agenda": {SECRETARIAT, SUPERUSER},
           "write:statements": {RAPPORTEUR, SECRETARIAT, SUPERUSER},
           "write:key-messages": {RAPPORTEUR, SECRETARIAT, SUPERUSER}}


def test_api_writes_take_a_token_whose_role_allows_them(world, clients, secretariat):
    """Anonymous: 401; a participant's token (no scope): 403; a role that may: the write is
    checked (an empty body is a 400 naming the fields), and nothing is written by the others."""
    from idm.api import scopes, services
    from idm.core.models import AuditEntry

    users = {role: client.session.get("_auth_user_id") for role, client in clients.items()}
    keys = {}
    for role, user_id in users.items():
        if user_id is None:
            continue
        user = get_user_model().objects.get(pk=user_id)
        keys[role] = services.create_token(user, secretariat, name=role,
                                           scopes=sorted(scopes.allowed_scopes(user))).key
    before = AuditEntry.objects.count()
    wrong = []
    for name, arguments, scope in API_WRITES:
        url = reverse(name, kwargs=arguments(world))
        for role in ROLES:
            headers = {"HTTP_AUTHORIZATION": f"Bearer {keys[role]}"} if role in keys else {}
            got = Client().post(url, {}, content_type="application/json", **headers).status_code
            expected = 400 if role in WRITERS[scope] else (401 if role == ANONYMOUS else 403)
            if got != expected:
                wrong.append(f"POST {name} as {role}: {got}, expected {expected}")
    assert not wrong, "\n".join(wrong)
    # Only the tokens' own creation was recorded.
    assert AuditEntry.objects.count() == before
