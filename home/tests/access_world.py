"""A small two-region world for the role x endpoint test: everything exists twice, once in the
actors' scope (Serang, Banten; the Disnaker of Kota Serang) and once outside it (Bandung, Jawa
Barat; the Disnaker of Jawa Barat). Out-of-scope rows carry the marker OUTSIDE in their names, so
a page or API answer can be searched for any of them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.tests.factories import UserFactory
from agencies.models import AgencyAPIKey, AgencyKind
from agencies.tests.factories import PartnerAgencyFactory
from campaigns.models import CaseState, SanctionKind, SanctionStep
from campaigns.tests.factories import CampaignFactory, EscalationCaseFactory, VisitFactory
from employers.models import StatusProposal
from employers.tests.factories import EmployerFactory
from regions.models import Regency
from regions.tests.factories import BranchOfficeFactory, DistrictFactory, RegionalOfficeFactory
from worker_lists.models import EnrollmentLead
from worker_lists.tests.factories import WorkerListSubmissionFactory

OUTSIDE = "LUARLINGKUP"
PASSWORD = "test-pass-123"


@dataclass
class Side:
    branch: object
    employer: object
    visit: object
    case: object
    draft_case: object
    campaign: object
    agency: object
    worker_list: object
    lead: object
    sanction_step: object
    proposal: object
    regency_code: str
    province_code: str
    kanwil_code: str
    branch_code: str


@dataclass
class World:
    inside: Side
    outside: Side
    users: dict[str, object] = field(default_factory=dict)
    api_keys: dict[str, str] = field(default_factory=dict)


def _side(*, label: str, province: str, regency: str, kanwil: str, branch: str) -> Side:
    DistrictFactory(code=f"{regency}.01")
    kanwil_office = RegionalOfficeFactory(code=kanwil, name=f"Kanwil {label}")
    branch_office = BranchOfficeFactory(
        code=branch, name=f"Cabang {label}", regional_office=kanwil_office, regencies=[regency]
    )
    regency_obj = Regency.objects.get(code=regency)
    employer = EmployerFactory(name=f"PT {label}", branch=branch_office, regency=regency_obj)
    agency = PartnerAgencyFactory(
        name=f"Disnaker {label}",
        kind=AgencyKind.DISNAKER,
        jurisdiction_province_id=province,
    )
    creator = UserFactory(username=f"creator-{branch}", role=Role.BRANCH, branch=branch_office)
    campaign = CampaignFactory(name=f"Kampanye {label}", branches=[branch_office])
    campaign.agencies.set([agency])
    worker_list = WorkerListSubmissionFactory(agency=agency, reference=f"Daftar {label}")
    lead = EnrollmentLead.objects.create(
        nik=f"{regency.replace('.', '')}014104900001",
        full_name=f"Pekerja {label}",
        agency=agency,
        work_regency=regency_obj,
        branch=branch_office,
        first_submission=worker_list,
    )
    return Side(
        branch=branch_office,
        employer=employer,
        visit=VisitFactory(employer=employer, officer=creator, follow_up_on=timezone.localdate()),
        case=EscalationCaseFactory(
            employer=employer, agency=agency, state=CaseState.SENT, created_by=creator
        ),
        draft_case=EscalationCaseFactory(
            employer=EmployerFactory(name=f"PT Draf {label}", branch=branch_office),
            agency=agency,
            state=CaseState.DRAFT,
            created_by=creator,
        ),
        campaign=campaign,
        agency=agency,
        worker_list=worker_list,
        lead=lead,
        sanction_step=SanctionStep.objects.create(
            employer=employer,
            branch=branch_office,
            kind=SanctionKind.WARNING_1,
            letter_number=f"B/1/{label}",
            issued_on=timezone.localdate(),
            deadline=timezone.localdate(),
            issued_by=creator,
        ),
        proposal=StatusProposal.objects.create(
            employer=employer,
            to_status="registered",
            reason=f"Usulan {label}",
            proposed_at=timezone.now(),
            proposed_by_agency=agency,
        ),
        regency_code=regency,
        province_code=province,
        kanwil_code=kanwil,
        branch_code=branch,
    )


def world_build() -> World:
    inside = _side(
        label="Serang", province="36", regency="36.73", kanwil="kw-banten", branch="kc-serang"
    )
    outside = _side(
        label=OUTSIDE, province="32", regency="32.73", kanwil="kw-jabar", branch="kc-bandung"
    )
    world = World(inside=inside, outside=outside)
    world.users = {
        "admin": UserFactory(username="admin", role=Role.ADMIN, is_staff=True, is_superuser=True),
        "board": UserFactory(username="dewas", role=Role.MANAGEMENT),
        "kanwil": UserFactory(
            username="kanwil", role=Role.REGIONAL, regional_office=inside.branch.regional_office
        ),
        "branch": UserFactory(
            username="cabang",
            role=Role.BRANCH,
            branch=inside.branch,
            regional_office=inside.branch.regional_office,
        ),
        "agency": UserFactory(username="instansi", role=Role.AGENCY, agency=inside.agency),
    }
    for name, agency in (("key_a", inside.agency), ("key_b", outside.agency)):
        _obj, key = AgencyAPIKey.objects.create_key(name=name, agency=agency)
        world.api_keys[name] = key
    return world


def client_for(world: World, actor: str) -> APIClient:
    """A client acting as `actor`: anonymous, a logged-in user, or an agency's API key."""
    client = APIClient()
    if actor in world.users:
        client.force_login(world.users[actor])
    elif actor in world.api_keys:
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {world.api_keys[actor]}")
    return client


TODAY = dt.date(2026, 11, 26)
