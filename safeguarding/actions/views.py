"""The action tracker's pages (area "actions"): the tracker with its filters and exports, an action with
its updates and evidence, and the business unit's forms to create, close and record impact.

Views parse the request, call a selector or a service and show a service's ValidationError beside what
was typed. Access: action.view to see (an agency only its own actions: 404 for others), action.update on
the owner agency to write updates and upload evidence (403 when visible but not changeable), action.manage
to create, close, send back, reassign, move the due date and record impact. The owner person is named by
action.manage or by the owner agency's own people who hold action.update (selectors.may_name_owner).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safeguarding.access.decorators import permission_required
from safeguarding.access.permissions import can, holds
from safeguarding.accesslog.models import AccessEvent
from safeguarding.accesslog.services import access_event_record
from safeguarding.accounts.models import Agency
from safeguarding.actions import selectors, services
from safeguarding.actions.forms import (
    ActionCreateForm,
    DueDateForm,
    EvidenceForm,
    ImpactForm,
    OwnerPersonForm,
    ReassignForm,
    SendBackForm,
    UpdateForm,
)
from safeguarding.actions.models import THEMES, Action
from safeguarding.audits.permissions import VIEW as AUDIT_VIEW
from safeguarding.core.exports import streaming_csv_response, xlsx_response
from safeguarding.frontdoor.measures import Period, financial_year_of
from safeguarding.indicators.scorecard import years_with_values

AREA = "actions"
VIEW, UPDATE, MANAGE = "action.view", "action.update", "action.manage"
INDICATOR_VIEW = "indicator.view"


def _add_errors(form: forms.Form, error: ValidationError, field_map: dict[str, str] | None = None) -> None:
    """Put a service's ValidationError on the form: by field where the form has it, else on the whole form."""
    field_map = field_map or {}
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            target = field_map.get(name, name)
            for message in (m for e in errors for m in e.messages):
                form.add_error(target if target in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


# --- The tracker --------------------------------------------------------------------------------------------


def _tracker_rows(request: HttpRequest) -> tuple[selectors.TrackerFilters, list[Any]]:
    filters = selectors.TrackerFilters.from_query(request.GET)
    rows = list(selectors.tracker(request.user, filters).order_by("due_date", "reference"))
    return filters, rows


@require_GET
@permission_required(VIEW)
def tracker(request: HttpRequest) -> HttpResponse:
    filters, rows = _tracker_rows(request)
    agencies = Agency.objects.filter(
        pk__in=selectors.actions_visible_to(request.user).values("owner_agency_id")
    ).order_by("name")
    query = request.GET.urlencode()
    return render(
        request,
        "actions/tracker.html",
        {
            "page_title": "Action tracker",
            "current_area": AREA,
            "rows": rows,
            "filters": filters,
            "counts": {
                "total": len(rows),
                "overdue": sum(1 for a in rows if a.is_overdue),
                "stale": sum(1 for a in rows if a.is_stale),
                "closed": sum(1 for a in rows if a.is_closed),
            },
            "stale_days": selectors.stale_days(),
            "agencies": agencies,
            "themes": list(THEMES.items()),
            "source_kinds": Action.SourceKind.choices,
            "statuses": Action.Status.choices,
            "query": f"?{query}" if query else "",
            "may_create": holds(request.user, MANAGE),
        },
    )


EXPORT_HEADER = [
    "Reference",
    "Title",
    "Owner agency",
    "Owner",
    "Source",
    "Source reference",
    "Source label",
    "Themes",
    "Due date",
    "Status",
    "Overdue",
    "No recent update",
    "Last activity",
    "Evidence attached",
    "Closed",
    "Impact approach",
    "Impact rating",
    "Impact notes",
    "Impact indicator code",
    "Impact audit round",
]


def _export_row(action: Any) -> list[Any]:
    return [
        action.reference,
        action.title,
        action.owner_agency.name,
        action.owner_person.full_name if action.owner_person else "",
        action.get_source_kind_display(),
        action.source_ref,
        action.source_label,
        "; ".join(action.theme_labels),
        action.due_date,
        action.get_status_display(),
        action.is_overdue,
        action.is_stale,
        timezone.localtime(action.last_activity_at).date(),
        action.has_evidence,
        timezone.localtime(action.closed_at).date() if action.closed_at else None,
        action.get_impact_approach_display() if action.impact_approach else "",
        action.get_impact_rating_display() if action.impact_rating else "",
        action.impact_notes,
        action.impact_indicator_code,
        action.impact_audit_code,
    ]


@require_GET
@permission_required(VIEW)
def tracker_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The filtered tracker as a spreadsheet; every cell formula-safe (core.exports)."""
    _, rows = _tracker_rows(request)
    filename = f"actions-{date.today().isoformat()}"
    data = (_export_row(action) for action in rows)
    if fmt == "csv":
        return streaming_csv_response(filename=f"{filename}.csv", header=EXPORT_HEADER, rows=data)
    if fmt == "xlsx":
        return xlsx_response(
            filename=f"{filename}.xlsx", header=EXPORT_HEADER, rows=data, sheet_title="Actions"
        )
    raise Http404("No such export format")


# --- Creating an action -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE, partnership_wide=True)
def action_create(request: HttpRequest) -> HttpResponse:
    form = ActionCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.action_create(
                actor=request.user,
                title=data["title"],
                description=data["description"],
                source_kind=data["source_kind"],
                source_ref=data["source_ref"],
                source_label=data["source_label"],
                owner_agency=data["owner_agency"],
                due_date=data["due_date"],
                themes=data["themes"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Action {created.reference} created")
            return redirect("actions:detail", pk=created.pk)
    return render(
        request,
        "actions/create.html",
        {
            "page_title": ("Error: " if form.errors else "") + "Create an action",
            "current_area": AREA,
            "form": form,
        },
    )


# --- One action ---------------------------------------------------------------------------------------------


def _detail(
    request: HttpRequest, action: Action, *, close_errors: list[str] | None = None, **forms_: forms.Form
) -> HttpResponse:
    drift = selectors.with_drift(Action.objects.filter(pk=action.pk)).get()
    has_errors = bool(close_errors) or any(form.errors for form in forms_.values())
    may_update = not action.is_closed and can(request.user, UPDATE, action)
    may_manage = can(request.user, MANAGE, action)
    may_change_owner = may_manage and not action.is_closed
    return render(
        request,
        "actions/detail.html",
        {
            "page_title": ("Error: " if has_errors else "") + f"{action.reference}: {action.title}",
            "current_area": AREA,
            "action": action,
            "drift": drift,
            "stale_days": selectors.stale_days(),
            "updates": action.updates.select_related("written_by"),
            "evidence": action.evidence.select_related("uploaded_by"),
            "may_update": may_update,
            "may_close": may_manage and not action.is_closed,
            "may_send_back": may_manage
            and not action.is_closed
            and action.status in Action.FINISHED_STATUSES,
            "may_record_impact": may_manage and action.is_closed and action.status == Action.Status.COMPLETE,
            "may_read_audits": holds(request.user, AUDIT_VIEW),
            "indicator_link": _indicator_link(request, action),
            "may_name_owner": not action.is_closed and selectors.may_name_owner(request.user, action),
            "may_reassign": may_change_owner,
            "may_move_due_date": may_change_owner,
            "owner_form": forms_.get("owner_form")
            or OwnerPersonForm(
                prefix="owner", action=action, initial={"owner_person": action.owner_person_id}
            ),
            "reassign_form": forms_.get("reassign_form") or ReassignForm(prefix="reassign"),
            "due_date_form": forms_.get("due_date_form") or DueDateForm(prefix="due"),
            "update_form": forms_.get("update_form") or UpdateForm(prefix="update"),
            "evidence_form": forms_.get("evidence_form") or EvidenceForm(prefix="evidence"),
            "send_back_form": forms_.get("send_back_form") or SendBackForm(prefix="send_back"),
            "impact_form": forms_.get("impact_form")
            or ImpactForm(
                prefix="impact",
                initial={
                    "approach": action.impact_approach,
                    "rating": action.impact_rating,
                    "notes": action.impact_notes,
                    "indicator_code": action.impact_indicator_code,
                    "audit_code": action.impact_audit_code,
                },
            ),
            "close_errors": close_errors or [],
        },
    )


def _indicator_link(request: HttpRequest, action: Action) -> str | None:
    """The scorecard page of the indicator showing the action's impact, for people who may read the
    scorecard (indicator.view, as its pages ask): its latest year with values, else this financial year."""
    if not action.impact_indicator_code or not holds(request.user, INDICATOR_VIEW):
        return None
    years = years_with_values()
    period_key = years[0] if years else Period.financial_year(financial_year_of(timezone.localdate())).key
    try:
        return reverse("indicators:scorecard-indicator", args=[period_key, action.impact_indicator_code])
    except NoReverseMatch:  # a code recorded before codes had to be slugs: shown, not linked
        return None


def _detail_form_post(
    request: HttpRequest,
    action: Action,
    form: forms.Form,
    form_key: str,
    *,
    write: Callable[[dict[str, Any]], Any],
    done: Callable[[], str],
) -> HttpResponse:
    """One of the action page's forms posted: on success say `done()` (read after the write, so it can name
    what changed) and go back to the action; otherwise the action page again with the service's or the
    form's errors beside what was typed."""
    if form.is_valid():
        try:
            write(form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, done())
            return redirect("actions:detail", pk=action.pk)
    posted: dict[str, Any] = {form_key: form}  # the name _detail knows this form by, e.g. "owner_form"
    return _detail(request, action, **posted)


