"""Runs OmegaT (Debian's `omegat`) in console mode on an XLIFF file, filling its targets from a
TMX, as a translator's CAT tool would. Recipe, found by trying OmegaT 3.6:

- one project folder (omegat.project, source/, target/, tm/, glossary/, dictionary/, omegat/);
  OmegaT stops when target/ or glossary/ is missing;
- sentence segmentation off, so that a paragraph is one segment and matches its TMX pair;
- the TMX as the project's own memory (omegat/project_save.tmx): console-translate fills every
  exact match from it;
- Java takes the home folder from the password file, not $HOME: -Duser.home and --config-dir
  keep OmegaT's settings in the test's folder.
"""

import os
import shutil
import subprocess
from pathlib import Path

OMEGAT_JAR = Path("/usr/share/omegat/OmegaT.jar")

PROJECT = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<omegat>
    <project version="1.0">
        <source_dir>__DEFAULT__</source_dir>
        <target_dir>__DEFAULT__</target_dir>
        <tm_dir>__DEFAULT__</tm_dir>
        <glossary_dir>__DEFAULT__</glossary_dir>
        <glossary_file>__DEFAULT__</glossary_file>
        <dictionary_dir>__DEFAULT__</dictionary_dir>
        <source_lang>{source}</source_lang>
        <target_lang>{target}</target_lang>
        <source_tok>org.omegat.tokenizer.LuceneEnglishTokenizer</source_tok>
        <target_tok>org.omegat.tokenizer.{tokenizer}</target_tok>
        <sentence_seg>false</sentence_seg>
        <support_default_translations>true</support_default_translations>
        <remove_tags>false</remove_tags>
    </project>
</omegat>
"""
TOKENIZERS = {"fr": "LuceneFrenchTokenizer", "es": "LuceneSpanishTokenizer"}


def translate_with_omegat(xliff: Path, memory: Path, target: str, folder: Path) -> Path:
    """OmegaT's translation of `xliff` (English to `target`) from the TMX `memory`."""
    project, home = folder / "project", folder / "home"
    for sub in ("source", "target", "tm/auto", "glossary", "dictionary", "omegat"):
        (project / sub).mkdir(parents=True, exist_ok=True)
    home.mkdir(parents=True, exist_ok=True)
    (project / "omegat.project").write_text(PROJECT.format(
        source="en", target=target, tokenizer=TOKENIZERS[target]), encoding="utf-8")
    shutil.copyfile(xliff, project / "source" / xliff.name)
    shutil.copyfile(memory, project / "omegat" / "project_save.tmx")
    run = subprocess.run(
        ["java", f"-Duser.home={home}", "-Djava.awt.headless=true", "-jar", str(OMEGAT_JAR),
         str(project), "--mode=console-translate", f"--config-dir={home / 'omegat-config'}",
         "--no-team", "--disable-project-locking", "--quiet"],
        capture_output=True, text=True, timeout=300, check=False,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home),
             "LANG": "C.UTF-8"})
    out = project / "target" / xliff.name
    if run.returncode != 0 or not out.exists():
        raise RuntimeError(f"OmegaT failed ({run.returncode}):\n{run.stdout[-3000:]}\n"
                           f"{run.stderr[-3000:]}")
    return out
