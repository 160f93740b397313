"""What a published edition contains (final key messages and recommendations only), review
drafts that say so on every page and are never published, and versions: a rebuild is a draft
until someone publishes it."""

import io
import re
import zipfile

import docx
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from idm.core.models import AuditEntry
from idm.deliberation import services as deliberation
from idm.deliberation.models import KeyMessage, Recommendation
from idm.publications import build as builder
from idm.publications import services
from idm.publications.document import check, notices
from idm.publications.models import Version

pytestmark = pytest.mark.integration

REVIEW_MARK = "DRAFT FOR REVIEW – NOT FOR PUBLICATION"


def pdf_pages(field_file) -> list[str]:
    field_file.open("rb")
    try:
        reader = PdfReader(io.BytesIO(field_file.read()))
    finally:
        field_file.close()
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def served(response) -> bytes:
    return b"".join(response.streaming_content)


def make_draft(obj, actor=None):
    obj.status = KeyMessage.Status.DRAFT
    save = (deliberation.save_key_message if isinstance(obj, KeyMessage)
            else deliberation.save_recommendation)
    return save(obj, actor)


@pytest.fixture
def drafts(publication):
    """The situation of issue 8: some key messages and a recommendation are still drafts."""
    second = make_draft(KeyMessage.objects.get(number=2))
    fifth = make_draft(KeyMessage.objects.get(number=5))
    recommendation = make_draft(Recommendation.objects.order_by("addressee", "order").first())
    return {"key_messages": [second, fifth], "recommendation": recommendation}


def test_a_regular_build_leaves_drafts_out(publication, drafts):
    result = builder.build(publication, ["en"], ["pdf", "html"], None)
    version = result.built["en"]
    assert not version.review
    numbers = [s["number"] for s in version.document["sections"] if s["number"]]
    assert numbers == ["1", "3", "4", "6"]  # each key message keeps its own number
    pdf = " ".join(pdf_pages(version.pdf))
    html = text_of(version.html.open("rb").read().decode())
    recommendation = drafts["recommendation"].text_en
    for text in (pdf, html):
        assert "Partnerships are crucial to global governance of migration" in text
        for key_message in drafts["key_messages"]:
            # Numbered as a chapter (a session of the agenda has the same title).
            assert f"{key_message.number}. {key_message.title_en[:40]}" not in text
        assert recommendation[:60] not in text
        assert "(draft)" not in text and "draft for review" not in text.lower()
    assert "Key messages 2, 5 are drafts: the report leaves them out." in result.notices
    assert "1 recommendation is a draft: the report leaves it out." in result.notices


def test_a_review_draft_holds_the_drafts_marked_in_every_format(publication, drafts):
    result = builder.build(publication, ["en"], ["pdf", "docx", "epub", "html"], None,
                           review=True)
    version = result.built["en"]
    assert version.review and version.status == Version.Status.DRAFT
    second = drafts["key_messages"][0]

    pages = pdf_pages(version.pdf)
    assert all(REVIEW_MARK in page for page in pages), "a page without the review mark"
    pdf = " ".join(pages)
    assert f"2. {second.title_en} (draft)" in pdf
    assert "1. Partnerships are crucial to global governance of migration (draft)" not in pdf
    assert drafts["recommendation"].text_en[-30:] + " (draft)" in pdf

    html = version.html.open("rb").read().decode()
    assert html.index("Draft for review – not for publication") < html.index(
        '<header class="report-cover">')
    assert f"{second.title_en} <span class=\"report-draft\">(draft)</span>" in html
    word = docx.Document(version.docx.path)
    # Under the title, before the contents.
    assert word.paragraphs[1].text == "Draft for review – not for publication"
    assert f"{second.title_en} (draft)" in "\n".join(p.text for p in word.paragraphs)
    with zipfile.ZipFile(version.epub.path) as epub:
        chapters = " ".join(epub.read(n).decode() for n in epub.namelist()
                            if n.endswith(".xhtml"))
    assert "Draft for review – not for publication" in chapters and "(draft)" in chapters


