"""The interface is complete in French and Spanish, and the compiled catalogues match the sources."""

import gettext
from pathlib import Path

import polib
import pytest
from django.utils import translation

import idm

pytestmark = pytest.mark.unit
LOCALE = Path(idm.__file__).parent / "locale"


@pytest.mark.parametrize("language", ["fr", "es"])
def test_every_message_is_translated(language):
    catalogue = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    missing = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not missing and not fuzzy, f"untranslated: {missing[:10]}, fuzzy: {fuzzy[:10]}"


@pytest.mark.parametrize("language", ["fr", "es"])
def test_compiled_catalogue_matches_its_source(language):
    folder = LOCALE / language / "LC_MESSAGES"
    source = polib.pofile(str(folder / "django.po"))
    with (folder / "django.mo").open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    for entry in source.translated_entries():
        if entry.msgid_plural:
            assert compiled.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgstr_plural[0]
        elif entry.msgctxt:
            assert compiled.pgettext(entry.msgctxt, entry.msgid) == entry.msgstr
        else:
            assert compiled.gettext(entry.msgid) == entry.msgstr, (
                f"{entry.msgid!r}: run `make messages` to compile")


@pytest.mark.parametrize("language,expected", [("fr", "Séance de clôture"),
                                               ("es", "Sesión de clausura")])
def test_django_uses_the_catalogues(language, expected):
    from idm.dialogues.models import Session

    with translation.override(language):
        assert str(Session.Kind.CLOSING.label) == expected
