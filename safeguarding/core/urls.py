from django.urls import path

from safeguarding.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("areas/<slug:slug>/", views.area, name="area"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("cookies/", views.cookies, name="cookies"),
]

# The working-day calendar (local closure days), for the business unit. Listed here rather than in
# accounts/admin_urls.py because core owns the calendar; the path sits under the administration area.
from safeguarding.core import calendar_views  # noqa: E402

urlpatterns += [
    path("administration/calendar/", calendar_views.calendar_list, name="calendar"),
    path("administration/calendar/add/", calendar_views.calendar_add, name="calendar-add"),
    path("administration/calendar/<int:pk>/remove/", calendar_views.calendar_remove, name="calendar-remove"),
]
