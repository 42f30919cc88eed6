"""Tables of the coverage pages, described once and rendered as HTML, CSV or XLSX."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.http.response import HttpResponseBase
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext_lazy as _

from core.exports import export_response

from .models import CoverageSnapshot


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


def _html_cell(column: Column, row: dict) -> dict:
    value = row.get(column.key)
    cell = {"numeric": column.kind != "text", "estimate": False, "missing": value is None}
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
        cell["estimate"] = column.kind == "workforce" and row.get("workforce_kind") == "estimate"
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
        header += [str(_("Jenis angka angkatan kerja")), str(_("Sumber angkatan kerja"))]
    return header, with_kind


def _export_rows(table: Table, with_kind: bool) -> Iterator[list]:
    for row in table.rows:
        values = [_export_value(row, column) for column in table.columns]
        if with_kind:
            values += [row.get("workforce_kind") or "", row.get("workforce_source") or ""]
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
