from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    BranchOffice,
    BranchRegency,
    CoverageTarget,
    District,
    Province,
    Regency,
    RegionalOffice,
    WorkforceFigure,
)


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "population")
    search_fields = ("code", "name")


@admin.register(Regency)
class RegencyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "province", "population")
    list_filter = ("kind", "province")
    search_fields = ("code", "name")
    list_select_related = ("province",)


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "regency")
    search_fields = ("code", "name")
    list_select_related = ("regency",)


@admin.register(RegionalOffice)
class RegionalOfficeAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    filter_horizontal = ("provinces",)


class BranchRegencyInline(admin.TabularInline):
    model = BranchRegency
    autocomplete_fields = ("regency",)
    extra = 1


@admin.register(BranchOffice)
class BranchOfficeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "regional_office")
    list_filter = ("regional_office",)
    search_fields = ("code", "name")
    inlines = [BranchRegencyInline]


@admin.register(WorkforceFigure)
class WorkforceFigureAdmin(admin.ModelAdmin):
    list_display = (
        "level",
        "region_code",
        "period",
        "employed",
        "labour_force",
        "formal_employed",
        "kind",
        "flags",
        "source",
    )
    list_filter = ("level", "kind")
    search_fields = ("region_code",)


@admin.register(CoverageTarget)
class CoverageTargetAdmin(SimpleHistoryAdmin):
    """Administrators edit targets here; every change is kept (who, when, old value)."""

    list_display = ("level", "region_code", "year", "target_pct", "note")
    list_filter = ("level", "year")
    search_fields = ("region_code",)
