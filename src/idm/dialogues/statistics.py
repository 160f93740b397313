"""Who took part: participants and speakers of a workshop or a dialogue, each person counted once.

A participant is a person with an approved registration or a role in a session; a speaker
(IDM's "panelist") is a person with a speaking role (any role but rapporteur).
"""

from collections import Counter
from dataclasses import asdict, dataclass, field

from django.db.models import QuerySet
from django.utils.formats import number_format
from django.utils.translation import get_language, gettext_lazy, ngettext, pgettext
from django.utils.translation import gettext as _

from idm.core.charts import bar_chart_svg
from idm.core.models import Country, StakeholderCategory
from idm.dialogues.models import Person, Registration, Session, SessionRole, Workshop

NOT_GIVEN = "not-given"


@dataclass
class Taker:
    """One person's part in the workshops counted: the last registration's facts win."""

    category: str = "other"
    country: str = ""
    gender: str = ""
    registration_role: str = ""
    session_roles: set[str] = field(default_factory=set)

    @property
    def speaker(self) -> bool:
        return bool(self.session_roles - {SessionRole.Role.RAPPORTEUR})


@dataclass
class Row:
    key: str
    label: str
    participants: int
    speakers: int = 0


@dataclass
class Panel:
    session: str
    start: str
    women: int
    men: int
    other: int

    @property
    def total(self) -> int:
        return self.women + self.men + self.other


@dataclass
class ParticipationStatistics:
    scope: str
    participants: int
    speakers: int
    by_category: list[Row]
    by_region: list[Row]
    by_subregion: list[Row]
    by_country: list[Row]
    by_gender: list[Row]
    by_role: list[Row]
    by_speaker_role: list[Row]
    panels: list[Panel]
    sentence: str = ""

    def as_dict(self) -> dict:
        data = asdict(self)
        for panel, source in zip(data["panels"], self.panels, strict=True):
            panel["total"] = source.total
        return data

    def table(self, dimension: str) -> list[Row]:
        return getattr(self, f"by_{dimension}")


DIMENSIONS = ("category", "region", "subregion", "country", "gender", "role", "speaker_role")


def takers(workshops: QuerySet[Workshop]) -> dict[int, Taker]:
    """Every participant of `workshops` by person id."""
    people: dict[int, Taker] = {}
    registrations = (Registration.objects
                     .filter(workshop__in=workshops, status=Registration.Status.APPROVED)
                     .order_by("created_at", "id")
                     .values_list("person_id", "category__code", "country__iso2",
                                  "person__gender", "role"))
    for person_id, category, country, gender, role in registrations:
        taker = people.setdefault(person_id, Taker())
        taker.category, taker.country = category, country or ""
        taker.gender, taker.registration_role = gender, role
    links = (SessionRole.objects.filter(session__workshop__in=workshops)
             .values_list("person_id", "role", "organization__category__code",
                          "organization__country__iso2", "person__gender"))
    for person_id, role, category, country, gender in links:
        if person_id not in people:
            people[person_id] = Taker(category=category or "other", country=country or "",
                                      gender=gender)
        people[person_id].session_roles.add(role)
    return people


def _rows(counter: Counter, speakers: Counter, labels: dict[str, str],
          order: list[str] | None = None) -> list[Row]:
    keys = order if order is not None else sorted(counter, key=lambda k: (-counter[k], labels[k]))
    return [Row(key=k, label=str(labels[k]), participants=counter[k], speakers=speakers[k])
            for k in keys if counter[k]]


