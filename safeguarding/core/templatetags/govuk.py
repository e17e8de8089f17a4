"""Template tags for GOV.UK Frontend components that need a little computing."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.paginator import Page

register = template.Library()


@register.inclusion_tag("includes/pagination.html", takes_context=True)
def pagination(context: dict[str, Any], page: Page[Any] | None, label: str = "Pages") -> dict[str, Any]:
    """GOV.UK numbered pagination for a Django Page, keeping the request's other query parameters.

    Long runs of pages are elided (1 ... 4 5 6 ... 20) as the design system's pattern shows.
    """
    if page is None or page.paginator.num_pages <= 1:
        return {"page": None}
    query = context["request"].GET.copy()
    query.pop("page", None)
    prefix = f"?{query.urlencode()}&" if query else "?"
    numbers = page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    return {
        "page": page,
        "label": label,
        "prefix": prefix,
        "numbers": [(n, n == page.paginator.ELLIPSIS) for n in numbers],
    }
