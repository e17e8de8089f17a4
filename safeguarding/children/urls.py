"""The children's records, mounted at /children/ (app "children"): search, the child's page, its forms."""

from django.urls import URLPattern, path

from safeguarding.children import views

app_name = "children"

CHILD = "<int:pk>/"

urlpatterns: list[URLPattern] = [
    path("", views.children_home, name="home"),
    path(CHILD, views.child_detail, name="child"),
    path(f"{CHILD}identity/", views.child_identity, name="identity"),
    path(f"{CHILD}add/<slug:kind>/", views.record_add, name="record-add"),
    path(f"{CHILD}add/<slug:kind>/under/<int:parent_pk>/", views.record_add, name="record-add-under"),
    path(f"{CHILD}<slug:kind>/<int:record_pk>/", views.record_change, name="record-change"),
]
