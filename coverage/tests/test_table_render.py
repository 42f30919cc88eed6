"""Coverage tables render their rows in Python, cached by what they show."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import translation

from coverage.tables import SNAPSHOT_COLUMNS, Column, Table


@pytest.fixture(autouse=True)
def _empty_cache_in_indonesian():
    cache.clear()
    with translation.override("id"):
        yield
    cache.clear()


def _row(**overrides) -> dict:
    row = {
        "level": "province",
        "code": "36",
        "name": "Banten",
        "active_total": 1234567,
        "active_pu": 1,
        "active_bpu": 2,
        "active_jakon": 3,
        "active_pmi": 4,
        "new_participants": 5,
        "non_asn_enrolled": 6,
        "workforce_employed": 5000000,
        "workforce_kind": "official",
        "workforce_period": dt.date(2025, 8, 1),
        "workforce_flag_labels": [],
        "coverage_pct": Decimal("24.691"),
        "target_pct": None,
        "gap_to_target": None,
    }
    return row | overrides


def _table(rows, link=None) -> Table:
    return Table(key="provinsi", title="Provinsi", columns=SNAPSHOT_COLUMNS, rows=rows, link=link)


def test_body_has_one_row_per_snapshot_with_a_cell_per_column():
    body = _table([_row(), _row(code="32", name="Jawa Barat")]).html_body()
    assert body.count("<tr>") == 2
    assert body.count("<td") == 2 * len(SNAPSHOT_COLUMNS)


def test_body_links_the_first_cell_and_formats_numbers_the_indonesian_way():
    body = _table([_row()], link=lambda row: f"/cakupan/provinsi/{row['code']}/").html_body()
    assert '<td data-sort="Banten"><a href="/cakupan/provinsi/36/">Banten</a></td>' in body
    assert '<td class="num" data-sort="1234567">1.234.567</td>' in body
    assert '<td class="num text-muted" data-sort="">\u2013</td>' in body


def test_body_escapes_names():
    body = _table([_row(name='<b>"Kota" & co</b>')]).html_body()
    assert "&lt;b&gt;&quot;Kota&quot; &amp; co&lt;/b&gt;" in body
    assert "<b>" not in body


def test_a_recomputed_figure_is_shown_not_the_cached_one():
    assert "1.234.567" in _table([_row()]).html_body()
    recomputed = _table([_row(active_total=1234999)]).html_body()
    assert "1.234.999" in recomputed
    assert "1.234.567" not in recomputed


def test_the_same_rows_are_formatted_once(monkeypatch):
    calls = []
    original = Table._html_body

    def counting(self):
        calls.append(self.key)
        return original(self)

    monkeypatch.setattr(Table, "_html_body", counting)
    first = _table([_row()]).html_body()
    second = _table([_row()]).html_body()
    assert first == second
    assert calls == ["provinsi"]


def test_rows_the_viewer_may_not_see_never_come_from_another_viewers_cache():
    both = _table([_row(), _row(code="32", name="Jawa Barat")]).html_body()
    one = _table([_row()]).html_body()
    assert "Jawa Barat" in both
    assert "Jawa Barat" not in one


def test_a_text_table_without_numbers_renders_plain_cells():
    table = Table(key="t", title="t", columns=[Column("name", "Nama")], rows=[{"name": "A"}])
    assert table.html_body() == '<tr><td data-sort="A">A</td></tr>\n'
