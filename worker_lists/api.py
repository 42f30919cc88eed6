"""REST API for partner agencies: submit worker lists, follow their processing, read the report."""

from __future__ import annotations

import codecs
import json
import re

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.validators import RegexValidator
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import BaseParser, FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import Ability, ability_required, can
from agencies.models import AgencyAPIKey
from core.api_errors import ERROR_DETAIL, ERROR_WITH_FIELDS
from core.exports import XLSX_CONTENT_TYPE
from core.identifiers import mask_nik
from core.pagination import PageNumberPagination, paginated

from . import reports, selectors, services
from .models import OUTCOMES, WorkerListSubmission
from .reading import UnreadableFileError, check_header, printable_filename

_DETAIL = ERROR_DETAIL
_REFUSAL = ERROR_WITH_FIELDS
IDEMPOTENCY_KEY_MAX_LENGTH = 200
# Visible ASCII and spaces (a UUID, a batch number): what every HTTP stack carries unchanged.
_IDEMPOTENCY_KEY = re.compile(r"^[ -~]*$")
# Throttle scopes (agencies.authentication.ApiKeyRateThrottle): polling and reading the rows
# of a list never eat into the budget for submitting lists, and the other way round.
SUBMIT_SCOPE = "api_key_submit"
READ_SCOPE = "api_key_read"
# A reference must hold something besides blanks and no NUL (PostgreSQL refuses NUL in text);
# the pattern is also what the schema tells clients.
_REFERENCE = RegexValidator(
    r"^[^\x00]*[^\s\x00][^\x00]*$",
    message=gettext_lazy("Referensi wajib diisi dan tidak boleh berisi karakter NUL."),
)


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"


