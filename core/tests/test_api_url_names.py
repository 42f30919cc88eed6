"""API URL names read api-<thing>-<action>, so reverse() calls are guessable."""

import re

from django.urls import URLResolver, get_resolver, reverse

from bpjs_outreach.urls import api_v1

# drf-spectacular's own pages keep the names its views and settings expect.
# and the catch-all that answers unknown API addresses with a JSON 404.
DOCUMENTATION = {"schema", "swagger-ui", "redoc", "api-not-found"}
API_NAME = re.compile(r"api-[a-z]+(?:-[a-z]+)*-(?:list|detail|create|rows|report)")


def test_every_api_url_name_follows_the_pattern():
    names = {pattern.name for pattern in api_v1 if not isinstance(pattern, URLResolver)}
    assert names - DOCUMENTATION
    for name in names - DOCUMENTATION:
        assert API_NAME.fullmatch(name), name


def test_the_coverage_api_is_api_coverage_list():
    assert reverse("api-coverage-list") == "/api/v1/coverage/"
    assert "coverage-list" not in get_resolver().reverse_dict
