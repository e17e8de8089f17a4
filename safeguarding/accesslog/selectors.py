"""Reading the access log: the filtered list for the log's pages and export, and the chain check.

The chain check walks every event in id order, streaming in batches so memory stays flat however long the
log grows, and re-computes each hash:

- an event whose content no longer matches its own hash was altered;
- an event whose prev_hash is not the hash of the event before it follows a removed event (or an altered
  one whose hash was re-computed to hide the change).

A gap in the ids on its own is not a removal: PostgreSQL spends a sequence number on an insert that is
rolled back, so ids may skip while the chain stays whole. A gap is reported only beside a broken link, to
say which events are missing.

Removing the newest events leaves a shorter chain that is still whole; that is caught only against a
record of the chain's head kept elsewhere (`verify --anchor ID:HASH`; `verify --show-head` prints the
current head).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from safeguarding.accesslog.models import AccessEvent
from safeguarding.accesslog.services import GENESIS_HASH, event_hash

VERIFY_CHUNK_SIZE = 2000


@dataclass(frozen=True)
class ChainBreak:
    """The first event at which the chain no longer holds, and what is wrong with it."""

    event_id: int | None
    occurred_at: datetime | None
    problem: str

    def describe(self) -> str:
        if self.event_id is None:
            return self.problem
        when = (
            self.occurred_at.astimezone(timezone.get_default_timezone()).isoformat()
            if self.occurred_at
            else "?"
        )
        return f"event #{self.event_id} ({when}): {self.problem}"


@dataclass
class ChainVerification:
    checked: int = 0
    broken: ChainBreak | None = None
    last_id: int | None = None
    last_hash: str = GENESIS_HASH
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.broken is None


@dataclass(frozen=True)
class Anchor:
    """A head of the chain recorded earlier, outside the database: event `event_id` had hash `hash`."""

    event_id: int
    hash: str

    @classmethod
    def parse(cls, text: str) -> Anchor:
        event_id, _, expected = text.partition(":")
        if not event_id.strip().isdigit() or len(expected.strip()) != 64:
            raise ValueError("An anchor is written ID:HASH, for example 1234:9f86d08...(64 hex digits)")
        return cls(int(event_id), expected.strip().lower())


def access_log_verify(
    *, chunk_size: int = VERIFY_CHUNK_SIZE, anchor: Anchor | None = None
) -> ChainVerification:
    """Walk the whole chain in id order and report the first broken event, if any."""
    result = ChainVerification()
    previous_id: int | None = None
    anchor_seen = False
    events = AccessEvent.objects.order_by("id").iterator(chunk_size=chunk_size)
    for event in events:
        problem = _problem_with(event, previous_id=previous_id, expected_prev_hash=result.last_hash)
        if anchor is not None and event.pk == anchor.event_id:
            anchor_seen = True
            if problem is None and event.hash != anchor.hash:
                problem = (
                    f"its hash is {event.hash}, not the {anchor.hash} recorded as the anchor: the chain was "
                    "rewritten from here or earlier"
                )
        if problem is not None:
            result.broken = ChainBreak(event.pk, event.occurred_at, problem)
            return result
        result.checked += 1
        previous_id = event.pk
        result.last_id = event.pk
        result.last_hash = event.hash
    if anchor is not None and not anchor_seen:
        result.broken = ChainBreak(
            None,
            None,
            f"event #{anchor.event_id}, recorded as the anchor, is missing: the chain ends at "
            f"#{result.last_id or 0}, so the newest events were removed",
        )
    return result


def _problem_with(event: AccessEvent, *, previous_id: int | None, expected_prev_hash: str) -> str | None:
    if event.prev_hash != expected_prev_hash:
        if previous_id is None:
            return (
                "its prev_hash is not the chain's start, so it is not the first event: the events before it "
                "were removed"
            )
        before = f"event #{previous_id}"
        missing = _missing_ids(previous_id, event.pk)
        if missing:
            cause = f"{missing}: removed from the log (unless {before} was altered and its hash re-computed)"
        else:
            cause = f"{before} was altered and its hash re-computed, or an event between them was removed"
        return f"its prev_hash does not match the hash of {before}; {cause}"
    if event_hash(event) != event.hash:
        if previous_id is None:
            # Every row fails when the key is not the one the log was written with; it shows here first.
            return (
                "its content does not match its hash: the row was altered, or SAFEGUARDING_ACCESSLOG_KEY is "
                "not the key the log was written with"
            )
        return "its content does not match its hash: the row was altered"
    return None


def _missing_ids(previous_id: int, current_id: int) -> str:
    first = previous_id + 1
    if current_id <= first:
        return ""
    if current_id - first == 1:
        return f"event #{first} is missing"
    return f"events #{first} to #{current_id - 1} are missing"


# --- The log's pages and export ---------------------------------------------------------------------------


@dataclass(frozen=True)
class EventFilters:
    """What a reader of the log asked for; every field optional."""

    date_from: date | None = None
    date_to: date | None = None
    agency: str = ""
    action: str = ""
    actor_id: int | None = None
    actor_email: str = ""
    subject_type: str = ""
    subject_id: str = ""

    def as_details(self) -> dict[str, Any]:
        """The filters as logged with the LIST or EXPORT event: only those used, dates in ISO form."""
        used: dict[str, Any] = {}
        for name, value in self.__dict__.items():
            if value in (None, ""):
                continue
            used[name] = value.isoformat() if isinstance(value, date) else value
        return used


def access_events_filtered(filters: EventFilters) -> QuerySet[AccessEvent]:
    """Events matching the filters, newest first. The caller has checked the reader may see the log."""
    events = AccessEvent.objects.all()
    zone = timezone.get_default_timezone()
    if filters.date_from is not None:
        events = events.filter(occurred_at__gte=datetime.combine(filters.date_from, time.min, tzinfo=zone))
    if filters.date_to is not None and filters.date_to < date.max:
        # Up to the end of that day in local time: before the start of the next day (31/12/9999 has none).
        next_day = filters.date_to + timedelta(days=1)
        events = events.filter(occurred_at__lt=datetime.combine(next_day, time.min, tzinfo=zone))
    if filters.agency:
        events = events.filter(actor_agencies__icontains=filters.agency)
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.actor_id is not None:
        events = events.filter(actor_id=filters.actor_id)
    if filters.actor_email:
        events = events.filter(actor_email__iexact=filters.actor_email)
    if filters.subject_type:
        events = events.filter(subject_type=filters.subject_type)
    if filters.subject_id:
        events = events.filter(subject_id=filters.subject_id)
    return events.order_by("-id")


def actor_frozen_name(actor_id: int) -> str:
    """The name a person had in their newest logged event ("" when they have none)."""
    found = (
        AccessEvent.objects.filter(actor_id=actor_id)
        .order_by("-id")
        .values_list("actor_name", "actor_email")
        .first()
    )
    if found is None:
        return ""
    name, email = found
    return f"{name} ({email})" if name else email
