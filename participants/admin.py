from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.tabular import TableReadError, read_table
from regions.services import ImportRowError

from .models import Participant, ReportedParticipantCount
from .services import reported_participants_import


@admin.register(Participant)
class ParticipantAdmin(SimpleHistoryAdmin):
    list_display = (
        "nik",
        "full_name",
        "segment",
        "status",
        "work_regency",
        "registered_on",
    )
    list_filter = ("segment", "status")
    search_fields = ("=nik", "=kpj", "full_name")
    list_select_related = ("work_regency",)
    raw_id_fields = ("employer",)
    autocomplete_fields = ("work_regency",)
    show_full_result_count = False


class ReportedImportForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas CSV/XLSX"),
        help_text=_(
            "Kolom: region_code (ID atau kode provinsi), period (YYYY-MM), active_total, "
            "active_pu, active_bpu, active_jakon, source (opsional bila diisi di bawah)."
        ),
    )
    source = forms.CharField(label=_("Sumber (bila baris tidak menyebutnya)"), required=False)


@admin.register(ReportedParticipantCount)
class ReportedParticipantCountAdmin(admin.ModelAdmin):
    list_display = ("level", "region_code", "period", "active_total", "source", "imported_at")
    list_filter = ("level", "period")
    search_fields = ("region_code", "source")
    change_list_template = "admin/participants/reportedparticipantcount/change_list.html"

    def get_urls(self):
        urls = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="participants_reportedparticipantcount_import",
            )
        ]
        return urls + super().get_urls()

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ReportedImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                count = reported_participants_import(
                    rows=read_table(upload.read(), filename=upload.name),
                    default_source=form.cleaned_data["source"],
                )
            except (TableReadError, ImportRowError) as error:
                form.add_error("file", str(error))
            else:
                messages.success(request, _("%(count)d angka diimpor.") % {"count": count})
                return redirect("admin:participants_reportedparticipantcount_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": _("Impor jumlah peserta dilaporkan"),
        }
        return TemplateResponse(request, "admin/participants/reported_import.html", context)
