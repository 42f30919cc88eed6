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
    extend_schema_field,
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
# The refusal shape of core.api_errors: one summary and the messages per field.
_REFUSAL = inline_serializer(
    "ErrorWithFields",
    fields={
        "detail": serializers.CharField(),
        "errors": serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
    },
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


# The documented shape of one JSON row. Only the shape is checked on submission: values are
# checked row by row after acceptance (validation.RowChecker), so one bad NIK marks its own row
# in the report instead of refusing the whole list.
_JSON_ROW_SCHEMA = inline_serializer(
    "WorkerListJsonRow",
    fields={
        "nik": serializers.CharField(),
        "full_name": serializers.CharField(),
        "birth_date": serializers.DateField(),
        "work_regency_code": serializers.CharField(),
        "unit": serializers.CharField(required=False),
        "position": serializers.CharField(required=False),
    },
    many=True,
)


@extend_schema_field(_JSON_ROW_SCHEMA)
class JsonRowsField(serializers.ListField):
    """A list of JSON objects; a row that is not an object is refused under `rows[index]`."""

    def run_child_validation(self, data: list) -> list:
        # One isinstance per row rather than a child field: a JSON list may hold 100,000 rows.
        errors = {
            index: [_("Baris %(row)s harus berupa objek JSON.") % {"row": index + 1}]
            for index, row in enumerate(data)
            if not isinstance(row, dict)
        }
        if errors:
            raise serializers.ValidationError(errors)
        return data


class WorkerListCreateApi(APIView):
    permission_classes = [ability_required(Ability.SUBMIT_WORKER_LIST)]
    parser_classes = [StreamedJsonParser, MultiPartParser, FormParser]

    class JsonInputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "WorkerListJsonInput"

        reference = serializers.CharField(max_length=200, min_length=1)
        rows = JsonRowsField(
            help_text="Rows are checked one by one after acceptance; see the rows endpoint."
        )

    class FileInputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "WorkerListFileInput"

        reference = serializers.CharField(max_length=200, min_length=1)
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
            400: OpenApiResponse(_REFUSAL, description="Invalid input; `errors` names the field."),
            409: OpenApiResponse(_REFUSAL, description="Idempotency-Key reused for other content."),
            413: OpenApiResponse(_DETAIL, description="Request body over the size limit."),
        },
    )
    def post(self, request):
        too_large = _body_too_large(request)
        if too_large is not None:
            return too_large
        is_json = request.content_type.startswith("application/json")
        serializer_class = self.JsonInputSerializer if is_json else self.FileInputSerializer
        payload = serializer_class(data=request.data)
        payload.is_valid(raise_exception=True)
        upload = payload.validated_data.get("file")
        if upload is not None and upload.size > settings.WORKER_LIST_MAX_UPLOAD_BYTES:
            return _too_large(upload.size, settings.WORKER_LIST_MAX_UPLOAD_BYTES)
        submission, created = services.worker_list_submit(
            agency=request.user.agency,
            reference=payload.validated_data["reference"],
            fileobj=upload,
            filename=getattr(upload, "name", ""),
            rows=payload.validated_data.get("rows"),
            idempotency_key=request.headers.get("Idempotency-Key", ""),
            submitted_by_user=None if request.user.pk is None else request.user,
            submitted_by_key=request.auth if isinstance(request.auth, AgencyAPIKey) else None,
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

    @extend_schema(operation_id="worker_lists_retrieve", responses=OutputSerializer)
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
