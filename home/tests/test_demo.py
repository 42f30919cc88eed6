import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory

from accounts.models import Role, User
from campaigns.models import Visit
from employers.models import Employer
from participants.models import Participant

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_allowed")]


def counts() -> tuple[int, ...]:
    return (
        User.objects.count(),
        Employer.objects.count(),
        Participant.objects.count(),
        Visit.objects.count(),
    )


def test_seed_demo_twice_creates_nothing_new():
    call_command("seed_demo", verbosity=0)
    first = counts()
    call_command("seed_demo", verbosity=0)
    assert counts() == first
    assert first[1] >= 300
    assert first[2] >= 4000
    assert first[3] > 0


def test_seed_demo_creates_one_user_per_role_who_can_log_in(client):
    call_command("seed_demo", verbosity=0)
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert client.login(
        request=RequestFactory().post("/masuk/"),
        username="cabang.serang",
        password="demo-pass-2026",
    )


def test_seed_demo_refuses_to_run_in_production(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not User.objects.filter(username="admin").exists()
