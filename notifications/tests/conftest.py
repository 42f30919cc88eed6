import pytest

from campaigns.tests.factories import EscalationCaseFactory
from employers.tests.factories import EmployerFactory


@pytest.fixture
def employer(branch_serang):
    return EmployerFactory(name="PT Diadukan", branch=branch_serang, regency_id="36.73")


@pytest.fixture
def draft_case(employer, disnaker, branch_user):
    return EscalationCaseFactory(
        employer=employer, agency=disnaker, created_by=branch_user, state="draft"
    )


@pytest.fixture
def disnaker_reader(disnaker_user):
    disnaker_user.email = "pengawas@disnaker.example"
    disnaker_user.save()
    return disnaker_user


@pytest.fixture
def world(branch_serang, branch_tangerang):
    return {"serang": branch_serang, "tangerang": branch_tangerang}
