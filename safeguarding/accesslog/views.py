"""The access log's pages, for the business unit manager and the independent scrutineer.

Who viewed this record (filter by record type and number), what did this person view (the per-person
page), filters by date, agency and action, and a CSV export. Reading the log is itself logged: each page
shown is a LIST event and each export an EXPORT event, with the filters used.

The log names the records people opened (a child's name can be a record's label), so its permissions are
identifiable ones (accounts/roles.py) and permission_required asks for two-factor sign-in first.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from safeguarding.access.decorators import permission_required
from safeguarding.access.permissions import holds
from safeguarding.accesslog.forms import AccessLogFilterForm, user_number_in_range
from safeguarding.accesslog.models import AccessEvent
from safeguarding.accesslog.selectors import EventFilters, access_events_filtered, actor_frozen_name
from safeguarding.accesslog.services import access_event_record
from safeguarding.core.exports import streaming_csv_response

PAGE_SIZE = 50
EXPORT_CHUNK_SIZE = 2000
# What LIST and EXPORT events of the log itself name as their subject.
LOG_SUBJECT_TYPE = "accesslog.accessevent"
LOG_SUBJECT_LABEL = "Access log"


@permission_required("accesslog.view")
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    return _list_page(request, actor_id=None)


@permission_required("accesslog.view")
@require_GET
def person_events(request: HttpRequest, user_id: int) -> HttpResponse:
    """What did this person view and do: the log filtered to one person as the actor."""
    if not user_number_in_range(user_id):
        raise Http404("No person has that user number")
    return _list_page(request, actor_id=user_id)


@permission_required("accesslog.export")
@require_GET
def export(request: HttpRequest) -> HttpResponseBase:
    form = AccessLogFilterForm(request.GET)
    if not form.is_valid():
        # The list shows the same form with its errors.
        return redirect(f"{reverse('accesslog:list')}?{request.GET.urlencode()}")
    filters = form.filters()
    # The export is the log as it stood when asked for: the EXPORT event written below is not in it.
    newest_id = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    events = access_events_filtered(filters).filter(id__lte=newest_id)
    row_count = events.count()
    access_event_record(
        actor=request.user,
        action=AccessEvent.Action.EXPORT,
        subject_type=LOG_SUBJECT_TYPE,
        subject_label=LOG_SUBJECT_LABEL,
        details={"filters": filters.as_details(), "rows": row_count, "format": "csv"},
        request=request,
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return streaming_csv_response(
        filename=f"access-log-{stamp}.csv", header=EXPORT_HEADER, rows=_export_rows(events)
    )


EXPORT_HEADER = [
    "Event",
    "When",
    "Action",
    "Person",
    "Email",
    "User number",
    "Roles at the time",
    "Agencies at the time",
    "Record type",
    "Record number",
    "Record",
    "Purpose or reason",
    "Details",
    "IP address",
    "Request id",
    "Previous hash",
    "Hash",
]


def _export_rows(events: Any) -> Iterator[list[Any]]:
    for event in events.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        yield [
            event.pk,
            timezone.localtime(event.occurred_at),
            event.get_action_display(),
            event.actor_name,
            event.actor_email,
            event.actor_id,
            event.actor_roles,
            event.actor_agencies,
            event.subject_type,
            event.subject_id,
            event.subject_label,
            event.purpose,
            event.details or "",
            event.ip_address,
            event.request_id,
            event.prev_hash,
            event.hash,
        ]


def _list_page(request: HttpRequest, *, actor_id: int | None) -> HttpResponse:
    form = AccessLogFilterForm(request.GET or None, with_actor=actor_id is None)
    if form.is_bound and not form.is_valid():
        return _render(request, form=form, actor_id=actor_id, page=None, filters=None)
    filters = form.filters(actor_id=actor_id) if form.is_bound else EventFilters(actor_id=actor_id)
    paginator = Paginator(access_events_filtered(filters), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    access_event_record(
        actor=request.user,
        action=AccessEvent.Action.LIST,
        subject_type=LOG_SUBJECT_TYPE,
        subject_label=LOG_SUBJECT_LABEL,
        details={"filters": filters.as_details(), "page": page.number, "shown": len(page.object_list)},
        request=request,
    )
    return _render(request, form=form, actor_id=actor_id, page=page, filters=filters)


def _render(
    request: HttpRequest,
    *,
    form: AccessLogFilterForm,
    actor_id: int | None,
    page: Any,
    filters: EventFilters | None,
) -> HttpResponse:
    export_query = request.GET.copy()
    export_query.pop("page", None)
    if actor_id is not None:
        export_query["actor"] = str(actor_id)
    if actor_id is not None:
        person = actor_frozen_name(actor_id) or f"User {actor_id}"
        title = f"What {person} viewed and did"
        form_action = reverse("accesslog:person", args=[actor_id])
    elif filters is not None and filters.subject_type and filters.subject_id:
        title = f"Who viewed or changed {filters.subject_type} {filters.subject_id}"
        form_action = reverse("accesslog:list")
    else:
        title = "Access log"
        form_action = reverse("accesslog:list")
    context = {
        "page_title": f"Error: {title}" if form.errors else title,
        "heading": title,
        "current_area": "administration",
        "form": form,
        "form_action": form_action,
        "page": page,
        "filtered": bool(filters and filters.as_details()),
        "person_id": actor_id,
        "can_export": holds(request.user, "accesslog.export"),
        "export_url": f"{reverse('accesslog:export')}?{export_query.urlencode()}",
    }
    return render(request, "accesslog/list.html", context)
