"""Break-glass pages: ask for a reason and open a record; the business unit manager's review list."""

from __future__ import annotations

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from safeguarding.access.decorators import permission_required, two_factor_redirect
from safeguarding.access.forms import BreakGlassForm, BreakGlassReviewForm
from safeguarding.access.permissions import (
    break_glass_permission,
    holds,
    may_break_glass,
    requires_two_factor,
)
from safeguarding.access.selectors import break_glass_grants_for_review
from safeguarding.access.services import break_glass_open, break_glass_review


@require_http_methods(["GET", "POST"])
def break_glass(request: HttpRequest, model_label: str, pk: str) -> HttpResponse:
    next_url = request.GET.get("next") or request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    try:
        model = apps.get_model(model_label)
    except (LookupError, ValueError) as exc:
        raise Http404("No such kind of record") from exc
    permission = break_glass_permission(model)
    if permission is None:
        raise Http404("Break-glass is not available here")
    if not may_break_glass(request.user) or not holds(request.user, permission):
        raise PermissionDenied("Your roles do not allow break-glass access")
    if requires_two_factor(permission):
        detour = two_factor_redirect(request)
        if detour is not None:
            return detour
    # The record is outside the person's scope: fetch it directly, but show nothing of it before the reason.
    try:
        obj = model._default_manager.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404("No such record") from exc
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            break_glass_open(
                user=request.user,
                obj=obj,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as exc:
            form.add_error("reason", exc.messages[0])
        else:
            messages.warning(
                request, "You have opened this record with break-glass. This use will be reviewed."
            )
            return HttpResponseRedirect(next_url)
    return render(
        request,
        "access/break_glass.html",
        {
            "page_title": "Open a record outside your scope",
            "form": form,
            "record_kind": model._meta.verbose_name,
            "next": next_url,
        },
    )


@permission_required("breakglass.review")
@require_http_methods(["GET"])
def break_glass_review_list(request: HttpRequest) -> HttpResponse:
    show_all = request.GET.get("show") == "all"
    grants = break_glass_grants_for_review(request.user, unreviewed_only=not show_all)
    page = Paginator(grants, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "access/break_glass_review.html",
        {
            "page_title": "Break-glass use",
            "current_area": "administration",
            "page": page,
            "show_all": show_all,
            "form": BreakGlassReviewForm(),
        },
    )


@permission_required("breakglass.review")
@require_POST
def break_glass_review_record(request: HttpRequest, pk: int) -> HttpResponse:
    grant = get_object_or_404(break_glass_grants_for_review(request.user, unreviewed_only=False), pk=pk)
    form = BreakGlassReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter a note about this use of break-glass before marking it reviewed.")
        return redirect("access:break-glass-review")
    try:
        break_glass_review(
            reviewer=request.user, grant=grant, note=form.cleaned_data["note"], request=request
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, str(exc.args[0] if exc.args else exc))
    else:
        messages.success(request, f"Break-glass use by {grant.user.full_name} marked as reviewed.")
    return redirect("access:break-glass-review")
