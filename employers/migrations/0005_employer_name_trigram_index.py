"""Trigram index for the employer name search (PostgreSQL only).

The list searches with `name__icontains`, which PostgreSQL runs as
`UPPER(name::text) LIKE UPPER('%...%')`: a B-tree cannot serve a leading wildcard, so at 100,000
employers every search counted by scanning the table (95 ms). A GIN index of trigrams over the
same expression serves that exact predicate, so the ORM query stays the same on every database.
SQLite (the embedded default) has no pg_trgm and searches a small table: nothing to do there.
Built CONCURRENTLY (hence atomic = False) so a live table keeps taking writes.
"""

from django.db import migrations

INDEX = "employer_name_trgm_idx"


def _create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("employers", "Employer")._meta.db_table
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON {table} "
        "USING gin ((UPPER(name::text)) gin_trgm_ops)"
    )


def _drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("employers", "0004_status_proposal"),
    ]

    operations = [migrations.RunPython(_create, _drop, elidable=False)]
