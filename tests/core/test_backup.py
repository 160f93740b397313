"""Backups as docs/production.md tells a secretariat to make them (pg_dump and pg_restore on
PostgreSQL, sqlite3's .backup on SQLite, a tar of the media folder) restore into a fresh
database and folder that build the same report: its text in every language, its files, the
participants' answers and what search finds."""

import shutil
import subprocess
import tarfile
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

from tests.publications.test_archive import (  # noqa: F401 - fixtures
    NUMBER,
    Installation,
    _postgres_admin,
    _postgres_server,
    source,
)

pytestmark = pytest.mark.integration


def _tar_and_restore_media(source_folder, backup, restored_folder) -> None:
    with tarfile.open(backup, "w:gz") as archive:
        archive.add(source_folder / "media", arcname="media")
    restored_folder.mkdir(parents=True)
    with tarfile.open(backup) as archive:
        archive.extractall(restored_folder, filter="data")


@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_builds_the_same_report(source, tmp_path):  # noqa: F811 - the fixture
    original = source.call("installation_facts", NUMBER)
    restored_folder = tmp_path / "restored"
    _tar_and_restore_media(source.folder, tmp_path / "idm-media.tgz", restored_folder)
    dropped = None
    if connection.vendor == "postgresql":
        dump = tmp_path / "idm.dump"
        database = connection.settings_dict["NAME"]
        server = urlsplit(_postgres_server())
        subprocess.run(["pg_dump", "--format=custom", f"--file={dump}",
                        urlunsplit(server._replace(path=f"/{database}"))], check=True)
        name = f"idm_restore_{uuid.uuid4().hex[:12]}"
        with _postgres_admin() as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        url = urlunsplit(server._replace(path=f"/{name}"))
        subprocess.run(["pg_restore", "--no-owner", f"--dbname={url}", str(dump)], check=True)

        def dropped():
            with _postgres_admin() as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        if shutil.which("sqlite3") is None:
            pytest.skip("no sqlite3 command (apt-get install sqlite3)")
        copy = restored_folder / "idm.sqlite3"
        subprocess.run(["sqlite3", connection.settings_dict["NAME"], f".backup '{copy}'"],
                       check=True)
        url = f"sqlite:///{copy}"
    restored = Installation(restored_folder, url, dropped)
    try:
        facts = restored.call("installation_facts", NUMBER)
    finally:
        restored.drop()
    assert facts["texts"] == original["texts"]
    assert {k: facts[k] for k in ("files", "answers", "captured_by", "found", "users")} == {
        k: original[k] for k in ("files", "answers", "captured_by", "found", "users")}
    assert original["files"] and all(original["texts"].values())
