"""Page-number pagination for the API: messages in the request's language, and the paginated
shape declared for the schema (APIViews paginate by hand, so drf-spectacular cannot see it).
For pages: a paginator told its total (KnownCountPaginator)."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property
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


class KnownCountPaginator(Paginator):
    """A page paginator told its total instead of running COUNT(*) over the list: for lists of
    millions whose count is kept elsewhere (the lead tally) or capped (a search). With a total
    of zero the page is empty without asking the database."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count

    def page(self, number) -> Page:
        page = super().page(number)
        if self._known_count == 0 and hasattr(self.object_list, "none"):
            page.object_list = self.object_list.none()
        return page
