"""Reads of the action tracker, always with the person asking: an agency sees only its own actions, the
business unit (and anyone else holding action.view across the partnership) sees them all.

Drift (issue 6, section 4: "drift or delay can be seen easily"):
- overdue: the due date has passed, the action is not closed and its status is not started or in progress;
- stale: the action is open, its status is not started or in progress, and nothing has been written on it
  (an update, or its creation when it has none) for settings.ACTIONS_STALE_DAYS days (default 30).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from safeguarding.access.permissions import (
    can,
    get_for_user,
    held_grants,
    holds,
    holds_partnership_wide,
    visible_to,
)
from safeguarding.accounts.models import Membership, User
from safeguarding.actions.models import Action, ActionEvidence
from safeguarding.core.attention import AttentionItem
from safeguarding.frontdoor.measures import Period, financial_year_of

VIEW = "action.view"
UPDATE = "action.update"
MANAGE = "action.manage"
OPEN_STATUSES = (Action.Status.NOT_STARTED, Action.Status.IN_PROGRESS)


def stale_days() -> int:
    return int(settings.ACTIONS_STALE_DAYS)


def actions_visible_to(user: Any) -> QuerySet[Action]:
    return visible_to(user, Action.objects.select_related("owner_agency", "owner_person"), VIEW)


def action_get_for_user(user: Any, pk: Any, *, for_write: bool = False) -> Action:
    """One action: 404 outside the person's agency, 403 when they may see it but not update it."""
    return get_for_user(
        user,
        Action.objects.select_related("owner_agency", "owner_person", "closed_by", "impact_recorded_by"),
        pk,
        view_permission=VIEW,
        change_permission=UPDATE,
        for_write=for_write,
    )


def action_get_by_reference_for_user(user: Any, reference: str, *, for_write: bool = False) -> Action:
    """One action by its reference (ACT-00012), with the same 404 and 403 rules as action_get_for_user."""
    wanted = reference.strip().upper()
    # No reference holds NUL, and PostgreSQL refuses it in a query: such a reference finds nothing.
    pk = (
        None
        if "\x00" in wanted
        else Action.objects.filter(reference=wanted).values_list("pk", flat=True).first()
    )
    return action_get_for_user(user, pk, for_write=for_write)


# The role told about an action when no one person owns it: the owner agency's safeguarding leads.
AGENCY_LEAD_ROLE = "agency_safeguarding_lead"


def action_owner_person_reachable(action: Action) -> bool:
    """Whether the action's owner person hears about it: there is one, still active, with an email."""
    person = action.owner_person
    return person is not None and person.is_active and bool(person.email)


def action_owner_emails(action: Action) -> list[str]:
    """Who hears about an action: its owner person (while active), or else the owner agency's current
    safeguarding leads. Empty when there is no one with an email address."""
    if action_owner_person_reachable(action):
        return [action.owner_person.email]  # type: ignore[union-attr]
    emails = (
        Membership.objects.current()
        .filter(agency_id=action.owner_agency_id, role=AGENCY_LEAD_ROLE)
        .values_list("user__email", flat=True)
        .distinct()
    )
    return sorted(email for email in emails if email)


def owner_candidates(agency_id: int) -> QuerySet[User]:
    """Who may own an action of an agency: its people today (active, with a current membership of it)."""
    members = Membership.objects.current().filter(agency_id=agency_id).values("user_id")
    return User.objects.filter(pk__in=members).order_by("full_name", "email")


def may_own(person: Any, agency_id: int) -> bool:
    return owner_candidates(agency_id).filter(pk=person.pk).exists()


def may_name_owner(user: Any, action: Action) -> bool:
    """Who may name (or change) the one person who owns an action: the business unit (action.manage on it),
    or the owner agency's own people who update its actions (an agency lead names a colleague). Someone
    who updates actions across the partnership from another agency (a case reviewer) may not."""
    if can(user, MANAGE, action):
        return True
    in_owner_agency = any(grant.agency_id == action.owner_agency_id for grant in held_grants(user))
    return in_owner_agency and can(user, UPDATE, action)


def _overdue_q(today: date) -> Q:
    return Q(due_date__lt=today, closed_at__isnull=True, status__in=OPEN_STATUSES)


def _stale_q(now: datetime) -> Q:
    return Q(
        last_activity_at__lt=now - timedelta(days=stale_days()),
        closed_at__isnull=True,
        status__in=OPEN_STATUSES,
    )


def with_drift(
    queryset: QuerySet[Action], *, today: date | None = None, now: datetime | None = None
) -> QuerySet[Action]:
    """Annotate last_activity_at, has_evidence, is_overdue and is_stale: one rule for filters and pages."""
    today = today or timezone.localdate()
    now = now or timezone.now()
    return queryset.annotate(
        last_activity_at=Coalesce(Max("updates__written_at"), "created_at"),
        has_evidence=Exists(ActionEvidence.objects.filter(action=OuterRef("pk"))),
    ).annotate(
        is_overdue=ExpressionWrapper(
            Case(When(_overdue_q(today), then=Value(True)), default=Value(False)),
            output_field=BooleanField(),
        ),
        is_stale=ExpressionWrapper(
            Case(When(_stale_q(now), then=Value(True)), default=Value(False)),
            output_field=BooleanField(),
        ),
    )


def overdue(queryset: QuerySet[Action], *, today: date | None = None) -> QuerySet[Action]:
    return queryset.filter(_overdue_q(today or timezone.localdate()))


def stale(queryset: QuerySet[Action], *, now: datetime | None = None) -> QuerySet[Action]:
    """Needs with_drift's last_activity_at annotation."""
    return queryset.filter(_stale_q(now or timezone.now()))


