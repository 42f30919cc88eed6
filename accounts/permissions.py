"""Who may do what: the one policy module.

Two questions, both answered only here:

- **Abilities**: which features a role may use (log visits, manage campaigns, read the coverage
  dashboards...). `ROLE_ABILITIES` is the whole table; views, APIs, services and templates ask
  `can(user, Ability.X)` (templates: `{% if can.log_visits %}`, from the context processor), so a
  new role or ability is one edit here.
- **Row scoping**: which rows a user may see (`*_visible_to`) and write (`can_edit_*`).
  Administrators and the board see everything; regional office staff their Kanwil's branches and
  what those own; branch staff their branch's rows and the participants of its regencies; partner
  agency users (and API keys) their agency's own data. Anyone else (anonymous, inactive, a user
  with no role) sees nothing.

Related models are reached through relations and `_meta`, never imported: every domain app
imports this module, so it may import none of them.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any, Protocol

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from rest_framework.permissions import BasePermission

from regions.models import BranchOffice, BranchRegency, RegionalOffice

from .models import Role


class Actor(Protocol):
    """Who asks: a logged-in User, a partner agency's API key (agencies.authentication's
    principal, which behaves as an agency user) or an anonymous user. The attributes below are
    all the policy reads."""

    is_authenticated: bool
    is_active: bool
    is_superuser: bool
    role: str
    regional_office_id: int | None
    branch_id: int | None
    agency_id: int | None


class Ability(StrEnum):
    # Reads
    READ_ALL_REGIONS = "read_all_regions"  # national and every office's figures and rows
    VIEW_DASHBOARDS = "view_dashboards"  # the coverage pages (/cakupan/)
    READ_COVERAGE_API = "read_coverage_api"  # GET /api/v1/coverage/ (agencies: jurisdiction)
    VIEW_WORKER_LISTS = "view_worker_lists"  # partner lists and their reports
    VIEW_LEADS = "view_leads"  # enrollment leads (scoped rows)
    VIEW_EMPLOYERS = "view_employers"
    VIEW_VISITS = "view_visits"
    VIEW_CASES = "view_cases"
    VIEW_CAMPAIGNS = "view_campaigns"
    SEE_FULL_NIK = "see_full_nik"  # works with the person; others see NIKs masked
    # Writes
    EDIT_EMPLOYERS = "edit_employers"  # create employers, edit their details
    LOG_VISITS = "log_visits"
    WORK_LEADS = "work_leads"  # record what came of a lead (enrolled, unreachable...)
    ESCALATE_CASES = "escalate_cases"  # open, send, resolve and close escalation cases
    TAKE_UP_CASES = "take_up_cases"  # the receiving agency works a case sent to it
    MANAGE_CAMPAIGNS = "manage_campaigns"
    SUBMIT_WORKER_LIST = "submit_worker_list"
    # What the home page opens with
    HOME_FIELD_DAY = "home_field_day"  # follow-ups due, new leads, campaign progress
    HOME_CASE_INBOX = "home_case_inbox"  # cases sent to the user's agency


_BPJS_STAFF_READS = {
    Ability.VIEW_DASHBOARDS,
    Ability.VIEW_EMPLOYERS,
    Ability.VIEW_VISITS,
    Ability.VIEW_CASES,
    Ability.VIEW_CAMPAIGNS,
    Ability.VIEW_LEADS,
}
_FIELD_WORK = {
    Ability.SEE_FULL_NIK,
    Ability.EDIT_EMPLOYERS,
    Ability.LOG_VISITS,
    Ability.WORK_LEADS,
    Ability.ESCALATE_CASES,
}

ROLE_ABILITIES: dict[str, frozenset[Ability]] = {
    # Administrators do everything but submit lists, which only an agency can own.
    Role.ADMIN: frozenset(Ability)
    - {Ability.SUBMIT_WORKER_LIST, Ability.HOME_FIELD_DAY, Ability.HOME_CASE_INBOX},
    # The supervisory board and management read everything and write nothing (UU PDP: they do
    # not work with individual people, so NIKs reach them masked).
    Role.MANAGEMENT: frozenset(
        {
            *_BPJS_STAFF_READS,
            Ability.READ_ALL_REGIONS,
            Ability.READ_COVERAGE_API,
            Ability.VIEW_WORKER_LISTS,
        }
    ),
    Role.REGIONAL: frozenset(
        {*_BPJS_STAFF_READS, *_FIELD_WORK, Ability.HOME_FIELD_DAY, Ability.MANAGE_CAMPAIGNS}
    ),
    Role.BRANCH: frozenset({*_BPJS_STAFF_READS, *_FIELD_WORK, Ability.HOME_FIELD_DAY}),
    # Agencies see the NIKs of the workers they submitted themselves, and nothing else personal.
    Role.AGENCY: frozenset(
        {
            Ability.READ_COVERAGE_API,
            Ability.VIEW_WORKER_LISTS,
            Ability.VIEW_LEADS,
            Ability.VIEW_EMPLOYERS,
            Ability.VIEW_CASES,
            Ability.VIEW_CAMPAIGNS,
            Ability.SEE_FULL_NIK,
            Ability.TAKE_UP_CASES,
            Ability.SUBMIT_WORKER_LIST,
            Ability.HOME_CASE_INBOX,
        }
    ),
}


def role_of(user) -> str | None:
    """The role that applies to this request's user; None for anonymous and inactive users."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Role.ADMIN
    role = user.role
    # A scoped role without its anchor would otherwise see "everything" of nothing, or worse.
    if role == Role.AGENCY and getattr(user, "agency_id", None) is None:
        return None
    return role


