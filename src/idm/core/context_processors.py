"""What every page needs: the site name, the language switcher's links and the user's roles."""

from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info

from idm.core import roles


def site(request):
    current = get_language()
    path = request.get_full_path()
    languages = [
        {
            "code": code,
            "name": get_language_info(code)["name_local"],
            "url": translate_url(path, code),
            "current": code == current,
        }
        for code, _ in settings.LANGUAGES
    ]
    return {
        "site_name": settings.IDM_SITE_NAME,
        "site_languages": languages,
        "is_secretariat": roles.is_secretariat(request.user),
        "is_staff": roles.is_staff(request.user),
    }
