"""Writes of field work: visits, escalation cases and their transitions, campaigns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.permissions import Ability, Actor
from agencies.models import AgencyKind, PartnerAgency
from core.workdays import add_working_days
from employers.models import ComplianceStatus, Employer
from employers.services import (
    employer_status_change,
    employer_workers_enrolled,
    status_proposal_create,
)
from regions.models import BranchOffice

from .models import (
    Campaign,
    CaseKind,
    CaseState,
    CaseTransition,
    EscalationCase,
    PublicService,
    SanctionKind,
    SanctionOutcome,
    SanctionStep,
    Visit,
    VisitOutcome,
)
from .signals import case_sent, sanction_deadline_lapsed

# draft -> sent -> in_progress -> resolved/closed; an open case may be closed at any time.
ALLOWED_TRANSITIONS: dict[str, tuple[str, ...]] = {
    CaseState.DRAFT: (CaseState.SENT, CaseState.CLOSED),
    CaseState.SENT: (CaseState.IN_PROGRESS, CaseState.CLOSED),
    CaseState.IN_PROGRESS: (CaseState.RESOLVED, CaseState.CLOSED),
    CaseState.RESOLVED: (),
    CaseState.CLOSED: (),
}

# Referral to labour inspectors goes to Kemenaker/Disnaker, an SKK to the prosecutor's office.
AGENCY_KIND_FOR_CASE = {
    CaseKind.INSPECTION: AgencyKind.DISNAKER,
    CaseKind.SKK: AgencyKind.KEJAKSAAN,
}


def agency_covers_regency(agency: PartnerAgency, regency) -> bool:
    """A national agency covers every regency; a provincial one its province's; a regency one
    its own (Disnaker Jawa Barat is no one to send a Serang employer to)."""
    if agency.jurisdiction_regency_id:
        return agency.jurisdiction_regency_id == regency.pk
    if agency.jurisdiction_province_id:
        return agency.jurisdiction_province_id == regency.province_id
    return True


@transaction.atomic
def visit_log(
    *,
    employer: Employer,
    officer: Actor,
    visited_on: dt.date,
    purpose: str,
    outcome: str,
    finding: str = "",
    workers_enrolled: int = 0,
    promised_by: dt.date | None = None,
    follow_up_on: dt.date | None = None,
    notes: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    new_status: str = "",
    status_reason: str = "",
) -> Visit:
    """Record a visit; optionally the employer's new compliance status, in the same transaction."""
    if not permissions.can_for_branch(officer, Ability.LOG_VISITS, employer):
        raise PermissionDenied(_("Anda tidak berwenang mencatat kunjungan ke pemberi kerja ini."))
    branch_id = employer.branch_id or getattr(officer, "branch_id", None)
    if branch_id is None:
        raise ValidationError({"employer": _("Pemberi kerja belum memiliki kantor cabang.")})
    if outcome != VisitOutcome.ENROLLED:
        workers_enrolled = 0
    if outcome == VisitOutcome.PROMISED and promised_by is None:
        raise ValidationError({"promised_by": _("Isi tanggal janji mendaftar.")})
    if outcome == VisitOutcome.ENROLLED and not workers_enrolled:
        raise ValidationError({"workers_enrolled": _("Isi jumlah pekerja yang didaftarkan.")})
    if follow_up_on is not None and follow_up_on < visited_on:
        raise ValidationError(
            {"follow_up_on": _("Tanggal tindak lanjut tidak boleh sebelum tanggal kunjungan.")}
        )
    if visited_on > timezone.localdate():
        raise ValidationError({"visited_on": _("Tanggal kunjungan tidak boleh di masa depan.")})
    visit = Visit(
        employer=employer,
        branch_id=branch_id,
        officer=officer,
        visited_on=visited_on,
        purpose=purpose,
        outcome=outcome,
        finding=finding,
        workers_enrolled=workers_enrolled or 0,
        promised_by=promised_by if outcome == VisitOutcome.PROMISED else None,
        follow_up_on=follow_up_on,
        notes=notes,
        latitude=latitude,
        longitude=longitude,
    )
    visit.full_clean()
    visit.save()
    # Visiting the employer again is the follow-up the earlier visits asked for.
    Visit.objects.filter(
        employer=employer,
        follow_up_done=False,
        follow_up_on__isnull=False,
        visited_on__lte=visited_on,
    ).exclude(pk=visit.pk).update(follow_up_done=True)
    if visit.workers_enrolled:
        employer_workers_enrolled(employer=employer, count=visit.workers_enrolled, user=officer)
    if new_status and new_status != employer.compliance_status:
        employer_status_change(
            employer=employer, to_status=new_status, reason=status_reason, user=officer, visit=visit
        )
    return visit


