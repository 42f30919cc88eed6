"""REST API for partner agencies: submit worker lists, follow their processing, read the report."""

from __future__ import annotations

import codecs
import json

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.exceptions import ParseError
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import BaseParser, FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import Ability, ability_required
from agencies.models import AgencyAPIKey

from . import reports, selectors, services
from .models import OUTCOMES, WorkerListSubmission

_DETAIL = inline_serializer("ErrorDetail", fields={"detail": serializers.CharField()})

_RETENTION = (
    "Retention: the uploaded file (or JSON body) is kept only until the list is processed, then "
    "deleted, whether the list is done or failed. The checked rows (NIK, name, birth date, "
    f"outcome) are deleted {settings.WORKER_LIST_RETENTION_MONTHS} months after submission "
    "(setting WORKER_LIST_RETENTION_MONTHS); the list, its counts and `rows_purged_at` remain, "
    "and the rows endpoint and reports are empty from then on."
)
_CREATE_DESCRIPTION = (
    "Accepted lists are processed in the background; poll the returned URL. A participant's "
    "status (`already_covered`, `lapsed`) is given only for a row that matches the participant "
    "register on NIK, name (case and spacing ignored) and birth date; a NIK in the register "
    "with other data is `needs_verification` (no status, no lead: check the row). Rows whose "
    "work regency is outside the agency's jurisdiction are `invalid` "
    "(`regency_outside_jurisdiction`). `existing_lead`: already a lead of this agency from an "
    "earlier list; `new_lead`: a lead this list created.\n\n"
    "If the service cannot accept the list right now it answers 503 with Retry-After; a list "
    "accepted while the queue is unavailable is processed once it is back. Repeating a request "
    "with the same Idempotency-Key and content returns the original list, and queues it again "
    "if it failed or never started.\n\n" + _RETENTION
)


class StreamedJsonParser(BaseParser):
    """JSON read from the request stream. DRF's JSONParser goes through request.body, which is
    capped by DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB, meant for forms); worker lists have their own
    limit, checked against Content-Length before anything is read."""

    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return json.load(codecs.getreader("utf-8")(stream))
        except ValueError as error:
            raise ParseError(_("JSON tidak valid: %(error)s") % {"error": error}) from None


def _too_large(size: int, limit: int) -> Response:
    return Response(
        {
            "detail": _(
                "Ukuran permintaan %(size)s byte melebihi batas %(limit)s byte "
                "(%(limit_mb)s MB). Pecah daftar menjadi beberapa kiriman, atau kirim file "
                "CSV/XLSX (batas JSON lebih kecil dari batas file)."
            )
            % {"size": size, "limit": limit, "limit_mb": round(limit / (1024 * 1024), 1)}
        },
        status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    )


def _body_too_large(request) -> Response | None:
    is_json = request.content_type.startswith("application/json")
    limit = (
        settings.WORKER_LIST_MAX_JSON_BYTES if is_json else settings.WORKER_LIST_MAX_UPLOAD_BYTES
    )
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    return _too_large(length, limit) if length > limit else None


def _submission_url(request, submission: WorkerListSubmission) -> str:
    return request.build_absolute_uri(
        reverse("api-worker-list-detail", kwargs={"pk": submission.pk})
    )


def _submission_or_404(request, pk: int) -> WorkerListSubmission:
    submission = selectors.worker_list_get(user=request.user, pk=pk)
    if submission is None:
        raise Http404
    return submission


