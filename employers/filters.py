"""Filters of the employer list page (and its exports)."""

from __future__ import annotations

import datetime as dt

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import permissions
from core.widgets import QuickSelect
from regions.models import District, Regency

from .models import ComplianceStatus, Employer, Sector, SizeClass

NO_VISIT_DAYS = 90

SORTS = {
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    "status": ("compliance_status", "name", "id"),
    "-registered": ("-registered_workers", "id"),
    "-reported": ("-reported_workers", "id"),
    "-updated": ("-updated_at", "-id"),
}


class EmployerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label=_("Cari nama/NPP"))
    # No DISTINCT: the filter is on the employer's own column (DISTINCT made PostgreSQL sort
    # every matching row at 100,000 employers).
    compliance_status = django_filters.MultipleChoiceFilter(
        choices=ComplianceStatus.choices, label=_("Status kepatuhan"), distinct=False
    )
    # QuickSelect: the board's regency filter offers all 514 regencies.
    regency = django_filters.ModelChoiceFilter(
        queryset=Regency.objects.none(), label=_("Kab/kota"), widget=QuickSelect
    )
    district = django_filters.ModelChoiceFilter(
        queryset=District.objects.none(), label=_("Kecamatan"), widget=QuickSelect
    )
    sector = django_filters.ChoiceFilter(choices=Sector.choices, label=_("Sektor"))
    size_class = django_filters.ChoiceFilter(choices=SizeClass.choices, label=_("Skala"))
    no_recent_visit = django_filters.BooleanFilter(
        method="filter_no_recent_visit",
        label=_("Tanpa kunjungan 90 hari"),
        widget=django_filters.widgets.BooleanWidget(),
    )
    sort = django_filters.ChoiceFilter(
        method="filter_sort",
        label=_("Urutkan"),
        empty_label=None,
        choices=[
            ("name", _("Nama A-Z")),
            ("-name", _("Nama Z-A")),
            ("status", _("Status kepatuhan")),
            ("-registered", _("Pekerja terdaftar terbanyak")),
            ("-reported", _("Pekerja dilaporkan terbanyak")),
            ("-updated", _("Terakhir diubah")),
        ],
    )

    class Meta:
        model = Employer
        fields = ["q", "compliance_status", "regency", "district", "sector", "size_class"]

    def __init__(self, data=None, *args, user=None, **kwargs):
        if data is not None and any("\x00" in value for value in data.values()):
            # No code or name holds a NUL, and PostgreSQL refuses one in a query (a 500):
            # a value carrying one matches nothing it could name, so it is dropped.
            data = data.copy()
            for key, value in list(data.items()):
                if "\x00" in value:
                    data[key] = value.replace("\x00", "")
        if data is not None and hasattr(data, "getlist"):
            # "Semua" is an empty option of the status select: an empty value means "any status",
            # not an invalid choice.
            data = data.copy()
            statuses = [value for value in data.getlist("compliance_status") if value]
            data.setlist("compliance_status", statuses)
        super().__init__(data, *args, **kwargs)
        codes = permissions.regency_codes_in_scope(user)
        regencies = Regency.objects.all()
        if codes is not None:
            regencies = regencies.filter(code__in=codes)
        self.filters["regency"].queryset = regencies
        districts = District.objects.filter(regency__in=regencies)
        chosen = (self.data or {}).get("regency")
        if chosen:
            districts = districts.filter(regency_id=chosen)
        elif codes is None:
            # 7,285 districts nationwide would bloat the page: pick a regency first.
            districts = districts.none()
        self.filters["district"].queryset = districts.order_by("name")

    @property
    def form(self):
        form = super().form
        for field in form.fields.values():
            css = "form-select" if hasattr(field, "choices") else "form-control"
            if css not in field.widget.attrs.get("class", ""):
                field.widget.attrs["class"] = css
        return form

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(npp__iexact=value))

    def filter_no_recent_visit(self, queryset, name, value):
        if value is None:
            return queryset
        since = timezone.localdate() - dt.timedelta(days=NO_VISIT_DAYS)
        # Through the `visits` relation: campaigns (visits) builds on employers, not the reverse.
        recent = Exists(Employer.objects.filter(pk=OuterRef("pk"), visits__visited_on__gte=since))
        return queryset.filter(~recent if value else recent)

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*SORTS.get(value, SORTS["name"]))