@transaction.atomic
def visit_follow_up_done(*, visit: Visit, user: Actor) -> Visit:
    if not permissions.can_for_branch(user, Ability.LOG_VISITS, visit):
        raise PermissionDenied(_("Anda tidak berwenang mengubah kunjungan ini."))
    visit.follow_up_done = True
    visit.save(update_fields=["follow_up_done"])
    return visit


@transaction.atomic
def case_open(
    *,
    employer: Employer,
    agency: PartnerAgency,
    kind: str,
    summary: str,
    user: Actor,
    send: bool = False,
    letter_number: str = "",
    note: str = "",
    arrears_amount: Decimal | None = None,
) -> EscalationCase:
    """Open a case as a draft (and send it at once when `send`)."""
    if not permissions.can_for_branch(user, Ability.ESCALATE_CASES, employer):
        raise PermissionDenied(_("Anda tidak berwenang membuka kasus untuk pemberi kerja ini."))
    if kind not in CaseKind.values:
        raise ValidationError({"kind": _("Jenis kasus tidak dikenal.")})
    if agency.kind != AGENCY_KIND_FOR_CASE[kind]:
        raise ValidationError(
            {
                "agency": _("%(kind)s harus ditujukan ke instansi %(agency_kind)s.")
                % {
                    "kind": CaseKind(kind).label,
                    "agency_kind": AgencyKind(AGENCY_KIND_FOR_CASE[kind]).label,
                }
            }
        )
    if not agency.is_active:
        raise ValidationError({"agency": _("Instansi tidak aktif.")})
    if not agency_covers_regency(agency, employer.regency):
        raise ValidationError(
            {"agency": _("Wilayah instansi ini tidak mencakup lokasi pemberi kerja.")}
        )
    if arrears_amount is not None and arrears_amount < 0:
        raise ValidationError({"arrears_amount": _("Tunggakan tidak boleh negatif.")})
    if not summary.strip():
        raise ValidationError({"summary": _("Ringkasan pelanggaran wajib diisi.")})
    if employer.branch_id is None:
        raise ValidationError({"employer": _("Pemberi kerja belum memiliki kantor cabang.")})
    now = timezone.now()
    latest_step = employer.sanction_steps.order_by("-issued_on", "-id").first()
    case = EscalationCase.objects.create(
        employer=employer,
        branch_id=employer.branch_id,
        agency=agency,
        kind=kind,
        state=CaseState.DRAFT,
        summary=summary.strip(),
        arrears_amount=arrears_amount,
        sanction_step=latest_step,
        state_changed_at=now,
        created_by=user,
    )
    CaseTransition.objects.create(
        case=case, from_state="", to_state=CaseState.DRAFT, at=now, by=permissions.user_row(user)
    )
    if send:
        case_transition(
            case=case, to_state=CaseState.SENT, user=user, letter_number=letter_number, note=note
        )
    return case


def case_allowed_transitions(
    *, case: EscalationCase, user, in_scope: bool = False
) -> tuple[str, ...]:
    """Next states this user may move the case to.

    `in_scope`: the caller read the case through accounts.permissions already (saves a query
    per row).
    """
    allowed = ALLOWED_TRANSITIONS[case.state]
    may_take_up = permissions.can(user, Ability.TAKE_UP_CASES)
    may_escalate = permissions.can(user, Ability.ESCALATE_CASES)
    if not (may_take_up or may_escalate):
        return ()
    if not in_scope:
        visible = permissions.cases_visible_to(EscalationCase.objects.filter(pk=case.pk), user)
        if not visible.exists():
            return ()
    permitted = set()
    if may_take_up:
        # The receiving agency works the case; sending it is the branch's act.
        permitted.update(state for state in allowed if state != CaseState.SENT)
    if may_escalate:
        # Taking the case up is the receiving agency's act; BPJS staff send, resolve or close.
        permitted.update(state for state in allowed if state != CaseState.IN_PROGRESS)
    return tuple(state for state in allowed if state in permitted)


