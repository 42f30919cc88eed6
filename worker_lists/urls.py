from django.urls import path

from . import api, views

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
    path(
        "worker-lists/<int:pk>/fix.<str:report_format>",
        api.WorkerListFixRowsApi.as_view(),
        name="api-worker-list-fix-rows",
    ),
]

urlpatterns = [
    path("daftar-pekerja/", views.worker_list_index, name="worker-list-index"),
    path(
        "daftar-pekerja/templat.<str:file_format>",
        views.worker_list_template,
        name="worker-list-template",
    ),
    path("daftar-pekerja/<int:pk>/", views.worker_list_detail, name="worker-list-detail"),
    path(
        "daftar-pekerja/<int:pk>/progres/",
        views.worker_list_progress,
        name="worker-list-progress",
    ),
    path("prospek/", views.lead_list, name="lead-list"),
    path("prospek/<int:pk>/status/", views.lead_status_update, name="lead-status-update"),
]
