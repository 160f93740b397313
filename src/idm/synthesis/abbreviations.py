"""Abbreviations and acronyms defined in a text, by the algorithm of Schwartz and Hearst.

A. S. Schwartz and M. A. Hearst, "A simple algorithm for identifying abbreviation definitions in
biomedical text", Pacific Symposium on Biocomputing 8:451-462 (2003). A definition is a long
form followed by its short form in parentheses, "heat shock transcription factor (HSTF)", or
the reverse, "HSTF (heat shock transcription factor)" when the parentheses hold more than two
words. The long form is the shortest run of words before the parenthesis, of at most
min(|short| + 5, 2 |short|) words, whose characters contain those of the short form in order,
the short form's first character starting a word.

Beyond the paper, for UN documents: lists of "EIT = economies in transition", plural short forms
("Memoranda of Agreement (MOAs)"), initials that spell the short form preferred to the shortest
match ("Integrated Management Information System (IMIS)") and allowed further apart when the
words between are "of" and "the" (CEDAW), initials in another order ("United Nations
Population Fund (UNFPA)"), long forms that do not start with "of" or "the", do not reach back
over another parenthesis or a list of short forms, end with the word that gives the short form
its last letter, and hold no number the short form lacks; quotation marks around the short
form, possessives and French elided articles left out; "SHORT (long form)" only after a word
that looks abbreviated. Measured on 3,564 passages of UN documents with people's marks
(bench/abbreviation_definitions.py).

    >>> find_definitions("The International Organization for Migration (IOM) leads.")
    [Definition(short='IOM', long='International Organization for Migration')]
"""

import re
from dataclasses import dataclass

# "NGOs", "MOAs": an upper-case short form with a plural s.
PLURAL = re.compile(r"[A-Z]s\Z")
# "EIT = economies in transition, GHG = greenhouse gas": a short form, "=", its long form up to
# the next separator or the next such definition.
EQUALS = re.compile(
    r"(?<![\w\-/])([A-Z][\w\-/&.]{0,9})\s?=\s?([A-Za-z][^=;,\n()]*?)"
    r"(?=\s*(?:[;,\n()]|\.(?:\s|$)|$|\s[A-Z][\w\-/&.]{0,9}\s?=))")
# A parenthesis that holds no other parenthesis; its content stops at ';' or ', ' as in the paper.
PARENTHESIS = re.compile(r"\(([^()]*)\)")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


@dataclass(frozen=True)
class Definition:
    short: str
    long: str


def is_short_form(candidate: str) -> bool:
    """2 to 10 characters, at most two words, a letter among them, starting with a letter or
    a digit (the paper's rules); and, for report prose rather than biomedical text, a capital
    letter, so that "(demo)" or "(see below)" are not taken for abbreviations."""
    return (2 <= len(candidate) <= 10 and len(candidate.split()) <= 2
            and any(c.isalpha() for c in candidate) and candidate[0].isalnum()
            and any(c.isupper() for c in candidate))


def best_long_form(short: str, long: str) -> str | None:
    """The shortest end of `long` that holds every character of `short`, in order, from the end;
    the first one starting a word. None when there is none."""
    s_index, l_index = len(short) - 1, len(long) - 1
    while s_index >= 0:
        current = short[s_index].lower()
        if not current.isalnum():
            s_index -= 1
            continue
        while l_index >= 0 and (long[l_index].lower() != current or (
                s_index == 0 and not _starts_long_form(long, l_index))):
            l_index -= 1
        if l_index < 0:
            return None
        l_index -= 1
        s_index -= 1
    # The long form starts where the short form's first character does: after "ECO/" or "4-".
    return long[l_index + 1:]


def by_initials(short: str, long: str) -> str | None:
    """The end of `long` whose words' initials spell the short form's letters, words between
    them allowed ("Integrated Management Information System" for IMIS, where the shortest end,
    "Information System", holds the letters too); None when the initials do not spell it."""
    letters = [c.lower() for c in short if c.isalpha()]
    if not letters or any(c.isdigit() for c in short):
        return None
    words = long.split()
    index = len(letters) - 1
    for position in range(len(words) - 1, -1, -1):
        word = words[position].strip("\"'“”‘’,;:")
        if word.lower() in FUNCTION_WORDS or not word:
            continue
        if word[0].lower() == letters[index]:
            index -= 1
            if index < 0:
                return " ".join(words[position:])
    return None


