import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from agencies.models import AgencyKind
from agencies.tests.factories import PartnerAgencyFactory
from campaigns.models import Campaign, CampaignBranchTarget
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
    campaign, branch_bandung, admin_user
):
    today = timezone.localdate()
    ParticipantFactory(work_regency=Regency.objects.get(code="36.73"), registered_on=today)
    ParticipantFactory(work_regency=Regency.objects.get(code="36.04"), registered_on=today)
    ParticipantFactory(
        work_regency=Regency.objects.get(code="36.73"),
        registered_on=today - dt.timedelta(days=90),
    )
    ParticipantFactory(work_regency=Regency.objects.get(code="32.73"), registered_on=today)
    target = _target(campaign_progress(campaign=campaign, user=admin_user), "participants")
    assert (target["achieved"], target["target"], target["percent"]) == (2, 10, 20)


def test_employers_brought_into_compliance_come_from_status_changes(
    campaign, branch_serang, branch_user, admin_user
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
    progress = campaign_progress(campaign=campaign, user=admin_user)
    assert _target(progress, "compliant")["achieved"] == 2
    assert progress["branches"][0]["targets"][1]["achieved"] == 2


def test_non_asn_enrolled_counts_enrolled_leads_from_regional_governments(
    campaign, branch_serang, admin_user
):
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
    progress = campaign_progress(campaign=campaign, user=admin_user)
    assert _target(progress, "non_asn")["achieved"] == 2
    assert progress["totals"]["leads"] == 3


def test_visits_in_the_period_count_per_branch(campaign, branch_serang, branch_user, admin_user):
    employer = EmployerFactory(branch=branch_serang)
    VisitFactory(employer=employer, officer=branch_user, outcome="enrolled", workers_enrolled=4)
    VisitFactory(employer=employer, officer=branch_user)
    branch_row = campaign_progress(campaign=campaign, user=admin_user)["branches"][0]
    assert (branch_row["visits"], branch_row["enrolled"]) == (2, 4)


def test_campaign_page_shows_progress_with_bounded_queries(
    client, campaign, branch_serang, branch_user, django_assert_max_num_queries
):
    for _ in range(5):
        VisitFactory(employer=EmployerFactory(branch=branch_serang), officer=branch_user)
    client.force_login(branch_user)
    # One more than before: the branches' own targets.
    with django_assert_max_num_queries(17):
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


# Per-branch targets and what each viewer may see (issue 12; security finding 4) ----------------


def test_each_branch_is_measured_against_its_share_of_the_campaign_target(
    branch_serang, branch_tangerang, admin_user
):
    campaign = CampaignFactory(
        branches=[branch_serang, branch_tangerang], target_new_participants=500
    )
    progress = campaign_progress(campaign=campaign, user=admin_user)
    shares = [branch["targets"][0]["target"] for branch in progress["branches"]]
    assert shares == [250, 250]
    assert all(branch["target_is_share"] for branch in progress["branches"])


def test_a_branch_target_set_for_the_campaign_replaces_the_even_share(
    branch_serang, branch_tangerang, admin_user
):
    campaign = CampaignFactory(
        branches=[branch_serang, branch_tangerang], target_new_participants=500
    )
    CampaignBranchTarget.objects.create(
        campaign=campaign, branch=branch_serang, target_new_participants=120
    )
    progress = campaign_progress(campaign=campaign, user=admin_user)
    serang = next(b for b in progress["branches"] if b["name"] == branch_serang.name)
    assert (serang["targets"][0]["target"], serang["target_is_share"]) == (120, False)


def test_workers_enrolled_in_visits_sit_beside_new_participants(
    client, campaign, branch_serang, branch_user
):
    employer = EmployerFactory(branch=branch_serang)
    VisitFactory(employer=employer, officer=branch_user, outcome="enrolled", workers_enrolled=47)
    client.force_login(branch_user)
    html = client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    line = html.split('data-testid="reported-in-visits">')[1].split("</div>")[0]
    assert "Tercatat di kepesertaan: 0" in line
    assert "47 pekerja" in line


def test_the_campaign_page_shows_a_branch_only_its_own_visits_and_card(
    client, branch_serang, branch_tangerang, branch_user, other_branch_user
):
    campaign = CampaignFactory(branches=[branch_serang, branch_tangerang])
    mine = EmployerFactory(name="PT Milik Serang", branch=branch_serang)
    theirs = EmployerFactory(
        name="PT Milik Tangerang",
        branch=branch_tangerang,
        regency=Regency.objects.get(code="36.71"),
    )
    VisitFactory(employer=mine, officer=branch_user)
    VisitFactory(employer=theirs, officer=other_branch_user)
    client.force_login(branch_user)

    response = client.get(reverse("campaigns:detail", args=[campaign.pk]))

    html = response.content.decode()
    assert "PT Milik Serang" in html
    assert "PT Milik Tangerang" not in html
    assert [b["name"] for b in response.context["progress"]["branches"]] == [branch_serang.name]
    assert response.context["progress"]["totals"]["visits"] == 1


def test_an_agency_sees_a_campaigns_targets_but_no_visits_or_branch_cards(
    client, branch_serang, branch_user, agency, agency_user
):
    campaign = CampaignFactory(branches=[branch_serang])
    campaign.agencies.set([agency])
    VisitFactory(
        employer=EmployerFactory(name="PT Rahasia", branch=branch_serang), officer=branch_user
    )
    client.force_login(agency_user)
    response = client.get(reverse("campaigns:detail", args=[campaign.pk]))
    assert "PT Rahasia" not in response.content.decode()
    assert response.context["progress"]["branches"] == []


def test_a_campaign_records_who_created_it_and_keeps_its_history(regional_user, branch_serang):
    today = timezone.localdate()
    campaign = campaign_create(
        user=regional_user,
        name="Serang patuh",
        starts_on=today,
        ends_on=today,
        branches=[branch_serang],
    )
    assert campaign.created_by == regional_user
    assert campaign.history.count() == 1
