"""`/api/v1/cases/`: partner agencies read the cases sent to them and move them on."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.models import AgencyAPIKey
from core.pagination import PageNumberPagination, paginated

from . import selectors, services
from .models import CaseKind, CaseState, EscalationCase


class CaseOutput(serializers.ModelSerializer):
    employer = serializers.SerializerMethodField()
    agency = serializers.CharField(source="agency.name")
    branch = serializers.CharField(source="branch.name")
    allowed_states = serializers.SerializerMethodField()

    class Meta:
        model = EscalationCase
        fields = [
            "id",
            "kind",
            "state",
            "summary",
            "employer",
            "agency",
            "branch",
            "arrears_amount",
            "state_changed_at",
            "created_at",
            "allowed_states",
        ]

    def get_employer(self, case) -> dict:
        # Where the agency goes: the employer's regency and district (names and codes).
        employer = case.employer
        return {
            "id": employer.pk,
            "name": employer.name,
            "npp": employer.npp,
            "address": employer.address,
            "regency_code": employer.regency_id,
            "regency": employer.regency.name,
            "district_code": employer.district_id,
            "district": employer.district.name if employer.district_id else None,
        }

    def get_allowed_states(self, case) -> list[str]:
        return list(
            services.case_allowed_transitions(case=case, user=self.context["user"], in_scope=True)
        )


class TransitionOutput(serializers.Serializer):
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    at = serializers.DateTimeField()
    by = serializers.SerializerMethodField()
    letter_number = serializers.CharField()
    note = serializers.CharField()

    def get_by(self, transition) -> str:
        if transition.by_id:
            return transition.by.get_full_name() or transition.by.username
        if transition.by_api_key_id:
            return f"api-key:{transition.by_api_key.name}"
        return ""


class CaseListApi(APIView):
    class FilterSerializer(serializers.Serializer):
        state = serializers.ChoiceField(choices=CaseState.choices, required=False)
        kind = serializers.ChoiceField(choices=CaseKind.choices, required=False)

    @extend_schema(
        operation_id="cases_list",
        parameters=[FilterSerializer, *PageNumberPagination.schema_parameters()],
        responses=paginated(CaseOutput, "PaginatedCaseList"),
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        cases = selectors.case_list(user=request.user).filter(**filters.validated_data)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(cases.order_by("-state_changed_at", "-id"), request)
        data = CaseOutput(page, many=True, context={"user": request.user}).data
        return paginator.get_paginated_response(data)


class CaseDetailApi(APIView):
    class InputSerializer(serializers.Serializer):
        state = serializers.ChoiceField(choices=CaseState.choices)
        letter_number = serializers.CharField(
            required=False, allow_blank=True, max_length=120, default=""
        )
        note = serializers.CharField(required=False, allow_blank=True, default="")

        class Meta:
            ref_name = "CaseTransitionInput"

    def _case(self, request, pk: int) -> EscalationCase:
        case = selectors.case_get(user=request.user, pk=pk)
        if case is None:
            raise Http404
        return case

    def _output(self, request, case: EscalationCase) -> dict:
        data = CaseOutput(case, context={"user": request.user}).data
        transitions = selectors.case_transitions(case=case)
        data["transitions"] = TransitionOutput(transitions, many=True).data
        data["time_in_state_days"] = {
            duration.state: round(duration.days, 2)
            for duration in selectors.case_state_durations(transitions=transitions)
        }
        return data

    @extend_schema(responses=CaseOutput)
    def get(self, request, pk: int):
        return Response(self._output(request, self._case(request, pk)))

    @extend_schema(request=InputSerializer, responses=CaseOutput)
    def patch(self, request, pk: int):
        case = self._case(request, pk)
        if not services.case_allowed_transitions(case=case, user=request.user, in_scope=True):
            # Refused before the body is read: a reader learns nothing from validation errors.
            raise PermissionDenied(_("Anda tidak berwenang mengubah status kasus ini."))
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        api_key = request.auth if isinstance(request.auth, AgencyAPIKey) else None
        services.case_transition(
            case=case,
            to_state=payload.validated_data["state"],
            user=request.user,
            letter_number=payload.validated_data["letter_number"],
            note=payload.validated_data["note"],
            api_key=api_key,
        )
        return Response(self._output(request, case), status=status.HTTP_200_OK)
