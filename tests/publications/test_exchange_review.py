"""A reviewer's tests of the translators' exchange: hostile and odd files, all or nothing, the same
file twice, texts of several paragraphs, the web pages' checks, and the status of a text."""

from datetime import date
from xml.sax.saxutils import escape

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Q
from django.test import Client
from translate.storage import xliff

from idm.core import roles
from idm.core import services as core_services
from idm.core.models import AuditEntry
from idm.deliberation.models import KeyMessage
from idm.dialogues.models import Dialogue, Session, Workshop
from idm.publications import exchange, services
from idm.publications.models import MemorySegment, Publication, ReportText
from tests.publications.test_exchange import XLIFF_12, exported, filled, french, unit_id

URL = "/en/manage/dialogues/28/translations/fr/"


def xlf(units, *, original="idm:dialogue/28", lang="fr", encoding="UTF-8", files=None) -> str:
    """An XLIFF 1.2 file written by hand: `units` are (id, English, the target element's XML or
    None); `files` several (original, language, units) <file> elements instead of one."""
    def file_element(original, lang, units):
        body = "".join(
            f'<trans-unit id="{escape(uid)}"><source>{escape(source)}</source>'
            f'{target or ""}</trans-unit>' for uid, source, target in units)
        return (f'<file original="{original}" source-language="en" target-language="{lang}" '
                f'datatype="plaintext"><body>{body}</body></file>')

    files = files or [(original, lang, units)]
    return (f'<?xml version="1.0" encoding="{encoding}"?>\n<xliff version="1.2" '
            f'xmlns="{XLIFF_12}">' + "".join(file_element(*f) for f in files) + "</xliff>")


def title_unit(number: int = 1) -> tuple[str, KeyMessage]:
    key_message = KeyMessage.objects.get(dialogue__number=28, number=number)
    return f"deliberation.keymessage/{key_message.pk}/title", key_message


def target(text: str, state: str = "translated") -> str:
    return f'<target state="{state}">{text}</target>'


@pytest.fixture
def other_dialogue(publication):
    """Dialogue 29, with a publication and a key message of its own."""
    dialogue = Dialogue.objects.create(series=publication.dialogue.series, number=29,
                                       year=2019, theme_en="Youth and migration")
    key_message = KeyMessage.objects.create(dialogue=dialogue, number=1, status="final",
                                            title_en="Young people shape migration policy")
    Publication.objects.create(dialogue=dialogue, slug="idm-29", title_en="Youth", year=2019)
    return key_message


def rapporteur_client() -> Client:
    user = get_user_model().objects.create_user(username="rap", password="pw-rap")
    user.groups.add(Group.objects.get(name=roles.RAPPORTEUR))
    client = Client()
    client.force_login(user)
    return client


# Hostile and odd files --------------------------------------------------------------------------


@pytest.mark.parametrize("inside", ["<!-- checked by the reviser -->", "<?cat-tool x?>"])
def test_a_comment_or_processing_instruction_in_a_target_is_no_crash(
        publication, secretariat_client, tmp_path, inside):
    unit, key_message = title_unit()
    content = xlf([(unit, key_message.title_en,
                    target(f"Les partenariats{inside} sont essentiels"))]).encode()
    try:
        incoming = exchange.read_translations(content, "comment.xlf")
    except exchange.TranslationFileError as refused:
        assert [p.unit for p in refused.errors] == [unit]
    else:
        assert [c.target for c in incoming.changes] == ["Les partenariats sont essentiels"]
    client = secretariat_client
    client.raise_request_exception = False
    path = tmp_path / "comment.xlf"
    path.write_bytes(content)
    with path.open("rb") as upload:
        assert client.post(URL + "import/", {"file": upload}).status_code in (200, 400)


def test_a_dialogue_number_too_large_for_the_database_is_refused(publication):
    content = xlf([("text/contents", "Contents", target("Sommaire"))],
                  original="idm:dialogue/99999999999999999999").encode()
    with pytest.raises(exchange.TranslationFileError) as refused:
        exchange.read_translations(content, "huge.xlf")
    assert refused.value.errors[0].unit == "file"