def _name_of_initials(short: str, long: str) -> str | None:
    """The capitalized name just before the parenthesis whose words' initials are letters of the
    short form in any order, its first word giving the first letter: "United Nations Population
    Fund (UNFPA)", "International Council for Science (ICSU)". At least two words, naming most
    of the short form's letters."""
    letters = [c.lower() for c in short if c.isalpha()]
    if len(letters) < 2 or any(c.isdigit() for c in short):
        return None
    remaining = list(letters)
    words = long.split()
    start = len(words)
    for position in range(len(words) - 1, -1, -1):
        word = words[position]
        if word.lower() in FUNCTION_WORDS:
            continue
        if not word[:1].isupper() or word[0].lower() not in remaining:
            break
        remaining.remove(word[0].lower())
        start = position
    named = [word for word in words[start:] if word.lower() not in FUNCTION_WORDS]
    if (start == len(words) or words[start][0].lower() != letters[0] or len(named) < 2
            or len(named) < 0.6 * len(letters)):
        return None
    return " ".join(words[start:])


def _starts_long_form(text: str, index: int) -> bool:
    """A long form starts a word, and not with "of", "the", "de"…: "(OHCHR)" is the Office of the
    United Nations…, not "of the United Nations…"."""
    if index > 0 and text[index - 1].isalnum():
        return False
    word = re.match(r"\w+", text[index:])
    return word is None or word.group().lower() not in FUNCTION_WORDS


FUNCTION_WORDS = {"a", "an", "and", "at", "by", "for", "in", "of", "on", "or", "the", "to",
                  "with", "de", "des", "du", "la", "le", "les", "et", "el", "los", "las", "del",
                  "y", "en"}
# Words the window for initials does not count either, though they may give an initial ("Comisión
# Económica para América Latina (CEPAL)").
PREPOSITIONS = {"against", "from", "into", "under", "pour", "sur", "au", "aux", "par", "para", "por",
                "sobre", "al", "contre", "contra", "entre"}
WEB_ADDRESS = re.compile(r"https?://|www\.|\w\.(?:org|int|com|net|html?|aspx?|pdf)\b", re.IGNORECASE)
LISTED_SHORT_FORM = re.compile(r"(?<!\S)[A-Z][\w\-/&.]*[A-Z][\w\-/&.]*,(?=\s)")
# "sûres, ordonnées et régulières", "safe, orderly and regular": a list of words.
COORDINATED = re.compile(r",\s.*\b(?:and|or|et|ou|y|o|e)\s")
POSSESSIVE = re.compile(r"['’]s\Z")
TITLE_WORD = re.compile(r"[A-Z][a-z]")
QUOTES = "\"'“”‘’«» "
ELISION = re.compile(r"^(?:[cdjlmnst]|qu)['’](?=\w)", re.IGNORECASE)


def _candidate_words(text_before: str, short: str, content_words_only: bool = False) -> str:
    """The words before the parenthesis where the long form may be, the paper's
    min(|short| + 5, 2 |short|) of them; with `content_words_only`, that many words that are
    not "of", "the", "pour"…"""
    # A long form does not reach back over another parenthesis or a semicolon:
    # "(UNICEF); United Nations Population Fund (UNFPA)".
    text_before = re.split(r"[();]", text_before)[-1]
    # Nor over a list of other short forms: "UNDP, WFP, United Nations Population Fund (UNFPA)".
    text_before = LISTED_SHORT_FORM.split(text_before)[-1]
    words = text_before.split()
    limit = min(len(short) + 5, len(short) * 2)
    if not content_words_only:
        return " ".join(words[-limit:])
    # "of", "the", "for" are not named by initials and need not count against the limit.
    start = len(words)
    while start > 0 and limit > 0:
        start -= 1
        limit -= words[start].lower() not in FUNCTION_WORDS | PREPOSITIONS
    return " ".join(words[start:])