def user_row(user):
    """The user to record as the author of a change: the User row, or None for an agency's API
    key (a principal with no row in the user table; the key itself is recorded where it matters)."""
    return user if getattr(user, "pk", None) else None


def can(user, ability: Ability) -> bool:
    return ability in ROLE_ABILITIES.get(role_of(user), frozenset())


class AbilitySet:
    """The user's abilities for templates: `{% if can.log_visits %}`."""

    def __init__(self, user):
        self._abilities = ROLE_ABILITIES.get(role_of(user), frozenset())

    def __getitem__(self, name: str) -> bool:
        try:
            return Ability(name) in self._abilities
        except ValueError:
            # A misspelt ability in a template must fail loudly in tests, not hide a button.
            raise KeyError(name) from None

    def __contains__(self, name: str) -> bool:
        return self[name]


def ability_required(ability: Ability) -> type[BasePermission]:
    """A DRF permission class for one ability: `permission_classes = [ability_required(...)]`."""

    class HasAbility(BasePermission):
        def has_permission(self, request, view) -> bool:
            return can(request.user, ability)

    HasAbility.__name__ = f"Can_{ability.value}"
    return HasAbility


def ability_required_page(ability: Ability) -> Callable:
    """A page view decorator: anonymous users go to the login page, users without the ability
    get 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not can(request.user, ability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapper)

    return decorator


# Row scoping -------------------------------------------------------------------------------


def sees_everything(user) -> bool:
    return can(user, Ability.READ_ALL_REGIONS)


def regency_codes_in_scope(user) -> list[str] | None:
    """Regency codes a user works in; None means all regencies, [] means none."""
    role = role_of(user)
    if sees_everything(user):
        return None
    if role == Role.REGIONAL:
        links = BranchRegency.objects.filter(branch__regional_office_id=user.regional_office_id)
    elif role == Role.BRANCH:
        links = BranchRegency.objects.filter(branch_id=user.branch_id)
    else:
        return []
    return sorted(set(links.values_list("regency_id", flat=True)))


def _branch_owned(queryset: QuerySet, user) -> QuerySet | None:
    """The common rule for rows a branch owns (employers, visits, cases, leads): head office and
    the board see all, Kanwil staff their branches' rows, branch staff their branch's. None for
    roles the caller must decide itself (agencies, anonymous)."""
    role = role_of(user)
    if sees_everything(user):
        return queryset
    if role == Role.REGIONAL:
        return queryset.filter(branch__regional_office_id=user.regional_office_id)
    if role == Role.BRANCH:
        return queryset.filter(branch_id=user.branch_id)
    return None


def can_for_branch(user, ability: Ability, row) -> bool:
    """Writes to a branch-owned row (an employer, a visit, a case, a lead): the role must have
    the ability, and the row must be its branch's (branch staff) or one of its Kanwil's
    branches' (regional staff); administrators may act on any. `row.branch` is only loaded for
    regional staff (select_related it on lists)."""
    if not can(user, ability):
        return False
    role = role_of(user)
    if role == Role.ADMIN:
        return True
    if row.branch_id is None:
        return False
    if role == Role.BRANCH:
        return row.branch_id == user.branch_id
    if role == Role.REGIONAL:
        return row.branch.regional_office_id == user.regional_office_id
    return False


def branches_visible_to(queryset: QuerySet, user) -> QuerySet:
    role = role_of(user)
    if sees_everything(user):
        return queryset
    if role == Role.REGIONAL:
        return queryset.filter(regional_office_id=user.regional_office_id)
    if role == Role.BRANCH:
        return queryset.filter(pk=user.branch_id)
    return queryset.none()


def fixed_branch_id(user) -> int | None:
    """The one branch whose rows this user records (branch staff); None when they choose."""
    return user.branch_id if role_of(user) == Role.BRANCH else None


def must_choose_branch(user) -> bool:
    """Regional staff record rows for one of their branches and must say which."""
    return role_of(user) == Role.REGIONAL


def _cases_sent_to(agency_id: int, case_model) -> QuerySet:
    # A draft has not been sent yet: the receiving agency does not see it, nor its employer.
    return case_model.objects.filter(agency_id=agency_id).exclude(state="draft")


def employers_visible_to(queryset: QuerySet, user) -> QuerySet:
    owned = _branch_owned(queryset, user)
    if owned is not None:
        return owned
    if role_of(user) == Role.AGENCY:
        case_model = queryset.model._meta.get_field("cases").related_model
        sent = _cases_sent_to(user.agency_id, case_model).values("employer_id")
        return queryset.filter(pk__in=sent)
    return queryset.none()


def can_edit_employer(user, employer) -> bool:
    """Writes: the owning branch, its Kanwil and administrators. The board only reads."""
    return can_for_branch(user, Ability.EDIT_EMPLOYERS, employer)


def participants_visible_to(queryset: QuerySet, user) -> QuerySet:
    if sees_everything(user):
        return queryset
    if role_of(user) in (Role.REGIONAL, Role.BRANCH):
        return queryset.filter(work_regency_id__in=regency_codes_in_scope(user))
    return queryset.none()


def cases_visible_to(queryset: QuerySet, user) -> QuerySet:
    owned = _branch_owned(queryset, user)
    if owned is not None:
        return owned
    if role_of(user) == Role.AGENCY:
        return _cases_sent_to(user.agency_id, queryset.model).filter(pk__in=queryset.values("pk"))
    return queryset.none()


def visits_visible_to(queryset: QuerySet, user) -> QuerySet:
    owned = _branch_owned(queryset, user)
    return queryset.none() if owned is None else owned


def sanction_steps_visible_to(queryset: QuerySet, user) -> QuerySet:
    """Steps of the sanction ladder are BPJS's own acts: the owning branch, its Kanwil, head
    office and the board see them; partner agencies see the cases sent to them instead."""
    owned = _branch_owned(queryset, user)
    return queryset.none() if owned is None else owned


def users_of_agency(queryset: QuerySet, agency_id: int) -> QuerySet:
    """Active users who work for a partner agency (who hear of the cases sent to it)."""
    return queryset.filter(is_active=True, role=Role.AGENCY, agency_id=agency_id)


def users_of_branch(queryset: QuerySet, branch_id: int) -> QuerySet:
    """Active staff of a branch (who hear of their branch's lapsed sanction deadlines)."""
    return queryset.filter(is_active=True, role=Role.BRANCH, branch_id=branch_id)


def agencies_visible_to(queryset: QuerySet, user) -> QuerySet:
    role = role_of(user)
    if role == Role.AGENCY:
        return queryset.filter(pk=user.agency_id)
    if role is None:
        return queryset.none()
    return queryset


def leads_visible_to(queryset: QuerySet, user) -> QuerySet:
    """Branch staff work their branch's leads; an agency sees the leads its lists produced."""
    owned = _branch_owned(queryset, user)
    if owned is not None:
        return owned
    if role_of(user) == Role.AGENCY:
        return queryset.filter(agency_id=user.agency_id)
    return queryset.none()


def lead_tallies_visible_to(queryset: QuerySet, user) -> QuerySet:
    """The lead tally (counts per agency, regency, branch and status) carries the agency and
    branch of the leads it counts, so it is scoped by the very rule of leads_visible_to: a
    viewer's counts and filter choices are those of the leads it may see, and no other's."""
    return leads_visible_to(queryset, user)


def can_update_lead(user, lead) -> bool:
    """Working a lead (enrolled, unreachable...): its branch, that branch's Kanwil, admins."""
    return can_for_branch(user, Ability.WORK_LEADS, lead)


def worker_lists_visible_to(queryset: QuerySet, user) -> QuerySet:
    """A partner agency (user or API key) sees its own lists; head office sees all."""
    if sees_everything(user):
        return queryset
    if role_of(user) == Role.AGENCY:
        return queryset.filter(agency_id=user.agency_id)
    return queryset.none()


def coverage_visible_to(queryset: QuerySet, user) -> QuerySet:
    """Coverage snapshots (aggregates, no personal data) by role.

    Regional staff: their Kanwil, its branches and the regencies they serve; branch staff: their
    branch and its regencies; partner agencies: their jurisdiction (national agencies see all,
    a provincial one its province and its regencies, a regency one that regency). National and
    province rows of other scopes stay hidden because they mix in other offices' regencies.
    """
    role = role_of(user)
    if sees_everything(user):
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
        agency = user.agency  # the API key principal carries it; a user loads it once
        if agency.jurisdiction_regency_id:
            return queryset.filter(level="regency", code=agency.jurisdiction_regency_id)
        if agency.jurisdiction_province_id:
            province = agency.jurisdiction_province_id
            return queryset.filter(
                Q(level="province", code=province) | Q(level="regency", parent_code=province)
            )
        return queryset
    return queryset.none()


def agencies_in_reach(queryset: QuerySet, user) -> QuerySet:
    """Partner agencies a user may involve (in a campaign, a case): national agencies and those
    whose jurisdiction lies in a province the user's offices serve; head office: all."""
    if sees_everything(user) or role_of(user) == Role.ADMIN:
        return queryset
    codes = regency_codes_in_scope(user)
    if not codes:
        return queryset.none()
    provinces = {code[:2] for code in codes}
    return queryset.filter(
        Q(jurisdiction_province__isnull=True, jurisdiction_regency__isnull=True)
        | Q(jurisdiction_province__in=provinces)
        | Q(jurisdiction_regency__province__in=provinces)
    )


def campaigns_visible_to(queryset: QuerySet, user) -> QuerySet:
    """Campaigns that involve the user's branches or regencies (directly, or through a province
    they serve); an agency sees those it takes part in."""
    role = role_of(user)
    if sees_everything(user):
        return queryset
    if role in (Role.REGIONAL, Role.BRANCH):
        # Subqueries rather than regency_codes_in_scope(): one query for the whole page.
        branches = branches_visible_to(BranchOffice.objects.all(), user).values("pk")
        links = BranchRegency.objects.filter(branch__in=branches)
        involved = queryset.filter(
            Q(branches__in=branches)
            | Q(regencies__in=links.values("regency"))
            | Q(provinces__in=links.values("regency__province"))
        )
        return queryset.filter(pk__in=involved.values("pk"))
    if role == Role.AGENCY:
        return queryset.filter(agencies=user.agency_id)
    return queryset.none()


def agency_results_visible_to(queryset: QuerySet, user) -> QuerySet:
    """Partner agencies whose list results (aggregate counts) a user may read.

    The board and head office: every agency; a partner agency: itself. Office staff read their
    own branch's leads instead (leads_visible_to): per-agency totals mix in other offices' work.
    """
    if sees_everything(user):
        return queryset
    if role_of(user) == Role.AGENCY:
        return queryset.filter(pk=user.agency_id)
    return queryset.none()


def abilities_context(request) -> dict[str, Any]:
    """Template context processor: `can` holds the request user's abilities."""
    return {"can": AbilitySet(getattr(request, "user", None))}