@transaction.atomic
def case_transition(
    *,
    case: EscalationCase,
    to_state: str,
    user: Actor,
    letter_number: str = "",
    note: str = "",
    api_key=None,
    proposed_status: str = ComplianceStatus.REGISTERED,
) -> CaseTransition:
    """Move a case on. Resolving it needs the letter and a note, and proposes the employer's new
    compliance status to the branch (the agency does not set it itself)."""
    locked = (
        EscalationCase.objects.select_for_update(of=("self",))
        .select_related("employer", "agency")
        .get(pk=case.pk)
    )
    if to_state not in CaseState.values:
        raise ValidationError({"state": _("Status kasus tidak dikenal.")})
    if to_state not in ALLOWED_TRANSITIONS[locked.state]:
        raise ValidationError(
            {
                "state": _("Kasus berstatus %(from)s tidak dapat diubah menjadi %(to)s.")
                % {"from": CaseState(locked.state).label, "to": CaseState(to_state).label}
            }
        )
    if to_state not in case_allowed_transitions(case=locked, user=user):
        raise PermissionDenied(_("Anda tidak berwenang mengubah status kasus ini."))
    if to_state == CaseState.RESOLVED:
        errors = {}
        if not letter_number.strip():
            errors["letter_number"] = _("Nomor surat wajib diisi untuk kasus yang selesai.")
        if not note.strip():
            errors["note"] = _("Catatan wajib diisi: apa yang membuat pemberi kerja patuh.")
        if errors:
            raise ValidationError(errors)
    now = timezone.now()
    transition = CaseTransition.objects.create(
        case=locked,
        from_state=locked.state,
        to_state=to_state,
        at=now,
        by=permissions.user_row(user),
        by_api_key=api_key,
        letter_number=letter_number.strip(),
        note=note.strip(),
    )
    locked.state = to_state
    locked.state_changed_at = now
    # DRF puts the API key principal on the request; the history must not take it for a user.
    locked._history_user = permissions.user_row(user)
    locked.save(update_fields=["state", "state_changed_at"])
    case.state, case.state_changed_at = to_state, now
    if to_state == CaseState.RESOLVED and proposed_status:
        status_proposal_create(
            employer=locked.employer,
            to_status=proposed_status,
            reason=note,
            user=user,
            agency=locked.agency if permissions.can(user, Ability.TAKE_UP_CASES) else None,
            case=locked,
        )
    if to_state == CaseState.SENT:
        case_sent.send(sender=EscalationCase, case=locked)
    return transition


@transaction.atomic
def campaign_create(
    *,
    user: Actor,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    branches: Iterable = (),
    regencies: Iterable = (),
    provinces: Iterable = (),
    agencies: Iterable = (),
    target_new_participants: int = 0,
    target_employers_compliant: int = 0,
    target_non_asn_enrolled: int = 0,
) -> Campaign:
    if not permissions.can(user, Ability.MANAGE_CAMPAIGNS):
        raise PermissionDenied(_("Hanya admin atau kantor wilayah yang dapat membuat kampanye."))
    branches = list(branches)
    visible_branches = permissions.branches_visible_to(BranchOffice.objects.all(), user)
    if visible_branches.filter(pk__in=[branch.pk for branch in branches]).count() != len(branches):
        raise PermissionDenied(_("Kantor wilayah hanya dapat memilih cabangnya sendiri."))
    campaign = Campaign(
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        target_new_participants=target_new_participants,
        target_employers_compliant=target_employers_compliant,
        target_non_asn_enrolled=target_non_asn_enrolled,
        created_by=permissions.user_row(user),
    )
    campaign.full_clean()
    campaign.save()
    campaign.branches.set(branches)
    campaign.regencies.set(list(regencies))
    campaign.provinces.set(list(provinces))
    campaign.agencies.set(list(agencies))
    return campaign


# --- The sanction ladder (UU 24/2011 art. 17; PP 86/2013 art. 5-13) ---------------------------

