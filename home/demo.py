"""Clearly synthetic demo data: employers, participants, agencies, visits and one user per role.

Deterministic (fixed random seed) and keyed on natural identifiers (NPP, NIK, username), so
running it again finds the same rows and creates nothing new.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from agencies.models import AgencyKind, CooperationAgreement, PartnerAgency
from campaigns.models import (
    Campaign,
    CaseKind,
    CaseState,
    CaseTransition,
    EscalationCase,
    SanctionKind,
    SanctionOutcome,
    SanctionStep,
    Visit,
    VisitOutcome,
    VisitPurpose,
)
from core.identifiers import nik_compose
from core.workdays import add_working_days
from employers.models import (
    NON_COMPLIANT_STATUSES,
    ComplianceStatus,
    ComplianceStatusChange,
    Employer,
    Sector,
    SizeClass,
)
from participants.models import Participant, ParticipantStatus, Segment
from participants.synthetic import AREA_ACTIVE_PERCENT, participants_generate_area
from regions.models import (
    BranchOffice,
    BranchRegency,
    CoverageTarget,
    District,
    RegionalOffice,
    RegionLevel,
    WorkforceFigure,
)
from worker_lists.models import EnrollmentLead, LeadStatus, SubmissionStatus
from worker_lists.services import lead_status_set, worker_list_process, worker_list_submit

DEMO_PROVINCES = ("36", "31", "32")
DEMO_PASSWORD = "demo-pass-2026"
EMPLOYERS_PER_PROVINCE = 100
PARTICIPANTS_PER_PROVINCE = 1500

_FIRST_NAMES_M = [
    "Agus",
    "Budi",
    "Dedi",
    "Eko",
    "Fajar",
    "Hendra",
    "Joko",
    "Rudi",
    "Slamet",
    "Yusuf",
]
_FIRST_NAMES_F = [
    "Ani",
    "Dewi",
    "Fitri",
    "Indah",
    "Lestari",
    "Nur",
    "Putri",
    "Rina",
    "Sari",
    "Wati",
]
_LAST_NAMES = ["Demo", "Contoh", "Sintetis", "Uji", "Percobaan"]
_COMPANY_WORDS = [
    "Maju",
    "Sejahtera",
    "Abadi",
    "Mandiri",
    "Sentosa",
    "Jaya",
    "Makmur",
    "Lestari",
]
_COMPANY_KINDS = [
    "Konveksi",
    "Logistik",
    "Bangunan",
    "Niaga",
    "Pangan",
    "Teknik",
    "Boga",
    "Tambak",
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    full_name: str
    branch_code: str | None = None
    regional_office_code: str | None = None
    agency_name: str | None = None


DEMO_AGENCIES = [
    ("Pemerintah Provinsi Banten (demo)", AgencyKind.PEMDA, "36", None),
    ("Pemerintah Kota Serang (demo)", AgencyKind.PEMDA, "36", "36.73"),
    ("Disnaker Provinsi Banten (demo)", AgencyKind.DISNAKER, "36", None),
    ("Kejaksaan Negeri Kota Serang (demo)", AgencyKind.KEJAKSAAN, "36", "36.73"),
    ("Kejaksaan Tinggi Banten (demo)", AgencyKind.KEJAKSAAN, "36", None),
    ("Apindo Banten (demo)", AgencyKind.APINDO, "36", None),
    ("Pemerintah Provinsi DKI Jakarta (demo)", AgencyKind.PEMDA, "31", None),
    ("Disnaker Provinsi Jawa Barat (demo)", AgencyKind.DISNAKER, "32", None),
]

DEMO_USERS = [
    DemoUser("admin", Role.ADMIN, "Administrator Demo"),
    DemoUser("dewas", Role.MANAGEMENT, "Dewan Pengawas Demo"),
    DemoUser(
        "kanwil.banten",
        Role.REGIONAL,
        "Staf Kanwil Banten Demo",
        regional_office_code="kw-banten",
    ),
    DemoUser(
        "cabang.serang",
        Role.BRANCH,
        "Staf Cabang Serang Raya Demo",
        branch_code="kc-serang-raya",
    ),
    DemoUser(
        "cabang.tangerang",
        Role.BRANCH,
        "Staf Cabang Tangerang Demo",
        branch_code="kc-tangerang",
    ),
    DemoUser(
        "pemda.serang",
        Role.AGENCY,
        "Operator Pemkot Serang Demo",
        agency_name="Pemerintah Kota Serang (demo)",
    ),
    DemoUser(
        "disnaker.banten",
        Role.AGENCY,
        "Pengawas Disnaker Banten Demo",
        agency_name="Disnaker Provinsi Banten (demo)",
    ),
    DemoUser(
        "kejari.serang",
        Role.AGENCY,
        "Jaksa Pengacara Negara Demo",
        agency_name="Kejaksaan Negeri Kota Serang (demo)",
    ),
]


def _users_create() -> list[tuple[str, str]]:
    credentials = []
    for spec in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=spec.username,
            defaults={
                "role": spec.role,
                "first_name": spec.full_name,
                "is_staff": spec.role == Role.ADMIN,
                "is_superuser": spec.role == Role.ADMIN,
                "branch": BranchOffice.objects.filter(code=spec.branch_code).first(),
                "regional_office": (
                    RegionalOffice.objects.filter(code=spec.regional_office_code).first()
                    or (
                        BranchOffice.objects.get(code=spec.branch_code).regional_office
                        if spec.branch_code
                        else None
                    )
                ),
                "agency": PartnerAgency.objects.filter(name=spec.agency_name).first(),
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        credentials.append((spec.username, spec.role))
    return credentials


def _agencies_create() -> None:
    for number, (name, kind, province, regency) in enumerate(DEMO_AGENCIES, start=1):
        agency, _ = PartnerAgency.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "jurisdiction_province_id": province,
                "jurisdiction_regency_id": regency,
            },
        )
        CooperationAgreement.objects.get_or_create(
            agency=agency,
            number=f"DEMO/PKS/{number:03d}/2026",
            defaults={
                "title": "Perjanjian kerja sama perluasan kepesertaan (contoh sintetis)",
                "signed_on": dt.date(2026, 1, 15),
                "valid_from": dt.date(2026, 1, 15),
                "valid_until": dt.date(2028, 12, 31),
            },
        )


def _employers_create(rng: random.Random) -> list[Employer]:
    links = list(
        BranchRegency.objects.filter(
            regency__province_id__in=DEMO_PROVINCES, is_primary=True
        ).order_by("regency_id")
    )
    districts_by_regency: dict[str, list[str]] = {}
    for code, regency_id in District.objects.filter(
        regency__province_id__in=DEMO_PROVINCES
    ).values_list("code", "regency_id"):
        districts_by_regency.setdefault(regency_id, []).append(code)
    statuses = [s for s in ComplianceStatus if s != ComplianceStatus.CLOSED]
    employers = []
    for province in DEMO_PROVINCES:
        province_links = [link for link in links if link.regency_id.startswith(province)]
        for index in range(EMPLOYERS_PER_PROVINCE):
            link = province_links[index % len(province_links)]
            status = rng.choices(statuses, weights=[45, 15, 10, 5, 25])[0]
            reported = rng.choice([3, 8, 15, 25, 40, 60, 120, 250])
            employers.append(
                Employer(
                    name=(
                        f"PT {rng.choice(_COMPANY_WORDS)} {rng.choice(_COMPANY_KINDS)} "
                        f"Demo {province}{index:03d}"
                    ),
                    npp=None
                    if status == ComplianceStatus.NOT_REGISTERED
                    else f"DEMO{province}{index:05d}",
                    nib=f"{rng.randrange(10**12, 10**13)}",
                    npwp=f"{rng.randrange(10**14, 10**15)}",
                    sector=rng.choice(list(Sector)),
                    size_class=(
                        SizeClass.MICRO
                        if reported < 5
                        else SizeClass.SMALL
                        if reported < 20
                        else SizeClass.MEDIUM
                        if reported < 100
                        else SizeClass.LARGE
                    ),
                    regency_id=link.regency_id,
                    district_id=rng.choice(districts_by_regency[link.regency_id]),
                    branch_id=link.branch_id,
                    compliance_status=status,
                    reported_workers=reported,
                    registered_workers=0
                    if status == ComplianceStatus.NOT_REGISTERED
                    else round(reported * rng.uniform(0.4, 1.0)),
                )
            )
    existing = set(
        Employer.objects.filter(name__in=[e.name for e in employers]).values_list("name", flat=True)
    )
    new = [e for e in employers if e.name not in existing]
    Employer.objects.bulk_create(new)
    now = timezone.now()
    ComplianceStatusChange.objects.bulk_create(
        ComplianceStatusChange(
            employer=e,
            to_status=e.compliance_status,
            changed_at=now,
            reason="Data awal demo (sintetis)",
        )
        for e in new
    )
    return list(Employer.objects.filter(name__contains=" Demo ").order_by("pk"))


def _participants_create(rng: random.Random, employers: list[Employer]) -> None:
    employers_by_province: dict[str, list[Employer]] = {}
    for employer in employers:
        if employer.compliance_status != ComplianceStatus.NOT_REGISTERED:
            employers_by_province.setdefault(employer.regency_id[:2], []).append(employer)
    districts = list(
        District.objects.filter(regency__province_id__in=DEMO_PROVINCES).values_list(
            "code", "regency_id"
        )
    )
    participants = []
    serial = 0
    for province in DEMO_PROVINCES:
        province_districts = [d for d in districts if d[0].startswith(province)]
        for _ in range(PARTICIPANTS_PER_PROVINCE):
            serial += 1
            district_code, regency_code = rng.choice(province_districts)
            female = rng.random() < 0.45
            birth = dt.date(1965, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 40))
            segment = rng.choices(list(Segment), weights=[70, 20, 7, 3])[0]
            employer = None
            if segment in (Segment.PU, Segment.JAKON):
                employer = rng.choice(employers_by_province[province])
                regency_code = employer.regency_id
            first = rng.choice(_FIRST_NAMES_F if female else _FIRST_NAMES_M)
            registered = dt.date(2018, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 8 + 300))
            status = ParticipantStatus.ACTIVE if rng.random() < 0.8 else ParticipantStatus.INACTIVE
            participants.append(
                Participant(
                    nik=nik_compose(
                        district_code=district_code,
                        birth_date=birth,
                        female=female,
                        serial=serial,
                    ),
                    full_name=f"{first} {rng.choice(_LAST_NAMES)}",
                    sex="F" if female else "M",
                    birth_date=birth,
                    segment=segment,
                    status=status,
                    employer=employer,
                    work_regency_id=regency_code,
                    registered_on=registered,
                    last_paid_period=registered.replace(day=1)
                    if status == ParticipantStatus.INACTIVE
                    else dt.date(2026, 10, 1),
                )
            )
    Participant.objects.bulk_create(participants, ignore_conflicts=True, batch_size=1000)


def _visits_create(rng: random.Random, employers: list[Employer]) -> None:
    if Visit.objects.filter(notes__startswith="[demo]").exists():
        return
    officers = {
        u.branch_id: u
        for u in User.objects.filter(role=Role.BRANCH, username__startswith="cabang.")
    }
    today = timezone.localdate()
    visits = []
    for employer in employers:
        officer = officers.get(employer.branch_id)
        if officer is None or len(visits) >= 24 or rng.random() < 0.6:
            continue
        outcome = rng.choice([VisitOutcome.ENROLLED, VisitOutcome.PROMISED, VisitOutcome.REFUSED])
        visits.append(
            Visit(
                employer=employer,
                branch_id=employer.branch_id,
                officer=officer,
                visited_on=today - dt.timedelta(days=rng.randrange(1, 60)),
                purpose=rng.choice(list(VisitPurpose)),
                finding="Sebagian pekerja belum terdaftar (contoh sintetis).",
                outcome=outcome,
                workers_enrolled=rng.randrange(1, 10) if outcome == VisitOutcome.ENROLLED else 0,
                promised_by=today + dt.timedelta(days=14)
                if outcome == VisitOutcome.PROMISED
                else None,
                follow_up_on=today + dt.timedelta(days=rng.randrange(-5, 10)),
                notes="[demo] kunjungan sintetis",
            )
        )
    Visit.objects.bulk_create(visits)


# The source article: about 30% of workers covered in 2021, and the aim of reaching the 60-80%
# of Singapore and Malaysia within five years. The demo's national target path runs straight from
# 30% (2021) to 60% (2026), the band's lower edge, and holds there; it is not an official target.
# Provinces and regencies inherit it unless an administrator sets their own.
DEMO_TARGET_NOTE = (
    "Target demo dari artikel sumber: sekitar 30% (2021) menuju 60-80% seperti Singapura dan "
    "Malaysia dalam lima tahun; bukan target resmi"
)
DEMO_TARGET_PATH = {
    2021: 30,
    2022: 36,
    2023: 42,
    2024: 48,
    2025: 54,
    **dict.fromkeys(range(2026, 2031), 60),
}

# The synthetic register is dense only in the demo branch's area (Cabang Serang Raya): a share
# of the official employed (BPS Sakernas) per regency, so its pages read like a real branch.
DEMO_AREA_ACTIVE_SHARE = {"36.73": 0.22, "36.04": 0.12}


def _targets_create() -> None:
    for year, target_pct in DEMO_TARGET_PATH.items():
        CoverageTarget.objects.get_or_create(
            level=RegionLevel.NATIONAL,
            region_code="ID",
            year=year,
            defaults={"target_pct": target_pct, "note": DEMO_TARGET_NOTE},
        )


def _area_participants_create() -> int:
    """Synthetic register for the demo area, set-based (participants.synthetic)."""
    inserted = 0
    for regency_code, share in DEMO_AREA_ACTIVE_SHARE.items():
        figure = (
            WorkforceFigure.objects.filter(level=RegionLevel.REGENCY, region_code=regency_code)
            .order_by("-period")
            .first()
        )
        if figure is None:
            continue
        count = round(figure.employed * share * 100 / AREA_ACTIVE_PERCENT)
        inserted += participants_generate_area(
            regency_code=regency_code, count=count, today=timezone.localdate()
        )
    return inserted


def _field_work_create(employers: list[Employer]) -> None:
    """A synthetic campaign for the Banten branches and two escalation cases (sent and draft)."""
    today = timezone.localdate()
    campaign, created = Campaign.objects.get_or_create(
        name="Kampanye contoh Banten patuh (demo)",
        defaults={
            "starts_on": today - dt.timedelta(days=60),
            "ends_on": today + dt.timedelta(days=120),
            "target_new_participants": 500,
            "target_employers_compliant": 20,
            "target_non_asn_enrolled": 200,
        },
    )
    if created:
        campaign.branches.set(
            BranchOffice.objects.filter(code__in=["kc-serang-raya", "kc-tangerang"])
        )
        campaign.agencies.set(PartnerAgency.objects.filter(name__endswith="(demo)"))
    if EscalationCase.objects.filter(summary__startswith="[demo]").exists():
        return
    officer = User.objects.filter(username="cabang.serang").first()
    serang = [e for e in employers if officer and e.branch_id == officer.branch_id]
    plans = [
        (CaseKind.INSPECTION, "Disnaker Provinsi Banten (demo)", CaseState.SENT),
        (CaseKind.SKK, "Kejaksaan Negeri Kota Serang (demo)", CaseState.DRAFT),
    ]
    now = timezone.now()
    for employer, (kind, agency_name, state) in zip(serang, plans, strict=False):
        agency = PartnerAgency.objects.filter(name=agency_name).first()
        if agency is None:
            continue
        opened = now - dt.timedelta(days=12)
        case = EscalationCase.objects.create(
            employer=employer,
            branch_id=employer.branch_id,
            agency=agency,
            kind=kind,
            state=state,
            summary="[demo] Pekerja belum didaftarkan setelah dua kunjungan (contoh sintetis).",
            state_changed_at=now - dt.timedelta(days=5) if state == CaseState.SENT else opened,
            created_by=officer,
        )
        CaseTransition.objects.create(
            case=case, from_state="", to_state=CaseState.DRAFT, at=opened, by=officer
        )
        if state == CaseState.SENT:
            CaseTransition.objects.create(
                case=case,
                from_state=CaseState.DRAFT,
                to_state=CaseState.SENT,
                at=case.state_changed_at,
                by=officer,
                letter_number="DEMO/KC-SRG/001",
            )


def _sanctions_create(employers: list[Employer]) -> None:
    """Two synthetic rungs of the sanction ladder for Serang employers: a first warning waiting
    for its deadline, and a second one after a lapsed first (letter numbers say DEMO)."""
    if SanctionStep.objects.filter(letter_number__startswith="DEMO/").exists():
        return
    officer = User.objects.filter(username="cabang.serang").first()
    if officer is None:
        return
    serang = [
        e
        for e in employers
        if e.branch_id == officer.branch_id and e.compliance_status in NON_COMPLIANT_STATUSES
    ][2:4]  # the first two carry the demo cases
    today = timezone.localdate()
    for index, employer in enumerate(serang):
        first_on = today - dt.timedelta(days=7 if index == 0 else 30)
        first = SanctionStep.objects.create(
            employer=employer,
            branch_id=employer.branch_id,
            kind=SanctionKind.WARNING_1,
            letter_number=f"DEMO/KC-SRG/T1/{index + 1:03d}",
            issued_on=first_on,
            deadline=add_working_days(first_on, 10),
            arrears_amount=Decimal(15_000_000 + 5_000_000 * index),
            issued_by=officer,
        )
        if index == 0:
            continue
        first.outcome = SanctionOutcome.LAPSED
        first.outcome_on = first.deadline + dt.timedelta(days=1)
        first.outcome_note = "Tidak ada tanggapan (contoh sintetis)."
        first.save()
        second_on = first.outcome_on + dt.timedelta(days=1)
        SanctionStep.objects.create(
            employer=employer,
            branch_id=employer.branch_id,
            kind=SanctionKind.WARNING_2,
            letter_number=f"DEMO/KC-SRG/T2/{index + 1:03d}",
            issued_on=second_on,
            deadline=add_working_days(second_on, 10),
            arrears_amount=first.arrears_amount,
            issued_by=officer,
        )


@transaction.atomic
def demo_data_create(*, seed: int = 2021) -> list[tuple[str, str]]:
    """Create the demo dataset (regions and offices must be loaded). Returns (username, role)."""
    rng = random.Random(seed)
    _agencies_create()
    credentials = _users_create()
    employers = _employers_create(rng)
    _participants_create(rng, employers)
    _area_participants_create()
    _visits_create(rng, employers)
    _targets_create()
    _field_work_create(employers)
    _sanctions_create(employers)
    return credentials


DEMO_LIST_AGENCY = "Pemerintah Kota Serang (demo)"
DEMO_LIST_KEY = "demo-honorer-kota-serang-1"
_DEMO_LIST_UNITS = ("Dinas Pendidikan", "Dinas Kesehatan", "Kecamatan Serang", "Satpol PP")


def _demo_list_rows() -> list[list[str]]:
    """Synthetic non-ASN staff of Kota Serang: a few demo participants (already covered or
    lapsed), new workers (leads), one NIK damaged by a spreadsheet and one repeated row."""
    header = ["nik", "nama", "tanggal_lahir", "kode_kabkota", "unit_kerja", "jabatan"]
    known = list(
        Participant.objects.filter(work_regency_id="36.73")
        .order_by("status", "nik")
        .values_list("nik", "full_name", "birth_date", "status")
    )
    picked = [p for p in known if p[3] == ParticipantStatus.ACTIVE][:3]
    picked += [p for p in known if p[3] == ParticipantStatus.INACTIVE][:1]
    rows = [
        [nik, name, f"{birth:%Y-%m-%d}", "36.73", _DEMO_LIST_UNITS[i % 4], "Tenaga honorer"]
        for i, (nik, name, birth, _status) in enumerate(picked)
    ]
    for i in range(8):
        birth = dt.date(1988 + i, 3 + i, 10 + i)
        female = i % 2 == 1
        first = (_FIRST_NAMES_F if female else _FIRST_NAMES_M)[i % 5]
        nik = nik_compose(
            district_code="36.73.01", birth_date=birth, female=female, serial=9901 + i
        )
        unit = _DEMO_LIST_UNITS[i % 4]
        rows.append(
            [nik, f"{first} {_LAST_NAMES[i % 5]}", f"{birth:%Y-%m-%d}", "36.73", unit, "Staf"]
        )
    rows.append(rows[-1][:])  # the same worker twice in one list
    rows.append(["3.67301E+15", "Baris Rusak Contoh", "1990-01-01", "36.73", "Satpol PP", "Staf"])
    return [header, *rows]


def demo_worker_list_submit():
    """One small synthetic worker list from the demo Pemkot Serang, through the real services,
    so the partner panel and the branch leads page have data. Idempotent: its Idempotency-Key
    makes a second run find the first list; two of its leads are marked enrolled once."""
    agency = PartnerAgency.objects.get(name=DEMO_LIST_AGENCY)
    text = io.StringIO()
    csv.writer(text).writerows(_demo_list_rows())
    submission, _created = worker_list_submit(
        agency=agency,
        reference="Daftar honorer Kota Serang (demo, sintetis)",
        fileobj=io.BytesIO(text.getvalue().encode()),
        filename="honorer-kota-serang-demo.csv",
        idempotency_key=DEMO_LIST_KEY,
        submitted_by_user=User.objects.filter(username="pemda.serang").first(),
    )
    submission.refresh_from_db()
    if submission.status != SubmissionStatus.DONE:
        # No worker needed for the demo (a queued message, if any, re-runs it harmlessly).
        submission = worker_list_process(submission_id=submission.pk)
    leads = EnrollmentLead.objects.filter(agency=agency).order_by("nik")
    officer = User.objects.filter(username="cabang.serang").first()
    if officer and not leads.filter(status=LeadStatus.ENROLLED).exists():
        for lead in leads.filter(status=LeadStatus.NEW)[:2]:
            lead_status_set(lead=lead, status=LeadStatus.ENROLLED, user=officer)
    return submission
