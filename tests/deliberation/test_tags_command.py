"""`idm tags suggest FILE.csv`: each statement's SDG goals and GCM objectives, and clear refusals."""

import json
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.integration


def suggest(path, *options) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("tags", "suggest", str(path), *options, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_json_for_each_id(tmp_path, tag_suggester_cache):
    statements = tmp_path / "statements.csv"
    # Saved by a spreadsheet as "CSV UTF-8": with a BOM, and a column the command leaves aside.
    statements.write_bytes("\ufeffid,text,language\n"
                           "r1,\"Sending remittances home costs too much: fees must fall below 3 per "
                           "cent.\",en\n"
                           "r2,Les enfants migrants doivent avoir accès à l'enseignement primaire et "
                           "secondaire.,fr\n".encode())
    out, _ = suggest(statements, "--format", "json")
    result = json.loads(out)
    assert [r["id"] for r in result] == ["r1", "r2"]
    remittances, school = result
    assert [g["goal"] for g in remittances["sdg"]] == list(range(1, 18))
    assert [o["objective"] for o in remittances["gcm"]] == list(range(1, 24))
    assert {g["goal"] for g in remittances["sdg"] if g["concerned"]} >= {10}
    assert {o["objective"] for o in remittances["gcm"] if o["concerned"]} >= {20}
    assert all(0 <= g["score"] <= 1 for g in remittances["sdg"] + remittances["gcm"])
    assert {g["goal"] for g in school["sdg"] if g["concerned"]} >= {4}
    assert list(tag_suggester_cache.glob("tags-*.pickle")), "the fitted suggester is kept for the next run"


def test_text_and_threshold(tmp_path, tag_suggester_cache):
    statements = tmp_path / "statements.csv"
    statements.write_text("id,text\n7,Solar power for refugee camps.\n", encoding="utf-8")
    out, _ = suggest(statements)
    assert out.startswith("7\n  SDG goals: ")
    assert "SDG targets closest:" in out and "GCM objectives:" in out
    everything, _ = suggest(statements, "--threshold", "0")
    assert everything.count("(") == 17 + 23
    nothing, _ = suggest(statements, "--threshold", "1")
    assert "SDG goals: none" in nothing


@pytest.mark.parametrize("content,problems", [
    ("id,words\n1,Education for all.\n", ["row 1, field 'words': Unknown column; the columns are those "
                                          "of the template.",
                                          "row 1, field 'text': The column is missing."]),
    ("id,text\n1,Education for all.\n,Health for all.\n3,\n",
     ["row 3, field 'id': The id is empty.", "row 4, field 'text': The text is empty."]),
    ("id,text\na,Education.\na,Health.\n", ["row 3, field 'id': The id 'a' is already on row 2."]),
    ("id,text\n", ["row 2, field 'file': The file has no rows under its header."]),
])
def test_a_bad_file_is_refused_with_its_rows_named(tmp_path, content, problems):
    statements = tmp_path / "statements.csv"
    statements.write_text(content, encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError, match=rf"{len(problems)} problem\(s\) in statements.csv"):
        call_command("tags", "suggest", str(statements), stdout=StringIO(), stderr=err)
    assert err.getvalue().splitlines() == problems


def test_no_file_and_a_bad_threshold(tmp_path):
    with pytest.raises(CommandError, match="no file"):
        call_command("tags", "suggest", str(tmp_path / "missing.csv"))
    statements = tmp_path / "statements.csv"
    statements.write_text("id,text\n1,Education.\n", encoding="utf-8")
    with pytest.raises(CommandError, match="between 0 and 1"):
        call_command("tags", "suggest", str(statements), "--threshold", "2")


def test_the_idm_console_script(tmp_path, tag_suggester_cache):
    statements = tmp_path / "statements.csv"
    statements.write_text("id,text\nx,Trafficking in persons must end.\n", encoding="utf-8")
    idm = [sys.executable, "-c", "from idm.cli import main; main()"]
    # No HF_HUB_OFFLINE and no network: WordLlama's weights and tokenizer come from its wheel.
    env = {"IDM_DATA_DIR": str(tag_suggester_cache.parent), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([*idm, "tags", "suggest", str(statements), "--format", "json"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    [result] = json.loads(done.stdout)
    assert 10 in {o["objective"] for o in result["gcm"] if o["concerned"]}
    bad = tmp_path / "bad.csv"
    bad.write_text("id,text\n,Trafficking.\n", encoding="utf-8")
    refused = subprocess.run([*idm, "tags", "suggest", str(bad)], capture_output=True, text=True, env=env)
    assert refused.returncode != 0
    assert "row 2, field 'id': The id is empty." in refused.stderr
