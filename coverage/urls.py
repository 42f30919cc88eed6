from django.urls import path

from . import views

app_name = "coverage"

urlpatterns = [
    path("", views.coverage_home, name="national"),
    path("provinsi/<str:code>/", views.coverage_province, name="province"),
    path("kabkota/<str:code>/", views.coverage_regency, name="regency"),
    path("kanwil/<slug:code>/", views.coverage_kanwil, name="kanwil"),
    path("cabang/<slug:code>/", views.coverage_branch, name="branch"),
    path("peta/provinsi.geojson", views.province_geojson, name="province-geojson"),
    path("peta/kabkota/<str:code>.geojson", views.regency_geojson, name="regency-geojson"),
]
