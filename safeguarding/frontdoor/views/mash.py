"""The MASH's pages: record a contact that arrived by phone, email or police notification; the queue; one
contact with the MASH's work on it (rating, children matched, agency checks); the decision and its
authorisation.

Every page showing a contact writes a VIEW event to the access log (the queue a LIST event, the child match a
SEARCH event). Every change goes through frontdoor/services/mash.py with the contact's version the person saw:
when someone else changed the contact meanwhile, the page is shown again (409) with what they did, and with
everything the person typed kept in the form.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.forms.utils import ErrorDict
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safeguarding.access.decorators import permission_required
from safeguarding.access.permissions import can, get_for_user, holds
from safeguarding.accesslog.models import AccessEvent
from safeguarding.accesslog.services import access_event_record
from safeguarding.children.models import Child
from safeguarding.children.selectors import (
    child_match_candidates,
    children_involvement_since,
)
from safeguarding.frontdoor.forms_mash import (
    AgencyCheckAnswerForm,
    AgencyCheckRequestForm,
    AssignForm,
    AuthoriseForm,
    ChildForm,
    ChildLinkForm,
    ClaimForm,
    ContactRecordForm,
    DecisionForm,
    HouseholdMemberForm,
    QueueFilterForm,
    RagForm,
    SendBackForm,
    referral_answers,
    with_current_version,
)
from safeguarding.frontdoor.models import AgencyCheck, Contact, ContactChild
from safeguarding.frontdoor.selectors.mash import (
    contact_agency_checks,
    contact_changes_since,
    contact_children,
    contact_clock,
    contact_for_mash,
    contact_work_log,
    mash_queue,
    mash_recently_decided,
    other_contacts_about,
    queue_rows,
    repeat_contacts_since,
)
from safeguarding.frontdoor.services import mash as services
from safeguarding.frontdoor.services.referrals import Referrer

PAGE_SIZE = 25
AREA = "front-door"
# The "Add another" buttons of the contact form go up to the schema's limits.
MAX_CHILDREN = 12
MAX_HOUSEHOLD = 20


def _render(
    request: HttpRequest, template: str, title: str, *, status: int = 200, **context: Any
) -> HttpResponse:
    has_errors = bool(context.get("error_links")) or any(
        isinstance(value, forms.BaseForm) and value.is_bound and value.errors for value in context.values()
    )
    context.update(
        {"page_title": f"Error: {title}" if has_errors else title, "heading": title, "current_area": AREA}
    )
    return render(request, f"frontdoor/mash/{template}", context, status=status)


def _log_view(request: HttpRequest, contact: Contact, purpose: str) -> None:
    access_event_record(
        actor=request.user, action=AccessEvent.Action.VIEW, subject=contact, purpose=purpose, request=request
    )


def error_links(*forms: Any) -> list[tuple[str, str]]:
    """The error summary for a page with several forms: one link per error, to the field (or the form)."""
    links: list[tuple[str, str]] = []
    for form in forms:
        if form is None or not form.is_bound:
            continue
        for error in form.non_field_errors():
            links.append((f"#{form.prefix or 'main'}-form", str(error)))
        for field in form:
            for error in field.errors:
                links.append((f"#{field.auto_id}", str(error)))
    return links


# --- The queue ----------------------------------------------------------------------------------------------


@require_GET
@permission_required("contact.view")
def queue(request: HttpRequest) -> HttpResponse:
    return _queue_page(request, decided=False)


@require_GET
@permission_required("contact.view")
def queue_decided(request: HttpRequest) -> HttpResponse:
    return _queue_page(request, decided=True)


def _queue_page(request: HttpRequest, *, decided: bool) -> HttpResponse:
    form = QueueFilterForm(request.GET or None)
    filters = form.queue_filters()
    now = timezone.now()
    contacts = (
        mash_recently_decided(request.user, filters, now=now)
        if decided
        else mash_queue(request.user, filters, now=now)
    )
    page = Paginator(contacts, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = queue_rows(page.object_list, now=now)
    access_event_record(
        actor=request.user,
        action=AccessEvent.Action.LIST,
        subject_type=Contact._meta.label_lower,
        subject_label="MASH queue (decided in the last week)" if decided else "MASH queue",
        details={
            "filters": filters.as_details(),
            "page": page.number,
            "shown": [row.contact.pk for row in rows],
        },
        request=request,
    )
    title = "Decided in the last week" if decided else "MASH queue"
    return _render(
        request,
        "queue.html",
        title,
        form=form,
        page=page,
        rows=rows,
        decided=decided,
        filtered=bool(filters.as_details()),
        can_work=holds(request.user, "contact.work"),
        form_action=reverse("frontdoor:queue-decided" if decided else "frontdoor:queue"),
    )


# --- Recording a contact ------------------------------------------------------------------------------------


def _count(request: HttpRequest, name: str, default: int, most: int) -> int:
    try:
        return max(default, min(most, int(request.POST.get(name, default))))
    except (TypeError, ValueError):
        return default


@require_http_methods(["GET", "POST"])
@permission_required("contact.work")
def contact_record(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _record_page(request, ContactRecordForm(), [ChildForm(prefix="child-0", required=True)], [])
    children_count = _count(request, "children_count", 1, MAX_CHILDREN)
    household_count = _count(request, "household_count", 0, MAX_HOUSEHOLD)
    if "add_child" in request.POST:
        children_count = min(MAX_CHILDREN, children_count + 1)
    if "add_member" in request.POST:
        household_count = min(MAX_HOUSEHOLD, household_count + 1)
    main = ContactRecordForm(request.POST)
    children = [ChildForm(request.POST, prefix=f"child-{n}", required=n == 0) for n in range(children_count)]
    household = [HouseholdMemberForm(request.POST, prefix=f"member-{n}") for n in range(household_count)]
    if "add_child" in request.POST or "add_member" in request.POST:
        # Adding a section is not sending the form: show it again, with nothing marked as an error.
        return _record_page(
            request, _unchecked(main), [_unchecked(f) for f in children], [_unchecked(f) for f in household]
        )
    all_valid = all([main.is_valid(), *(f.is_valid() for f in children), *(f.is_valid() for f in household)])
    answers = referral_answers(main, children, household) if all_valid else None
    if answers is not None:
        data = main.cleaned_data
        try:
            contact = services.contact_record(
                actor=request.user,
                referrer=Referrer(
                    name=data["referrer_name"],
                    role=data.get("referrer_role", ""),
                    email=data.get("referrer_email", ""),
                    agency=main.agency,
                ),
                answers=answers,
                channel=data["channel"],
                source=data["source"],
                received_at=data["received_at"],
                dash_risk=data.get("dash_risk", ""),
                request=request,
            )
        except services.WorkRefused as refused:
            _refusal_on_field(main, str(refused))
        else:
            messages.success(request, f"Contact {contact.reference} recorded")
            return redirect("frontdoor:mash-contact", pk=contact.pk)
    return _record_page(request, main, children, household)


def _unchecked(form: Any) -> Any:
    """A bound form shown again without its errors (the person has not sent it yet)."""
    # A bound form only validates when its errors are first read; giving it none skips that.
    form._errors = ErrorDict()
    form.cleaned_data = {}
    return form


def _refusal_on_field(form: ContactRecordForm, message: str) -> None:
    if "DASH" in message:
        form.add_error("dash_risk", message)
    elif "received" in message:
        form.add_error("received_date", message)
    elif "arrived" in message:
        form.add_error("channel", message)
    else:
        form.add_error(None, message)


def _record_page(
    request: HttpRequest,
    main: ContactRecordForm,
    children: list[ChildForm],
    household: list[HouseholdMemberForm],
) -> HttpResponse:
    sent = request.method == "POST" and "add_child" not in request.POST and "add_member" not in request.POST
    links = error_links(main, *children, *household) if sent else []
    return _render(
        request,
        "contact_record.html",
        "Record a contact",
        main=main,
        children=children,
        household=household,
        error_links=links,
        can_add_child=len(children) < MAX_CHILDREN,
        can_add_member=len(household) < MAX_HOUSEHOLD,
    )


# --- One contact --------------------------------------------------------------------------------------------


@require_GET
@permission_required("contact.view")
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contact = contact_for_mash(request.user, pk)
    return _detail_page(request, contact)


def _detail_page(
    request: HttpRequest,
    contact: Contact,
    *,
    status: int = 200,
    conflict_seen: int | None = None,
    **bound_forms: Any,
) -> HttpResponse:
    user = request.user
    children = contact_children(contact)
    matched_ids = [link.child_id for link in children if link.child_id is not None]
    since = repeat_contacts_since(contact)
    other_contacts = other_contacts_about(user, contact, matched_ids)
    involvement = children_involvement_since(user, matched_ids, since)
    child_rows = [
        {
            "link": link,
            "other_contacts": other_contacts.get(link.child_id or 0, []),
            "repeat": any(
                other.received_at < contact.received_at
                for other in other_contacts.get(link.child_id or 0, [])
            ),
            "involvement": involvement.get(link.child_id or 0),
        }
        for link in children
    ]
    _log_view(request, contact, "MASH contact page")
    for link in children:
        if link.child is not None:
            access_event_record(
                actor=user,
                action=AccessEvent.Action.VIEW,
                subject=link.child,
                purpose=f"Matched child shown on MASH contact {contact.reference}",
                request=request,
            )
    can_work = can(user, "contact.work", contact)
    can_decide = can(user, "contact.decide", contact)
    initial = {"version": contact.version}
    forms = {
        "claim_form": ClaimForm(initial=initial),
        "assign_form": AssignForm(initial={**initial, "assignee": contact.assigned_to_id}),
        "rag_form": RagForm(initial={**initial, "rag": contact.rag}),
        "authorise_form": AuthoriseForm(initial=initial),
        **bound_forms,
    }
    changes = contact_changes_since(contact, conflict_seen) if conflict_seen is not None else None
    return _render(
        request,
        "contact_detail.html",
        f"Contact {contact.reference}",
        status=status,
        contact=contact,
        clock=contact_clock(contact),
        child_rows=child_rows,
        household=list(contact.household.all()),
        concerns=list(contact.concerns.all()),
        attachments=list(contact.attachments.all()),
        checks=[
            {"check": check, "overdue": check.answered_at is None and check.due_at < timezone.now()}
            for check in contact_agency_checks(contact)
        ],
        work_log=contact_work_log(contact),
        repeat_since=since,
        can_work=can_work and contact.is_open,
        can_decide=can_decide,
        can_record_answers=can_work,
        awaiting=contact.status == Contact.Status.AWAITING_AUTHORISATION,
        conflict_changes=changes,
        error_links=error_links(*(form for form in bound_forms.values())),
        **forms,
    )


def _changed_form_data(request: HttpRequest, contact: Contact) -> Any:
    return with_current_version(request.POST, contact.version)


def _contact_for_work(request: HttpRequest, pk: int, permission: str = "contact.work") -> Contact:
    return contact_for_mash(request.user, pk, for_write=True, permission=permission)


@require_POST
@permission_required("contact.work")
def contact_claim(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _contact_for_work(request, pk)
    form = ClaimForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, contact, status=400, claim_form=form)
    try:
        services.contact_claim(
            actor=request.user, contact=contact, seen_version=form.cleaned_data["version"], request=request
        )
    except services.Conflict as conflict:
        return _conflict_on_detail(request, pk, conflict)
    except services.WorkRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"You are now working on contact {contact.reference}")
    return redirect("frontdoor:mash-contact", pk=pk)


def _conflict_on_detail(
    request: HttpRequest, pk: int, conflict: services.Conflict, **forms: Any
) -> HttpResponse:
    contact = contact_for_mash(request.user, pk)
    kept = {name: type(form)(_changed_form_data(request, contact)) for name, form in forms.items()}
    for form in kept.values():
        form.is_valid()
    return _detail_page(request, contact, status=409, conflict_seen=conflict.seen_version, **kept)


def _detail_form_action(
    request: HttpRequest,
    pk: int,
    *,
    form_class: type[Any],
    form_name: str,
    error_field: str,
    act: Callable[[Contact, dict[str, Any]], Any],
    success: Callable[[Contact, dict[str, Any]], str],
) -> HttpResponse:
    """A small change posted from the contact page: validate, call the service, and answer a conflict or a
    refusal on the same page with the person's input kept."""
    contact = _contact_for_work(request, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        return _detail_page(request, contact, status=400, **{form_name: form})
    try:
        act(contact, form.cleaned_data)
    except services.Conflict as conflict:
        return _conflict_on_detail(request, pk, conflict, **{form_name: form})
    except services.WorkRefused as refused:
        form.add_error(error_field, str(refused))
        return _detail_page(request, contact, status=400, **{form_name: form})
    messages.success(request, success(contact, form.cleaned_data))
    return redirect("frontdoor:mash-contact", pk=pk)


def _page_form_post(
    request: HttpRequest,
    pk: int,
    contact: Contact,
    *,
    form: Any,
    rebuild: Callable[[Any], Any],
    page: Callable[..., HttpResponse],
    act: Callable[[dict[str, Any]], str],
    done: str,
) -> HttpResponse:
    """A form on its own page, posted: call the service (``act`` returns the success message) and go back to
    ``done``. If someone changed the contact since the page was opened, show the page again (409) over the
    contact as it is now, with what the person typed kept and what changed listed; if the service refuses,
    say why above the form (400)."""
    if form.is_valid():
        try:
            message = act(form.cleaned_data)
        except services.Conflict as conflict:
            current = contact_for_mash(request.user, pk)
            kept = rebuild(_changed_form_data(request, current))
            kept.is_valid()
            return page(current, kept, status=409, conflict_seen=conflict.seen_version)
        except services.WorkRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, message)
            return redirect(done)
    return page(contact, form, status=400)


