"""Reading agencies, teams, people, the role catalogue and sign-in lockouts for the administration pages.

Every function that returns records takes the person asking, or is only called from a view that has
already checked the partnership-wide permission it needs (people, lockouts).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from safeguarding.access.decorators import is_two_factor_verified
from safeguarding.access.permissions import holds_partnership_wide, visible_to
from safeguarding.accounts.models import Agency, Membership, Team, User
from safeguarding.accounts.roles import PERMISSIONS, ROLES, Permission, Role, Scope


def in_force_on(day: date | None = None, prefix: str = "") -> Q:
    """Memberships whose dates cover `day` (today by default), whether or not the person or agency is active.

    Membership.objects.current() also requires an active person and agency, which is right for access
    decisions; the administration pages show a deactivated person's roles as they stand.
    """
    day = day or timezone.localdate()
    return Q(**{f"{prefix}starts_on__lte": day}) & (
        Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gt": day})
    )


# --- Agencies and teams ---------------------------------------------------------------------------------


def agencies_visible_to(user: Any, *, kind: str = "", active: bool | None = None) -> QuerySet[Agency]:
    """Agencies the user may see, with the number of people holding a current role in each."""
    today = timezone.localdate()
    agencies = visible_to(user, Agency.objects.all(), "agency.view")
    if kind:
        agencies = agencies.filter(kind=kind)
    if active is not None:
        agencies = agencies.filter(active=active)
    return agencies.annotate(
        people_count=Count(
            "memberships__user",
            filter=in_force_on(today, "memberships__") & Q(memberships__user__is_active=True),
            distinct=True,
        ),
        team_count=Count("teams", filter=Q(teams__active=True), distinct=True),
    ).order_by("name")


def agency_teams(agency: Agency) -> QuerySet[Team]:
    """The agency's teams, active first, with the number of people in each now."""
    today = timezone.localdate()
    return (
        agency.teams.annotate(
            people_count=Count(
                "memberships__user",
                filter=in_force_on(today, "memberships__") & Q(memberships__user__is_active=True),
                distinct=True,
            )
        )
        .select_related("agency")
        .order_by("-active", "name")
    )


def agency_current_memberships(agency: Agency) -> QuerySet[Membership]:
    """Roles held in the agency today by people whose accounts are active, by person."""
    return (
        Membership.objects.filter(in_force_on(), agency=agency, user__is_active=True)
        .select_related("user", "team", "agency")
        .order_by("user__full_name", "user__email", "role")
    )


def active_agencies() -> QuerySet[Agency]:
    return Agency.objects.filter(active=True).order_by("name")


