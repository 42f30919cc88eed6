from django.urls import path

from . import views

app_name = "employers"

urlpatterns = [
    path("", views.employer_list, name="list"),
    path("baru/", views.employer_create, name="create"),
    path("<int:pk>/", views.employer_detail, name="detail"),
    path("<int:pk>/ubah/", views.employer_edit, name="edit"),
    path("<int:pk>/status/", views.employer_status_change, name="status"),
    path(
        "<int:pk>/usulan/<int:proposal_pk>/",
        views.employer_proposal_decide,
        name="proposal_decide",
    ),
]