def compute(workshops: QuerySet[Workshop], scope: str) -> ParticipationStatistics:
    people = takers(workshops)
    countries = {c.iso2: c for c in Country.objects.all()}
    categories = list(StakeholderCategory.objects.all())
    counts = {name: Counter() for name in DIMENSIONS}
    speaker_counts = {name: Counter() for name in DIMENSIONS}
    labels = {name: {} for name in DIMENSIONS}
    labels["category"] = {c.code: c.name for c in categories}
    labels["gender"] = {**dict(Person.Gender.choices), NOT_GIVEN: _("Not given")}
    labels["role"] = {**dict(Registration.Role.choices), NOT_GIVEN: _("Not registered")}
    labels["speaker_role"] = dict(SessionRole.Role.choices)
    for taker in people.values():
        country = countries.get(taker.country)
        keys = {
            "category": taker.category,
            "region": country.region_code if country and country.region_code else NOT_GIVEN,
            "subregion": (country.subregion_code if country and country.subregion_code
                          else NOT_GIVEN),
            "country": taker.country or NOT_GIVEN,
            "gender": taker.gender or NOT_GIVEN,
            "role": taker.registration_role or NOT_GIVEN,
        }
        if country:
            labels["region"][keys["region"]] = country.region or _("Not given")
            labels["subregion"][keys["subregion"]] = country.subregion or _("Not given")
            labels["country"][keys["country"]] = country.name
        for dimension in ("region", "subregion", "country"):
            labels[dimension].setdefault(NOT_GIVEN, _("Not given"))
        for dimension, key in keys.items():
            counts[dimension][key] += 1
            if taker.speaker:
                speaker_counts[dimension][key] += 1
        for role in taker.session_roles:
            counts["speaker_role"][role] += 1
    participants = len(people)
    speakers = sum(1 for t in people.values() if t.speaker)
    statistics = ParticipationStatistics(
        scope=scope, participants=participants, speakers=speakers,
        by_category=_rows(counts["category"], speaker_counts["category"], labels["category"],
                          [c.code for c in categories]),
        by_region=_rows(counts["region"], speaker_counts["region"], labels["region"]),
        by_subregion=_rows(counts["subregion"], speaker_counts["subregion"], labels["subregion"]),
        by_country=_rows(counts["country"], speaker_counts["country"], labels["country"]),
        by_gender=_rows(counts["gender"], speaker_counts["gender"], labels["gender"],
                        [*Person.Gender.values, NOT_GIVEN]),
        by_role=_rows(counts["role"], speaker_counts["role"], labels["role"],
                      [*Registration.Role.values, NOT_GIVEN]),
        by_speaker_role=_rows(counts["speaker_role"], Counter(), labels["speaker_role"],
                              SessionRole.Role.values),
        panels=panel_balance(workshops),
    )
    statistics.sentence = participation_sentence(participants, speakers,
                                                 set(counts["category"]))
    return statistics


def panel_balance(workshops: QuerySet[Workshop]) -> list[Panel]:
    """Women, men and others among the speakers of each session that has speakers."""
    sessions = (Session.objects.filter(workshop__in=workshops)
                .select_related("workshop").prefetch_related("roles__person")
                .order_by("start", "order"))
    panels = []
    for session in sessions:
        genders = Counter(r.person.gender for r in session.roles.all()
                          if r.role != SessionRole.Role.RAPPORTEUR)
        if not genders:
            continue
        women, men = genders.pop(Person.Gender.FEMALE, 0), genders.pop(Person.Gender.MALE, 0)
        panels.append(Panel(session=session.title, start=f"{session.local_start:%Y-%m-%d %H:%M}",
                            women=women, men=men, other=sum(genders.values())))
    return panels


def for_workshop(workshop: Workshop) -> ParticipationStatistics:
    return compute(Workshop.objects.filter(pk=workshop.pk), workshop.slug)


def for_dialogue(dialogue) -> ParticipationStatistics:
    return compute(dialogue.workshops.all(), str(dialogue.number))


# The sentence the report prints ----------------------------------------------------------------

# Stakeholder categories grouped as IDM reports name them, in the order they name them.
GROUPS = [
    ("governments", ("member_state", "observer_state", "local_authority", "parliamentarian")),
    ("un", ("un_entity",)),
    ("international", ("intergovernmental_org", "regional_org", "rcp_irf")),
    ("civil_society", ("civil_society", "ngo", "faith_based", "trade_union", "nhri",
                       "red_cross_red_crescent")),
    ("business", ("private_sector",)),
    ("migrants", ("migrant_org", "diaspora_org")),
    ("academia", ("academia",)),
    ("youth", ("youth_org",)),
    ("philanthropy", ("philanthropy",)),
    ("media", ("media",)),
]