@require_GET
@permission_required(VIEW)
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.action_get_for_user(request.user, pk))


@require_POST
@permission_required(UPDATE)
def update_add(request: HttpRequest, pk: int) -> HttpResponse:
    action = selectors.action_get_for_user(request.user, pk, for_write=True)
    return _detail_form_post(
        request,
        action,
        UpdateForm(request.POST, prefix="update"),
        "update_form",
        write=lambda data: services.action_update_add(
            action=action, actor=request.user, text=data["text"], status=data["status"]
        ),
        done=lambda: "Update added",
    )


@require_POST
@permission_required(UPDATE)
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    action = selectors.action_get_for_user(request.user, pk, for_write=True)
    return _detail_form_post(
        request,
        action,
        EvidenceForm(request.POST, request.FILES, prefix="evidence"),
        "evidence_form",
        write=lambda data: services.action_evidence_add(
            action=action, actor=request.user, upload=data["file"], description=data["description"]
        ),
        done=lambda: "Evidence uploaded",
    )


@require_GET
@permission_required(VIEW)
def evidence_download(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponseBase:
    """A file of evidence, only to people who may see the action; always downloaded, never shown inline."""
    action = selectors.action_get_for_user(request.user, pk)
    evidence = get_object_or_404(action.evidence.all(), pk=evidence_pk)
    try:
        handle = default_storage.open(evidence.file.name or "", "rb")
    except FileNotFoundError as exc:
        raise Http404("The file is missing from storage") from exc
    access_event_record(
        actor=request.user,
        action=AccessEvent.Action.EXPORT,
        subject=action,
        purpose="Downloaded evidence for an action",
        details={"evidence": evidence.pk, "file": evidence.original_name},
        request=request,
    )
    response = FileResponse(
        handle, as_attachment=True, filename=evidence.original_name, content_type=evidence.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    return response


def _managed_action(request: HttpRequest, pk: int) -> Action:
    action = selectors.action_get_for_user(request.user, pk)
    if not can(request.user, MANAGE, action):
        raise PermissionDenied(
            "Only the business unit closes, sends back, reassigns and reschedules actions and records their "
            "impact"
        )
    return action


@require_POST
@permission_required(UPDATE)
def owner_person_set(request: HttpRequest, pk: int) -> HttpResponse:
    """Name the one person who owns the action: the business unit, or a lead of the owner agency."""
    action = selectors.action_get_for_user(request.user, pk)
    if not selectors.may_name_owner(request.user, action):
        raise PermissionDenied(services.NAMING_OWNER_REFUSED)
    return _detail_form_post(
        request,
        action,
        OwnerPersonForm(request.POST, prefix="owner", action=action),
        "owner_form",
        write=lambda data: services.action_owner_person_set(
            action=action, actor=request.user, person=data["owner_person"]
        ),
        done=lambda: (
            f"{action.owner_person.full_name} now owns the action" if action.owner_person else "Owner removed"
        ),
    )


@require_POST
@permission_required(MANAGE)
def reassign(request: HttpRequest, pk: int) -> HttpResponse:
    """The business unit gives the action to another agency, with a reason."""
    action = _managed_action(request, pk)
    return _detail_form_post(
        request,
        action,
        ReassignForm(request.POST, prefix="reassign"),
        "reassign_form",
        write=lambda data: services.action_reassign(
            action=action, actor=request.user, agency=data["owner_agency"], reason=data["reason"]
        ),
        done=lambda: f"Action {action.reference} reassigned to {action.owner_agency.name}",
    )


@require_POST
@permission_required(MANAGE)
def due_date_change(request: HttpRequest, pk: int) -> HttpResponse:
    """The business unit moves the due date, with a reason."""
    action = _managed_action(request, pk)
    return _detail_form_post(
        request,
        action,
        DueDateForm(request.POST, prefix="due"),
        "due_date_form",
        write=lambda data: services.action_due_date_change(
            action=action, actor=request.user, due_date=data["due_date"], reason=data["reason"]
        ),
        done=lambda: "Due date changed",
    )


@require_POST
@permission_required(MANAGE)
def action_close(request: HttpRequest, pk: int) -> HttpResponse:
    action = _managed_action(request, pk)
    try:
        services.action_close(action=action, actor=request.user)
    except ValidationError as error:
        return _detail(request, action, close_errors=error.messages)
    messages.success(request, f"Action {action.reference} closed")
    return redirect("actions:detail", pk=action.pk)


@require_POST
@permission_required(MANAGE)
def send_back(request: HttpRequest, pk: int) -> HttpResponse:
    """The business unit sends a finished action back to its owner agency: the evidence is not enough."""
    action = _managed_action(request, pk)
    return _detail_form_post(
        request,
        action,
        SendBackForm(request.POST, prefix="send_back"),
        "send_back_form",
        write=lambda data: services.action_send_back(
            action=action, actor=request.user, reason=data["reason"]
        ),
        done=lambda: f"Action {action.reference} sent back to {action.owner_agency.name}",
    )


@require_POST
@permission_required(MANAGE)
def impact_record(request: HttpRequest, pk: int) -> HttpResponse:
    action = _managed_action(request, pk)
    return _detail_form_post(
        request,
        action,
        ImpactForm(request.POST, prefix="impact"),
        "impact_form",
        write=lambda data: services.action_impact_record(action=action, actor=request.user, **data),
        done=lambda: "Impact recorded",
    )


urlpatterns = [
    path("", tracker, name="home"),
    path("export/<str:fmt>/", tracker_export, name="export"),
    path("new/", action_create, name="create"),
    path("<int:pk>/", action_detail, name="detail"),
    path("<int:pk>/updates/", update_add, name="update-add"),
    path("<int:pk>/evidence/", evidence_add, name="evidence-add"),
    path("<int:pk>/evidence/<int:evidence_pk>/", evidence_download, name="evidence-download"),
    path("<int:pk>/close/", action_close, name="close"),
    path("<int:pk>/send-back/", send_back, name="send-back"),
    path("<int:pk>/impact/", impact_record, name="impact"),
    path("<int:pk>/owner/", owner_person_set, name="owner-person"),
    path("<int:pk>/reassign/", reassign, name="reassign"),
    path("<int:pk>/due-date/", due_date_change, name="due-date"),
]
