"""System checks the production start relies on (`manage.py check --deploy`)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.checks import Error, Tags, register


@register(Tags.staticfiles, deploy=True)
def static_files_collected(app_configs, **kwargs) -> list[Error]:
    """With DEBUG off, pages name static files through the manifest that collectstatic writes;
    without it every page answers 500. Say so before the app starts, not after."""
    manifest_name = getattr(staticfiles_storage, "manifest_name", None)
    if settings.DEBUG or manifest_name is None:
        return []
    if staticfiles_storage.exists(manifest_name):
        return []
    return [
        Error(
            "Static files are not collected: every page would answer 500.",
            hint="Run `manage.py collectstatic --noinput` (deploy/release.sh does it).",
            id="core.E001",
        )
    ]
