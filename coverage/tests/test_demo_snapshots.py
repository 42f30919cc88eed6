import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from coverage.models import CoverageSnapshot

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_demo", "demo_allowed")]


def test_seed_demo_leaves_dashboards_with_data_for_six_months(client):
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


def test_seed_demo_fills_the_partner_panel(client):
    from worker_lists.models import EnrollmentLead, WorkerListSubmission

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


def test_seed_demo_shows_the_board_the_real_national_picture(client):
    client.force_login(User.objects.get(username="dewas"))
    response = client.get("/cakupan/")
    official = response.context["official"]
    # Published December 2025 count over BPS Sakernas August 2025: about a third.
    assert 25 < official.coverage_pct < 40
    assert official.workforce_period.month == 8
    assert response.context["chart"]["official_points"][0]["label"] == "12/2018"
    assert response.context["target_path"][0].note.startswith("Target demo")
    classes = {value["official_pct"] // 10 for value in response.context["map_values"].values()}
    assert len(classes) >= 4  # the map shows real differences between provinces
    assert response.context["map_values"]["31"]["over_100"] is True


def test_seed_demo_register_reads_like_a_real_branch(client):
    from participants.models import Participant

    serang = CoverageSnapshot.objects.filter(level="branch", code="kc-serang-raya").order_by(
        "period"
    )
    latest = serang.last()
    assert 10 < latest.coverage_pct < 40
    assert latest.active_total > 10_000
    assert latest.active_total > serang.first().active_total  # months of growth
    assert Participant.objects.filter(full_name__startswith="Peserta Sintetis").exists()
