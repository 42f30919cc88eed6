"""Three URL groups, mounted at /kunjungan/, /kasus/ and /kampanye/ with their own namespaces."""

from django.urls import path

from . import views

visit_urls = (
    [
        path("", views.visit_list, name="list"),
        path("baru/", views.visit_create, name="create"),
        path("cari-pemberi-kerja/", views.visit_employer_search, name="employer_search"),
        path(
            "<int:pk>/tindak-lanjut-selesai/",
            views.visit_follow_up_done,
            name="follow_up_done",
        ),
    ],
    "visits",
)
case_urls = (
    [
        path("", views.case_list, name="list"),
        path("<int:pk>/", views.case_detail, name="detail"),
        path("baru/<int:employer_pk>/", views.case_open, name="open"),
        # The sanction ladder sits with the cases it backs.
        path("sanksi/<int:employer_pk>/", views.sanction_ladder, name="sanctions"),
        path("sanksi/tahap/<int:pk>/hasil/", views.sanction_outcome, name="sanction_outcome"),
        path("sanksi/tahap/<int:pk>/tertagih/", views.sanction_recovery, name="sanction_recovery"),
    ],
    "cases",
)
campaign_urls = (
    [
        path("", views.campaign_list, name="list"),
        path("baru/", views.campaign_create, name="create"),
        path("<int:pk>/", views.campaign_detail, name="detail"),
    ],
    "campaigns",
)
