"""The official BPS Sakernas August figures: rows, crosswalk, flags, idempotency, fallback."""

import datetime as dt
import shutil

import pytest
from django.conf import settings
from django.core.management import call_command

from regions.models import WorkforceFigure, WorkforceFlag
from regions.services import (
    REGENCY_CROSSWALK_FILE,
    ImportRowError,
    regions_load,
    workforce_estimate,
    workforce_sakernas_load,
)

pytestmark = pytest.mark.django_db
AUG = {year: dt.date(year, 8, 1) for year in range(2018, 2026)}


@pytest.fixture
def loaded_regions():
    call_command("load_regions", verbosity=0)


def figure(level: str, code: str, year: int) -> WorkforceFigure:
    return WorkforceFigure.objects.get(level=level, region_code=code, period=AUG[year])


def test_every_region_has_an_official_figure_for_each_august_2018_to_2025(loaded_regions):
    official = WorkforceFigure.objects.filter(kind="official")
    assert official.filter(level="national").count() == 8
    assert official.filter(level="province").count() == 8 * 38
    assert official.filter(level="regency").count() == 8 * 514
    assert not WorkforceFigure.objects.filter(kind="estimate").exists()


def test_national_figures_equal_bps_headlines(loaded_regions):
    assert figure("national", "ID", 2023).employed == 139_852_377
    assert figure("national", "ID", 2024).employed == 144_642_004
    assert figure("national", "ID", 2024).labour_force == 152_107_603
    national_2025 = figure("national", "ID", 2025)
    assert national_2025.employed == 146_542_264
    assert round(national_2025.formal_employed * 100 / national_2025.employed, 2) == 42.20


def test_regency_rows_are_matched_through_the_bps_kemendagri_crosswalk(loaded_regions):
    # BPS 1101 Simeulue is Kemendagri 11.09, not 11.01.
    simeulue = figure("regency", "11.09", 2018)
    assert (simeulue.employed, simeulue.formal_employed) == (38_871, 13_278)
    # Renamed regency: BPS "Toba Samosir" (1206) is Kemendagri 12.12 Kabupaten Toba.
    assert figure("regency", "12.12", 2018).employed > 0


def test_source_names_the_august_survey_of_the_figure(loaded_regions):
    assert figure("province", "36", 2021).source.startswith("BPS Sakernas Agustus 2021")


def test_flags_of_the_source_files_are_kept(loaded_regions):
    assert WorkforceFlag.STATUS_SWAPPED in figure("national", "ID", 2025).flags
    assert WorkforceFlag.WORKING_AGE_SUSPECT in figure("national", "ID", 2020).flags
    assert WorkforceFlag.BACKCAST in figure("province", "94", 2019).flags
    assert WorkforceFlag.BACKCAST not in figure("province", "94", 2023).flags
    assert WorkforceFigure.objects.filter(
        level="regency", flags__contains=WorkforceFlag.ROW_MISALIGNED
    ).exists()
    assert figure("province", "36", 2019).flags == ""


def test_loading_twice_changes_nothing(loaded_regions):
    before = list(WorkforceFigure.objects.order_by("pk").values_list("pk", "employed", "flags"))
    call_command("load_regions", verbosity=0)
    after = list(WorkforceFigure.objects.order_by("pk").values_list("pk", "employed", "flags"))
    assert after == before


def test_a_crosswalk_that_contradicts_the_file_rejects_the_whole_load(tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(settings.REFERENCE_DATA_DIR, data_dir)
    crosswalk = data_dir / REGENCY_CROSSWALK_FILE
    crosswalk.write_text(crosswalk.read_text().replace("1101,11.09,", "1101,11.01,", 1))
    regions_load(data_dir=data_dir)
    with pytest.raises(ImportRowError) as caught:
        workforce_sakernas_load(data_dir=data_dir)
    assert {field for _, field, _ in caught.value.errors} == {"kemendagri_code"}
    assert not WorkforceFigure.objects.exists()


def test_estimates_only_fill_regions_without_any_official_figure(loaded_regions):
    WorkforceFigure.objects.filter(region_code="36.73").delete()
    assert workforce_estimate(data_dir=settings.REFERENCE_DATA_DIR) == 1
    estimate = WorkforceFigure.objects.get(kind="estimate")
    assert (estimate.region_code, estimate.period) == ("36.73", AUG[2025])


def test_official_figures_retire_an_earlier_estimate_of_the_region(loaded_regions):
    WorkforceFigure.objects.filter(region_code="36.73").delete()
    workforce_estimate(data_dir=settings.REFERENCE_DATA_DIR)
    call_command("load_regions", verbosity=0)
    assert not WorkforceFigure.objects.filter(kind="estimate").exists()
