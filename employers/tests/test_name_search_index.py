"""The employer name search can be served by the trigram index on PostgreSQL, with the same ORM
query as on SQLite (employers/migrations/0005_employer_name_trigram_index.py)."""

import pytest
from django.db import connection

from accounts.models import Role
from accounts.tests.factories import UserFactory
from employers.filters import EmployerFilter
from employers.models import Employer
from employers.selectors import employer_table
from employers.tests.factories import EmployerFactory

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_trgm is a PostgreSQL extension"
)


def _bitmap_plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # A test table is tiny, so the planner would scan it (or walk a B-tree) whatever the
        # indexes; with both off, only an index able to answer the LIKE can be used.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@postgresql_only
def test_the_trigram_index_covers_the_expression_icontains_compares():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s", ["employer_name_trgm_idx"]
        )
        (definition,) = cursor.fetchone()
    assert "gin" in definition
    assert "upper((name)::text) gin_trgm_ops" in definition


@postgresql_only
def test_name_search_can_use_the_trigram_index_on_postgresql():
    plan = _bitmap_plan(Employer.objects.filter(name__icontains="maju").order_by())
    assert "Bitmap Index Scan on employer_name_trgm_idx" in plan


@postgresql_only
def test_search_by_name_or_npp_combines_two_indexes_instead_of_scanning(branch_serang):
    user = UserFactory(role=Role.ADMIN)
    found = EmployerFilter({"q": "maju"}, queryset=Employer.objects.all(), user=user).qs
    plan = _bitmap_plan(found.order_by())
    assert "Bitmap Index Scan on employer_name_trgm_idx" in plan
    assert "Bitmap Index Scan on employer_npp_upper_idx" in plan


def test_name_search_finds_a_word_inside_the_name_on_every_database(branch_serang):
    EmployerFactory(name="PT Maju Jaya Abadi", branch=branch_serang)
    EmployerFactory(name="CV Lain", branch=branch_serang)
    user = UserFactory(role=Role.ADMIN)
    found = EmployerFilter({"q": "jaya ab"}, queryset=employer_table(user=user), user=user).qs
    assert [employer.name for employer in found] == ["PT Maju Jaya Abadi"]
