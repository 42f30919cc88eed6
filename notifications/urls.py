from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("jumlah/", views.unread_badge, name="badge"),
    path("buka/", views.open_notification, name="open"),
    path("baca-semua/", views.mark_all_read, name="mark_all_read"),
    path("email/", views.email_setting, name="email_setting"),
]
