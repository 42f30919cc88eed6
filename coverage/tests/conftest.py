"""A small hand-made world whose coverage is easy to count by hand.

Period: November 2026. Kanwil Banten; Cabang Serang Raya serves Kota Serang (36.73) and
Kabupaten Serang (36.04); Cabang Serang Kota also serves Kota Serang (a city served by two
branches); Cabang Tangerang serves Kota Tangerang (36.71). Kabupaten Serang has no workforce
figure at all.
"""

import datetime as dt

import pytest
from django.utils import timezone

from participants.models import ParticipantStatus, Segment
from participants.tests.factories import ParticipantFactory
from regions.models import BranchRegency, CoverageTarget, WorkforceFigure
from regions.tests.factories import BranchOfficeFactory, WorkforceFigureFactory
from worker_lists.models import EnrollmentLead, LeadStatus
from worker_lists.services import lead_tally_rebuild

PERIOD = dt.date(2026, 11, 1)
ESTIMATE = WorkforceFigure.Kind.ESTIMATE


@pytest.fixture
def branch_serang_kota(branch_serang):
    branch = BranchOfficeFactory(
        code="kc-serang-kota",
        name="Cabang Serang Kota",
        regional_office=branch_serang.regional_office,
    )
    BranchRegency.objects.create(branch=branch, regency_id="36.73", is_primary=False)
    return branch


@pytest.fixture
def small_world(branch_serang, branch_serang_kota, branch_tangerang, agency):
    kota_serang, kab_serang, kota_tangerang = "36.73", "36.04", "36.71"
    active, inactive = ParticipantStatus.ACTIVE, ParticipantStatus.INACTIVE
    # Kota Serang: 4 active PU (one with no employer: PU counts without one), 1 BPU, 1 Jakon.
    for _ in range(4):
        ParticipantFactory(work_regency_id=kota_serang, segment=Segment.PU, status=active)
    ParticipantFactory(work_regency_id=kota_serang, segment=Segment.BPU, status=active)
    ParticipantFactory(work_regency_id=kota_serang, segment=Segment.JAKON, status=active)
    # ... one registered during the period (new), two inactive that no longer count ...
    ParticipantFactory(
        work_regency_id=kota_serang, status=active, registered_on=dt.date(2026, 11, 20)
    )
    ParticipantFactory(
        work_regency_id=kota_serang, status=inactive, last_paid_period=dt.date(2025, 3, 1)
    )
    ParticipantFactory(work_regency_id=kota_serang, status=inactive, last_paid_period=None)
    # ... and one registered after the period: not yet a participant in November.
    ParticipantFactory(
        work_regency_id=kota_serang, status=active, registered_on=dt.date(2026, 12, 2)
    )
    # Kabupaten Serang: 2 active PMI, no workforce figure.
    for _ in range(2):
        ParticipantFactory(work_regency_id=kab_serang, segment=Segment.PMI, status=active)
    # Kota Tangerang: 3 active BPU, 1 inactive who paid November (active in November).
    for _ in range(3):
        ParticipantFactory(work_regency_id=kota_tangerang, segment=Segment.BPU, status=active)
    ParticipantFactory(
        work_regency_id=kota_tangerang, status=inactive, last_paid_period=dt.date(2026, 11, 1)
    )

    # Workforce: Kota Serang has an official and an estimate on the same period (official wins)
    # and an older estimate; Kota Tangerang only an estimate; a figure after the period is ignored.
    WorkforceFigureFactory(region_code=kota_serang, employed=1000, period=dt.date(2024, 8, 1))
    WorkforceFigureFactory(
        region_code=kota_serang, employed=2000, kind=ESTIMATE, period=dt.date(2024, 8, 1)
    )
    WorkforceFigureFactory(
        region_code=kota_serang, employed=3000, kind=ESTIMATE, period=dt.date(2023, 8, 1)
    )
    WorkforceFigureFactory(region_code=kota_serang, employed=9999, period=dt.date(2027, 2, 1))
    WorkforceFigureFactory(
        region_code=kota_tangerang, employed=400, kind=ESTIMATE, period=dt.date(2024, 8, 1)
    )
    WorkforceFigureFactory(level="province", region_code="36", employed=20000, kind=ESTIMATE)
    WorkforceFigureFactory(level="national", region_code="ID", employed=100000)

    # Targets: Banten 50% in 2026, Kota Serang its own 2%; Kota Tangerang inherits Banten's.
    CoverageTarget.objects.create(level="province", region_code="36", year=2026, target_pct=50)
    CoverageTarget.objects.create(level="regency", region_code=kota_serang, year=2026, target_pct=2)
    CoverageTarget.objects.create(level="national", region_code="ID", year=2026, target_pct=40)

    # Non-ASN from partner lists: two enrolled by November, one enrolled later, one still new.
    def lead(nik_serial: int, status: str, changed: dt.datetime | None):
        EnrollmentLead.objects.create(
            nik=f"36730112049{nik_serial:05d}",
            full_name=f"Honorer {nik_serial}",
            agency=agency,
            work_regency_id=kota_serang,
            branch=branch_serang,
            status=status,
            status_changed_at=changed,
        )

    november = timezone.make_aware(dt.datetime(2026, 11, 10, 9, 0))
    december = timezone.make_aware(dt.datetime(2026, 12, 3, 9, 0))
    lead(1, LeadStatus.ENROLLED, november)
    lead(2, LeadStatus.ENROLLED, november)
    lead(3, LeadStatus.ENROLLED, december)
    lead(4, LeadStatus.NEW, None)
    # Written through the ORM, not the ingest: the lead tally is recounted, as after a data fix.
    lead_tally_rebuild()
    return PERIOD
