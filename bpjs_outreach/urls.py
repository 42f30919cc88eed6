from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerView,
)

from campaigns import urls as campaign_urls
from campaigns.api import CaseDetailApi, CaseListApi
from core import views as core_views
from core.forms import LoginForm
from coverage.api import CoverageListApi
from employers import api as employers_api
from home import views as home_views
from worker_lists.urls import api_urlpatterns as worker_list_api

# Swagger UI and Redoc (drf-spectacular's templates) start with inline <script> and <style> blocks,
# and Redoc injects its styles and runs a worker from a blob: URL. Only these two pages get that.
api_docs_csp = csp_update(
    {
        "script-src": [UNSAFE_INLINE],
        "style-src": [UNSAFE_INLINE],
        "worker-src": [SELF, "blob:"],
    }
)

api_v1 = [
    path("schema/", SpectacularAPIView.as_view(api_version="v1"), name="schema"),
    path(
        "docs/",
        api_docs_csp(SpectacularSwaggerView.as_view(url_name="schema")),
        name="swagger-ui",
    ),
    path("redoc/", api_docs_csp(SpectacularRedocView.as_view(url_name="schema")), name="redoc"),
    path("employers/", employers_api.EmployerListApi.as_view(), name="api-employer-list"),
    path(
        "employers/<int:pk>/", employers_api.EmployerDetailApi.as_view(), name="api-employer-detail"
    ),
    path("coverage/", CoverageListApi.as_view(), name="api-coverage-list"),
    *worker_list_api,
    path("cases/", CaseListApi.as_view(), name="api-case-list"),
    path("cases/<int:pk>/", CaseDetailApi.as_view(), name="api-case-detail"),
    # Last: any other address under the API answers the API's JSON 404.
    re_path(r"^(?P<path>.*)$", core_views.api_not_found, name="api-not-found"),
]

urlpatterns = [
    path("", home_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path(
        "masuk/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("cakupan/", include("coverage.urls")),
    path("", include("worker_lists.urls")),
    path("pemberi-kerja/", include("employers.urls")),
    path("notifikasi/", include("notifications.urls")),
    path("kunjungan/", include(campaign_urls.visit_urls)),
    path("kasus/", include(campaign_urls.case_urls)),
    path("kampanye/", include(campaign_urls.campaign_urls)),
]

handler500 = "core.errors.server_error"

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
