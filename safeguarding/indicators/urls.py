from __future__ import annotations

from django.urls import path

from safeguarding.indicators import views

app_name = "indicators"

urlpatterns = [
    path("registry/", views.registry_page, name="registry"),
]
