import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import User


def test_seed_demo_refuses_to_run_in_production(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not User.objects.filter(username="admin").exists()
