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
from .selectors import employer_near_duplicates

# NPP's format is unconfirmed (docs/DOMAIN.md): accept a plain code, reject anything that
# cannot be a registration number (spaces inside, punctuation other than . - /).
_NPP = re.compile(r"^[A-Z0-9][A-Z0-9./-]{0,19}$")


class DistrictSelect(forms.Select):
    """Each district option names its regency (data-regency), so the page offers only the
    chosen regency's districts (static/js/dependent-select.js)."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-regency"] = instance.regency_id
        return option


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
        widgets = {"address": forms.TextInput(), "district": DistrictSelect()}

    confirm_duplicate = forms.BooleanField(
        label=_("Saya sudah memeriksa: ini bukan pemberi kerja yang sama"),
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        codes = permissions.regency_codes_in_scope(user)
        regencies = Regency.objects.order_by("name")
        if codes is not None:
            regencies = regencies.filter(code__in=codes)
        self.fields["regency"].queryset = regencies
        districts = District.objects.filter(regency__in=regencies)
        chosen = self.data.get(self.add_prefix("regency")) if self.is_bound else None
        chosen = chosen or (self.instance.regency_id if self.instance.pk else None)
        if chosen:
            districts = districts.filter(regency_id=chosen)
        self.fields["district"].queryset = districts.order_by("name")
        self.fields["district"].widget.attrs["data-depends-on"] = self.fields[
            "regency"
        ].widget.attrs.get("id", "id_regency")
        for name in ("reported_workers", "registered_workers"):
            # An empty box, not a 0 that typing appends to ("015"); empty is saved as 0.
            self.fields[name].required = False
            self.fields[name].widget.attrs.update(inputmode="numeric", placeholder="0")
            if not self.instance.pk:
                self.fields[name].initial = None
        self.near_duplicates: list[Employer] = []
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
            value = normalize_nib(value)
        except IdentifierError as error:
            raise forms.ValidationError(error.message, code=error.code) from None
        if Employer.objects.filter(nib=value).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("NIB ini sudah dipakai pemberi kerja lain."))
        return value

    def clean_npwp(self):
        value = (self.cleaned_data.get("npwp") or "").strip()
        if not value:
            return ""
        try:
            value = normalize_npwp(value)
        except IdentifierError as error:
            raise forms.ValidationError(error.message, code=error.code) from None
        if Employer.objects.filter(npwp=value).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("NPWP ini sudah dipakai pemberi kerja lain."))
        return value

    def clean_reported_workers(self):
        return self.cleaned_data.get("reported_workers") or 0

    def clean_registered_workers(self):
        return self.cleaned_data.get("registered_workers") or 0

    def clean(self):
        cleaned = super().clean()
        regency, district = cleaned.get("regency"), cleaned.get("district")
        if regency and district and district.regency_id != regency.pk:
            self.add_error("district", _("Kecamatan tidak berada di kab/kota yang dipilih."))
        name = cleaned.get("name")
        if name and regency and not cleaned.get("confirm_duplicate"):
            self.near_duplicates = employer_near_duplicates(
                name=name, regency=regency, exclude_pk=self.instance.pk
            )
            if self.near_duplicates:
                # Saved only once the officer confirms it is another employer.
                self.fields["confirm_duplicate"].widget = forms.CheckboxInput(
                    attrs={"class": "form-check-input"}
                )
                # On the confirmation box, so the summary links to it and the focus lands there,
                # beside the save button.
                self.add_error(
                    "confirm_duplicate",
                    _("Nama mirip pemberi kerja yang sudah ada di kab/kota ini: %(names)s.")
                    % {
                        "names": "; ".join(
                            f"{employer.name} ({employer.branch or '-'})"
                            for employer in self.near_duplicates
                        )
                    },
                )
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
