"""The front door's pages for referrers: the landing page, the eMARF, "your referrals", and attachments.

The eMARF is a GOV.UK task list: each section is its own page (children and household members one per page),
saved to a draft as the referrer goes. "Check your answers" validates the whole referral with the schema
every channel shares, and sending it creates the contact (services/drafts.py). Views only parse, check
access, call a service and render.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safeguarding.access.decorators import permission_required, two_factor_redirect
from safeguarding.access.permissions import holds
from safeguarding.accesslog.models import AccessEvent
from safeguarding.accesslog.services import access_event_record
from safeguarding.accounts.roles import Scope
from safeguarding.children.codes import Ethnicity, Sex
from safeguarding.core.clocks import clock_due_date
from safeguarding.frontdoor.forms.emarf import (
    NOT_SURE,
    AttachmentForm,
    ChildForm,
    ConsentForm,
    DangerForm,
    HouseholdMemberForm,
    LevelForm,
    ReferrerForm,
    StartForm,
    WorryForm,
)
from safeguarding.frontdoor.models import Concern, Contact, Level, ReferralDraft
from safeguarding.frontdoor.schemas import ChildAnswers, HouseholdMemberAnswers, ReferralAnswers
from safeguarding.frontdoor.selectors.referrals import (
    contact_with_files_get_for_user,
    draft_get_for_user,
    drafts_of,
    referral_agencies_for,
    referral_get_for_user,
    referral_view_scope,
    referrals_visible_to,
    referrer_details,
    submitted_referral_get_for_user,
)
from safeguarding.frontdoor.services.attachments import (
    MAX_ATTACHMENTS,
    AttachmentRefused,
    attachment_add_to_draft,
    attachment_remove_from_draft,
)
from safeguarding.frontdoor.services.drafts import (
    REQUIRED_SECTIONS,
    SECTION_FIELDS,
    SECTION_TITLES,
    SECTIONS,
    DraftInvalid,
    DraftProblem,
    draft_delete,
    draft_item_remove,
    draft_item_save,
    draft_section_complete,
    draft_section_save,
    draft_start,
    draft_submit,
)

SUBMIT = "referral.submit"
VIEW = "referral.view"
AREA = "front-door"
PAGE_SIZE = 25
# The MASH's own pages (built alongside this module); linked from the landing page once they exist.
MASH_LINKS = (
    ("frontdoor:queue", "The MASH queue", "Open contacts, their ratings and the one working day clock."),
    ("frontdoor:measures", "Front door measures", "Timeliness, conversion, repeat contacts and more."),
)
CAPTION = "Make a referral"


# --- The landing page -----------------------------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    may_submit = holds(user, SUBMIT)
    scope = referral_view_scope(user)
    mash_links = []
    if holds(user, "contact.view"):
        for url_name, title, detail in MASH_LINKS:
            try:
                mash_links.append({"href": reverse(url_name), "title": title, "detail": detail})
            except NoReverseMatch:
                continue
    return render(
        request,
        "frontdoor/home.html",
        {
            "page_title": "Front door",
            "current_area": AREA,
            "may_submit": may_submit,
            "draft_count": drafts_of(user).count() if may_submit else 0,
            "referrals_title": _referrals_title(scope),
            "mash_links": mash_links,
            # A partner's other way in: a serious incident put forward for a case review (reviews app).
            "may_propose_review": holds(user, "review.propose"),
        },
    )


def _referrals_title(scope: Scope | None) -> str:
    if scope is None:
        return ""
    if scope == Scope.PARTNERSHIP:
        return "All referrals"
    if scope in (Scope.AGENCY, Scope.TEAM):
        return "Your agency's referrals"
    return "Your referrals"


# --- Starting, listing and deleting drafts ---------------------------------------------------------------


@permission_required(SUBMIT)
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    """What the referrer will need, their drafts (continue or delete), and starting a new referral."""
    agencies = referral_agencies_for(request.user)
    if not agencies:
        raise PermissionDenied("You do not refer for an active agency")
    form = StartForm(request.POST if request.method == "POST" else None, agencies=agencies)
    if len(agencies) == 1:
        # Nothing to ask: the one agency they refer for.
        form.fields["agency"].required = False
    if request.method == "POST":
        agency = agencies[0] if len(agencies) == 1 else (form.chosen_agency() if form.is_valid() else None)
        if agency is not None:
            draft = draft_start(actor=request.user, agency=agency, request=request)
            return redirect("frontdoor:emarf-tasks", draft.pk)
    drafts = list(drafts_of(request.user))
    return render(
        request,
        "frontdoor/emarf/start.html",
        {
            "page_title": "Make a referral" if not form.errors else "Error: Make a referral",
            "current_area": AREA,
            "form": form,
            "ask_agency": len(agencies) > 1,
            "agency": agencies[0],
            "drafts": [{"draft": draft, "children": _draft_children_names(draft)} for draft in drafts],
        },
    )


def _draft_children_names(draft: ReferralDraft) -> str:
    names = [
        _short_name(child.get("first_name", ""), child.get("last_name", ""))
        for child in _items(draft, "children")
    ]
    return ", ".join(names) if names else "No children added yet"


@permission_required(SUBMIT)
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, draft_pk: int) -> HttpResponse:
    draft = draft_get_for_user(request.user, draft_pk)
    if request.method == "POST":
        draft_delete(actor=request.user, draft=draft, request=request)
        messages.success(request, "Draft referral deleted")
        return redirect("frontdoor:emarf-start")
    return render(
        request,
        "frontdoor/emarf/delete.html",
        {
            "page_title": "Delete this draft referral?",
            "current_area": AREA,
            "draft": draft,
            "children": _draft_children_names(draft),
        },
    )


# --- The task list --------------------------------------------------------------------------------------


@dataclass
class Task:
    key: str
    title: str
    href: str
    status: str
    status_class: str = ""
    hint: str = ""


@permission_required(SUBMIT)
@require_GET
def tasks(request: HttpRequest, draft_pk: int) -> HttpResponse:
    draft = draft_get_for_user(request.user, draft_pk)
    done = set(draft.answers.get("sections_done", []))
    items = [_task(draft, section, done) for section in SECTIONS]
    completed = sum(1 for section in REQUIRED_SECTIONS if section in done)
    ready = completed == len(REQUIRED_SECTIONS)
    return render(
        request,
        "frontdoor/emarf/tasks.html",
        {
            "page_title": "Make a referral",
            "current_area": AREA,
            "draft": draft,
            "tasks": items,
            "completed": completed,
            "required": len(REQUIRED_SECTIONS),
            "ready": ready,
        },
    )


_TASK_HINTS = {
    "children": "Every child the worry is about, including unborn babies",
    "household": "Parents, carers and anyone else living with the children",
    "attachments": "Optional: up to 5 files, such as a chronology or body map",
}


def _task(draft: ReferralDraft, section: str, done: set[str]) -> Task:
    href = _section_url(draft, section)
    hint = _TASK_HINTS.get(section, "")
    if section in done:
        return Task(section, SECTION_TITLES[section], href, "Completed", hint=hint)
    started = any(draft.answers.get(name) not in (None, "", [], False) for name in SECTION_FIELDS[section])
    if section == "referrer":
        # The phone number comes prefilled from the account: not started until they confirm it.
        started = False
    if section == "attachments":
        count = len(draft.answers.get("attachments", []))
        status = f"{count} file{'s' if count != 1 else ''}" if count else "Optional"
        return Task(section, SECTION_TITLES[section], href, status, "govuk-tag--grey", hint)
    if started:
        return Task(section, SECTION_TITLES[section], href, "In progress", "govuk-tag--light-blue", hint)
    return Task(section, SECTION_TITLES[section], href, "Not yet started", "govuk-tag--blue", hint)


def _section_url(draft: ReferralDraft, section: str) -> str:
    if section == "children":
        return reverse("frontdoor:emarf-children", args=[draft.pk])
    if section == "household":
        return reverse("frontdoor:emarf-household", args=[draft.pk])
    if section == "attachments":
        return reverse("frontdoor:emarf-attachments", args=[draft.pk])
    return reverse("frontdoor:emarf-step", args=[draft.pk, section])


def _after_save(request: HttpRequest, draft: ReferralDraft) -> HttpResponseRedirect:
    """Back to "check your answers" when the change came from there, else to the task list."""
    if request.GET.get("return") == "check":
        return redirect("frontdoor:emarf-check", draft.pk)
    return redirect("frontdoor:emarf-tasks", draft.pk)


def _back_url(request: HttpRequest, draft: ReferralDraft) -> str:
    if request.GET.get("return") == "check":
        return reverse("frontdoor:emarf-check", args=[draft.pk])
    return reverse("frontdoor:emarf-tasks", args=[draft.pk])


def _page_title(title: str, form: Any) -> str:
    # GOV.UK: "Error: " starts the title of a page showing errors, so screen readers hear it first.
    return f"Error: {title}" if form is not None and form.errors else title


# --- The single-page sections ---------------------------------------------------------------------------

_STEP_FORMS: dict[str, type[Any]] = {
    "referrer": ReferrerForm,
    "worry": WorryForm,
    "level": LevelForm,
    "danger": DangerForm,
    "consent": ConsentForm,
}


@permission_required(SUBMIT)
@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, draft_pk: int, section: str) -> HttpResponse:
    form_class = _STEP_FORMS.get(section)
    if form_class is None:
        raise Http404("No such section")
    draft = draft_get_for_user(request.user, draft_pk)
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            values = {name: form.cleaned_data.get(name) for name in SECTION_FIELDS[section]}
            draft_section_save(
                actor=request.user, draft=draft, section=section, values=values, request=request
            )
            return _after_save(request, draft)
    else:
        form = form_class(initial=_step_initial(draft, section))
    context: dict[str, Any] = {
        "page_title": _page_title(SECTION_TITLES[section], form),
        "current_area": AREA,
        "draft": draft,
        "form": form,
        "caption": CAPTION,
        "back_url": _back_url(request, draft),
    }
    if section == "referrer":
        context["referrer"] = referrer_details(request.user, draft.agency)
    return render(request, f"frontdoor/emarf/step_{section}.html", context)


def _step_initial(draft: ReferralDraft, section: str) -> dict[str, Any]:
    initial = {name: draft.answers[name] for name in SECTION_FIELDS[section] if name in draft.answers}
    done = draft.answers.get("sections_done", [])
    if section == "level" and section in done and initial.get("referrer_level") is None:
        initial["referrer_level"] = NOT_SURE
    return initial


# --- The list sections: children and household members --------------------------------------------------


@dataclass(frozen=True)
class ListSection:
    key: str
    form: type[ChildForm] | type[HouseholdMemberForm]
    noun: str
    add_title: str
    list_url: str
    item_url: str
    add_url: str
    remove_url: str
    describe: Callable[[dict[str, Any]], str]


def _describe_child(child: dict[str, Any]) -> str:
    first, last = child.get("first_name", ""), child.get("last_name", "")
    return f"{first} {last}".strip() if first else f"Unborn baby {last}".strip()


def _describe_member(member: dict[str, Any]) -> str:
    return f"{member.get('name', '')} ({member.get('relationship', '')})"


CHILDREN = ListSection(
    key="children",
    form=ChildForm,
    noun="child",
    add_title="Add a child",
    list_url="frontdoor:emarf-children",
    item_url="frontdoor:emarf-child",
    add_url="frontdoor:emarf-child-add",
    remove_url="frontdoor:emarf-child-remove",
    describe=_describe_child,
)
HOUSEHOLD = ListSection(
    key="household",
    form=HouseholdMemberForm,
    noun="person",
    add_title="Add a person in the household",
    list_url="frontdoor:emarf-household",
    item_url="frontdoor:emarf-member",
    add_url="frontdoor:emarf-member-add",
    remove_url="frontdoor:emarf-member-remove",
    describe=_describe_member,
)


def max_items(section: str) -> int:
    """How many children or household members a referral may name: the schema's own limit."""
    for constraint in ReferralAnswers.model_fields[section].metadata:
        limit = getattr(constraint, "max_length", None)
        if isinstance(limit, int):
            return limit
    raise LookupError(f"ReferralAnswers.{section} has no length limit")