def active_teams_grouped() -> list[tuple[str, list[tuple[str, str]]]]:
    """Active teams of active agencies grouped by agency name, as choices for a select with optgroups."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for team in Team.objects.filter(active=True, agency__active=True).select_related("agency"):
        groups.setdefault(team.agency.name, []).append((str(team.pk), team.name))
    return list(groups.items())


# --- People ---------------------------------------------------------------------------------------------


def people_search(
    *, query: str = "", agency_id: int | None = None, role: str = "", active: bool | None = None
) -> QuerySet[User]:
    """People matching the filters, each with `current_roles` (memberships in force today) prefetched.

    The agency and role filters match a membership in force today: "people in agency X", "people who
    are MASH managers", or both at once ("MASH managers in agency X").
    """
    people = User.objects.all()
    query = query.strip()
    if query:
        people = people.filter(Q(full_name__icontains=query) | Q(email__icontains=query))
    if active is not None:
        people = people.filter(is_active=active)
    if agency_id is not None or role:
        matching = Membership.objects.filter(in_force_on(), user=OuterRef("pk"))
        if agency_id is not None:
            matching = matching.filter(agency_id=agency_id)
        if role:
            matching = matching.filter(role=role)
        people = people.filter(Exists(matching))
    return people.prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.filter(in_force_on()).select_related("agency", "team"),
            to_attr="current_roles",
        )
    ).order_by("full_name", "email")


def person_memberships(person: User) -> list[Membership]:
    """Every membership the person has held, holds or will hold: current first, then future, then past."""
    today = timezone.localdate()
    memberships = list(person.memberships.select_related("agency", "team").order_by("-starts_on", "-pk"))

    def order(membership: Membership) -> int:
        if membership.is_current(today):
            return 0
        return 1 if membership.starts_on > today else 2

    return sorted(memberships, key=order)


# --- Who may give which roles ---------------------------------------------------------------------------

# Giving a role that reaches identifiable data (children's records, or the access log that names them) hands
# out that access, and so does taking over the account of someone who holds one; both need this permission.
GRANT_SENSITIVE = "people.grant_sensitive"


def may_grant_sensitive(actor: Any) -> bool:
    """May the actor give roles reaching identifiable data, and change the sign-in of people holding them?

    In a web session the actor must also have proved two-factor sign-in, so a stolen manager's password alone
    hands out nothing. An actor outside a request (a command run on the server) has no session to prove it in.
    """
    in_a_session = callable(getattr(actor, "is_verified", None))
    if in_a_session and not is_two_factor_verified(actor):
        return False
    return holds_partnership_wide(actor, GRANT_SENSITIVE)


def roles_actor_may_give(actor: Any) -> list[Role]:
    """The roles the actor may give, in catalogue order: all, or those that reach no identifiable data."""
    sensitive = may_grant_sensitive(actor)
    return [role for role in ROLES.values() if sensitive or not role.grants_identifiable]


def sensitive_role_givers() -> str:
    """Who may give the roles others may not, for messages: "business unit manager" (from the catalogue)."""
    givers = [role for role in ROLES.values() if role.scope_for(GRANT_SENSITIVE) == Scope.PARTNERSHIP]
    return " or ".join(role.name.lower() for role in givers) or "nobody"


def person_reaches_identifiable_data(person: User) -> bool:
    """Does the person hold, or will they hold, a role that reaches identifiable data?

    Counts every role not yet ended: one that starts later, and one held while the person or the agency is
    deactivated, because taking over such an account and then waiting (or reactivating it) hands over the
    same access as a current role.
    """
    today = timezone.localdate()
    codes = (
        person.memberships.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=today))
        .values_list("role", flat=True)
        .distinct()
    )
    return any(code in ROLES and ROLES[code].grants_identifiable for code in codes)


# --- The role catalogue ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class GrantRow:
    permission: Permission
    scope: Scope


@dataclass(frozen=True)
class RoleEntry:
    role: Role
    grants: list[GrantRow]


@dataclass(frozen=True)
class MatrixRow:
    permission: Permission
    # One cell per role, in catalogue order: the scope the role grants, or None.
    scopes: list[Scope | None]


@dataclass(frozen=True)
class MatrixArea:
    area: str
    rows: list[MatrixRow]


def role_catalogue() -> list[RoleEntry]:
    """Each role in the catalogue with its grants, in the catalogue's order of permissions."""
    permission_order = {code: index for index, code in enumerate(PERMISSIONS)}
    entries = []
    for role in ROLES.values():
        grants = sorted(role.grants, key=lambda g: permission_order[g.permission])
        entries.append(RoleEntry(role, [GrantRow(PERMISSIONS[g.permission], g.scope) for g in grants]))
    return entries


def permission_matrix() -> list[MatrixArea]:
    """Permissions (grouped by area) against roles: the scope each role grants each permission."""
    areas: dict[str, list[MatrixRow]] = {}
    for permission in PERMISSIONS.values():
        scopes = [role.scope_for(permission.code) for role in ROLES.values()]
        areas.setdefault(permission.area, []).append(MatrixRow(permission, scopes))
    return [MatrixArea(area, rows) for area, rows in areas.items()]


def catalogue_roles() -> list[Role]:
    return list(ROLES.values())


# --- Sign-in lockouts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lockout:
    """An email address and client address that django-axes refuses until the cool-off ends or an unlock."""

    username: str
    ip_address: str | None
    failures: int
    last_failure: datetime
    locked_until: datetime | None
    person_id: int | None


def current_lockouts() -> list[Lockout]:
    """Lockouts in force now, newest first.

    Mirrors how django-axes decides (AXES_LOCKOUT_PARAMETERS = username + IP address): the failures of one
    email from one address are added up over user agents, counting only attempts within the cool-off time.
    """
    cool_off: timedelta | None = get_cool_off()
    attempts = AccessAttempt.objects.all()
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    person = User.objects.filter(email__iexact=OuterRef("username")).values("pk")[:1]
    rows = (
        attempts.values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last_failure=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .annotate(person_id=Subquery(person))
        .order_by("-last_failure")
    )
    return [
        Lockout(
            username=row["username"] or "",
            ip_address=row["ip_address"],
            failures=row["failures"],
            last_failure=row["last_failure"],
            locked_until=row["last_failure"] + cool_off if cool_off is not None else None,
            person_id=row["person_id"],
        )
        for row in rows
    ]