def test_a_unit_of_another_dialogue_is_refused_and_changes_nothing(
        publication, other_dialogue, secretariat_client, tmp_path):
    theirs = f"deliberation.keymessage/{other_dialogue.pk}/title"
    ours, key_message = title_unit()
    content = xlf([(ours, key_message.title_en, target("Les partenariats sont essentiels")),
                   (theirs, other_dialogue.title_en, target("Les jeunes, piratés"))]).encode()
    with pytest.raises(exchange.TranslationFileError) as refused:
        exchange.read_translations(content, "mixed.xlf")
    assert [(p.unit, p.field) for p in refused.value.errors] == [(theirs, "id")]

    # Dialogue 29's own file, uploaded on dialogue 28's page, is refused there.
    path = tmp_path / "idm-29-fr.xlf"
    path.write_bytes(xlf([(theirs, other_dialogue.title_en, target("Les jeunes"))],
                         original="idm:dialogue/29").encode())
    with path.open("rb") as upload:
        page = secretariat_client.post(URL + "import/", {"file": upload})
    assert page.status_code == 400 and "dialogue 29" in page.content.decode()
    assert secretariat_client.post(URL + "import/", {"confirm": "1"}).status_code == 302
    other_dialogue.refresh_from_db()
    key_message.refresh_from_db()
    assert not other_dialogue.title_fr and not key_message.title_fr


def test_two_file_elements_for_the_same_dialogue_are_read_as_one(publication):
    first, key_message_1 = title_unit(1)
    second, key_message_2 = title_unit(2)
    content = xlf([], files=[
        ("idm:dialogue/28", "fr", [(first, key_message_1.title_en, target("Premier"))]),
        ("idm:dialogue/28", "fr-FR", [(second, key_message_2.title_en, target("Deuxième"))])])
    incoming = exchange.read_translations(content.encode(), "two.xlf")
    assert [c.unit.id for c in incoming.changes] == [first, second]
    # The same unit in both is twice; one file for Spanish makes it two languages.
    twice = xlf([], files=[
        ("idm:dialogue/28", "fr", [(first, key_message_1.title_en, target("Premier"))]),
        ("idm:dialogue/28", "fr", [(first, key_message_1.title_en, target("Autre"))])])
    with pytest.raises(exchange.TranslationFileError) as refused:
        exchange.read_translations(twice.encode(), "twice.xlf")
    assert [(p.unit, p.field) for p in refused.value.errors] == [(first, "id")]
    mixed = content.replace('target-language="fr-FR"', 'target-language="es"')
    with pytest.raises(exchange.TranslationFileError, match="several dialogues or languages"):
        exchange.read_translations(mixed.encode(), "mixed.xlf")


def test_a_target_holding_only_an_inline_element(publication):
    unit, key_message = title_unit()
    marked = xlf([(unit, key_message.title_en, target('<x id="1"/>'))]).encode()
    with pytest.raises(exchange.TranslationFileError) as refused:
        exchange.read_translations(marked, "x.xlf")
    assert [(p.unit, p.field) for p in refused.value.errors] == [(unit, "target")]
    unmarked = xlf([(unit, key_message.title_en, '<target><x id="1"/></target>')]).encode()
    incoming = exchange.read_translations(unmarked, "x.xlf")
    assert incoming.untranslated == [unit] and not incoming.changes


def test_a_source_reflowed_by_a_cat_tool_is_not_stale(publication):
    unit, key_message = title_unit()
    body = f"deliberation.keymessage/{key_message.pk}/body/1"
    paragraph = exchange.texts.paragraphs(key_message.body_en)[0]
    reflowed = "\n\t ".join(paragraph.split(" "))
    content = xlf([(unit, "  " + key_message.title_en.replace(" ", "  ") + "\n",
                    target("Les partenariats sont essentiels")),
                   (body, reflowed, target("Premier paragraphe"))]).encode()
    incoming = exchange.read_translations(content, "reflowed.xlf")
    assert not incoming.stale
    assert [c.unit.id for c in incoming.changes] == [unit, body]