class FormMultiPartParser(MultiPartParser):
    """Django's form limits (a text field over DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields)
    raise outside DRF's parse errors and would answer Django's HTML 400 page: answer JSON."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RequestDataTooBig:
            raise PayloadTooLarge(
                _(
                    "Isian teks pada formulir melebihi batas %(limit)s byte. Kirim daftar "
                    "sebagai file pada isian `file`, atau sebagai JSON."
                )
                % {"limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
            ) from None
        except (TooManyFieldsSent, TooManyFilesSent):
            raise ParseError(_("Formulir berisi terlalu banyak isian.")) from None


_RETENTION = (
    "Retention: the uploaded file (or JSON body) is kept only until the list is processed, then "
    "deleted, whether the list is done or failed. The checked rows (NIK, name, birth date, "
    f"outcome) are deleted {settings.WORKER_LIST_RETENTION_MONTHS} months after submission "
    "(setting WORKER_LIST_RETENTION_MONTHS); the list, its counts and `rows_purged_at` remain, "
    "and the rows endpoint and reports are empty from then on. So that the report and the "
    "fix-these-rows file give the list back as it was sent, the cells are also kept as typed, "
    "for a shorter time: every cell of an invalid row, the columns of your own beyond the "
    "template's (every row, only when the list has any; for a JSON body, keys beyond the "
    "template's) and the header row. They are emptied "
    f"{settings.WORKER_LIST_SOURCE_CELLS_DAYS} days after submission (setting "
    "WORKER_LIST_SOURCE_CELLS_DAYS); the reports then show the template's columns with the "
    "checked values."
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
        except RecursionError:
            raise ParseError(_("JSON tidak valid: bersarang terlalu dalam.")) from None


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


# The documented shape of the JSON rows. Only the shape is checked on submission: values are
# checked row by row after acceptance (validation.RowChecker), so one bad NIK marks its own row
# in the report instead of refusing the whole list.
_JSON_ROWS_SCHEMA = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "properties": {
            "nik": {"type": "string", "example": "3673011204900001"},
            "full_name": {"type": "string", "maxLength": 150},
            "birth_date": {
                "type": "string",
                "description": "DD/MM/YYYY, YYYY-MM-DD or 12 April 1990; four-digit year.",
                "example": "12/04/1990",
            },
            "work_regency_code": {"type": "string", "example": "36.73"},
            "unit": {"type": "string", "maxLength": 200},
            "position": {"type": "string", "maxLength": 200},
        },
        "required": ["nik", "full_name", "birth_date", "work_regency_code"],
    },
}


def _unstorable_text(value: str) -> bool:
    """A lone surrogate ("\\ud800" in JSON) cannot be encoded, stored or shown."""
    if value.isascii():
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


@extend_schema_field(_JSON_ROWS_SCHEMA)
class JsonRowsField(serializers.ListField):
    """A list of JSON objects; a row that is not an object is refused under `rows[index]`, a
    value that is no text at all (a lone surrogate) under `rows[index].field`.

    Line breaks inside values become spaces: no column of a worker list holds one, and the
    rows are staged as CSV, where one would split the row.
    """

    def run_child_validation(self, data: list) -> list:
        # Plain loops rather than child fields: a JSON list may hold 100,000 rows.
        errors: dict[object, list[str]] = {}
        for index, row in enumerate(data):
            if not isinstance(row, dict):
                errors[index] = [_("Baris %(row)s harus berupa objek JSON.") % {"row": index + 1}]
                continue
            for field, value in row.items():
                if value.__class__ is not str:
                    continue
                if _unstorable_text(value):
                    errors[index] = {field: [_("Teks berisi karakter yang tidak sah.")]}
                elif "\n" in value or "\r" in value:
                    row[field] = " ".join(value.splitlines())
        if errors:
            raise serializers.ValidationError(errors)
        return data


class WorkerListCreateApi(APIView):
    permission_classes = [ability_required(Ability.SUBMIT_WORKER_LIST)]
    parser_classes = [StreamedJsonParser, FormMultiPartParser, FormParser]
    api_key_throttle_scope = SUBMIT_SCOPE

    class JsonInputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "WorkerListJsonInput"

        reference = serializers.CharField(max_length=200, min_length=1, validators=[_REFERENCE])
        rows = JsonRowsField(
            allow_empty=False,
            error_messages={"empty": gettext_lazy("Daftar baris tidak boleh kosong.")},
            help_text="At least one row. Rows are checked one by one after acceptance; see the "
            "rows endpoint.",
        )

    class FileInputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "WorkerListFileInput"

        reference = serializers.CharField(max_length=200, min_length=1, validators=[_REFERENCE])
        file = serializers.FileField(
            help_text="CSV (UTF-8 or Windows-1252, comma or semicolon) or XLSX; headers in row 1 "
            "(nik, nama, tanggal_lahir, kode_kabkota, unit_kerja, jabatan)."
        )

        def validate_file(self, upload):
            # An empty file or one without the required headers is refused now, not after a
            # trip through the queue; the worker reads the rest.
            if upload.size > settings.WORKER_LIST_MAX_UPLOAD_BYTES:
                return upload  # answered 413 by the view
            try:
                check_header(upload, filename=upload.name or "", size=upload.size)
            except UnreadableFileError as error:
                raise serializers.ValidationError(str(error)) from None
            return upload

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
                {
                    "type": "string",
                    "maxLength": IDEMPOTENCY_KEY_MAX_LENGTH,
                    "pattern": _IDEMPOTENCY_KEY.pattern,
                },
                OpenApiParameter.HEADER,
                description="Same key and content: the original submission (200). "
                "Same key, different content: 409. At most 200 characters.",
            )
        ],
        responses={
            202: OutputSerializer,
            200: OpenApiResponse(OutputSerializer, description="Idempotent replay."),
            400: OpenApiResponse(_REFUSAL, description="Invalid input; `errors` names the field."),
            409: OpenApiResponse(_REFUSAL, description="Idempotency-Key reused for other content."),
            413: OpenApiResponse(_DETAIL, description="Request body over the size limit."),
            503: OpenApiResponse(_DETAIL, description="Cannot accept now; see Retry-After."),
        },
    )
    def post(self, request):
        too_large = _body_too_large(request)
        if too_large is not None:
            return too_large
        idempotency_key = request.headers.get("Idempotency-Key", "").strip()
        if not _IDEMPOTENCY_KEY.match(idempotency_key):
            raise serializers.ValidationError(
                {
                    "Idempotency-Key": [
                        _("Idempotency-Key hanya boleh berisi huruf ASCII yang tampak.")
                    ]
                }
            )
        if len(idempotency_key) > IDEMPOTENCY_KEY_MAX_LENGTH:
            # Cutting it would make two different long keys one and the same.
            raise serializers.ValidationError(
                {
                    "Idempotency-Key": [
                        _("Idempotency-Key paling banyak %(limit)s karakter.")
                        % {"limit": IDEMPOTENCY_KEY_MAX_LENGTH}
                    ]
                }
            )
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
            filename=printable_filename(getattr(upload, "name", "")),
            rows=payload.validated_data.get("rows"),
            idempotency_key=idempotency_key,
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
    api_key_throttle_scope = READ_SCOPE

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "WorkerList"

        id = serializers.IntegerField(source="pk")
        reference = serializers.CharField()
        status = serializers.CharField()
        failure_code = serializers.CharField(
            help_text="Why the list failed, for machines (empty unless status is failed)."
        )
        failure_reason = serializers.CharField(
            source="failure_message", help_text="The same, in the request's language."
        )
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
    api_key_throttle_scope = READ_SCOPE

    class FilterSerializer(serializers.Serializer):
        class Meta:
            ref_name = "WorkerListRowFilter"

        outcome = serializers.ChoiceField(choices=OUTCOMES, required=False)

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "WorkerListRow"

        row = serializers.IntegerField(source="row_number", help_text="Data row (1 = first).")
        sheet_row = serializers.SerializerMethodField(
            help_text="The row number a spreadsheet shows (the header is row 1)."
        )
        nik = serializers.SerializerMethodField(
            help_text="As sent; masked (3673********0001) for readers who do not work with "
            "the person."
        )
        outcome = serializers.CharField()
        errors = serializers.SerializerMethodField()

        def get_sheet_row(self, row) -> int:
            return row.row_number + 1

        def get_nik(self, row) -> str:
            return row.nik if self.context["full_nik"] else mask_nik(row.nik)

        def get_errors(self, row) -> list[dict[str, str]]:
            return selectors.row_errors(row)

    @extend_schema(
        operation_id="worker_lists_rows",
        description=_RETENTION,
        parameters=[FilterSerializer, *RowPagination.schema_parameters()],
        responses=paginated(OutputSerializer, "PaginatedWorkerListRowList"),
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
        context = {"full_nik": can(request.user, Ability.SEE_FULL_NIK)}
        rows = self.OutputSerializer(page, many=True, context=context).data
        return paginator.get_paginated_response(rows)


_FORMAT_PARAMETER = OpenApiParameter(
    "report_format", str, OpenApiParameter.PATH, enum=["csv", "xlsx"], description="csv or xlsx"
)
_DOWNLOAD_RESPONSES = {
    (200, "text/csv"): OpenApiTypes.BINARY,
    (200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY,
}


class WorkerListReportApi(APIView):
    api_key_throttle_scope = READ_SCOPE

    @extend_schema(
        operation_id="worker_lists_report",
        description=_RETENTION,
        summary="The report: every row as sent, with its outcome and errors",
        parameters=[_FORMAT_PARAMETER],
        responses=_DOWNLOAD_RESPONSES,
    )
    def get(self, request, pk: int, report_format: str):
        submission = _submission_or_404(request, pk)
        return reports.report_response(
            submission=submission, report_format=report_format, user=request.user
        )


class WorkerListFixRowsApi(APIView):
    api_key_throttle_scope = READ_SCOPE

    @extend_schema(
        operation_id="worker_lists_fix_rows",
        description=_RETENTION,
        summary="The invalid rows only, as sent, to correct and submit again",
        parameters=[_FORMAT_PARAMETER],
        responses=_DOWNLOAD_RESPONSES,
    )
    def get(self, request, pk: int, report_format: str):
        submission = _submission_or_404(request, pk)
        return reports.fix_rows_response(
            submission=submission, report_format=report_format, user=request.user
        )
