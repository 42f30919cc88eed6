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
- Closed months: the nightly job's first run after a month ends counts it once more with the
  statuses it ended with (the current-month rule, if within CLOSING_DAYS of its end; later, the
  past-month rule) and freezes it (ClosedPeriod); only an
  explicit recompute (admin action, task or command with a period) rewrites it afterwards,
  and then with the past-month approximation.
- New participants in P: registered during P.
- Non-ASN enrolled from partner lists: enrollment leads marked "enrolled" by the end of P
  (cumulative), by the lead's work regency.
- Workforce (denominator): for a regency, province or the nation, its latest WorkforceFigure with
  period <= P (the latest Sakernas August at or before P); on the same period an official figure
  wins over an estimate. No figure -> no denominator: coverage and gap stay empty, never a
  division by zero. The figure's period, kind, source and flags are copied onto the row.
- Segment coverage: wage-earner (PU) participants / formal employed (BPS status 3 + 4);
  non-wage-earner (BPU) participants / (employed - formal employed). Jakon and PMI count in the
  total only.
- Location: the register counts a participant where they work (work_regency); published
  (reported) counts, which these snapshots never include, count where the employer registered.
- Targets: CoverageTarget for P's year; a regency without its own target takes its province's,
  a province (or regency) without one the national target; `target_inherited_from` says which.
- Branch: the regencies it serves, each counted in full, so a regency served by two branches
  counts for both and branch rows do not add up to the national total. Kanwil: the distinct
  regencies its branches serve (each once). Their workforce is the sum over those regencies,
  empty if any of them has no figure (a partial sum would overstate coverage); it is an estimate
  if any part is. Their target is the workforce-weighted target of those regencies.

SQL: every value travels as a named parameter (%(name)s), table names come from `_meta`.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone

from agencies.models import PartnerAgency
from participants.models import Participant, ParticipantStatus, Segment
from regions.models import (
    NATIONAL_CODE,
    BranchOffice,
    BranchRegency,
    CoverageTarget,
    Province,
    Regency,
    RegionalOffice,
    RegionLevel,
    WorkforceFigure,
)
from worker_lists.models import (
    EnrollmentLead,
    LeadIntake,
    LeadStatus,
    LeadTally,
    SubmissionStatus,
    WorkerListSubmission,
)

from .models import ClosedPeriod, CoverageSnapshot, PartnerAgencySnapshot, SnapshotLevel

OFFICE_WORKFORCE_SOURCE = "Jumlah angka kab/kota yang dilayani"
NATIONAL_NAME = "Indonesia"
CLOSING_DAYS = 3  # a month is closed with its own statuses up to this many days after it ends
LOCK_NAMESPACE = 5_2026  # pg_advisory_xact_lock(namespace, yyyymm): one recompute per month

_COLUMNS = (
    "period, level, code, name, parent_code, active_total, active_pu, active_bpu, active_jakon, "
    "active_pmi, workforce_employed, workforce_formal, workforce_kind, workforce_source, "
    "workforce_period, workforce_flags, coverage_pct, target_pct, target_inherited_from, "
    "gap_to_target, new_participants, non_asn_enrolled, computed_at"
)
_SEGMENT_ALIASES = (
    (Segment.PU, "pu"),
    (Segment.BPU, "bpu"),
    (Segment.JAKON, "jakon"),
    (Segment.PMI, "pmi"),
)


def period_start(value: dt.date) -> dt.date:
    return value.replace(day=1)


