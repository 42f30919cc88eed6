import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from agencies.models import AgencyKind
from agencies.tests.factories import PartnerAgencyFactory
from campaigns.models import Campaign
from campaigns.selectors import campaign_progress
from campaigns.services import campaign_create
from campaigns.tests.factories import CampaignFactory, VisitFactory
from employers.models import ComplianceStatusChange
from employers.services import employer_status_change
from employers.tests.factories import EmployerFactory
from participants.tests.factories import ParticipantFactory
from regions.models import Regency
from worker_lists.models import EnrollmentLead


@pytest.fixture
def campaign(branch_serang):
    return CampaignFactory(branches=[branch_serang])


def _target(progress, key):
    return next(t for t in progress["targets"] if t["key"] == key)


def test_new_participants_count_only_those_registered_in_the_period_and_area(
    campaign, branch_bandung
):
    today = timezone.localdate()
    ParticipantFactory(work_regency=Regency.objects.get(code="36.73"), registered_on=today)
    ParticipantFactory(work_regency=Regency.objects.get(code="36.04"), registered_on=today)
    ParticipantFactory(
        work_regency=Regency.objects.get(code="36.73"),
        registered_on=today - dt.timedelta(days=90),
    )
    ParticipantFactory(work_regency=Regency.objects.get(code="32.73"), registered_on=today)
    target = _target(campaign_progress(campaign=campaign), "participants")
    assert (target["achieved"], target["target"], target["percent"]) == (2, 10, 20)


def test_employers_brought_into_compliance_come_from_status_changes(
    campaign, branch_serang, branch_user
):
    employers = EmployerFactory.create_batch(2, branch=branch_serang, compliance_status="pds_tk")
    for employer in employers:
        employer_status_change(
            employer=employer, to_status="registered", reason="Patuh", user=branch_user
        )
    old = EmployerFactory(branch=branch_serang, compliance_status="pds_tk")
    change = employer_status_change(
        employer=old, to_status="registered", reason="Patuh", user=branch_user
    )
    ComplianceStatusChange.objects.filter(pk=change.pk).update(
        changed_at=timezone.now() - dt.timedelta(days=60)
    )
    progress = campaign_progress(campaign=campaign)
    assert _target(progress, "compliant")["achieved"] == 2
    assert progress["branches"][0]["targets"][1]["achieved"] == 2


def test_non_asn_enrolled_counts_enrolled_leads_from_regional_governments(campaign, branch_serang):
    pemda = PartnerAgencyFactory(kind=AgencyKind.PEMDA)
    apindo = PartnerAgencyFactory(kind=AgencyKind.APINDO)
    for serial, agency in enumerate([pemda, pemda, apindo], start=1):
        EnrollmentLead.objects.create(
            nik=f"36730101019000{serial:02d}",
            full_name=f"Honorer {serial}",
            agency=agency,
            work_regency_id="36.73",
            branch=branch_serang,
            status="enrolled",
            status_changed_at=timezone.now(),
        )
    progress = campaign_progress(campaign=campaign)
    assert _target(progress, "non_asn")["achieved"] == 2
    assert progress["totals"]["leads"] == 3


def test_visits_in_the_period_count_per_branch(campaign, branch_serang, branch_user):
    employer = EmployerFactory(branch=branch_serang)
    VisitFactory(employer=employer, officer=branch_user, outcome="enrolled", workers_enrolled=4)
    VisitFactory(employer=employer, officer=branch_user)
    branch_row = campaign_progress(campaign=campaign)["branches"][0]
    assert (branch_row["visits"], branch_row["enrolled"]) == (2, 4)


def test_campaign_page_shows_progress_with_bounded_queries(
    client, campaign, branch_serang, branch_user, django_assert_max_num_queries
):
    for _ in range(5):
        VisitFactory(employer=EmployerFactory(branch=branch_serang), officer=branch_user)
    client.force_login(branch_user)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("campaigns:detail", args=[campaign.pk]))
    assert response.status_code == 200
    assert len(response.context["activities"]) == 5


def test_a_branch_does_not_see_another_regions_campaign(client, branch_user, branch_bandung):
    campaign = CampaignFactory(branches=[branch_bandung])
    client.force_login(branch_user)
    assert client.get(reverse("campaigns:detail", args=[campaign.pk])).status_code == 404
    assert list(client.get(reverse("campaigns:list")).context["campaigns"]) == []


def test_a_campaign_over_the_branchs_regency_is_visible_to_the_branch(
    client, branch_user, branch_serang
):
    campaign = CampaignFactory()
    campaign.regencies.set(["36.73"])
    client.force_login(branch_user)
    assert list(client.get(reverse("campaigns:list")).context["campaigns"]) == [campaign]


def test_branch_staff_cannot_create_a_campaign(client, branch_user):
    client.force_login(branch_user)
    assert client.get(reverse("campaigns:create")).status_code == 403


def test_regional_staff_create_a_campaign_for_their_branches(client, regional_user, branch_serang):
    client.force_login(regional_user)
    today = timezone.localdate()
    response = client.post(
        reverse("campaigns:create"),
        {
            "name": "Gerakan Banten Patuh",
            "starts_on": today.isoformat(),
            "ends_on": (today + dt.timedelta(days=90)).isoformat(),
            "branches": [branch_serang.pk],
            "target_new_participants": "500",
            "target_employers_compliant": "20",
            "target_non_asn_enrolled": "100",
        },
    )
    campaign = Campaign.objects.get()
    assert response.url == reverse("campaigns:detail", args=[campaign.pk])
    assert list(campaign.branches.all()) == [branch_serang]


def test_campaign_form_rejects_an_end_before_the_start(client, admin_user, branch_serang):
    client.force_login(admin_user)
    today = timezone.localdate()
    response = client.post(
        reverse("campaigns:create"),
        {
            "name": "Terbalik",
            "starts_on": today.isoformat(),
            "ends_on": (today - dt.timedelta(days=1)).isoformat(),
            "branches": [branch_serang.pk],
            "target_new_participants": "1",
            "target_employers_compliant": "1",
            "target_non_asn_enrolled": "1",
        },
    )
    assert response.status_code == 400
    assert not Campaign.objects.exists()


def test_regional_staff_cannot_put_another_kanwils_branch_in_a_campaign(
    regional_user, branch_bandung
):
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        campaign_create(
            user=regional_user,
            name="x",
            starts_on=today,
            ends_on=today,
            branches=[branch_bandung],
        )
