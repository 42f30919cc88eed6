import datetime as dt

import factory
from django.utils import timezone

from coverage.models import CoverageSnapshot


class CoverageSnapshotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoverageSnapshot

    period = dt.date(2026, 11, 1)
    level = "regency"
    code = "36.73"
    name = factory.LazyAttribute(lambda o: f"Wilayah {o.code}")
    parent_code = "36"
    active_total = 100
    workforce_employed = 1000
    workforce_kind = "official"
    workforce_source = "BPS Sakernas (test)"
    coverage_pct = 10
    computed_at = factory.LazyFunction(timezone.now)


# Tests of past months compute "as of" a later day, so they do not depend on today's date.
AFTERWARDS = dt.date(2027, 1, 15)
