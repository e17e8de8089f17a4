"""The URL map: each app mounts its own urls.py under the prefix of its area."""

from django.urls import include, path

urlpatterns = [
    path("", include("safeguarding.core.urls")),
    path("account/", include("safeguarding.accounts.urls")),
    path("administration/", include("safeguarding.accounts.admin_urls")),
    path("administration/access-log/", include("safeguarding.accesslog.urls")),
    path("access/", include("safeguarding.access.urls")),
    path("front-door/", include("safeguarding.frontdoor.urls")),
    path("children/", include("safeguarding.children.urls")),
    path("census/", include("safeguarding.census.urls")),
    path("indicators/", include("safeguarding.indicators.urls")),
    path("reviews/", include("safeguarding.reviews.urls")),
    path("actions/", include("safeguarding.actions.urls")),
    path("briefings/", include("safeguarding.briefings.urls")),
    path("audits/", include("safeguarding.audits.urls")),
    path("api/v1/", include("safeguarding.api.urls")),
    path("api-tokens/", include("safeguarding.api.page_urls")),
]

handler403 = "safeguarding.core.views.error_403"
handler404 = "safeguarding.core.views.error_404"
handler500 = "safeguarding.core.views.error_500"
