"""What each kind of notification says, in the active language (inbox) or Indonesian (email).

Params hold names, numbers and codes; labels are looked up when the text is read, so a reader
who switched to English reads English.
"""

from __future__ import annotations

import datetime as dt

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from campaigns.models import CaseKind, SanctionKind

from .models import NotificationKind


def _labels(params: dict) -> dict:
    values = dict(params)
    if "case_kind" in values:
        values["case_kind"] = CaseKind(values["case_kind"]).label
    if "step" in values:
        values["step"] = SanctionKind(values["step"]).label
    if "deadline" in values:
        values["deadline"] = date_format(dt.date.fromisoformat(values["deadline"]), "j F Y")
    for name in ("rows", "new_leads", "invalid"):
        if name in values:
            values[name] = number_format(values[name], force_grouping=True)
    return values


def notification_title(kind: str, params: dict) -> str:
    values = _labels(params)
    if kind == NotificationKind.CASE_SENT:
        return _("Kasus baru dari %(branch)s: %(employer)s") % values
    if kind == NotificationKind.SANCTION_LAPSED:
        return _("Tenggat %(step)s lewat: %(employer)s") % values
    if kind == NotificationKind.LIST_FINISHED:
        return _("Daftar %(reference)s selesai: %(new_leads)s prospek baru") % values
    return kind


def notification_body(kind: str, params: dict) -> str:
    values = _labels(params)
    if kind == NotificationKind.CASE_SENT:
        return _("%(case_kind)s untuk %(employer)s dikirim oleh %(branch)s.") % values
    if kind == NotificationKind.SANCTION_LAPSED:
        return (
            _(
                "%(step)s nomor %(letter)s lewat tenggat %(deadline)s tanpa kepatuhan. "
                "Tahap berikutnya dapat diterbitkan."
            )
            % values
        )
    if kind == NotificationKind.LIST_FINISHED:
        return (
            _("%(rows)s baris diperiksa; %(new_leads)s prospek baru, %(invalid)s tidak valid.")
            % values
        )
    return ""
