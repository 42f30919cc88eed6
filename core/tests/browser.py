"""Helpers for the Playwright browser tests."""


def watch_csp_violations(target) -> list[str]:
    """The console messages Chromium logs when the Content-Security-Policy blocks something on a
    page or browser context; the list fills up as the test goes."""
    violations: list[str] = []

    def record(message):
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    target.on("console", record)
    return violations
