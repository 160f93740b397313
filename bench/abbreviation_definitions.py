"""Claim: idm finds the long forms of abbreviations in UN documents with precision and recall
that a report's list of abbreviations can rest on (goal: precision 0.90, recall 0.75).

Peer: the `abbreviations` package from PyPI (the Schwartz & Hearst algorithm as published), on
the same passages, scored the same way.
Data: ../shared/data/abbrev/sdu-aaai22-legal/train.json, 3,564 passages of UN documents with
long forms marked by people (SDU@AAAI-22, CC BY-NC-SA 4.0; read, never shipped).
Scored: per passage, a long form found is right when it is, to the letter, one that people
marked; recall is the share of the marked long forms found. The passages are also scored in
two halves, even and odd positions in the file: the rules were developed looking at the errors
of the even half only, so the odd half tells whether they hold on passages nobody looked at.
Run: `.venv/bin/python bench/abbreviation_definitions.py` (`make bench` installs the peer); one run, the
figures do not vary.
"""

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from idm.synthesis.abbreviations import find_definitions  # noqa: E402

DATA = (Path(__file__).resolve().parents[2] / "shared" / "data" / "abbrev" / "sdu-aaai22-legal"
        / "train.json")


def score(find, passages) -> tuple[float, float, float]:
    right = wrong = marked = 0
    started = time.perf_counter()
    for passage in passages:
        text = passage["text"]
        gold = {text[start:end].strip() for start, end in passage["long-forms"]}
        longs = find(text)
        right += len(longs & gold)
        wrong += len(longs - gold)
        marked += len(gold)
    return right / max(right + wrong, 1), right / max(marked, 1), time.perf_counter() - started


def peer(text: str) -> set[str]:
    from abbreviations import schwartz_hearst

    return set(schwartz_hearst.extract_abbreviation_definition_pairs(doc_text=text).values())


def ours(text: str) -> set[str]:
    return {definition.long for definition in find_definitions(text)}


def main() -> None:
    if not DATA.exists():
        sys.exit(f"skipped: {DATA} is not here (a user's clone has no ../shared)")
    passages = json.loads(DATA.read_text())
    parts = {"all": passages, "even": passages[0::2], "odd": passages[1::2]}
    print(f"{len(passages)} passages, "
          f"{sum(len(p['long-forms']) for p in passages)} long forms marked by people")
    print(f"{'':24}{'part':>5}{'passages':>10}{'precision':>10}{'recall':>8}{'seconds':>9}")
    figures = {}
    for name, find in (("idm", ours), ("abbreviations (peer)", peer)):
        for part, chosen in parts.items():
            figures[name, part] = precision, recall, seconds = score(find, chosen)
            print(f"{name:24}{part:>5}{len(chosen):>10}{precision:>10.3f}{recall:>8.3f}"
                  f"{seconds:>9.2f}")
    idm, theirs = figures["idm", "all"], figures["abbreviations (peer)", "all"]
    print(f"ratio idm/peer (all): precision {idm[0] / theirs[0]:.2f}, recall {idm[1] / theirs[1]:.2f}"
          f"; goal precision 0.90, recall 0.75")


if __name__ == "__main__":
    main()
