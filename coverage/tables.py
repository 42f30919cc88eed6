"""Tables of the coverage pages, described once and rendered as HTML, CSV or XLSX."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from django.core.cache import cache
from django.http.response import HttpResponseBase
from django.utils.formats import date_format, number_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.exports import export_response

from .models import CoverageSnapshot

TABLE_CACHE_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"  # text | int | pct | workforce


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[dict] = field(default_factory=list)
    link: Callable[[dict], str] | None = None
    note: str = ""

    def html_rows(self) -> list[dict]:
        # Formatted here rather than with template filters: a province table has ~500 cells and
        # per-cell filters were most of the page's render time.
        return [
            {
                "url": self.link(row) if self.link else "",
                "cells": [_html_cell(column, row) for column in self.columns],
            }
            for row in self.rows
        ]

    def html_body(self) -> str:
        """The table's <tr> rows as one HTML string, built here rather than by template loops,
        and cached under a digest of everything it shows.

        The national page's tables hold ~2,000 cells; looping over them in the template cost
        ~3,900 variable lookups and most of the page's time (issue 14). Formatting them in
        Python still costs ~13 ms, yet the rows only change when a month is recomputed: the
        digest of the rows, their links and the language names exactly one rendering, so a
        recompute (or a different viewer's scope) gives a new key and never a stale table.
        """
        rows = [(self.link(row) if self.link else "", row) for row in self.rows]
        digest = hashlib.blake2b(
            repr((self.key, get_language(), [c.key for c in self.columns], rows)).encode(),
            digest_size=20,
        ).hexdigest()
        cache_key = f"coverage:table:{digest}"
        body = cache.get(cache_key)
        if body is None:
            body = self._html_body()
            cache.set(cache_key, body, TABLE_CACHE_SECONDS)
        return mark_safe(body)  # built by _html_body, which escapes every value

    def _html_body(self) -> str:
        out = []
        for row in self.html_rows():
            out.append("<tr>")
            for index, cell in enumerate(row["cells"]):
                css = ""
                if cell["numeric"]:
                    css = ' class="num text-muted"' if cell["missing"] else ' class="num"'
                text = conditional_escape(cell["text"])
                if index == 0 and row["url"]:
                    text = f'<a href="{conditional_escape(row["url"])}">{text}</a>'
                out.append(
                    f'<td{css} data-sort="{conditional_escape(cell["sort"])}">'
                    f"{text}{conditional_escape(cell['extra'])}</td>"
                )
            out.append("</tr>\n")
        return "".join(out)


@lru_cache(maxsize=256)
def _month_label(period, language: str) -> str:
    # A table repeats a handful of Augusts hundreds of times; date_format is not cheap.
    return date_format(period, "M Y")


def _workforce_remarks(row: dict) -> str:
    """Estimate badge, the figure's August and the source's remarks, as one HTML snippet."""
    parts = []
    if row.get("workforce_kind") == "estimate":
        parts.append(
            format_html(
                ' <span class="badge badge-estimate" title="{}">{}</span>',
                _("Estimasi dari pangsa penduduk, bukan angka resmi"),
                _("estimasi"),
            )
        )
    period = row.get("workforce_period")
    if period:
        flags = row.get("workforce_flag_labels") or []
        remark = (
            format_html(' <abbr title="{}">{}</abbr>', "; ".join(flags), _("catatan"))
            if flags
            else ""
        )
        parts.append(
            format_html(
                '<span class="d-block small text-muted">{}{}</span>',
                _month_label(period, get_language()),
                remark,
            )
        )
    return mark_safe("".join(parts))  # every part is built by format_html


def _html_cell(column: Column, row: dict) -> dict:
    value = row.get(column.key)
    cell = {"numeric": column.kind != "text", "extra": "", "missing": value is None}
    if value is None:
        cell["sort"] = ""
        cell["text"] = _("tanpa penyebut") if column.kind == "workforce" else "\u2013"
    elif column.kind == "text":
        cell["sort"] = value.isoformat() if hasattr(value, "isoformat") else value
        cell["text"] = date_format(value, "M Y") if hasattr(value, "year") else value
    elif column.kind == "pct":
        cell["sort"] = str(value)
        cell["text"] = number_format(value, 2, force_grouping=True)
    else:
        cell["sort"] = str(value)
        cell["text"] = number_format(value, force_grouping=True)
        if column.kind == "workforce":
            # Which August the figure is, and the source's remarks, wherever it is shown.
            cell["extra"] = _workforce_remarks(row)
    return cell


SNAPSHOT_COLUMNS = [
    Column("name", _("Nama")),
    Column("code", _("Kode")),
    Column("active_total", _("Peserta aktif"), "int"),
    Column("active_pu", "PU", "int"),
    Column("active_bpu", "BPU", "int"),
    Column("active_jakon", "Jakon", "int"),
    Column("active_pmi", "PMI", "int"),
    Column("new_participants", _("Peserta baru"), "int"),
    Column("non_asn_enrolled", _("Non-ASN dari instansi"), "int"),
    Column("workforce_employed", _("Penduduk bekerja"), "workforce"),
    Column("coverage_pct", _("Cakupan (%)"), "pct"),
    Column("target_pct", _("Target (%)"), "pct"),
    Column("gap_to_target", _("Kekurangan menuju target"), "int"),
]


def snapshot_row(snapshot: CoverageSnapshot) -> dict:
    return {
        "period": snapshot.period,
        "level": snapshot.level,
        "code": snapshot.code,
        "name": snapshot.name,
        "active_total": snapshot.active_total,
        "active_pu": snapshot.active_pu,
        "active_bpu": snapshot.active_bpu,
        "active_jakon": snapshot.active_jakon,
        "active_pmi": snapshot.active_pmi,
        "new_participants": snapshot.new_participants,
        "non_asn_enrolled": snapshot.non_asn_enrolled,
        "workforce_employed": snapshot.workforce_employed,
        "workforce_kind": snapshot.workforce_kind,
        "workforce_source": snapshot.workforce_source,
        "workforce_period": snapshot.workforce_period,
        "workforce_flags": snapshot.workforce_flags,
        "workforce_flag_labels": snapshot.workforce_flag_labels,
        "coverage_pct": snapshot.coverage_pct,
        "target_pct": snapshot.target_pct,
        "gap_to_target": snapshot.gap_to_target,
    }


def snapshot_table(
    *, key: str, title: str, snapshots: Iterable[CoverageSnapshot], link=None
) -> Table:
    return Table(
        key=key,
        title=title,
        columns=SNAPSHOT_COLUMNS,
        rows=[snapshot_row(s) for s in snapshots],
        link=link,
    )


TREND_COLUMNS = [
    Column("period", _("Periode")),
    Column("active_total", _("Peserta aktif"), "int"),
    Column("new_participants", _("Peserta baru"), "int"),
    Column("workforce_employed", _("Penduduk bekerja"), "workforce"),
    Column("coverage_pct", _("Cakupan (%)"), "pct"),
    Column("target_pct", _("Target (%)"), "pct"),
    Column("gap_to_target", _("Kekurangan menuju target"), "int"),
]


def _export_value(row: dict, column: Column):
    value = row.get(column.key)
    if value is None:
        return ""
    if column.kind == "pct":
        return float(value)
    if column.key == "period":
        return value.strftime("%Y-%m")
    return value


def _export_header(table: Table) -> tuple[list[str], bool]:
    with_kind = any(column.kind == "workforce" for column in table.columns)
    header = [str(column.label) for column in table.columns]
    if with_kind:
        header += [
            str(_("Jenis angka angkatan kerja")),
            str(_("Sumber angkatan kerja")),
            str(_("Periode angkatan kerja")),
            str(_("Catatan sumber angkatan kerja")),
        ]
    return header, with_kind


def _export_rows(table: Table, with_kind: bool) -> Iterator[list]:
    for row in table.rows:
        values = [_export_value(row, column) for column in table.columns]
        if with_kind:
            period = row.get("workforce_period")
            values += [
                row.get("workforce_kind") or "",
                row.get("workforce_source") or "",
                period.strftime("%Y-%m") if period else "",
                row.get("workforce_flags") or "",
            ]
        yield values


def table_export(table: Table, *, file_format: str, filename: str) -> HttpResponseBase:
    """The table as a CSV or XLSX download: raw numbers, the workforce kind in its own column."""
    header, with_kind = _export_header(table)
    return export_response(
        header=header,
        rows=_export_rows(table, with_kind),
        file_format=file_format,
        filename=filename,
        sheet_title=table.key,
    )


PARTNER_COLUMNS = [
    Column("name", _("Instansi")),
    Column("kind", _("Jenis")),
    Column("jurisdiction", _("Wilayah")),
    Column("lists", _("Daftar selesai"), "int"),
    Column("rows_submitted", _("Baris dikirim"), "int"),
    Column("invalid", _("Tidak valid"), "int"),
    Column("duplicate_in_list", _("Ganda dalam daftar"), "int"),
    Column("valid", _("Valid"), "int"),
    Column("already_covered", _("Sudah terdaftar (aktif)"), "int"),
    Column("lapsed", _("Peserta nonaktif"), "int"),
    Column("leads", _("Prospek baru (orang)"), "int"),
    Column("leads_enrolled", _("Prospek sudah didaftarkan"), "int"),
    Column("enrolled_pct", _("Didaftarkan (%)"), "pct"),
]


def partner_table(*, rows: list[dict]) -> Table:
    return Table(
        key="instansi-mitra",
        title=_("Instansi mitra: hasil daftar pekerja"),
        columns=PARTNER_COLUMNS,
        rows=rows,
        note=_(
            "Kumulatif sampai akhir periode, dari daftar yang selesai diproses. Baris dikirim = "
            "tidak valid + ganda dalam daftar + valid. Prospek dihitung per orang (satu per NIK "
            "per instansi), jadi NIK yang dikirim di beberapa daftar dihitung sekali."
        ),
    )
