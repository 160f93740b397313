"""Every file the secretariat can upload through the site is checked before anything is read into
the database: a file above IDM_IMPORT_MAX_BYTES and a file of a type the import does not take are
each refused with a message naming the file, and nothing is written."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from idm.core.models import AuditEntry

pytestmark = pytest.mark.integration

# (what, address, the file's field, a name the import takes)
IMPORTS = [
    ("agenda", "/en/manage/dialogues/28/import-agenda/", "agenda.xlsx"),
    ("participants", "/en/manage/workshops/2018-geneva/participants/import/", "people.xlsx"),
    ("transcript", "/en/manage/sessions/{session}/transcript/", "transcript.docx"),
    ("translations", "/en/manage/dialogues/28/translations/fr/import/", "idm-28-fr.xlf"),
    ("translation memory", "/en/manage/translation-memory/fr/", "memory.tmx"),
    ("practices", "/en/practices/import/", "practices.xlsx"),
]
# A picture where a spreadsheet, a document or an XML file should be.
PICTURE = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64 + b"IEND\xaeB`\x82"


@pytest.fixture
def session_pk(demo):
    from idm.publications.demo import create_publication

    create_publication(demo)  # what the translators' files are for
    return demo.workshops.get(slug="2018-geneva").sessions.order_by("start").first().pk


def _post(client, url: str, name: str, content: bytes):
    response = client.post(url, {"file": SimpleUploadedFile(name, content)}, follow=True)
    assert response.status_code < 500
    return response.content.decode()


@pytest.mark.parametrize(("what", "url", "name"), IMPORTS, ids=[i[0] for i in IMPORTS])
def test_a_file_too_large_is_refused_before_it_is_read(secretariat_client, session_pk, settings,
                                                        what, url, name):
    settings.IDM_IMPORT_MAX_BYTES = 2000
    before = AuditEntry.objects.count()
    page = _post(secretariat_client, url.format(session=session_pk), name, b"x" * 2001)
    assert f"&#x27;{name}&#x27; is 2.0\xa0KB; the largest file imported is 2.0\xa0KB" in page, what
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize(("what", "url", "name"), IMPORTS, ids=[i[0] for i in IMPORTS])
def test_a_file_of_another_type_is_refused(secretariat_client, session_pk, what, url, name):
    before = AuditEntry.objects.count()
    for named in (name, "picture.png"):
        page = _post(secretariat_client, url.format(session=session_pk), named, PICTURE)
        # Named by what it is not (picture.png), or by what it failed to be (agenda.xlsx).
        assert (f"&#x27;{named}&#x27; is neither" in page or f"&#x27;{named}&#x27; is not a" in page
                or " file cannot be read: " in page), (what, named)
        assert AuditEntry.objects.count() == before, (what, named)
