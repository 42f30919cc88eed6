import pytest

from accounts.models import Role
from accounts.permissions import coverage_visible_to
from accounts.tests.factories import UserFactory
from coverage.models import CoverageSnapshot
from coverage.services import coverage_compute
from coverage.tests.factories import AFTERWARDS

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed(small_world, branch_bandung):
    coverage_compute(period=small_world, as_of=AFTERWARDS)


def visible(user) -> set[tuple[str, str]]:
    return set(
        coverage_visible_to(CoverageSnapshot.objects.all(), user).values_list("level", "code")
    )


def test_management_sees_every_snapshot(management_user, computed):
    assert len(visible(management_user)) == CoverageSnapshot.objects.count()


def test_regional_staff_see_their_kanwil_its_branches_and_their_regencies(regional_user, computed):
    assert visible(regional_user) == {
        ("kanwil", "kw-banten"),
        ("branch", "kc-serang"),
        ("branch", "kc-serang-kota"),
        ("branch", "kc-tangerang"),
        ("regency", "36.73"),
        ("regency", "36.04"),
        ("regency", "36.71"),
    }


def test_branch_staff_see_their_branch_and_the_regencies_it_serves(branch_user, computed):
    assert visible(branch_user) == {
        ("branch", "kc-serang"),
        ("regency", "36.73"),
        ("regency", "36.04"),
    }


def test_branch_staff_of_another_kanwil_see_none_of_banten(branch_bandung, computed):
    user = UserFactory(
        role=Role.BRANCH, branch=branch_bandung, regional_office=branch_bandung.regional_office
    )
    assert visible(user) == {("branch", "kc-bandung"), ("regency", "32.73")}


def test_agency_of_a_regency_sees_only_that_regency(agency_user, computed):
    agency = agency_user.agency
    agency.jurisdiction_province_id, agency.jurisdiction_regency_id = "36", "36.04"
    agency.save()
    assert visible(agency_user) == {("regency", "36.04")}


def test_inactive_users_see_nothing(management_user, computed):
    management_user.is_active = False
    assert visible(management_user) == set()
