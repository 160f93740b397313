"""`idm dialogue export|import`: the IDM 2018 demo moved whole from the test database to a new
PostgreSQL database and from there to a new SQLite file (or, on PostgreSQL, to SQLite and back)
builds the same report in every language; an archive that is damaged, cut short, foreign, newer,
does not fit the reference data or is imported twice is refused with its reason and changes
nothing."""

import hashlib
import io
import json
import os
import re
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

from idm.core.languages import LANGUAGES
from idm.publications import archive

ROOT = Path(__file__).resolve().parents[2]
NUMBER = 28


# Run inside each installation (python -c), and compared between them ---------------------------


def _text(html: bytes) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.decode())).strip()


def installation_facts(number: int, export_to: str = "") -> dict:
    """What must be the same wherever the dialogue is: the report's text in every language (the
    HTML edition's words, assembled from the data there), the files of its editions, its
    participants' answers, whose statements are whose, what the search finds, and who may sign
    in; then, with `export_to`, the dialogue exported there."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from idm.core import search
    from idm.deliberation.models import Statement
    from idm.deliberation.services import SEARCH_KIND
    from idm.dialogues.models import Registration, RegistrationQuestion
    from idm.publications.document import assemble
    from idm.publications.models import Publication, Version
    from idm.publications.render import to_html

    publication = Publication.objects.get(dialogue__number=number)
    questions = {str(q.pk): q.label for q in RegistrationQuestion.objects.all()}
    facts = {
        "texts": {language: _text(to_html(assemble(publication, language, strict=False)))
                  for language in LANGUAGES},
        "files": sorted([v.edition.language, v.number, v.status, fmt,
                         hashlib.sha256(getattr(v, fmt).read()).hexdigest()]
                        for v in Version.objects.filter(edition__publication=publication)
                        for fmt in v.files),
        "answers": sorted([r.email, {questions[k]: a for k, a in r.answers.items()}]
                          for r in Registration.objects.exclude(answers={})),
        "captured_by": sorted(Statement.objects.filter(created_by__isnull=False)
                              .values_list("created_by__username", "text")),
        "found": search.matching(Statement.objects, SEARCH_KIND, "partnerships").count(),
        "users": {u.username: [u.has_usable_password(), u.is_staff, u.is_superuser,
                               u.groups.count()] for u in get_user_model().objects.all()},
    }
    if export_to:
        call_command("dialogue", "export", str(number), "-o", export_to, stdout=io.StringIO())
    return facts


def refusals(paths: list[str], checked: str) -> dict:
    """Each archive of `paths` imported in turn, then `checked` with --dry-run: what each said."""
    from django.core.management import CommandError, call_command

    def said(*args: str) -> str:
        out = io.StringIO()
        try:
            call_command("dialogue", "import", *args, stdout=out, stderr=io.StringIO())
        except CommandError as error:
            return f"refused: {error}"
        return out.getvalue()

    return {"refused": [said(path) for path in paths], "dry_run": said(checked, "--dry-run")}


# Installations --------------------------------------------------------------------------------


def _postgres_server() -> str:
    """The PostgreSQL server the tests use: the one of IDM_DATABASE_URL, else the local one."""
    url = os.environ.get("IDM_DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = "postgres://root@127.0.0.1:5432/postgres"
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


def _postgres_admin():
    import psycopg

    from tests.conftest import require

    server = _postgres_server()
    try:
        return psycopg.connect(server, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        require(False, f"PostgreSQL is not reachable at {server} ({error}); the round trip "
                       "needs a server to create its own databases in")


class Installation:
    """An idm installation of its own: a database (a new PostgreSQL database, a new SQLite file,
    or the test database) and a data folder (media files); `idm` runs there as a process."""

    def __init__(self, folder: Path, url: str, on_drop=None):
        self.folder, self.url, self.on_drop = folder, url, on_drop
        self.migrating: subprocess.Popen | None = None
        folder.mkdir(parents=True, exist_ok=True)

    @classmethod
    def new(cls, kind: str, folder: Path) -> "Installation":
        """A new database, being migrated in the background (`ready()` waits for it)."""
        if kind == "sqlite":
            installation = cls(folder, f"sqlite:///{folder / 'idm.sqlite3'}")
        else:
            name = f"idm_archive_{uuid.uuid4().hex[:12]}"
            with _postgres_admin() as admin:
                admin.execute(f'CREATE DATABASE "{name}"')

            def drop():
                with _postgres_admin() as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

            url = urlunsplit(urlsplit(_postgres_server())._replace(path=f"/{name}"))
            installation = cls(folder, url, drop)
        with (folder / "migrate.log").open("w") as log:
            installation.migrating = subprocess.Popen(
                [sys.executable, "-m", "idm.cli", "migrate", "--no-input", "-v", "0"],
                env=installation.environment(), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        return installation

    @property
    def vendor(self) -> str:
        return "sqlite" if self.url.startswith("sqlite") else "postgresql"

    def environment(self) -> dict:
        environment = {k: v for k, v in os.environ.items() if k != "IDM_TASKS_BACKEND"}
        environment.update({"IDM_DATABASE_URL": self.url, "IDM_DATA_DIR": str(self.folder),
                            "DJANGO_SETTINGS_MODULE": "idm.settings"})
        return environment

    def ready(self) -> "Installation":
        if self.migrating is not None:
            code = self.migrating.wait(timeout=600)
            assert code == 0, (self.folder / "migrate.log").read_text()
            self.migrating = None
        return self

    def idm(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run([sys.executable, "-m", "idm.cli", *args], env=self.environment(),
                              cwd=ROOT, capture_output=True, text=True, timeout=600)
        if ok:
            assert done.returncode == 0, f"idm {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
        return done

    def call(self, function: str, *args):
        """A function of this module, run in a process of the installation."""
        code = ("import json, sys, django; django.setup(); "
                "from tests.publications import test_archive; "
                f"print(json.dumps(test_archive.{function}(*json.loads(sys.argv[1]))))")
        done = subprocess.run([sys.executable, "-c", code, json.dumps(args)],
                              env=self.environment(), cwd=ROOT, capture_output=True, text=True,
                              timeout=600)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.splitlines()[-1])

    def state(self) -> tuple[dict, set]:
        """Rows in every table, and the media files: what a refused import must not change."""
        if self.vendor == "sqlite":
            import sqlite3

            with sqlite3.connect(self.url.removeprefix("sqlite:///")) as db:
                tables = [t for (t,) in db.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'")]
                rows = {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]
                        for t in tables}
        else:
            import psycopg

            with psycopg.connect(self.url) as db:
                tables = [t for (t,) in db.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
                rows = {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]
                        for t in tables}
        media = self.folder / "media"
        files = {str(p.relative_to(media)) for p in media.rglob("*") if p.is_file()}
        return rows, files

    def drop(self) -> None:
        if self.migrating is not None:
            self.migrating.kill()
            self.migrating.wait()
        if self.on_drop:
            self.on_drop()


@pytest.fixture
def targets(tmp_path):
    """The two installations the dialogue travels to, in the other database and back: created
    and migrated in the background while the demo loads."""
    here = connection.vendor
    journey = ["postgresql", "sqlite"] if here == "sqlite" else ["sqlite", "postgresql"]
    made = []
    try:
        for step, kind in enumerate(journey):
            made.append(Installation.new(kind, tmp_path / f"{step}-{kind}"))
        yield made
    finally:
        for installation in made:
            installation.drop()


@pytest.fixture
def source(population, secretariat, settings, tmp_path):
    """The whole demo (participants, statements, consultation, practices, the publication built
    and published in three languages), committed for the processes to read, with what the demo
    lacks: a statement captured by a user, a registration question answered, a regional process
    (which every installation loads) as a practice's partner."""
    from idm.consultations.demo import load_demo_consultation
    from idm.deliberation.demo import load_demo_deliberation
    from idm.deliberation.models import Statement
    from idm.dialogues.models import Organization, Registration, RegistrationQuestion
    from idm.practices.demo import load_demo_practices
    from idm.practices.models import Practice
    from idm.practices.services import load_rcps
    from idm.publications import services
    from idm.publications.build import build
    from idm.publications.demo import create_publication, translate_demo_publication
    from tests.workers import database_url

    settings.MEDIA_ROOT = tmp_path / "source" / "media"
    dialogue = population
    load_demo_deliberation(dialogue)
    load_demo_consultation(dialogue)
    load_rcps()  # a transactional test's database was emptied of what the migrations load
    load_demo_practices(dialogue)
    publication = create_publication(dialogue)
    translate_demo_publication(publication)
    publication.refresh_from_db()
    built = build(publication, list(LANGUAGES), ["html"], "test")
    assert built.ok, built.missing
    for version in built.built.values():
        services.publish(version, "test")
    Statement.objects.filter(pk=Statement.objects.order_by("pk").first().pk).update(
        created_by=secretariat)
    workshop = dialogue.workshops.get(slug="2018-geneva")
    question = RegistrationQuestion.objects.create(workshop=workshop, label="Dietary needs",
                                                   required=False)
    answered = workshop.registrations.order_by("pk").first()
    Registration.objects.filter(pk=answered.pk).update(answers={str(question.pk): "none"})
    # Beside other partners: the regional processes have no French or Spanish name, and the
    # report prints a practice's partners in the same order whatever the database.
    Practice.objects.filter(illustrative=True).exclude(partners=None).order_by(
        "pk").first().partners.add(Organization.objects.get(name_en="Budapest Process"))
    return Installation(tmp_path / "source", database_url())


