"""The API's URLs, mounted at /api/v1/ by config/urls.py.

The API authenticates each call by its token, not by a signed-in session, so its views are exempt from
the sign-in redirect of LoginRequiredMiddleware; the token check (401) takes its place. The OpenAPI
description and its docs page are public: they describe the API and hold no data.
"""

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern

from safeguarding.api.api import api

app_name = api.urls_namespace  # "api": the docs page reverses api:openapi-json
urlpatterns = api.urls[0]

for pattern in urlpatterns:
    if isinstance(pattern, URLPattern):
        # login_not_required marks the view function itself (Django reads view.login_required).
        login_not_required(pattern.callback)
