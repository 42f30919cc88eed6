import datetime as dt

from django.urls import reverse
from django.utils import timezone

from campaigns.tests.factories import CampaignFactory, EscalationCaseFactory, VisitFactory
from employers.tests.factories import EmployerFactory
from worker_lists.models import EnrollmentLead


def test_branch_home_lists_due_and_overdue_follow_ups_only(client, branch_user, branch_serang):
    today = timezone.localdate()
    employer = EmployerFactory(branch=branch_serang)
    overdue = VisitFactory(
        employer=employer, officer=branch_user, follow_up_on=today - dt.timedelta(days=3)
    )
    due = VisitFactory(employer=employer, officer=branch_user, follow_up_on=today)
    VisitFactory(employer=employer, officer=branch_user, follow_up_on=today + dt.timedelta(days=3))
    VisitFactory(employer=employer, officer=branch_user, follow_up_on=today, follow_up_done=True)
    client.force_login(branch_user)
    assert client.get(reverse("home")).context["follow_ups"] == [overdue, due]


def test_branch_home_shows_the_branchs_new_leads(
    client, branch_user, branch_serang, branch_tangerang, agency
):
    for serial, branch in enumerate([branch_serang, branch_tangerang], start=1):
        EnrollmentLead.objects.create(
            nik=f"36730101019000{serial:02d}",
            full_name=f"Prospek {branch.code}",
            agency=agency,
            work_regency_id="36.73",
            branch=branch,
        )
    client.force_login(branch_user)
    leads = client.get(reverse("home")).context["new_leads"]
    assert [lead.full_name for lead in leads] == ["Prospek kc-serang"]


def test_branch_home_with_campaigns_runs_a_bounded_number_of_queries(
    client, branch_user, branch_serang, django_assert_max_num_queries
):
    for _ in range(4):
        CampaignFactory(branches=[branch_serang])
    employer = EmployerFactory(branch=branch_serang)
    for _ in range(5):
        VisitFactory(employer=employer, officer=branch_user, follow_up_on=timezone.localdate())
    client.force_login(branch_user)
    # Per campaign: its progress (branch targets included); once: sanction steps due, status
    # proposals, new-lead count, unread notifications.
    with django_assert_max_num_queries(46):
        response = client.get(reverse("home"))
    assert len(response.context["campaigns"]) == 3


def test_agency_home_lists_the_cases_sent_to_it(
    client, disnaker_user, disnaker, branch_user, branch_serang
):
    case = EscalationCaseFactory(
        employer=EmployerFactory(branch=branch_serang), agency=disnaker, created_by=branch_user
    )
    client.force_login(disnaker_user)
    assert list(client.get(reverse("home")).context["agency_cases"]) == [case]
