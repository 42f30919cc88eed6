from django.contrib import admin
from rest_framework_api_key.admin import APIKeyModelAdmin

from .models import AgencyAPIKey, AgencyContact, CooperationAgreement, PartnerAgency


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


@admin.register(AgencyAPIKey)
class AgencyAPIKeyAdmin(APIKeyModelAdmin):
    list_display = [*APIKeyModelAdmin.list_display, "agency", "last_used_at"]
    list_filter = [*APIKeyModelAdmin.list_filter, "agency"]
    search_fields = [*APIKeyModelAdmin.search_fields, "agency__name"]