def _items(draft: ReferralDraft, section: str) -> list[dict[str, Any]]:
    return [item for item in draft.answers.get(section) or [] if isinstance(item, dict)]


def _list_page(request: HttpRequest, draft_pk: int, section: ListSection) -> HttpResponse:
    draft = draft_get_for_user(request.user, draft_pk)
    error = ""
    if request.method == "POST":
        if section.key == "children" and not _items(draft, "children"):
            error = "Add at least one child"
        else:
            draft_section_complete(actor=request.user, draft=draft, section=section.key, request=request)
            return _after_save(request, draft)
    items = _items(draft, section.key)
    query = "?return=check" if request.GET.get("return") == "check" else ""
    title = SECTION_TITLES[section.key]
    return render(
        request,
        f"frontdoor/emarf/{section.key}.html",
        {
            "page_title": f"Error: {title}" if error else title,
            "current_area": AREA,
            "draft": draft,
            "caption": CAPTION,
            "error": error,
            "back_url": _back_url(request, draft),
            "add_url": reverse(section.add_url, args=[draft.pk]) + query,
            "may_add": len(items) < max_items(section.key),
            "max_items": max_items(section.key),
            "items": [
                {
                    "title": section.describe(item),
                    "rows": _child_rows(item) if section.key == "children" else _member_rows(item),
                    "change_url": reverse(section.item_url, args=[draft.pk, index]) + query,
                    "remove_url": reverse(section.remove_url, args=[draft.pk, index]) + query,
                }
                for index, item in enumerate(items)
            ],
        },
    )


