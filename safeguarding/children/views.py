"""The children's records: finding a child, the child's page, and the forms that correct the child's
identity and add and correct the episodes of the child's journey.

For MASH and social-care roles (child.view to read, child.change to add or correct), with two-factor sign-in
like every page of identifiable data. A child outside the person's scope is a 404 (with the break-glass offer
where their role allows it). Every page writes to the access log: a search a SEARCH with its terms and the
children it showed, the child's page a VIEW of the child, a form a VIEW of the record it corrects; the
services log each change.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from safeguarding.access.decorators import permission_required
from safeguarding.access.permissions import can
from safeguarding.accesslog.models import AccessEvent
from safeguarding.accesslog.services import access_event_record
from safeguarding.children import services
from safeguarding.children.codes import Disability
from safeguarding.children.forms import ChildIdentityForm, ChildSearchForm
from safeguarding.children.kinds import KINDS, TOP_LEVEL, Kind
from safeguarding.children.models import Child
from safeguarding.children.selectors import (
    child_get_for_user,
    child_journey,
    child_open_clocks,
    child_timeline,
    children_search,
)

AREA = "children"
PAGE_SIZE = 25


def _render(
    request: HttpRequest, template: str, title: str, *, status: int = 200, **context: Any
) -> HttpResponse:
    has_errors = any(
        isinstance(value, forms.BaseForm) and value.is_bound and value.errors for value in context.values()
    )
    context.update(
        {"page_title": f"Error: {title}" if has_errors else title, "heading": title, "current_area": AREA}
    )
    return render(request, f"children/{template}", context, status=status)


@require_GET
@permission_required("child.view")
def children_home(request: HttpRequest) -> HttpResponse:
    """The Children area's landing page: search the children's records.

    Nothing is listed until the person searches: a list of every child would show far more identifiable
    data than anyone needs to find one. Each search is logged with its terms and the children it showed.
    """
    form = ChildSearchForm(request.GET or None)
    page = None
    if form.is_bound and form.is_valid():
        search = form.search()
        page = Paginator(children_search(request.user, search), PAGE_SIZE).get_page(request.GET.get("page"))
        access_event_record(
            actor=request.user,
            action=AccessEvent.Action.SEARCH,
            subject_type=Child._meta.label_lower,
            subject_label="Children's records search",
            purpose="Finding a child's record",
            details={
                "terms": search.as_details(),
                "page": page.number,
                "found": page.paginator.count,
                "shown": [child.pk for child in page.object_list],
            },
            request=request,
        )
    return _render(
        request,
        "children_home.html",
        "Children",
        form=form,
        page=page,
        may_import_census=can(request.user, "census.import"),
    )


@require_GET
@permission_required("child.view")
def child_detail(request: HttpRequest, pk: int) -> HttpResponse:
    child = child_get_for_user(request.user, pk)
    journey = child_journey(request.user, child)
    access_event_record(
        actor=request.user,
        action=AccessEvent.Action.VIEW,
        subject=child,
        purpose="Child's page: identity, timeline and open clocks",
        request=request,
    )
    disabilities = dict(Disability.choices)
    return _render(
        request,
        "child_detail.html",
        child.display_name,
        child=child,
        journey=journey,
        timeline=child_timeline(journey),
        clocks=child_open_clocks(journey),
        disabilities=[disabilities.get(code, code) for code in child.disabilities or []],
        age=child.age_on(timezone.localdate()),
        can_change=can(request.user, "child.change", child),
        add_kinds=[KINDS[slug] for slug in TOP_LEVEL],
    )


@require_http_methods(["GET", "POST"])
@permission_required("child.change")
def child_identity(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct who the child is: names, census identifiers, dates, characteristics, address."""
    child = child_get_for_user(request.user, pk, for_write=True)
    if request.method == "GET":
        access_event_record(
            actor=request.user,
            action=AccessEvent.Action.VIEW,
            subject=child,
            purpose="Opened the child's identity to correct it",
            request=request,
        )
    form = ChildIdentityForm(request.POST or None, instance=child, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.child_identity_correct(
                actor=request.user, child=form.instance, request=request
            )
        except services.JourneyRefused as refused:
            form.add_problems(refused.problems)
        else:
            if changed:
                messages.success(request, "The child's identity was corrected")
            else:
                messages.info(request, "Nothing was changed")
            return redirect(reverse("children:child", args=[child.pk]) + "#identity")
    # The heading names the child as the record stands, not as the refused form would have it.
    shown = child_get_for_user(request.user, pk) if form.is_bound else child
    return _render(request, "identity_form.html", "Correct the child's identity", child=shown, form=form)


def _kind(slug: str) -> Kind:
    kind = KINDS.get(slug)
    if kind is None:
        raise Http404("No such kind of record")
    return kind


def _parent(kind: Kind, child: Child, parent_pk: int | None) -> models.Model:
    """The record a new one hangs from: the child, or the child's own record of the parent kind."""
    if kind.parent is None:
        if parent_pk is not None:
            raise Http404("This kind of record belongs to the child itself")
        return child
    if parent_pk is None:
        raise Http404("Say which record this belongs to")
    parent_kind = KINDS[kind.parent]
    found = parent_kind.model._default_manager.filter(pk=parent_pk, **{parent_kind.child_path: child}).first()
    if found is None:
        raise Http404("No such record for this child")
    return found


@require_http_methods(["GET", "POST"])
@permission_required("child.change")
def record_add(request: HttpRequest, pk: int, kind: str, parent_pk: int | None = None) -> HttpResponse:
    child = child_get_for_user(request.user, pk, for_write=True)
    record_kind = _kind(kind)
    parent = _parent(record_kind, child, parent_pk)
    record = record_kind.model(**{record_kind.parent_field: parent})
    return _form_page(request, child, record_kind, record, parent=parent, adding=True)


@require_http_methods(["GET", "POST"])
@permission_required("child.change")
def record_change(request: HttpRequest, pk: int, kind: str, record_pk: int) -> HttpResponse:
    child = child_get_for_user(request.user, pk, for_write=True)
    record_kind = _kind(kind)
    record = record_kind.model._default_manager.filter(
        pk=record_pk, **{record_kind.child_path: child}
    ).first()
    if record is None:
        raise Http404("No such record for this child")
    if request.method == "GET":
        access_event_record(
            actor=request.user,
            action=AccessEvent.Action.VIEW,
            subject=record,
            purpose=f"Opened the {record_kind.noun} to correct it",
            details={"child": child.pk},
            request=request,
        )
    parent = getattr(record, record_kind.parent_field)
    return _form_page(request, child, record_kind, record, parent=parent, adding=False)


def _form_page(
    request: HttpRequest, child: Child, kind: Kind, record: models.Model, *, parent: Any, adding: bool
) -> HttpResponse:
    form = kind.form(request.POST or None, instance=record)
    if request.method == "POST" and form.is_valid():
        try:
            services.journey_record_save(
                actor=request.user, record=form.instance, child=child, request=request
            )
        except services.JourneyRefused as refused:
            form.add_problems(refused.problems)
        else:
            verb = "added" if adding else "corrected"
            messages.success(request, f"The {kind.noun} was {verb}")
            return redirect(reverse("children:child", args=[child.pk]) + "#timeline")
    title = f"Add {kind.article} {kind.noun}" if adding else f"Correct the {kind.noun}"
    return _render(
        request,
        "record_form.html",
        title,
        child=child,
        kind=kind,
        form=form,
        parent_label=None if parent is child else getattr(parent, "label", str(parent)),
        adding=adding,
    )
