"""Reading contacts for the MASH: the queue, one contact with everything the MASH holds on it, the log of
work, repeat contacts, and the home page's "needs attention" items.

Everything is read through the person's scope (contact.view: partnership-wide for MASH roles).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone

from safeguarding.access.permissions import get_for_user, holds, visible_to
from safeguarding.accesslog.models import AccessEvent
from safeguarding.accounts.models import Membership, User
from safeguarding.accounts.roles import ROLES
from safeguarding.core.attention import AttentionItem
from safeguarding.core.calendar import WorkingCalendar, add_months, current_calendar
from safeguarding.core.clocks import DeadlineStatus, clock_due_date, deadline_status
from safeguarding.frontdoor.models import AgencyCheck, Contact, ContactChild, ContactConcern

DECISION_CLOCK = "referral-decision"
# The "decided" tab lists decisions of the last week, newest first.
RECENTLY_DECIDED_DAYS = 7
# Other contacts about the same child within this many months make a repeat contact.
REPEAT_CONTACT_MONTHS = 12
RAG_NOT_RATED = "none"


def contacts_for_mash(user: Any) -> QuerySet[Contact]:
    return visible_to(user, Contact.objects.all(), "contact.view")


def contact_for_mash(
    user: Any, pk: int, *, for_write: bool = False, permission: str = "contact.work"
) -> Contact:
    """One contact for a MASH page: 404 outside the person's scope, 403 when they may see but not change."""
    return get_for_user(
        user,
        Contact.objects.select_related("referrer_agency", "assigned_to", "decided_by", "authorised_by"),
        pk,
        view_permission="contact.view",
        change_permission=permission,
        for_write=for_write,
    )


# --- The queue ----------------------------------------------------------------------------------------------


class Worker:
    ANYONE = ""
    ME = "me"
    UNASSIGNED = "unassigned"


@dataclass(frozen=True)
class QueueFilters:
    level: int | None = None
    concern: str = ""
    agency_id: int | None = None
    worker: str = Worker.ANYONE
    rag: str = ""
    status: str = ""
    overdue: bool = False

    def as_details(self) -> dict[str, Any]:
        """The filters in use, for the access log."""
        return {key: value for key, value in asdict(self).items() if value not in (None, "", False)}


