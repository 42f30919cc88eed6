"""Supervisory board dashboards: national, province, Kanwil, branch and regency pages.

Every page reads snapshots only (plus employer counts on the regency page) through
accounts.permissions, so a branch user reaching another branch's URL gets a 404.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from accounts.permissions import Ability, ability_required_page, sees_everything
from core.exports import EXPORT_FORMATS

from . import selectors
from .charts import trend_chart
from .models import SnapshotLevel
from .services import period_next
from .tables import (
    TREND_COLUMNS,
    Column,
    Table,
    partner_table,
    snapshot_row,
    snapshot_table,
    table_export,
)

PAGE_URL_NAMES = {
    SnapshotLevel.NATIONAL: "coverage:national",
    SnapshotLevel.PROVINCE: "coverage:province",
    SnapshotLevel.REGENCY: "coverage:regency",
    SnapshotLevel.KANWIL: "coverage:kanwil",
    SnapshotLevel.BRANCH: "coverage:branch",
}


def _staff_only(view):
    """Dashboards are for BPJS staff; partner agencies read coverage through the API."""
    return ability_required_page(Ability.VIEW_DASHBOARDS)(require_GET(view))


def _page_url(level: str, code: str, period: dt.date | None = None) -> str:
    if level == SnapshotLevel.NATIONAL:
        url = reverse("coverage:national")
    else:
        url = reverse(PAGE_URL_NAMES[level], args=[code])
    return f"{url}?period={period:%Y-%m}" if period else url


def _row_link(period: dt.date):
    return lambda row: _page_url(row["level"], row["code"], period)


def _requested_period(request: HttpRequest, periods: list[dt.date]) -> dt.date | None:
    raw = request.GET.get("period", "")
    if not raw:
        return periods[0] if periods else None
    match = re.fullmatch(r"(\d{4})-(\d{2})", raw)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(raw)
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def _partner_panel(user, *, period: dt.date, province_code: str | None = None) -> Table:
    # Cumulative to the end of the shown month, like the snapshots' non-ASN enrolled count.
    until = dt.datetime.combine(
        period_next(period), dt.time.min, tzinfo=timezone.get_current_timezone()
    )
    return partner_table(
        rows=selectors.partner_agency_results(user=user, until=until, province_code=province_code)
    )


def _child_tables(request, *, level: str, code: str, period: dt.date) -> list[Table]:
    user = request.user
    link = _row_link(period)
    if level == SnapshotLevel.NATIONAL:
        return [
            snapshot_table(
                key="provinsi",
                title=_("Provinsi"),
                snapshots=selectors.coverage_list(
                    user=user, level=SnapshotLevel.PROVINCE, period=period
                ),
                link=link,
            ),
            snapshot_table(
                key="kanwil",
                title=_("Kantor wilayah"),
                snapshots=selectors.coverage_list(
                    user=user, level=SnapshotLevel.KANWIL, period=period
                ),
                link=link,
            ),
            _partner_panel(user, period=period),
        ]
    if level == SnapshotLevel.PROVINCE:
        return [
            snapshot_table(
                key="kabkota",
                title=_("Kabupaten/kota"),
                snapshots=selectors.coverage_list(
                    user=user, level=SnapshotLevel.REGENCY, period=period, parent=code
                ),
                link=link,
            ),
            snapshot_table(
                key="cabang",
                title=_("Kantor cabang yang melayani provinsi ini"),
                snapshots=selectors.coverage_branches_in_province(
                    user=user, period=period, province_code=code
                ),
                link=link,
            ),
            _partner_panel(user, period=period, province_code=code),
        ]
    if level in (SnapshotLevel.KANWIL, SnapshotLevel.BRANCH):
        tables = []
        if level == SnapshotLevel.KANWIL:
            tables.append(
                snapshot_table(
                    key="cabang",
                    title=_("Kantor cabang"),
                    snapshots=selectors.coverage_list(
                        user=user, level=SnapshotLevel.BRANCH, period=period, parent=code
                    ),
                    link=link,
                )
            )
        tables.append(
            snapshot_table(
                key="kabkota",
                title=_("Kabupaten/kota yang dilayani"),
                snapshots=selectors.coverage_regencies_of_office(
                    user=user, period=period, level=level, code=code
                ),
                link=link,
            )
        )
        return tables
    return [
        Table(
            key="pemberi-kerja",
            title=_("Pemberi kerja menurut status kepatuhan"),
            columns=[
                Column("label", _("Status kepatuhan")),
                Column("employers", pgettext("daftar", "Pemberi kerja"), "int"),
                Column("reported", _("Tenaga kerja dilaporkan"), "int"),
                Column("registered", _("Tenaga kerja terdaftar"), "int"),
                Column("unregistered", _("Belum terdaftar"), "int"),
            ],
            rows=selectors.employers_by_compliance(user=user, regency_code=code),
        ),
        Table(
            key="pemberi-kerja-belum-patuh",
            title=_("Pemberi kerja belum patuh (terbanyak pekerja belum terdaftar)"),
            columns=[
                Column("name", _("Nama")),
                Column("npp", _("NPP")),
                Column("label", _("Status kepatuhan")),
                Column("reported_workers", _("Tenaga kerja dilaporkan"), "int"),
                Column("registered_workers", _("Tenaga kerja terdaftar"), "int"),
                Column("unregistered", _("Belum terdaftar"), "int"),
            ],
            rows=selectors.employers_to_follow_up(user=user, regency_code=code),
        ),
    ]


def _coverage_page(request: HttpRequest, *, level: str, code: str) -> HttpResponse:
    user = request.user
    periods = selectors.coverage_periods(user=user)
    try:
        period = _requested_period(request, periods)
    except ValueError:
        return HttpResponseBadRequest(_("Parameter period harus berformat YYYY-MM."))
    trend = selectors.coverage_trend(user=user, level=level, code=code) if periods else []
    if periods and not trend:
        raise Http404
    headline = selectors.snapshot_change(trend, period) if period else {"current": None}
    current = headline["current"]
    tables = _child_tables(request, level=level, code=code, period=period) if current else []
    if current:
        tables.append(
            Table(
                key="tren",
                title=_("Tren per periode"),
                columns=TREND_COLUMNS,
                rows=[snapshot_row(row) for row in trend if row.period <= period],
            )
        )
    export = request.GET.get("export")
    if export:
        wanted = request.GET.get("table", "")
        table = next((t for t in tables if t.key == wanted), None)
        if export not in EXPORT_FORMATS or table is None:
            return HttpResponseBadRequest(_("Parameter export atau table tidak dikenal."))
        filename = f"cakupan-{code}-{table.key}-{period:%Y-%m}".replace(".", "")
        return table_export(table, file_format=export, filename=filename)
    context = {
        "level": level,
        "level_label": SnapshotLevel(level).label,
        "code": code,
        "period": period,
        "periods": periods,
        "current": current,
        "previous": headline.get("previous"),
        "change": headline.get("change", {}),
        "chart": trend_chart(
            [row for row in trend if period and row.period <= period],
            target_pct=current.target_pct if current else None,
        ),
        "tables": tables,
        "target_path": selectors.coverage_target_path(level=level, code=code) if current else [],
        "sees_everything": sees_everything(user),
        "parent_url": _parent_url(level, current, period, user),
        "attribution": _("Batas provinsi: %(source)s") % {"source": PROVINCE_MAP_SOURCE},
    }
    if level == SnapshotLevel.NATIONAL and current:
        context["map_values"] = {
            row["code"]: {
                "name": row["name"],
                "pct": float(row["coverage_pct"]) if row["coverage_pct"] is not None else None,
                "active": row["active_total"],
                "estimate": row["workforce_kind"] == "estimate",
                "url": _page_url(SnapshotLevel.PROVINCE, row["code"], period),
            }
            for row in tables[0].rows
        }
    return render(request, "coverage/page.html", context)


def _parent_url(level: str, current, period, user) -> str:
    if current is None or not sees_everything(user):
        return ""
    if level in (SnapshotLevel.PROVINCE, SnapshotLevel.KANWIL):
        return _page_url(SnapshotLevel.NATIONAL, "", period)
    if level == SnapshotLevel.REGENCY:
        return _page_url(SnapshotLevel.PROVINCE, current.parent_code, period)
    if level == SnapshotLevel.BRANCH:
        return _page_url(SnapshotLevel.KANWIL, current.parent_code, period)
    return ""


# The attribution CC BY 4.0 asks for (shared/data/SOURCES.md); only its lead-in is translated.
PROVINCE_MAP_SOURCE = '"Indonesia GeoJSON & TopoJSON Maps (38 Provinces)", denyherianto, CC BY 4.0'


@_staff_only
def coverage_home(request: HttpRequest) -> HttpResponse:
    """The board lands on the national page; office staff on their own office's page."""
    user = request.user
    if sees_everything(user):
        return _coverage_page(request, level=SnapshotLevel.NATIONAL, code="ID")
    if user.branch_id is None:
        return redirect("coverage:kanwil", user.regional_office.code)
    return redirect("coverage:branch", user.branch.code)


@_staff_only
def coverage_province(request: HttpRequest, code: str) -> HttpResponse:
    return _coverage_page(request, level=SnapshotLevel.PROVINCE, code=code)


@_staff_only
def coverage_regency(request: HttpRequest, code: str) -> HttpResponse:
    return _coverage_page(request, level=SnapshotLevel.REGENCY, code=code)


@_staff_only
def coverage_kanwil(request: HttpRequest, code: str) -> HttpResponse:
    return _coverage_page(request, level=SnapshotLevel.KANWIL, code=code)


@_staff_only
def coverage_branch(request: HttpRequest, code: str) -> HttpResponse:
    return _coverage_page(request, level=SnapshotLevel.BRANCH, code=code)


@cache
def _province_geojson() -> bytes:
    return (settings.REFERENCE_DATA_DIR / "provinces.geojson").read_bytes()


@login_required
@require_GET
def province_geojson(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(_province_geojson(), content_type="application/geo+json")
    response["Cache-Control"] = "private, max-age=86400"
    return response
