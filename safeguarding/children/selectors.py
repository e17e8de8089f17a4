"""Reading children: candidate matches for a child named in a contact, their recent involvement, and one
child's journey (episodes, timeline, open clocks) for the child's page.

Every function takes the person asking and reads only the children their roles reach (child.view); the
journey functions take a child already read through `child_get_for_user`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from safeguarding.access.permissions import get_for_user, visible_to
from safeguarding.children.models import (
    Assessment,
    Child,
    ChildProtectionPlan,
    CINPlan,
    CINReferral,
    CPReview,
    EarlyHelpRequest,
    EarlyHelpReview,
    ExploitationScreening,
    LookedAfterPeriod,
    MissingEpisode,
    Placement,
    Section47,
)
from safeguarding.core.calendar import current_calendar
from safeguarding.core.clocks import Clock, ClockOutOfRange, DeadlineStatus, clock_get, deadline_status

# More candidates than this are not a match list but a crowd: the practitioner narrows by the details.
MATCH_LIMIT = 20

SAME_NHS_NUMBER = "Same NHS number"
SAME_NAME_AND_BIRTH = "Same name and date of birth"
SAME_SURNAME_AND_POSTCODE = "Same surname and postcode"
# Listed first to last: an NHS number identifies one person; a name with a birth date nearly does.
_REASON_WEIGHT = {SAME_NHS_NUMBER: 3, SAME_NAME_AND_BIRTH: 2, SAME_SURNAME_AND_POSTCODE: 1}


def children_visible_to(user: Any) -> QuerySet[Child]:
    return visible_to(user, Child.objects.all(), "child.view")


@dataclass(frozen=True)
class ChildMatch:
    """An existing child who may be the child named in a contact, and why they were suggested."""

    child: Child
    reasons: tuple[str, ...]

    @property
    def strength(self) -> int:
        return sum(_REASON_WEIGHT[reason] for reason in self.reasons)


def postcode_forms(postcode: str) -> list[str]:
    """A postcode with and without its space ("WS1 1TP", "WS11TP"): both are stored, so both are searched."""
    compact = postcode.replace(" ", "").upper()
    if len(compact) < 5:
        return [compact] if compact else []
    return [f"{compact[:-3]} {compact[-3:]}", compact]


def child_match_candidates(
    user: Any,
    *,
    first_name: str = "",
    last_name: str = "",
    date_of_birth: date | None = None,
    postcode: str = "",
    nhs_number: str = "",
    limit: int = MATCH_LIMIT,
) -> list[ChildMatch]:
    """Children who may be the one described, strongest first, each with the reasons it was suggested.

    A child is suggested for the same NHS number (exact), the same first name, surname and date of birth
    (ignoring case), or the same surname and postcode (ignoring case and the postcode's space).
    """
    first, last = first_name.strip(), last_name.strip()
    nhs = nhs_number.replace(" ", "")
    postcodes = postcode_forms(postcode)
    conditions = Q(pk__in=[])
    if nhs:
        conditions |= Q(nhs_number=nhs)
    if first and last and date_of_birth is not None:
        conditions |= Q(first_name__iexact=first, last_name__iexact=last, date_of_birth=date_of_birth)
    if last and postcodes:
        conditions |= Q(last_name__iexact=last, postcode__in=postcodes)
    if conditions == Q(pk__in=[]):
        return []
    matches = []
    for child in children_visible_to(user).filter(conditions).order_by("last_name", "first_name", "pk")[:200]:
        reasons = []
        if nhs and child.nhs_number == nhs:
            reasons.append(SAME_NHS_NUMBER)
        if (
            first
            and date_of_birth is not None
            and child.first_name.casefold() == first.casefold()
            and child.last_name.casefold() == last.casefold()
            and child.date_of_birth == date_of_birth
        ):
            reasons.append(SAME_NAME_AND_BIRTH)
        if (
            postcodes
            and child.last_name.casefold() == last.casefold()
            and child.postcode.upper() in postcodes
        ):
            reasons.append(SAME_SURNAME_AND_POSTCODE)
        if reasons:
            matches.append(ChildMatch(child, tuple(reasons)))
    matches.sort(key=lambda match: -match.strength)
    return matches[:limit]


@dataclass
class Involvement:
    """A child's referrals to social care and early help requests since a date (newest first)."""

    cin_referrals: list[CINReferral] = field(default_factory=list)
    early_help_requests: list[EarlyHelpRequest] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.cin_referrals or self.early_help_requests)