def _group_label(key: str) -> str:
    return {
        "governments": pgettext("represented", "governments"),
        "un": pgettext("represented", "UN agencies"),
        "international": pgettext("represented", "international organizations"),
        "civil_society": pgettext("represented", "civil society"),
        "business": pgettext("represented", "the business sector"),
        "migrants": pgettext("represented", "migrant and diaspora associations"),
        "academia": pgettext("represented", "academia"),
        "youth": pgettext("represented", "youth organizations"),
        "philanthropy": pgettext("represented", "philanthropic foundations"),
        "media": pgettext("represented", "the media"),
    }[key]


def honest_round(count: int) -> tuple[int, bool]:
    """A round figure not above `count`, and whether `count` passed it ("over 600").

    Hundreds from 200, thousands from 2,000, tens from 20; below 20 the exact count.
    """
    if count >= 2000:
        step = 1000
    elif count >= 200:
        step = 100
    elif count >= 20:
        step = 10
    else:
        return count, False
    rounded = count // step * step
    return rounded, count > rounded


def join_list(items: list[str], language: str) -> str:
    """'a, b, and c' in English, 'a, b et c' in French, 'a, b y c' (or 'e' before i-) in Spanish."""
    if len(items) < 2:
        return "".join(items)
    if language == "fr":
        return f"{', '.join(items[:-1])} et {items[-1]}"
    if language == "es":
        last = items[-1].lower()
        # "y" becomes "e" before an /i/ sound (instituciones, historia) but not "hie" (hielo).
        conjunction = "e" if last.startswith(("i", "hi")) and not last.startswith("hie") else "y"
        return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"
    if len(items) == 2:
        return f"{items[0]} and {items[1]}"
    return f"{', '.join(items[:-1])}, and {items[-1]}"


def participation_sentence(participants: int, speakers: int, categories: set[str]) -> str:
    """'Over 600 participants – including 83 panelists – representing governments, ...'."""
    if not participants:
        return ""
    rounded, over = honest_round(participants)
    figure = number_format(rounded, force_grouping=True)
    if over:
        head = ngettext("Over %(count)s participant", "Over %(count)s participants",
                        rounded) % {"count": figure}
    else:
        head = ngettext("%(count)s participant", "%(count)s participants",
                        rounded) % {"count": figure}
    groups = [_group_label(key) for key, members in GROUPS if categories & set(members)]
    parts = [head]
    if speakers:
        parts.append(ngettext("including %(count)s panelist", "including %(count)s panelists",
                              speakers) % {"count": number_format(speakers, force_grouping=True)})
    sentence = " – ".join(parts)
    if speakers:
        sentence += " –"
    if groups:
        sentence += " " + _("representing %(groups)s") % {
            "groups": join_list(groups, (get_language() or "en")[:2])}
    return sentence.rstrip(" –") + "."


# Charts: the same SVG file on the statistics page and in the report --------------------------

CHARTS = {
    "category": gettext_lazy("Participants and speakers by stakeholder category"),
    "region": gettext_lazy("Participants and speakers by UN region"),
    "gender": gettext_lazy("Participants and speakers by gender"),
    "role": gettext_lazy("Participants by registered role"),
}


def chart_data(stats: ParticipationStatistics, dimension: str) -> dict:
    """What a chart shows: its title, labels and series, in the active language."""
    rows = stats.table(dimension)
    series = [(_("Participants"), [r.participants for r in rows])]
    if dimension != "role":
        series.append((_("Speakers"), [r.speakers for r in rows]))
    return {"title": str(CHARTS[dimension]), "labels": [r.label for r in rows],
            "series": series,
            "description": "; ".join(f"{r.label}: {r.participants}" for r in rows)}


def chart_svg(stats: ParticipationStatistics, dimension: str) -> str:
    data = chart_data(stats, dimension)
    return bar_chart_svg(data["title"], data["labels"], data["series"],
                         description=data["description"])
