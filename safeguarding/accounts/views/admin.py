"""Administration pages for the business unit: agencies, teams, people, roles, lockouts.

Who may do what:
- agencies: agency.view to see (an agency lead sees their own agency), agency.change to edit details and
  teams, agency.create across the partnership to add, rename, re-code or deactivate an agency;
- people, roles held, lockouts: people.manage / lockout.manage across the partnership; roles that reach
  identifiable data, and the email address and two-factor of people who hold one, also need
  people.grant_sensitive; nobody may act on their own account here (services/people.py enforces both);
- the role catalogue: roles.view.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.core.validators import validate_ipv46_address
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safeguarding.access.decorators import permission_required
from safeguarding.access.permissions import can, get_for_user, holds, holds_partnership_wide
from safeguarding.accounts import selectors
from safeguarding.accounts.forms.admin import (
    AgencyContactForm,
    AgencyFilterForm,
    AgencyForm,
    InviteForm,
    MembershipForm,
    PersonFilterForm,
    PersonForm,
    TeamForm,
)
from safeguarding.accounts.models import Agency, Membership, Team, User
from safeguarding.accounts.roles import ROLES, Scope
from safeguarding.accounts.services import people as services
from safeguarding.accounts.services.two_factor import has_two_factor, recovery_codes_left
from safeguarding.core.forms import GovukForm

View = Callable[..., HttpResponse]
AREA = "administration"
AGENCIES_PER_PAGE = 50
PEOPLE_PER_PAGE = 50


def _actor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _page(request: HttpRequest, queryset: QuerySet[Any], per_page: int) -> Page[Any]:
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def _render(request: HttpRequest, template: str, page_title: str, **context: Any) -> HttpResponse:
    return render(
        request, f"accounts/admin/{template}", {"page_title": page_title, "current_area": AREA, **context}
    )


def _refusal(request: HttpRequest, refusal: services.AdministrationRefused) -> None:
    messages.error(request, str(refusal))


def _refused_own_account(request: HttpRequest, person: User, doing: str) -> HttpResponse | None:
    """Send someone acting on their own account back to it with the reason, before they fill in a form.

    The service refuses again when the change is made; this saves filling in a form that can't succeed.
    """
    try:
        services.refuse_own_account(actor=_actor(request), person=person, doing=doing)
    except services.AdministrationRefused as refusal:
        _refusal(request, refusal)
        return redirect("administration:person-detail", pk=person.pk)
    return None


# --- Landing page ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AdminLink:
    title: str
    href: str
    description: str


# Pages other parts of the platform provide: (URL name, permission, title, description).
_OTHER_PAGES = (
    ("accesslog:list", "accesslog.view", "Access log", "Who viewed or changed which record, and when."),
    (
        "core:calendar",
        "calendar.manage",
        "Local closure days",
        "Days the partnership's offices close, which the working-day clocks skip.",
    ),
    (
        "access:break-glass-review",
        "breakglass.review",
        "Break-glass review",
        "Records opened outside someone's usual scope, with the reason they gave.",
    ),
)


def _admin_links(user: Any) -> list[AdminLink]:
    links = []
    if holds(user, "agency.view"):
        links.append(
            AdminLink(
                "Agencies", reverse("administration:agency-list"), "Partner agencies, their teams and people."
            )
        )
    if holds_partnership_wide(user, "people.manage"):
        links.append(
            AdminLink(
                "People",
                reverse("administration:person-list"),
                "Invite people, give and end roles, reset two-factor sign-in, deactivate accounts.",
            )
        )
    if holds(user, "roles.view"):
        links.append(
            AdminLink(
                "Roles and permissions", reverse("administration:roles"), "What each role may see and do."
            )
        )
    if holds(user, "lockout.manage"):
        links.append(
            AdminLink(
                "Locked accounts",
                reverse("administration:lockout-list"),
                "Accounts locked after repeated failed sign-ins, and unlocking them.",
            )
        )
    for url_name, permission, title, description in _OTHER_PAGES:
        if not holds(user, permission):
            continue
        try:
            href = reverse(url_name)
        except NoReverseMatch:
            continue  # that part of the platform is not installed yet
        links.append(AdminLink(title, href, description))
    return links


@require_GET
@permission_required("agency.view")
def admin_home(request: HttpRequest) -> HttpResponse:
    return _render(request, "home.html", "Administration", links=_admin_links(request.user))


# --- Agencies -------------------------------------------------------------------------------------------


def _agency_for(request: HttpRequest, pk: int, *, for_write: bool = False) -> Agency:
    return get_for_user(
        request.user,
        Agency,
        pk,
        view_permission="agency.view",
        change_permission="agency.change",
        for_write=for_write,
    )


@require_GET
@permission_required("agency.view")
def agency_list(request: HttpRequest) -> HttpResponse:
    filters = AgencyFilterForm(request.GET or None)
    kind, active = "", None
    if filters.is_valid():
        kind, active = filters.cleaned_data["kind"], filters.active_filter()
    agencies = selectors.agencies_visible_to(request.user, kind=kind, active=active)
    return _render(
        request,
        "agency_list.html",
        "Agencies",
        filters=filters,
        page=_page(request, agencies, AGENCIES_PER_PAGE),
        may_create=holds_partnership_wide(request.user, "agency.create"),
    )


@require_http_methods(["GET", "POST"])
@permission_required("agency.create", partnership_wide=True)
def agency_create(request: HttpRequest) -> HttpResponse:
    form = AgencyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agency = services.agency_create(actor=_actor(request), request=request, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{agency.name} has been added.")
            return redirect("administration:agency-detail", pk=agency.pk)
    return _render(request, "agency_form.html", "Add an agency", form=form)


@require_GET
@permission_required("agency.view")
def agency_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agency = _agency_for(request, pk)
    return _render(
        request,
        "agency_detail.html",
        agency.name,
        agency=agency,
        teams=selectors.agency_teams(agency),
        page=_page(request, selectors.agency_current_memberships(agency), PEOPLE_PER_PAGE),
        may_change=can(request.user, "agency.change", agency),
        may_manage=holds_partnership_wide(request.user, "agency.create"),
        may_manage_people=holds_partnership_wide(request.user, "people.manage"),
    )


@require_http_methods(["GET", "POST"])
@permission_required("agency.change")
def agency_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agency = _agency_for(request, pk, for_write=True)
    full = holds_partnership_wide(request.user, "agency.create")
    form_class: type[GovukForm] = AgencyForm if full else AgencyContactForm
    initial = {name: getattr(agency, name) for name in form_class.base_fields}
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.agency_update(
                actor=_actor(request), agency=agency, fields=form.cleaned_data, request=request
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"{form.cleaned_data.get('name', agency.name)}'s details have been saved."
            )
            return redirect("administration:agency-detail", pk=agency.pk)
    return _render(request, "agency_form.html", f"Change {agency.name}", form=form, agency=agency, full=full)


@require_http_methods(["GET", "POST"])
@permission_required("agency.create", partnership_wide=True)
def agency_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    agency = _agency_for(request, pk)
    if request.method == "POST":
        try:
            services.agency_set_active(actor=_actor(request), agency=agency, active=False, request=request)
        except services.AdministrationRefused as refusal:
            _refusal(request, refusal)
        else:
            messages.success(request, f"{agency.name} has been deactivated.")
        return redirect("administration:agency-detail", pk=agency.pk)
    people_count = selectors.agency_current_memberships(agency).values("user").distinct().count()
    return _render(
        request,
        "agency_deactivate.html",
        f"Deactivate {agency.name}",
        agency=agency,
        people_count=people_count,
    )


@require_POST
@permission_required("agency.create", partnership_wide=True)
def agency_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    agency = _agency_for(request, pk)
    try:
        services.agency_set_active(actor=_actor(request), agency=agency, active=True, request=request)
    except services.AdministrationRefused as refusal:
        _refusal(request, refusal)
    else:
        messages.success(request, f"{agency.name} has been reactivated.")
    return redirect("administration:agency-detail", pk=agency.pk)


# --- Teams ----------------------------------------------------------------------------------------------


def _team_for(agency: Agency, team_pk: int) -> Team:
    # The agency was fetched through get_for_user, so its teams are in scope.
    return get_object_or_404(agency.teams.select_related("agency"), pk=team_pk)


@require_http_methods(["GET", "POST"])
@permission_required("agency.change")
def team_create(request: HttpRequest, pk: int) -> HttpResponse:
    agency = _agency_for(request, pk, for_write=True)
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_create(
                actor=_actor(request), agency=agency, name=form.cleaned_data["name"], request=request
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{team.name} has been added to {agency.name}.")
            return redirect("administration:agency-detail", pk=agency.pk)
    return _render(request, "team_form.html", f"Add a team to {agency.name}", form=form, agency=agency)


@require_http_methods(["GET", "POST"])
@permission_required("agency.change")
def team_edit(request: HttpRequest, pk: int, team_pk: int) -> HttpResponse:
    agency = _agency_for(request, pk, for_write=True)
    team = _team_for(agency, team_pk)
    form = TeamForm(request.POST or None, initial={"name": team.name})
    if request.method == "POST" and form.is_valid():
        try:
            services.team_rename(
                actor=_actor(request), team=team, name=form.cleaned_data["name"], request=request
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The team's name has been saved.")
            return redirect("administration:agency-detail", pk=agency.pk)
    return _render(request, "team_form.html", f"Rename {team.name}", form=form, agency=agency, team=team)


def _team_set_active(request: HttpRequest, pk: int, team_pk: int, *, active: bool) -> HttpResponse:
    agency = _agency_for(request, pk, for_write=True)
    team = _team_for(agency, team_pk)
    try:
        services.team_set_active(actor=_actor(request), team=team, active=active, request=request)
    except services.AdministrationRefused as refusal:
        _refusal(request, refusal)
    else:
        messages.success(request, f"{team.name} has been {'reactivated' if active else 'deactivated'}.")
    return redirect("administration:agency-detail", pk=agency.pk)


@require_POST
@permission_required("agency.change")
def team_deactivate(request: HttpRequest, pk: int, team_pk: int) -> HttpResponse:
    return _team_set_active(request, pk, team_pk, active=False)


@require_POST
@permission_required("agency.change")
def team_reactivate(request: HttpRequest, pk: int, team_pk: int) -> HttpResponse:
    return _team_set_active(request, pk, team_pk, active=True)


# --- People ---------------------------------------------------------------------------------------------


def _person_for(request: HttpRequest, pk: int) -> User:
    return get_for_user(request.user, User, pk, view_permission="people.manage")


@require_GET
@permission_required("people.manage", partnership_wide=True)
def person_list(request: HttpRequest) -> HttpResponse:
    filters = PersonFilterForm(request.GET or None)
    criteria: dict[str, Any] = {}
    if filters.is_valid():
        agency = filters.cleaned_data["agency"]
        criteria = {
            "query": filters.cleaned_data["q"],
            "agency_id": agency.pk if agency else None,
            "role": filters.cleaned_data["role"],
            "active": filters.active_filter(),
        }
    people = selectors.people_search(**criteria)
    return _render(
        request,
        "person_list.html",
        "People",
        filters=filters,
        page=_page(request, people, PEOPLE_PER_PAGE),
        filtered=any(value not in (None, "") for value in criteria.values()),
    )


@require_http_methods(["GET", "POST"])
@permission_required("people.manage", partnership_wide=True)
def person_invite(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST or None, givable_roles=selectors.roles_actor_may_give(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_invite(actor=_actor(request), request=request, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"{person.full_name} has been invited. We have emailed {person.email} a link to set a "
                "password.",
            )
            return redirect("administration:person-detail", pk=person.pk)
    return _render(request, "person_invite.html", "Invite a person", form=form)


@require_GET
@permission_required("people.manage", partnership_wide=True)
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_for(request, pk)
    has_authenticator = has_two_factor(person)
    is_self = person.pk == request.user.pk
    try:
        services.check_two_factor_reset_allowed(actor=_actor(request), person=person)
    except services.AdministrationRefused as refusal:
        two_factor_reset_refusal = "" if is_self else str(refusal)
    else:
        two_factor_reset_refusal = ""
    return _render(
        request,
        "person_detail.html",
        person.full_name,
        person=person,
        memberships=selectors.person_memberships(person),
        has_two_factor=has_authenticator,
        recovery_left=recovery_codes_left(person) if has_authenticator else 0,
        needs_two_factor=any(role.grants_identifiable for role in _roles_now(person)),
        invitation_pending=not person.has_usable_password(),
        is_self=is_self,
        may_reset_two_factor=not is_self and not two_factor_reset_refusal,
        two_factor_reset_refusal=two_factor_reset_refusal,
        today=timezone.localdate(),
    )


def _roles_now(person: User) -> list[Any]:
    return [ROLES[m.role] for m in person.memberships.filter(selectors.in_force_on()) if m.role in ROLES]


@require_http_methods(["GET", "POST"])
@permission_required("people.manage", partnership_wide=True)
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_for(request, pk)
    refused = _refused_own_account(request, person, "change your own details")
    if refused is not None:
        return refused
    initial = {name: getattr(person, name) for name in PersonForm.base_fields}
    email_hint = ""
    if selectors.person_reaches_identifiable_data(person) and not selectors.may_grant_sensitive(request.user):
        givers = selectors.sensitive_role_givers()
        email_hint = f"Their roles reach identifiable data, so only a {givers} can change it."
    form = PersonForm(request.POST or None, initial=initial, email_hint=email_hint)
    if request.method == "POST" and form.is_valid():
        old_email = person.email
        try:
            updated = services.person_update(
                actor=_actor(request), person=person, fields=form.cleaned_data, request=request
            )
        except ValidationError as error:
            form.add_error(None, error)
        except services.AdministrationRefused as refusal:
            _refusal(request, refusal)
            return redirect("administration:person-detail", pk=person.pk)
        else:
            if updated.email != old_email:
                messages.success(
                    request,
                    f"Their details have been saved. {updated.full_name} has been signed out everywhere, "
                    f"and we have emailed {old_email} to say the address has changed.",
                )
            else:
                messages.success(request, "Their details have been saved.")
            return redirect("administration:person-detail", pk=person.pk)
    return _render(
        request, "person_edit.html", f"Change {person.full_name}'s details", form=form, person=person
    )


@require_http_methods(["GET", "POST"])
@permission_required("people.manage", partnership_wide=True)
def person_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_for(request, pk)
    refused = _refused_own_account(request, person, "deactivate your own account")
    if refused is not None:
        return refused
    if request.method == "POST":
        try:
            services.person_deactivate(actor=_actor(request), person=person, request=request)
        except services.AdministrationRefused as refusal:
            _refusal(request, refusal)
        else:
            messages.success(
                request, f"{person.full_name}'s account has been deactivated and signed out everywhere."
            )
        return redirect("administration:person-detail", pk=person.pk)
    return _render(
        request,
        "person_confirm.html",
        f"Deactivate {person.full_name}'s account",
        person=person,
        action="deactivate",
    )


@require_POST
@permission_required("people.manage", partnership_wide=True)
def person_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_for(request, pk)
    try:
        services.person_reactivate(actor=_actor(request), person=person, request=request)
    except services.AdministrationRefused as refusal:
        _refusal(request, refusal)
    else:
        messages.success(request, f"{person.full_name}'s account has been reactivated.")
    return redirect("administration:person-detail", pk=person.pk)


@require_http_methods(["GET", "POST"])
@permission_required("people.manage", partnership_wide=True)
def person_two_factor_reset(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_for(request, pk)
    try:
        services.check_two_factor_reset_allowed(actor=_actor(request), person=person)
        if request.method == "POST":
            services.person_two_factor_reset(actor=_actor(request), person=person, request=request)
    except services.AdministrationRefused as refusal:
        _refusal(request, refusal)
        return redirect("administration:person-detail", pk=person.pk)
    if request.method == "POST":
        messages.success(
            request,
            f"{person.full_name}'s two-factor sign-in has been reset. They will set up a new "
            "authenticator app the next time they sign in.",
        )
        return redirect("administration:person-detail", pk=person.pk)
    return _render(
        request,
        "person_confirm.html",
        f"Reset {person.full_name}'s two-factor sign-in",
        person=person,
        action="two-factor-reset",
    )


@require_POST
@permission_required("people.manage", partnership_wide=True)
def person_invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_for(request, pk)
    try:
        services.person_invitation_resend(actor=_actor(request), person=person, request=request)
    except services.AdministrationRefused as refusal:
        _refusal(request, refusal)
    else:
        messages.success(request, f"We have emailed {person.email} a new link to set a password.")
    return redirect("administration:person-detail", pk=person.pk)


@require_http_methods(["GET", "POST"])
@permission_required("people.manage", partnership_wide=True)
def membership_add(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_for(request, pk)
    refused = _refused_own_account(request, person, "give yourself a role")
    if refused is not None:
        return refused
    form = MembershipForm(request.POST or None, givable_roles=selectors.roles_actor_may_give(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.membership_add(
                actor=_actor(request), person=person, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        except services.AdministrationRefused as refusal:
            _refusal(request, refusal)
            return redirect("administration:person-detail", pk=person.pk)
        else:
            messages.success(
                request,
                f"{person.full_name} is now {membership.role_definition.name} in {membership.agency.name}.",
            )
            return redirect("administration:person-detail", pk=person.pk)
    return _render(
        request, "membership_form.html", f"Give {person.full_name} a role", form=form, person=person
    )


@require_http_methods(["GET", "POST"])
@permission_required("people.manage", partnership_wide=True)
def membership_end(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    person = _person_for(request, pk)
    refused = _refused_own_account(request, person, "end your own role")
    if refused is not None:
        return refused
    # Reached through the person fetched above, so the membership is in scope.
    membership: Membership = get_object_or_404(
        person.memberships.select_related("agency", "team"), pk=membership_pk
    )
    if request.method == "POST":
        try:
            services.membership_end(actor=_actor(request), membership=membership, request=request)
        except services.AdministrationRefused as refusal:
            _refusal(request, refusal)
        else:
            messages.success(
                request,
                f"{person.full_name}'s role as {membership.role_definition.name} in {membership.agency.name} "
                "has ended.",
            )
        return redirect("administration:person-detail", pk=person.pk)
    return _render(
        request, "membership_end.html", f"End {person.full_name}'s role", person=person, membership=membership
    )


# --- Roles and permissions ------------------------------------------------------------------------------


@require_GET
@permission_required("roles.view")
def roles(request: HttpRequest) -> HttpResponse:
    return _render(
        request,
        "roles.html",
        "Roles and permissions",
        catalogue=selectors.role_catalogue(),
        roles=selectors.catalogue_roles(),
        matrix=selectors.permission_matrix(),
        scopes=list(Scope),
    )


# --- Locked accounts ------------------------------------------------------------------------------------


@require_GET
@permission_required("lockout.manage")
def lockout_list(request: HttpRequest) -> HttpResponse:
    return _render(
        request,
        "lockout_list.html",
        "Locked accounts",
        lockouts=selectors.current_lockouts(),
        failure_limit=settings.AXES_FAILURE_LIMIT,
        may_manage_people=holds_partnership_wide(request.user, "people.manage"),
    )


@require_POST
@permission_required("lockout.manage")
def lockout_unlock(request: HttpRequest) -> HttpResponse:
    username = request.POST.get("username", "").strip()
    ip_address = request.POST.get("ip_address", "").strip() or None
    try:
        if ip_address is not None:
            validate_ipv46_address(ip_address)
    except ValidationError:
        username = ""
    if not username:
        messages.error(request, "Choose an account to unlock from the list.")
        return redirect("administration:lockout-list")
    removed = services.lockout_unlock(
        actor=_actor(request), username=username, ip_address=ip_address, request=request
    )
    if removed:
        messages.success(request, f"{username} has been unlocked and can sign in again now.")
    else:
        messages.info(request, f"{username} was no longer locked.")
    return redirect("administration:lockout-list")
