"""GET /api/v1/coverage/: coverage snapshot rows for one level and period."""

from __future__ import annotations

import datetime as dt

from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import Ability, ability_required
from core.periods import parse_period

from . import selectors
from .models import CoverageSnapshot, SnapshotLevel

API_LEVELS = [
    SnapshotLevel.NATIONAL,
    SnapshotLevel.PROVINCE,
    SnapshotLevel.REGENCY,
    SnapshotLevel.KANWIL,
    SnapshotLevel.BRANCH,
]


_PERIOD_PATTERN = r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])$"


class CoverageListApi(APIView):
    permission_classes = [ability_required(Ability.READ_COVERAGE_API)]

    class FilterSerializer(serializers.Serializer):
        level = serializers.ChoiceField(choices=API_LEVELS)
        period = serializers.CharField(
            required=False,
            help_text="YYYY-MM; default: the latest computed period.",
            # The schema tells clients the form (schemathesis sends only what it allows).
            validators=[RegexValidator(_PERIOD_PATTERN)],
        )
        parent = serializers.CharField(
            required=False,
            max_length=20,
            help_text="Parent code: a province code for regencies, a Kanwil code for branches.",
        )

        def validate_period(self, value: str) -> dt.date:
            try:
                return parse_period(value)
            except ValueError:
                raise serializers.ValidationError(_("Format periode harus YYYY-MM.")) from None

    class OutputSerializer(serializers.ModelSerializer):
        period = serializers.DateField(format="%Y-%m")
        workforce_period = serializers.DateField(format="%Y-%m", allow_null=True)
        # Floats, not DecimalField: quantising 1,000 decimals per regency list was most of
        # the response time, and JSON numbers are floats for clients anyway.
        coverage_pct = serializers.FloatField(allow_null=True, help_text="null: no denominator")
        coverage_pu_pct = serializers.FloatField(
            allow_null=True, help_text="PU participants / formal employed (BPS status 3 + 4)"
        )
        coverage_bpu_pct = serializers.FloatField(
            allow_null=True, help_text="BPU participants / (employed - formal employed)"
        )
        target_pct = serializers.FloatField(allow_null=True)

        class Meta:
            model = CoverageSnapshot
            fields = [
                "period",
                "level",
                "code",
                "name",
                "parent_code",
                "active_total",
                "active_pu",
                "active_bpu",
                "active_jakon",
                "active_pmi",
                "new_participants",
                "non_asn_enrolled",
                "workforce_employed",
                "workforce_formal",
                "workforce_kind",
                "workforce_source",
                "workforce_period",
                "workforce_flags",
                "coverage_pct",
                "coverage_pu_pct",
                "coverage_bpu_pct",
                "target_pct",
                "target_inherited_from",
                "gap_to_target",
                "computed_at",
            ]

        # Same output as the declared fields (which document the schema), built directly:
        # DRF's per-field machinery was most of the time of a 514-regency list. A test checks
        # that both agree.
        _PLAIN = (
            "level",
            "code",
            "name",
            "parent_code",
            "active_total",
            "active_pu",
            "active_bpu",
            "active_jakon",
            "active_pmi",
            "new_participants",
            "non_asn_enrolled",
            "workforce_employed",
            "workforce_formal",
            "workforce_kind",
            "workforce_source",
            "workforce_flags",
            "target_inherited_from",
            "gap_to_target",
        )

        def to_representation(self, instance: CoverageSnapshot) -> dict:
            data = {name: getattr(instance, name) for name in self._PLAIN}
            data["period"] = f"{instance.period:%Y-%m}"
            data["workforce_period"] = (
                f"{instance.workforce_period:%Y-%m}" if instance.workforce_period else None
            )
            for name in ("coverage_pct", "coverage_pu_pct", "coverage_bpu_pct", "target_pct"):
                value = getattr(instance, name)
                data[name] = None if value is None else float(value)
            data["computed_at"] = timezone.localtime(instance.computed_at).isoformat()
            return data

    @extend_schema(
        operation_id="coverage_list",
        summary="Coverage snapshots for one level and period",
        description=(
            "Active participants against the workforce per region or office. `coverage_pct` and "
            "`gap_to_target` are null when the region has no workforce figure (no denominator). "
            "`workforce_kind` is `estimate` when the denominator is derived from population "
            "share rather than an official BPS figure. `coverage_pu_pct` is wage-earner (PU) "
            "participants / formal employed, `coverage_bpu_pct` non-wage-earner (BPU) "
            "participants / (employed - formal employed). These are register counts (where "
            "participants work); published participant counts are not mixed in. Partner agency "
            "keys see their jurisdiction only."
        ),
        parameters=[
            OpenApiParameter(
                "level", str, enum=[str(level) for level in API_LEVELS], required=True
            ),
            OpenApiParameter(
                "period",
                {"type": "string", "pattern": _PERIOD_PATTERN},
                description="YYYY-MM (default: latest)",
            ),
            OpenApiParameter(
                "parent",
                {"type": "string", "maxLength": 20},
                description="parent code (province or Kanwil)",
            ),
        ],
        responses=inline_serializer(
            name="CoverageList",
            fields={
                "level": serializers.CharField(),
                "period": serializers.CharField(allow_null=True),
                "count": serializers.IntegerField(),
                "results": OutputSerializer(many=True),
            },
        ),
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        level = filters.validated_data["level"]
        period = filters.validated_data.get("period")
        if period is None:
            periods = selectors.coverage_periods(user=request.user)
            period = periods[0] if periods else None
        rows = (
            list(
                selectors.coverage_list(
                    user=request.user,
                    level=level,
                    period=period,
                    parent=filters.validated_data.get("parent"),
                )
            )
            if period
            else []
        )
        return Response(
            {
                "level": level,
                "period": f"{period:%Y-%m}" if period else None,
                "count": len(rows),
                "results": self.OutputSerializer(rows, many=True).data,
            }
        )