def _item_page(request: HttpRequest, draft_pk: int, section: ListSection, index: int | None) -> HttpResponse:
    draft = draft_get_for_user(request.user, draft_pk)
    items = _items(draft, section.key)
    if index is not None and not 0 <= index < len(items):
        raise Http404("No such entry")
    query = "?return=check" if request.GET.get("return") == "check" else ""
    if index is None and len(items) >= max_items(section.key):
        # The list page says the most has been reached; there is nothing to add here.
        return HttpResponseRedirect(reverse(section.list_url, args=[draft.pk]) + query)
    if request.method == "POST":
        form = section.form(request.POST)
        if form.is_valid():
            draft_item_save(
                actor=request.user,
                draft=draft,
                section=section.key,
                index=index,
                item=form.answers(),
                request=request,
            )
            if query:
                return redirect("frontdoor:emarf-check", draft.pk)
            return redirect(section.list_url, draft.pk)
    else:
        initial = section.form.initial_from(items[index]) if index is not None else {}
        form = section.form(initial=initial)
    title = section.add_title if index is None else f"Change the details of {section.describe(items[index])}"
    return render(
        request,
        f"frontdoor/emarf/{section.key}_item.html",
        {
            "page_title": _page_title(title, form),
            "heading": title,
            "current_area": AREA,
            "draft": draft,
            "caption": CAPTION,
            "form": form,
            "back_url": reverse(section.list_url, args=[draft.pk]) + query,
        },
    )


