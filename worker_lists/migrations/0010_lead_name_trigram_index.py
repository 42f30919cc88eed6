"""Trigram index for the lead name search (PostgreSQL only).

The lead list searches with `full_name__icontains`, which PostgreSQL runs as
`UPPER(full_name::text) LIKE UPPER('%...%')`: a B-tree cannot serve a leading wildcard, so at
millions of leads every search scanned the table. A GIN index of trigrams over the same
expression serves that exact predicate, so the ORM query stays the same on every database.
SQLite (the embedded default) has no pg_trgm: nothing to do there.
Built CONCURRENTLY (hence atomic = False) so a live table keeps taking leads.
"""

from django.db import migrations

INDEX = "lead_full_name_trgm_idx"


def _create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("worker_lists", "EnrollmentLead")._meta.db_table
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON {table} "
        "USING gin ((UPPER(full_name::text)) gin_trgm_ops)"
    )


def _drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("worker_lists", "0009_enrollmentlead_history"),
    ]

    operations = [migrations.RunPython(_create, _drop, elidable=False)]
