import pytest
from django.db import IntegrityError

from accounts import permissions
from accounts.models import Role
from accounts.tests.factories import UserFactory
from campaigns.models import EscalationCase
from employers.models import Employer
from employers.tests.factories import EmployerFactory
from participants.models import Participant
from participants.tests.factories import ParticipantFactory
from regions.tests.factories import RegencyFactory


@pytest.fixture
def serang_employer(branch_serang):
    return EmployerFactory(branch=branch_serang, regency=RegencyFactory(code="36.73"))


@pytest.fixture
def tangerang_employer(branch_tangerang):
    return EmployerFactory(branch=branch_tangerang, regency=RegencyFactory(code="36.71"))


@pytest.fixture
def bandung_employer(branch_bandung):
    return EmployerFactory(branch=branch_bandung, regency=RegencyFactory(code="32.73"))


def visible_employers(user):
    return set(permissions.employers_visible_to(Employer.objects.all(), user))


def test_branch_staff_see_only_their_branch_employers(
    branch_user, serang_employer, tangerang_employer
):
    assert visible_employers(branch_user) == {serang_employer}


def test_regional_staff_see_their_kanwil_branches_only(
    regional_user, serang_employer, tangerang_employer, bandung_employer
):
    assert visible_employers(regional_user) == {serang_employer, tangerang_employer}


def test_management_sees_every_employer(
    management_user, serang_employer, tangerang_employer, bandung_employer
):
    assert visible_employers(management_user) == {
        serang_employer,
        tangerang_employer,
        bandung_employer,
    }


def test_agency_user_sees_only_employers_of_cases_sent_to_it(
    agency_user, branch_user, serang_employer, tangerang_employer
):
    EscalationCase.objects.create(
        employer=serang_employer,
        branch=serang_employer.branch,
        agency=agency_user.agency,
        kind="inspection",
        state="sent",
        summary="x",
        state_changed_at="2026-11-01T00:00:00Z",
        created_by=branch_user,
    )
    assert visible_employers(agency_user) == {serang_employer}


def test_anonymous_user_sees_nothing(serang_employer):
    from django.contrib.auth.models import AnonymousUser

    assert visible_employers(AnonymousUser()) == set()


def test_branch_staff_see_participants_of_the_regencies_their_branch_serves(
    branch_user, branch_tangerang
):
    in_city = ParticipantFactory(work_regency=RegencyFactory(code="36.73"))
    in_regency = ParticipantFactory(work_regency=RegencyFactory(code="36.04"))
    ParticipantFactory(work_regency=RegencyFactory(code="36.71"))
    visible = set(permissions.participants_visible_to(Participant.objects.all(), branch_user))
    assert visible == {in_city, in_regency}


def test_agency_users_do_not_read_the_participant_register(agency_user):
    ParticipantFactory()
    assert not permissions.participants_visible_to(Participant.objects.all(), agency_user).exists()


def test_drafts_are_hidden_from_the_receiving_agency(agency_user, branch_user, serang_employer):
    case = EscalationCase.objects.create(
        employer=serang_employer,
        branch=serang_employer.branch,
        agency=agency_user.agency,
        kind="inspection",
        state="draft",
        summary="x",
        state_changed_at="2026-11-01T00:00:00Z",
        created_by=branch_user,
    )
    cases = EscalationCase.objects.all()
    assert not permissions.cases_visible_to(cases, agency_user).exists()
    case.state = "sent"
    case.save()
    assert permissions.cases_visible_to(cases, agency_user).get() == case


def test_branch_staff_cannot_edit_another_branch_employer(branch_user, tangerang_employer):
    assert not permissions.can_edit_employer(branch_user, tangerang_employer)


def test_management_reads_but_does_not_edit(management_user, serang_employer):
    assert not permissions.can_edit_employer(management_user, serang_employer)


@pytest.mark.django_db(transaction=True)
def test_a_branch_user_without_a_branch_is_refused_by_the_database():
    with pytest.raises(IntegrityError):
        UserFactory(role=Role.BRANCH, branch=None)


@pytest.mark.django_db(transaction=True)
def test_an_agency_user_without_an_agency_is_refused_by_the_database():
    with pytest.raises(IntegrityError):
        UserFactory(role=Role.AGENCY, agency=None)


def test_createsuperuser_gets_the_administrator_role(db):
    from accounts.models import User

    user = User.objects.create_superuser("root", "root@example.org", "x-long-password-1")
    assert user.role == Role.ADMIN
