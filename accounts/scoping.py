"""What each role may see. Every page, API and export filters through these functions.

- administrator, management/supervisory board: everything;
- regional office staff: the branches of their Kanwil and what those branches own;
- branch staff: their branch's employers, cases, leads and the participants of its regencies;
- partner agency users: only their agency's own data (cases sent to it, its submissions).
Anyone else (anonymous, inactive, a user with no role) sees nothing.
"""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Role


def _role(user) -> str | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Role.ADMIN
    return user.role


def sees_everything(user) -> bool:
    return _role(user) in (Role.ADMIN, Role.MANAGEMENT)


def regency_codes_in_scope(user) -> list[str] | None:
    """Regency codes a user works in; None means all regencies, [] means none."""
    from regions.models import BranchRegency

    role = _role(user)
    if role in (Role.ADMIN, Role.MANAGEMENT):
        return None
    if role == Role.REGIONAL:
        links = BranchRegency.objects.filter(branch__regional_office_id=user.regional_office_id)
    elif role == Role.BRANCH:
        links = BranchRegency.objects.filter(branch_id=user.branch_id)
    else:
        return []
    return sorted(set(links.values_list("regency_id", flat=True)))


def _branch_owned(queryset: QuerySet, role: str | None, user) -> QuerySet | None:
    """The common rule for rows a branch owns (employers, visits, cases, leads): head office and
    the board see all, Kanwil staff their branches' rows, branch staff their branch's. None for
    roles the caller must decide itself (agencies, anonymous)."""
    if role in (Role.ADMIN, Role.MANAGEMENT):
        return queryset
    if role == Role.REGIONAL:
        return queryset.filter(branch__regional_office_id=user.regional_office_id)
    if role == Role.BRANCH:
        return queryset.filter(branch_id=user.branch_id)
    return None


def _may_write_branch_owned(user, branch_id: int | None, branch_loader) -> bool:
    """Writes to a branch-owned row: its branch, that branch's Kanwil and administrators."""
    role = _role(user)
    if role == Role.ADMIN:
        return True
    if branch_id is None:
        return False
    if role == Role.BRANCH:
        return branch_id == user.branch_id
    if role == Role.REGIONAL:
        return branch_loader().regional_office_id == user.regional_office_id
    return False


def branches_visible_to(queryset: QuerySet, user) -> QuerySet:
    role = _role(user)
    if role in (Role.ADMIN, Role.MANAGEMENT):
        return queryset
    if role == Role.REGIONAL:
        return queryset.filter(regional_office_id=user.regional_office_id)
    if role == Role.BRANCH:
        return queryset.filter(pk=user.branch_id)
    return queryset.none()


def employers_visible_to(queryset: QuerySet, user) -> QuerySet:
    role = _role(user)
    owned = _branch_owned(queryset, role, user)
    if owned is not None:
        return owned
    if role == Role.AGENCY:
        from campaigns.models import EscalationCase

        cased = EscalationCase.objects.filter(agency_id=user.agency_id).values("employer_id")
        return queryset.filter(pk__in=cased)
    return queryset.none()


def participants_visible_to(queryset: QuerySet, user) -> QuerySet:
    role = _role(user)
    if role in (Role.ADMIN, Role.MANAGEMENT):
        return queryset
    if role in (Role.REGIONAL, Role.BRANCH):
        return queryset.filter(work_regency_id__in=regency_codes_in_scope(user))
    return queryset.none()


def cases_visible_to(queryset: QuerySet, user) -> QuerySet:
    role = _role(user)
    owned = _branch_owned(queryset, role, user)
    if owned is not None:
        return owned
    if role == Role.AGENCY:
        # A draft has not been sent yet: the receiving agency does not see it.
        return queryset.filter(agency_id=user.agency_id).exclude(state="draft")
    return queryset.none()


def visits_visible_to(queryset: QuerySet, user) -> QuerySet:
    owned = _branch_owned(queryset, _role(user), user)
    return queryset.none() if owned is None else owned


def agencies_visible_to(queryset: QuerySet, user) -> QuerySet:
    role = _role(user)
    if role == Role.AGENCY:
        return queryset.filter(pk=user.agency_id)
    if role is None:
        return queryset.none()
    return queryset


def can_edit_employer(user, employer) -> bool:
    """Writes: the owning branch, its Kanwil and administrators. The board only reads."""
    return _may_write_branch_owned(user, employer.branch_id, lambda: employer.branch)


