"""Pages of the indicators app: comparators (being built; see docs/indicators.md)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