def children_involvement_since(user: Any, child_ids: Iterable[int], since: date) -> dict[int, Involvement]:
    """Open involvement of each child: CIN referrals and early help requests on or after `since`."""
    ids = list(
        visible_to(user, Child.objects.filter(pk__in=list(child_ids)), "child.view").values_list(
            "pk", flat=True
        )
    )
    found: dict[int, Involvement] = defaultdict(Involvement)
    if not ids:
        return found
    for referral in CINReferral.objects.filter(child_id__in=ids, referral_date__gte=since).order_by(
        "-referral_date", "-pk"
    ):
        found[referral.child_id].cin_referrals.append(referral)
    for request in EarlyHelpRequest.objects.filter(child_id__in=ids, requested_on__gte=since).order_by(
        "-requested_on", "-pk"
    ):
        found[request.child_id].early_help_requests.append(request)
    return found


def children_by_id(user: Any, child_ids: Iterable[int]) -> dict[int, Child]:
    return {child.pk: child for child in children_visible_to(user).filter(pk__in=list(child_ids))}


# --- Finding a child ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChildSearch:
    """What a person searched the children's records for; empty terms are not searched on."""

    name: str = ""
    date_of_birth: date | None = None
    postcode: str = ""
    nhs_number: str = ""
    la_child_id: str = ""

    def as_details(self) -> dict[str, str]:
        """The terms given, for the access log: who searched for whom is part of the record."""
        terms = {
            "name": self.name,
            "date_of_birth": self.date_of_birth.isoformat() if self.date_of_birth else "",
            "postcode": self.postcode,
            "nhs_number": self.nhs_number,
            "la_child_id": self.la_child_id,
        }
        return {key: value for key, value in terms.items() if value}


def children_search(user: Any, search: ChildSearch) -> QuerySet[Child]:
    """The children the person may see who fit every term given (`children_matching`), by name then date
    of birth."""
    return (
        children_visible_to(user)
        .filter(children_matching(search))
        .order_by("last_name", "first_name", "date_of_birth", "pk")
    )


def children_matching(search: ChildSearch) -> Q:
    """The condition a child fits when it matches every term given (no terms: every child).

    - name: each word appears in the first name, last name or "known as" (ignoring case), so "amy test"
      finds Amy Testchild and a double-barrelled surname is found by either part;
    - date of birth: the date of birth, or the expected date of an unborn baby;
    - postcode: the whole postcode with or without its space, or the start of one ("WS1" for the district);
    - NHS number and LA child ID: exactly (ignoring spaces, and the case of the LA child ID).
    """
    conditions = Q()
    for word in search.name.split():
        conditions &= (
            Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(known_as__icontains=word)
        )
    if search.date_of_birth is not None:
        conditions &= Q(date_of_birth=search.date_of_birth) | Q(expected_date_of_birth=search.date_of_birth)
    if search.postcode:
        compact = search.postcode.replace(" ", "").upper()
        if len(compact) >= 5:
            conditions &= Q(postcode__in=postcode_forms(compact))
        else:
            conditions &= Q(postcode__istartswith=compact)
    if search.nhs_number:
        conditions &= Q(nhs_number=search.nhs_number.replace(" ", ""))
    if search.la_child_id:
        conditions &= Q(la_child_id__iexact=search.la_child_id.strip())
    return conditions


