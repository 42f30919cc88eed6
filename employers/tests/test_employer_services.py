import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from employers.models import ComplianceStatus, ComplianceStatusChange, Employer
from employers.services import employer_create, employer_status_change, employer_update
from employers.tests.factories import EmployerFactory
from regions.models import Regency


def _fields(branch, **overrides):
    fields = {
        "name": "PT Baru",
        "sector": "trade",
        "size_class": "small",
        "regency": Regency.objects.get(code="36.73"),
        "branch": branch,
    }
    fields.update(overrides)
    return fields


def test_employer_create_records_the_first_status_in_the_history(branch_user, branch_serang):
    employer = employer_create(
        user=branch_user, compliance_status="not_registered", **_fields(branch_serang)
    )
    change = employer.status_changes.get()
    assert (change.from_status, change.to_status) == ("", "not_registered")


def test_employer_create_rejects_an_invalid_nib_and_writes_nothing(branch_user, branch_serang):
    with pytest.raises(ValidationError) as error:
        employer_create(
            user=branch_user,
            compliance_status="not_registered",
            **_fields(branch_serang, nib="123"),
        )
    assert "nib" in error.value.message_dict
    assert not Employer.objects.exists()
    assert not ComplianceStatusChange.objects.exists()


def test_branch_staff_cannot_create_an_employer_for_another_branch(branch_user, branch_tangerang):
    with pytest.raises(PermissionDenied):
        employer_create(user=branch_user, compliance_status="pds_tk", **_fields(branch_tangerang))


def test_employer_update_cannot_move_an_employer_to_another_branch(
    branch_user, branch_serang, branch_tangerang
):
    employer = EmployerFactory(branch=branch_serang)
    with pytest.raises(PermissionDenied):
        employer_update(employer=employer, user=branch_user, data={"branch": branch_tangerang})
    employer.refresh_from_db()
    assert employer.branch == branch_serang


def test_employer_status_change_updates_the_status_and_keeps_the_reason(branch_user, branch_serang):
    employer = EmployerFactory(branch=branch_serang, compliance_status=ComplianceStatus.PDS_TK)
    change = employer_status_change(
        employer=employer, to_status="registered", reason="Semua TK terdaftar", user=branch_user
    )
    employer.refresh_from_db()
    assert employer.compliance_status == "registered"
    assert (change.from_status, change.reason, change.changed_by) == (
        "pds_tk",
        "Semua TK terdaftar",
        branch_user,
    )


def test_employer_status_change_requires_a_reason(branch_user, branch_serang):
    employer = EmployerFactory(branch=branch_serang)
    with pytest.raises(ValidationError):
        employer_status_change(
            employer=employer, to_status="registered", reason=" ", user=branch_user
        )


def test_management_cannot_change_an_employers_status(management_user, branch_serang):
    employer = EmployerFactory(branch=branch_serang)
    with pytest.raises(PermissionDenied):
        employer_status_change(
            employer=employer, to_status="registered", reason="x", user=management_user
        )
