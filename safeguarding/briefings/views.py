"""The 7-minute briefing pages (area "learning"): the list of published briefings, a briefing laid out as
its seven numbered sections, its one-page PDF, and the forms to write, edit, publish and record sharing.

Views parse input, read through selectors and write through services. Everyone with learning.view reads
published briefings; drafts and the forms are for writers (learning.manage, or review.manage for a briefing
about a case review), and anyone else gets 404 for a draft and 403 for a form.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from safeguarding.access.decorators import permission_required
from safeguarding.briefings import services
from safeguarding.briefings.forms import (
    BriefingForm,
    BriefingSectionsForm,
    KindFilterForm,
    PublishForm,
    ShareForm,
)
from safeguarding.briefings.models import SECTION_MAX_LINES, Briefing
from safeguarding.briefings.pdf import PdfUnavailable, briefing_pdf, briefing_pdf_filename
from safeguarding.briefings.selectors import (
    VIEW,
    briefing_for_source,
    briefing_get_for_user,
    briefing_may_write,
    briefing_shares,
    briefing_writable_kinds,
    briefings_drafts,
    briefings_published,
)
from safeguarding.core.formpages import form_page
from safeguarding.reviews.selectors import review_get_for_user, reviews_visible_to

AREA = "learning"
PAGE_SIZE = 25

View = Callable[..., HttpResponseBase]


def writer_required(view: View) -> View:
    """The user may write some briefings (learning.manage or review.manage), else 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not briefing_writable_kinds(request.user):
            raise PermissionDenied("Your roles do not allow you to write briefings")
        return view(request, *args, **kwargs)

    return wrapped


def _detail_url(briefing: Briefing) -> str:
    return reverse("briefings:detail", args=[briefing.pk])


