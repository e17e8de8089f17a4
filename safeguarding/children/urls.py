"""The child's page and its forms, mounted at /children/ (app "children")."""

from django.urls import URLPattern, path

from safeguarding.children import views

app_name = "children"

CHILD = "<int:pk>/"

urlpatterns: list[URLPattern] = [
    path(CHILD, views.child_detail, name="child"),
    path(f"{CHILD}add/<slug:kind>/", views.record_add, name="record-add"),
    path(f"{CHILD}add/<slug:kind>/under/<int:parent_pk>/", views.record_add, name="record-add-under"),
    path(f"{CHILD}<slug:kind>/<int:record_pk>/", views.record_change, name="record-change"),
]