def _remove_page(request: HttpRequest, draft_pk: int, section: ListSection, index: int) -> HttpResponse:
    draft = draft_get_for_user(request.user, draft_pk)
    items = _items(draft, section.key)
    if not 0 <= index < len(items):
        raise Http404("No such entry")
    query = "?return=check" if request.GET.get("return") == "check" else ""
    if request.method == "POST":
        draft_item_remove(actor=request.user, draft=draft, section=section.key, index=index, request=request)
        return HttpResponseRedirect(reverse(section.list_url, args=[draft.pk]) + query)
    name = section.describe(items[index])
    return render(
        request,
        "frontdoor/emarf/remove.html",
        {
            "page_title": f"Remove {name}?",
            "current_area": AREA,
            "draft": draft,
            "caption": CAPTION,
            "name": name,
            "back_url": reverse(section.list_url, args=[draft.pk]) + query,
        },
    )


@permission_required(SUBMIT)
@require_http_methods(["GET", "POST"])
def children(request: HttpRequest, draft_pk: int) -> HttpResponse:
    return _list_page(request, draft_pk, CHILDREN)


@permission_required(SUBMIT)
@require_http_methods(["GET", "POST"])
def child_add(request: HttpRequest, draft_pk: int) -> HttpResponse:
    return _item_page(request, draft_pk, CHILDREN, None)


@permission_required(SUBMIT)
@require_http_methods(["GET", "POST"])
def child_change(request: HttpRequest, draft_pk: int, index: int) -> HttpResponse:
    return _item_page(request, draft_pk, CHILDREN, index)


@permission_required(SUBMIT)
@require_http_methods(["GET", "POST"])
def child_remove(request: HttpRequest, draft_pk: int, index: int) -> HttpResponse:
    return _remove_page(request, draft_pk, CHILDREN, index)


@permission_required(SUBMIT)
@require_http_methods(["GET", "POST"])
def household(request: HttpRequest, draft_pk: int) -> HttpResponse:
    return _list_page(request, draft_pk, HOUSEHOLD)


@permission_required(SUBMIT)
@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, draft_pk: int) -> HttpResponse:
    return _item_page(request, draft_pk, HOUSEHOLD, None)


@permission_required(SUBMIT)
@require_http_methods(["GET", "POST"])
def member_change(request: HttpRequest, draft_pk: int, index: int) -> HttpResponse:
    return _item_page(request, draft_pk, HOUSEHOLD, index)


@permission_required(SUBMIT)
@require_http_methods(["GET", "POST"])
def member_remove(request: HttpRequest, draft_pk: int, index: int) -> HttpResponse:
    return _remove_page(request, draft_pk, HOUSEHOLD, index)


