"""Synthetic participants with valid NIKs, for demos and benchmarks (never real people)."""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone

from core.identifiers import nik_compose
from regions.models import District

from .models import Participant, ParticipantStatus, Segment

# Synthetic births span 40 years (1966-2005), so every encoded two-digit year decodes unambiguously.
BIRTH_BASE = dt.date(1966, 1, 1)
BIRTH_SPAN_DAYS = 14_600
REGISTRATION_BASE = dt.date(2015, 1, 1)
REGISTRATION_SPAN_DAYS = 4_300
SEGMENTS_BY_BUCKET = ["PU"] * 14 + ["BPU"] * 4 + ["JAKON"] + ["PMI"]  # 70/20/5/5 percent

_DISTRICTS = District._meta.db_table
_GENERATE_SQL = f"""
WITH districts AS (
    SELECT row_number() OVER (ORDER BY code) - 1 AS idx, code, regency_id FROM {_DISTRICTS}
), district_count AS (SELECT count(*) AS n FROM {_DISTRICTS})
INSERT INTO {Participant._meta.db_table} (
    nik, kpj, full_name, sex, birth_date, segment, status, employer_id, work_regency_id,
    registered_on, last_paid_period, updated_at
)
SELECT
    replace(d.code, '.', '')
        || lpad(
            (extract(day FROM b.birth)::int + CASE WHEN g %% 2 = 1 THEN 40 ELSE 0 END)::text, 2, '0'
        )
        || to_char(b.birth, 'MMYY')
        || lpad(((g / (dc.n * %(span)s)) %% 9999 + 1)::text, 4, '0'),
    NULL,
    'Peserta Sintetis ' || g,
    CASE WHEN g %% 2 = 1 THEN 'F' ELSE 'M' END,
    b.birth,
    (%(segments)s::text[])[(g * 7919) %% 20 + 1],
    CASE WHEN (g * 104729) %% 10 < 8 THEN 'active' ELSE 'inactive' END,
    NULL,
    d.regency_id,
    %(registration_base)s::date + ((g * 31) %% %(registration_span)s)::int,
    date_trunc(
        'month', %(registration_base)s::date + ((g * 31) %% %(registration_span)s)::int
    )::date,
    now()
FROM generate_series(%(start)s::bigint, %(stop)s::bigint) AS g
CROSS JOIN district_count dc
JOIN districts d ON d.idx = g %% dc.n
CROSS JOIN LATERAL (
    SELECT %(birth_base)s::date + ((g / dc.n) %% %(span)s)::int AS birth
) b
ON CONFLICT (nik) DO NOTHING
"""