def test_check_looks_at_what_the_build_holds(publication, drafts):
    second = drafts["key_messages"][0]
    second.title_fr = ""
    deliberation.save_key_message(second, None)
    regular = [str(m) for m in check(publication, "fr")]
    review = [str(m) for m in check(publication, "fr", review=True)]
    assert "Key message 2: title is missing in Français" not in regular
    assert "Key message 2: title is missing in Français" in review
    assert "Key message 1: title is missing in Français" in regular


def test_no_final_key_message_is_a_warning_not_a_stop(publication, secretariat_client, capsys):
    for key_message in KeyMessage.objects.all():
        make_draft(key_message)
    warning = ("No key message is final yet: the report has no key message chapter. Mark them "
               "final, or build a review draft.")
    assert warning in notices(publication)
    assert notices(publication, review=True) == []
    call_command("report", "check", "--dialogue", "28", "--lang", "en")  # no error
    assert f"warning: {warning}" in capsys.readouterr().out
    page = secretariat_client.get(reverse("publications:report", args=[28]))
    assert warning in page.content.decode()
    result = builder.build(publication, ["en"], ["html"], None)
    assert result.ok and not [s for s in result.built["en"].document["sections"] if s["number"]]


def test_a_rebuild_stays_a_draft_until_published(publication, secretariat_client):
    public = Client()
    first = builder.build(publication, ["en"], ["pdf", "html"], None).built["en"]
    services.publish(first, None)
    key_message = KeyMessage.objects.get(number=1)
    old = "Partnerships are crucial to global governance of migration"
    key_message.title = key_message.title_en = "Partnerships carry the governance of migration"
    deliberation.save_key_message(key_message, None)
    new = "Partnerships carry the governance of migration"

    second = builder.build(publication, ["en"], ["pdf", "html"], None).built["en"]
    assert (second.number, second.status) == (2, Version.Status.DRAFT)

    def public_texts() -> dict[str, str]:
        pdf = served(public.get(reverse("publications:file", args=["idm-28", "en", "pdf"])))
        pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
        html = served(public.get(reverse("publications:file", args=["idm-28", "en", "html"])))
        return {
            "pdf": " ".join(" ".join(pages).split()),
            "html": text_of(html.decode()),
            "reading": text_of(public.get(reverse("publications:read",
                                                  args=["idm-28", "en"])).content.decode()),
            "page": text_of(public.get(reverse("publications:edition",
                                               args=["idm-28", "en"])).content.decode()),
        }

    for where, text in public_texts().items():
        assert old in text and new not in text, where

    page = secretariat_client.get(reverse("publications:report", args=[28])).content.decode()
    publish_url = reverse("publications:publish", args=[second.pk])
    assert f'action="{publish_url}"' in page
    assert secretariat_client.post(publish_url).status_code == 302

    for where, text in public_texts().items():
        assert new in text and old not in text, where
    first.refresh_from_db()
    assert first.status == Version.Status.SUPERSEDED and first.pdf  # kept, not shown
    entry = AuditEntry.objects.filter(object_type="publications.version",
                                      object_id=str(second.pk)).latest("pk")
    assert entry.actor_name == "sec" and entry.changes["status"] == ["draft", "published"]


def test_a_review_draft_is_never_published(publication, drafts, secretariat_client):
    review = builder.build(publication, ["en"], ["html"], None, review=True).built["en"]
    with pytest.raises(services.PublishError, match="review draft: it holds draft key messages"):
        services.publish(review, None)

    page = secretariat_client.get(reverse("publications:report", args=[28])).content.decode()
    publish_url = reverse("publications:publish", args=[review.pk])
    assert publish_url not in page and "Review draft" in page
    response = secretariat_client.post(publish_url, follow=True)
    assert "can never be published" in response.content.decode()
    review.refresh_from_db()
    assert review.status == Version.Status.DRAFT
    assert not Version.objects.filter(status=Version.Status.PUBLISHED).exists()
    assert Client().get(reverse("publications:edition", args=["idm-28", "en"])).status_code == 404


