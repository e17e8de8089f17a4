from django.urls import path

from safeguarding.accesslog import views

app_name = "accesslog"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("people/<int:user_id>/", views.person_events, name="person"),
    path("export.csv", views.export, name="export"),
]
