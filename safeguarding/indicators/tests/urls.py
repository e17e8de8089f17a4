"""The project's URLs plus the indicators app's, until config/urls.py includes them."""

from __future__ import annotations

from django.urls import include, path

from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [*project_urlpatterns, path("indicators/", include("safeguarding.indicators.urls"))]
