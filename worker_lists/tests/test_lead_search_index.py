"""The lead name search is served by the trigram index on PostgreSQL, with the same ORM query
as on SQLite (coverage/migrations/0004_lead_name_trigram_index.py)."""

import pytest
from django.db import connection

from worker_lists.selectors import lead_list

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_trgm is a PostgreSQL extension"
)


@postgresql_only
def test_lead_name_search_uses_the_trigram_index_on_postgresql(admin_user):
    sql, params = lead_list(user=admin_user, search="budi").order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        # A test table is tiny, so the planner would scan it whatever the indexes.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "lead_full_name_trgm_idx" in plan