def leads_visible_to(queryset: QuerySet, user) -> QuerySet:
    """Branch staff work their branch's leads; an agency sees the leads its lists produced."""
    role = _role(user)
    owned = _branch_owned(queryset, role, user)
    if owned is not None:
        return owned
    if role == Role.AGENCY:
        return queryset.filter(agency_id=user.agency_id)
    return queryset.none()


def coverage_visible_to(queryset: QuerySet, user) -> QuerySet:
    """Coverage snapshots (aggregates, no personal data) by role.

    Regional staff: their Kanwil, its branches and the regencies they serve; branch staff: their
    branch and its regencies; partner agencies: their jurisdiction (national agencies see all,
    a provincial one its province and its regencies, a regency one that regency). National and
    province rows of other scopes stay hidden because they mix in other offices' regencies.
    """
    from django.db.models import Q

    from regions.models import BranchOffice, BranchRegency, RegionalOffice

    role = _role(user)
    if role in (Role.ADMIN, Role.MANAGEMENT):
        return queryset
    if role == Role.REGIONAL:
        kanwil_id = user.regional_office_id
        branches = BranchOffice.objects.filter(regional_office_id=kanwil_id)
        return queryset.filter(
            Q(level="kanwil", code__in=RegionalOffice.objects.filter(pk=kanwil_id).values("code"))
            | Q(level="branch", code__in=branches.values("code"))
            | Q(
                level="regency",
                code__in=BranchRegency.objects.filter(branch__regional_office_id=kanwil_id).values(
                    "regency_id"
                ),
            )
        )
    if role == Role.BRANCH:
        return queryset.filter(
            Q(
                level="branch",
                code__in=BranchOffice.objects.filter(pk=user.branch_id).values("code"),
            )
            | Q(
                level="regency",
                code__in=BranchRegency.objects.filter(branch_id=user.branch_id).values(
                    "regency_id"
                ),
            )
        )
    if role == Role.AGENCY:
        from agencies.models import PartnerAgency

        jurisdiction = (
            PartnerAgency.objects.filter(pk=user.agency_id)
            .values("jurisdiction_province_id", "jurisdiction_regency_id")
            .first()
        )
        if jurisdiction is None:
            return queryset.none()
        province, regency = (
            jurisdiction["jurisdiction_province_id"],
            jurisdiction["jurisdiction_regency_id"],
        )
        if regency:
            return queryset.filter(level="regency", code=regency)
        if province:
            return queryset.filter(
                Q(level="province", code=province) | Q(level="regency", parent_code=province)
            )
        return queryset
    return queryset.none()


def can_update_lead(user, lead) -> bool:
    """Working a lead (enrolled, unreachable...): its branch, that branch's Kanwil, admins."""
    return _may_write_branch_owned(user, lead.branch_id, lambda: lead.branch)


def worker_lists_visible_to(queryset: QuerySet, user) -> QuerySet:
    """A partner agency (user or API key) sees its own lists; head office sees all."""
    role = _role(user)
    if role in (Role.ADMIN, Role.MANAGEMENT):
        return queryset
    if role == Role.AGENCY:
        return queryset.filter(agency_id=user.agency_id)
    return queryset.none()


def can_submit_worker_list(user) -> bool:
    return _role(user) == Role.AGENCY and getattr(user, "agency_id", None) is not None


def campaigns_visible_to(queryset: QuerySet, user) -> QuerySet:
    """Campaigns that involve the user's branches or regencies; an agency sees those it is in."""
    from django.db.models import Q

    from regions.models import BranchOffice, BranchRegency

    role = _role(user)
    if role in (Role.ADMIN, Role.MANAGEMENT):
        return queryset
    if role in (Role.REGIONAL, Role.BRANCH):
        # Subqueries rather than regency_codes_in_scope(): one query for the whole page.
        branches = branches_visible_to(BranchOffice.objects.all(), user).values("pk")
        regencies = BranchRegency.objects.filter(branch__in=branches).values("regency")
        return queryset.filter(Q(branches__in=branches) | Q(regencies__in=regencies)).distinct()
    if role == Role.AGENCY:
        return queryset.filter(agencies=user.agency_id)
    return queryset.none()


def agency_results_visible_to(queryset: QuerySet, user) -> QuerySet:
    """Partner agencies whose list results (aggregate counts) a user may read.

    The board and head office: every agency; a partner agency: itself. Office staff read their
    own branch's leads instead (leads_visible_to): per-agency totals mix in other offices' work.
    """
    role = _role(user)
    if role in (Role.ADMIN, Role.MANAGEMENT):
        return queryset
    if role == Role.AGENCY:
        return queryset.filter(pk=user.agency_id)
    return queryset.none()
