"""Writes of the coverage engine: compute a month's snapshots for every level in SQL.

Definitions (the board reads these numbers, so they are spelt out here):
- Period P is a calendar month, stored as its first day; "by the end of P" means before the 1st
  of the next month.
- Current month (and later): active = today's status, registered by the end of the month. This
  is the month the nightly job recomputes, and it is read from the coverage index alone.
- Past months: the participant table holds only today's status, so this is an approximation: a
  participant counts as active in P when registered by the end of P and either active today
  (assumed active since registration) or paid contributions for P or later
  (`last_paid_period >= P`: inactive today, counted active up to the last month paid).
- New participants in P: registered during P.
- Non-ASN enrolled from partner lists: enrollment leads marked "enrolled" by the end of P
  (cumulative), by the lead's work regency.
- Workforce (denominator): for a regency, province or the nation, its latest WorkforceFigure with
  period <= P; on the same period an official figure wins over an estimate. No figure -> no
  denominator: coverage and gap stay empty, never a division by zero.
- Targets: CoverageTarget for P's year; a regency without its own target takes its province's.
- Branch: the regencies it serves, each counted in full, so a regency served by two branches
  counts for both and branch rows do not add up to the national total. Kanwil: the distinct
  regencies its branches serve (each once). Their workforce is the sum over those regencies,
  empty if any of them has no figure (a partial sum would overstate coverage); it is an estimate
  if any part is. Their target is the workforce-weighted target of those regencies.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone

from participants.models import Participant, ParticipantStatus
from regions.models import (
    NATIONAL_CODE,
    BranchOffice,
    BranchRegency,
    CoverageTarget,
    Province,
    Regency,
    RegionalOffice,
    WorkforceFigure,
)
from worker_lists.models import EnrollmentLead, LeadStatus

from .models import CoverageSnapshot

OFFICE_WORKFORCE_SOURCE = "Jumlah angka kab/kota yang dilayani"
NATIONAL_NAME = "Indonesia"
LOCK_NAMESPACE = 5_2026  # pg_advisory_xact_lock(namespace, yyyymm): one recompute per month

_COLUMNS = (
    "period, level, code, name, parent_code, active_total, active_pu, active_bpu, active_jakon, "
    "active_pmi, workforce_employed, workforce_kind, workforce_source, workforce_period, "
    "coverage_pct, target_pct, gap_to_target, new_participants, non_asn_enrolled, computed_at"
)


def period_start(value: dt.date) -> dt.date:
    return value.replace(day=1)


def period_next(period: dt.date) -> dt.date:
    return (period.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _tables() -> dict[str, str]:
    return {
        "snap": CoverageSnapshot._meta.db_table,
        "participant": Participant._meta.db_table,
        "lead": EnrollmentLead._meta.db_table,
        "regency": Regency._meta.db_table,
        "province": Province._meta.db_table,
        "branch": BranchOffice._meta.db_table,
        "branch_regency": BranchRegency._meta.db_table,
        "kanwil": RegionalOffice._meta.db_table,
        "workforce": WorkforceFigure._meta.db_table,
        "target": CoverageTarget._meta.db_table,
    }


def _count_if(condition: str) -> str:
    # FILTER is PostgreSQL's fast path; SUM(CASE ...) is the portable spelling.
    if connection.vendor == "postgresql":
        return f"COUNT(*) FILTER (WHERE {condition})"
    return f"COALESCE(SUM(CASE WHEN {condition} THEN 1 ELSE 0 END), 0)"


def _workforce_sql(t: dict[str, str]) -> str:
    """Latest figure per region with period <= P (param), official first on the same period."""
    return f"""
        SELECT level, region_code, employed, kind, source, period FROM (
            SELECT level, region_code, employed, kind, source, period,
                   ROW_NUMBER() OVER (
                       PARTITION BY level, region_code
                       ORDER BY period DESC, CASE kind WHEN 'official' THEN 0 ELSE 1 END
                   ) AS rank_in_region
            FROM {t["workforce"]} WHERE period <= %s
        ) ranked WHERE rank_in_region = 1
    """


_SEGMENT_ALIASES = (("PU", "pu"), ("BPU", "bpu"), ("JAKON", "jakon"), ("PMI", "pmi"))


def _participants_as_of_today_sql(t, *, period_p, end_p) -> tuple[str, str, list, list]:
    """Current month: today's status. Active counts come from participant_coverage_idx
    (status, work_regency, segment) alone, as cheap as a plain GROUP BY; participants registered
    after the month (future-dated) are subtracted, and the month's registrations are counted,
    with one index range probe per regency on participant_new_idx (work_regency, registered_on).
    """
    pivot = ",\n".join(
        f"SUM(CASE WHEN c.segment = '{code}' THEN c.n ELSE 0 END) AS {alias}"
        for code, alias in _SEGMENT_ALIASES
    )
    active = ParticipantStatus.ACTIVE
    aggregate = f"""
        SELECT c.work_regency_id, SUM(c.n) AS total, {pivot}
        FROM (
            SELECT work_regency_id, segment, COUNT(*) AS n FROM {t["participant"]}
            WHERE status = '{active}' GROUP BY work_regency_id, segment
            UNION ALL
            SELECT p.work_regency_id, p.segment, -COUNT(*) FROM {t["regency"]} r2
            JOIN {t["participant"]} p
              ON p.work_regency_id = r2.code AND p.registered_on >= %s
            WHERE p.status = '{active}' GROUP BY p.work_regency_id, p.segment
        ) c
        GROUP BY c.work_regency_id
    """
    new_in_period = f"""(
        SELECT COUNT(*) FROM {t["participant"]} n
        WHERE n.work_regency_id = r.code AND n.registered_on >= %s AND n.registered_on < %s
    )"""
    return aggregate, new_in_period, [end_p], [period_p, end_p]


def _participants_back_then_sql(t, *, period_p, end_p) -> tuple[str, str, list, list]:
    """A past month: one pass over participants, with the approximation of the module docstring."""
    active = f"(status = '{ParticipantStatus.ACTIVE}' OR last_paid_period >= %s)"
    segment_counts = ",\n".join(
        f"{_count_if(f'{active} AND segment = {chr(39)}{code}{chr(39)}')} AS {alias}"
        for code, alias in _SEGMENT_ALIASES
    )
    aggregate = f"""
        SELECT work_regency_id,
               {_count_if(active)} AS total,
               {segment_counts},
               {_count_if("registered_on >= %s")} AS new_in_period
        FROM {t["participant"]}
        WHERE registered_on < %s
        GROUP BY work_regency_id
    """
    return aggregate, "COALESCE(a.new_in_period, 0)", [period_p] * 6 + [end_p], []


COUNTS_TABLE = "coverage_regency_counts"


def _regency_rows_insert(cursor, t, *, period, today_status, period_p, end_p, end_ts, now_p):
    build = _participants_as_of_today_sql if today_status else _participants_back_then_sql
    aggregate, new_in_period, aggregate_params, new_params = build(
        t, period_p=period_p, end_p=end_p
    )
    # The participant aggregate goes through a session-local temporary table because PostgreSQL
    # runs CREATE TABLE AS SELECT with parallel workers but never an INSERT ... SELECT.
    cursor.execute(f"DROP TABLE IF EXISTS {COUNTS_TABLE}")
    cursor.execute(f"CREATE TEMPORARY TABLE {COUNTS_TABLE} AS {aggregate}", aggregate_params)
    cursor.execute(
        f"""
        INSERT INTO {t["snap"]} ({_COLUMNS})
        SELECT %s, 'regency', r.code, r.name, r.province_id,
               COALESCE(a.total, 0), COALESCE(a.pu, 0), COALESCE(a.bpu, 0),
               COALESCE(a.jakon, 0), COALESCE(a.pmi, 0),
               w.employed, COALESCE(w.kind, ''), COALESCE(w.source, ''), w.period,
               NULL, COALESCE(rt.target_pct, pt.target_pct), NULL,
               {new_in_period}, COALESCE(l.enrolled, 0), %s
        FROM {t["regency"]} r
        LEFT JOIN {COUNTS_TABLE} a ON a.work_regency_id = r.code
        LEFT JOIN (
            SELECT work_regency_id, COUNT(*) AS enrolled FROM {t["lead"]}
            WHERE status = '{LeadStatus.ENROLLED}'
              AND (status_changed_at IS NULL OR status_changed_at < %s)
            GROUP BY work_regency_id
        ) l ON l.work_regency_id = r.code
        LEFT JOIN ({_workforce_sql(t)}) w ON w.level = 'regency' AND w.region_code = r.code
        LEFT JOIN {t["target"]} rt
               ON rt.level = 'regency' AND rt.region_code = r.code AND rt.year = %s
        LEFT JOIN {t["target"]} pt
               ON pt.level = 'province' AND pt.region_code = r.province_id AND pt.year = %s
        """,
        [period_p, *new_params, now_p, end_ts, period_p, period.year, period.year],
    )
    cursor.execute(f"DROP TABLE {COUNTS_TABLE}")


_SUMS = """
    COALESCE(SUM(s.active_total), 0), COALESCE(SUM(s.active_pu), 0),
    COALESCE(SUM(s.active_bpu), 0), COALESCE(SUM(s.active_jakon), 0),
    COALESCE(SUM(s.active_pmi), 0)