def test_deep_nesting_and_an_oversized_file_are_refused(publication, settings):
    deep = ('<?xml version="1.0"?>' + f'<xliff version="1.2" xmlns="{XLIFF_12}">'
            + "<g>" * 5000 + "</g>" * 5000 + "</xliff>").encode()
    with pytest.raises(exchange.TranslationFileError, match="not an XLIFF 1.2 file"):
        exchange.read_translations(deep, "deep.xlf")
    settings.IDM_IMPORT_MAX_BYTES = 1000
    big = xlf([("text/contents", "Contents", target("Sommaire " * 200))]).encode()
    with pytest.raises(exchange.ImportFileError, match="the largest file imported"):
        exchange.read_translations(big, "big.xlf")


@pytest.mark.parametrize("encoding", ["ISO-8859-1", "UTF-16"])
def test_a_file_in_another_encoding_is_saved_as_previewed(publication, secretariat_client,
                                                          tmp_path, encoding):
    unit, key_message = title_unit()
    words = "Les partenariats sont essentiels à la réussite"
    path = tmp_path / "latin.xlf"
    path.write_bytes(xlf([(unit, key_message.title_en, target(words))],
                         encoding=encoding).encode(encoding))
    assert [c.target for c in exchange.read_translations(path.read_bytes(), path.name)
            .changes] == [words]  # the command line reads it
    with path.open("rb") as upload:
        preview = secretariat_client.post(URL + "import/", {"file": upload})
    assert preview.status_code == 200 and words in preview.content.decode()
    secretariat_client.post(URL + "import/", {"confirm": "1"})
    key_message.refresh_from_db()
    assert key_message.title_fr == words


# Translation memory files -----------------------------------------------------------------------


def tmx_file(*units: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?><tmx version="1.4"><header '
            'creationtool="x" creationtoolversion="1" segtype="paragraph" o-tmf="x" '
            'adminlang="en" srclang="en" datatype="plaintext"/><body>'
            + "".join(units) + "</body></tmx>").encode()


def test_tmx_languages_are_read_by_their_primary_subtag(publication):
    pairs = exchange.read_tmx(tmx_file(
        '<tu><tuv xml:lang="EN-us"><seg>Contents</seg></tuv>'
        '<tuv xml:lang="FR-fr"><seg>Sommaire</seg></tuv>'
        '<tuv xml:lang="de-DE"><seg>Inhalt</seg></tuv>'
        '<tuv lang="es"><seg>Índice</seg></tuv></tu>'), "t.tmx")
    assert sorted(pairs) == [("es", "Contents", "Índice"), ("fr", "Contents", "Sommaire")]


def test_tmx_inline_codes_are_not_kept_as_text(publication):
    pairs = exchange.read_tmx(tmx_file(
        '<tu><tuv xml:lang="en"><seg>Partnerships are <bpt i="1">&lt;b&gt;</bpt>crucial'
        '<ept i="1">&lt;/b&gt;</ept><ph x="2">&lt;br/&gt;</ph></seg></tuv>'
        '<tuv xml:lang="fr"><seg>Les partenariats sont <bpt i="1">&lt;b&gt;</bpt>essentiels'
        '<ept i="1">&lt;/b&gt;</ept><ph x="2">&lt;br/&gt;</ph></seg></tuv></tu>'), "t.tmx")
    for _language, english, translation in pairs:
        assert "<" not in english and "<" not in translation, pairs


def test_a_long_file_name_fits_the_memory_origin(publication, tmp_path):
    name = "idm-28-fr-" + "relu-par-la-traductrice-" * 8 + ".xlf"
    path = filled(exported(tmp_path, "--missing-only"), tmp_path, name=name)
    call_command("translations", "import", str(path))
    origin = MemorySegment._meta.get_field("origin").max_length
    assert MemorySegment.objects.filter(language="fr").exists()
    assert max(len(s.origin) for s in MemorySegment.objects.all()) <= origin


# All or nothing, and the same file twice --------------------------------------------------------


def untranslated_session() -> Session:
    """A session whose description (one paragraph) has no French yet."""
    return next(s for s in Session.objects.filter(Q(description_fr="") | Q(
        description_fr__isnull=True)).exclude(description_en="").order_by("start")
        if "\n\n" not in s.description_en.strip())


