"""Pages about API tokens, outside the API itself: mounted at /api-tokens/ by config/urls.py."""

from django.urls import path

from safeguarding.api import views

app_name = "api_tokens"

urlpatterns = [
    path("<int:pk>/revoke/", views.api_token_revoke_view, name="revoke"),
]