class WorkerListCreateApi(APIView):
    permission_classes = [ability_required(Ability.SUBMIT_WORKER_LIST)]
    parser_classes = [StreamedJsonParser, MultiPartParser, FormParser]

    class JsonInputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "WorkerListJsonInput"

        reference = serializers.CharField(max_length=200)
        rows = serializers.ListField(
            child=inline_serializer(
                "WorkerListJsonRow",
                fields={
                    "nik": serializers.CharField(),
                    "full_name": serializers.CharField(),
                    "birth_date": serializers.DateField(),
                    "work_regency_code": serializers.CharField(),
                    "unit": serializers.CharField(required=False),
                    "position": serializers.CharField(required=False),
                },
            ),
            help_text="Rows are checked one by one after acceptance; see the rows endpoint.",
        )

    class FileInputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "WorkerListFileInput"

        reference = serializers.CharField(max_length=200)
        file = serializers.FileField(
            help_text="CSV (UTF-8 or Windows-1252, comma or semicolon) or XLSX; headers in row 1."
        )

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "WorkerListAccepted"

        id = serializers.IntegerField()
        status = serializers.CharField()
        url = serializers.URLField()

    @extend_schema(
        operation_id="worker_lists_create",
        summary="Submit a worker list (JSON rows or a CSV/XLSX file)",
        description=_CREATE_DESCRIPTION,
        request={
            "application/json": JsonInputSerializer,
            "multipart/form-data": FileInputSerializer,
        },
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="Same key and content: the original submission (200). "
                "Same key, different content: 409.",
            )
        ],
        responses={
            202: OutputSerializer,
            200: OpenApiResponse(OutputSerializer, description="Idempotent replay."),
            400: OpenApiResponse(description="Invalid input; the body names the field."),
            409: OpenApiResponse(_DETAIL, description="Idempotency-Key reused for other content."),
            413: OpenApiResponse(_DETAIL, description="Request body over the size limit."),
            503: OpenApiResponse(_DETAIL, description="Cannot accept now; see Retry-After."),
        },
    )
    def post(self, request):
        too_large = _body_too_large(request)
        if too_large is not None:
            return too_large
        data = request.data
        upload = data.get("file") if hasattr(data, "getlist") else None
        if upload is not None and not hasattr(upload, "read"):
            raise serializers.ValidationError({"file": [_("Kirim file sebagai unggahan.")]})
        if upload is None and not isinstance(data, dict):
            raise serializers.ValidationError(
                {"rows": [_("Kirim JSON dengan reference dan rows.")]}
            )
        if upload is None and "rows" not in data:
            raise serializers.ValidationError(
                {"rows": [_("Wajib diisi (atau kirim file dengan multipart).")]}
            )
        if upload is not None and upload.size > settings.WORKER_LIST_MAX_UPLOAD_BYTES:
            return _too_large(upload.size, settings.WORKER_LIST_MAX_UPLOAD_BYTES)
        reference = data.get("reference")
        if not isinstance(reference, str):
            raise serializers.ValidationError({"reference": [_("Wajib diisi sebagai teks.")]})
        try:
            submission, created = services.worker_list_submit(
                agency=request.user.agency,
                reference=reference,
                fileobj=upload,
                filename=getattr(upload, "name", ""),
                rows=None if upload is not None else data.get("rows"),
                idempotency_key=request.headers.get("Idempotency-Key", ""),
                submitted_by_user=None if request.user.pk is None else request.user,
                submitted_by_key=request.auth if isinstance(request.auth, AgencyAPIKey) else None,
            )
        except services.SubmissionInputError as error:
            raise serializers.ValidationError({error.field: [error.message]}) from None
        except services.IdempotencyConflictError:
            return Response(
                {"detail": _("Idempotency-Key ini sudah dipakai untuk daftar dengan isi berbeda.")},
                status=status.HTTP_409_CONFLICT,
            )
        output = self.OutputSerializer(
            {
                "id": submission.pk,
                "status": submission.status,
                "url": _submission_url(request, submission),
            }
        )
        return Response(
            output.data, status=status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK
        )


class WorkerListDetailApi(APIView):
    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "WorkerList"

        id = serializers.IntegerField(source="pk")
        reference = serializers.CharField()
        status = serializers.CharField()
        failure_reason = serializers.CharField()
        progress = inline_serializer(
            "WorkerListProgress",
            fields={"processed": serializers.IntegerField(), "total": serializers.IntegerField()},
        )
        counts = inline_serializer(
            "WorkerListCounts",
            fields={name: serializers.IntegerField() for name in ["total", *OUTCOMES]},
        )
        created_at = serializers.DateTimeField()
        started_at = serializers.DateTimeField(allow_null=True)
        finished_at = serializers.DateTimeField(allow_null=True)
        rows_purged_at = serializers.DateTimeField(allow_null=True)

    @extend_schema(
        operation_id="worker_lists_retrieve", responses=OutputSerializer, description=_RETENTION
    )
    def get(self, request, pk: int):
        submission = _submission_or_404(request, pk)
        return Response(self.OutputSerializer(submission).data)


class RowPagination(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


class WorkerListRowsApi(APIView):
    class FilterSerializer(serializers.Serializer):
        class Meta:
            ref_name = "WorkerListRowFilter"

        outcome = serializers.ChoiceField(choices=OUTCOMES, required=False)

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "WorkerListRow"

        row = serializers.IntegerField(source="row_number")
        nik = serializers.CharField()
        outcome = serializers.CharField()
        errors = serializers.SerializerMethodField()

        def get_errors(self, row) -> list[dict[str, str]]:
            return selectors.row_errors(row)

    @extend_schema(
        operation_id="worker_lists_rows",
        description=_RETENTION,
        parameters=[FilterSerializer],
        responses=OutputSerializer(many=True),
    )
    def get(self, request, pk: int):
        submission = _submission_or_404(request, pk)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        rows = selectors.worker_list_rows(
            submission=submission, outcome=filters.validated_data.get("outcome")
        )
        paginator = RowPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(self.OutputSerializer(page, many=True).data)


class WorkerListReportApi(APIView):
    @extend_schema(
        operation_id="worker_lists_report",
        responses={(200, "text/csv"): OpenApiTypes.BINARY},
    )
    def get(self, request, pk: int, report_format: str):
        submission = _submission_or_404(request, pk)
        return reports.report_response(submission=submission, report_format=report_format)