# Each written warning gives the employer 10 working days to comply (PP 86/2013 art. 7).
WARNING_WORKING_DAYS = 10
# The fine is 0.1% of the contributions due for each month they are late (PP 86/2013 art. 8).
FINE_RATE_PER_MONTH = Decimal("0.001")
# What must stand on the ladder before each rung: (kind, outcome) of the latest step.
LADDER_PREREQUISITE: dict[str, tuple[str, str] | None] = {
    SanctionKind.WARNING_1: None,
    SanctionKind.WARNING_2: (SanctionKind.WARNING_1, SanctionOutcome.LAPSED),
    SanctionKind.FINE: (SanctionKind.WARNING_2, SanctionOutcome.LAPSED),
    SanctionKind.TMP2T: (SanctionKind.FINE, SanctionOutcome.LAPSED),
}
# TMP2T is asked of the central or regional government that grants the permits.
TMP2T_AGENCY_KINDS = (AgencyKind.PEMDA, AgencyKind.OTHER)


def sanction_fine_amount(*, contributions_due: Decimal, months_late: int) -> Decimal:
    """0.1% per month of the contributions due, in whole rupiah."""
    return (contributions_due * FINE_RATE_PER_MONTH * months_late).quantize(Decimal("1"))


def sanction_next_kind(*, latest: SanctionStep | None) -> str | None:
    """The rung the employer is due for next, or None while a step waits for its outcome."""
    if latest is None or latest.outcome in (SanctionOutcome.COMPLIED, SanctionOutcome.WITHDRAWN):
        return SanctionKind.WARNING_1
    if latest.outcome == SanctionOutcome.PENDING:
        return None
    for kind, prerequisite in LADDER_PREREQUISITE.items():
        if prerequisite == (latest.kind, latest.outcome):
            return kind
    return None  # TMP2T lapsed: the ladder is at its top; the cases (SKK) take over.


@transaction.atomic
def sanction_issue(
    *,
    employer: Employer,
    kind: str,
    letter_number: str,
    issued_on: dt.date,
    user: Actor,
    arrears_amount: Decimal = Decimal(0),
    months_late: int | None = None,
    agency: PartnerAgency | None = None,
    public_services: Iterable[str] = (),
) -> SanctionStep:
    """Issue the next rung for an employer; warnings get their deadline in working days."""
    locked = Employer.objects.select_for_update().get(pk=employer.pk)
    if not permissions.can_for_branch(user, Ability.ESCALATE_CASES, locked):
        raise PermissionDenied(_("Anda tidak berwenang memberi sanksi kepada pemberi kerja ini."))
    if kind not in SanctionKind.values:
        raise ValidationError({"kind": _("Tahap sanksi tidak dikenal.")})
    latest = locked.sanction_steps.order_by("-issued_on", "-id").first()
    expected = sanction_next_kind(latest=latest)
    if kind != expected:
        if expected is None:
            message = _("Tahap sebelumnya belum memiliki hasil.")
        else:
            message = _("Tahap berikutnya untuk pemberi kerja ini adalah %(kind)s.") % {
                "kind": SanctionKind(expected).label
            }
        raise ValidationError({"kind": message})
    errors: dict[str, str] = {}
    if not letter_number.strip():
        errors["letter_number"] = _("Nomor surat wajib diisi.")
    if issued_on > timezone.localdate():
        errors["issued_on"] = _("Tanggal surat tidak boleh di masa depan.")
    if latest is not None and issued_on < latest.issued_on:
        errors["issued_on"] = _("Tanggal surat tidak boleh sebelum tahap sebelumnya.")
    if arrears_amount < 0:
        errors["arrears_amount"] = _("Tunggakan tidak boleh negatif.")
    fine_amount = None
    if kind == SanctionKind.FINE:
        if not arrears_amount:
            errors["arrears_amount"] = _("Isi iuran terutang: denda dihitung darinya.")
        if not months_late:
            errors["months_late"] = _("Isi jumlah bulan keterlambatan.")
        if not errors:
            fine_amount = sanction_fine_amount(
                contributions_due=arrears_amount, months_late=months_late
            )
    services = sorted(set(public_services))
    if kind == SanctionKind.TMP2T:
        if agency is None or agency.kind not in TMP2T_AGENCY_KINDS:
            errors["agency"] = _("Pilih pemerintah daerah atau kementerian yang diminta.")
        elif not agency_covers_regency(agency, locked.regency):
            errors["agency"] = _("Wilayah instansi ini tidak mencakup lokasi pemberi kerja.")
        if not services or not set(services) <= set(PublicService.values):
            errors["public_services"] = _("Pilih layanan publik yang diminta untuk ditahan.")
    if errors:
        raise ValidationError(errors)
    if locked.branch_id is None:
        raise ValidationError({"kind": _("Pemberi kerja belum memiliki kantor cabang.")})
    warning = kind in (SanctionKind.WARNING_1, SanctionKind.WARNING_2)
    step = SanctionStep(
        employer=locked,
        branch_id=locked.branch_id,
        kind=kind,
        letter_number=letter_number.strip(),
        issued_on=issued_on,
        deadline=add_working_days(issued_on, WARNING_WORKING_DAYS) if warning else None,
        arrears_amount=arrears_amount,
        months_late=months_late if kind == SanctionKind.FINE else None,
        fine_amount=fine_amount,
        agency=agency if kind == SanctionKind.TMP2T else None,
        public_services=services if kind == SanctionKind.TMP2T else [],
        issued_by=user,
    )
    step._history_user = permissions.user_row(user)
    step.full_clean()
    step.save()
    return step


