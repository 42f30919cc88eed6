"""Page-number pagination for the API: messages in the request's language, and the paginated
shape declared for the schema (APIViews paginate by hand, so drf-spectacular cannot see it)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import pagination, serializers


class PageNumberPagination(pagination.PageNumberPagination):
    invalid_page_message = _("Halaman tidak valid.")

    @classmethod
    def schema_parameters(cls) -> list[OpenApiParameter]:
        parameters = [
            OpenApiParameter("page", {"type": "integer", "minimum": 1}, description="Page number.")
        ]
        if cls.page_size_query_param:
            parameters.append(
                OpenApiParameter(
                    cls.page_size_query_param,
                    {"type": "integer", "minimum": 1},
                    description=f"Rows per page (at most {cls.max_page_size}).",
                )
            )
        return parameters


def paginated(item_serializer: type[serializers.Serializer], name: str) -> serializers.Serializer:
    """The schema of one page: {count, next, previous, results: [item, ...]}."""
    return inline_serializer(
        name,
        fields={
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item_serializer(many=True),
        },
    )
