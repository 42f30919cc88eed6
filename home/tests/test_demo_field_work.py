import pytest
from django.core.management import call_command

from accounts import permissions
from accounts.models import User
from campaigns.models import Campaign, EscalationCase

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_allowed")]


def test_seed_demo_gives_the_disnaker_user_one_sent_case_and_stays_idempotent():
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    disnaker = User.objects.get(username="disnaker.banten")
    visible = permissions.cases_visible_to(EscalationCase.objects.all(), disnaker)
    assert list(visible.values_list("state", flat=True)) == ["sent"]
    assert EscalationCase.objects.count() == 2
    assert Campaign.objects.count() == 1


def test_seed_demo_puts_two_serang_employers_on_the_sanction_ladder_once():
    from campaigns.models import SanctionStep

    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    steps = SanctionStep.objects.order_by("letter_number")
    assert [(step.kind, step.outcome) for step in steps] == [
        ("warning_1", "pending"),
        ("warning_1", "lapsed"),
        ("warning_2", "pending"),
    ]
    assert {step.branch.code for step in steps} == {"kc-serang-raya"}
