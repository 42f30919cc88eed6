from accounts import permissions
from campaigns.models import Campaign
from campaigns.tests.factories import CampaignFactory


def _visible(user) -> list[Campaign]:
    return list(permissions.campaigns_visible_to(Campaign.objects.order_by("name"), user))


def test_branch_staff_see_campaigns_of_their_branch_once(branch_user, branch_serang):
    campaign = CampaignFactory(name="A", branches=[branch_serang])
    campaign.regencies.set(["36.73", "36.04"])
    CampaignFactory(name="B")
    assert _visible(branch_user) == [campaign]


def test_regional_staff_see_campaigns_of_any_branch_in_their_kanwil(
    regional_user, branch_tangerang, branch_bandung
):
    ours = CampaignFactory(name="A", branches=[branch_tangerang])
    CampaignFactory(name="B", branches=[branch_bandung])
    assert _visible(regional_user) == [ours]


def test_an_agency_sees_only_campaigns_it_takes_part_in(agency_user, agency):
    ours = CampaignFactory(name="A")
    ours.agencies.set([agency])
    CampaignFactory(name="B")
    assert _visible(agency_user) == [ours]


def test_management_sees_every_campaign(management_user):
    CampaignFactory(name="A")
    CampaignFactory(name="B")
    assert len(_visible(management_user)) == 2


def test_anonymous_sees_no_campaign(db):
    from django.contrib.auth.models import AnonymousUser

    CampaignFactory()
    assert _visible(AnonymousUser()) == []