@require_POST
@permission_required("contact.work")
def contact_assign(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_form_action(
        request,
        pk,
        form_class=AssignForm,
        form_name="assign_form",
        error_field="assignee",
        act=lambda contact, data: services.contact_assign(
            actor=request.user,
            contact=contact,
            assignee=data["assignee"],
            seen_version=data["version"],
            request=request,
        ),
        success=lambda contact, data: f"Contact {contact.reference} assigned to {data['assignee'].full_name}",
    )


@require_POST
@permission_required("contact.work")
def contact_rate(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_form_action(
        request,
        pk,
        form_class=RagForm,
        form_name="rag_form",
        error_field="rag",
        act=lambda contact, data: services.contact_rate(
            actor=request.user,
            contact=contact,
            rag=data["rag"],
            seen_version=data["version"],
            request=request,
        ),
        success=lambda contact, data: "RAG rating saved",
    )


# --- Matching children --------------------------------------------------------------------------------------


def _contact_child(contact: Contact, child_pk: int) -> ContactChild:
    link = contact.children.select_related("child").filter(pk=child_pk).first()
    if link is None:
        raise Http404("No such child on this contact")
    return link


@require_GET
@permission_required("contact.work")
def child_match(request: HttpRequest, pk: int, child_pk: int) -> HttpResponse:
    contact = _contact_for_work(request, pk)
    return _match_page(request, contact, _contact_child(contact, child_pk))


def _match_page(
    request: HttpRequest,
    contact: Contact,
    link: ContactChild,
    *,
    status: int = 200,
    conflict_seen: int | None = None,
    refusal: str = "",
) -> HttpResponse:
    candidates = child_match_candidates(
        request.user,
        first_name=link.first_name,
        last_name=link.last_name,
        date_of_birth=link.date_of_birth,
        postcode=link.postcode,
        nhs_number=link.nhs_number,
    )
    access_event_record(
        actor=request.user,
        action=AccessEvent.Action.SEARCH,
        subject=contact,
        purpose=f"Matching a child named in contact {contact.reference} to child records",
        details={"contact_child": link.pk, "candidates": [match.child.pk for match in candidates]},
        request=request,
    )
    changes = contact_changes_since(contact, conflict_seen) if conflict_seen is not None else None
    return _render(
        request,
        "child_match.html",
        f"Match {link}",
        status=status,
        contact=contact,
        link=link,
        candidates=candidates,
        version=contact.version,
        conflict_changes=changes,
        refusal=refusal,
        can_create=holds(request.user, "child.change") and contact.is_open,
    )


@require_POST
@permission_required("contact.work")
def child_link(request: HttpRequest, pk: int, child_pk: int) -> HttpResponse:
    contact = _contact_for_work(request, pk)
    link = _contact_child(contact, child_pk)
    form = ChildLinkForm(request.POST)
    if not form.is_valid():
        return _match_page(request, contact, link, status=400, refusal="Select a child record to link")
    child = get_for_user(request.user, Child, form.cleaned_data["child"], view_permission="child.view")
    try:
        services.contact_child_link(
            actor=request.user,
            contact_child=link,
            child=child,
            seen_version=form.cleaned_data["version"],
            request=request,
        )
    except services.Conflict as conflict:
        return _match_again(request, pk, child_pk, conflict)
    except services.WorkRefused as refused:
        return _match_page(request, contact, link, status=400, refusal=str(refused))
    messages.success(request, f"{link} matched to the record of {child.display_name}")
    return redirect("frontdoor:mash-contact", pk=pk)


def _match_again(request: HttpRequest, pk: int, child_pk: int, conflict: services.Conflict) -> HttpResponse:
    contact = contact_for_mash(request.user, pk)
    return _match_page(
        request, contact, _contact_child(contact, child_pk), status=409, conflict_seen=conflict.seen_version
    )


@require_POST
@permission_required("child.change")
def child_create(request: HttpRequest, pk: int, child_pk: int) -> HttpResponse:
    contact = _contact_for_work(request, pk)
    link = _contact_child(contact, child_pk)
    form = ClaimForm(request.POST)
    if not form.is_valid():
        return _match_page(request, contact, link, status=400, refusal="The page was out of date: try again")
    try:
        services.contact_child_create_record(
            actor=request.user, contact_child=link, seen_version=form.cleaned_data["version"], request=request
        )
    except services.Conflict as conflict:
        return _match_again(request, pk, child_pk, conflict)
    except services.WorkRefused as refused:
        return _match_page(request, contact, link, status=400, refusal=str(refused))
    messages.success(request, f"A new child record was created for {link}")
    return redirect("frontdoor:mash-contact", pk=pk)


# --- Agency checks ------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required("contact.work")
def check_request(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _contact_for_work(request, pk)
    default_due = services.agency_check_default_due(contact)
    if request.method != "POST":
        form = AgencyCheckRequestForm(initial={"version": contact.version}, default_due=default_due)
        return _check_request_page(request, contact, form)

    def act(data: dict[str, Any]) -> str:
        services.agency_check_request(
            actor=request.user,
            contact=contact,
            agency=data["agency"],
            question=data["question"],
            due_at=data["due_at"],
            seen_version=data["version"],
            request=request,
        )
        return f"Check requested from {data['agency'].name}"

    return _page_form_post(
        request,
        pk,
        contact,
        form=AgencyCheckRequestForm(request.POST, default_due=default_due),
        rebuild=lambda data: AgencyCheckRequestForm(data, default_due=default_due),
        page=lambda shown, form, **state: _check_request_page(request, shown, form, **state),
        act=act,
        done=f"{reverse('frontdoor:mash-contact', args=[pk])}#agency-checks",
    )


def _check_request_page(
    request: HttpRequest,
    contact: Contact,
    form: AgencyCheckRequestForm,
    *,
    status: int = 200,
    conflict_seen: int | None = None,
) -> HttpResponse:
    _log_view(request, contact, "MASH agency check request page")
    return _render(
        request,
        "check_request.html",
        "Ask an agency for a check",
        status=status,
        contact=contact,
        form=form,
        conflict_changes=contact_changes_since(contact, conflict_seen) if conflict_seen is not None else None,
    )


def _agency_check(contact: Contact, check_pk: int) -> AgencyCheck:
    check = contact.agency_checks.select_related("agency", "requested_by").filter(pk=check_pk).first()
    if check is None:
        raise Http404("No such agency check on this contact")
    return check


@require_http_methods(["GET", "POST"])
@permission_required("contact.work")
def check_answer(request: HttpRequest, pk: int, check_pk: int) -> HttpResponse:
    contact = contact_for_mash(request.user, pk, for_write=True)
    check = _agency_check(contact, check_pk)
    if request.method != "POST":
        form = AgencyCheckAnswerForm(initial={"version": contact.version})
        return _check_answer_page(request, contact, check, form)

    def act(data: dict[str, Any]) -> str:
        services.agency_check_answer(
            actor=request.user,
            check=check,
            answer=data["answer"],
            answered_by_name=data["answered_by_name"],
            answered_at=data["answered_at"],
            seen_version=data["version"],
            request=request,
        )
        return f"{check.agency.name}'s answer recorded"

    return _page_form_post(
        request,
        pk,
        contact,
        form=AgencyCheckAnswerForm(request.POST),
        rebuild=AgencyCheckAnswerForm,
        page=lambda shown, form, **state: _check_answer_page(
            request, shown, _agency_check(shown, check_pk), form, **state
        ),
        act=act,
        done=f"{reverse('frontdoor:mash-contact', args=[pk])}#agency-checks",
    )


def _check_answer_page(
    request: HttpRequest,
    contact: Contact,
    check: AgencyCheck,
    form: AgencyCheckAnswerForm,
    *,
    status: int = 200,
    conflict_seen: int | None = None,
) -> HttpResponse:
    _log_view(request, contact, "MASH agency check answer page")
    return _render(
        request,
        "check_answer.html",
        f"Record {check.agency.name}'s answer",
        status=status,
        contact=contact,
        check=check,
        form=form,
        conflict_changes=contact_changes_since(contact, conflict_seen) if conflict_seen is not None else None,
    )


# --- The decision -------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required("contact.work")
def decision(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _contact_for_work(request, pk)
    received_on = timezone.localdate(contact.received_at)
    if request.method != "POST":
        initial = {"version": contact.version, "rationale": contact.rationale, "feedback": contact.feedback}
        form = DecisionForm(initial=initial, received_on=received_on)
        return _decision_page(request, contact, form)
    form = DecisionForm(request.POST, received_on=received_on)

    def act(data: dict[str, Any]) -> str:
        recorded = services.decision_record(
            actor=request.user,
            contact=contact,
            decision=form.decision(),
            seen_version=data["version"],
            request=request,
        )
        if recorded.status == Contact.Status.DECIDED:
            return f"Decision recorded: {recorded.get_outcome_display()}"
        return "Decision sent to a MASH manager to authorise"

    return _page_form_post(
        request,
        pk,
        contact,
        form=form,
        rebuild=lambda data: DecisionForm(data, received_on=received_on),
        page=lambda shown, form, **state: _decision_page(request, shown, form, **state),
        act=act,
        done=reverse("frontdoor:mash-contact", args=[pk]),
    )


def _decision_page(
    request: HttpRequest,
    contact: Contact,
    form: DecisionForm,
    *,
    status: int = 200,
    conflict_seen: int | None = None,
) -> HttpResponse:
    _log_view(request, contact, "MASH decision page")
    children = contact_children(contact)
    return _render(
        request,
        "decision.html",
        "Record the decision",
        status=status,
        contact=contact,
        form=form,
        unmatched=[link for link in children if link.child_id is None],
        may_authorise=can(request.user, "contact.decide", contact),
        conflict_changes=contact_changes_since(contact, conflict_seen) if conflict_seen is not None else None,
        # A decision cannot be recorded on a decided contact, or over one waiting for a manager.
        closed=contact.status in (Contact.Status.DECIDED, Contact.Status.AWAITING_AUTHORISATION),
    )


@require_POST
@permission_required("contact.decide")
def decision_authorise(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _contact_for_work(request, pk, permission="contact.decide")
    form = AuthoriseForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, contact, status=400, authorise_form=form)
    try:
        contact = services.decision_authorise(
            actor=request.user, contact=contact, seen_version=form.cleaned_data["version"], request=request
        )
    except services.Conflict as conflict:
        return _conflict_on_detail(request, pk, conflict)
    except services.WorkRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"Decision authorised: {contact.get_outcome_display()}")
    return redirect("frontdoor:mash-contact", pk=pk)


@require_http_methods(["GET", "POST"])
@permission_required("contact.decide")
def decision_send_back(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _contact_for_work(request, pk, permission="contact.decide")
    if contact.status != Contact.Status.AWAITING_AUTHORISATION and request.method != "POST":
        messages.error(request, "There is no decision on this contact waiting for authorisation")
        return redirect("frontdoor:mash-contact", pk=pk)
    if request.method != "POST":
        return _send_back_page(request, contact, SendBackForm(initial={"version": contact.version}))

    def act(data: dict[str, Any]) -> str:
        services.decision_send_back(
            actor=request.user,
            contact=contact,
            reason=data["reason"],
            seen_version=data["version"],
            request=request,
        )
        return "Decision sent back to the practitioner"

    return _page_form_post(
        request,
        pk,
        contact,
        form=SendBackForm(request.POST),
        rebuild=SendBackForm,
        page=lambda shown, form, **state: _send_back_page(request, shown, form, **state),
        act=act,
        done=reverse("frontdoor:mash-contact", args=[pk]),
    )


def _send_back_page(
    request: HttpRequest,
    contact: Contact,
    form: SendBackForm,
    *,
    status: int = 200,
    conflict_seen: int | None = None,
) -> HttpResponse:
    _log_view(request, contact, "MASH send back page")
    return _render(
        request,
        "send_back.html",
        "Send the decision back",
        status=status,
        contact=contact,
        form=form,
        conflict_changes=contact_changes_since(contact, conflict_seen) if conflict_seen is not None else None,
    )
