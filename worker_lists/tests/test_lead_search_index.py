"""The lead name search can be served by the trigram index on PostgreSQL, with the same ORM query
as on SQLite (worker_lists/migrations/0010_lead_name_trigram_index.py)."""

import pytest
from django.db import connection

from worker_lists.models import EnrollmentLead

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_trgm is a PostgreSQL extension"
)


@postgresql_only
def test_lead_name_search_can_use_the_trigram_index_on_postgresql():
    # The predicate lead_list builds for a name (full_name__icontains).
    queryset = EnrollmentLead.objects.filter(full_name__icontains="budi").order_by()
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # A test table is tiny, so the planner would scan it (or walk a B-tree) whatever the
        # indexes; with both off, only an index able to answer the LIKE can be used.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on lead_full_name_trgm_idx" in plan