@transaction.atomic
def sanction_outcome_record(
    *,
    step: SanctionStep,
    outcome: str,
    user: Actor,
    on: dt.date | None = None,
    note: str = "",
    recovered_amount: Decimal = Decimal(0),
) -> SanctionStep:
    """Close a rung: complied (the arrears paid, workers registered), withdrawn, or lapsed (a
    fine unpaid, a TMP2T request without effect; warnings lapse by themselves at their deadline)."""
    locked = SanctionStep.objects.select_for_update().get(pk=step.pk)
    if not permissions.can_for_branch(user, Ability.ESCALATE_CASES, locked):
        raise PermissionDenied(_("Anda tidak berwenang mengubah sanksi ini."))
    on = on or timezone.localdate()
    if locked.outcome != SanctionOutcome.PENDING:
        raise ValidationError({"outcome": _("Tahap ini sudah memiliki hasil.")})
    if outcome not in (SanctionOutcome.COMPLIED, SanctionOutcome.WITHDRAWN, SanctionOutcome.LAPSED):
        raise ValidationError({"outcome": _("Hasil tidak dikenal.")})
    if outcome == SanctionOutcome.LAPSED and locked.deadline is not None and on <= locked.deadline:
        raise ValidationError({"outcome": _("Tenggat teguran belum lewat.")})
    if outcome != SanctionOutcome.COMPLIED and not note.strip():
        raise ValidationError({"note": _("Catatan wajib diisi.")})
    if recovered_amount < 0:
        raise ValidationError({"recovered_amount": _("Jumlah tertagih tidak boleh negatif.")})
    locked.outcome = outcome
    locked.outcome_on = on
    locked.outcome_note = note.strip()
    locked.recovered_amount += recovered_amount
    locked._history_user = permissions.user_row(user)
    locked.save(update_fields=["outcome", "outcome_on", "outcome_note", "recovered_amount"])
    return locked


@transaction.atomic
def sanction_recovery_add(*, step: SanctionStep, amount: Decimal, user: Actor) -> SanctionStep:
    """Arrears recovered after the step (instalments come in over months)."""
    if amount <= 0:
        raise ValidationError({"recovered_amount": _("Isi jumlah yang tertagih.")})
    locked = SanctionStep.objects.select_for_update().get(pk=step.pk)
    if not permissions.can_for_branch(user, Ability.ESCALATE_CASES, locked):
        raise PermissionDenied(_("Anda tidak berwenang mengubah sanksi ini."))
    locked.recovered_amount += amount
    locked._history_user = permissions.user_row(user)
    locked.save(update_fields=["recovered_amount"])
    return locked


@transaction.atomic
def sanction_lapse_overdue(*, today: dt.date | None = None) -> list[int]:
    """Warnings whose deadline has passed with no outcome lapse; each lapse is announced once
    (the step leaves `pending` in the same transaction, and rows another run holds are
    skipped)."""
    today = today or timezone.localdate()
    overdue = list(
        SanctionStep.objects.select_for_update(skip_locked=True)
        .filter(outcome=SanctionOutcome.PENDING, deadline__lt=today)
        .order_by("id")
    )
    if not overdue:
        return []
    ids = [step.pk for step in overdue]
    SanctionStep.objects.filter(pk__in=ids).update(outcome=SanctionOutcome.LAPSED, outcome_on=today)
    for step in overdue:
        step.outcome, step.outcome_on = SanctionOutcome.LAPSED, today
        sanction_deadline_lapsed.send(sender=SanctionStep, step=step)
    return ids