def _definition(short: str, before: str) -> Definition | None:
    short = short.strip()
    if not is_short_form(short):
        return None
    candidate = _candidate_words(before, short)
    singular = _singular(short)
    # Initials that spell the short form may be further apart than the paper allows when words
    # they skip are "of" and "the": "Convention on the Elimination of All Forms of
    # Discrimination against Women (CEDAW)".
    long = by_initials(singular, _candidate_words(before, short, content_words_only=True))
    if long is not None:
        long = _through_last_named_word(singular, long, by_initials, _starts_with_last)
    else:
        long = best_long_form(short, candidate)
        if long is None and singular != short:
            # "Memoranda of Agreement (MOAs)": a plural short form of a singular long form.
            long = best_long_form(singular, candidate)
        if long is not None:
            long = _through_last_named_word(singular, long, best_long_form, _holds_last)
        else:
            long = _name_of_initials(singular, candidate)
        if long is None:
            return None
    # French elides its articles into the first word: "l’Organisation internationale pour les
    # migrations (OIM)" defines "Organisation internationale pour les migrations".
    long = ELISION.sub("", long.strip(" ,;:\"'“”‘’"))
    # "the General Security Service's (GSS) methods": the possessive belongs to the sentence.
    long = POSSESSIVE.sub("", long)
    # The long form must be longer than the short form and must not be the short form again.
    if len(long) <= len(short) or short.lower() in long.lower().split():
        return None
    return Definition(short=short, long=long)


def find_definitions(text: str) -> list[Definition]:
    """Every definition in `text`, in order of appearance (duplicates kept)."""
    found = _parenthesized(text) + _equated(text)
    return [definition for _position, definition in sorted(found, key=lambda f: f[0])
            if _plausible(definition)]


def _looks_abbreviated(word: str) -> bool:
    """Two capitals or a capital and a digit, "ISC", "ToS", "G77": not a capitalized word, which
    a parenthesis after it explains without abbreviating it ("the Commission (which has...)")."""
    return (sum(c.isupper() for c in word) >= 2
            or (word[:1].isupper() and any(c.isdigit() for c in word)))


def _singular(short: str) -> str:
    """"NGOs", "LDCs'", "PPG's": the short form without its plural or possessive ending."""
    short = re.sub(r"(?:['’]s|['’])\Z", "", short)
    return short[:-1] if PLURAL.search(short) else short


def _last_character(short: str) -> str:
    return [c for c in short if c.isalnum()][-1].lower()


def _starts_with_last(short: str, word: str) -> bool:
    return word.strip(QUOTES)[:1].lower() == _last_character(short)


def _holds_last(short: str, word: str) -> bool:
    return _last_character(short) in word.lower()


def _through_last_named_word(short: str, long: str, match, names_last) -> str:
    """`long` up to the word that gives the short form its last letter: "Science and Technology
    for Development Network (STDev)" abbreviates "Science and Technology for Development", and
    "Global Energy Efficiency 21 project (GEE21)" "Global Energy Efficiency 21". People who mark
    long forms in UN documents end them there (bench/README.md gives the counts).

    Not when that would end the long form on "and" or "of", nor cut a list of words: "Pacte
    mondial pour des migrations sûres, ordonnées et régulières (PMM)" keeps its adjectives."""
    words = long.split()
    end = len(words)
    while end > 1 and not names_last(short, words[end - 1]) and match(short, " ".join(words[:end - 1])):
        end -= 1
    if (end == len(words) or words[end - 1].lower() in FUNCTION_WORDS
            or COORDINATED.search(" ".join(words[end - 1:]))):
        return long
    return " ".join(words[:end])


def _plausible(definition: Definition) -> bool:
    """A number in the long form of a short form without one is the sentence going on
    ("United Nations currently has 54 information centres"), not a name; and so is a bracket
    or a quotation mark left inside it, or a web address ("unaids.org (UNAIDS)")."""
    long = definition.long
    if re.search(r"\d", long) and not re.search(r"\d", definition.short):
        return False
    if WEB_ADDRESS.search(long):
        return False
    words = long.split()
    if words[0][0].islower() and any(TITLE_WORD.match(word) for word in words[1:]):
        # "upward trend was discernible only in the World Tourism Organization (UNWTO)": a long
        # form that starts in lower case and goes on with a name is the sentence, not a name.
        return False
    return not re.search(r"[()\[\]{}\"“”]", long)


