"""Replacing an agenda keeps the sessions it still has, with their statements; deleting a session
that has statements takes an explicit choice, and every deletion is audited."""

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from idm.core.models import AuditEntry, SearchEntry
from idm.deliberation.demo import load_demo_deliberation
from idm.deliberation.models import KeyMessageEvidence, Statement
from idm.dialogues import exports
from idm.dialogues.models import Session, SessionRole, Workshop

pytestmark = pytest.mark.integration


@pytest.fixture
def deliberation(demo):
    load_demo_deliberation(demo)
    return demo


def export_rows(slug: str = "2018-geneva") -> list[dict]:
    content = exports.export_agenda(Workshop.objects.get(slug=slug), "csv")
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def write(path, rows: list[dict], columns: list[str] | None = None):
    columns = columns or list(rows[0])
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def replace(path, *options):
    call_command("agenda", "import", "--dialogue", "28", str(path), "--replace", *options,
                 stdout=io.StringIO(), stderr=io.StringIO())


def geneva_state():
    sessions = Session.objects.filter(workshop__slug="2018-geneva")
    return (sorted(sessions.values_list("pk", "title_en", "start", "room")),
            sorted(Statement.objects.filter(session__in=sessions).values_list("pk", "session")),
            sorted(SessionRole.objects.filter(session__in=sessions).values_list("pk", "person")))


def test_an_unchanged_export_replaced_changes_nothing(deliberation, tmp_path):
    before = geneva_state()
    assert before[1], "the demo has statements in Geneva"
    entries, evidence = SearchEntry.objects.count(), KeyMessageEvidence.objects.count()
    audit = AuditEntry.objects.count()
    replace(write(tmp_path / "geneva.csv", export_rows()))
    assert geneva_state() == before
    assert (SearchEntry.objects.count(), KeyMessageEvidence.objects.count()) == (entries, evidence)
    # Only the import itself is recorded: no session, speaker or statement was touched.
    assert list(AuditEntry.objects.order_by("id").values_list("action", "object_type")[audit:]) \
        == [("import", "dialogues.dialogue")]


def test_without_ids_sessions_are_matched_by_start_and_title(deliberation, tmp_path):
    before = geneva_state()
    rows = export_rows()
    for row in rows:
        row["session_id"] = ""
        row["title_en"] = row["title_en"].upper()  # case does not make another session
    replace(write(tmp_path / "geneva.csv", rows))
    assert [pk for pk, *_ in geneva_state()[0]] == [pk for pk, *_ in before[0]]
    assert geneva_state()[1] == before[1]


def test_a_moved_session_keeps_its_statements(deliberation, tmp_path):
    rows = export_rows()
    session = Session.objects.filter(workshop__slug="2018-geneva", statements__isnull=False) \
        .distinct().first()
    said = set(session.statements.values_list("pk", flat=True))
    moved = [row for row in rows if row["session_id"] == str(session.pk)]
    for row in moved:
        row.update(start="18:00", end="18:45", title_en=row["title_en"] + " (moved)")
    replace(write(tmp_path / "geneva.csv", rows))
    session.refresh_from_db()
    assert f"{session.local_start:%H:%M}" == "18:00" and session.title_en.endswith("(moved)")
    assert set(session.statements.values_list("pk", flat=True)) == said


def test_two_sessions_may_swap_rooms(deliberation, tmp_path):
    rows = export_rows()
    by_session: dict[str, list[dict]] = {}
    for row in rows:
        by_session.setdefault(row["session_id"], []).append(row)
    # Two sessions at different times swap times and rooms: never a clash in the end.
    first, second = [rows_ for rows_ in by_session.values() if rows_[0]["room"]][:2]
    times = [(r[0]["date"], r[0]["start"], r[0]["end"], r[0]["room"]) for r in (first, second)]
    for group, (day, start, end, room) in zip((first, second), reversed(times), strict=True):
        for row in group:
            row.update(date=day, start=start, end=end, room=room)
    replace(write(tmp_path / "geneva.csv", rows))
    moved = Session.objects.get(pk=first[0]["session_id"])
    assert f"{moved.local_start:%H:%M}" == times[1][1] and moved.room == times[1][3]


