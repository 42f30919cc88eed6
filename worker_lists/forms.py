from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from agencies.models import PartnerAgency
from core.widgets import QuickSelect
from regions.models import Regency

from .models import OUTCOMES, LeadStatus, RowOutcome
from .reading import UnreadableFileError, check_header


class WorkerListUploadForm(forms.Form):
    reference = forms.CharField(
        label=_("Referensi"),
        max_length=200,
        help_text=_("Misalnya nomor surat atau nama daftar, agar mudah dicari kembali."),
    )
    file = forms.FileField(
        label=_("File daftar pekerja (CSV atau XLSX)"),
        help_text=_(
            "Baris pertama berisi judul kolom: nik, nama, tanggal_lahir (HH/BB/TTTT atau "
            "TTTT-BB-HH), kode_kabkota (36.73 atau 3673), unit_kerja, jabatan. Simpan kolom NIK "
            "sebagai teks."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.WORKER_LIST_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("File terlalu besar (%(size)s); batasnya %(limit)s.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
            )
        # An empty file or one without the required headers is refused now, not after a trip
        # through the queue.
        try:
            check_header(upload, filename=upload.name or "", size=upload.size)
        except UnreadableFileError as error:
            raise forms.ValidationError(str(error)) from None
        return upload


class RowFilterForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Hasil"),
        required=False,
        choices=[("", _("Semua"))] + [(o, RowOutcome(o).label) for o in OUTCOMES],
    )


class LeadFilterForm(forms.Form):
    # QuickSelect for all three: rendered in Python, not one template per option (head office
    # sees all 514 regencies; issue 14).
    agency = forms.ModelChoiceField(
        label=_("Instansi"),
        queryset=PartnerAgency.objects.none(),
        required=False,
        widget=QuickSelect(attrs={"class": "form-select form-select-sm"}),
    )
    regency = forms.ModelChoiceField(
        label=_("Kab/kota"),
        queryset=Regency.objects.none(),
        required=False,
        widget=QuickSelect(attrs={"class": "form-select form-select-sm"}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Semua"))] + LeadStatus.choices,
        widget=QuickSelect(attrs={"class": "form-select form-select-sm"}),
    )

    def __init__(self, *args, agencies, regencies, **kwargs):
        super().__init__(*args, **kwargs)
        for name, queryset in (("agency", agencies), ("regency", regencies)):
            field = self.fields[name]
            field.queryset = queryset
            # The options as (key, name) pairs (both models show their name), read in one
            # query: no model instance per option (514 regencies for head office). The
            # queryset still validates what is chosen.
            field.widget.choices = [("", field.empty_label), *queryset.values_list("pk", "name")]


class LeadSearchForm(forms.Form):
    """Search by name or NIK. Sent by POST and kept in the session: a NIK never goes into a URL
    (nor, through it, into access logs)."""

    q = forms.CharField(
        label=_("Cari nama atau NIK"),
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off", "type": "search"}),
    )
