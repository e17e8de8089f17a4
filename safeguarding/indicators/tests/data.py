"""Small hand-built front door data for the indicators tests (synthetic contacts, no real people)."""

from __future__ import annotations

import itertools
from datetime import datetime
from zoneinfo import ZoneInfo

from safeguarding.frontdoor.models import Contact
from safeguarding.population.models import ChildPopulation

LONDON = ZoneInfo("Europe/London")
_numbers = itertools.count(1)


def contact(received: str, *, outcome: str = Contact.Outcome.LEVEL_2, decided: str | None = None) -> Contact:
    """A contact received at `received` (London time), decided at `decided` (default: 2 hours later)."""
    moment = datetime.fromisoformat(received).replace(tzinfo=LONDON)
    decided_at = (
        datetime.fromisoformat(decided).replace(tzinfo=LONDON) if decided else moment.replace(hour=16)
    )
    return Contact.objects.create(
        reference=f"WSP-IND-{next(_numbers):06d}",
        channel=Contact.Channel.EMARF,
        received_at=moment,
        referrer_name="A Referrer",
        referrer_email="referrer@example.org",
        what_happened="Synthetic test contact",
        status=Contact.Status.DECIDED,
        outcome=outcome,
        decided_at=decided_at,
    )


def year_2022_23() -> None:
    """Five contacts in 2022-23: three in Q1 (two at level 4), one in Q3, one in Q4; 50,000 children."""
    contact("2022-04-04 10:00", outcome=Contact.Outcome.LEVEL_4)
    contact("2022-05-10 10:00", outcome=Contact.Outcome.LEVEL_4)
    contact("2022-06-30 10:00", outcome=Contact.Outcome.NFA)
    contact("2022-11-15 10:00")
    contact("2023-03-31 10:00", outcome=Contact.Outcome.LEVEL_3)
    contact("2023-04-01 10:00")  # 2023-24: never counted
    ChildPopulation.objects.create(year=2022, children_0_17=50_000, source="Test figure")