def test_draft_files_are_for_the_staff_only(publication, secretariat_client, participant):
    builder.build(publication, ["en"], ["pdf", "html"], None)
    services.publish(Version.objects.get(number=1), None)
    draft = builder.build(publication, ["en"], ["pdf", "html"], None).built["en"]
    public, visitor = Client(), Client()
    visitor.force_login(participant)
    for fmt in ("pdf", "html"):
        url = reverse("publications:version-file", args=["idm-28", "en", draft.number, fmt])
        assert public.get(url).status_code == 404
        assert visitor.get(url).status_code == 404
        response = secretariat_client.get(url)
        assert response.status_code == 200
        assert served(response) == getattr(draft, fmt).open("rb").read()
        # The public address goes on serving the published version's file.
        published = served(public.get(reverse("publications:file", args=["idm-28", "en", fmt])))
        assert published == getattr(Version.objects.get(number=1), fmt).open("rb").read()
    published_url = reverse("publications:version-file", args=["idm-28", "en", 1, "pdf"])
    assert public.get(published_url).status_code == 200
    for url in (reverse("publications:version-file", args=["idm-28", "en", 1, "exe"]),
                reverse("publications:version-file", args=["idm-28", "en", 9, "pdf"]),
                reverse("publications:version-file", args=["idm-28", "en", 10**20, "pdf"]),
                reverse("publications:version-file", args=["idm-28", "xx", 1, "pdf"]),
                reverse("publications:file", args=["idm-28", "en", "exe"])):
        assert secretariat_client.get(url).status_code == 404
    # Publishing is the secretariat's, by POST.
    publish_url = reverse("publications:publish", args=[draft.pk])
    assert visitor.post(publish_url).status_code == 403
    assert secretariat_client.get(publish_url).status_code == 405
    assert secretariat_client.post(reverse("publications:publish",
                                           args=[10**20])).status_code == 404
    draft.refresh_from_db()
    assert draft.status == Version.Status.DRAFT


def test_a_new_build_replaces_the_earlier_draft_of_its_kind(publication, drafts,
                                                           django_capture_on_commit_callbacks):
    first = builder.build(publication, ["en"], ["html"], None).built["en"]
    review = builder.build(publication, ["en"], ["html"], None, review=True).built["en"]
    with django_capture_on_commit_callbacks(execute=True):
        second = builder.build(publication, ["en"], ["html"], None).built["en"]
    assert [(v.number, v.review) for v in Version.objects.order_by("number")] == [
        (2, True), (3, False)]
    assert second.number == 3 and review.number == 2  # numbers are never reused
    assert not first.html.storage.exists(first.html.name)
    assert second.html.storage.exists(second.html.name)
    with pytest.raises(services.PublishError, match="replaced by a newer build"):
        services.publish(first, None)


def test_the_command_builds_a_review_draft_and_publishes_a_regular_one(publication, drafts,
                                                                      tmp_path, capsys):
    call_command("report", "build", "--dialogue", "28", "--format", "html", "--review-draft",
                 "-o", str(tmp_path))
    out = capsys.readouterr().out
    assert "en: version 1, review draft (never published)" in out
    assert "Draft for review" in (tmp_path / "idm-28-en-review-draft.html").read_text()
    with pytest.raises(Exception, match="no draft to publish"):
        call_command("report", "publish", "--dialogue", "28", "--lang", "en")
    call_command("report", "build", "--dialogue", "28", "--format", "html")
    assert "warning: Key messages 2, 5 are drafts" in capsys.readouterr().err
    call_command("report", "publish", "--dialogue", "28", "--lang", "en")
    assert "en: version 2 published" in capsys.readouterr().out
    assert Version.objects.get(status=Version.Status.PUBLISHED).number == 2