# --- Files ------------------------------------------------------------------------------------------------


@permission_required(SUBMIT)
@require_http_methods(["GET", "POST"])
def attachments(request: HttpRequest, draft_pk: int) -> HttpResponse:
    """Upload files one at a time (a POST with a file), or finish the section (a POST of "continue")."""
    draft = draft_get_for_user(request.user, draft_pk)
    form = AttachmentForm()
    if request.method == "POST":
        if request.POST.get("action") == "continue":
            draft_section_complete(actor=request.user, draft=draft, section="attachments", request=request)
            return _after_save(request, draft)
        form = AttachmentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                entry = attachment_add_to_draft(
                    actor=request.user, draft=draft, upload=form.cleaned_data["file"], request=request
                )
            except AttachmentRefused as refused:
                form.add_error("file", refused.message)
            else:
                messages.success(request, f"{entry['original_name']} has been uploaded")
                return HttpResponseRedirect(request.get_full_path())
    files = draft.answers.get("attachments", [])
    query = "?return=check" if request.GET.get("return") == "check" else ""
    return render(
        request,
        "frontdoor/emarf/attachments.html",
        {
            "page_title": _page_title(SECTION_TITLES["attachments"], form),
            "current_area": AREA,
            "draft": draft,
            "caption": CAPTION,
            "form": form,
            "files": [
                {
                    **entry,
                    "size_text": _size_text(entry.get("size", 0)),
                    "remove_url": reverse("frontdoor:emarf-attachment-remove", args=[draft.pk, index])
                    + query,
                }
                for index, entry in enumerate(files)
            ],
            "may_add": len(files) < MAX_ATTACHMENTS,
            "max_files": MAX_ATTACHMENTS,
            "back_url": _back_url(request, draft),
        },
    )


@permission_required(SUBMIT)
@require_POST
def attachment_remove(request: HttpRequest, draft_pk: int, index: int) -> HttpResponse:
    draft = draft_get_for_user(request.user, draft_pk)
    files = draft.answers.get("attachments", [])
    if not 0 <= index < len(files):
        raise Http404("No such file")
    attachment_remove_from_draft(actor=request.user, draft=draft, index=index, request=request)
    messages.success(request, f"{files[index].get('original_name', 'The file')} has been removed")
    query = "?return=check" if request.GET.get("return") == "check" else ""
    return HttpResponseRedirect(reverse("frontdoor:emarf-attachments", args=[draft.pk]) + query)


def _size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f}MB"
    return f"{max(1, round(size / 1024))}KB"


# --- Check your answers, send, and the confirmation -----------------------------------------------------


@permission_required(SUBMIT)
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, draft_pk: int) -> HttpResponse:
    if request.method == "POST":
        try:
            result = draft_submit(actor=request.user, draft_id=draft_pk, request=request)
        except ReferralDraft.DoesNotExist as exc:
            raise Http404("No such draft") from exc
        except DraftInvalid as invalid:
            draft = draft_get_for_user(request.user, draft_pk)
            return _check_page(request, draft, invalid.problems)
        return redirect("frontdoor:emarf-confirmation", result.contact.pk)
    draft = draft_get_for_user(request.user, draft_pk)
    return _check_page(request, draft, None)


def _check_page(
    request: HttpRequest, draft: ReferralDraft, problems: list[DraftProblem] | None
) -> HttpResponse:
    details = referrer_details(request.user, draft.agency)
    unfinished = [
        {"title": SECTION_TITLES[section], "href": _section_url(draft, section)}
        for section in REQUIRED_SECTIONS
        if section not in draft.answers.get("sections_done", [])
    ]
    return render(
        request,
        "frontdoor/emarf/check.html",
        {
            "page_title": "Error: Check your answers" if problems else "Check your answers",
            "current_area": AREA,
            "draft": draft,
            "caption": CAPTION,
            "problems": [{"message": p.message, "href": _problem_href(draft, p)} for p in problems or []],
            "unfinished": unfinished if problems is None else [],
            "sections": referral_summary(
                draft.answers,
                referrer={
                    "name": details.name,
                    "role": details.role,
                    "email": details.email,
                    "agency": details.agency.name,
                },
                files=[
                    {"name": entry.get("original_name", ""), "href": ""}
                    for entry in draft.answers.get("attachments", [])
                ],
                change_url=lambda section, index=None: _change_url(draft, section, index),
            ),
        },
    )