def child_holding_la_child_id(la_child_id: str, *, other_than: int | None) -> Child | None:
    """The child (any, in scope or not) whose record holds this LA child ID, other than the one given.

    For the uniqueness check only: the ID is unique across the partnership, so the check reads every record;
    callers name the holder only to someone who may see them (children_visible_to).
    """
    if not la_child_id:
        return None
    holders = Child.objects.filter(la_child_id=la_child_id)
    if other_than is not None:
        holders = holders.exclude(pk=other_than)
    return holders.order_by("pk").first()


# --- One child's journey ------------------------------------------------------------------------------------


def child_get_for_user(user: Any, pk: Any, *, for_write: bool = False) -> Child:
    """One child for the child's page: 404 when out of the person's scope, 403 when they may see but not
    change (for_write asks for child.change)."""
    return get_for_user(
        user,
        Child.objects.all(),
        pk,
        view_permission="child.view",
        change_permission="child.change",
        for_write=for_write,
    )


@dataclass
class Journey:
    """Everything recorded about a child's journey, read in a fixed number of queries."""

    child: Child
    cin_episodes: list[CINReferral]
    early_help: list[EarlyHelpRequest]
    looked_after: list[LookedAfterPeriod]
    missing: list[MissingEpisode]
    screenings: list[ExploitationScreening]
    contacts: list[Any]  # frontdoor Contact rows the person may see, newest first


def child_journey(user: Any, child: Child) -> Journey:
    """The child's episodes, each with its parts, and the front door contacts about the child the person
    may see (contact.view), newest first. The child must already have been read through child_get_for_user.
    """
    cin = list(
        child.cin_referrals.order_by("-referral_date", "-pk").prefetch_related(
            Prefetch("assessments", Assessment.objects.order_by("-start_date", "-pk")),
            Prefetch("cin_plans", CINPlan.objects.order_by("-start_date", "-pk")),
            Prefetch("section47s", Section47.objects.order_by("-start_date", "-pk")),
            Prefetch(
                "cp_plans",
                ChildProtectionPlan.objects.order_by("-start_date", "-pk").prefetch_related(
                    Prefetch("reviews", CPReview.objects.order_by("-review_date", "-pk"))
                ),
            ),
        )
    )
    early_help = list(
        child.early_help_requests.order_by("-requested_on", "-pk").prefetch_related(
            Prefetch("reviews", EarlyHelpReview.objects.order_by("-review_date", "-pk"))
        )
    )
    looked_after = list(
        child.looked_after_periods.order_by("-start_date", "-pk").prefetch_related(
            Prefetch("placements", Placement.objects.order_by("-start_date", "-pk"))
        )
    )
    return Journey(
        child=child,
        cin_episodes=cin,
        early_help=early_help,
        looked_after=looked_after,
        missing=list(child.missing_episodes.order_by("-started_at", "-pk")),
        screenings=list(child.exploitation_screenings.order_by("-screening_date", "-pk")),
        contacts=_contacts_about(user, child),
    )


def _contacts_about(user: Any, child: Child) -> list[Any]:
    # The front door sits upstream of children (DESIGN: frontdoor -> children), so reading its contacts here
    # is a read-only import, done late so the children app still loads without it.
    from safeguarding.frontdoor.models import Contact

    return list(
        visible_to(user, Contact.objects.filter(children__child=child), "contact.view")
        .distinct()
        .order_by("-received_at", "-pk")
    )


@dataclass(frozen=True)
class TimelineEntry:
    """One line of the child's timeline: something that happened on a day, newest first."""

    on: date
    kind: str  # a slug of children.kinds (or "contact" for a front door contact)
    title: str
    detail: str = ""
    record: Any = None
    # A bigger number sorts first on the same day: a plan's end comes after the plan's conference, etc.
    order: int = 0