def moved_workshop() -> Session:
    """The secretariat moves a workshop's days in the admin: its sessions now fall outside them,
    which the workshop's own form does not check."""
    session = untranslated_session()
    Workshop.objects.filter(pk=session.workshop_id).update(first_day=date(2000, 1, 1),
                                                           last_day=date(2000, 1, 2))
    return session


def test_a_translation_is_not_refused_for_what_else_is_wrong_with_its_record(publication,
                                                                            tmp_path):
    path = filled(exported(tmp_path, "--missing-only"), tmp_path)
    session = moved_workshop()
    call_command("translations", "import", str(path))
    session.refresh_from_db()
    assert session.description_fr == french(" ".join(session.description_en.split()))


def refused_session_title(monkeypatch) -> str:
    """A translated field its model refuses (as a validator of the field would)."""
    session = untranslated_session()
    original = Session.clean_fields

    def clean_fields(self, exclude=None):
        if self.pk == session.pk and "description_fr" not in (exclude or ()):
            raise ValidationError({"description_fr": ["Refused for the test."]})
        return original(self, exclude=exclude)

    monkeypatch.setattr(Session, "clean_fields", clean_fields)
    return f"dialogues.session/{session.pk}/description/1"


def test_a_refused_translation_saves_nothing_and_names_its_unit(publication, tmp_path,
                                                                monkeypatch):
    path = filled(exported(tmp_path, "--missing-only"), tmp_path)
    unit = refused_session_title(monkeypatch)
    incoming = exchange.read_translations(path.read_bytes(), path.name)
    before = (AuditEntry.objects.count(), MemorySegment.objects.count())
    with pytest.raises(exchange.TranslationFileError) as refused:
        services.import_translations(incoming, None)
    assert [(p.unit, p.message) for p in refused.value.errors] == [
        (unit, "Refused for the test.")]
    assert (AuditEntry.objects.count(), MemorySegment.objects.count()) == before
    assert not KeyMessage.objects.exclude(title_fr="").exclude(title_fr=None).exists()


def test_a_refused_translation_is_reported_by_unit_id(publication, secretariat_client, tmp_path,
                                                      monkeypatch):
    path = filled(exported(tmp_path, "--missing-only"), tmp_path)
    unit = refused_session_title(monkeypatch)
    with pytest.raises(CommandError, match="1 problem"):
        call_command("translations", "import", str(path))
    with path.open("rb") as upload:
        secretariat_client.post(URL + "import/", {"file": upload})
    saved = secretariat_client.post(URL + "import/", {"confirm": "1"})
    assert saved.status_code == 400 and unit in saved.content.decode()


def test_the_whole_file_twice_fixed_texts_and_abbreviations_included(publication, tmp_path):
    services.save_abbreviation(publication, "en", "IOM",
                               "International Organization for Migration", False, None)
    store = exported(tmp_path)
    ids = [unit_id(u) for u in store.units]
    assert "abbreviation/IOM" in ids and "text/contents" in ids
    # Sent back untouched (the fixed texts as idm's catalogue has them): nothing changes.
    untouched = tmp_path / "untouched.xlf"
    untouched.write_bytes(bytes(store))
    before = AuditEntry.objects.count()
    call_command("translations", "import", str(untouched))
    assert AuditEntry.objects.count() == before
    assert not ReportText.objects.exists()

    def translate(source):
        return {"International Organization for Migration":
                "Organisation internationale pour les migrations"}.get(source, french(source))

    path = filled(store, tmp_path, translate=translate)
    call_command("translations", "import", str(path))
    saved = AuditEntry.objects.count()
    assert saved > before and ReportText.objects.filter(key="contents").exists()
    incoming = exchange.read_translations(path.read_bytes(), path.name)
    assert incoming.changes == []
    assert services.import_translations(incoming, None) == 0
    assert AuditEntry.objects.count() == saved


def test_non_breaking_spaces_of_french_typography_are_kept(publication, tmp_path):
    unit, key_message = title_unit()
    words = "Partenariats\u00a0: essentiels\u202f!"
    content = xlf([(unit, key_message.title_en, target(words))]).encode()
    services.import_translations(exchange.read_translations(content, "nbsp.xlf"), None)
    key_message.refresh_from_db()
    assert key_message.title_fr == words


