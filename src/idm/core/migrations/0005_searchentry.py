"""The search table, and each engine's index beside it: FTS5 on SQLite, tsvector on PostgreSQL."""

from django.db import migrations, models

SQLITE = [
    "CREATE VIRTUAL TABLE core_searchentry_fts USING fts5(words, content='core_searchentry', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    # An external-content FTS5 table follows its table through triggers.
    "CREATE TRIGGER core_searchentry_ai AFTER INSERT ON core_searchentry BEGIN "
    "INSERT INTO core_searchentry_fts(rowid, words) VALUES (new.id, new.words); END",
    "CREATE TRIGGER core_searchentry_ad AFTER DELETE ON core_searchentry BEGIN "
    "INSERT INTO core_searchentry_fts(core_searchentry_fts, rowid, words) "
    "VALUES ('delete', old.id, old.words); END",
    "CREATE TRIGGER core_searchentry_au AFTER UPDATE ON core_searchentry BEGIN "
    "INSERT INTO core_searchentry_fts(core_searchentry_fts, rowid, words) "
    "VALUES ('delete', old.id, old.words); "
    "INSERT INTO core_searchentry_fts(rowid, words) VALUES (new.id, new.words); END",
]
SQLITE_REVERSE = ["DROP TRIGGER core_searchentry_au", "DROP TRIGGER core_searchentry_ad",
                  "DROP TRIGGER core_searchentry_ai", "DROP TABLE core_searchentry_fts"]
POSTGRESQL = [
    "ALTER TABLE core_searchentry ADD COLUMN vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', words)) STORED",
    "CREATE INDEX core_searchentry_vector ON core_searchentry USING GIN (vector)",
]
POSTGRESQL_REVERSE = ["DROP INDEX core_searchentry_vector",
                      "ALTER TABLE core_searchentry DROP COLUMN vector"]


def engine_index(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRESQL}[schema_editor.connection.vendor]
    for statement in statements:
        schema_editor.execute(statement)


def drop_engine_index(apps, schema_editor):
    statements = {"sqlite": SQLITE_REVERSE,
                  "postgresql": POSTGRESQL_REVERSE}[schema_editor.connection.vendor]
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_country_independent")]
    operations = [
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("kind", models.CharField(max_length=30, verbose_name="kind")),
                ("object_id", models.BigIntegerField(verbose_name="object id")),
                ("words", models.TextField(verbose_name="words")),
            ],
            options={"verbose_name": "search entry", "verbose_name_plural": "search entries"},
        ),
        migrations.AddConstraint(
            model_name="searchentry",
            constraint=models.UniqueConstraint(fields=("kind", "object_id"),
                                               name="one_search_entry_per_object"),
        ),
        migrations.RunPython(engine_index, drop_engine_index),
    ]
