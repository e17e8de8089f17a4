"""The CIN census pages, mounted at /census/ (app "census"): config/urls.py has
path("census/", include("safeguarding.census.urls"))."""

from django.urls import URLPattern, path

from safeguarding.census import views

app_name = "census"

urlpatterns: list[URLPattern] = [
    path("", views.import_list, name="imports"),
    path("upload/", views.upload, name="upload"),
    path("imports/<int:pk>/", views.import_detail, name="import"),
]