def child_timeline(journey: Journey) -> list[TimelineEntry]:
    """Every contact and every dated event of every episode, newest first."""
    entries: list[TimelineEntry] = []
    add = entries.append
    for contact in journey.contacts:
        outcome = contact.get_outcome_display() if contact.outcome else contact.get_status_display()
        add(
            TimelineEntry(
                timezone.localdate(contact.received_at),
                "contact",
                f"Contact {contact.reference}",
                f"{contact.get_source_display()}: {outcome}",
                contact,
            )
        )
    for episode in journey.cin_episodes:
        _cin_entries(episode, add)
    for help_episode in journey.early_help:
        add(TimelineEntry(help_episode.requested_on, "early-help", "Early help requested", "", help_episode))
        for when, title in (
            (help_episode.assessment_start_date, "Early help assessment started"),
            (help_episode.assessment_completion_date, "Early help assessment completed"),
            (help_episode.plan_start_date, "Early help plan started"),
        ):
            if when is not None:
                add(TimelineEntry(when, "early-help", title, "", help_episode, 1))
        for review in help_episode.reviews.all():
            add(TimelineEntry(review.review_date, "early-help-review", "Early help review", "", review, 2))
        if help_episode.closure_date is not None:
            reason = help_episode.get_closure_reason_display()
            add(
                TimelineEntry(
                    help_episode.closure_date, "early-help", "Early help closed", reason, help_episode, 3
                )
            )
    for period in journey.looked_after:
        add(
            TimelineEntry(
                period.start_date,
                "looked-after",
                "Became looked after",
                period.get_legal_status_display(),
                period,
            )
        )
        for placement in period.placements.all():
            add(
                TimelineEntry(
                    placement.start_date,
                    "placement",
                    "Placement",
                    placement.get_placement_type_display(),
                    placement,
                    1,
                )
            )
        if period.end_date is not None:
            add(TimelineEntry(period.end_date, "looked-after", "Stopped being looked after", "", period, 2))
    for missing in journey.missing:
        add(TimelineEntry(timezone.localdate(missing.started_at), "missing", "Went missing", "", missing))
        if missing.returned_at is not None:
            add(TimelineEntry(timezone.localdate(missing.returned_at), "missing", "Returned", "", missing, 1))
        if missing.rhc_held_date is not None:
            add(
                TimelineEntry(
                    missing.rhc_held_date, "missing", "Return home conversation held", "", missing, 2
                )
            )
    for screening in journey.screenings:
        add(
            TimelineEntry(
                screening.screening_date,
                "exploitation",
                f"Exploitation screening: {screening.get_exploitation_type_display().lower()}",
                screening.get_risk_level_display(),
                screening,
            )
        )
    entries.sort(key=lambda entry: (entry.on, entry.order), reverse=True)
    return entries


def _cin_entries(episode: CINReferral, add: Any) -> None:
    add(
        TimelineEntry(
            episode.referral_date,
            "cin-episode",
            "Referral to children's social care",
            f"{episode.source}: {episode.get_source_display()}"
            + (" (no further action)" if episode.nfa else ""),
            episode,
        )
    )
    for assessment in episode.assessments.all():
        add(TimelineEntry(assessment.start_date, "assessment", "Assessment started", "", assessment, 1))
        if assessment.authorisation_date is not None:
            add(
                TimelineEntry(
                    assessment.authorisation_date, "assessment", "Assessment authorised", "", assessment, 2
                )
            )
    for cin_plan in episode.cin_plans.all():
        add(TimelineEntry(cin_plan.start_date, "cin-plan", "Child in need plan started", "", cin_plan, 3))
        if cin_plan.end_date is not None:
            add(TimelineEntry(cin_plan.end_date, "cin-plan", "Child in need plan ended", "", cin_plan, 4))
    for enquiry in episode.section47s.all():
        if enquiry.strategy_discussion_date and enquiry.strategy_discussion_date != enquiry.start_date:
            add(
                TimelineEntry(
                    enquiry.strategy_discussion_date, "section-47", "Strategy discussion", "", enquiry, 1
                )
            )
        add(TimelineEntry(enquiry.start_date, "section-47", "Section 47 enquiry started", "", enquiry, 2))
        if enquiry.icpc_date is not None:
            add(
                TimelineEntry(
                    enquiry.icpc_date, "section-47", "Initial child protection conference", "", enquiry, 3
                )
            )
        elif enquiry.icpc_not_required:
            add(
                TimelineEntry(
                    enquiry.start_date, "section-47", "No initial conference required", "", enquiry, 3
                )
            )
    if episode.icpc_date is not None:
        add(
            TimelineEntry(
                episode.icpc_date, "cin-episode", "Initial child protection conference", "", episode, 3
            )
        )
    for plan in episode.cp_plans.all():
        add(
            TimelineEntry(
                plan.start_date,
                "cp-plan",
                "Child protection plan started",
                plan.get_initial_category_display(),
                plan,
                4,
            )
        )
        for review in plan.reviews.all():
            add(
                TimelineEntry(
                    review.review_date, "cp-review", "Child protection review conference", "", review, 5
                )
            )
        if plan.end_date is not None:
            add(TimelineEntry(plan.end_date, "cp-plan", "Child protection plan ended", "", plan, 6))
    if episode.closure_date is not None:
        reason = episode.get_closure_reason_display() if episode.closure_reason else ""
        add(TimelineEntry(episode.closure_date, "cin-episode", "CIN episode closed", reason, episode, 7))


