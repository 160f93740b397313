"""Words of English, French and Spanish statements as comparable terms: stop words, accents, lemmas.

A statement's terms are its content words, lower-cased, reduced to their lemma by simplemma
(Barbaresi's dictionary lemmatizer, offline) and folded to plain letters ("réfugiés" ->
"refugie"), plus two-word phrases: two content words next to each other, or joined by "of",
"de", "des", "du" or "del" ("envois de fonds" -> "envoi fonds"), never across punctuation.
French and Spanish words and phrases of migration policy that GLOSSARY_WORDS lists take their
English term, so that "envois de fonds", "remesas" and "remittances" meet. A statement's
language is the one of "en", "fr", "es" whose stop words it holds most; a text in another
language (German, say) gets language "" and keeps its folded words, with no lemma.

    >>> terms("Les envois de fonds des travailleurs migrants", "fr")
    ['envoi', 'fonds', 'worker', 'migrant', 'remittance', 'fonds travailleur', 'migrant worker']
"""

import re
import unicodedata
from functools import lru_cache

import simplemma

LANGUAGES = ("en", "fr", "es")

def _listed(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Function words, modal and filler verbs of speeches ("must", "also"), written folded (no accents).
STOP_WORDS = {
    "en": _listed("""
a about above across after again against all almost along already also although always am among
an and another any anyone anything are around as at be because been before being below between
both but by can cannot could did do does doing done don down during each either else etc even ever
every few for from further had has have having he her here hers herself him himself his how however
i if in into is it its itself just least less let like made make makes many may me might more most
much must my myself need needs neither no nor not now of off often on once one only onto or other
others our ours ourselves out over own per perhaps please put rather really same say says shall she
should since so some such than that the their theirs them themselves then there therefore these
they thing things this those though through thus to too toward towards under until up upon us very
via was we well were what whatever when where whether which while who whom whose why will with
within without would yet you your yours yourself yourselves ll ve re isn aren wasn weren doesn didn
won wouldn shouldn couldn can't also get got go going take taking want wants think way ways mr mrs ms
"""),
    "fr": _listed("""
a afin ai aie aient aies ait alors as au aucun aucune aupres auquel aura aurai auraient aurais
aurait auras aurez auriez aurons auront aussi autre autres aux auxquelles auxquels avaient avais
avait avant avec avez aviez avions avoir avons ayant ayez ayons bien c ca car ce ceci cela celle
celles celui cependant certain certaines certains ces cet cette ceux chacun chaque chez ci comme
comment d dans de depuis des desquelles desquels deux devant devrait doit doivent donc dont du
duquel durant elle elles en encore entre es est et etaient etais etait etant ete etes etiez etions
etre eu eue eues eurent eus eusse eut eux faire fait faut fois furent fut ici il ils j je jusqu
jusque l la laquelle le lequel les lesquelles lesquels leur leurs lors lorsque lui m ma mais me
meme memes mes moi moins mon n ne ni non nos notre nous on ont ou par parce parmi pas peu peut
peuvent plus plusieurs pour pourquoi pourrait pouvons qu quand que quel quelle quelles quels qui
quoi s sa sans se selon sera serai seraient serait seront ses si sien soi soient soit sommes son
sont sous suis sur t ta tandis te tel telle telles tels tes toi ton toujours tous tout toute toutes
tres tu un une unes uns vers via voici voila vos votre vous y
"""),
    "es": _listed("""
a al algo algun alguna algunas alguno algunos ante antes asi aun aunque cada como con contra cual
cuales cualquier cuando de debe deben debemos del desde donde dos el ella ellas ello ellos en entre
era eran eres es esa esas ese eso esos esta estaba estado estamos estan estar estas este esto estos
estoy fue fueron fuera ha haber habia han hasta hay hace hacer he hemos la las le les lo los mas me
mi mientras mis mucho muchos muy nada ni no nos nosotros nuestra nuestras nuestro nuestros o os otra
otras otro otros para pero poco por porque puede pueden que quien quienes se sea sean segun ser si
sido siempre sin sino sobre somos son su sus tal tambien tan tanto te tiene tienen todo todos tras
tu tus un una unas uno unos usted ustedes y ya yo
"""),
}
# Joiners of two-word phrases: "rights of migrants", "envois de fonds", "derechos de los migrantes"
# (articles after the joiner are stop words and are skipped too).
JOINERS = {"of", "de", "des", "du", "del", "d"}
ARTICLES = {"the", "la", "le", "les", "l", "el", "los", "las"}

# Letters only (hyphenated words kept whole), or a year ("2030 Agenda"); an apostrophe splits
# "l'immigration" so that the elided article is dropped as a stop word.
WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*|\b\d{4}\b")
# A word, or punctuation that a phrase must not run across.
TOKEN = re.compile(WORD.pattern.join("()") + r'|([.,;:!?()\[\]"“”«»/|…\n])')


def fold(text: str) -> str:
    """Lower case without accents: "Réfugiés" -> "refugies", "niños" -> "ninos"."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_fold_word = lru_cache(maxsize=500_000)(fold)
# Stop word -> the indices in LANGUAGES of the languages it is a stop word of.
_STOP_INDEX = {word: tuple(i for i, code in enumerate(LANGUAGES) if word in STOP_WORDS[code])
               for word in set().union(*STOP_WORDS.values())}


def language_code(language: str) -> str:
    """"en", "fr" or "es" from a caller's code ("EN", "fr-CH", "es_419"); "" for anything else."""
    code = re.split(r"[-_]", language.strip().lower(), maxsplit=1)[0]
    return code if code in LANGUAGES else ""


def detect(text: str) -> str:
    """The language of "en", "fr", "es" whose stop words the text holds most, "" when none
    stands out (an empty text, a single word, German)."""
    return _detect(TOKEN.findall(text, 0, 600))


def _detect(tokens: list[tuple[str, str]]) -> str:
    counts = [0.0, 0.0, 0.0]
    # The first hundred words or so tell; a word of two lists ("les", "de") counts half.
    for word, _ in tokens[:120]:
        languages = _STOP_INDEX.get(_fold_word(word), ())
        for index in languages:
            counts[index] += 1 / len(languages)
    first = max(counts)
    second = sorted(counts)[1]
    if first < 1.5 or first < 1.3 * second:
        return ""
    return LANGUAGES[counts.index(first)]


def read(text: str, language: str = "") -> tuple[str, list[str]]:
    """(language, terms) of a statement: the language given ("" for one other than "en", "fr",
    "es"), or when none is given the one detected; its terms as terms() gives them."""
    tokens = TOKEN.findall(text)
    code = language_code(language) if language.strip() else _detect(tokens)
    return code, _english(_terms(tokens, code), code)


@lru_cache(maxsize=500_000)
def _word(word: str, language: str) -> tuple[str, str]:
    """(term, joiner) of a lower-cased word: its folded lemma, or "" for a stop word or a
    one-letter word; the joiner is the folded word when it may sit inside a phrase."""
    folded = fold(word)
    joiner = folded if folded in JOINERS or folded in ARTICLES else ""
    if language:
        if folded in STOP_WORDS[language]:
            return "", joiner
        folded = fold(simplemma.lemmatize(word, lang=language))
        if folded in STOP_WORDS[language]:
            return "", joiner
    elif any(folded in STOP_WORDS[code] for code in LANGUAGES):
        return "", joiner
    return ("" if len(folded) < 2 else folded), joiner


def words(text: str, language: str) -> list[tuple[str, str, int, int]]:
    """(term, joiner, start, end) for each word of the text (see _word()); a phrase break is a
    ("|", "", start, end) entry."""
    found = []
    for match in TOKEN.finditer(text):
        if match.lastindex == 2:
            found.append(("|", "", match.start(), match.end()))
        else:
            found.append((*_word(match.group().lower(), language), match.start(), match.end()))
    return found


def terms(text: str, language: str) -> list[str]:
    """The terms of a text: content words, then two-word phrases (see the module's docstring),
    French and Spanish ones of the glossary in their English form."""
    language = language_code(language)
    return _english(_terms(TOKEN.findall(text), language), language)


def _english(found: list[str], language: str) -> list[str]:
    if language in GLOSSARY:
        english = _glossary(language)
        return [english.get(term, term) for term in found]
    return found


def _terms(tokens: list[tuple[str, str]], language: str) -> list[str]:
    """Terms from TOKEN.findall()'s (word, punctuation) pairs."""
    singles: list[str] = []
    phrases: list[str] = []
    previous = ""  # the last content term a phrase may start from
    bridged = False  # a joiner has been crossed since `previous`
    for word, stop in tokens:
        if stop:
            previous = ""
            continue
        term, joiner = _word(word.lower(), language)
        if term:
            singles.append(term)
            if previous and previous != term:
                phrases.append(f"{previous} {term}")
            previous, bridged = term, False
        elif joiner and previous and (joiner in JOINERS and not bridged or joiner in ARTICLES and bridged):
            bridged = bridged or joiner in JOINERS
        else:
            previous = ""
    return singles + phrases


def phrase_surface(text: str, language: str, wanted: set[str]) -> dict[str, str]:
    """The words as written in the text (lower-cased) for each wanted term it holds:
    "envoi fonds" -> "envois de fonds", "remittance" -> "remesas"."""
    language = language_code(language)
    english = _glossary(language) if language in GLOSSARY else {}
    found: dict[str, str] = {}
    entries = words(text, language)
    for i, (term, _, start, end) in enumerate(entries):
        if not term or term == "|":
            continue
        term = english.get(term, term)
        if term in wanted and term not in found:
            found[term] = text[start:end].lower()
        # The next content term, over joiners and articles only, as in terms().
        for later, joiner, _, later_end in entries[i + 1:i + 4]:
            if later and later != "|":
                phrase = f"{entries[i][0]} {later}"
                phrase = english.get(phrase, phrase)
                if phrase in wanted and phrase not in found:
                    found[phrase] = " ".join(text[start:later_end].lower().split())
                break
            if later == "|" or not joiner:
                break
    return found


# The words of migration policy that statements in the three languages share, so that
# "envois de fonds", "remesas" and "remittances" are one term. English, French, Spanish, as
# people write them (IOM Glossary on Migration and the GCM's three texts); one or two content
# words each.
GLOSSARY_WORDS = """
remittances | envois de fonds | remesas
remittances | transferts de fonds | remesa
migration | migration | migración
migrants | migrants | migrantes
migrant workers | travailleurs migrants | trabajadores migrantes
workers | travailleurs | trabajadores
refugees | réfugiés | refugiados
asylum | asile | asilo
asylum seekers | demandeurs d'asile | solicitantes de asilo
displaced persons | personnes déplacées | personas desplazadas
displacement | déplacement | desplazamiento
diaspora | diaspora | diáspora
return | retour | retorno
reintegration | réintégration | reintegración
integration | intégration | integración
inclusion | inclusion | inclusión
xenophobia | xénophobie | xenofobia
discrimination | discrimination | discriminación
racism | racisme | racismo
human rights | droits de l'homme | derechos humanos
human rights | droits humains | derechos humanos
rights | droits | derechos
human trafficking | traite des personnes | trata de personas
trafficking | traite | trata
migrant smuggling | trafic de migrants | tráfico de migrantes
smuggling | trafic illicite | tráfico ilícito
borders | frontières | fronteras
border management | gestion des frontières | gestión de fronteras
climate change | changement climatique | cambio climático
climate | climat | clima
disasters | catastrophes | desastres
drought | sécheresse | sequía
floods | inondations | inundaciones
families | familles | familias
children | enfants | niños
women | femmes | mujeres
youth | jeunes | jóvenes
health | santé | salud
education | éducation | educación
training | formation | formación
skills | compétences | competencias
skills | compétences | habilidades
qualifications | qualifications | cualificaciones
recognition | reconnaissance | reconocimiento
recruitment | recrutement | contratación
recruitment | recrutement | reclutamiento
fees | frais | comisiones
costs | coûts | costos
employment | emploi | empleo
jobs | emplois | empleos
labour migration | migration de main-d'œuvre | migración laboral
decent work | travail décent | trabajo decente
countries of origin | pays d'origine | países de origen
countries of destination | pays de destination | países de destino
host countries | pays d'accueil | países de acogida
countries | pays | países
development | développement | desarrollo
sustainable development | développement durable | desarrollo sostenible
global compact | pacte mondial | pacto mundial
governance | gouvernance | gobernanza
partnerships | partenariats | alianzas
partnerships | partenariats | asociaciones
cooperation | coopération | cooperación
data | données | datos
policies | politiques | políticas
protection | protection | protección
security | sécurité | seguridad
regular pathways | voies régulières | vías regulares
legal pathways | voies légales | vías legales
regular migration | migration régulière | migración regular
irregular migration | migration irrégulière | migración irregular
detention | détention | detención
cities | villes | ciudades
local authorities | autorités locales | autoridades locales
private sector | secteur privé | sector privado
civil society | société civile | sociedad civil
governments | gouvernements | gobiernos
business | entreprises | empresas
investment | investissement | inversión
banks | banques | bancos
access | accès | acceso
services | services | servicios
housing | logement | vivienda
communities | communautés | comunidades
humanitarian | humanitaire | humanitario
crisis | crise | crisis
conflict | conflit | conflicto
poverty | pauvreté | pobreza
inequality | inégalités | desigualdad
statelessness | apatridie | apatridia
islands | îles | islas
coasts | côtes | costas
farmers | paysans | campesinos
land | terres | tierras
support | soutenir | apoyar
support | soutien | apoyo
aid | aide | ayuda
leave | quitter | dejar
people | personnes | personas
populations | populations | poblaciones
women migrants | femmes migrantes | mujeres migrantes
"""
GLOSSARY = ("fr", "es")


@lru_cache(maxsize=2)
def _glossary(language: str) -> dict[str, str]:
    """French or Spanish term -> English term, from GLOSSARY_WORDS (each side as terms() reads it)."""
    column = 1 + GLOSSARY.index(language)
    english: dict[str, str] = {}
    for line in GLOSSARY_WORDS.strip().splitlines():
        sides = [side.strip() for side in line.split("|")]
        target = _terms(TOKEN.findall(sides[0]), "en")
        source = _terms(TOKEN.findall(sides[column]), language)
        if target and source:
            # The phrase when there are two content words, else the word.
            english.setdefault(source[-1], target[-1])
    return english
