"""The ability table in accounts.permissions, and the places that ask it by name."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.template import Context, Template
from django.urls import reverse

from accounts.models import Role
from accounts.permissions import ROLE_ABILITIES, Ability, AbilitySet, can
from accounts.tests.factories import UserFactory
from campaigns.models import Campaign
from campaigns.services import campaign_create
from campaigns.tests.factories import CampaignFactory, EscalationCaseFactory
from employers.tests.factories import EmployerFactory

WRITES = {
    Ability.EDIT_EMPLOYERS,
    Ability.LOG_VISITS,
    Ability.WORK_LEADS,
    Ability.ESCALATE_CASES,
    Ability.TAKE_UP_CASES,
    Ability.MANAGE_CAMPAIGNS,
    Ability.SUBMIT_WORKER_LIST,
}


def test_every_role_has_a_row_in_the_ability_table():
    assert set(ROLE_ABILITIES) == set(Role.values)


def test_the_board_reads_everything_and_writes_nothing():
    board = ROLE_ABILITIES[Role.MANAGEMENT]
    assert Ability.READ_ALL_REGIONS in board
    assert not board & WRITES


def test_the_board_does_not_see_full_niks():
    assert Ability.SEE_FULL_NIK not in ROLE_ABILITIES[Role.MANAGEMENT]


def test_a_superuser_has_the_administrators_abilities(db):
    user = UserFactory(role=Role.MANAGEMENT, is_superuser=True)
    assert can(user, Ability.MANAGE_CAMPAIGNS)


def test_an_inactive_user_has_no_ability(branch_user):
    branch_user.is_active = False
    assert not can(branch_user, Ability.VIEW_EMPLOYERS)


def test_an_anonymous_user_has_no_ability():
    assert not any(can(AnonymousUser(), ability) for ability in Ability)


def test_templates_read_abilities_by_name(branch_user):
    rendered = Template("{% if can.log_visits %}yes{% endif %}").render(
        Context({"can": AbilitySet(branch_user)})
    )
    assert rendered == "yes"


def test_a_misspelt_ability_fails_loudly():
    with pytest.raises(KeyError):
        AbilitySet(AnonymousUser())["log_visit"]


@pytest.mark.parametrize(
    ("user_fixture", "shown", "hidden"),
    [
        ("branch_user", ["visits:list", "coverage:national"], ["worker-list-index"]),
        ("management_user", ["coverage:national", "worker-list-index"], []),
        ("agency_user", ["worker-list-index", "cases:list"], ["coverage:national", "visits:list"]),
    ],
)
def test_the_menu_shows_what_the_role_may_use(client, request, user_fixture, shown, hidden):
    client.force_login(request.getfixturevalue(user_fixture))
    page = client.get(reverse("home")).text
    for name in shown:
        assert f'href="{reverse(name)}"' in page
    for name in hidden:
        assert f'href="{reverse(name)}"' not in page


def test_the_board_cannot_create_a_campaign(management_user):
    today = dt.date(2026, 1, 1)
    with pytest.raises(PermissionDenied):
        campaign_create(user=management_user, name="x", starts_on=today, ends_on=today)
    assert not Campaign.objects.exists()


def test_the_board_gets_no_campaign_form(client, management_user):
    client.force_login(management_user)
    assert client.get(reverse("campaigns:create")).status_code == 403


def test_an_agency_does_not_see_an_employer_whose_only_case_to_it_is_a_draft(
    client, disnaker_user, disnaker, branch_serang, branch_user
):
    employer = EmployerFactory(branch=branch_serang)
    EscalationCaseFactory(employer=employer, agency=disnaker, state="draft", created_by=branch_user)
    client.force_login(disnaker_user)
    assert client.get(reverse("employers:detail", args=[employer.pk])).status_code == 404
    assert client.get(reverse("api-employer-detail", args=[employer.pk])).status_code == 404
    export = client.get(reverse("employers:list"), {"export": "csv"})
    assert employer.name not in b"".join(export.streaming_content).decode("utf-8-sig")


def test_an_agency_sees_the_employer_once_the_case_is_sent(
    client, disnaker_user, disnaker, branch_serang, branch_user
):
    employer = EmployerFactory(branch=branch_serang)
    EscalationCaseFactory(employer=employer, agency=disnaker, state="sent", created_by=branch_user)
    client.force_login(disnaker_user)
    assert client.get(reverse("employers:detail", args=[employer.pk])).status_code == 200


def test_a_province_wide_campaign_is_visible_to_its_kanwil_and_branches(
    client, branch_user, regional_user
):
    campaign = CampaignFactory(name="Banten semesta")
    campaign.provinces.set(["36"])
    for user in (branch_user, regional_user):
        client.force_login(user)
        assert client.get(reverse("campaigns:detail", args=[campaign.pk])).status_code == 200
