"""Editions built before versions existed keep their files and their status as version 1."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.integration

BEFORE = [("publications", "0001_initial")]


def migrate(targets=None):
    """To `targets`, or back to the newest migrations, as the other tests expect."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_built_editions_become_their_first_version(reference):
    from tests.dialogues import factories

    dialogue = factories.dialogue(number=41)
    old = migrate(BEFORE)
    try:
        Publication = old.get_model("publications", "Publication")
        Edition = old.get_model("publications", "Edition")
        publication = Publication.objects.create(dialogue_id=dialogue.pk, slug="x-41", title="T",
                                                 year=2030)
        Edition.objects.create(publication=publication, language="en", status="published",
                               isbn="978-92-9068-774-0", page_count=12,
                               pdf="editions/x-41/x-41-en.pdf",
                               html="editions/x-41/x-41-en.html",
                               document={"sections": []})
        Edition.objects.create(publication=publication, language="fr",
                               pdf="editions/x-41/x-41-fr.pdf")
        Edition.objects.create(publication=publication, language="es")  # never built
    finally:
        new = migrate()
    Version = new.get_model("publications", "Version")
    versions = {v.edition.language: v for v in Version.objects.select_related("edition")}
    assert set(versions) == {"en", "fr"}
    english, french = versions["en"], versions["fr"]
    assert (english.number, english.status, english.page_count) == (1, "published", 12)
    assert english.pdf.name == "editions/x-41/x-41-en.pdf" and english.published_at
    assert english.edition.isbn == "978-92-9068-774-0" and english.document == {"sections": []}
    assert (french.status, french.pdf.name, french.review) == ("draft", "editions/x-41/x-41-fr.pdf",
                                                               False)