"""
_SUMS_TAIL = "COALESCE(SUM(s.new_participants), 0), COALESCE(SUM(s.non_asn_enrolled), 0)"


def _province_rows_insert(cursor, t, *, period, period_p, now_p) -> None:
    cursor.execute(
        f"""
        INSERT INTO {t["snap"]} ({_COLUMNS})
        SELECT %s, 'province', p.code, p.name, '{NATIONAL_CODE}', {_SUMS},
               w.employed, COALESCE(w.kind, ''), COALESCE(w.source, ''), w.period,
               NULL, pt.target_pct, NULL, {_SUMS_TAIL}, %s
        FROM {t["province"]} p
        LEFT JOIN {t["snap"]} s
               ON s.period = %s AND s.level = 'regency' AND s.parent_code = p.code
        LEFT JOIN ({_workforce_sql(t)}) w ON w.level = 'province' AND w.region_code = p.code
        LEFT JOIN {t["target"]} pt
               ON pt.level = 'province' AND pt.region_code = p.code AND pt.year = %s
        GROUP BY p.code, p.name, w.employed, w.kind, w.source, w.period, pt.target_pct
        """,
        [period_p, now_p, period_p, period_p, period.year],
    )


def _national_row_insert(cursor, t, *, period, period_p, now_p) -> None:
    cursor.execute(
        f"""
        INSERT INTO {t["snap"]} ({_COLUMNS})
        SELECT %s, 'national', '{NATIONAL_CODE}', %s, '', {_SUMS},
               w.employed, COALESCE(w.kind, ''), COALESCE(w.source, ''), w.period,
               NULL, nt.target_pct, NULL, {_SUMS_TAIL}, %s
        FROM {t["snap"]} s
        LEFT JOIN ({_workforce_sql(t)}) w
               ON w.level = 'national' AND w.region_code = '{NATIONAL_CODE}'
        LEFT JOIN {t["target"]} nt ON nt.level = 'national'
               AND nt.region_code = '{NATIONAL_CODE}' AND nt.year = %s
        WHERE s.period = %s AND s.level = 'province'
        GROUP BY w.employed, w.kind, w.source, w.period, nt.target_pct
        """,
        [period_p, NATIONAL_NAME, now_p, period_p, period.year, period_p],
    )


def _office_aggregates() -> str:
    complete = "COUNT(s.code) > 0 AND COUNT(s.workforce_employed) = COUNT(s.code)"
    return f"""
        CASE WHEN {complete} THEN SUM(s.workforce_employed) END,
        CASE WHEN {complete} THEN MIN(s.workforce_kind) ELSE '' END,
        CASE WHEN {complete} THEN %s ELSE '' END,
        CASE WHEN {complete} THEN MIN(s.workforce_period) END,
        NULL,
        CASE WHEN {complete} AND COUNT(s.target_pct) = COUNT(s.code)
                  AND SUM(s.workforce_employed) > 0
             THEN ROUND(SUM(s.target_pct * s.workforce_employed) / SUM(s.workforce_employed), 2)
        END,
        NULL
    """


def _office_rows_insert(cursor, t, *, period_p, now_p) -> None:
    # MIN(workforce_kind): 'estimate' sorts before 'official', so any estimated part marks the sum.
    cursor.execute(
        f"""
        INSERT INTO {t["snap"]} ({_COLUMNS})
        SELECT %s, 'branch', b.code, b.name, k.code, {_SUMS}, {_office_aggregates()},
               {_SUMS_TAIL}, %s
        FROM {t["branch"]} b
        JOIN {t["kanwil"]} k ON k.id = b.regional_office_id
        LEFT JOIN {t["branch_regency"]} br ON br.branch_id = b.id
        LEFT JOIN {t["snap"]} s
               ON s.period = %s AND s.level = 'regency' AND s.code = br.regency_id
        GROUP BY b.id, b.code, b.name, k.code
        """,
        [period_p, OFFICE_WORKFORCE_SOURCE, now_p, period_p],
    )
    cursor.execute(
        f"""
        INSERT INTO {t["snap"]} ({_COLUMNS})
        SELECT %s, 'kanwil', k.code, k.name, '{NATIONAL_CODE}', {_SUMS}, {_office_aggregates()},
               {_SUMS_TAIL}, %s
        FROM {t["kanwil"]} k
        LEFT JOIN (
            SELECT DISTINCT b.regional_office_id, br.regency_id
            FROM {t["branch_regency"]} br JOIN {t["branch"]} b ON b.id = br.branch_id
        ) kr ON kr.regional_office_id = k.id
        LEFT JOIN {t["snap"]} s
               ON s.period = %s AND s.level = 'regency' AND s.code = kr.regency_id
        GROUP BY k.id, k.code, k.name
        """,
        [period_p, OFFICE_WORKFORCE_SOURCE, now_p, period_p],
    )


def _ratios_update(cursor, t, *, period_p) -> None:
    target_workers = "ROUND(target_pct * workforce_employed / 100.0, 0)"
    cursor.execute(
        f"""
        UPDATE {t["snap"]} SET
            coverage_pct = CASE WHEN workforce_employed > 0
                THEN ROUND(active_total * 100.0 / workforce_employed, 3) END,
            gap_to_target = CASE
                WHEN target_pct IS NULL OR workforce_employed IS NULL OR workforce_employed = 0
                    THEN NULL
                WHEN {target_workers} > active_total THEN {target_workers} - active_total
                ELSE 0 END
        WHERE period = %s
        """,
        [period_p],
    )


@transaction.atomic
def coverage_compute(*, period: dt.date, as_of: dt.date | None = None) -> int:
    """Replace all snapshots of `period`'s month in one transaction. Returns the rows written.

    Readers see either the old period or the new one, never a mix: delete and inserts commit
    together. Idempotent: the same data gives the same rows. `as_of` (default today) decides
    whether the month is current (today's status) or past (approximated).
    """
    period = period_start(period)
    today_status = period >= period_start(as_of or timezone.localdate())
    end = period_next(period)
    ops = connection.ops
    period_p = ops.adapt_datefield_value(period)
    end_p = ops.adapt_datefield_value(end)
    end_ts = ops.adapt_datetimefield_value(
        dt.datetime.combine(end, dt.time.min, tzinfo=timezone.get_current_timezone())
    )
    now_p = ops.adapt_datetimefield_value(timezone.now())
    t = _tables()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Two recomputes of one month (nightly job and a finished partner list) would each
            # delete only the rows they can see and then collide on the unique key; the second
            # waits here instead. SQLite already serialises writers.
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)",
                [LOCK_NAMESPACE, period.year * 100 + period.month],
            )
        cursor.execute(f"DELETE FROM {t['snap']} WHERE period = %s", [period_p])
        _regency_rows_insert(
            cursor,
            t,
            period=period,
            today_status=today_status,
            period_p=period_p,
            end_p=end_p,
            end_ts=end_ts,
            now_p=now_p,
        )
        _province_rows_insert(cursor, t, period=period, period_p=period_p, now_p=now_p)
        _national_row_insert(cursor, t, period=period, period_p=period_p, now_p=now_p)
        _office_rows_insert(cursor, t, period_p=period_p, now_p=now_p)
        _ratios_update(cursor, t, period_p=period_p)
    return CoverageSnapshot.objects.filter(period=period).count()


def coverage_recompute_later(*, period: dt.date | None = None) -> None:
    """Enqueue a recompute once the caller's transaction commits (e.g. a partner list finished).

    On commit, so the worker sees the rows that triggered it and a rolled-back import
    triggers nothing.
    """
    from .tasks import coverage_compute as coverage_compute_task

    argument = period_start(period).isoformat() if period else None
    # Robust: a broker outage at this point logs and skips the recompute (the nightly run
    # catches up) instead of raising into the caller after its COMMIT.
    transaction.on_commit(lambda: coverage_compute_task.delay(argument), robust=True)
