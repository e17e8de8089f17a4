"""What the audit pages share: the area's name and the one form page every audit form uses."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.http import HttpRequest, HttpResponse

from safeguarding.core.formpages import form_page

AREA = "audits"


def audit_form(
    request: HttpRequest,
    *,
    form: forms.Form,
    heading: str,
    button: str,
    save: Callable[[forms.Form], str],
    done: str,
    cancel: str,
    caption: str = "Audits",
    intro: str = "",
) -> HttpResponse:
    """A one-form page (audits/form.html) through core.formpages.form_page: saved and redirected, or shown
    again with the service's refusal beside its field and nothing typed lost."""
    context = {
        "page_title": heading,
        "current_area": AREA,
        "heading": heading,
        "button": button,
        "cancel": cancel,
        "caption": caption,
        "intro": intro,
    }
    return form_page(request, form=form, template="audits/form.html", context=context, save=save, done=done)
