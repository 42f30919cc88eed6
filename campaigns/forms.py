"""Forms of field work: visit log, case opening and moves, campaigns."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import permissions
from agencies.models import PartnerAgency
from core.forms import BootstrapFormMixin
from employers.models import ComplianceStatus, Employer
from regions.models import BranchOffice, Province, Regency

from .models import (
    Campaign,
    CaseKind,
    CaseState,
    PublicService,
    SanctionKind,
    SanctionOutcome,
    VisitOutcome,
    VisitPurpose,
)
from .services import AGENCY_KIND_FOR_CASE, TMP2T_AGENCY_KINDS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class VisitForm(BootstrapFormMixin, forms.Form):
    employer = forms.ModelChoiceField(
        label=_("Pemberi kerja"),
        queryset=Employer.objects.none(),
        widget=forms.HiddenInput,
        error_messages={"required": _("Pilih pemberi kerja dari hasil pencarian.")},
    )
    visited_on = forms.DateField(label=_("Tanggal kunjungan"), widget=DateInput())
    purpose = forms.ChoiceField(label=_("Tujuan"), choices=VisitPurpose.choices)
    outcome = forms.ChoiceField(label=_("Hasil"), choices=VisitOutcome.choices)
    workers_enrolled = forms.IntegerField(
        label=_("Jumlah pekerja didaftarkan"),
        required=False,
        min_value=1,
        max_value=100_000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    promised_by = forms.DateField(
        label=_("Janji mendaftar paling lambat"), required=False, widget=DateInput()
    )
    finding = forms.CharField(
        label=_("Temuan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    follow_up_on = forms.DateField(
        label=_("Tanggal tindak lanjut"), required=False, widget=DateInput()
    )
    notes = forms.CharField(
        label=_("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    new_status = forms.ChoiceField(
        label=_("Ubah status kepatuhan"),
        required=False,
        choices=[("", _("Tidak berubah"))] + list(ComplianceStatus.choices),
    )
    status_reason = forms.CharField(
        label=_("Alasan perubahan status"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    latitude = forms.DecimalField(
        required=False,
        min_value=-90,
        max_value=90,
        widget=forms.HiddenInput,
    )
    longitude = forms.DecimalField(
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = permissions.employers_visible_to(
            Employer.objects.all(), user
        )
        self.fields["visited_on"].initial = timezone.localdate
        self.fields["visited_on"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean_latitude(self):
        value = self.cleaned_data.get("latitude")
        return None if value is None else round(value, 6)

    def clean_longitude(self):
        value = self.cleaned_data.get("longitude")
        return None if value is None else round(value, 6)

    def clean(self):
        cleaned = super().clean()
        outcome = cleaned.get("outcome")
        if outcome == VisitOutcome.ENROLLED and not cleaned.get("workers_enrolled"):
            self.add_error("workers_enrolled", _("Isi jumlah pekerja yang didaftarkan."))
        if outcome == VisitOutcome.PROMISED and not cleaned.get("promised_by"):
            self.add_error("promised_by", _("Isi tanggal janji mendaftar."))
        if cleaned.get("new_status") and not (cleaned.get("status_reason") or "").strip():
            self.add_error("status_reason", _("Alasan perubahan status wajib diisi."))
        return cleaned


class CaseOpenForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Jenis"), choices=CaseKind.choices)
    agency = forms.ModelChoiceField(
        label=_("Instansi tujuan"), queryset=PartnerAgency.objects.none()
    )
    summary = forms.CharField(
        label=_("Ringkasan pelanggaran"), widget=forms.Textarea(attrs={"rows": 3})
    )
    arrears_amount = forms.DecimalField(
        label=_("Tunggakan iuran (Rp)"),
        required=False,
        min_value=0,
        max_digits=15,
        decimal_places=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("Untuk SKK: iuran terutang yang ditagihkan."),
    )
    send = forms.BooleanField(label=_("Kirim sekarang"), required=False)
    letter_number = forms.CharField(label=_("Nomor surat"), required=False, max_length=120)
    note = forms.CharField(
        label=_("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, employer: Employer, **kwargs):
        super().__init__(*args, **kwargs)
        regency = employer.regency
        # Only agencies whose jurisdiction covers the employer: national ones, the province's,
        # the regency's.
        self.fields["agency"].queryset = (
            PartnerAgency.objects.filter(
                is_active=True, kind__in=list(AGENCY_KIND_FOR_CASE.values())
            )
            .filter(
                Q(jurisdiction_province__isnull=True)
                | Q(jurisdiction_province_id=regency.province_id, jurisdiction_regency__isnull=True)
                | Q(jurisdiction_regency_id=regency.pk)
            )
            .order_by("kind", "name")
        )


class CaseTransitionForm(BootstrapFormMixin, forms.Form):
    to_state = forms.ChoiceField(label=_("Status baru"), choices=())
    letter_number = forms.CharField(label=_("Nomor surat"), required=False, max_length=120)
    note = forms.CharField(
        label=_("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    proposed_status = forms.ChoiceField(
        label=_("Usulan status kepatuhan pemberi kerja"),
        required=False,
        choices=ComplianceStatus.choices,
        initial=ComplianceStatus.REGISTERED,
        help_text=_("Bila kasus selesai: diusulkan ke kantor cabang, yang memutuskan."),
    )

    def __init__(self, *args, allowed: tuple[str, ...], **kwargs):
        super().__init__(*args, **kwargs)
        # No move is preselected: one careless tap must not close a case.
        self.fields["to_state"].choices = [("", _("Pilih status…"))] + [
            (state, CaseState(state).label) for state in allowed
        ]
        if CaseState.RESOLVED not in allowed:
            del self.fields["proposed_status"]


class CampaignForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Campaign
        fields = [
            "name",
            "starts_on",
            "ends_on",
            "provinces",
            "regencies",
            "branches",
            "agencies",
            "target_new_participants",
            "target_employers_compliant",
            "target_non_asn_enrolled",
        ]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        codes = permissions.regency_codes_in_scope(user)
        regencies = Regency.objects.order_by("code")
        if codes is not None:
            regencies = regencies.filter(code__in=codes)
            self.fields["provinces"].queryset = Province.objects.filter(
                code__in={code[:2] for code in codes}
            )
        self.fields["regencies"].queryset = regencies
        self.fields["branches"].queryset = permissions.branches_visible_to(
            BranchOffice.objects.all(), user
        )
        self.fields["agencies"].queryset = permissions.agencies_in_reach(
            PartnerAgency.objects.filter(is_active=True), user
        )
        for name in ("provinces", "regencies", "branches", "agencies"):
            self.fields[name].widget.attrs["size"] = 6

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("provinces") or cleaned.get("regencies") or cleaned.get("branches")):
            raise forms.ValidationError(_("Pilih minimal satu provinsi, kab/kota atau cabang."))
        return cleaned


def _rupiah_field(label, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=0,
        max_digits=15,
        decimal_places=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        **kwargs,
    )


class SanctionIssueForm(BootstrapFormMixin, forms.Form):
    """The next rung for an employer; only the fields that rung needs are shown."""

    letter_number = forms.CharField(label=_("Nomor surat"), max_length=120)
    issued_on = forms.DateField(label=_("Tanggal surat"), widget=DateInput())
    arrears_amount = _rupiah_field(_("Iuran terutang (Rp)"), required=False)
    months_late = forms.IntegerField(
        label=_("Bulan terlambat"),
        min_value=1,
        max_value=600,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("Denda = 0,1% x iuran terutang x bulan terlambat (PP 86/2013)."),
    )
    agency = forms.ModelChoiceField(
        label=_("Pemerintah/kementerian yang diminta"),
        queryset=PartnerAgency.objects.none(),
        required=False,
    )
    public_services = forms.MultipleChoiceField(
        label=_("Layanan publik yang ditahan"),
        choices=PublicService.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, kind: str, employer: Employer, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["issued_on"].initial = timezone.localdate
        self.fields["issued_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        if kind != SanctionKind.FINE:
            del self.fields["months_late"]
        else:
            self.fields["arrears_amount"].required = True
            self.fields["months_late"].required = True
        if kind != SanctionKind.TMP2T:
            del self.fields["agency"]
            del self.fields["public_services"]
        else:
            regency = employer.regency
            self.fields["agency"].required = True
            self.fields["public_services"].required = True
            self.fields["agency"].queryset = PartnerAgency.objects.filter(
                is_active=True, kind__in=list(TMP2T_AGENCY_KINDS)
            ).filter(
                Q(jurisdiction_province__isnull=True)
                | Q(jurisdiction_province_id=regency.province_id, jurisdiction_regency__isnull=True)
                | Q(jurisdiction_regency_id=regency.pk)
            )


class SanctionOutcomeForm(BootstrapFormMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("Hasil"),
        choices=[("", _("Pilih hasil…"))]
        + [
            (value, label)
            for value, label in SanctionOutcome.choices
            if value != SanctionOutcome.PENDING
        ],
    )
    note = forms.CharField(
        label=_("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    recovered_amount = _rupiah_field(_("Tunggakan tertagih (Rp)"), required=False)


class SanctionRecoveryForm(BootstrapFormMixin, forms.Form):
    amount = _rupiah_field(_("Tertagih (Rp)"))
