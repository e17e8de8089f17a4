"""The action tracker's URLs (mounted at /actions/)."""

from __future__ import annotations

from safeguarding.actions import views

app_name = "actions"

urlpatterns = views.urlpatterns