# Texts of several paragraphs --------------------------------------------------------------------


def test_a_translation_with_other_paragraphs_is_stale_until_every_paragraph_comes_back(
        publication, tmp_path):
    body = f"publications.publication/{publication.pk}/introduction"
    english = exchange.texts.paragraphs(publication.introduction_en)
    assert len(english) >= 2
    publication.introduction_fr = "Un seul paragraphe, traduit à la main."
    publication.save()
    states = {f.text.key: f.state for f in exchange.status(publication, "fr")}
    assert states[body] == "stale"

    store = exported(tmp_path, "--missing-only")
    ours = [u for u in store.units if unit_id(u).startswith(body + "/")]
    assert [unit_id(u) for u in ours] == [f"{body}/{n}" for n in range(1, len(english) + 1)]
    assert all(u.xmlelement.find(f"{{{XLIFF_12}}}target") is None for u in ours)

    # Only the first paragraph comes back: the text waits, as it was.
    ours[0].settarget("Premier paragraphe.", lang="fr")
    partial = tmp_path / "partial.xlf"
    partial.write_bytes(bytes(store))
    incoming = exchange.read_translations(partial.read_bytes(), partial.name)
    assert f"{body}/1" in incoming.untranslated
    services.import_translations(incoming, None)
    publication.refresh_from_db()
    assert publication.introduction_fr == "Un seul paragraphe, traduit à la main."

    for n, unit in enumerate(ours, 1):
        unit.settarget(f"Paragraphe {n}.", lang="fr")
    partial.write_bytes(bytes(store))
    services.import_translations(exchange.read_translations(partial.read_bytes(), "p"), None)
    publication.refresh_from_db()
    assert publication.introduction_fr == "\n\n".join(f"Paragraphe {n}." for n in
                                                       range(1, len(english) + 1))
    assert {f.text.key: f.state for f in exchange.status(publication, "fr")}[body] == (
        "translated")


# Status -----------------------------------------------------------------------------------------


def test_a_stale_text_corrected_where_the_status_page_links_is_translated(publication,
                                                                          tmp_path):
    call_command("translations", "import", str(filled(exported(tmp_path, "--missing-only"),
                                                       tmp_path)))
    unit, key_message = title_unit(2)
    key_message.title_en = "Capacity development, rewritten"
    key_message.save()
    assert {f.text.key: f.state for f in exchange.status(publication, "fr")}[unit] == "stale"
    # The translator corrects the French in the admin, where the status page's link goes.
    key_message.title_fr = "Le développement des capacités, réécrit"
    core_services.save(key_message, None)
    assert {f.text.key: f.state for f in exchange.status(publication, "fr")}[unit] == (
        "translated")


# The web ----------------------------------------------------------------------------------------


def test_only_the_secretariat_sees_and_imports(publication, participant, tmp_path):
    path = filled(exported(tmp_path, "--missing-only"), tmp_path)
    memory = "/en/manage/translation-memory/fr/"
    rapporteur = rapporteur_client()
    for url in (URL, URL + "export/", memory):
        assert rapporteur.get(url).status_code == 403
        assert Client().get(url).status_code == 302
    before = AuditEntry.objects.count()
    anonymous = Client()
    for client in (rapporteur, anonymous):
        with path.open("rb") as upload:
            assert client.post(URL + "import/", {"file": upload}).status_code in (302, 403)
        assert client.post(URL + "import/", {"confirm": "1"}).status_code in (302, 403)
        with path.open("rb") as upload:
            assert client.post(memory, {"file": upload}).status_code in (302, 403)
    assert AuditEntry.objects.count() == before and not MemorySegment.objects.exists()


@pytest.mark.parametrize("back", ["https://evil.example/", "//evil.example/x",
                                  "/\\evil.example/", "http://testserver.evil.example/",
                                  "javascript:alert(1)"])
