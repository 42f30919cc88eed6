"""The lead list's first pages can be read in its order from an index on PostgreSQL, with and
without the filters the page and the scoping apply (worker_lists/migrations/0012)."""

import pytest
from django.db import connection

from worker_lists import selectors
from worker_lists.models import LeadStatus

pytestmark = pytest.mark.django_db


def plan(queryset) -> str:
    sql, params = queryset[:50].query.sql_with_params()
    with connection.cursor() as cursor:
        # A test table is tiny, so the planner would scan and sort it whatever the indexes;
        # with both off, only an index that yields the order can serve the page.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize(
    ("viewer", "filters", "index"),
    [
        ("admin_user", {}, "lead_created_idx"),
        ("admin_user", {"agency_id": 1}, "lead_agency_created_idx"),
        ("admin_user", {"regency_code": "36.73"}, "lead_regency_created_idx"),
        ("admin_user", {"status": LeadStatus.ENROLLED}, "lead_worked_created_idx"),
        ("branch_user", {}, "lead_branch_created_idx"),
    ],
)
def test_the_first_page_is_read_in_order_from_an_index(
    on_postgres, request, viewer, filters, index
):
    user = request.getfixturevalue(viewer)

    assert f"Index Scan using {index}" in plan(selectors.lead_list(user=user, **filters))
