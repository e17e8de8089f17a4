"""Showing a section's text on the briefing page: line breaks kept, web addresses as GOV.UK links."""

from __future__ import annotations

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.html import urlize
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter(needs_autoescape=True)
def briefing_text(text: str, autoescape: bool = True) -> SafeString:
    """Escape the text, link its web addresses (styled as govuk-link) and keep its line breaks."""
    linked = urlize(text, nofollow=True, autoescape=autoescape)
    # The text itself was escaped by urlize, so "<a " only occurs in the links urlize made.
    styled = linked.replace("<a ", '<a class="govuk-link" ')
    return mark_safe(linebreaksbr(mark_safe(styled), autoescape=False))  # noqa: S308
