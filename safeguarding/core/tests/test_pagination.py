"""The shared GOV.UK pagination tag keeps filters and elides long runs of pages."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.template import Context, Template
from django.test import RequestFactory


def _render(page_number: int, query: str = "") -> str:
    page = Paginator(list(range(1000)), 10).get_page(page_number)
    request = RequestFactory().get(f"/list/?{query}")
    return Template("{% load govuk %}{% pagination page %}").render(
        Context({"page": page, "request": request})
    )


def test_pagination_keeps_filters_and_drops_the_old_page() -> None:
    html = _render(5, "agency=3&page=5&q=smith")
    assert 'href="?agency=3&amp;q=smith&amp;page=6" rel="next"' in html
    assert 'href="?agency=3&amp;q=smith&amp;page=4" rel="prev"' in html
    assert 'aria-current="page">5<' in html


def test_pagination_elides_long_runs() -> None:
    html = _render(50)
    assert "govuk-pagination__item--ellipses" in html
    assert 'aria-label="Page 100"' in html
    assert 'aria-label="Page 30"' not in html


def test_no_pagination_for_one_page() -> None:
    page = Paginator([1, 2], 10).get_page(1)
    html = Template("{% load govuk %}{% pagination page %}").render(
        Context({"page": page, "request": RequestFactory().get("/")})
    )
    assert "govuk-pagination" not in html
