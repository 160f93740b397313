"""Rebuilds countries.csv: ISO 3166-1 from pycountry, UN M49 regions and UN names from HDX.

Run with the `data` extra installed: `python src/idm/core/data/build_countries.py`.
Sources are named in SOURCES.md beside this file.
"""

import csv
import gettext
from pathlib import Path

import pycountry
from babel import Locale
from hdx.location import country as hdx_country

HERE = Path(__file__).resolve().parent
HDX_CSV = Path(hdx_country.__file__).parent / "Countries & Territories Taxonomy MVP - C&T Taxonomy.csv"
LANGUAGES = ("en", "fr", "es")
COLUMNS = [
    "iso2", "iso3", "numeric", "independent", "name_en", "name_fr", "name_es",
    "region_code", "region_en", "region_fr", "region_es",
    "subregion_code", "subregion_en", "subregion_fr", "subregion_es",
    "intermediate_code", "intermediate_en", "intermediate_fr", "intermediate_es",
]


# M49 areas that CLDR names otherwise or not at all; names from the UN M49 page
# (unstats.un.org/unsd/methodology/m49, in its English, French and Spanish versions).
M49_NOT_IN_CLDR = {
    "419": {
        "en": "Latin America and the Caribbean",
        "fr": "Amérique latine et Caraïbes",
        "es": "América Latina y el Caribe",
    },
    "053": {
        "en": "Australia and New Zealand",
        "fr": "Australie et Nouvelle-Zélande",
        "es": "Australia y Nueva Zelandia",
    },
    "057": {"en": "Micronesia", "fr": "Micronésie", "es": "Micronesia"},
    "830": {"en": "Channel Islands", "fr": "Îles Anglo-Normandes", "es": "Islas del Canal"},
}


def m49_name(code: str, language: str) -> str:
    """The UN M49 area name in a language, from the CLDR data that Babel ships."""
    if not code:
        return ""
    code = code.zfill(3)
    if code in M49_NOT_IN_CLDR:
        return M49_NOT_IN_CLDR[code][language]
    return Locale(language).territories[code]


def main() -> None:
    with HDX_CSV.open(encoding="utf-8") as f:
        hdx = {row["ISO 3166-1 Alpha 2-Codes"]: row for row in csv.DictReader(f)}
    pycountry_names = {
        lang: gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
        for lang in ("fr", "es")
    }
    rows = []
    for country in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        un = hdx.get(country.alpha_2, {})
        names = {
            "en": un.get("M49 English") or un.get("English Short") or country.name,
            "fr": un.get("M49 French") or un.get("French Short")
            or pycountry_names["fr"].gettext(country.name),
            "es": un.get("M49 Spanish") or un.get("Spanish Short")
            or pycountry_names["es"].gettext(country.name),
        }
        row = {"iso2": country.alpha_2, "iso3": country.alpha_3, "numeric": country.numeric,
               "independent": "yes" if un.get("Independent") == "Y" else "no"}
        for lang in LANGUAGES:
            row[f"name_{lang}"] = names[lang]
        for level, column in (
            ("region", "Region"),
            ("subregion", "Sub-region"),
            ("intermediate", "Intermediate Region"),
        ):
            code = (un.get(f"{column} Code") or "").strip()
            code = code.zfill(3) if code else ""
            row[f"{level}_code"] = code
            # English from M49 itself; CLDR's English differs ("Australasia").
            row[f"{level}_en"] = M49_NOT_IN_CLDR.get(code, {}).get("en") or un.get(f"{column} Name", "")
            for lang in ("fr", "es"):
                row[f"{level}_{lang}"] = m49_name(code, lang)
        rows.append(row)
    with (HERE / "countries.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} countries")


if __name__ == "__main__":
    main()
