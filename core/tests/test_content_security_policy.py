"""Content-Security-Policy: every page carries it, and no template needs an exception to it."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from employers.tests.factories import EmployerFactory

TEMPLATES = Path(settings.BASE_DIR) / "templates"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"\s(?:on[a-z]+|hx-on[:\w-]*)\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.I)


def _templates():
    return sorted(TEMPLATES.rglob("*.html"))


def _policy(response) -> dict[str, list[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize("path", _templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_template_has_inline_script_handler_or_style_attribute(path):
    text = path.read_text()
    assert not INLINE_SCRIPT.search(text), "inline <script>: move it to static/js/"
    assert not EVENT_HANDLER.search(text), "inline event handler: bind it in static/js/"
    assert not STYLE_ATTRIBUTE.search(text), "style attribute: use a class or data-progress-width"


def test_the_login_page_carries_a_strict_policy(client, db):
    policy = _policy(client.get(reverse("login")))
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]


@pytest.mark.parametrize(
    "url_name",
    ["home", "employers:list", "cases:list", "lead-list", "coverage:national", "api-case-list"],
)
def test_every_page_and_api_response_carries_the_policy(client, management_user, url_name):
    client.force_login(management_user)
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_the_employer_page_carries_the_policy(client, branch_user):
    employer = EmployerFactory(branch=branch_user.branch)
    client.force_login(branch_user)
    response = client.get(reverse("employers:detail", args=[employer.pk]))
    assert _policy(response)["script-src"] == ["'self'"]


@pytest.mark.parametrize("url_name", ["swagger-ui", "redoc"])
def test_only_the_api_documentation_may_run_inline_code(client, db, url_name):
    policy = _policy(client.get(reverse(url_name)))
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["frame-ancestors"] == ["'none'"]
