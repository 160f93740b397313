"""The languages of idm: its interface, its content fields and its editions; settings.LANGUAGES
is their one list."""

from django.conf import settings
from django.utils.translation import get_language_info

LANGUAGES: tuple[str, ...] = tuple(code for code, _name in settings.LANGUAGES)
# Each language in its own words, as a reader looks for it in a list: English, Français.
LANGUAGE_NAMES: dict[str, str] = {code: get_language_info(code)["name_local"].capitalize()
                                  for code in LANGUAGES}
LANGUAGE_CHOICES: list[tuple[str, str]] = list(LANGUAGE_NAMES.items())
