"""Published active-participant counts: a data kind of its own, loaded with source and date."""

import datetime as dt

import pytest
from django.conf import settings
from django.core.management import call_command

from participants.models import ReportedParticipantCount
from participants.services import reported_participants_import, reported_participants_load
from regions.services import ImportRowError, regions_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    regions_load(data_dir=settings.REFERENCE_DATA_DIR)
    reported_participants_load(data_dir=settings.REFERENCE_DATA_DIR)


def reported(code: str, period: str) -> ReportedParticipantCount:
    year, month = map(int, period.split("-"))
    return ReportedParticipantCount.objects.get(region_code=code, period=dt.date(year, month, 1))


def test_shipped_files_give_13_national_and_34_province_counts(loaded):
    assert ReportedParticipantCount.objects.filter(level="national").count() == 13
    assert ReportedParticipantCount.objects.filter(level="province").count() == 34


def test_national_millions_become_whole_participants_with_their_segments(loaded):
    december_2023 = reported("ID", "2023-12")
    assert december_2023.active_total == 41_560_938
    assert december_2023.active_pu == 25_004_383
    assert reported("ID", "2018-12").active_total == 30_460_000
    assert reported("ID", "2018-12").active_pu is None


def test_abbreviated_sources_are_written_out_in_full(loaded):
    assert reported("ID", "2019-12").source.startswith("BPJS TK President Director")


def test_the_disputed_2025_figure_carries_its_caveat(loaded):
    assert "dipersoalkan" in reported("ID", "2025-12").caveat
    assert reported("ID", "2024-12").caveat == ""


def test_pre_split_papua_counts_name_the_present_day_provinces_they_cover(loaded):
    assert reported("91", "2023-12").territory() == ["91", "93", "94", "95"]
    assert reported("92", "2023-12").territory() == ["92", "96"]
    assert reported("36", "2023-12").territory() == ["36"]


def test_provinces_add_up_to_the_published_national_total(loaded):
    provinces = ReportedParticipantCount.objects.filter(level="province")
    assert sum(provinces.values_list("active_total", flat=True)) == 41_560_938


def test_loading_twice_changes_nothing(loaded):
    before = list(ReportedParticipantCount.objects.values_list("pk", "active_total", "source"))
    call_command("load_reported_participants", verbosity=0)
    after = list(ReportedParticipantCount.objects.values_list("pk", "active_total", "source"))
    assert sorted(after) == sorted(before)


def test_import_of_a_newer_figure_replaces_the_same_region_and_period(loaded):
    reported_participants_import(
        rows=[{"region_code": "36", "period": "2023-12", "active_total": "1.234.567"}],
        default_source="Kemnaker Satu Data 2024",
    )
    banten = reported("36", "2023-12")
    assert (banten.active_total, banten.source) == (1_234_567, "Kemnaker Satu Data 2024")


def test_import_reports_every_bad_row_and_writes_nothing(loaded):
    before = ReportedParticipantCount.objects.count()
    with pytest.raises(ImportRowError) as caught:
        reported_participants_import(
            rows=[
                {"region_code": "ID", "period": "2026-06", "active_total": "50000000"},
                {"region_code": "36.73", "period": "2026-06", "active_total": "5"},
                {"region_code": "36", "period": "Juni", "active_total": "5"},
                {"region_code": "36", "period": "2026-06", "active_total": ""},
                {"region_code": "36", "period": "2026-06", "active_total": "5", "source": ""},
            ],
            default_source="",
        )
    assert [(row, field) for row, field, _ in caught.value.errors] == [
        (1, "source"),
        (2, "region_code"),
        (2, "source"),
        (3, "period"),
        (3, "source"),
        (4, "active_total"),
        (4, "source"),
        (5, "source"),
    ]
    assert ReportedParticipantCount.objects.count() == before


def test_an_administrator_imports_newer_counts_from_the_admin(client, admin_user, loaded):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(admin_user)
    upload = SimpleUploadedFile(
        "peserta-2026-06.csv",
        b"region_code,period,active_total,active_pu,active_bpu,active_jakon\n"
        b"ID,2026-06,50100000,31000000,12000000,7100000\n",
    )
    response = client.post(
        "/admin/participants/reportedparticipantcount/import/",
        {"file": upload, "source": "Kemnaker Satu Data (uji)"},
    )
    assert response.status_code == 302
    june = reported("ID", "2026-06")
    assert (june.active_total, june.active_bpu, june.source) == (
        50_100_000,
        12_000_000,
        "Kemnaker Satu Data (uji)",
    )


def test_a_bad_admin_upload_shows_the_row_and_field_and_writes_nothing(client, admin_user, loaded):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(admin_user)
    before = ReportedParticipantCount.objects.count()
    upload = SimpleUploadedFile("x.csv", b"region_code,period,active_total\n77,2026-06,5\n")
    response = client.post(
        "/admin/participants/reportedparticipantcount/import/", {"file": upload, "source": "x"}
    )
    assert response.status_code == 200
    assert "row 1: region_code" in response.content.decode()
    assert ReportedParticipantCount.objects.count() == before
