"""A form page in one place: a refused write goes beside the field it is about, and nothing typed is lost.

Services raise a `RefusedWrite` (or a subclass: reviews.services.ReviewError, briefings.services.
BriefingError) with a message a person can act on and the name of the form field it belongs beside. Views
call `form_page`, which saves on a valid POST and redirects, or shows the form again with the message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render


class RefusedWrite(ValueError):
    """A write refused; `field` names the form field the message belongs beside (None: the whole form)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def form_page(
    request: HttpRequest,
    *,
    form: forms.Form,
    template: str,
    context: dict[str, Any],
    save: Callable[[forms.Form], str],
    done: str,
) -> HttpResponse:
    """On a valid POST call `save` (which returns where to go next) and say `done`; otherwise, or when the
    service refuses, render `template` with the form (its errors beside their fields) and `context`."""
    if request.method == "POST" and form.is_valid():
        try:
            target = save(form)
        except RefusedWrite as refused:
            form.add_error(refused.field if refused.field in form.fields else None, str(refused))
        else:
            messages.success(request, done)
            return redirect(target)
    return render(request, template, {**context, "form": form})