@require_GET
@permission_required(VIEW)
def home(request: HttpRequest) -> HttpResponse:
    filter_form = KindFilterForm(request.GET)
    kind = filter_form.cleaned_data.get("kind", "") if filter_form.is_valid() else ""
    page = Paginator(briefings_published(request.user, source_kind=kind), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    writable = briefing_writable_kinds(request.user)
    return render(
        request,
        "briefings/home.html",
        {
            "page_title": "7-minute briefings",
            "current_area": AREA,
            "filter_form": filter_form,
            "kind": kind,
            "page": page,
            "drafts": briefings_drafts(request.user) if writable else [],
            "can_write": bool(writable),
        },
    )


@require_GET
@permission_required(VIEW)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    briefing = briefing_get_for_user(request.user, pk)
    review_url = None
    if (
        briefing.source_kind == Briefing.SourceKind.CASE_REVIEW
        and reviews_visible_to(request.user).filter(code=briefing.source_ref).exists()
    ):
        review_url = reverse("reviews:detail", args=[briefing.source_ref])
    return render(
        request,
        "briefings/detail.html",
        {
            "page_title": f"7-minute briefing: {briefing.title}",
            "current_area": AREA,
            "briefing": briefing,
            "shares": briefing_shares(briefing),
            "can_write": briefing_may_write(request.user, briefing.source_kind),
            "review_url": review_url,
        },
    )


@require_GET
@permission_required(VIEW)
def pdf(request: HttpRequest, pk: int) -> HttpResponse:
    briefing = briefing_get_for_user(request.user, pk)
    try:
        content = briefing_pdf(briefing)
    except PdfUnavailable:
        return render(
            request,
            "briefings/pdf_unavailable.html",
            {"page_title": "The PDF cannot be made", "current_area": AREA, "briefing": briefing},
            status=503,
        )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{briefing_pdf_filename(briefing)}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _form_page(
    request: HttpRequest,
    *,
    form: forms.Form,
    heading: str,
    button: str,
    save: Callable[[forms.Form], str],
    done: str,
    cancel: str,
    intro: str = "",
    briefing: Briefing | None = None,
) -> HttpResponse:
    """A form page: on a valid POST call `save`; a BriefingError goes beside its field and nothing is lost."""
    context: dict[str, Any] = {
        "page_title": heading,
        "current_area": AREA,
        "heading": heading,
        "button": button,
    }
    context.update({"cancel": cancel, "intro": intro, "briefing": briefing})
    context.update({"section_names": BriefingSectionsForm.SECTION_FIELDS, "max_lines": SECTION_MAX_LINES})
    return form_page(
        request, form=form, template="briefings/form.html", context=context, save=save, done=done
    )


@require_http_methods(["GET", "POST"])
@writer_required
def create(request: HttpRequest) -> HttpResponse:
    kinds = briefing_writable_kinds(request.user)
    if request.method == "POST":
        form = BriefingForm(request.POST, kinds=kinds)
    else:
        kind = request.GET.get("source_kind", "")
        ref = request.GET.get("source_ref", "").strip().upper()
        if kind in kinds and ref:
            existing = briefing_for_source(request.user, kind, ref)
            if existing is not None:
                messages.info(request, f"There is already a briefing for {existing.source_label}")
                return redirect(_detail_url(existing))
        form = BriefingForm(
            initial={"source_kind": kind if kind in kinds else "", "source_ref": ref}, kinds=kinds
        )

    def save(form: forms.Form) -> str:
        assert isinstance(form, BriefingForm)
        data = form.cleaned_data
        if data["source_kind"] == Briefing.SourceKind.CASE_REVIEW:
            try:
                review_get_for_user(request.user, data["source_ref"])
            except Http404 as error:
                raise services.BriefingError(
                    f"There is no case review {data['source_ref']} that you can see", "source_ref"
                ) from error
        briefing = services.briefing_create(
            actor=request.user,
            source_kind=data["source_kind"],
            source_ref=data["source_ref"],
            **form.section_values(),
        )
        return _detail_url(briefing)

    return _form_page(
        request,
        form=form,
        heading="Write a 7-minute briefing",
        button="Save as a draft",
        save=save,
        done="Briefing saved as a draft",
        cancel=reverse("briefings:home"),
        intro="Seven short sections a team can read together in about seven minutes. Name the case or "
        "audit by its code, never by a person's name. Each section has a limit so the briefing prints on "
        "one page.",
    )


@require_http_methods(["GET", "POST"])
@writer_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    briefing = briefing_get_for_user(request.user, pk, for_write=True)
    initial = {name: getattr(briefing, name) for name in ("title", *BriefingSectionsForm.SECTION_FIELDS)}
    form = BriefingSectionsForm(request.POST if request.method == "POST" else None, initial=initial)

    def save(form: forms.Form) -> str:
        assert isinstance(form, BriefingSectionsForm)
        services.briefing_update(actor=request.user, briefing=briefing, **form.section_values())
        return _detail_url(briefing)

    return _form_page(
        request,
        form=form,
        heading=f"Change the briefing for {briefing.source_label}",
        button="Save changes",
        save=save,
        done="Briefing changed",
        cancel=_detail_url(briefing),
        briefing=briefing,
        intro="The briefing is already published: your changes show at once, and the earlier version is kept."
        if briefing.is_published
        else "",
    )


@require_http_methods(["GET", "POST"])
@writer_required
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    briefing = briefing_get_for_user(request.user, pk, for_write=True)
    if briefing.is_published:
        messages.info(request, f"This briefing was published on {briefing.published_on:%-d %B %Y}")
        return redirect(_detail_url(briefing))
    form = PublishForm(
        request.POST if request.method == "POST" else None, initial={"published_on": timezone.localdate()}
    )

    def save(form: forms.Form) -> str:
        services.briefing_publish(
            actor=request.user, briefing=briefing, published_on=form.cleaned_data["published_on"]
        )
        return _detail_url(briefing)

    return _form_page(
        request,
        form=form,
        heading=f"Publish the briefing for {briefing.source_label}",
        button="Publish",
        save=save,
        done="Briefing published",
        cancel=_detail_url(briefing),
        briefing=briefing,
        intro="Once published, everyone in the partnership who reads briefings can see it and download "
        "the PDF.",
    )


@require_http_methods(["GET", "POST"])
@writer_required
def share(request: HttpRequest, pk: int) -> HttpResponse:
    briefing = briefing_get_for_user(request.user, pk, for_write=True)
    form = ShareForm(request.POST if request.method == "POST" else None)

    def save(form: forms.Form) -> str:
        data = form.cleaned_data
        services.briefing_share_record(
            actor=request.user,
            briefing=briefing,
            channel=data["channel"],
            detail=data["detail"],
            shared_on=data["shared_on"],
        )
        return _detail_url(briefing) + "#shared"

    return _form_page(
        request,
        form=form,
        heading=f"Record where the briefing for {briefing.source_label} was shared",
        button="Save",
        save=save,
        done="Saved where the briefing was shared",
        cancel=_detail_url(briefing) + "#shared",
        briefing=briefing,
        intro="" if briefing.is_published else "Publish the briefing before recording where it was shared.",
    )
