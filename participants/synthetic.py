"""Synthetic participants with valid NIKs, for demos and benchmarks (never real people)."""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction

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
