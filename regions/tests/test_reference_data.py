import datetime as dt

import pytest
from django.conf import settings
from django.core.management import call_command

from regions.models import (
    BranchOffice,
    BranchRegency,
    District,
    Province,
    Regency,
    RegionalOffice,
    WorkforceFigure,
)
from regions.services import (
    ImportRowError,
    offices_import,
    regions_load,
    workforce_estimate,
    workforce_import,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded_regions():
    call_command("load_regions", verbosity=0)


def test_loader_creates_all_provinces_regencies_and_districts(loaded_regions):
    assert Province.objects.count() == 38
    assert Regency.objects.count() == 514
    assert District.objects.count() == 7285


def test_loader_run_twice_keeps_the_same_rows(loaded_regions):
    call_command("load_regions", verbosity=0)
    assert (Province.objects.count(), Regency.objects.count(), District.objects.count()) == (
        38,
        514,
        7285,
    )
    # Eight Sakernas Augusts (2018-2025) for the nation, 38 provinces and 514 regencies.
    assert WorkforceFigure.objects.count() == 8 * (1 + 38 + 514)


def test_loaded_codes_follow_kemendagri_format(loaded_regions):
    serang = Regency.objects.get(code="36.73")
    assert serang.name == "Kota Serang"
    assert serang.province.name == "Banten"
    assert District.objects.filter(regency=serang).exists()


@pytest.fixture
def regions_without_official_figures():
    """Regions loaded but no Sakernas file: the population-share fallback covers everything."""
    regions_load(data_dir=settings.REFERENCE_DATA_DIR)
    workforce_estimate(data_dir=settings.REFERENCE_DATA_DIR)


def test_regional_estimates_are_labelled_and_add_up_to_the_national_figure(
    regions_without_official_figures,
):
    national = WorkforceFigure.objects.get(level="national")
    assert national.kind == "official"
    assert national.employed == 144_640_000
    provinces = WorkforceFigure.objects.filter(level="province")
    assert set(provinces.values_list("kind", flat=True)) == {"estimate"}
    total = sum(provinces.values_list("employed", flat=True))
    assert abs(total - national.employed) <= 38  # rounding of each share


def test_office_import_links_branches_to_regencies_and_is_repeatable(loaded_regions):
    path = settings.REFERENCE_DATA_DIR / "demo_offices.csv"
    call_command("import_offices", str(path), verbosity=0)
    call_command("import_offices", str(path), verbosity=0)
    serang = BranchOffice.objects.get(code="kc-serang-raya")
    assert set(serang.regencies.values_list("code", flat=True)) == {"36.73", "36.04"}
    assert serang.regional_office.name == "Kanwil Banten"
    assert RegionalOffice.objects.get(code="kw-banten").provinces.filter(code="36").exists()
    assert BranchRegency.objects.filter(regency_id="31.75").count() == 2


def test_office_import_rejects_unknown_regency_without_writing(loaded_regions):
    rows = [
        {
            "regional_office_code": "kw-x",
            "regional_office_name": "Kanwil X",
            "branch_code": "kc-x",
            "branch_name": "Cabang X",
            "regency_code": "99.99",
        }
    ]
    with pytest.raises(ImportRowError) as caught:
        offices_import(rows=rows)
    assert caught.value.errors == [(1, "regency_code", "unknown regency '99.99'")]
    assert not RegionalOffice.objects.exists()


def test_official_workforce_import_accepts_indonesian_thousand_separators(loaded_regions):
    count = workforce_import(
        rows=[{"region_code": "36", "period": "2025-08", "employed": "5.912.000"}],
        default_source="BPS Sakernas Agustus 2025",
    )
    assert count == 1
    figure = WorkforceFigure.objects.get(
        level="province", region_code="36", kind="official", period=dt.date(2025, 8, 1)
    )
    assert figure.employed == 5_912_000
    assert figure.source == "BPS Sakernas Agustus 2025"


def test_workforce_import_reports_every_bad_row_and_writes_nothing(loaded_regions):
    before = WorkforceFigure.objects.count()
    with pytest.raises(ImportRowError) as caught:
        workforce_import(
            rows=[
                {"region_code": "36", "period": "2025-08", "employed": "100"},
                {"region_code": "77", "period": "2025-08", "employed": "100"},
                {"region_code": "36.73", "period": "Agustus", "employed": "100"},
                {"region_code": "36.73", "period": "2025-08", "employed": "banyak"},
            ],
            default_source="x",
        )
    assert [(row, field) for row, field, _ in caught.value.errors] == [
        (2, "region_code"),
        (3, "period"),
        (4, "employed"),
    ]
    assert WorkforceFigure.objects.count() == before
