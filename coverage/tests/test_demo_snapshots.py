import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from coverage.models import CoverageSnapshot

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_allowed")]


def test_seed_demo_leaves_dashboards_with_data_for_six_months(client):
    call_command("seed_demo", verbosity=0)
    periods = set(CoverageSnapshot.objects.values_list("period", flat=True))
    assert len(periods) == 6
    assert max(periods) == timezone.localdate().replace(day=1)
    client.force_login(User.objects.get(username="dewas"))
    response = client.get("/cakupan/")
    assert response.context["current"].active_total > 0
    assert len(response.context["chart"]["points"]) == 6


def test_compute_coverage_command_rejects_a_malformed_period():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("compute_coverage", period="11-2026")


def test_seed_demo_fills_the_partner_panel_once_however_often_it_runs(client, settings, tmp_path):
    from worker_lists.models import EnrollmentLead, WorkerListSubmission

    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    assert WorkerListSubmission.objects.count() == 1
    client.force_login(User.objects.get(username="dewas"))
    response = client.get("/cakupan/")
    panel = next(t for t in response.context["tables"] if t.key == "instansi-mitra")
    (row,) = panel.rows
    assert row["name"] == "Pemerintah Kota Serang (demo)"
    assert (row["rows_submitted"], row["invalid"], row["duplicate_in_list"]) == (14, 1, 1)
    assert (row["already_covered"], row["lapsed"]) == (3, 1)
    assert (row["leads"], row["leads_enrolled"]) == (8, 2)
    assert EnrollmentLead.objects.filter(branch__code="kc-serang-raya").count() == 8