def _urgency() -> Case:
    """Red first, then amber, then contacts nobody has rated yet, then green."""
    return Case(
        When(rag=Contact.Rag.RED, then=Value(0)),
        When(rag=Contact.Rag.AMBER, then=Value(1)),
        When(rag="", then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )


def _with_rows(contacts: QuerySet[Contact]) -> QuerySet[Contact]:
    """What each queue row shows, in a fixed number of queries however many rows there are."""
    return contacts.select_related("referrer_agency", "assigned_to").prefetch_related(
        Prefetch(
            "children",
            queryset=ContactChild.objects.only(
                "id",
                "contact_id",
                "child_id",
                "first_name",
                "last_name",
                "date_of_birth",
                "expected_date_of_birth",
            ),
        ),
        Prefetch("concerns", queryset=ContactConcern.objects.order_by("concern")),
    )


def _filtered(
    user: Any, contacts: QuerySet[Contact], filters: QueueFilters, now: datetime
) -> QuerySet[Contact]:
    if filters.level is not None:
        contacts = contacts.filter(referrer_level=filters.level)
    if filters.concern:
        contacts = contacts.filter(
            pk__in=ContactConcern.objects.filter(concern=filters.concern).values("contact_id")
        )
    if filters.agency_id is not None:
        contacts = contacts.filter(referrer_agency_id=filters.agency_id)
    if filters.worker == Worker.ME:
        contacts = contacts.filter(assigned_to=user)
    elif filters.worker == Worker.UNASSIGNED:
        contacts = contacts.filter(assigned_to__isnull=True)
    if filters.rag == RAG_NOT_RATED:
        contacts = contacts.filter(rag="")
    elif filters.rag:
        contacts = contacts.filter(rag=filters.rag)
    if filters.status:
        contacts = contacts.filter(status=filters.status)
    if filters.overdue:
        contacts = contacts.filter(received_at__lt=overdue_if_received_before(now))
    return contacts


def mash_queue(user: Any, filters: QueueFilters, *, now: datetime | None = None) -> QuerySet[Contact]:
    """Open contacts (not yet decided), most urgent first: by RAG rating, then the oldest (nearest its
    decision deadline, or furthest past it) first."""
    moment = now or timezone.now()
    contacts = contacts_for_mash(user).exclude(status=Contact.Status.DECIDED)
    contacts = _filtered(user, contacts, filters, moment)
    return _with_rows(contacts).alias(urgency=_urgency()).order_by("urgency", "received_at", "pk")


def mash_recently_decided(
    user: Any, filters: QueueFilters, *, now: datetime | None = None
) -> QuerySet[Contact]:
    """Contacts decided in the last RECENTLY_DECIDED_DAYS days, newest decision first."""
    moment = now or timezone.now()
    contacts = contacts_for_mash(user).filter(
        status=Contact.Status.DECIDED, decided_at__gte=moment - timedelta(days=RECENTLY_DECIDED_DAYS)
    )
    contacts = _filtered(
        user, contacts, QueueFilters(**{**asdict(filters), "status": "", "overdue": False}), moment
    )
    return _with_rows(contacts).order_by("-decided_at", "-pk")


@dataclass(frozen=True)
class QueueRow:
    contact: Contact
    clock: DeadlineStatus


def queue_rows(contacts: Iterable[Contact], *, now: datetime | None = None) -> list[QueueRow]:
    """Each contact with its decision clock, computed on one calendar read once for the whole page."""
    moment = now or timezone.now()
    calendar = current_calendar()
    return [QueueRow(contact, contact_clock(contact, now=moment, calendar=calendar)) for contact in contacts]


def contact_clock(
    contact: Contact, *, now: datetime | None = None, calendar: WorkingCalendar | None = None
) -> DeadlineStatus:
    """Time left before the MASH decision is due (one working day after the day received), or how overdue.

    A decided contact's clock stopped at the decision: its status is read at the time of the decision.
    """
    working = calendar or current_calendar()
    due = clock_due_date(DECISION_CLOCK, contact.received_at, calendar=working)
    moment = contact.decided_at if contact.decided_at is not None else (now or timezone.now())
    return deadline_status(due, now=moment, calendar=working)


def overdue_if_received_before(now: datetime, calendar: WorkingCalendar | None = None) -> datetime:
    """Contacts received before this moment are past their decision deadline at `now`.

    The decision clock's due date never goes down as the day received goes up, so the contacts past it are
    those received before the first day whose due date is today or later; that day is found by stepping
    back from today with the clock itself (a few steps: weekends and holidays).
    """
    working = calendar or current_calendar()
    today = timezone.localtime(now).date()
    first_in_time = today
    while clock_due_date(DECISION_CLOCK, first_in_time - timedelta(days=1), calendar=working) >= today:
        first_in_time -= timedelta(days=1)
    return timezone.make_aware(datetime.combine(first_in_time, time.min), timezone.get_default_timezone())


# --- People who work contacts -------------------------------------------------------------------------------


def mash_worker_roles() -> list[str]:
    return [code for code, role in ROLES.items() if role.scope_for("contact.work") is not None]


def mash_workers() -> QuerySet[User]:
    """People who may be given contacts: a current role that works contacts."""
    current = Membership.objects.current().filter(role__in=mash_worker_roles())
    return User.objects.filter(pk__in=current.values("user_id")).order_by("full_name", "email")


# --- One contact --------------------------------------------------------------------------------------------


def contact_children(contact: Contact) -> list[ContactChild]:
    return list(contact.children.select_related("child").order_by("pk"))


def contact_agency_checks(contact: Contact) -> list[AgencyCheck]:
    """The MASH's checks with partner agencies on this contact (never shown outside the MASH)."""
    return list(
        contact.agency_checks.select_related("agency", "requested_by", "recorded_by").order_by(
            "requested_at", "pk"
        )
    )


def contact_work_log(contact: Contact) -> list[AccessEvent]:
    """Who did what on the contact, oldest first: the changes written to the access log by the services."""
    return list(
        AccessEvent.objects.filter(
            subject_type=Contact._meta.label_lower,
            subject_id=str(contact.pk),
            action__in=[AccessEvent.Action.CREATE, AccessEvent.Action.CHANGE],
        ).order_by("id")
    )


def contact_changes_since(contact: Contact, seen_version: int) -> list[AccessEvent]:
    """The changes made after the person saw version `seen_version`: what someone else did meanwhile."""
    return [
        event
        for event in contact_work_log(contact)
        if isinstance(event.details, dict) and int(event.details.get("version") or 0) > seen_version
    ]


def repeat_contacts_since(contact: Contact) -> date:
    return add_months(timezone.localdate(contact.received_at), -REPEAT_CONTACT_MONTHS)


def other_contacts_about(user: Any, contact: Contact, child_ids: Iterable[int]) -> dict[int, list[Contact]]:
    """Other contacts about each matched child since 12 months before this one was received, newest first."""
    ids = [child_id for child_id in child_ids if child_id is not None]
    if not ids:
        return {}
    since = timezone.make_aware(
        datetime.combine(repeat_contacts_since(contact), time.min), timezone.get_default_timezone()
    )
    links = (
        ContactChild.objects.filter(child_id__in=ids, contact__received_at__gte=since)
        .exclude(contact_id=contact.pk)
        .filter(contact__in=contacts_for_mash(user))
        .select_related("contact")
        .order_by("-contact__received_at", "-pk")
    )
    found: dict[int, list[Contact]] = defaultdict(list)
    for link in links:
        assert link.child_id is not None
        if link.contact not in found[link.child_id]:
            found[link.child_id].append(link.contact)
    return found


# --- Needs attention (home page) ------------------------------------------------------------------------


def mash_attention(user: Any) -> list[AttentionItem]:
    """For MASH roles: contacts assigned to them (and those overdue), unassigned contacts, and for managers
    the decisions waiting for their authorisation."""
    if not holds(user, "contact.view"):
        return []
    queue = reverse("frontdoor:queue")
    open_contacts = contacts_for_mash(user).exclude(status=Contact.Status.DECIDED)
    items: list[AttentionItem] = []
    if holds(user, "contact.work"):
        cutoff = overdue_if_received_before(timezone.now())
        mine = open_contacts.filter(assigned_to=user)
        items.append(
            AttentionItem(
                title="Contacts assigned to you",
                count=mine.count(),
                href=f"{queue}?worker=me",
                detail="Contacts you are working on in the MASH.",
            )
        )
        items.append(
            AttentionItem(
                title="Your contacts past the decision deadline",
                count=mine.filter(received_at__lt=cutoff).count(),
                href=f"{queue}?worker=me&overdue=on",
                detail="The MASH decides within one working day of receiving a contact.",
                overdue=True,
            )
        )
        items.append(
            AttentionItem(
                title="Contacts nobody is working on",
                count=open_contacts.filter(assigned_to__isnull=True).count(),
                href=f"{queue}?worker=unassigned",
                detail="Claim a contact from the MASH queue to start work on it.",
            )
        )
    if holds(user, "contact.decide"):
        items.append(
            AttentionItem(
                title="Decisions waiting for your authorisation",
                count=open_contacts.filter(status=Contact.Status.AWAITING_AUTHORISATION).count(),
                href=f"{queue}?status={Contact.Status.AWAITING_AUTHORISATION}",
                detail="Level 4 decisions and no further action on red-rated contacts.",
            )
        )
    return items
