"""Builds sdg_texts.csv from a checkout of open-sdg/sdg-translations (MIT); see SOURCE.md.

Usage: python build_sdg_texts.py CHECKOUT OUTPUT.csv (needs PyYAML).
"""
import csv
import sys
from pathlib import Path

import yaml

repo, out = sys.argv[1], sys.argv[2]


def load(lang, name):
    return yaml.safe_load((Path(repo) / "translations" / lang / f"{name}.yml").read_text(encoding="utf-8"))


rows = []
langs = ("en", "fr", "es")
files = {lang: {n: load(lang, n) for n in ("global_goals", "global_targets", "global_indicators")}
         for lang in langs}


def order(key):
    return [int(p) if p.isdigit() else 100 + ord(p[0]) for p in key.split("-")]


for kind, name in (("goal", "global_goals"), ("target", "global_targets"),
                   ("indicator", "global_indicators")):
    keys = sorted((k[: -len("-title")] for k in files["en"][name] if k.endswith("-title")), key=order)
    for key in keys:
        parts = key.split("-")
        texts = [" ".join(str(files[lang][name].get(key + "-title") or "").split()) for lang in langs]
        rows.append({"kind": kind, "code": ".".join(parts), "goal": parts[0],
                     "text_en": texts[0], "text_fr": texts[1], "text_es": texts[2]})
        if kind == "goal":
            rows.append({"kind": "goal_short", "code": parts[0], "goal": parts[0],
                         **{f"text_{lang}": files[lang][name].get(key + "-short") or "" for lang in langs}})
with open(out, "w", newline="", encoding="utf-8") as f:
    w = csv.DictWriter(f, fieldnames=["kind", "code", "goal", "text_en", "text_fr", "text_es"])
    w.writeheader()
    w.writerows(rows)
print(len(rows))
