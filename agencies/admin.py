from django.contrib import admin

from .models import AgencyContact, CooperationAgreement, PartnerAgency


class AgencyContactInline(admin.TabularInline):
    model = AgencyContact
    extra = 0


class CooperationAgreementInline(admin.TabularInline):
    model = CooperationAgreement
    extra = 0


@admin.register(PartnerAgency)
class PartnerAgencyAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "kind",
        "jurisdiction_province",
        "jurisdiction_regency",
        "is_active",
    )
    list_filter = ("kind", "is_active")
    search_fields = ("name",)
    autocomplete_fields = ("jurisdiction_province", "jurisdiction_regency")
    inlines = [AgencyContactInline, CooperationAgreementInline]
