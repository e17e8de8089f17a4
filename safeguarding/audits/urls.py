"""The audits area's URLs (mounted at /audits/): each views module lists its own."""

from __future__ import annotations

from safeguarding.audits.views import auditing, programme, reports

app_name = "audits"

urlpatterns = [*programme.urlpatterns, *auditing.urlpatterns, *reports.urlpatterns]