def _synthetic_participant(index: int, districts: list[tuple[str, str]]) -> Participant:
    """Python twin of _GENERATE_SQL, for SQLite."""
    district_code, regency_code = districts[index % len(districts)]
    birth = BIRTH_BASE + dt.timedelta(days=(index // len(districts)) % BIRTH_SPAN_DAYS)
    serial = (index // (len(districts) * BIRTH_SPAN_DAYS)) % 9999 + 1
    registered = REGISTRATION_BASE + dt.timedelta(days=(index * 31) % REGISTRATION_SPAN_DAYS)
    return Participant(
        nik=nik_compose(
            district_code=district_code, birth_date=birth, female=index % 2 == 1, serial=serial
        ),
        full_name=f"Peserta Sintetis {index}",
        sex="F" if index % 2 == 1 else "M",
        birth_date=birth,
        segment=SEGMENTS_BY_BUCKET[(index * 7919) % 20],
        status=ParticipantStatus.ACTIVE
        if (index * 104729) % 10 < 8
        else ParticipantStatus.INACTIVE,
        work_regency_id=regency_code,
        registered_on=registered,
        last_paid_period=registered.replace(day=1),
    )


def participants_generate(
    *, count: int, start: int = 0, chunk_size: int = 1_000_000, progress=None
) -> int:
    """Create `count` synthetic participants numbered from `start` (valid NIKs spread over every
    district). Deterministic: the same numbers give the same NIKs, so re-running adds nothing.
    One transaction per chunk, so a 10-million run does not hold one giant transaction.
    Returns the number of rows inserted."""
    assert set(SEGMENTS_BY_BUCKET) <= set(Segment.values)
    inserted = 0
    if connection.vendor == "postgresql":
        for chunk_start in range(start, start + count, chunk_size):
            chunk_stop = min(chunk_start + chunk_size, start + count) - 1
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
                cursor.execute(
                    _GENERATE_SQL,
                    {
                        "start": chunk_start,
                        "stop": chunk_stop,
                        "span": BIRTH_SPAN_DAYS,
                        "segments": SEGMENTS_BY_BUCKET,
                        "birth_base": BIRTH_BASE,
                        "registration_base": REGISTRATION_BASE,
                        "registration_span": REGISTRATION_SPAN_DAYS,
                    },
                )
                inserted += cursor.rowcount
            if progress:
                progress(chunk_stop + 1 - start, inserted)
        return inserted
    districts = list(District.objects.order_by("code").values_list("code", "regency_id"))
    for chunk_start in range(start, start + count, 5_000):
        batch = [
            _synthetic_participant(index, districts)
            for index in range(chunk_start, min(chunk_start + 5_000, start + count))
        ]
        with transaction.atomic():
            inserted += len(Participant.objects.bulk_create(batch, ignore_conflicts=True))
    return inserted


# A demo area's register: registrations spread since 2015, a third of them in the last year and
# more each month (the demo's "growth"); 88% active. Dates come from small calendar tables so the
# one INSERT ... SELECT is the same SQL on SQLite and PostgreSQL.
AREA_REGISTRATION_START = dt.date(2015, 1, 1)
AREA_CALENDAR_SIZE = 2000
AREA_RECENT_SHARE = 0.3
AREA_ACTIVE_PERCENT = 88
AREA_SERIAL_BASE = 7000  # above the demo's hand-made participants, below its worker list (9901+)
AREA_SERIAL_SPAN = 2900

_AREA_SQL = """
WITH RECURSIVE counter(g) AS (
    SELECT CAST(0 AS BIGINT) UNION ALL SELECT g + 1 FROM counter WHERE g + 1 < %(count)s
)
INSERT INTO {participant} (
    nik, kpj, full_name, sex, birth_date, segment, status, employer_id, work_regency_id,
    registered_on, last_paid_period, updated_at
)
SELECT
    d.code6 || CASE WHEN g %% 2 = 1 THEN b.ddmmyy_f ELSE b.ddmmyy_m END
        || CAST(%(serial_base)s + (g / (%(districts)s * %(births)s)) %% %(serial_span)s AS TEXT),
    NULL,
    %(name_prefix)s || CAST(g AS TEXT),
    CASE WHEN g %% 2 = 1 THEN %(female)s ELSE %(male)s END,
    b.birth,
    CASE WHEN (g * 31) %% 100 < 65 THEN %(pu)s
         WHEN (g * 31) %% 100 < 87 THEN %(bpu)s
         WHEN (g * 31) %% 100 < 95 THEN %(jakon)s
         ELSE %(pmi)s END,
    CASE WHEN (g * 104729) %% 100 < %(active_percent)s THEN %(active)s ELSE %(inactive)s END,
    NULL,
    %(regency)s,
    r.day,
    r.month,
    %(now)s
FROM counter
JOIN {districts} d ON d.idx = g %% %(districts)s
JOIN {births} b ON b.idx = (g / %(districts)s) %% %(births)s
JOIN {days} r ON r.idx = (g * 7919) %% %(days)s
WHERE 1 = 1
ON CONFLICT (nik) DO NOTHING
"""


def _area_calendar(today: dt.date) -> list[tuple[int, dt.date, dt.date]]:
    cutoff = today - dt.timedelta(days=365)
    older = round(AREA_CALENDAR_SIZE * (1 - AREA_RECENT_SHARE))
    recent = AREA_CALENDAR_SIZE - older
    span = (cutoff - AREA_REGISTRATION_START).days
    days = [AREA_REGISTRATION_START + dt.timedelta(days=span * i // older) for i in range(older)]
    # Density rising toward today: the i-th recent day sits at 365 * sqrt(i / recent).
    days += [
        cutoff + dt.timedelta(days=min(364, int(365 * (i / recent) ** 0.5))) for i in range(recent)
    ]
    return [(index, day, day.replace(day=1)) for index, day in enumerate(days)]


def participants_generate_area(*, regency_code: str, count: int, today: dt.date) -> int:
    """`count` synthetic participants working in one regency, in one INSERT ... SELECT.

    Valid NIKs from the regency's districts; idempotent (same NIKs, ON CONFLICT DO NOTHING).
    Returns the rows inserted.
    """
    districts = list(
        District.objects.filter(regency_id=regency_code)
        .order_by("code")
        .values_list("code", flat=True)
    )
    if not districts or count <= 0:
        return 0
    births = [BIRTH_BASE + dt.timedelta(days=i) for i in range(0, BIRTH_SPAN_DAYS, 2)]
    tables = {
        "districts": "demo_area_district",
        "births": "demo_area_birth",
        "days": "demo_area_day",
    }
    with transaction.atomic(), connection.cursor() as cursor:
        for name in tables.values():
            cursor.execute(f"DROP TABLE IF EXISTS {name}")
        cursor.execute(f"CREATE TEMPORARY TABLE {tables['districts']} (idx integer, code6 text)")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {tables['births']} "
            "(idx integer, birth date, ddmmyy_m text, ddmmyy_f text)"
        )
        cursor.execute(
            f"CREATE TEMPORARY TABLE {tables['days']} (idx integer, day date, month date)"
        )
        ops = connection.ops
        cursor.executemany(
            f"INSERT INTO {tables['districts']} VALUES (%s, %s)",
            [(i, code.replace(".", "")) for i, code in enumerate(districts)],
        )
        cursor.executemany(
            f"INSERT INTO {tables['births']} VALUES (%s, %s, %s, %s)",
            [
                (
                    i,
                    ops.adapt_datefield_value(b),
                    f"{b.day:02d}{b:%m%y}",
                    f"{b.day + 40:02d}{b:%m%y}",
                )
                for i, b in enumerate(births)
            ],
        )
        calendar = _area_calendar(today)
        cursor.executemany(
            f"INSERT INTO {tables['days']} VALUES (%s, %s, %s)",
            [
                (i, ops.adapt_datefield_value(d), ops.adapt_datefield_value(m))
                for i, d, m in calendar
            ],
        )
        cursor.execute(
            _AREA_SQL.format(participant=Participant._meta.db_table, **tables),
            {
                "count": count,
                "districts": len(districts),
                "births": len(births),
                "days": len(calendar),
                "serial_base": AREA_SERIAL_BASE,
                "serial_span": AREA_SERIAL_SPAN,
                "name_prefix": f"Peserta Sintetis {regency_code}-",
                "female": "F",
                "male": "M",
                "pu": str(Segment.PU),
                "bpu": str(Segment.BPU),
                "jakon": str(Segment.JAKON),
                "pmi": str(Segment.PMI),
                "active_percent": AREA_ACTIVE_PERCENT,
                "active": str(ParticipantStatus.ACTIVE),
                "inactive": str(ParticipantStatus.INACTIVE),
                "regency": regency_code,
                "now": ops.adapt_datetimefield_value(timezone.now()),
            },
        )
        inserted = cursor.rowcount
        for name in tables.values():
            cursor.execute(f"DROP TABLE {name}")
    return inserted
