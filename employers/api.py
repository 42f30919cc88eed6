"""REST API for employers: GET list/detail in the caller's scope, PATCH for those who may edit."""

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from core.identifiers import IdentifierError, normalize_nib, normalize_npwp

from . import selectors, services
from .models import ComplianceStatus, Employer


class EmployerOutputSerializer(serializers.ModelSerializer):
    regency_code = serializers.CharField(source="regency_id")
    district_code = serializers.CharField(source="district_id", allow_null=True)
    branch_code = serializers.CharField(source="branch.code", allow_null=True, default=None)

    class Meta:
        model = Employer
        fields = [
            "id",
            "name",
            "npp",
            "nib",
            "npwp",
            "sector",
            "size_class",
            "regency_code",
            "district_code",
            "branch_code",
            "compliance_status",
            "reported_workers",
            "registered_workers",
            "updated_at",
        ]


class EmployerListApi(ListAPIView):
    serializer_class = EmployerOutputSerializer

    def get_queryset(self):
        return selectors.employer_list(user=self.request.user).order_by("pk")


class EmployerDetailApi(APIView):
    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=200, required=False)
        nib = serializers.CharField(max_length=20, required=False, allow_blank=True)
        npwp = serializers.CharField(max_length=25, required=False, allow_blank=True)
        compliance_status = serializers.ChoiceField(ComplianceStatus.choices, required=False)
        reported_workers = serializers.IntegerField(min_value=0, required=False)
        reason = serializers.CharField(required=False, allow_blank=True, default="")

        def _identifier(self, value, normalize):
            if value == "":
                return value
            try:
                return normalize(value)
            except IdentifierError as error:
                raise serializers.ValidationError(error.message, code=error.code) from None

        def validate_nib(self, value):
            return self._identifier(value, normalize_nib)

        def validate_npwp(self, value):
            return self._identifier(value, normalize_npwp)

        def validate(self, attrs):
            if "compliance_status" in attrs and not attrs.get("reason"):
                raise serializers.ValidationError(
                    {"reason": _("Alasan perubahan status wajib diisi.")}
                )
            return attrs

    @staticmethod
    def _employer(request, pk: int) -> Employer:
        employer = selectors.employer_get(user=request.user, pk=pk)
        if employer is None:
            raise Http404
        return employer

    @extend_schema(responses=EmployerOutputSerializer)
    def get(self, request, pk: int):
        employer = self._employer(request, pk)
        return Response(EmployerOutputSerializer(employer).data)

    @extend_schema(request=InputSerializer, responses=EmployerOutputSerializer)
    def patch(self, request, pk: int):
        employer = self._employer(request, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        reason = data.pop("reason", "")
        employer = services.employer_update(
            employer=employer, user=request.user, data=data, reason=reason
        )
        return Response(EmployerOutputSerializer(employer).data, status=status.HTTP_200_OK)