def _change_url(draft: ReferralDraft, section: str, index: int | None = None) -> str:
    if index is not None:
        name = "frontdoor:emarf-child" if section == "children" else "frontdoor:emarf-member"
        return reverse(name, args=[draft.pk, index]) + "?return=check"
    return _section_url(draft, section) + "?return=check"


def _problem_href(draft: ReferralDraft, problem: DraftProblem) -> str:
    if problem.index is not None and problem.index < len(_items(draft, problem.section)):
        href = _change_url(draft, problem.section, problem.index)
    else:
        href = _change_url(draft, problem.section)
    return href + (f"#{field_anchor(problem.field)}" if problem.field else "")


def field_anchor(name: str) -> str:
    """The id an error summary links to: a date's day box, otherwise the field (or its first option)."""
    if name in ("date_of_birth", "expected_date_of_birth"):
        return f"id_{name}_0"
    return f"id_{name}"


@permission_required(SUBMIT)
@require_GET
def confirmation(request: HttpRequest, pk: int) -> HttpResponse:
    contact = submitted_referral_get_for_user(request.user, pk)
    access_event_record(
        actor=request.user,
        action=AccessEvent.Action.VIEW,
        subject=contact,
        purpose="Confirmation of a referral sent",
        request=request,
    )
    return render(
        request,
        "frontdoor/emarf/confirmation.html",
        {
            "page_title": "Referral sent",
            "current_area": AREA,
            "contact": contact,
            "decision_due": clock_due_date("referral-decision", contact.received_at),
            "may_view": holds(request.user, VIEW),
        },
    )


# --- Your referrals ---------------------------------------------------------------------------------------

_REFERRER_STATUS = {
    Contact.Status.NEW: ("Received", "govuk-tag--blue"),
    Contact.Status.IN_PROGRESS: ("Being considered", "govuk-tag--yellow"),
    # The manager's authorisation is the MASH's own step; to the referrer it is still being considered.
    Contact.Status.AWAITING_AUTHORISATION: ("Being considered", "govuk-tag--yellow"),
    Contact.Status.DECIDED: ("Decided", "govuk-tag--green"),
}