# Damaged, foreign and unfitting archives -------------------------------------------------------


def _rewritten(path: Path, out: Path, *, manifest=None, member=None, checksums=True) -> Path:
    """A copy of the archive with its manifest or one member changed; with `checksums`, the
    manifest says the changed member's checksum (so that only the change itself is wrong)."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        listed = json.loads(source.read(archive.MANIFEST))
        for name in source.namelist():
            if name == archive.MANIFEST:
                continue
            content = source.read(name)
            if member and member[0] == name:
                content = member[1](content)
                if checksums:
                    listed["members"][name]["sha256"] = hashlib.sha256(content).hexdigest()
            copy.writestr(name, content)
        if manifest:
            manifest(listed)
        copy.writestr(archive.MANIFEST, json.dumps(listed))
    return out


def _flipped(path: Path, out: Path) -> Path:
    """One byte flipped in the middle of the rows' compressed data."""
    content = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as source:
        info = source.getinfo(archive.DATA)
    at = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    content[at + info.compress_size // 2] ^= 0xFF
    out.write_bytes(content)
    return out


def _unknown_category(content: bytes) -> bytes:
    reference = json.loads(content)
    rows = reference["core.stakeholdercategory"]["rows"]
    rows[min(rows, key=int)]["code"] = "no-such-category"
    return json.dumps(reference).encode()


def bad_archives(good: Path, folder: Path) -> list[tuple[Path, str]]:
    """(archive, what its refusal says) for each way an archive can be wrong."""
    foreign = folder / "foreign.zip"
    with zipfile.ZipFile(foreign, "w") as other:
        other.writestr("report.txt", "Not a dialogue.")
    truncated = folder / "truncated.zip"
    truncated.write_bytes(good.read_bytes()[:len(good.read_bytes()) * 3 // 5])
    return [
        (_flipped(good, folder / "flipped.zip"), "is damaged"),
        (truncated, "is not a zip archive, or it is cut short"),
        (foreign, "is not an idm dialogue archive: it has no manifest.json"),
        (_rewritten(good, folder / "newer.zip",
                    manifest=lambda m: m.update(format_version=archive.FORMAT_VERSION + 1)),
         "was made by a newer idm"),
        (_rewritten(good, folder / "changed.zip", checksums=False,
                    member=(archive.DATA, lambda c: c.replace(b"Geneva", b"Genf", 1))),
         "data.json does not match its checksum"),
        (_rewritten(good, folder / "newer-schema.zip",
                    manifest=lambda m: m["migrations"]["core"].append("9999_future")),
         "comes from a newer version of idm"),
        (_rewritten(good, folder / "reference.zip",
                    member=(archive.REFERENCE, _unknown_category)),
         "does not match this installation's reference data"),
    ]


def counts(path: Path) -> dict:
    with zipfile.ZipFile(path) as archived:
        return json.loads(archived.read(archive.MANIFEST))["counts"]


# The round trip ---------------------------------------------------------------------------------


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_dialogue_moves_between_databases_and_builds_the_same_report(targets, source,
                                                                        tmp_path):
    carried = tmp_path / "from-source.zip"
    original = source.call("installation_facts", NUMBER, str(carried))
    assert original["captured_by"][0][0] == "sec" and original["answers"]
    assert original["users"]["sec"] == [True, True, False, 1] and original["files"]
    manifest = json.loads(zipfile.ZipFile(carried).read(archive.MANIFEST))
    assert (manifest["format"], manifest["dialogue"], manifest["database"]) == (
        archive.FORMAT, NUMBER, connection.vendor)
    assert {"dialogues.registration", "consultations.vote", "practices.practice",
            "publications.version", "publications.memorysegment"} <= set(manifest["counts"])

    for step, target in enumerate(targets):
        target.ready()
        if step == 0:
            # Each refused with its reason, a dry run imports nothing, and nothing has changed.
            bad = bad_archives(carried, tmp_path)
            before = target.state()
            said = target.call("refusals", [str(path) for path, _saying in bad], str(carried))
            assert target.state() == before
            for (path, saying), answer in zip(bad, said["refused"], strict=True):
                assert answer.startswith("refused: ") and saying in answer, (path.name, answer)
                assert answer.endswith("Nothing was imported."), answer
            assert "nothing was imported (--dry-run)" in said["dry_run"], said["dry_run"]
        done = target.idm("dialogue", "--skip-checks", "import", str(carried), "--format", "json")
        imported = json.loads(done.stdout)
        assert imported["imported"] and imported["warnings"] == [], imported
        assert imported["matched"].get("dialogues.organization") == 1  # the regional process
        assert imported["files"] == len(original["files"])

        again = tmp_path / f"from-{step}-{target.vendor}.zip"
        facts = target.call("installation_facts", NUMBER, str(again))
        assert facts["texts"] == original["texts"], target.vendor
        assert {k: facts[k] for k in ("files", "answers", "captured_by", "found")} == {
            k: original[k] for k in ("files", "answers", "captured_by", "found")}
        # A user comes without a password, staff flag or group: the target decides who signs in.
        assert facts["users"] == {"sec": [False, False, False, 0]}
        # The same rows of every kind; the audit log has one entry more: the import's own.
        expected = counts(carried)
        expected[archive.AUDIT] += 1
        assert counts(again) == expected

        if step == 0:
            before = target.state()
            twice = target.idm("dialogue", "--skip-checks", "import", str(carried), "--format",
                               "json", ok=False)
            assert twice.returncode == 1
            assert json.loads(twice.stdout) == {
                "imported": False, "error": f"Dialogue No. {NUMBER} is already in this "
                "installation: nothing was imported. Delete it first to replace it."}
            assert f"CommandError: Dialogue No. {NUMBER} is already" in twice.stderr
            assert target.state() == before
        carried = again


# Files ------------------------------------------------------------------------------------------


@pytest.mark.integration
def test_the_files_of_an_import_that_fails_are_removed_and_a_missing_one_is_said(
        reference, settings, tmp_path, monkeypatch):
    from django.core.files.base import ContentFile

    from idm.dialogues.models import Dialogue
    from idm.publications.models import Edition, Publication, Version
    from tests.dialogues import factories

    dialogue = factories.dialogue(number=41)
    factories.workshop(dialogue)
    publication = Publication.objects.create(dialogue=dialogue, slug="x-41", title="T", year=2030)
    edition = Edition.objects.create(publication=publication, language="en")
    built = Version(edition=edition, number=1)
    built.html.save("x-41/x-41-en-v1.html", ContentFile(b"<p>T</p>"))
    Version.objects.create(edition=edition, number=2, pdf="editions/x-41/lost.pdf")
    path = tmp_path / "x-41.zip"
    exported = archive.export_dialogue(41, path)
    assert exported.files == 1 and exported.warnings == [
        "The file editions/x-41/lost.pdf is missing from the media folder: its row is carried "
        "without it."]
    # The dialogue leaves this installation, its file too; its series stays.
    media = Path(settings.MEDIA_ROOT)
    Publication.objects.all().delete()
    Dialogue.objects.all().delete()
    (media / built.html.name).unlink()

    def full_disk(self, **options):
        raise OSError("No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr(archive._Importer, "result", full_disk)  # once the files are written
        with pytest.raises(OSError, match="No space left"):
            archive.import_dialogue(path, "test")
    assert not Dialogue.objects.exists()
    assert not (media / built.html.name).exists()

    imported = archive.import_dialogue(path, "test")
    assert imported.files == 1 and imported.matched == {"dialogues.series": 1}
    assert imported.warnings == ["The file editions/x-41/lost.pdf was missing where the archive "
                                 "was made: its row is imported without it."]
    version = Version.objects.get(edition__publication__dialogue__number=41, number=1)
    assert version.html.read() == b"<p>T</p>"


# The plan --------------------------------------------------------------------------------------


@pytest.mark.unit
def test_every_model_of_the_domain_apps_is_carried_matched_or_left_out_on_purpose():
    assert archive.models_not_planned() == []


@pytest.mark.unit
def test_rows_come_after_the_rows_they_point_to():
    from django.apps import apps

    for position, label in enumerate(archive.ORDER):
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        for field in archive._fields(model) + archive._many(model):  # the columns carried
            if not field.is_relation:
                continue
            target = field.related_model._meta.label_lower
            assert (target in archive.REFERENCE_KEYS or target == label or (
                target in archive.ORDER and archive.ORDER.index(target) < position)), (
                label, field.name, target)


@pytest.mark.unit
def test_ids_inside_stored_results_follow_their_rows():
    new = {("consultations.voter", 7): 107, ("consultations.consultationstatement", 3): 203,
           ("deliberation.statement", 5): 505, ("deliberation.keymessage", 2): 22,
           ("practices.practice", 9): 99, ("dialogues.registrationquestion", 4): 44}

    def ids(label, old):
        found = new.get((label, int(old)))
        return None if found is None else (str(found) if isinstance(old, str) else found)

    report = {"votes": 2, "participants": [[7, "", 0.1, 0.2, 0], [8, "", 0.3, 0.4, 1]],
              "groups": [{"id": 0, "representative": [{"statement": 3, "z": 1.0}]}],
              "consensus": {"agree": [{"statement": 3}, {"statement": 4}]},
              "statements": {"3": {"agree": 1}, "4": {"agree": 0}}}
    assert archive._analysis_report(report, ids) == {
        "votes": 2, "participants": [[107, "", 0.1, 0.2, 0]],
        "groups": [{"id": 0, "representative": [{"statement": 203, "z": 1.0}]}],
        "consensus": {"agree": [{"statement": 203}]}, "statements": {"203": {"agree": 1}}}
    assert archive._analysis_clustering(
        {"in_conversation": ["7", "8"], "base_of": {"7": 0}, "group_of": {"2": {"0": 1}},
         "k": [2, 1, 2.0]}, ids) == {"in_conversation": ["107"], "base_of": {"107": 0},
                                     "group_of": {"2": {"0": 1}}, "k": [2, 1, 2.0]}
    assert archive._synthesis_report(
        {"themes": [{"number": 1, "members": [{"id": "5", "score": 1}, {"id": "6", "score": 1}],
                     "representatives": ["5", "6"], "key_message": 2}], "unassigned": ["6"]},
        ids) == {"themes": [{"number": 1, "members": [{"id": "505", "score": 1}],
                             "representatives": ["505"], "key_message": 22}], "unassigned": []}
    document = {"sections": [{"blocks": [
        {"type": "quote", "statement": 5, "text": "…"},
        {"type": "practices", "items": [{"pk": 9, "key_messages": [2, 3]}]}]}]}
    assert archive._version_document(document, ids)["sections"][0]["blocks"] == [
        {"type": "quote", "statement": 505, "text": "…"},
        {"type": "practices", "items": [{"pk": 99, "key_messages": [22]}]}]
    assert archive._revision_content({"key_message_id": 2, "text_en": "x"}, ids) == {
        "key_message_id": 22, "text_en": "x"}
    assert archive._registration_answers({"4": "yes", "5": "no"}, ids) == {"44": "yes"}


@pytest.mark.unit
def test_a_file_that_is_no_zip_is_refused(tmp_path):
    path = tmp_path / "notes.zip"
    path.write_text("not a zip")
    with pytest.raises(archive.ArchiveError, match="is not a zip archive"):
        archive.read_archive(path)
