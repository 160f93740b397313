"""A real CAT tool reads idm's XLIFF: OmegaT fills an exported file from a translator's TMX, and
idm imports what OmegaT wrote."""

import shutil

from django.core.management import call_command
from translate.storage import tmx, xliff

from idm.deliberation.models import KeyMessage
from idm.publications import exchange, services
from idm.publications.document import check
from tests.conftest import require
from tests.publications.omegat import OMEGAT_JAR, translate_with_omegat


def test_omegat_translates_an_exported_file_that_idm_imports(publication, tmp_path):
    require(OMEGAT_JAR.exists() and shutil.which("java") is not None,
            "no OmegaT (apt-get install omegat)")
    exported = tmp_path / "idm-28-fr.xlf"
    call_command("translations", "export", "--dialogue", "28", "--lang", "fr", "--missing-only",
                 "--copy-source", "-o", str(exported))
    units = xliff.xlifffile.parsefile(str(exported)).units
    left_out = KeyMessage.objects.get(number=4)
    left_out_id = f"deliberation.keymessage/{left_out.pk}/title"

    # The translator's memory: every unit but one, with a placeholder-free French stand-in.
    memory = tmx.tmxfile(sourcelanguage="en", targetlanguage="fr")
    for unit in units:
        if unit.xmlelement.get("id") != left_out_id:
            memory.addsourceunit(unit.source).settarget(f"« {unit.source} » en français", "fr")
    memory_path = tmp_path / "translator.tmx"
    memory_path.write_bytes(bytes(memory))

    translated = translate_with_omegat(exported, memory_path, "fr", tmp_path / "omegat")
    incoming = exchange.read_translations(translated.read_bytes(), translated.name)
    assert incoming.untranslated == [left_out_id]  # OmegaT left the English copy there
    assert len(incoming.changes) == len(units) - 1 and not incoming.stale
    services.import_translations(incoming, "translator")

    publication.refresh_from_db()
    assert [m.what for m in check(publication, "fr")] == ["Key message 4"]
    first = KeyMessage.objects.get(number=1)
    assert first.title_fr == f"« {first.title_en} » en français"
    # A text of three paragraphs went as three units and came back as three paragraphs.
    assert publication.introduction_fr.split("\n\n") == [
        f"« {paragraph} » en français" for paragraph in publication.introduction_en.split("\n\n")]