def _equated(text: str) -> list[tuple[int, Definition]]:
    """"EIT = economies in transition": the long form starts with the short form's letter and
    holds its characters in order."""
    found = []
    for match in EQUALS.finditer(text):
        short, long = match.group(1).strip("."), match.group(2).strip(" .\"'“”‘’")
        singular = short[:-1] if PLURAL.search(short) else short
        if (is_short_form(short) and len(long) > len(short) and long[0].lower() ==
                singular[0].lower() and best_long_form(singular, long) is not None):
            found.append((match.start(), Definition(short=short,
                                                    long=_through_last_initial(singular, long))))
    return found


def _through_last_initial(short: str, long: str) -> str:
    """`long` up to the last word whose initial is one of the short form's letters, taken in
    order: "general management services The proposed budget" for GMS ends at "services"."""
    words = long.split()
    letters = [c.lower() for c in short if c.isalpha()]
    end, index = len(words), 0
    for position, word in enumerate(words):
        if index < len(letters) and word[:1].lower() == letters[index]:
            index += 1
            end = position + 1
    return " ".join(words[:end]) if index == len(letters) else long


def _parenthesized(text: str) -> list[tuple[int, Definition]]:
    """"long form (SHORT)" and "SHORT (long form)", sentence by sentence (Schwartz & Hearst)."""
    found = []
    offset = 0
    for sentence in SENTENCE_END.split(text):
        offset = text.find(sentence, offset)
        for match in PARENTHESIS.finditer(sentence):
            position = offset + match.start()
            # Quotation marks around the short form are the writer's, not the short form's:
            # 'the Kuwait Investment Authority ("KIA")'.
            inside = re.split(r";|, ", match.group(1))[0].strip().strip(QUOTES)
            before = sentence[:match.start()]
            if len(inside.split()) > 2 or not is_short_form(inside):
                # "HSTF (heat shock transcription factor)", '"NE" (not estimated)': the word
                # before is the short form.
                definition = _reversed(before, inside)
            else:
                definition = _definition(inside, before)
            if definition:
                found.append((position, definition))
    return found


def _reversed(before: str, inside: str) -> Definition | None:
    """"SHORT (long form)": the last word before the parenthesis is the short form."""
    words = before.rstrip(QUOTES + ",;:").split()
    if not words:
        return None
    short = words[-1].strip(QUOTES)
    if not (is_short_form(short) and _looks_abbreviated(short)):
        return None
    long = best_long_form(short, inside)
    # The long form ends the parenthesis, after nothing but lower-case words: "RSS (which
    # stands for Really Simple Syndication)", not "ToS (through an annual ToS leader meeting)".
    if (long and len(long) > len(short) and inside.endswith(long)
            and not any(c.isupper() for c in inside[:-len(long)])
            and _singular(short).lower() not in long.lower().split()):
        return Definition(short=short, long=long.strip(" ,;:"))
    return None


def collect(texts, *, additions: dict[str, str] | None = None,
            removals: set[str] | None = None) -> list[Definition]:
    """One list for a whole document, `texts` in reading order: what the texts define,
    corrected and completed by `additions` (the rapporteur's entries), without `removals`,
    sorted by short form without case, each short form once.

    When texts give one short form different long forms, the list keeps the first in reading
    order: the one a reader meets first, so the list agrees with the text where the
    abbreviation is introduced (a later quote cannot redefine it); an entry in `additions`
    overrides both."""
    definitions: dict[str, str] = {}
    for text in texts:
        for definition in find_definitions(text):
            definitions.setdefault(definition.short, definition.long)
    definitions.update(additions or {})
    for short in removals or set():
        definitions.pop(short, None)
    return [Definition(short, long) for short, long in
            sorted(definitions.items(), key=lambda item: (item[0].casefold(), item[0]))]