def test_the_memory_upload_goes_back_only_to_this_site(publication, secretariat_client,
                                                      tmp_path, back):
    path = tmp_path / "m.tmx"
    path.write_bytes(tmx_file('<tu><tuv xml:lang="en"><seg>Contents</seg></tuv>'
                              '<tuv xml:lang="fr"><seg>Sommaire</seg></tuv></tu>'))
    with path.open("rb") as upload:
        response = secretariat_client.post("/en/manage/translation-memory/fr/",
                                           {"file": upload, "back": back})
    assert response.status_code == 302 and response["Location"] == "/en/publications/"
    with path.open("rb") as upload:
        response = secretariat_client.post("/en/manage/translation-memory/fr/",
                                           {"file": upload, "back": URL})
    assert response["Location"] == URL


def test_a_confirmation_after_the_english_changed_says_what_was_left_out(
        publication, secretariat_client, tmp_path):
    path = filled(exported(tmp_path, "--missing-only"), tmp_path)
    with path.open("rb") as upload:
        preview = secretariat_client.post(URL + "import/", {"file": upload})
    unit, key_message = title_unit(2)
    assert unit in preview.content.decode()  # the preview shows it among the changes
    key_message.title_en = "Capacity development, rewritten between preview and save"
    key_message.save()
    saved = secretariat_client.post(URL + "import/", {"confirm": "1"}, follow=True)
    key_message.refresh_from_db()
    assert not key_message.title_fr
    assert unit in saved.content.decode()


def test_a_reviewed_translation_can_be_confirmed_on_the_web(publication, secretariat_client,
                                                           tmp_path):
    call_command("translations", "import", str(filled(exported(tmp_path, "--missing-only"),
                                                       tmp_path)))
    unit, key_message = title_unit(2)
    key_message.title_en += " (edited)"
    key_message.save()
    # The reviser reads the French again and finds it still right: same text, now translated.
    again = exported(tmp_path, "--missing-only")
    (reviewed,) = [u for u in again.units if unit_id(u) == unit]
    reviewed.xmlelement.find(f"{{{XLIFF_12}}}target").set("state", "translated")
    path = tmp_path / "reviewed.xlf"
    path.write_bytes(bytes(again))
    with path.open("rb") as upload:
        preview = secretariat_client.post(URL + "import/", {"file": upload})
    assert preview.status_code == 200
    assert 'name="confirm"' in preview.content.decode()
    secretariat_client.post(URL + "import/", {"confirm": "1"})
    assert {f.text.key: f.state for f in exchange.status(publication, "fr")}[unit] == (
        "translated")


@pytest.mark.parametrize("content", [
    b"", b"\x00\x01\x02 not xml", b"<xliff/>", b'<?xml version="1.0"?><tmx version="1.4"/>',
    b"PK\x03\x04" + b"\x00" * 100,
])
def test_every_bad_upload_is_a_400(publication, secretariat_client, tmp_path, content):
    secretariat_client.raise_request_exception = False
    path = tmp_path / "bad.xlf"
    path.write_bytes(content)
    with path.open("rb") as upload:
        assert secretariat_client.post(URL + "import/", {"file": upload}).status_code == 400


def test_an_export_with_a_control_character_in_the_english(publication, secretariat_client):
    # A soft line break pasted from Word is a vertical tab.
    session = Session.objects.filter(workshop__slug="2018-geneva").order_by("start").first()
    Session.objects.filter(pk=session.pk).update(title_en="Opening\u000bsession")
    secretariat_client.raise_request_exception = False
    response = secretariat_client.get(URL + "export/")
    assert response.status_code == 200
    store = xliff.xlifffile.parsestring(response.content)
    assert f"dialogues.session/{session.pk}/title" in [unit_id(u) for u in store.units]


def test_a_translation_the_same_as_the_english_without_a_state_is_a_translation(publication):
    # docs/translation.md: a target equal to the English is "not translated" in state `new`;
    # a file without states (a hand-edited file, a tool that writes none) says nothing of the
    # kind, and a speaker's organization is often kept in English.
    unit = next(u for u in exchange.units(publication, "fr")
                if u.field.name == "organization_name" and u.blocks and not u.translated)
    content = xlf([(unit.id, unit.english, f"<target>{escape(unit.english)}</target>")])
    incoming = exchange.read_translations(content.encode(), "same.xlf")
    assert [c.unit.id for c in incoming.changes] == [unit.id]