@permission_required(VIEW)
@require_GET
def referral_list(request: HttpRequest) -> HttpResponse:
    scope = referral_view_scope(request.user)
    paginator = Paginator(referrals_visible_to(request.user), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    contacts = list(page.object_list)
    access_event_record(
        actor=request.user,
        action=AccessEvent.Action.LIST,
        subject_type="frontdoor.contact",
        subject_label=_referrals_title(scope),
        details={"page": page.number, "shown": len(contacts), "references": [c.reference for c in contacts]},
        request=request,
    )
    rows = [
        {
            "contact": contact,
            "children": ", ".join(_short_name(c.first_name, c.last_name) for c in contact.children.all()),
            "status": _REFERRER_STATUS[Contact.Status(contact.status)],
            "outcome": contact.get_outcome_display() if contact.status == Contact.Status.DECIDED else "",
        }
        for contact in contacts
    ]
    return render(
        request,
        "frontdoor/emarf/referral_list.html",
        {
            "page_title": _referrals_title(scope),
            "current_area": AREA,
            "page": page,
            "rows": rows,
            "show_referrer": scope != Scope.OWN,
            "may_submit": holds(request.user, SUBMIT),
        },
    )


def _short_name(first_name: str, last_name: str) -> str:
    """First name and the initial of the last name: enough to recognise a child in a list, no more."""
    initial = f" {last_name[:1].upper()}." if last_name else ""
    return f"{first_name or 'Unborn baby'}{initial}"


@permission_required(VIEW)
@require_GET
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contact = referral_get_for_user(request.user, pk)
    access_event_record(
        actor=request.user,
        action=AccessEvent.Action.VIEW,
        subject=contact,
        purpose="Referral and its outcome, as the referrer sees it",
        request=request,
    )
    decided = contact.status == Contact.Status.DECIDED
    return render(
        request,
        "frontdoor/emarf/referral_detail.html",
        {
            "page_title": f"Referral {contact.reference}",
            "current_area": AREA,
            "contact": contact,
            "status": _REFERRER_STATUS[Contact.Status(contact.status)],
            "decided": decided,
            "decision_due": None if decided else clock_due_date("referral-decision", contact.received_at),
            "sections": referral_summary(
                _contact_answers(contact),
                referrer={
                    "name": contact.referrer_name,
                    "role": contact.referrer_role,
                    "email": contact.referrer_email,
                    "agency": contact.referrer_agency.name if contact.referrer_agency else "",
                },
                files=[
                    {
                        "name": attachment.original_name,
                        "href": reverse("frontdoor:attachment-download", args=[contact.pk, attachment.pk]),
                    }
                    for attachment in contact.attachments.all()
                ],
                change_url=None,
            ),
        },
    )


def _contact_answers(contact: Contact) -> dict[str, Any]:
    """A contact's referral in the shape of the draft's answers, so one summary serves both pages."""
    concern_order = {value: position for position, value in enumerate(Concern.values)}
    return {
        "referrer_phone": contact.referrer_phone,
        "children": [
            {name: getattr(child, name) for name in ChildAnswers.model_fields}
            for child in contact.children.all()
        ],
        "household": [
            {name: getattr(member, name) for name in HouseholdMemberAnswers.model_fields}
            for member in contact.household.all()
        ],
        "concerns": sorted(
            (c.concern for c in contact.concerns.all()), key=lambda v: concern_order.get(v, 99)
        ),
        "what_happened": contact.what_happened,
        "when_happened": contact.when_happened,
        "child_views": contact.child_views,
        "support_tried": contact.support_tried,
        "referrer_level": contact.referrer_level,
        "immediate_danger": contact.immediate_danger,
        "called_999": contact.called_999,
        "parents_aware": contact.parents_aware,
        "consent": contact.consent,
        "no_consent_reason": contact.no_consent_reason,
        "no_consent_detail": contact.no_consent_detail,
        "sections_done": list(SECTIONS),
    }


# --- Downloading an attachment ----------------------------------------------------------------------------


def _referral_or_contact_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Referrers (referral.view) and the MASH (contact.view) may download; both need two-factor sign-in."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not (holds(request.user, VIEW) or holds(request.user, "contact.view")):
            raise PermissionDenied("Your roles do not allow this")
        detour = two_factor_redirect(request)
        if detour is not None:
            return detour
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@_referral_or_contact_view
@require_GET
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponseBase:
    """A referral's file, only to people who may see the referral; always downloaded, never shown inline."""
    contact = contact_with_files_get_for_user(request.user, pk)
    attachment = get_object_or_404(contact.attachments.all(), pk=attachment_pk)
    try:
        handle = default_storage.open(attachment.file.name or "", "rb")
    except FileNotFoundError as exc:
        raise Http404("The file is missing from storage") from exc
    access_event_record(
        actor=request.user,
        action=AccessEvent.Action.EXPORT,
        subject=contact,
        purpose="Downloaded a file attached to a referral",
        details={"attachment": attachment.pk, "file": attachment.original_name},
        request=request,
    )
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    return response


# --- The summary of a referral (check your answers, and the referrer's view of a sent referral) ----------


@dataclass
class SummaryRow:
    key: str
    value: str
    href: str = ""


@dataclass
class SummaryCard:
    title: str
    rows: list[SummaryRow]
    href: str = ""


@dataclass
class SummarySection:
    key: str
    title: str
    rows: list[SummaryRow] = field(default_factory=list)
    cards: list[SummaryCard] = field(default_factory=list)
    href: str = ""
    empty: str = ""
    files: list[dict[str, str]] = field(default_factory=list)


def referral_summary(
    answers: dict[str, Any],
    *,
    referrer: dict[str, str],
    files: list[dict[str, str]],
    change_url: Callable[..., str] | None,
) -> list[SummarySection]:
    """The referral as GOV.UK summary lists, one section per task; change links when change_url is given."""

    def link(section: str, index: int | None = None) -> str:
        return change_url(section, index) if change_url is not None else ""

    children = [item for item in answers.get("children") or [] if isinstance(item, dict)]
    members = [item for item in answers.get("household") or [] if isinstance(item, dict)]
    done = set(answers.get("sections_done", []))
    level = answers.get("referrer_level")
    return [
        SummarySection(
            "referrer",
            "Referrer",
            rows=[
                SummaryRow("Name", referrer["name"]),
                SummaryRow("Role", referrer["role"] or "Not given"),
                SummaryRow("Agency", referrer["agency"]),
                SummaryRow("Email address", referrer["email"]),
                SummaryRow("Phone number", answers.get("referrer_phone") or "Not given", link("referrer")),
            ],
        ),
        SummarySection(
            "children",
            "The children",
            cards=[
                SummaryCard(_describe_child(child), _child_rows(child), link("children", index))
                for index, child in enumerate(children)
            ],
            href=link("children"),
            empty="No children added",
        ),
        SummarySection(
            "household",
            "The household",
            cards=[
                SummaryCard(_describe_member(member), _member_rows(member), link("household", index))
                for index, member in enumerate(members)
            ],
            href=link("household"),
            empty="No one added",
        ),
        SummarySection(
            "worry",
            "What you are worried about",
            rows=[
                SummaryRow(
                    "Worries",
                    "\n".join(_label(Concern, c) for c in answers.get("concerns") or []) or "Not given",
                    link("worry"),
                ),
                SummaryRow("What happened", answers.get("what_happened") or "Not given", link("worry")),
                SummaryRow("When it happened", answers.get("when_happened") or "Not given", link("worry")),
                SummaryRow(
                    "What the child has said", answers.get("child_views") or "Not given", link("worry")
                ),
                SummaryRow("Support tried", answers.get("support_tried") or "Not given", link("worry")),
            ],
        ),
        SummarySection(
            "level",
            "Level of need",
            rows=[
                SummaryRow(
                    "Level of need the referrer thinks applies",
                    _label(Level, level)
                    if level is not None
                    else ("Not sure" if "level" in done else "Not given"),
                    link("level"),
                )
            ],
        ),
        SummarySection(
            "danger",
            "Immediate danger",
            rows=[
                SummaryRow(
                    "Is a child in immediate danger?",
                    ("Yes: 999 has been called" if answers.get("called_999") else "Yes")
                    if answers.get("immediate_danger")
                    else ("No" if "danger" in done else "Not given"),
                    link("danger"),
                )
            ],
        ),
        SummarySection("consent", "Consent", rows=_consent_rows(answers, done, link("consent"))),
        SummarySection(
            "attachments", "Files", files=files, href=link("attachments"), empty="No files attached"
        ),
    ]


def _consent_rows(answers: dict[str, Any], done: set[str], href: str) -> list[SummaryRow]:
    if "consent" not in done:
        return [SummaryRow("Consent", "Not given", href)]
    rows = [
        SummaryRow(
            "Do the parents or carers know?", _label(Contact.ParentsAware, answers.get("parents_aware")), href
        ),
        SummaryRow("Do they agree to the referral?", _label(Contact.Consent, answers.get("consent")), href),
    ]
    if answers.get("no_consent_reason"):
        rows.append(
            SummaryRow("Why not", _label(Contact.NoConsentReason, answers.get("no_consent_reason")), href)
        )
    if answers.get("no_consent_detail"):
        rows.append(SummaryRow("More about why", answers["no_consent_detail"], href))
    return rows


def _child_rows(child: dict[str, Any]) -> list[SummaryRow]:
    born = _as_date(child.get("date_of_birth"))
    expected = _as_date(child.get("expected_date_of_birth"))
    rows = [SummaryRow("Name", _describe_child(child))]
    if born:
        rows.append(SummaryRow("Date of birth", _date_text(born)))
    elif expected:
        rows.append(SummaryRow("Expected date of birth", _date_text(expected)))
    rows += [
        SummaryRow("Sex", _label(Sex, child.get("sex"))),
        SummaryRow("Ethnicity", _label(Ethnicity, child.get("ethnicity"))),
        SummaryRow("Address", child.get("address") or "Not given"),
        SummaryRow("Postcode", child.get("postcode") or "Not given"),
        SummaryRow("School, nursery or other setting", child.get("school_or_setting") or "Not given"),
        SummaryRow("GP practice", child.get("gp_practice") or "Not given"),
        SummaryRow("NHS number", child.get("nhs_number") or "Not known"),
        SummaryRow("Disability or special educational needs", child.get("disability_or_sen") or "None given"),
        SummaryRow("First language", child.get("first_language") or "Not given"),
        SummaryRow("Interpreter needed", "Yes" if child.get("interpreter_needed") else "No"),
    ]
    return rows


def _member_rows(member: dict[str, Any]) -> list[SummaryRow]:
    born = _as_date(member.get("date_of_birth"))
    return [
        SummaryRow("Name", member.get("name") or ""),
        SummaryRow("Relationship to the child", member.get("relationship") or ""),
        SummaryRow("Date of birth", _date_text(born) if born else "Not given"),
        SummaryRow("Address", member.get("address") or "The child's address"),
        SummaryRow("Parental responsibility", "Yes" if member.get("parental_responsibility") else "No"),
        SummaryRow("Lives with the child", "Yes" if member.get("lives_with_child") else "No"),
    ]


def _label(choices: Any, value: Any) -> str:
    if value in (None, ""):
        return "Not given"
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _date_text(value: date) -> str:
    return f"{value.day} {value:%B %Y}"