# --- Open clocks --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenClock:
    """A statutory deadline still running for the child, and how it stands."""

    clock: Clock
    started: date | datetime
    status: DeadlineStatus
    what: str
    record: Any

    @property
    def overdue(self) -> bool:
        return self.status.overdue


ASSESSMENT_CLOCK = "assessment"
ICPC_CLOCK = "icpc"
CP_FIRST_REVIEW_CLOCK = "cp-first-review"
CP_REVIEW_CLOCK = "cp-review"
RETURN_HOME_CLOCK = "return-home-conversation"


def child_open_clocks(journey: Journey, *, now: datetime | None = None) -> list[OpenClock]:
    """The deadlines still running for the child, soonest (or most overdue) first.

    - Assessment: 45 working days from the referral, while the episode is open, not NFA, and no assessment
      on it has been authorised.
    - Initial conference: 15 working days from the strategy discussion, while a section 47 enquiry has no
      conference date and a conference was not ruled out.
    - Child protection review: 3 months from the plan's start (the initial conference) for the first review,
      then 6 months from the last review, while the plan is open.
    - Return home conversation: 72 hours from the return, until it is held.
    """
    moment = now if now is not None else timezone.now()
    calendar = current_calendar()
    found: list[OpenClock] = []

    def running(name: str, started: date | datetime, what: str, record: Any) -> None:
        clock = clock_get(name)
        try:
            due = clock.due(started, calendar=calendar)
        except ClockOutOfRange:
            return  # a date no clock can count from (year 1, 9999): nothing sensible to show
        found.append(
            OpenClock(clock, started, deadline_status(due, now=moment, calendar=calendar), what, record)
        )

    for episode in journey.cin_episodes:
        if episode.closure_date is not None:
            continue
        assessments = list(episode.assessments.all())
        if not episode.nfa and not any(a.authorisation_date for a in assessments):
            running(ASSESSMENT_CLOCK, episode.referral_date, "Assessment", episode)
        for enquiry in episode.section47s.all():
            if enquiry.icpc_date is None and not enquiry.icpc_not_required and episode.icpc_date is None:
                running(ICPC_CLOCK, enquiry.clock_start, "Initial child protection conference", enquiry)
        for plan in episode.cp_plans.all():
            if plan.end_date is not None:
                continue
            reviews = list(plan.reviews.all())  # newest first
            if reviews:
                running(CP_REVIEW_CLOCK, reviews[0].review_date, "Child protection review conference", plan)
            else:
                running(
                    CP_FIRST_REVIEW_CLOCK, plan.start_date, "First child protection review conference", plan
                )
    for missing in journey.missing:
        if missing.returned_at is not None and missing.rhc_held_date is None:
            running(RETURN_HOME_CLOCK, missing.returned_at, "Return home conversation", missing)
    found.sort(key=lambda item: item.status.time_left)
    return found
