"""Supervisory board dashboards: national, province, Kanwil, branch and regency pages.

Every page reads snapshots only (plus employer counts on the regency page) through
accounts.permissions, so a branch user reaching another branch's URL gets a 404.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from functools import cache, lru_cache

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from accounts.permissions import Ability, ability_required_page, sees_everything
from core.exports import EXPORT_FORMATS
from core.periods import parse_period

from . import picture, selectors
from .charts import picture_chart, trend_chart
from .models import SnapshotLevel
from .projection import WINDOW_MONTHS, months_between
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


@lru_cache(maxsize=8192)
def _page_url(level: str, code: str, period: dt.date | None = None) -> str:
    # Cached: a national page links ~120 regions and reverse() was a visible share of its time;
    # the URLconf does not change while the process runs.
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
    return parse_period(raw)


def _partner_panel(user, *, period: dt.date, province_code: str | None = None) -> Table:
    # Cumulative to the end of the shown month, computed with the month's snapshots.
    return partner_table(
        rows=selectors.partner_agency_results(user=user, period=period, province_code=province_code)
    )


def _child_tables(
    request, *, level: str, code: str, period: dt.date, province_window=None
) -> list[Table]:
    user = request.user
    link = _row_link(period)
    if level == SnapshotLevel.NATIONAL:
        return [
            snapshot_table(
                key="provinsi",
                title=_("Provinsi"),
                snapshots=province_window.get(period, []),
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


def _official_context(*, level: str, code: str, period: dt.date, current, window) -> dict:
    """National and province pages: published counts beside the register, with both paths."""
    if level not in (SnapshotLevel.NATIONAL, SnapshotLevel.PROVINCE):
        return {}
    reported = selectors.reported_coverage(
        province_code=code if level == SnapshotLevel.PROVINCE else None
    )
    series = (
        reported["national"] if level == SnapshotLevel.NATIONAL else reported["province_series"]
    )
    series = [row for row in series if row.period <= period]
    latest = series[-1] if series else None
    context = {
        "official": latest,
        "official_series": series,
        # The latest count that was published with its PU/BPU split (not every one is).
        "official_segments": next((r for r in reversed(series) if r.active_pu is not None), None),
        # Over 100% is registration location, not coverage: no path to a target from it.
        "official_path": picture.official_path(series, current)
        if latest and not latest.over_100
        else None,
    }
    if level == SnapshotLevel.NATIONAL:
        provinces = picture.lagging_provinces(
            window=window,
            period=period,
            reported=reported["provinces"],
            link=lambda province: _page_url(SnapshotLevel.PROVINCE, province, period),
        )
        context["provinces_by_code"] = {p.code: p for p in provinces}
        context["lagging_by_gap"] = picture.worst_by_gap(provinces)
        context["lagging_by_pace"] = picture.worst_by_pace(provinces)
        context["benchmark"] = picture.BENCHMARK_BAND
    return context


def _coverage_page(request: HttpRequest, *, level: str, code: str) -> HttpResponse:
    user = request.user
    trend = selectors.coverage_trend(user=user, level=level, code=code)
    if trend:
        # Every recompute writes every level, so the region's own trend lists all periods.
        periods = sorted({row.period for row in trend}, reverse=True)
    else:
        periods = selectors.coverage_periods(user=user)
        if periods:
            raise Http404
    try:
        period = _requested_period(request, periods)
    except ValueError:
        return HttpResponseBadRequest(_("Parameter period harus berformat YYYY-MM."))
    headline = selectors.snapshot_change(trend, period) if period else {"current": None}
    current = headline["current"]
    window = {}
    if current and level == SnapshotLevel.NATIONAL:
        # Provinces now and at the start of the pace window: all a province's pace needs.
        window_start = min(
            p for p in periods if p <= period and months_between(p, period) <= WINDOW_MONTHS
        )
        window = selectors.coverage_list_at(
            user=user, level=SnapshotLevel.PROVINCE, periods={window_start, period}
        )
    tables = (
        _child_tables(request, level=level, code=code, period=period, province_window=window)
        if current
        else []
    )
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
    shown_trend = [row for row in trend if period and row.period <= period]
    target_path = selectors.coverage_target_path(level=level, code=code) if current else []
    official = (
        _official_context(level=level, code=code, period=period, current=current, window=window)
        if current
        else {}
    )
    if official.get("official_series"):
        chart = picture_chart(
            register=shown_trend,
            official=official["official_series"],
            targets=target_path,
            band=picture.BENCHMARK_BAND if level == SnapshotLevel.NATIONAL else None,
        )
    else:
        chart = trend_chart(shown_trend, target_pct=current.target_pct if current else None)
    context = {
        "level": level,
        "level_label": SnapshotLevel(level).label,
        "code": code,
        "period": period,
        "periods": periods,
        "current": current,
        "previous": headline.get("previous"),
        "change": headline.get("change", {}),
        "chart": chart,
        "tables": tables,
        "target_path": target_path,
        "register_path": picture.register_path(trend, current) if current else None,
        "sees_everything": sees_everything(user),
        "parent_url": _parent_url(level, current, period, user),
        "attribution": _("Batas provinsi: %(source)s") % {"source": PROVINCE_MAP_SOURCE},
        "map_legend": picture.map_legend(),
        **official,
    }
    if current:
        context |= _map_context(level=level, code=code, period=period, tables=tables, **official)
    return render(request, "coverage/page.html", context)


def _map_context(*, level: str, code: str, period: dt.date, tables, **official) -> dict:
    """National page: provinces, coloured by published figures when there are any by province
    (else the register); province page: its regencies/cities from the register."""
    if level == SnapshotLevel.NATIONAL:
        provinces = official.get("provinces_by_code", {})
        values = {
            row["code"]: _map_value(row, provinces.get(row["code"]), period)
            for row in tables[0].rows
        }
        has_official = any(value["official_pct"] is not None for value in values.values())
        return {"map_values": values, "map_series": "official" if has_official else "register"}
    if level == SnapshotLevel.PROVINCE:
        regencies = next(t for t in tables if t.key == "kabkota")
        return {
            "map_values": {
                row["code"]: _map_value(row, None, period, level=SnapshotLevel.REGENCY)
                for row in regencies.rows
            },
            "map_series": "register",
            "geojson_url": reverse("coverage:regency-geojson", args=[code]),
            "attribution": _("Batas kabupaten/kota: %(source)s") % {"source": REGENCY_MAP_SOURCE},
        }
    return {}


def _pct_or_none(value) -> float | None:
    return float(value) if value is not None else None


def _map_value(row: dict, province, period, *, level=SnapshotLevel.PROVINCE) -> dict:
    """One map area: register coverage always, the published figure where there is one."""
    official = province.official if province else None
    return {
        "name": row["name"],
        "pct": _pct_or_none(row["coverage_pct"]),
        "active": row["active_total"],
        "estimate": row["workforce_kind"] == "estimate",
        "official_pct": _pct_or_none(official.coverage_pct) if official else None,
        "official_active": official.active_total if official else None,
        "official_period": f"{official.period:%m/%Y}" if official else "",
        "over_100": bool(official and official.over_100),
        "url": _page_url(level, row["code"], period),
    }


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
# The notice MIT asks to keep with regencies.geojson (regions/data/regencies.geojson.LICENSE).
REGENCY_MAP_SOURCE = "cahyadsn/wilayah_boundaries, (c) 2024 Cahya DSN, MIT License; disederhanakan"


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


@cache
def _regency_geojson_by_province() -> dict[str, bytes]:
    """regencies.geojson (2 MB) cut once per process into one gzipped slice per province."""
    collection = json.loads((settings.REFERENCE_DATA_DIR / "regencies.geojson").read_bytes())
    by_province: dict[str, list] = {}
    for feature in collection["features"]:
        by_province.setdefault(feature["properties"]["code"][:2], []).append(feature)
    return {
        code: gzip.compress(
            json.dumps(
                {"type": "FeatureCollection", "features": features}, separators=(",", ":")
            ).encode(),
            mtime=0,
        )
        for code, features in by_province.items()
    }


@login_required
@require_GET
def regency_geojson(request: HttpRequest, code: str) -> HttpResponse:
    """One province's regencies/cities, gzip-compressed once and cached by the browser."""
    body = _regency_geojson_by_province().get(code)
    if body is None:
        raise Http404
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(body, content_type="application/geo+json")
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(gzip.decompress(body), content_type="application/geo+json")
    response["Vary"] = "Accept-Encoding"
    response["Cache-Control"] = "private, max-age=86400"
    return response
