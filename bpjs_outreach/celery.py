import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bpjs_outreach.settings")

app = Celery("bpjs_outreach")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
