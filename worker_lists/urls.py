from django.urls import path

from . import api

api_urlpatterns = [
    path("worker-lists/", api.WorkerListCreateApi.as_view(), name="api-worker-list-create"),
    path(
        "worker-lists/<int:pk>/", api.WorkerListDetailApi.as_view(), name="api-worker-list-detail"
    ),
    path(
        "worker-lists/<int:pk>/rows/", api.WorkerListRowsApi.as_view(), name="api-worker-list-rows"
    ),
    path(
        "worker-lists/<int:pk>/report.<str:report_format>",
        api.WorkerListReportApi.as_view(),
        name="api-worker-list-report",
    ),
]
