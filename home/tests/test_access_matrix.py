"""Role x endpoint: every URL the site answers, asked as anonymous, each role and two agencies'
API keys, on objects inside and outside the asker's scope.

Each entry says who may read the URL and who may change through it; the test asserts the status
every actor gets and that nothing outside the actor's scope appears in what it reads. A URL
without an entry fails `test_every_url_has_an_entry`, so a new page or API cannot ship without
deciding who may use it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from coverage.services import coverage_compute

from .access_world import TODAY, Side, World, client_for, world_build

ACTORS = ("anon", "admin", "board", "kanwil", "branch", "agency", "key_a", "key_b")
KEYS = {"key_a", "key_b"}
EVERYWHERE = {"admin", "board"}
STAFF = {"admin", "board", "kanwil", "branch"}
FIELD = {"admin", "kanwil", "branch"}  # BPJS staff who write
AGENCY_SIDE = {"agency", "key_a", "key_b"}
LOGGED_IN = {"admin", "board", "kanwil", "branch", "agency"}
# What a refused write may answer: the login page, unauthorised, forbidden, not found (out of
# scope: existence is not revealed), method not allowed (read-only for that actor).
REFUSALS = {302, 401, 403, 404, 405}


@dataclass
class Entry:
    readers: frozenset[str]
    args: Callable[[Side], list] | None = None
    api: bool = False
    everywhere: frozenset[str] = frozenset(EVERYWHERE)
    query: str = ""
    read_status: int = 200  # what a reader gets (a redirect for some)
    denied: int = 403  # what a logged-in actor without the ability gets
    writers: frozenset[str] = frozenset()
    write_method: str = "post"
    read: bool = True  # False: the URL only takes writes (GET answers 405)
    # Actors that get another status on their in-scope object than the rule gives: sent on to
    # their own page (302), or answered "not found" for a page of another office (404).
    overrides: dict[str, int] = field(default_factory=dict)


def page(readers, **kw) -> Entry:
    return Entry(readers=frozenset(readers), **kw)


def api(readers, **kw) -> Entry:
    return Entry(readers=frozenset(readers), api=True, **kw)


def _employer(side: Side) -> list:
    return [side.employer.pk]


def _list(side: Side) -> list:
    return [side.worker_list.pk]


MATRIX: dict[str, Entry | None] = {
    # Public or session plumbing: checked separately below (None).
    "healthz": None,
    "readyz": None,
    "login": None,
    "logout": None,
    "set_language": None,
    "schema": None,
    "swagger-ui": None,
    "redoc": None,
    "api-not-found": None,
    "home": page(LOGGED_IN),
    # API
    "api-employer-list": api(STAFF | AGENCY_SIDE),
    "api-employer-detail": api(
        STAFF | AGENCY_SIDE, args=_employer, writers=FIELD, write_method="patch"
    ),
    "api-coverage-list": api(EVERYWHERE | AGENCY_SIDE, query="?level=province"),
    "api-worker-list-create": api((), read=False, writers=AGENCY_SIDE, denied=403),
    "api-worker-list-detail": api(EVERYWHERE | AGENCY_SIDE, args=_list, denied=404),
    "api-worker-list-rows": api(EVERYWHERE | AGENCY_SIDE, args=_list, denied=404),
    "api-worker-list-report": api(
        EVERYWHERE | AGENCY_SIDE, args=lambda s: [s.worker_list.pk, "csv"], denied=404
    ),
    "api-worker-list-fix-rows": api(
        EVERYWHERE | AGENCY_SIDE, args=lambda s: [s.worker_list.pk, "csv"], denied=404
    ),
    "api-case-list": api(STAFF | AGENCY_SIDE),
    "api-case-detail": api(
        STAFF | AGENCY_SIDE,
        args=lambda s: [s.case.pk],
        writers=FIELD | AGENCY_SIDE,
        write_method="patch",
    ),
    # Coverage dashboards (partner agencies read coverage through the API)
    # Office staff land on their own office's page.
    "coverage:national": page(EVERYWHERE, overrides={"kanwil": 302, "branch": 302}),
    # A province mixes in other offices' regencies: office staff read their own offices' pages.
    "coverage:province": page(
        EVERYWHERE, args=lambda s: [s.province_code], overrides={"kanwil": 404, "branch": 404}
    ),
    "coverage:regency": page(STAFF, args=lambda s: [s.regency_code]),
    "coverage:kanwil": page(
        EVERYWHERE | {"kanwil"}, args=lambda s: [s.kanwil_code], overrides={"branch": 404}
    ),
    "coverage:branch": page(STAFF, args=lambda s: [s.branch_code]),
    # Boundaries of provinces are public reference data.
    "coverage:province-geojson": page(LOGGED_IN),
    "coverage:regency-geojson": page(
        LOGGED_IN, args=lambda s: [s.province_code], everywhere=frozenset(LOGGED_IN)
    ),
    # Partner lists and leads
    "worker-list-index": page(EVERYWHERE | {"agency"}, writers={"agency"}),
    # The blank template holds no one's data: the same file for every reader.
    "worker-list-template": page(
        EVERYWHERE | {"agency"},
        args=lambda s: ["xlsx"],
        everywhere=frozenset(EVERYWHERE | {"agency"}),
    ),
    "worker-list-detail": page(EVERYWHERE | {"agency"}, args=_list),
    "worker-list-progress": page(EVERYWHERE | {"agency"}, args=_list),
    "lead-list": page(STAFF | {"agency"}),
    "lead-status-update": page(FIELD, args=lambda s: [s.lead.pk], read=False, writers=FIELD),
    # Employers
    "employers:list": page(STAFF | {"agency"}),
    "employers:create": page(FIELD, writers=FIELD),
    "employers:detail": page(STAFF | {"agency"}, args=_employer),
    "employers:edit": page(FIELD, args=_employer, writers=FIELD),
    "employers:status": page(FIELD, args=_employer, read=False, writers=FIELD),
    # Visits, cases, campaigns
    "visits:list": page(STAFF),
    "visits:create": page(FIELD, writers=FIELD),
    "visits:employer_search": page(FIELD, query="?q=PT"),
    "visits:follow_up_done": page(FIELD, args=lambda s: [s.visit.pk], read=False, writers=FIELD),
    "cases:list": page(STAFF | {"agency"}),
    "cases:detail": page(
        STAFF | {"agency"}, args=lambda s: [s.case.pk], writers=FIELD | {"agency"}
    ),
    "cases:open": page(FIELD, args=_employer, writers=FIELD),
    "campaigns:list": page(STAFF | {"agency"}),
    "campaigns:create": page({"admin", "kanwil"}, writers={"admin", "kanwil"}),
    "campaigns:detail": page(STAFF | {"agency"}, args=lambda s: [s.campaign.pk]),
    # The sanction ladder is BPJS's own: staff read it, field staff write it.
    "cases:sanctions": page(STAFF, args=_employer, writers=FIELD),
    "cases:sanction_outcome": page(
        FIELD, args=lambda s: [s.sanction_step.pk], read=False, writers=FIELD
    ),
    "cases:sanction_recovery": page(
        FIELD, args=lambda s: [s.sanction_step.pk], read=False, writers=FIELD
    ),
    "employers:proposal_decide": page(
        FIELD, args=lambda s: [s.employer.pk, s.proposal.pk], read=False, writers=FIELD
    ),
    # Notifications: everyone logged in has an inbox, and only ever sees their own.
    "notifications:inbox": page(LOGGED_IN),
    "notifications:badge": page(LOGGED_IN),
    "notifications:open": page(LOGGED_IN, read=False, writers=LOGGED_IN),
    "notifications:mark_all_read": page(LOGGED_IN, read=False, writers=LOGGED_IN),
    "notifications:email_setting": page(LOGGED_IN, read=False, writers=LOGGED_IN),
}


def _url_names(patterns, namespace: str = "") -> list[str]:
    names = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern).startswith("admin/"):
                continue  # Django's admin: administrators only, guarded by Django itself
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names += _url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.append(f"{namespace}{pattern.name}")
    return names


def test_every_url_has_an_entry():
    missing = sorted(set(_url_names(get_resolver().url_patterns)) - set(MATRIX))
    assert not missing, f"URLs without a row in the role x endpoint matrix: {missing}"


@pytest.fixture
def world(db) -> World:
    built = world_build()
    coverage_compute(period=TODAY.replace(day=1), as_of=TODAY)
    return built


def _home(world: World, actor: str) -> Side:
    return world.outside if actor == "key_b" else world.inside


def _foreign(world: World, actor: str) -> Side:
    return world.inside if actor == "key_b" else world.outside


def _expected_refusal(entry: Entry, actor: str) -> int:
    if actor == "anon":
        return 401 if entry.api else 302
    if actor in KEYS and not entry.api:
        return 302  # an API key opens no page session
    return entry.denied


def _body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="replace")


def _url(name: str, entry: Entry, side: Side) -> str:
    return reverse(name, args=entry.args(side) if entry.args else None) + entry.query


READ_ENTRIES = [name for name, entry in MATRIX.items() if entry and entry.read]
WRITE_ENTRIES = [name for name, entry in MATRIX.items() if entry and entry.writers]


@pytest.mark.parametrize("name", READ_ENTRIES)
def test_who_may_read_and_what_they_see(world, name):
    entry = MATRIX[name]
    failures = []
    for actor in ACTORS:
        client = client_for(world, actor)
        home, foreign = _home(world, actor), _foreign(world, actor)
        response = client.get(_url(name, entry, home))
        expected = entry.read_status if actor in entry.readers else _expected_refusal(entry, actor)
        expected = entry.overrides.get(actor, expected)
        if response.status_code != expected:
            failures.append(f"{actor}: {response.status_code} (expected {expected})")
            continue
        if actor not in entry.readers or actor in entry.everywhere:
            continue
        if entry.args:
            outside = client.get(_url(name, entry, foreign))
            if outside.status_code != 404:
                failures.append(f"{actor}: out-of-scope object answered {outside.status_code}")
        elif foreign.employer.name.split()[-1] in _body(response):
            failures.append(f"{actor}: out-of-scope rows appear")
    assert not failures, f"{name}: " + "; ".join(failures)


@pytest.mark.parametrize("name", WRITE_ENTRIES)
def test_who_may_change_it(world, name):
    """An empty write: whoever may change it gets past the permission check (a form error, a
    400 or a redirect); everyone else is refused, and nothing outside their scope is reachable."""
    entry = MATRIX[name]
    failures = []
    for actor in ACTORS:
        client = client_for(world, actor)
        send = getattr(client, entry.write_method)
        body_format = "json" if entry.api else "multipart"
        response = send(_url(name, entry, _home(world, actor)), {}, format=body_format)
        refused = response.status_code in REFUSALS and not (
            response.status_code == 302 and "/masuk/" not in response.get("Location", "")
        )
        if actor in entry.writers and refused:
            failures.append(f"{actor} may change it but got {response.status_code}")
        elif actor not in entry.writers and not refused:
            failures.append(f"{actor} may not change it but got {response.status_code}")
        if actor in entry.writers and actor != "admin" and entry.args:
            outside = send(_url(name, entry, _foreign(world, actor)), {}, format=body_format)
            if outside.status_code not in (403, 404):
                failures.append(f"{actor}: out-of-scope write answered {outside.status_code}")
    assert not failures, f"{name}: " + "; ".join(failures)


@pytest.mark.parametrize("name", ["healthz", "readyz", "schema", "swagger-ui", "redoc"])
def test_public_urls_answer_everyone(world, name):
    for actor in ACTORS:
        assert client_for(world, actor).get(reverse(name)).status_code == 200, actor


def test_an_unknown_api_address_is_a_json_404_for_everyone(world):
    for actor in ACTORS:
        response = client_for(world, actor).get("/api/v1/tidak-ada/")
        assert (response.status_code, response["Content-Type"]) == (404, "application/json")


def test_the_login_page_sends_logged_in_users_home(world):
    for actor in ACTORS:
        status = client_for(world, actor).get(reverse("login")).status_code
        assert status == (302 if actor in LOGGED_IN else 200), actor


def test_logout_and_language_switch_take_posts_only(world):
    for actor in ACTORS:
        client = client_for(world, actor)
        assert client.get(reverse("logout")).status_code == 405, actor
        assert client.post(reverse("set_language"), {"language": "en"}).status_code == 302
        assert client.post(reverse("logout")).status_code == 302, actor