def period_next(period: dt.date) -> dt.date:
    return (period.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _tables() -> dict[str, str]:
    return {
        "snap": CoverageSnapshot._meta.db_table,
        "partner_snap": PartnerAgencySnapshot._meta.db_table,
        "agency": PartnerAgency._meta.db_table,
        "submission": WorkerListSubmission._meta.db_table,
        "participant": Participant._meta.db_table,
        "lead": EnrollmentLead._meta.db_table,
        "lead_intake": LeadIntake._meta.db_table,
        "lead_tally": LeadTally._meta.db_table,
        "regency": Regency._meta.db_table,
        "province": Province._meta.db_table,
        "branch": BranchOffice._meta.db_table,
        "branch_regency": BranchRegency._meta.db_table,
        "kanwil": RegionalOffice._meta.db_table,
        "workforce": WorkforceFigure._meta.db_table,
        "target": CoverageTarget._meta.db_table,
    }


def _constants() -> dict[str, str]:
    """Values the SQL compares with, passed as parameters rather than spliced into the text."""
    values = {
        "active": ParticipantStatus.ACTIVE,
        "enrolled": LeadStatus.ENROLLED,
        "list_done": SubmissionStatus.DONE,
        "official": WorkforceFigure.Kind.OFFICIAL,
        "national_code": NATIONAL_CODE,
        "national_name": NATIONAL_NAME,
        "lvl_national": RegionLevel.NATIONAL,
        "lvl_province": RegionLevel.PROVINCE,
        "lvl_regency": RegionLevel.REGENCY,
        "lvl_kanwil": SnapshotLevel.KANWIL,
        "lvl_branch": SnapshotLevel.BRANCH,
        "office_source": OFFICE_WORKFORCE_SOURCE,
        "inherited_province": RegionLevel.PROVINCE,
        "inherited_national": RegionLevel.NATIONAL,
        "none": "",
        **{f"seg_{alias}": code for code, alias in _SEGMENT_ALIASES},
    }
    # Plain str, not the enum subclasses, so every driver adapts them the same way.
    return {key: str(value) for key, value in values.items()}


def _workforce_sql(t: dict[str, str]) -> str:
    """Latest figure per region with period <= P, official first on the same period."""
    return f"""
        SELECT level, region_code, employed, formal_employed, kind, source, period, flags FROM (
            SELECT level, region_code, employed, formal_employed, kind, source, period, flags,
                   ROW_NUMBER() OVER (
                       PARTITION BY level, region_code
                       ORDER BY period DESC, CASE WHEN kind = %(official)s THEN 0 ELSE 1 END
                   ) AS rank_in_region
            FROM {t["workforce"]} WHERE period <= %(period)s
        ) ranked WHERE rank_in_region = 1
    """


def _active_less_registered_later_sql(t: dict[str, str]) -> str:
    """(regency, segment, n) of participants active today, less those registered after the
    month end: the small participant_active_now_idx (work_regency, segment) alone, as cheap as a
    plain GROUP BY, and one index range probe per regency on participant_new_idx
    (work_regency, registered_on) for the later ones (future-dated, or after a past month)."""
    return f"""
        SELECT work_regency_id, segment, COUNT(*) AS n FROM {t["participant"]}
        WHERE status = %(active)s GROUP BY work_regency_id, segment
        UNION ALL
        SELECT p.work_regency_id, p.segment, -COUNT(*) FROM {t["regency"]} r2
        JOIN {t["participant"]} p
          ON p.work_regency_id = r2.code AND p.registered_on >= %(end)s
        WHERE p.status = %(active)s GROUP BY p.work_regency_id, p.segment
    """


def _participants_sql(
    t: dict[str, str], *, today_status: bool, few_registered_later: bool
) -> tuple[str, str]:
    """The participant aggregate per regency (total and per segment) and the month's
    registrations (a subquery per regency row `r`), counted from indexes, never by a scan of
    the table (issue 14: a scan evaluating six FILTERed counts per row was 4.5-5.6x the raw
    GROUP BY).

    Current month (`today_status`): active today and registered by the month end.
    Past month, with the approximation of the module docstring:
    - active today and registered by the month end: when few registered after the month
      (`few_registered_later`, a recent month), active today less those, as the current month
      is counted; otherwise the partial participant_active_idx alone (work_regency, segment,
      carrying registered_on), the date checked on the index tuple;
    - inactive today, registered by the month end and paid for the month or later: the partial
      participant_lapsed_paid_idx (last_paid_period, work_regency, segment, registered_on).
    The two parts are disjoint (status = active, status <> active), so their sum equals
    `registered_on < end AND (status = active OR last_paid_period >= period)`.
    Registered during the month: one index range probe per regency on participant_new_idx.
    """
    if today_status or few_registered_later:
        parts = _active_less_registered_later_sql(t)
    else:
        parts = f"""
            SELECT work_regency_id, segment, COUNT(*) AS n FROM {t["participant"]}
            WHERE status = %(active)s AND registered_on < %(end)s
            GROUP BY work_regency_id, segment
        """
    if not today_status:
        parts += f"""
            UNION ALL
            SELECT work_regency_id, segment, COUNT(*) FROM {t["participant"]}
            WHERE status <> %(active)s AND last_paid_period >= %(period)s
              AND registered_on < %(end)s
            GROUP BY work_regency_id, segment
        """
    pivot = ",\n".join(
        f"SUM(CASE WHEN c.segment = %(seg_{alias})s THEN c.n ELSE 0 END) AS {alias}"
        for _code, alias in _SEGMENT_ALIASES
    )
    aggregate = f"""
        SELECT c.work_regency_id, SUM(c.n) AS total, {pivot}
        FROM ({parts}) c
        GROUP BY c.work_regency_id
    """
    new_in_period = f"""(
        SELECT COUNT(*) FROM {t["participant"]} n
        WHERE n.work_regency_id = r.code
          AND n.registered_on >= %(period)s AND n.registered_on < %(end)s
    )"""
    return aggregate, new_in_period


# Lead figures of a month (issue 14: at 5M leads, counting them was most of a recompute):
# - leads created by its end: the sum of the agency's months in the lead intake
#   (worker_lists.LeadIntake, a row per agency and month, kept by the ingest);
# - leads enrolled by its end: when no enrolment is dated after the month end (always so while
#   the month runs), every enrolled lead counts and the lead tally (worker_lists.LeadTally, kept
#   by the writes) has them per regency and agency; otherwise, from the partial index of
#   enrolled leads (a tenth of leads, index-only).


def _enrolled_from_tally(*, end: dt.datetime) -> bool:
    """Whether every enrolled lead was enrolled before `end` (one probe of the newest entry of
    the enrolled-lead index)."""
    newest = (
        EnrollmentLead.objects.filter(status=LeadStatus.ENROLLED, status_changed_at__isnull=False)
        .order_by("-status_changed_at")
        .values_list("status_changed_at", flat=True)
        .first()
    )
    return newest is None or newest < end


def _enrolled_leads_sql(t: dict[str, str], *, by: str, from_tally: bool) -> str:
    """Leads enrolled by the month end, per `by` (work_regency_id or agency_id)."""
    if from_tally:
        return f"""
            SELECT {by}, SUM(count) AS enrolled FROM {t["lead_tally"]}
            WHERE status = %(enrolled)s GROUP BY {by}
        """
    return f"""
        SELECT {by}, COUNT(*) AS enrolled FROM {t["lead"]}
        WHERE status = %(enrolled)s
          AND (status_changed_at IS NULL OR status_changed_at < %(end_ts)s)
        GROUP BY {by}
    """


def _agency_leads_sql(t: dict[str, str], *, from_tally: bool) -> str:
    """Per agency: leads created by the month end and those enrolled by then."""
    enrolled = _enrolled_leads_sql(t, by="agency_id", from_tally=from_tally)
    return f"""
        SELECT c.agency_id, c.leads, COALESCE(e.enrolled, 0) AS leads_enrolled
        FROM (
            SELECT agency_id, SUM(count) AS leads FROM {t["lead_intake"]}
            WHERE month < %(end)s GROUP BY agency_id HAVING SUM(count) > 0
        ) c
        LEFT JOIN ({enrolled}) e ON e.agency_id = c.agency_id
    """


COUNTS_TABLE = "coverage_regency_counts"


# A past month is counted as "active today less those registered after it" when at most this
# many registered after its end: below it, probing them costs less than reading the larger
# index that carries the registration date (about 0.1 s at 10M participants).
FEW_REGISTERED_LATER = 50_000


def _few_registered_after(cursor, t, params) -> bool:
    """Whether at most FEW_REGISTERED_LATER participants registered after the month end: one
    index probe per regency on participant_new_idx, stopped at the cap."""
    cursor.execute(
        f"""
        SELECT COUNT(*) FROM (
            SELECT 1 FROM {t["regency"]} r JOIN {t["participant"]} p
              ON p.work_regency_id = r.code AND p.registered_on >= %(end)s
            LIMIT %(cap)s
        ) later
        """,
        {**params, "cap": FEW_REGISTERED_LATER + 1},
    )
    return cursor.fetchone()[0] <= FEW_REGISTERED_LATER


def _regency_rows_insert(cursor, t, params, *, today_status: bool, from_tally: bool) -> None:
    aggregate, new_in_period = _participants_sql(
        t,
        today_status=today_status,
        few_registered_later=not today_status and _few_registered_after(cursor, t, params),
    )
    # The participant aggregate goes through a session-local temporary table because PostgreSQL
    # runs CREATE TABLE AS SELECT with parallel workers but never an INSERT ... SELECT.
    cursor.execute(f"DROP TABLE IF EXISTS {COUNTS_TABLE}")
    cursor.execute(f"CREATE TEMPORARY TABLE {COUNTS_TABLE} AS {aggregate}", params)
    cursor.execute(
        f"""
        INSERT INTO {t["snap"]} ({_COLUMNS})
        SELECT %(period)s, %(lvl_regency)s, r.code, r.name, r.province_id,
               COALESCE(a.total, 0), COALESCE(a.pu, 0), COALESCE(a.bpu, 0),
               COALESCE(a.jakon, 0), COALESCE(a.pmi, 0),
               w.employed, w.formal_employed, COALESCE(w.kind, %(none)s),
               COALESCE(w.source, %(none)s), w.period, COALESCE(w.flags, %(none)s),
               NULL, COALESCE(rt.target_pct, pt.target_pct, nt.target_pct),
               CASE WHEN rt.target_pct IS NOT NULL THEN %(none)s
                    WHEN pt.target_pct IS NOT NULL THEN %(inherited_province)s
                    WHEN nt.target_pct IS NOT NULL THEN %(inherited_national)s
                    ELSE %(none)s END,
               NULL, {new_in_period}, COALESCE(l.enrolled, 0), %(now)s
        FROM {t["regency"]} r
        LEFT JOIN {COUNTS_TABLE} a ON a.work_regency_id = r.code
        LEFT JOIN ({_enrolled_leads_sql(t, by="work_regency_id", from_tally=from_tally)}) l
               ON l.work_regency_id = r.code
        LEFT JOIN ({_workforce_sql(t)}) w
               ON w.level = %(lvl_regency)s AND w.region_code = r.code
        LEFT JOIN {t["target"]} rt ON rt.level = %(lvl_regency)s
               AND rt.region_code = r.code AND rt.year = %(year)s
        LEFT JOIN {t["target"]} pt ON pt.level = %(lvl_province)s
               AND pt.region_code = r.province_id AND pt.year = %(year)s
        LEFT JOIN {t["target"]} nt ON nt.level = %(lvl_national)s
               AND nt.region_code = %(national_code)s AND nt.year = %(year)s
        """,
        params,
    )
    cursor.execute(f"DROP TABLE {COUNTS_TABLE}")


_SUMS = """
    COALESCE(SUM(s.active_total), 0), COALESCE(SUM(s.active_pu), 0),
    COALESCE(SUM(s.active_bpu), 0), COALESCE(SUM(s.active_jakon), 0),
    COALESCE(SUM(s.active_pmi), 0)
"""
_SUMS_TAIL = "COALESCE(SUM(s.new_participants), 0), COALESCE(SUM(s.non_asn_enrolled), 0)"
_OWN_WORKFORCE = """
    w.employed, w.formal_employed, COALESCE(w.kind, %(none)s), COALESCE(w.source, %(none)s),
    w.period, COALESCE(w.flags, %(none)s)
"""
_OWN_WORKFORCE_GROUP = "w.employed, w.formal_employed, w.kind, w.source, w.period, w.flags"


def _province_rows_insert(cursor, t, params) -> None:
    cursor.execute(
        f"""
        INSERT INTO {t["snap"]} ({_COLUMNS})
        SELECT %(period)s, %(lvl_province)s, p.code, p.name, %(national_code)s, {_SUMS},
               {_OWN_WORKFORCE}, NULL, COALESCE(pt.target_pct, nt.target_pct),
               CASE WHEN pt.target_pct IS NULL AND nt.target_pct IS NOT NULL
                    THEN %(inherited_national)s ELSE %(none)s END,
               NULL, {_SUMS_TAIL}, %(now)s
        FROM {t["province"]} p
        LEFT JOIN {t["snap"]} s ON s.period = %(period)s AND s.level = %(lvl_regency)s
               AND s.parent_code = p.code
        LEFT JOIN ({_workforce_sql(t)}) w
               ON w.level = %(lvl_province)s AND w.region_code = p.code
        LEFT JOIN {t["target"]} pt ON pt.level = %(lvl_province)s
               AND pt.region_code = p.code AND pt.year = %(year)s
        LEFT JOIN {t["target"]} nt ON nt.level = %(lvl_national)s
               AND nt.region_code = %(national_code)s AND nt.year = %(year)s
        GROUP BY p.code, p.name, {_OWN_WORKFORCE_GROUP}, pt.target_pct, nt.target_pct
        """,
        params,
    )


def _national_row_insert(cursor, t, params) -> None:
    cursor.execute(
        f"""
        INSERT INTO {t["snap"]} ({_COLUMNS})
        SELECT %(period)s, %(lvl_national)s, %(national_code)s, %(national_name)s, %(none)s,
               {_SUMS}, {_OWN_WORKFORCE}, NULL, nt.target_pct, %(none)s, NULL, {_SUMS_TAIL},
               %(now)s
        FROM {t["snap"]} s
        LEFT JOIN ({_workforce_sql(t)}) w
               ON w.level = %(lvl_national)s AND w.region_code = %(national_code)s
        LEFT JOIN {t["target"]} nt ON nt.level = %(lvl_national)s
               AND nt.region_code = %(national_code)s AND nt.year = %(year)s
        WHERE s.period = %(period)s AND s.level = %(lvl_province)s
        GROUP BY {_OWN_WORKFORCE_GROUP}, nt.target_pct
        """,
        params,
    )


def _office_aggregates() -> str:
    complete = "COUNT(s.code) > 0 AND COUNT(s.workforce_employed) = COUNT(s.code)"
    formal_complete = f"{complete} AND COUNT(s.workforce_formal) = COUNT(s.code)"
    return f"""
        CASE WHEN {complete} THEN SUM(s.workforce_employed) END,
        CASE WHEN {formal_complete} THEN SUM(s.workforce_formal) END,
        CASE WHEN {complete} THEN MIN(s.workforce_kind) ELSE %(none)s END,
        CASE WHEN {complete} THEN %(office_source)s ELSE %(none)s END,
        CASE WHEN {complete} THEN MIN(s.workforce_period) END,
        CASE WHEN {complete} THEN MAX(s.workforce_flags) ELSE %(none)s END,
        NULL,
        CASE WHEN {complete} AND COUNT(s.target_pct) = COUNT(s.code)
                  AND SUM(s.workforce_employed) > 0
             THEN ROUND(SUM(s.target_pct * s.workforce_employed) / SUM(s.workforce_employed), 2)
        END,
        %(none)s,
        NULL
    """


def _office_rows_insert(cursor, t, params) -> None:
    # MIN(workforce_kind): 'estimate' sorts before 'official', so any estimated part marks the sum.
    # MAX(workforce_flags) shows one part's remarks when any part has some (the regency rows
    # list them all).
    cursor.execute(
        f"""
        INSERT INTO {t["snap"]} ({_COLUMNS})
        SELECT %(period)s, %(lvl_branch)s, b.code, b.name, k.code, {_SUMS},
               {_office_aggregates()}, {_SUMS_TAIL}, %(now)s
        FROM {t["branch"]} b
        JOIN {t["kanwil"]} k ON k.id = b.regional_office_id
        LEFT JOIN {t["branch_regency"]} br ON br.branch_id = b.id
        LEFT JOIN {t["snap"]} s ON s.period = %(period)s AND s.level = %(lvl_regency)s
               AND s.code = br.regency_id
        GROUP BY b.id, b.code, b.name, k.code
        """,
        params,
    )
    cursor.execute(
        f"""
        INSERT INTO {t["snap"]} ({_COLUMNS})
        SELECT %(period)s, %(lvl_kanwil)s, k.code, k.name, %(national_code)s, {_SUMS},
               {_office_aggregates()}, {_SUMS_TAIL}, %(now)s
        FROM {t["kanwil"]} k
        LEFT JOIN (
            SELECT DISTINCT b.regional_office_id, br.regency_id
            FROM {t["branch_regency"]} br JOIN {t["branch"]} b ON b.id = br.branch_id
        ) kr ON kr.regional_office_id = k.id
        LEFT JOIN {t["snap"]} s ON s.period = %(period)s AND s.level = %(lvl_regency)s
               AND s.code = kr.regency_id
        GROUP BY k.id, k.code, k.name
        """,
        params,
    )


def _ratios_update(cursor, t, params) -> None:
    target_workers = "ROUND(target_pct * workforce_employed / 100.0, 0)"
    informal = "(workforce_employed - workforce_formal)"
    cursor.execute(
        f"""
        UPDATE {t["snap"]} SET
            coverage_pct = CASE WHEN workforce_employed > 0
                THEN ROUND(active_total * 100.0 / workforce_employed, 3) END,
            coverage_pu_pct = CASE WHEN workforce_formal > 0
                THEN ROUND(active_pu * 100.0 / workforce_formal, 3) END,
            coverage_bpu_pct = CASE WHEN {informal} > 0
                THEN ROUND(active_bpu * 100.0 / {informal}, 3) END,
            gap_to_target = CASE
                WHEN target_pct IS NULL OR workforce_employed IS NULL OR workforce_employed = 0
                    THEN NULL
                WHEN {target_workers} > active_total THEN {target_workers} - active_total
                ELSE 0 END
        WHERE period = %(period)s
        """,
        params,
    )


_PARTNER_LIST_SUMS = (
    ("invalid", "count_invalid"),
    ("duplicate_in_list", "count_duplicate_in_list"),
    ("already_covered", "count_already_covered"),
    ("lapsed", "count_lapsed"),
    ("new_lead_rows", "count_new_lead"),
    ("existing_lead", "count_existing_lead"),
    ("needs_verification", "count_needs_verification"),
)


def _partner_rows_insert(cursor, t, params, *, from_tally: bool) -> None:
    """Per partner agency, cumulative to the month end: finished lists and their row outcomes,
    leads (people) and leads enrolled. Two GROUP BYs per recompute instead of per page view
    (4.6M leads took 4.4 s per national page). Agencies with no list and no lead get no row."""
    list_sums = ", ".join(
        f"COALESCE(SUM({column}), 0) AS {key}" for key, column in _PARTNER_LIST_SUMS
    )
    list_columns = ", ".join(f"COALESCE(l.{key}, 0)" for key, _column in _PARTNER_LIST_SUMS)
    keys = ", ".join(key for key, _column in _PARTNER_LIST_SUMS)
    cursor.execute(
        f"""
        INSERT INTO {t["partner_snap"]}
            (period, agency_id, lists, {keys}, leads, leads_enrolled, computed_at)
        SELECT %(period)s, a.id, COALESCE(l.lists, 0), {list_columns},
               COALESCE(d.leads, 0), COALESCE(d.leads_enrolled, 0), %(now)s
        FROM {t["agency"]} a
        LEFT JOIN (
            SELECT agency_id, COUNT(*) AS lists, {list_sums} FROM {t["submission"]}
            WHERE status = %(list_done)s AND created_at < %(end_ts)s
            GROUP BY agency_id
        ) l ON l.agency_id = a.id
        LEFT JOIN ({_agency_leads_sql(t, from_tally=from_tally)}) d ON d.agency_id = a.id
        WHERE l.agency_id IS NOT NULL OR d.agency_id IS NOT NULL
        """,
        params,
    )


@transaction.atomic
def coverage_compute(*, period: dt.date, as_of: dt.date | None = None, force: bool = False) -> int:
    """Replace all snapshots of `period`'s month in one transaction. Returns the rows written.

    Readers see either the old period or the new one, never a mix: delete and inserts commit
    together. Idempotent: the same data gives the same rows. `as_of` (default today) decides
    whether the month is current (today's status) or past (approximated). A closed month
    (ClosedPeriod) keeps its frozen snapshots unless `force` asks for a recompute.
    """
    period = period_start(period)
    if not force and ClosedPeriod.objects.filter(period=period).exists():
        return CoverageSnapshot.objects.filter(period=period).count()

    today_status = period >= period_start(as_of or timezone.localdate())
    end = period_next(period)
    ops = connection.ops
    end_moment = dt.datetime.combine(end, dt.time.min, tzinfo=timezone.get_current_timezone())
    now = timezone.now()
    from_tally = _enrolled_from_tally(end=end_moment)
    params = {
        **_constants(),
        "period": ops.adapt_datefield_value(period),
        "end": ops.adapt_datefield_value(end),
        "end_ts": ops.adapt_datetimefield_value(end_moment),
        "now": ops.adapt_datetimefield_value(now),
        "year": period.year,
    }
    t = _tables()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Two recomputes of one month (nightly job and a finished partner list) would each
            # delete only the rows they can see and then collide on the unique key; the second
            # waits here instead. SQLite already serialises writers.
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%(namespace)s, %(month)s)",
                {"namespace": LOCK_NAMESPACE, "month": period.year * 100 + period.month},
            )
        cursor.execute(f"DELETE FROM {t['snap']} WHERE period = %(period)s", params)
        cursor.execute(f"DELETE FROM {t['partner_snap']} WHERE period = %(period)s", params)
        _regency_rows_insert(cursor, t, params, today_status=today_status, from_tally=from_tally)
        _province_rows_insert(cursor, t, params)
        _national_row_insert(cursor, t, params)
        _office_rows_insert(cursor, t, params)
        _ratios_update(cursor, t, params)
        _partner_rows_insert(cursor, t, params, from_tally=from_tally)
    return CoverageSnapshot.objects.filter(period=period).count()


@transaction.atomic
def coverage_period_close(*, period: dt.date, today: dt.date | None = None) -> bool:
    """Freeze a month that has ended: count it one last time with today's statuses (the month
    just ended, so they are its closing statuses: exact, not the past-month approximation) and
    record it closed. Returns False when it was already closed (nothing recomputed)."""
    period = period_start(period)
    if ClosedPeriod.objects.select_for_update().filter(period=period).exists():
        return False
    # Today's statuses are the month's closing ones only in the first days after it ended (the
    # nightly job missed a night, or the feature was deployed later): after that, the
    # past-month approximation is the better count.
    today = today or timezone.localdate()
    closing = today < period_next(period) + dt.timedelta(days=CLOSING_DAYS)
    coverage_compute(period=period, as_of=period if closing else today, force=True)
    # A concurrent close waited on the month's advisory lock and recounted the same data.
    ClosedPeriod.objects.get_or_create(period=period, defaults={"closed_at": timezone.now()})
    return True