def from_source(queryset: QuerySet[Action], source_ref: str) -> QuerySet[Action]:
    """Actions from one source and everything within it: "W14" finds W14's own actions and those of its
    recommendations ("W14/R1", "W14/R2"); "W14/R2" finds that recommendation's only. Capitals or not."""
    ref = source_ref.strip()
    if "\x00" in ref:
        # No code holds NUL, and PostgreSQL refuses it in a query.
        return queryset.none()
    # Codes are written in capitals; someone typing "w14" means W14.
    return queryset.filter(Q(source_ref__iexact=ref) | Q(source_ref__istartswith=f"{ref}/"))


def awaiting_evidence(queryset: QuerySet[Action]) -> QuerySet[Action]:
    """Marked complete but not yet done with: no evidence attached, or not yet closed by the business unit."""
    has_evidence = Exists(ActionEvidence.objects.filter(action=OuterRef("pk")))
    return queryset.filter(status=Action.Status.COMPLETE).filter(~has_evidence | Q(closed_at__isnull=True))


def impact_not_recorded(queryset: QuerySet[Action]) -> QuerySet[Action]:
    """Closed as complete, but nobody has yet recorded how their impact was assured."""
    return queryset.filter(status=Action.Status.COMPLETE, closed_at__isnull=False, impact_approach="")


def completed_in_financial_year(queryset: QuerySet[Action], *, today: date | None = None) -> QuerySet[Action]:
    """Closed as complete between 1 April and 31 March of the financial year `today` falls in."""
    year = Period.financial_year(financial_year_of(today or timezone.localdate()))
    return queryset.filter(
        status=Action.Status.COMPLETE,
        closed_at__date__gte=year.first,
        closed_at__date__lte=year.last,
    )


@dataclass(frozen=True)
class TrackerFilters:
    """What the tracker is narrowed to; every field empty means all the actions the person may see."""

    agency: str = ""
    theme: str = ""
    source_kind: str = ""
    source: str = ""  # a source's code: "W14" (a review and its recommendations) or "W14/R2" (one of them)
    status: str = ""
    overdue: bool = False
    stale: bool = False
    awaiting_evidence: bool = False
    completed_this_year: bool = False
    impact_missing: bool = False

    @classmethod
    def from_query(cls, query: Any) -> TrackerFilters:
        return cls(
            agency=query.get("agency", "").strip(),
            theme=query.get("theme", "").strip(),
            source_kind=query.get("source_kind", "").strip(),
            source=query.get("source", "").strip(),
            status=query.get("status", "").strip(),
            overdue=query.get("overdue") == "1",
            stale=query.get("stale") == "1",
            awaiting_evidence=query.get("awaiting_evidence") == "1",
            completed_this_year=query.get("completed_this_year") == "1",
            impact_missing=query.get("impact_missing") == "1",
        )


def tracker(
    user: Any, filters: TrackerFilters, *, today: date | None = None, now: datetime | None = None
) -> QuerySet[Action]:
    """The actions the person may see, with drift flags, narrowed by the tracker's filters."""
    today = today or timezone.localdate()
    queryset = with_drift(actions_visible_to(user), today=today, now=now)
    if filters.agency.isdigit():
        queryset = queryset.filter(owner_agency_id=int(filters.agency))
    if filters.theme:
        # JSON "contains" is not available on SQLite; a theme code is a plain word, so match it quoted.
        queryset = queryset.filter(themes__icontains=f'"{filters.theme}"')
    if filters.source_kind:
        queryset = queryset.filter(source_kind=filters.source_kind)
    if filters.source:
        queryset = from_source(queryset, filters.source)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.overdue:
        queryset = overdue(queryset, today=today)
    if filters.stale:
        queryset = stale(queryset, now=now)
    if filters.awaiting_evidence:
        queryset = awaiting_evidence(queryset)
    if filters.completed_this_year:
        queryset = completed_in_financial_year(queryset, today=today)
    if filters.impact_missing:
        queryset = impact_not_recorded(queryset)
    return queryset


def actions_attention(user: Any) -> list[AttentionItem]:
    """Home-page items: for the business unit (action.manage across the partnership), the actions marked
    complete that wait for it to review their evidence and close them, and those closed as complete whose
    impact is not yet recorded; for an agency that updates its own actions, those overdue and those with no
    recent update."""
    tracker_url = reverse("actions:home")
    if holds_partnership_wide(user, MANAGE):
        visible = actions_visible_to(user)
        return [
            AttentionItem(
                "Completed actions to review",
                awaiting_evidence(visible).count(),
                f"{tracker_url}?awaiting_evidence=1",
                "Marked complete by their agency: review the evidence, then close them or send them back.",
            ),
            AttentionItem(
                "Closed as complete, impact not recorded",
                impact_not_recorded(visible).count(),
                f"{tracker_url}?impact_missing=1",
                "Record how each one's impact was assured, and how strong the evidence is.",
            ),
        ]
    if not holds(user, UPDATE):
        return []
    own = visible_to(user, Action.objects.all(), UPDATE)
    return [
        AttentionItem(
            "Your agency's overdue actions",
            overdue(own).count(),
            f"{tracker_url}?overdue=1",
            "Past their due date: add an update, or mark them complete with evidence.",
            overdue=True,
        ),
        AttentionItem(
            "Your agency's actions with no recent update",
            stale(with_drift(own)).count(),
            f"{tracker_url}?stale=1",
            f"Nothing written on them for {stale_days()} days.",
        ),
    ]
