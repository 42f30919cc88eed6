"""What every Playwright browser test shares: Debian's chromium, the screenshots folder, logging a
user in, and the Content-Security-Policy violations Chromium reports. The `browser` fixture (one
chromium per test session) lives in the root conftest.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
TEST_PASSWORD = "test-pass-123"  # accounts.tests.factories.UserFactory's
# Generous: the CI machine may be busy with other suites.
TIMEOUT_MS = 30_000

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium (/usr/bin/chromium)"
)


def watch_csp_violations(target) -> list[str]:
    """The console messages Chromium logs when the Content-Security-Policy blocks something on a
    page or browser context; the list fills up as the test goes."""
    violations: list[str] = []

    def record(message):
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    target.on("console", record)
    return violations


def login_page(browser, live_server, username: str, **context_options):
    """A new browser context logged in through the login form, as a person would."""
    context = browser.new_context(locale="id-ID", **context_options)
    context.csp_violations = watch_csp_violations(context)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{live_server.url}/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return context, page


def session_page(browser, live_server, client, user, width: int, height: int = 800):
    """A page already logged in as `user` (the test client's session cookie): for tests about a
    page, not about logging in."""
    client.force_login(user)
    context = browser.new_context(viewport={"width": width, "height": height})
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.csp_violations = watch_csp_violations(page)
    return page


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
