"""Forms of the employer pages. Identifiers are checked by core.identifiers, nowhere else."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts import permissions
from core.forms import BootstrapFormMixin
from core.identifiers import IdentifierError, normalize_nib, normalize_npwp
from regions.models import BranchOffice, District, Regency

from .models import ComplianceStatus, Employer

# NPP's format is unconfirmed (docs/DOMAIN.md): accept a plain code, reject anything that
# cannot be a registration number (spaces inside, punctuation other than . - /).
_NPP = re.compile(r"^[A-Z0-9][A-Z0-9./-]{0,19}$")


class EmployerForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Employer
        fields = [
            "name",
            "npp",
            "nib",
            "npwp",
            "sector",
            "size_class",
            "regency",
            "district",
            "address",
            "branch",
            "compliance_status",
            "reported_workers",
            "registered_workers",
        ]
        widgets = {"address": forms.TextInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        codes = permissions.regency_codes_in_scope(user)
        regencies = Regency.objects.order_by("name")
        if codes is not None:
            regencies = regencies.filter(code__in=codes)
        self.fields["regency"].queryset = regencies
        self.fields["district"].queryset = District.objects.filter(regency__in=regencies).order_by(
            "name"
        )
        # Accept the usual punctuation (01.234.567.8-901.000); clean_* normalises and checks.
        for name in ("nib", "npwp"):
            self.fields[name].max_length = None
            self.fields[name].validators = []
            self.fields[name].widget.attrs.pop("maxlength", None)
        self.fields["nib"].widget.attrs.update(inputmode="numeric", autocomplete="off")
        self.fields["npwp"].widget.attrs.update(autocomplete="off")
        self.fields["npwp"].help_text = _("15 atau 16 digit; titik dan tanda hubung boleh.")
        if permissions.fixed_branch_id(user) is not None:
            # Branch staff record employers of their own branch only.
            del self.fields["branch"]
        else:
            self.fields["branch"].queryset = permissions.branches_visible_to(
                BranchOffice.objects.all(), user
            )
            self.fields["branch"].required = permissions.must_choose_branch(user)
        if self.instance.pk:
            # Status changes go through their own form, which records the reason.
            del self.fields["compliance_status"]

    def clean_npp(self):
        value = (self.cleaned_data.get("npp") or "").strip().upper()
        if not value:
            return None
        if not _NPP.match(value):
            raise forms.ValidationError(
                _("NPP hanya boleh berisi huruf, angka, titik, garis miring atau tanda hubung.")
            )
        # Checked here so the error sits on the field (the database constraint stays the guard).
        if Employer.objects.filter(npp=value).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("NPP ini sudah dipakai pemberi kerja lain."))
        return value

    def clean_nib(self):
        value = (self.cleaned_data.get("nib") or "").strip()
        if not value:
            return ""
        try:
            return normalize_nib(value)
        except IdentifierError as error:
            raise forms.ValidationError(error.message, code=error.code) from None

    def clean_npwp(self):
        value = (self.cleaned_data.get("npwp") or "").strip()
        if not value:
            return ""
        try:
            return normalize_npwp(value)
        except IdentifierError as error:
            raise forms.ValidationError(error.message, code=error.code) from None

    def clean(self):
        cleaned = super().clean()
        regency, district = cleaned.get("regency"), cleaned.get("district")
        if regency and district and district.regency_id != regency.pk:
            self.add_error("district", _("Kecamatan tidak berada di kab/kota yang dipilih."))
        return cleaned

    def _post_clean(self):
        fixed_branch_id = permissions.fixed_branch_id(self.user)
        if fixed_branch_id is not None and not self.instance.pk:
            self.instance.branch_id = fixed_branch_id
        super()._post_clean()


class StatusChangeForm(BootstrapFormMixin, forms.Form):
    to_status = forms.ChoiceField(label=_("Status baru"), choices=ComplianceStatus.choices)
    reason = forms.CharField(
        label=_("Alasan"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
