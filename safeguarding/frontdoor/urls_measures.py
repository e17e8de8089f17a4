from django.urls import URLPattern

# The front door measures page arrives with the measures (work in progress).
urlpatterns: list[URLPattern] = []
