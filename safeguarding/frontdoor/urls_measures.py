"""The front door measures page (included by frontdoor/urls.py under /front-door/)."""

from django.urls import URLPattern, path

from safeguarding.frontdoor.views.measures import measures_page

urlpatterns: list[URLPattern] = [
    path("measures/", measures_page, name="measures"),
]
