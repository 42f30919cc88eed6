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
