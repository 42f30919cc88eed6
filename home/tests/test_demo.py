import pytest
from django.core.management import call_command
from django.test import RequestFactory

from accounts import permissions
from accounts.models import Role, User
from campaigns.models import Campaign, EscalationCase, SanctionStep, Visit
from coverage.models import CoverageSnapshot
from employers.models import Employer
from participants.models import Participant
from worker_lists.models import EnrollmentLead, LeadStatus, WorkerListSubmission

pytestmark = pytest.mark.django_db
seeded = pytest.mark.usefixtures("seeded_demo", "demo_allowed")


def counts() -> tuple[int, ...]:
    """Everything the demo creates: a second run must leave every count as it was."""
    return (
        User.objects.count(),
        Employer.objects.count(),
        Participant.objects.count(),
        Visit.objects.count(),
        EscalationCase.objects.count(),
        Campaign.objects.count(),
        SanctionStep.objects.count(),
        WorkerListSubmission.objects.count(),
        EnrollmentLead.objects.filter(status=LeadStatus.ENROLLED).count(),
        EnrollmentLead.objects.count(),
        CoverageSnapshot.objects.count(),
    )


@seeded
def test_seed_demo_twice_creates_nothing_new():
    first = counts()
    call_command("seed_demo", verbosity=0)
    assert counts() == first
    assert first[1] >= 300
    assert first[2] >= 4000
    assert first[3] > 0


@seeded
def test_seed_demo_creates_one_user_per_role_who_can_log_in(client):
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert client.login(
        request=RequestFactory().post("/masuk/"),
        username="cabang.serang",
        password="demo-pass-2026",
    )


@seeded
def test_seed_demo_gives_the_disnaker_user_one_sent_case():
    disnaker = User.objects.get(username="disnaker.banten")
    visible = permissions.cases_visible_to(EscalationCase.objects.all(), disnaker)
    assert list(visible.values_list("state", flat=True)) == ["sent"]
    assert EscalationCase.objects.count() == 2
    assert Campaign.objects.count() == 1


@seeded
def test_seed_demo_puts_two_serang_employers_on_the_sanction_ladder():
    from campaigns.models import SanctionStep

    steps = SanctionStep.objects.order_by("letter_number")
    assert [(step.kind, step.outcome) for step in steps] == [
        ("warning_1", "pending"),
        ("warning_1", "lapsed"),
        ("warning_2", "pending"),
    ]
    assert {step.branch.code for step in steps} == {"kc-serang-raya"}
