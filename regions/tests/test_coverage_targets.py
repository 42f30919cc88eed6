"""Targets are edited by administrators in the admin, and every change is kept."""

import pytest

from regions.models import CoverageTarget

pytestmark = pytest.mark.django_db


def test_an_administrator_changes_a_target_and_the_change_is_kept_with_who_made_it(
    client, admin_user
):
    target = CoverageTarget.objects.create(
        level="national", region_code="ID", year=2026, target_pct=45
    )
    client.force_login(admin_user)
    response = client.post(
        f"/admin/regions/coveragetarget/{target.pk}/change/",
        {"level": "national", "region_code": "ID", "year": 2026, "target_pct": "60", "note": ""},
    )
    assert response.status_code == 302
    changes = list(target.history.order_by("history_date"))
    assert [str(c.target_pct) for c in changes] == ["45.00", "60.00"]
    assert changes[-1].history_user == admin_user


def test_the_board_cannot_edit_targets(client, management_user):
    target = CoverageTarget.objects.create(
        level="national", region_code="ID", year=2026, target_pct=45
    )
    client.force_login(management_user)
    response = client.post(
        f"/admin/regions/coveragetarget/{target.pk}/change/",
        {"level": "national", "region_code": "ID", "year": 2026, "target_pct": "90", "note": ""},
    )
    assert response.status_code == 302  # to the admin login: not staff
    target.refresh_from_db()
    assert target.target_pct == 45
