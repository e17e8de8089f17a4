"""The year in numbers page for case reviews (issue 6, section 6). Its URLs come before /reviews/<code>/."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
