"""The 7-minute briefings' URLs (mounted at /briefings/)."""

from __future__ import annotations

from django.urls import path

from safeguarding.briefings import views

app_name = "briefings"

urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/pdf/", views.pdf, name="pdf"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/shared/new/", views.share, name="share"),
]