def test_a_session_with_statements_is_not_deleted_unless_asked(deliberation, tmp_path):
    rows = export_rows()
    session = Session.objects.filter(workshop__slug="2018-geneva", statements__isnull=False) \
        .distinct().first()
    statements = list(session.statements.values_list("pk", flat=True))
    path = write(tmp_path / "geneva.csv",
                 [row for row in rows if row["session_id"] != str(session.pk)])
    before = geneva_state()
    with pytest.raises(CommandError, match="nothing was imported"):
        replace(path)
    assert geneva_state() == before
    errors = io.StringIO()
    with pytest.raises(CommandError):
        call_command("agenda", "import", "--dialogue", "28", str(path), "--replace",
                     stdout=io.StringIO(), stderr=errors)
    assert f"The session “{session.title_en}”" in errors.getvalue()
    assert f"would delete {len(statements)} statements" in errors.getvalue()

    replace(path, "--delete-sessions-with-statements")
    assert not Session.objects.filter(pk=session.pk).exists()
    assert not Statement.objects.filter(pk__in=statements).exists()
    deleted = AuditEntry.objects.filter(action="delete")
    assert set(deleted.filter(object_type="deliberation.statement")
               .values_list("object_id", flat=True)) == {str(pk) for pk in statements}
    assert deleted.filter(object_type="dialogues.session", object_id=str(session.pk)).exists()
    # The search no longer finds what is gone.
    assert not SearchEntry.objects.filter(kind="statement", object_id__in=statements).exists()


def test_a_session_without_statements_goes_with_an_audit_entry(demo, tmp_path):
    rows = export_rows()
    gone = rows[-1]["session_id"]
    replace(write(tmp_path / "geneva.csv", [r for r in rows if r["session_id"] != gone]))
    assert not Session.objects.filter(pk=gone).exists()
    assert AuditEntry.objects.filter(action="delete", object_type="dialogues.session",
                                     object_id=gone).exists()


def test_a_speaker_left_out_is_unlinked_and_audited(demo, tmp_path):
    rows = export_rows()
    with_speaker = next(row for row in rows if row["family_name"])
    link = SessionRole.objects.get(session_id=with_speaker["session_id"],
                                   person__family_name=with_speaker["family_name"])
    rows.remove(with_speaker)
    if not any(row["session_id"] == with_speaker["session_id"] for row in rows):
        rows.append({**with_speaker, **{c: "" for c in ("role", "given_name", "family_name",
                                                         "honorific", "email")}})
    replace(write(tmp_path / "geneva.csv", rows))
    assert not SessionRole.objects.filter(pk=link.pk).exists()
    assert AuditEntry.objects.filter(action="delete", object_type="dialogues.sessionrole",
                                     object_id=str(link.pk)).exists()


def test_the_web_import_asks_before_deleting_statements(deliberation, secretariat_client,
                                                        tmp_path):
    rows = export_rows()
    session = Session.objects.filter(workshop__slug="2018-geneva", statements__isnull=False) \
        .distinct().first()
    content = write(tmp_path / "geneva.csv",
                    [row for row in rows if row["session_id"] != str(session.pk)]).read_bytes()
    url = reverse("dialogues:agenda-import", args=[28])

    def post(**options):
        upload = io.BytesIO(content)
        upload.name = "geneva.csv"
        return secretariat_client.post(url, {"file": upload, "replace": "on", **options},
                                       follow=True)

    response = post()
    assert response.status_code == 400
    assert "would delete" in response.content.decode()
    assert Session.objects.filter(pk=session.pk).exists()
    response = post(delete_with_statements="on")
    assert "1 session the file no longer has was deleted." in response.content.decode()
    assert not Session.objects.filter(pk=session.pk).exists()
    assert Workshop.objects.get(slug="2018-geneva").sessions.count() == len(
        {row["session_id"] for row in rows}) - 1
